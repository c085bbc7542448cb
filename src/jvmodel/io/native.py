"""The native file format: TOML or JSON, by file suffix (DESIGN.md section 5).

A file has arrays of tables ``entity`` (required, possibly empty), ``holding``
and ``control``, optionally ``version = 1`` and ``declared``: interests a source
declared that are not edges (see :class:`~jvmodel.DeclaredInterest`).  Shares are written
as exact text (``"12.5%"`` or ``"1/3"``), so a saved graph loads back equal to
itself.  Unknown fields are refused rather than ignored: a misspelt ``equty``
must not silently drop a stake.  For the same reason a JSON object with the same
key twice is refused (JSON parsers keep the last one silently; TOML forbids it).

Reading is safe on any bytes: the only errors :func:`load` raises are
:class:`~jvmodel.JVModelError` subclasses (and :class:`OSError` for a file that
cannot be read).  The file must be UTF-8 (a byte-order mark is allowed); an
empty file, or one nested deeper than the parser's recursion limit, is refused.

:func:`save` writes to a temporary file in the same folder and renames it over
the destination, so a crash never leaves a half-written file in place of the old one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from jvmodel._numeric import Range, format_share, parse_share
from jvmodel._text import show
from jvmodel.errors import (
    DuplicateEntityError,
    JVModelError,
    OverallocatedError,
    SchemaError,
    UnknownEntityError,
)
from jvmodel.graph import OwnershipGraph
from jvmodel.io._files import atomic_writer
from jvmodel.model import ControlLink, DeclaredInterest, Entity, Holding, Stake

__all__ = ["graph_from_dict", "graph_to_dict", "load", "loads", "save"]

FORMAT_VERSION = 1
_SUFFIXES = {".toml": "toml", ".json": "json"}
_TOP = {"version", "entity", "holding", "control", "declared"}
_FIELDS = {
    "entity": ("id", "name", "kind", "jurisdiction", "sectors", "zones"),
    "holding": ("owner", "owned", "equity", "voting", "valid_from", "valid_to", "source"),
    "control": ("controller", "controlled", "basis", "valid_from", "valid_to", "source"),
    "declared": (
        "party",
        "subject",
        "interest",
        "directness",
        "share",
        "valid_from",
        "valid_to",
        "components",
        "source",
    ),
}
_REQUIRED = {
    "entity": ("id",),
    "holding": ("owner", "owned", "equity"),
    "control": ("controller", "controlled"),
    "declared": ("party", "subject", "interest"),
}
_RANGE_KEYS = {"min", "max", "closed"}
_ID_FIELDS = {"holding": ("owner", "owned"), "control": ("controller", "controlled")}


class _DuplicateKeyError(Exception):
    """A JSON object with the same key twice (raised inside the JSON parser)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise _DuplicateKeyError(key)
        table[key] = value
    return table


def _format_of(path: Path) -> str:
    try:
        return _SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise SchemaError(
            f"{path}: unknown file type {path.suffix!r}; use .toml or .json",
            path=str(path),
            record=None,
            field=None,
        ) from None


def _error(origin: str, record: str, field: str | None, problem: str) -> SchemaError:
    where = f"{record}, field {field!r}" if field else record
    return SchemaError(f"{origin}: {where}: {problem}", path=origin, record=record, field=field)


def _read_date(value: Any, origin: str, record: str, field: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _error(origin, record, field, f"{show(value)} is not a date (YYYY-MM-DD)")


def _check_keys(table: Any, kind: str, origin: str, record: str) -> Mapping[str, Any]:
    if not isinstance(table, dict):
        raise _error(origin, record, None, f"expected a table, got {type(table).__name__}")
    unknown = sorted(set(table) - set(_FIELDS[kind]), key=str)
    if unknown:
        raise _error(
            origin, record, unknown[0], f"unknown field; the fields are {', '.join(_FIELDS[kind])}"
        )
    for field in _REQUIRED[kind]:
        if field not in table:
            raise _error(origin, record, field, "missing")
    return table


def _read_stake(value: Any, origin: str, record: str, field: str) -> Stake:
    """A stake (share or range table), with errors naming the field."""
    try:
        if isinstance(value, dict):
            unknown = sorted(set(value) - _RANGE_KEYS, key=str)
            if unknown:
                raise _error(origin, record, field, f"unknown range key {show(unknown[0])}")
            for key in ("min", "max"):
                if key not in value:
                    raise _error(origin, record, field, f"a range needs {key!r}")
            return Range(value["min"], value["max"], closed=value.get("closed", "both"))
        return parse_share(value, what=field)
    except SchemaError:
        raise
    except JVModelError as error:
        raise _error(origin, record, field, error.message) from error


def graph_from_dict(data: Any, *, origin: str = "<data>") -> OwnershipGraph:
    """Build a graph from the mapping a native file holds, validating everything.

    Errors name ``origin`` (the file), the record (``"holding #3"``) and the field.
    """
    if not isinstance(data, dict):
        raise _error(
            origin,
            "top level",
            None,
            f"expected a table with entity/holding/control, got {type(data).__name__}",
        )
    unknown = sorted(set(data) - _TOP, key=str)
    if unknown:
        raise _error(
            origin,
            "top level",
            str(unknown[0]),
            "unknown key; expected version, entity, holding, control, declared",
        )
    if "entity" not in data:
        raise _error(origin, "top level", "entity", "missing; a structure lists its entities")
    version = data.get("version", FORMAT_VERSION)
    # `type(...) is int`: true == 1 and 1.0 == 1 in Python, but neither is a version.
    if type(version) is not int or version != FORMAT_VERSION:
        raise _error(
            origin, "top level", "version", f"unsupported version {show(version)} (expected 1)"
        )
    g = OwnershipGraph()
    for kind in ("entity", "holding", "control", "declared"):
        records = data.get(kind, [])
        if not isinstance(records, list):
            raise _error(origin, "top level", kind, "expected an array of tables")
        for index, table in enumerate(records):
            record = f"{kind} #{index + 1}"
            try:
                _add(g, kind, _check_keys(table, kind, origin, record), origin, record)
            except SchemaError:
                raise
            except JVModelError as error:
                field = error.fields.get("field") or _field_of(error, kind, table)
                prefix = f"{origin}: {record}" + (f", field {field!r}" if field else "")
                if type(error).__name__ in ("InvalidShareError", "InvalidEntityError"):
                    raise SchemaError(
                        f"{prefix}: {error.message}", path=origin, record=record, field=field
                    ) from error
                # Graph-level refusals keep their type, with the location added.
                located = {**error.fields, "path": origin, "record": record, "field": field}
                raise type(error)(f"{prefix}: {error.message}", **located) from error
    return g


def _field_of(error: JVModelError, kind: str, table: Mapping[str, Any]) -> str | None:
    """The field of the record a graph-level refusal is about, where there is one."""
    if isinstance(error, UnknownEntityError):
        for field in _ID_FIELDS.get(kind, ()):
            if table.get(field) == error.fields.get("entity"):
                return field
    if isinstance(error, DuplicateEntityError):
        return "id"
    if isinstance(error, OverallocatedError):
        return str(error.fields.get("measure", "equity"))
    return None


def _add(g: OwnershipGraph, kind: str, table: Mapping[str, Any], origin: str, record: str) -> None:
    if kind == "entity":
        g.add_entity(Entity(**table))
    elif kind == "holding":
        fields = dict(table)
        for field in ("equity", "voting"):
            if field in fields:
                fields[field] = _read_stake(fields[field], origin, record, field)
        for field in ("valid_from", "valid_to"):
            fields[field] = _read_date(fields.get(field), origin, record, field)
        g.add_holding(Holding(**fields))
    elif kind == "control":
        fields = dict(table)
        for field in ("valid_from", "valid_to"):
            fields[field] = _read_date(fields.get(field), origin, record, field)
        g.add_control(ControlLink(**fields))
    else:
        fields = dict(table)
        if "share" in fields:
            fields["share"] = _read_stake(fields["share"], origin, record, "share")
        for field in ("valid_from", "valid_to"):
            fields[field] = _read_date(fields.get(field), origin, record, field)
        g.add_declared(DeclaredInterest(**fields))


def _write_stake(stake: Stake) -> Any:
    if isinstance(stake, Range):
        return {
            "min": format_share(stake.min),
            "max": format_share(stake.max),
            "closed": stake.closed,
        }
    return format_share(stake)


def graph_to_dict(g: OwnershipGraph, *, dates_as_text: bool = False) -> dict[str, Any]:
    """The mapping :func:`save` writes: only fields that differ from their defaults."""

    def day(value: dt.date | None) -> Any:
        return value.isoformat() if dates_as_text and value is not None else value

    entities = []
    for e in g.entities():
        row: dict[str, Any] = {"id": e.id}
        if e.name != e.id:
            row["name"] = e.name
        row["kind"] = e.kind
        if e.jurisdiction is not None:
            row["jurisdiction"] = e.jurisdiction
        if e.sectors:
            row["sectors"] = list(e.sectors)
        if e.zones:
            row["zones"] = list(e.zones)
        entities.append(row)
    holdings = []
    for h in g.holdings():
        row = {"owner": h.owner, "owned": h.owned, "equity": _write_stake(h.equity)}
        if h.voting != h.equity:
            row["voting"] = _write_stake(h.voting)
        for field in ("valid_from", "valid_to"):
            if getattr(h, field) is not None:
                row[field] = day(getattr(h, field))
        if h.source is not None:
            row["source"] = h.source
        holdings.append(row)
    controls = []
    for c in g.controls():
        row = {"controller": c.controller, "controlled": c.controlled, "basis": c.basis}
        for field in ("valid_from", "valid_to"):
            if getattr(c, field) is not None:
                row[field] = day(getattr(c, field))
        if c.source is not None:
            row["source"] = c.source
        controls.append(row)
    declared = []
    for d in g.declared():
        row = {
            "party": d.party,
            "subject": d.subject,
            "interest": d.interest,
            "directness": d.directness,
        }
        if d.share is not None:
            row["share"] = _write_stake(d.share)
        for field in ("valid_from", "valid_to"):
            if getattr(d, field) is not None:
                row[field] = day(getattr(d, field))
        if d.components:
            row["components"] = list(d.components)
        if d.source is not None:
            row["source"] = d.source
        declared.append(row)
    data: dict[str, Any] = {"version": FORMAT_VERSION, "entity": entities}
    if holdings:
        data["holding"] = holdings
    if controls:
        data["control"] = controls
    if declared:
        data["declared"] = declared
    return data


def load(path: str | os.PathLike[str]) -> OwnershipGraph:
    """Read a graph from a native ``.toml`` or ``.json`` file.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    SchemaError
        If the file is not valid TOML/JSON or breaks the format; the message
        names the file, the record and the field.
    OverallocatedError, UnknownEntityError, DuplicateEntityError, DuplicateHoldingError
        If the records are well formed but refused by the graph (the message
        names the file and the record).

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> g
    <OwnershipGraph: 11 entities, 11 holdings, 0 control links>
    """
    file = Path(path)
    kind = _format_of(file)
    raw = file.read_bytes()  # FileNotFoundError propagates as it is
    return loads(raw, kind, origin=str(path))


def loads(raw: bytes, kind: str, *, origin: str = "<data>") -> OwnershipGraph:
    """Read a graph from the bytes of a native file; ``kind`` is ``"toml"`` or ``"json"``.

    Raises the errors of :func:`load` (never :class:`OSError`).

    Examples
    --------
    >>> loads(b'[[entity]]\\nid = "a"\\njurisdiction = "GB"\\n', "toml")
    <OwnershipGraph: 1 entity, 0 holdings, 0 control links>
    >>> loads(b'{"entity": [], "entity": []}', "json")
    Traceback (most recent call last):
    ...
    jvmodel.errors.SchemaError: <data>: file, field 'entity': the key appears twice ...
    """
    if kind not in ("toml", "json"):
        raise _error(origin, "file", None, f"unknown format {show(kind)}; use 'toml' or 'json'")
    if not raw.strip():
        raise _error(origin, "file", None, "the file is empty; a structure lists its entities")
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as some editors write, is dropped
    except UnicodeDecodeError as error:
        raise _error(
            origin, "file", None, f"not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    try:
        data = (
            tomllib.loads(text)
            if kind == "toml"
            else json.loads(text, object_pairs_hook=_unique_keys)
        )
    except _DuplicateKeyError as error:
        raise _error(
            origin, "file", error.key, "the key appears twice in one object; keep one"
        ) from None
    except RecursionError:
        raise _error(
            origin, "file", None, f"nested too deeply to be a {kind.upper()} graph"
        ) from None
    except ValueError as error:  # the decode errors, and integers too long to convert
        raise _error(origin, "file", None, f"not valid {kind.upper()}: {error}") from None
    return graph_from_dict(data, origin=origin)


def save(g: OwnershipGraph, path: str | os.PathLike[str]) -> None:
    """Write ``g`` to a native ``.toml`` or ``.json`` file, atomically.

    The data goes to a temporary file beside the destination, is flushed to
    disk, and then renamed over the destination: readers see the old file or
    the new one, never a partial one.
    """
    file = Path(path)
    kind = _format_of(file)
    if kind == "toml":
        text = tomli_w.dumps(graph_to_dict(g))
    else:
        text = json.dumps(graph_to_dict(g, dates_as_text=True), indent=2, ensure_ascii=False) + "\n"
    with atomic_writer(file, binary=True) as stream:
        stream.write(text.encode("utf-8"))
