"""The native file format: TOML or JSON, by file suffix (DESIGN.md section 5).

A file has three arrays of tables, ``entity``, ``holding`` and ``control``, and
optionally ``version = 1`` and a fourth array, ``declared``: interests a source
declared that are not edges (see :class:`~jvmodel.DeclaredInterest`).  Shares
are written as exact text (``"12.5%"`` or ``"1/3"``), so a saved graph loads back
equal to itself.  Unknown fields are
refused rather than ignored: a misspelt ``equty`` must not silently drop a stake.

:func:`save` writes to a temporary file in the same folder and renames it over
the destination, so a crash never leaves a half-written file in place of the old one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomli_w

from jvmodel._numeric import Range, format_share, parse_share
from jvmodel.errors import InvalidShareError, JVModelError, SchemaError
from jvmodel.graph import OwnershipGraph
from jvmodel.model import ControlLink, DeclaredInterest, Entity, Holding, Stake

__all__ = ["graph_from_dict", "graph_to_dict", "load", "save"]

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
    raise _error(origin, record, field, f"{value!r} is not a date (YYYY-MM-DD)")


def _check_keys(table: Any, kind: str, origin: str, record: str) -> Mapping[str, Any]:
    if not isinstance(table, dict):
        raise _error(origin, record, None, f"expected a table, got {type(table).__name__}")
    unknown = sorted(set(table) - set(_FIELDS[kind]))
    if unknown:
        raise _error(
            origin, record, unknown[0], f"unknown field; the fields are {', '.join(_FIELDS[kind])}"
        )
    for field in _REQUIRED[kind]:
        if field not in table:
            raise _error(origin, record, field, "missing")
    return table


def _read_stake(value: Any, origin: str, record: str, field: str) -> Stake:
    try:
        if isinstance(value, dict):
            unknown = sorted(set(value) - _RANGE_KEYS)
            if unknown:
                raise _error(origin, record, field, f"unknown range key {unknown[0]!r}")
            missing = sorted(_RANGE_KEYS - {"closed"} - set(value))
            if missing:
                raise _error(origin, record, field, f"range needs {missing[0]!r}")
            return Range(value["min"], value["max"], closed=value.get("closed", "both"))
        return parse_share(value, what=field)
    except InvalidShareError as error:
        raise _error(origin, record, field, error.message) from None


def graph_from_dict(data: Any, *, origin: str = "<data>") -> OwnershipGraph:
    """Build a graph from the mapping a native file holds, validating everything.

    Errors name ``origin`` (the file), the record (``"holding #3"``) and the field.
    """
    if not isinstance(data, dict):
        raise _error(origin, "top level", None, "expected a table with entity/holding/control")
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise _error(
            origin,
            "top level",
            unknown[0],
            "unknown key; expected entity, holding, control, declared",
        )
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise _error(origin, "top level", "version", f"unsupported version {version!r}")
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
                field = error.fields.get("field")
                prefix = f"{origin}: {record}" + (f", field {field!r}" if field else "")
                if type(error).__name__ in ("InvalidShareError", "InvalidEntityError"):
                    raise SchemaError(
                        f"{prefix}: {error.message}", path=origin, record=record, field=field
                    ) from error
                # Graph-level refusals keep their type, with the location added.
                raise type(error)(f"{prefix}: {error.message}", **error.fields) from error
    return g


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
    origin = str(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _error(
            origin, "file", None, f"not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    try:
        data = tomllib.loads(text) if kind == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise _error(origin, "file", None, f"not valid {kind.upper()}: {error}") from None
    except RecursionError:
        raise _error(
            origin, "file", None, f"nested too deeply to be a {kind.upper()} graph"
        ) from None
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
    folder = file.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(temporary, _mode_for(file))
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, file)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(file: Path) -> int:
    """The permissions the saved file should have: the old file's, or the usual."""
    try:
        return file.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
