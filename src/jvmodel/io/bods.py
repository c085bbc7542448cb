"""Beneficial Ownership Data Standard (BODS) 0.4: read statements into a graph, write them back.

A BODS file is a JSON array of *statements* (or JSON Lines, one statement a
line).  Each statement describes one version of a *record*: an entity, a
person, or a relationship (the interests an interested party holds in a
subject).  :func:`read_bods` streams the file (it never holds the whole file in
memory, only the latest version of each record), resolves each record's history
to its latest statement on or before ``as_of``, and builds an
:class:`~jvmodel.OwnershipGraph`:

* entity records become entities (the record id is the entity id; the entity
  type gives the ``kind``: ``state`` and ``stateBody`` → ``"state"``, trusts →
  ``"trust"``, other arrangements → ``"partnership"``, everything else, listed
  companies included, → ``"company"``; the ``details`` words ``fund``,
  ``partnership`` and ``listed float`` name those kinds);
* known persons become entities of kind ``"person"`` with their first listed
  nationality as jurisdiction; anonymous and unknown persons become nothing, so
  their stakes stay *undisclosed*, like those of unspecified interested parties;
* direct relationships (``directOrIndirect`` ``direct``, ``unknown`` or absent)
  become holdings (``shareholding`` is the equity stake, ``votingRights`` the
  voting stake) and control links (``appointmentOfBoard`` → ``board``,
  ``rightsGrantedByContract`` → ``contract``, ``controlViaCompanyRulesOrArticles``
  → ``voting_agreement``);
* everything else is kept as a :class:`~jvmodel.DeclaredInterest` (a claim, not an
  edge): indirect interests, which :func:`~jvmodel.verify_declared` compares with
  the computed look-through, and interests that carry no stake or control
  (``seniorManagingOfficial``, ``trustee``, ``otherInfluenceOrControl``,
  ``unknownInterest``, ...).

Shares are percentages in BODS and exact fractions here: ``exact`` gives an exact
stake; ``minimum``/``exclusiveMinimum`` and ``maximum``/``exclusiveMaximum`` give
a :class:`~jvmodel.Range` closed or open at each end; a missing bound is 0% or
100%.  Interest ``startDate`` and ``endDate`` give the validity (BODS ``endDate``
is the first day the interest no longer exists, so ``valid_to`` is the day
before).  The full mapping is in ``docs/formats.md``.

:func:`write_bods` writes valid BODS 0.4.  What BODS has no field for (sectors,
zones, a share with no exact decimal form such as 1/3, the ``source`` of a
record) goes into an annotation of the statement with a ``jvmodel`` property, so
that reading the file back gives the same graph.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import re
import sys
import uuid
import warnings
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

import attrs

from jvmodel._numeric import Range, format_share, parse_share
from jvmodel.errors import (
    InvalidEntityError,
    InvalidShareError,
    JVModelError,
    SchemaError,
)
from jvmodel.graph import OwnershipGraph
from jvmodel.io._files import atomic_writer
from jvmodel.model import (
    INTERESTS,
    ControlLink,
    DeclaredInterest,
    Entity,
    Holding,
    Stake,
    normalise_jurisdiction,
)

__all__ = ["BodsWarning", "bods_statements", "iter_statements", "read_bods", "write_bods"]

BODS_VERSION = "0.4"

_RECORD_TYPES = ("entity", "person", "relationship")
_RECORD_STATUSES = ("new", "updated", "closed")
_ENTITY_TYPES = (
    "registeredEntity",
    "legalEntity",
    "arrangement",
    "anonymousEntity",
    "unknownEntity",
    "state",
    "stateBody",
)
_ENTITY_SUBTYPES = ("governmentDepartment", "stateAgency", "other", "trust", "nomination")
_PERSON_TYPES = ("knownPerson", "anonymousPerson", "unknownPerson")
_DIRECTNESS = ("direct", "indirect", "unknown")
# The interests that become control links, and the basis of each.
_CONTROL_BASIS = {
    "appointmentOfBoard": "board",
    "rightsGrantedByContract": "contract",
    "controlViaCompanyRulesOrArticles": "voting_agreement",
}
_BASIS_INTEREST = {basis: interest for interest, basis in _CONTROL_BASIS.items()}
# Words in entityType.details that name a kind BODS has no entity type for.
_KIND_WORDS = {"fund": "fund", "partnership": "partnership", "listed float": "float"}
_SHARE_KEYS = ("exact", "minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")
_HALF = Fraction(1, 2)
_ONE_DAY = dt.timedelta(days=1)
# A statement larger than this is refused rather than buffered without end.
_MAX_STATEMENT = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# Fixed namespace so that the statement ids write_bods makes are reproducible.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "jvmodel:bods-statement")


class BodsWarning(UserWarning):
    """A problem in a BODS file that :func:`read_bods` skipped with ``strict=False``.

    Attributes: ``path`` (the file), ``statement`` (the statement id, or its
    number when it has no id) and ``field`` (where in the statement, or None).
    """

    def __init__(self, message: str, *, path: str, statement: str | None, field: str | None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.statement = statement
        self.field = field

    def __str__(self) -> str:
        return self.message


@attrs.frozen
class _Where:
    """Where a statement is: for messages that name the file, the statement and the field."""

    origin: str
    number: int
    line: int
    statement: str | None = None

    @property
    def record(self) -> str:
        return f"statement {self.statement!r}" if self.statement else f"statement #{self.number}"

    def error(self, field: str | None, problem: str) -> SchemaError:
        place = f"{self.record} (#{self.number}, line {self.line})"
        if field:
            place += f", field {field!r}"
        return SchemaError(
            f"{self.origin}: {place}: {problem}",
            path=self.origin,
            record=self.statement or f"statement #{self.number}",
            field=field,
        )


# -- streaming ----------------------------------------------------------------------


def _open_text(source: Any) -> tuple[IO[str], str, bool]:
    """The text stream of a path or file object, its name, and whether to close it."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.suffix.lower() == ".gz":
            return gzip.open(path, "rt", encoding="utf-8-sig"), str(source), True
        return open(path, encoding="utf-8-sig"), str(source), True
    if not hasattr(source, "read"):
        raise SchemaError(
            f"read_bods needs a path or an open file, not {type(source).__name__}",
            path=None,
            record=None,
            field=None,
        )
    name = str(getattr(source, "name", "<stream>"))
    if isinstance(source, io.TextIOBase):
        return source, name, False  # type: ignore[return-value]
    probe = source.read(0)
    if isinstance(probe, bytes):
        return io.TextIOWrapper(source, encoding="utf-8-sig"), name, False
    return source, name, False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class _Scanner:
    """Reads JSON values one by one from a text stream, in bounded memory."""

    def __init__(self, stream: IO[str], origin: str) -> None:
        self.stream = stream
        self.origin = origin
        self.buffer = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.decoder = json.JSONDecoder(parse_float=Decimal, parse_constant=_refuse_constant)

    def _more(self, size: int = _CHUNK) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.stream.read(size)
        except UnicodeDecodeError as error:
            raise SchemaError(
                f"{self.origin}: line {self.line}: not UTF-8 text ({error.reason})",
                path=self.origin,
                record=None,
                field=None,
            ) from None
        except (OSError, EOFError) as error:  # e.g. a truncated gzip file
            raise SchemaError(
                f"{self.origin}: cannot be read: {error}", path=self.origin, record=None, field=None
            ) from None
        if not chunk:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character after whitespace ('' at the end)."""
        while True:
            end = _WHITESPACE.match(self.buffer, self.pos).end()  # type: ignore[union-attr]
            self.line += self.buffer.count("\n", self.pos, end)
            self.pos = end
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._more():
                return ""

    def take(self) -> None:
        self.pos += 1

    def value(self, where: _Where) -> Any:
        """Decode the object that starts at the current position."""
        size = _CHUNK
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                # Perhaps the object goes on past the buffer: read more and retry.
                if len(self.buffer) - self.pos < _MAX_STATEMENT and self._more(size):
                    size *= 2
                    continue
                line = self.line + self.buffer.count("\n", self.pos, error.pos)
                raise SchemaError(
                    f"{self.origin}: line {line}: statement #{where.number} is not valid "
                    f"JSON: {error.msg}",
                    path=self.origin,
                    record=f"statement #{where.number}",
                    field=None,
                ) from None
            except (ValueError, RecursionError) as error:
                raise where.error(None, f"not valid JSON: {error}") from None
            self.line += self.buffer.count("\n", self.pos, end)
            self.pos = end
            return value


def _scan(stream: IO[str], origin: str) -> Iterator[tuple[Any, _Where]]:
    """Every statement of a JSON array or JSON Lines text, with where it is."""
    scanner = _Scanner(stream, origin)
    first = scanner.peek()
    if first == "":
        raise SchemaError(
            f"{origin}: the file is empty; a BODS file is a JSON array of statements",
            path=origin,
            record=None,
            field=None,
        )
    in_array = first == "["
    if not in_array and first != "{":
        raise SchemaError(
            f"{origin}: line {scanner.line}: expected a JSON array of statements or JSON "
            f"Lines (one statement a line), found {first!r}",
            path=origin,
            record=None,
            field=None,
        )
    if in_array:
        scanner.take()
    number = 0
    while True:
        char = scanner.peek()
        if in_array and char == "]" and number == 0:
            scanner.take()
            break
        if not in_array and char == "":
            break
        number += 1
        where = _Where(origin, number, scanner.line)
        if char != "{":
            problem = "the array is not closed" if char == "" else f"found {char!r}"
            raise where.error(None, f"expected a statement (a JSON object); {problem}")
        yield scanner.value(where), where
        if in_array:
            char = scanner.peek()
            if char == ",":
                scanner.take()
            elif char == "]":
                scanner.take()
                break
            else:
                problem = "the array is not closed" if char == "" else f"found {char!r}"
                raise _Where(origin, number, scanner.line).error(
                    None, f"expected ',' or ']' after the statement; {problem}"
                )
    if in_array and scanner.peek() != "":
        raise SchemaError(
            f"{origin}: line {scanner.line}: content after the end of the array",
            path=origin,
            record=None,
            field=None,
        )


def iter_statements(source: str | os.PathLike[str] | IO[Any]) -> Iterator[dict[str, Any]]:
    """Yield the statements of a BODS file one by one, without loading it whole.

    Reads a JSON array or JSON Lines, from a path (``.gz`` is decompressed) or
    an open file.  Numbers with a fraction part come as :class:`~decimal.Decimal`,
    so percentages stay exact.

    Raises
    ------
    SchemaError
        If the text is not JSON, or not an array or sequence of objects.

    Examples
    --------
    >>> import io
    >>> text = io.StringIO('[{"statementId": "a"}, {"statementId": "b"}]')
    >>> [s["statementId"] for s in iter_statements(text)]
    ['a', 'b']
    """
    stream, origin, close = _open_text(source)
    try:
        for statement, _ in _scan(stream, origin):
            yield statement
    finally:
        if close:
            stream.close()


# -- reading statements ----------------------------------------------------------------


@attrs.frozen
class _Interest:
    index: int
    type: str
    directness: str
    share: Stake | None
    start: dt.date | None
    end: dt.date | None  # BODS endDate: the first day without the interest
    valid_to: dt.date | None  # the last day with it


@attrs.frozen
class _Version:
    """One statement's record, parsed: the latest such per record is kept."""

    kind: str  # recordType
    closed: bool
    order: tuple[dt.datetime, dt.datetime, int]
    where: _Where
    entity: Entity | None = None  # entity and person records; None: an unknown person
    subject: str | None = None  # relationship records; None: unspecified
    party: str | None = None
    interests: tuple[_Interest, ...] = ()
    components: tuple[str, ...] = ()
    source: str | None = None
    declared_only: bool = False


def _text(value: Any, where: _Where, field: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        shown = "missing" if value is None else f"{value!r} is not a non-empty string"
        raise where.error(field, shown)
    return value


def _choice(value: Any, choices: Iterable[str], where: _Where, field: str) -> str:
    options = tuple(choices)
    if value not in options:
        shown = "missing" if value is None else f"{value!r} is not a known code"
        raise where.error(field, f"{shown}; expected one of {', '.join(options)}")
    return str(value)


def _object(value: Any, where: _Where, field: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        shown = "missing" if value is None else f"expected an object, got {type(value).__name__}"
        raise where.error(field, shown)
    return value


def _date(value: Any, where: _Where, field: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise where.error(field, f"{value!r} is not a date (YYYY-MM-DD)")


def _moment(value: Any, where: _Where, field: str) -> dt.datetime:
    """A date or RFC 3339 date-time, as a naive UTC datetime for ordering."""
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
            return moment
    shown = "missing" if value is None else f"{value!r} is not a date or date-time"
    raise where.error(field, shown)


def _percent(value: Any, where: _Where, field: str, exact: str | None) -> Fraction:
    """A BODS percentage (0 to 100) as an exact fraction of one."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        raise where.error(field, f"{value!r} is not a number")
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise where.error(field, f"{value!r} is not a finite number")
    number = Fraction(value)
    if not 0 <= number <= 100:
        raise where.error(field, f"{value} is not a percentage between 0 and 100")
    share = number / 100
    if exact is None:
        return share
    try:
        precise = parse_share(exact)
    except InvalidShareError as error:
        raise where.error(field, f"the exact value in the annotation: {error}") from None
    # The number is the exact value rounded to a float: they must agree closely.
    if abs(precise - share) > Fraction(1, 10**9):
        raise where.error(
            field,
            f"the exact value {exact!r} in the annotation disagrees with the number {value}",
        )
    return precise


def _share(
    value: Any, where: _Where, field: str, exact: Mapping[str, str]
) -> Stake:  # the BODS Share object
    share = _object(value, where, field)
    bounds = {
        key: _percent(share[key], where, f"{field}.{key}", exact.get(key))
        for key in _SHARE_KEYS
        if key in share
    }
    for low, high in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if low in bounds and high in bounds:
            raise where.error(f"{field}.{high}", f"both {low} and {high} are given; give one")
    lower, lower_closed = (
        (bounds["exclusiveMinimum"], False)
        if "exclusiveMinimum" in bounds
        else (bounds.get("minimum", Fraction(0)), True)
    )
    upper, upper_closed = (
        (bounds["exclusiveMaximum"], False)
        if "exclusiveMaximum" in bounds
        else (bounds.get("maximum", Fraction(1)), True)
    )
    if "exact" in bounds:
        point = bounds["exact"]
        inside = (point > lower or (lower_closed and point == lower)) and (
            point < upper or (upper_closed and point == upper)
        )
        if not inside:
            raise where.error(
                f"{field}.exact",
                f"{format_share(point)} lies outside the bounds also given "
                f"({format_share(lower)} to {format_share(upper)})",
            )
        return point
    if lower > upper or (lower == upper and not (lower_closed and upper_closed)):
        raise where.error(
            field,
            f"the range from {format_share(lower)} to {format_share(upper)} is empty",
        )
    closed = {
        (True, True): "both",
        (True, False): "left",
        (False, True): "right",
        (False, False): "neither",
    }[lower_closed, upper_closed]
    return Range(lower, upper, closed=closed)  # type: ignore[arg-type]


def _extension(statement: Mapping[str, Any], where: _Where) -> Mapping[str, Any]:
    """The ``jvmodel`` property of the statement's annotations (what write_bods adds)."""
    annotations = statement.get("annotations", [])
    if not isinstance(annotations, list):
        raise where.error("annotations", "expected an array")
    found: dict[str, Any] = {}
    for index, annotation in enumerate(annotations):
        if isinstance(annotation, dict) and "jvmodel" in annotation:
            payload = annotation["jvmodel"]
            if not isinstance(payload, dict):
                raise where.error(f"annotations[{index}].jvmodel", "expected an object")
            found.update(payload)
    return found


def _labels(value: Any, where: _Where, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(field, "expected a list of strings")
    return value


def _kind(entity_type: str, subtype: str | None, details: Any) -> str:
    word = details.strip().lower() if isinstance(details, str) else ""
    if word in _KIND_WORDS:
        return _KIND_WORDS[word]
    if entity_type in ("state", "stateBody"):
        return "state"
    if subtype == "trust":
        return "trust"
    if entity_type == "arrangement":
        return "partnership"
    return "company"


def _jurisdiction(value: Any, where: _Where, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise where.error(field, f"{value!r} is not a code")
    try:
        return normalise_jurisdiction(value)
    except InvalidEntityError as error:
        raise where.error(field, error.message) from None


def _entity(
    record: str, details: Mapping[str, Any], where: _Where, extension: Mapping[str, Any]
) -> Entity:
    entity_type = _object(details.get("entityType"), where, "recordDetails.entityType")
    kind_code = _choice(
        entity_type.get("type"), _ENTITY_TYPES, where, "recordDetails.entityType.type"
    )
    subtype = entity_type.get("subtype")
    if subtype is not None:
        _choice(subtype, _ENTITY_SUBTYPES, where, "recordDetails.entityType.subtype")
    kind = _kind(kind_code, subtype, entity_type.get("details"))
    name = details.get("name", record)
    if not isinstance(name, str):
        raise where.error("recordDetails.name", f"{name!r} is not a string")
    jurisdiction = None
    if details.get("jurisdiction") is not None:
        place = _object(details["jurisdiction"], where, "recordDetails.jurisdiction")
        jurisdiction = _jurisdiction(place.get("code"), where, "recordDetails.jurisdiction.code")
    return _build_entity(
        record, name, kind=kind, jurisdiction=jurisdiction, where=where, extension=extension
    )


def _build_entity(
    record: str,
    name: str,
    *,
    kind: str,
    jurisdiction: str | None,
    where: _Where,
    extension: Mapping[str, Any],
) -> Entity:
    fields: dict[str, Any] = {"id": record, "name": name, "kind": kind}
    fields["jurisdiction"] = jurisdiction
    if "kind" in extension:
        fields["kind"] = extension["kind"]
    if "jurisdiction" in extension:
        fields["jurisdiction"] = _jurisdiction(
            extension["jurisdiction"], where, "annotations.jvmodel.jurisdiction"
        )
    for label in ("sectors", "zones"):
        if label in extension:
            fields[label] = _labels(extension[label], where, f"annotations.jvmodel.{label}")
    try:
        return Entity(**fields)
    except InvalidEntityError as error:
        raise where.error(f"recordDetails.{error.fields.get('field')}", error.message) from None


def _person(
    record: str, details: Mapping[str, Any], where: _Where, extension: Mapping[str, Any]
) -> Entity | None:
    person_type = _choice(
        details.get("personType"), _PERSON_TYPES, where, "recordDetails.personType"
    )
    if person_type != "knownPerson":
        return None  # anonymous and unknown persons: their stakes stay undisclosed
    names = details.get("names", [])
    if not isinstance(names, list):
        raise where.error("recordDetails.names", "expected an array")
    chosen = None
    for index, item in enumerate(names):
        entry = _object(item, where, f"recordDetails.names[{index}]")
        full = entry.get("fullName")
        if not isinstance(full, str):
            shown = "missing" if full is None else f"{full!r} is not a string"
            raise where.error(f"recordDetails.names[{index}].fullName", shown)
        if chosen is None or entry.get("type") == "legal":
            chosen = full
            if entry.get("type") == "legal":
                break
    nationality = None
    nationalities = details.get("nationalities", [])
    if not isinstance(nationalities, list):
        raise where.error("recordDetails.nationalities", "expected an array")
    for index, item in enumerate(nationalities):
        country = _object(item, where, f"recordDetails.nationalities[{index}]")
        if country.get("code") is not None:
            nationality = _jurisdiction(
                country["code"], where, f"recordDetails.nationalities[{index}].code"
            )
            break
    name = record if chosen is None else chosen
    return _build_entity(
        record, name, kind="person", jurisdiction=nationality, where=where, extension=extension
    )


def _interests(
    details: Mapping[str, Any], where: _Where, extension: Mapping[str, Any]
) -> tuple[_Interest, ...]:
    raw = details.get("interests", [])
    if not isinstance(raw, list):
        raise where.error("recordDetails.interests", "expected an array")
    exact = extension.get("shares", {})
    ends = extension.get("validTo", {})
    if not isinstance(exact, dict) or not isinstance(ends, dict):
        raise where.error("annotations.jvmodel", "'shares' and 'validTo' must be objects")
    found = []
    for index, value in enumerate(raw):
        field = f"recordDetails.interests[{index}]"
        interest = _object(value, where, field)
        kind = interest.get("type", "unknownInterest")
        _choice(kind, INTERESTS, where, f"{field}.type")
        directness = _choice(
            interest.get("directOrIndirect", "unknown"),
            _DIRECTNESS,
            where,
            f"{field}.directOrIndirect",
        )
        share = None
        if "share" in interest:
            pointer = f"/recordDetails/interests/{index}/share/"
            overrides = {
                key[len(pointer) :]: text
                for key, text in exact.items()
                if key.startswith(pointer) and isinstance(text, str)
            }
            share = _share(interest["share"], where, f"{field}.share", overrides)
        start = _date(interest.get("startDate"), where, f"{field}.startDate")
        end = _date(interest.get("endDate"), where, f"{field}.endDate")
        if start is not None and end is not None and end < start:
            raise where.error(f"{field}.endDate", f"{end} is before the startDate {start}")
        valid_to = None if end is None else end - _ONE_DAY
        if str(index) in ends:
            valid_to = _date(ends[str(index)], where, "annotations.jvmodel.validTo")
        found.append(_Interest(index, kind, directness, share, start, end, valid_to))
    return tuple(found)


def _party(value: Any, where: _Where, field: str) -> str | None:
    """A record id, or None for an unspecified party (an UnspecifiedRecord object)."""
    if isinstance(value, dict):
        if "reason" not in value:
            raise where.error(f"{field}.reason", "missing (an unspecified record needs a reason)")
        return None
    return _text(value, where, field)


def _version(statement: Any, where: _Where, number: int) -> tuple[str, _Version]:
    """Check and parse one statement; return its record id and the parsed version."""
    if not isinstance(statement, dict):
        raise where.error(None, "expected a statement (a JSON object)")
    old_style = "statementType" in statement or "statementID" in statement
    if "recordType" not in statement and old_style:
        raise where.error(
            "statementType",
            "this is a BODS 0.2/0.3 statement; read_bods reads BODS 0.4 (recordType, "
            "recordDetails)",
        )
    statement_id = _text(statement.get("statementId"), where, "statementId")
    where = _Where(where.origin, where.number, where.line, statement_id)
    record = _text(statement.get("recordId"), where, "recordId")
    assert record is not None
    kind = _choice(statement.get("recordType"), _RECORD_TYPES, where, "recordType")
    status = statement.get("recordStatus", "new")
    _choice(status, _RECORD_STATUSES, where, "recordStatus")
    declared_at = _moment(statement.get("statementDate"), where, "statementDate")
    published_at = dt.datetime.min
    publication = statement.get("publicationDetails")
    if publication is not None and "publicationDate" in _object(
        publication, where, "publicationDetails"
    ):
        published_at = _moment(
            publication["publicationDate"], where, "publicationDetails.publicationDate"
        )
    details = _object(statement.get("recordDetails"), where, "recordDetails")
    extension = _extension(statement, where)
    common = {
        "kind": kind,
        "closed": status == "closed",
        "order": (declared_at, published_at, number),
        "where": where,
    }
    if kind == "entity":
        return record, _Version(**common, entity=_entity(record, details, where, extension))
    if kind == "person":
        return record, _Version(**common, entity=_person(record, details, where, extension))
    components = details.get("componentRecords", [])
    if not isinstance(components, list) or not all(isinstance(c, str) and c for c in components):
        raise where.error("recordDetails.componentRecords", "expected an array of record ids")
    source = statement_id
    if "source" in extension:
        source = extension["source"]
        if source is not None and not isinstance(source, str):
            raise where.error("annotations.jvmodel.source", "expected a string or null")
    return record, _Version(
        **common,
        subject=_party(details.get("subject"), where, "recordDetails.subject"),
        party=_party(details.get("interestedParty"), where, "recordDetails.interestedParty"),
        interests=_interests(details, where, extension),
        components=tuple(components),
        source=source,
        declared_only=extension.get("declared") is True,
    )


# -- building the graph ------------------------------------------------------------------


class _Builder:
    def __init__(self, origin: str, strict: bool) -> None:
        self.origin = origin
        self.strict = strict

    def problem(self, error: JVModelError, where: _Where | None) -> None:
        """Raise (strict) or warn and go on (lenient)."""
        if self.strict:
            raise error
        statement = error.fields.get("record")
        if statement is None and where is not None:
            statement = where.statement or f"statement #{where.number}"
        warnings.warn(
            BodsWarning(
                error.message,
                path=self.origin,
                statement=statement,
                field=error.fields.get("field"),
            ),
            stacklevel=_caller_level(),
        )

    def add(self, g: OwnershipGraph, record: Any, where: _Where, field: str) -> None:
        """Add a holding, control link or declared interest, naming the statement on refusal."""
        try:
            if isinstance(record, Holding):
                g.add_holding(record)
            elif isinstance(record, ControlLink):
                g.add_control(record)
            else:
                g.add_declared(record)
        except JVModelError as error:
            self.problem(_located(error, where, field), where)


def _caller_level() -> int:
    """The stacklevel that points a warning at the code that called read_bods."""
    level, frame = 1, sys._getframe(1)
    while frame.f_back is not None and frame.f_globals.get("__name__") == __name__:
        frame = frame.f_back
        level += 1
    return level


def _located(error: JVModelError, where: _Where, field: str) -> JVModelError:
    if isinstance(error, InvalidShareError | InvalidEntityError):
        return where.error(field, error.message)
    place = f"{where.origin}: {where.record} (#{where.number}, line {where.line})"
    return type(error)(f"{place}: {error.message}", **error.fields)


def _stake_records(
    party: str, subject: str, interests: list[_Interest], source: str | None, where: _Where
) -> list[tuple[Holding, _Interest]]:
    """Holdings from direct shareholding and votingRights interests.

    The two kinds may have different periods; the time line is cut at every
    start and end, and each piece takes the shareholding and the voting
    interest in force then (equity 0 when only votes are declared).  Adjacent
    pieces from the same interests are joined again.
    """
    equity = [i for i in interests if i.type == "shareholding"]
    voting = [i for i in interests if i.type == "votingRights"]
    cuts: set[dt.date] = set()
    for i in (*equity, *voting):
        if i.start is not None:
            cuts.add(i.start)
        if i.valid_to is not None and i.valid_to < dt.date.max:
            cuts.add(i.valid_to + _ONE_DAY)
    ordered = sorted(cuts)
    points: list[dt.date | None] = [None, *ordered]

    def in_force(found: list[_Interest], start: dt.date | None, kind: str) -> _Interest | None:
        # Does the interest cover the piece that begins at ``start`` (None: the
        # time before every cut)?  Pieces lie between cuts, so checking their
        # first day is enough.
        covering = [
            i
            for i in found
            if (i.start is None or (start is not None and i.start <= start))
            and (i.valid_to is None or start is None or start <= i.valid_to)
        ]
        if len(covering) > 1:
            raise where.error(
                f"recordDetails.interests[{covering[1].index}]",
                f"two {kind} interests of {party!r} in {subject!r} overlap in time "
                f"(interests {covering[0].index} and {covering[1].index})",
            )
        return covering[0] if covering else None

    pieces: list[tuple[dt.date | None, dt.date | None, _Interest | None, _Interest | None]] = []
    for position, start in enumerate(points):
        end = ordered[position] - _ONE_DAY if position < len(ordered) else None
        pair = (in_force(equity, start, "shareholding"), in_force(voting, start, "votingRights"))
        if pair == (None, None):
            continue
        if pieces:
            last = pieces[-1]
            same = last[2] is pair[0] and last[3] is pair[1]
            if same and last[1] is not None and start is not None and last[1] + _ONE_DAY == start:
                pieces[-1] = (last[0], end, *pair)
                continue
        pieces.append((start, end, *pair))
    found: list[tuple[Holding, _Interest]] = []
    for start, piece_end, stake, vote in pieces:
        first = stake or vote
        assert first is not None
        end = piece_end
        if end is None:  # the last piece: open, unless an interest lasts to date.max
            ends = [i.valid_to for i in (stake, vote) if i is not None and i.valid_to]
            end = min(ends) if ends else None
        try:
            holding = Holding(
                owner=party,
                owned=subject,
                equity=Fraction(0) if stake is None else _known(stake),
                voting=None if vote is None else _known(vote),
                valid_from=start,
                valid_to=end,
                source=source,
            )
        except JVModelError as error:
            raise where.error(f"recordDetails.interests[{first.index}]", error.message) from None
        found.append((holding, first))
    return found


def _known(interest: _Interest) -> Stake:
    """The stake of a shareholding or voting interest; an unsized one is 0 to 100%."""
    return Range(0, 1) if interest.share is None else interest.share


def _upper(share: Stake) -> Fraction:
    return share.max if isinstance(share, Range) else share


def _add_relationship(
    g: OwnershipGraph,
    version: _Version,
    kinds: Mapping[str, str],
    hidden: set[str],
    builder: _Builder,
) -> None:
    where = version.where
    subject, party = version.subject, version.party
    if subject is None or party is None or party in hidden:
        return  # an unspecified subject, or ownership with no known holder: undisclosed
    for role, record in (("subject", subject), ("interestedParty", party)):
        field = f"recordDetails.{role}"
        if record not in g:
            if record in hidden:
                problem = f"record {record!r} is a person; the subject must be an entity"
            elif record in kinds:
                problem = (
                    f"record {record!r} is a {kinds[record]} record or is closed; it must be "
                    "an open entity or person record"
                )
            else:
                problem = f"record {record!r} is not described by any statement"
            builder.problem(where.error(field, problem), where)
            return
    if kinds.get(subject) == "person":
        builder.problem(
            where.error(
                "recordDetails.subject",
                f"record {subject!r} is a person; the subject must be an entity",
            ),
            where,
        )
        return
    declared: list[_Interest] = []
    stakes: list[_Interest] = []
    controls: list[_Interest] = []
    interests = version.interests
    if not interests:
        # A relationship that names no interest: an interest of unknown kind.
        interests = (_Interest(0, "unknownInterest", "unknown", None, None, None, None),)
    for interest in interests:
        if interest.start is not None and interest.end == interest.start:
            continue  # ended the day it started: it never applied for a whole day
        direct = interest.directness != "indirect" and not version.declared_only
        if direct and interest.type in ("shareholding", "votingRights"):
            stakes.append(interest)
        elif (
            direct
            and interest.type in _CONTROL_BASIS
            and (interest.share is None or _upper(interest.share) > _HALF)
        ):
            controls.append(interest)
        else:
            declared.append(interest)
    try:
        holdings = _stake_records(party, subject, stakes, version.source, where)
    except SchemaError as error:
        builder.problem(error, where)
        holdings = []
    for holding, interest in holdings:
        builder.add(g, holding, where, f"recordDetails.interests[{interest.index}]")
    for interest in controls:
        field = f"recordDetails.interests[{interest.index}]"
        try:
            link = ControlLink(
                controller=party,
                controlled=subject,
                basis=_CONTROL_BASIS[interest.type],  # type: ignore[arg-type]
                valid_from=interest.start,
                valid_to=interest.valid_to,
                source=version.source,
            )
        except JVModelError as error:
            builder.problem(where.error(field, error.message), where)
            continue
        builder.add(g, link, where, field)
    for interest in declared:
        field = f"recordDetails.interests[{interest.index}]"
        try:
            claim = DeclaredInterest(
                party=party,
                subject=subject,
                interest=interest.type,
                directness=interest.directness,  # type: ignore[arg-type]
                share=interest.share,
                valid_from=interest.start,
                valid_to=interest.valid_to,
                components=version.components,
                source=version.source,
            )
        except JVModelError as error:
            builder.problem(where.error(field, error.message), where)
            continue
        builder.add(g, claim, where, field)


def read_bods(
    source: str | os.PathLike[str] | IO[Any],
    *,
    as_of: dt.date | None = None,
    strict: bool = True,
) -> OwnershipGraph:
    """Read a BODS 0.4 file (JSON array or JSON Lines) into an ownership graph.

    Parameters
    ----------
    source : path or file
        A ``.json`` array of statements or ``.jsonl`` JSON Lines (either may be
        gzip-compressed, ``.gz``), or an open text or binary file.  The file is
        streamed: only the latest version of each record is held in memory.
    as_of : datetime.date, optional
        Read the data as published on that day: each record is taken from its
        latest statement with a ``statementDate`` on or before ``as_of`` (later
        ones ignored).  By default the latest statement of each record.  A
        record whose chosen statement is ``closed`` is left out.  (Holdings keep
        their own validity dates; analyse a date with the ``as_of=`` of the
        analysis functions.)
    strict : bool
        With ``True`` (the default) the first problem raises.  With ``False``
        each problem is reported as a :class:`BodsWarning` (through
        :mod:`warnings`; collect them with ``warnings.catch_warnings(record=True)``)
        and the statement, or the one holding, concerned is skipped; the rest
        is loaded.  Text that is not JSON (a syntax error) raises in both
        modes: nothing after it can be read reliably.

    Returns
    -------
    OwnershipGraph
        With the declared interests that are not edges in ``g.declared()``.

    Raises
    ------
    SchemaError
        Unknown or malformed content: the message names the file, the statement
        id and the field.
    OverallocatedError, DuplicateHoldingError
        Direct stakes in one entity that add up to more than 100% on some day,
        or two stakes of one holder in one entity over the same days; the
        message names the statement.

    Examples
    --------
    >>> import io, jvmodel as jvm
    >>> statements = io.StringIO('''[
    ...  {"statementId": "s-0000000000000000000000000000001", "statementDate": "2024-01-02",
    ...   "declarationSubject": "jv", "recordId": "jv", "recordType": "entity",
    ...   "recordDetails": {"isComponent": false, "entityType": {"type": "registeredEntity"},
    ...                     "name": "JV Co", "jurisdiction": {"name": "China", "code": "CN"}}},
    ...  {"statementId": "s-0000000000000000000000000000002", "statementDate": "2024-01-02",
    ...   "declarationSubject": "jv", "recordId": "p1", "recordType": "person",
    ...   "recordDetails": {"isComponent": false, "personType": "knownPerson",
    ...                     "names": [{"fullName": "Ann Lee"}],
    ...                     "nationalities": [{"name": "Singapore", "code": "SG"}]}},
    ...  {"statementId": "s-0000000000000000000000000000003", "statementDate": "2024-01-02",
    ...   "declarationSubject": "jv", "recordId": "r1", "recordType": "relationship",
    ...   "recordDetails": {"isComponent": false, "subject": "jv", "interestedParty": "p1",
    ...                     "interests": [{"type": "shareholding", "directOrIndirect": "direct",
    ...                                    "share": {"exclusiveMinimum": 25, "maximum": 50}}]}}
    ... ]''')
    >>> g = jvm.read_bods(statements)
    >>> g.entity("p1")
    Entity(id='p1', name='Ann Lee', kind='person', jurisdiction='SG', sectors=(), zones=())
    >>> [h.equity for h in g.holdings_of("jv")]
    [Range('25%', '50%', closed='right')]
    """
    stream, origin, close = _open_text(source)
    latest: dict[str, _Version] = {}
    kinds: dict[str, str] = {}
    builder = _Builder(origin, strict)
    try:
        for statement, where in _scan(stream, origin):
            try:
                record, version = _version(statement, where, where.number)
            except SchemaError as error:
                builder.problem(error, where)
                continue
            known = kinds.setdefault(record, version.kind)
            if known != version.kind:
                builder.problem(
                    version.where.error(
                        "recordType",
                        f"record {record!r} was a {known} record in an earlier statement",
                    ),
                    version.where,
                )
                continue
            if as_of is not None and version.order[0].date() > as_of:
                continue
            kept = latest.get(record)
            if kept is None or version.order >= kept.order:
                latest[record] = version
    finally:
        if close:
            stream.close()
    g = OwnershipGraph()
    hidden: set[str] = set()
    for record, version in latest.items():
        if version.kind == "relationship" or version.closed:
            continue
        if version.entity is None:
            hidden.add(record)
        else:
            g.add_entity(version.entity)
    relationships = sorted(
        (v for v in latest.values() if v.kind == "relationship" and not v.closed),
        key=lambda v: v.where.number,
    )
    for version in relationships:
        _add_relationship(g, version, kinds, hidden, builder)
    return g


# -- writing ---------------------------------------------------------------------------


def _entity_type(kind: str) -> dict[str, str]:
    if kind == "state":
        return {"type": "stateBody"}
    if kind == "trust":
        return {"type": "arrangement", "subtype": "trust"}
    if kind == "fund":
        return {"type": "legalEntity", "details": "fund"}
    if kind == "partnership":
        return {"type": "registeredEntity", "details": "partnership"}
    if kind == "float":
        return {"type": "unknownEntity", "details": "listed float"}
    return {"type": "registeredEntity"}


def _percent_number(share: Fraction) -> tuple[int | float, str | None]:
    """The BODS number for a share, and its exact text when the number cannot be exact."""
    text = format_share(share)
    if text.endswith("%"):
        digits = text[:-1]
        if "." not in digits:
            return int(digits), None
        significant = digits.replace(".", "").lstrip("0")
        # Up to 15 significant digits, a decimal survives the trip through a double:
        # the shortest representation json writes is the decimal itself.
        if len(significant) <= 15:
            return float(digits), None
    return float(share * 100), text


def _share_object(stake: Stake, pointer: str, exact: dict[str, str]) -> dict[str, int | float]:
    if isinstance(stake, Range):
        low = "minimum" if stake.min_closed else "exclusiveMinimum"
        high = "maximum" if stake.max_closed else "exclusiveMaximum"
        pairs: tuple[tuple[str, Fraction], ...] = ((low, stake.min), (high, stake.max))
    else:
        pairs = (("exact", stake),)
    found: dict[str, int | float] = {}
    for key, value in pairs:
        number, text = _percent_number(value)
        found[key] = number
        if text is not None:
            exact[f"{pointer}/share/{key}"] = text
    return found


def _annotation(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "motivation": "commenting",
        "statementPointerTarget": "",
        "description": "jvmodel: exact values and fields that BODS 0.4 has no place for",
        "jvmodel": dict(payload),
    }


def _interest(
    kind: str,
    directness: str,
    *,
    share: Stake | None,
    span: tuple[dt.date | None, dt.date | None],
    index: int,
    payload: dict[str, Any],
) -> dict[str, Any]:
    valid_from, valid_to = span
    interest: dict[str, Any] = {"type": kind, "directOrIndirect": directness}
    if share is not None:
        exact: dict[str, str] = payload.setdefault("shares", {})
        interest["share"] = _share_object(share, f"/recordDetails/interests/{index}", exact)
        if not exact:
            del payload["shares"]
    if valid_from is not None:
        interest["startDate"] = valid_from.isoformat()
    if valid_to is not None:
        if valid_to == dt.date.max:  # no day after it: BODS cannot say when it ends
            payload.setdefault("validTo", {})[str(index)] = valid_to.isoformat()
        else:
            interest["endDate"] = (valid_to + _ONE_DAY).isoformat()
    return interest


def bods_statements(
    g: OwnershipGraph,
    *,
    statement_date: dt.date | None = None,
    publisher: str = "jvmodel",
) -> Iterator[dict[str, Any]]:
    """The BODS 0.4 statements that describe ``g``, one by one (see :func:`write_bods`).

    Examples
    --------
    >>> import datetime as dt, jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> _ = g.add_entity("a", jurisdiction="GB")
    >>> _ = g.add_entity("b", kind="person", jurisdiction="FR")
    >>> _ = g.add_holding("b", "a", "1/3")
    >>> statements = list(bods_statements(g, statement_date=dt.date(2024, 1, 1)))
    >>> [s["recordType"] for s in statements]
    ['entity', 'person', 'relationship']
    >>> statements[2]["recordDetails"]["interests"][0]["share"]
    {'exact': 33.333333333333336}
    >>> statements[2]["annotations"][0]["jvmodel"]["shares"]
    {'/recordDetails/interests/0/share/exact': '1/3'}
    """
    day = statement_date or dt.date.today()
    publication = {
        "publicationDate": day.isoformat(),
        "bodsVersion": BODS_VERSION,
        "publisher": {"name": publisher},
    }
    taken = set(g)

    def statement(
        record: str, kind: str, subject: str, details: dict[str, Any], payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        found: dict[str, Any] = {
            "statementId": str(uuid.uuid5(_NAMESPACE, f"{day.isoformat()}|{kind}|{record}")),
            "declarationSubject": subject,
            "statementDate": day.isoformat(),
            "publicationDetails": publication,
            "recordId": record,
            "recordType": kind,
            "recordStatus": "new",
            "recordDetails": details,
        }
        if payload:
            found["annotations"] = [_annotation(payload)]
        return found

    # A subject must be an entity record; a "person" that is owned or controlled
    # (which the model allows) is written as an entity record of kind person.
    subjects = {h.owned for h in g.holdings()} | {c.controlled for c in g.controls()}
    subjects |= {d.subject for d in g.declared()}
    for entity in g.entities():
        payload: dict[str, Any] = {}
        if entity.kind == "person" and entity.id not in subjects:
            details: dict[str, Any] = {
                "isComponent": False,
                "personType": "knownPerson",
                "names": [{"type": "legal", "fullName": entity.name}],
            }
            if entity.jurisdiction is not None and entity.country is not None:
                details["nationalities"] = [{"name": entity.country, "code": entity.country}]
                if entity.jurisdiction != entity.country:
                    payload["jurisdiction"] = entity.jurisdiction
            kind = "person"
        else:
            entity_type = _entity_type(entity.kind)
            details = {"isComponent": False, "entityType": entity_type, "name": entity.name}
            if entity.jurisdiction is not None:
                details["jurisdiction"] = {
                    "name": entity.jurisdiction,
                    "code": entity.jurisdiction,
                }
            recovered = _kind(
                entity_type["type"], entity_type.get("subtype"), entity_type.get("details")
            )
            if recovered != entity.kind:
                payload["kind"] = entity.kind
            kind = "entity"
        if entity.sectors:
            payload["sectors"] = list(entity.sectors)
        if entity.zones:
            payload["zones"] = list(entity.zones)
        yield statement(entity.id, kind, entity.id, details, payload)

    counter = 0

    def record_id() -> str:
        nonlocal counter
        while True:
            counter += 1
            candidate = f"relationship-{counter}"
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    def relationship(
        party: str,
        subject: str,
        interests: list[dict[str, Any]],
        payload: dict[str, Any],
        components: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        details: dict[str, Any] = {
            "isComponent": False,
            "subject": subject,
            "interestedParty": party,
            "interests": interests,
        }
        if components:
            details["componentRecords"] = list(components)
        return statement(record_id(), "relationship", subject, details, payload)

    for holding in g.holdings():
        payload = {"source": holding.source}
        interests: list[dict[str, Any]] = []
        span = (holding.valid_from, holding.valid_to)
        if holding.equity != 0 or holding.voting == holding.equity:
            interests.append(
                _interest(
                    "shareholding",
                    "direct",
                    share=holding.equity,
                    span=span,
                    index=len(interests),
                    payload=payload,
                )
            )
        if holding.voting != holding.equity:
            interests.append(
                _interest(
                    "votingRights",
                    "direct",
                    share=holding.voting,
                    span=span,
                    index=len(interests),
                    payload=payload,
                )
            )
        yield relationship(holding.owner, holding.owned, interests, payload)
    for link in g.controls():
        payload = {"source": link.source}
        interest = _interest(
            _BASIS_INTEREST[link.basis],
            "direct",
            share=None,
            span=(link.valid_from, link.valid_to),
            index=0,
            payload=payload,
        )
        yield relationship(link.controller, link.controlled, [interest], payload)
    for claim in g.declared():
        payload = {"source": claim.source, "declared": True}
        interest = _interest(
            claim.interest,
            claim.directness,
            share=claim.share,
            span=(claim.valid_from, claim.valid_to),
            index=0,
            payload=payload,
        )
        yield relationship(claim.party, claim.subject, [interest], payload, claim.components)


def write_bods(
    g: OwnershipGraph,
    path: str | os.PathLike[str],
    *,
    statement_date: dt.date | None = None,
    publisher: str = "jvmodel",
) -> None:
    """Write ``g`` as BODS 0.4 statements: a JSON array, or JSON Lines for ``.jsonl``.

    Each entity becomes an entity or person statement, each holding, control
    link and declared interest a relationship statement of its own, all dated
    ``statement_date`` (today by default) with ``recordStatus`` ``new`` and
    reproducible statement ids.  The output validates against the BODS 0.4
    schema; ``read_bods`` gives back a graph equal to ``g``.  The file is
    written atomically (a temporary file renamed over ``path``).

    Examples
    --------
    >>> import datetime as dt, pathlib, tempfile, jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> jvm.write_bods(g, folder / "vpn-jv.json", statement_date=dt.date(2024, 1, 1))
    >>> jvm.read_bods(folder / "vpn-jv.json") == g
    True
    """
    lines = Path(path).suffix.lower() == ".jsonl"
    statements = bods_statements(g, statement_date=statement_date, publisher=publisher)
    with atomic_writer(path) as stream:
        if lines:
            for item in statements:
                stream.write(json.dumps(item, ensure_ascii=False) + "\n")
            return
        stream.write("[")
        for number, item in enumerate(statements):
            stream.write(",\n  " if number else "\n  ")
            stream.write(json.dumps(item, ensure_ascii=False))
        stream.write("\n]\n")
