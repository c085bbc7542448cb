"""Attribution methods: how a regulator passes foreign ownership up through layers.

DESIGN.md section 3 describes every method by two transforms.  At each
intermediate entity ``e``::

    r(e) = Σ_h w'(h, e)·φ(h) + undisclosed(e)·φ_u      (link transform w')
    φ(e) = T(e, r(e))                                   (status transform T)

and the figure reported for the target is its raw ``r``.  A method object
supplies ``w'`` (:meth:`Method.link`) and ``T`` (:meth:`Method.status`).  A
method whose status transform is the identity is *linear*: on cross-holdings
its values solve a linear system exactly.

Strings name the bundled methods (``"proportional"``); :func:`get_method`
turns a string or a method object into a method object.
"""

from __future__ import annotations

from fractions import Fraction
from typing import ClassVar

import attrs

from jvmodel.errors import UnsupportedAnalysisError

__all__ = ["Method", "Proportional", "get_method", "method_names"]


class Method:
    """Base class of attribution methods.

    Subclass it to define your own: override :meth:`link` and/or :meth:`status`
    and set ``linear = False`` when ``status`` is not the identity.
    """

    name: ClassVar[str] = "method"
    linear: ClassVar[bool] = True

    def link(self, stake: Fraction) -> Fraction:
        """The link transform w': the weight a stake carries upward."""
        return stake

    def status(self, r: Fraction) -> Fraction:
        """The status transform T: an intermediate's foreign measure from its raw share."""
        return r


@attrs.frozen
class Proportional(Method):
    """Multiply stakes along each path and add over paths.

    The FCC's rule for equity interests (47 CFR 1.5002) and the common reading of
    Chinese look-through.  With cross-holdings the infinite path sums are solved
    exactly as a linear system.

    Examples
    --------
    >>> Proportional().link(Fraction(3, 10))
    Fraction(3, 10)
    """

    name: ClassVar[str] = "proportional"


_BUNDLED: dict[str, type[Method]] = {"proportional": Proportional}


def method_names() -> list[str]:
    """The names of the bundled methods."""
    return sorted(_BUNDLED)


def get_method(method: str | Method) -> Method:
    """The method object for a name or a method object.

    Raises
    ------
    UnsupportedAnalysisError
        For an unknown name.
    """
    if isinstance(method, Method):
        return method
    try:
        return _BUNDLED[method]()
    except (KeyError, TypeError):
        raise UnsupportedAnalysisError(
            f"method {method!r} is not one of {', '.join(method_names())}; "
            "pass one of these names or a jvmodel.methods.Method object",
            reason="unknown method",
            method=method,
        ) from None
