"""The exceptions of jvmodel: one root, concrete errors that also subclass the builtin.

Every concrete error keeps the offending ids and values as attributes, so a
program can act on them, and its message names the entity, the value and the
limit, and says how to fix it.  A breach of a cap is a *result*
(:class:`jvmodel.CapCheck`), never an exception.

All errors pickle (their ``__reduce__`` rebuilds them from their message and
attributes), so they survive multiprocessing.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CircularOwnershipError",
    "DuplicateEntityError",
    "DuplicateHoldingError",
    "InvalidEntityError",
    "InvalidShareError",
    "JVModelError",
    "MissingDependencyError",
    "OverallocatedError",
    "SchemaError",
    "UnknownEntityError",
    "UnknownRegimeError",
    "UnknownSectorError",
    "UnsupportedAnalysisError",
]


class JVModelError(Exception):
    """Root of every error raised by jvmodel on purpose.

    Catch this to handle any refusal of the library; catch a concrete subclass
    (or the builtin it also subclasses) to handle one kind.
    """

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields
        for key, value in fields.items():
            setattr(self, key, value)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.fields))


def _rebuild(cls: type[JVModelError], message: str, fields: dict[str, Any]) -> JVModelError:
    error = cls.__new__(cls)
    JVModelError.__init__(error, message, **fields)
    return error


class InvalidShareError(JVModelError, ValueError):
    """A share or range that cannot be read, or lies outside [0, 1].

    Attributes: ``value`` (what was given) and, where known, ``entity``.
    """


class InvalidEntityError(JVModelError, ValueError):
    """An entity, holding or control link with a malformed field.

    For example an empty id, a jurisdiction that is not an ISO 3166 code, an
    unknown kind or basis, or dates in the wrong order.  Attributes: ``field``
    and ``value``.
    """


class OverallocatedError(JVModelError, ValueError):
    """Recorded stakes in one entity add up to more than 100% at some date.

    Attributes: ``entity``, ``date`` (None when the stakes overlap for all
    time), ``measure`` and ``stakes`` (a mapping of holder id to stake).
    """


class UnknownEntityError(JVModelError, KeyError):
    """An id that names no entity of the graph.  Attribute: ``entity``."""


class DuplicateEntityError(JVModelError, ValueError):
    """An entity id that is already taken.  Attribute: ``entity``."""


class DuplicateHoldingError(JVModelError, ValueError):
    """A second holding (or control link) between the same two entities over an
    overlapping period.  Attributes: ``owner`` and ``owned``.
    """


class CircularOwnershipError(JVModelError, ValueError):
    """A set of entities that own each other entirely, with no outside owner.

    Such a set has no ultimate owner, so its look-through is undefined.
    Attribute: ``entities`` (a sorted tuple of ids).
    """


class SchemaError(JVModelError, ValueError):
    """A file or document that does not follow its format.

    Attributes: ``path`` (the file, or None), ``record`` (which record, e.g.
    ``"holding #3"``) and ``field``.
    """


class UnknownRegimeError(JVModelError, KeyError):
    """A regime name that is not bundled or registered.  Attribute: ``regime``."""


class UnknownSectorError(JVModelError, KeyError):
    """A sector the regime does not know, or an entity whose capped sector
    cannot be chosen without ``sector=``.  Attributes: ``sector``, ``regime``
    and ``entity``.
    """


class UnsupportedAnalysisError(JVModelError, ValueError):
    """An analysis that this version cannot perform on the given input (for
    example a method option that does not apply).  Attribute: ``reason``.
    """


class MissingDependencyError(JVModelError, ImportError):
    """An optional dependency that a function needs is not installed.

    Attributes: ``package`` (what to install) and ``extra`` (the jvmodel extra
    that brings it, as in ``pip install 'jvmodel[pandas]'``).
    """
