"""Edge lists: an entities table, a holdings table and a control links table.

The same three tables travel as CSV files (standard library only), Parquet
files (``pip install 'jvmodel[parquet]'``) or pandas DataFrames
(``pip install 'jvmodel[pandas]'``).  The columns (``docs/formats.md``):

=============  ===================================================================
table          columns (required ones first)
=============  ===================================================================
entities       ``id``, ``name``, ``kind``, ``jurisdiction``, ``sectors``, ``zones``
holdings       ``owner``, ``owned``, ``equity``, ``voting``, ``valid_from``,
               ``valid_to``, ``source``
controls       ``controller``, ``controlled``, ``basis``, ``valid_from``,
               ``valid_to``, ``source``
=============  ===================================================================

Shares are exact text: ``"12.5%"``, ``"1/3"``, or a range in interval notation,
``"(25%, 50%]"`` (a round bracket leaves the bound out).  Dates are ISO
(``2021-03-01``).  In CSV, ``sectors`` and ``zones`` are lists separated by
``;`` (a ``;`` or ``\\`` inside a label is escaped with ``\\``); in Parquet and
pandas they are lists.  An empty cell means "not given": the name defaults to
the id, the kind to ``company``, voting to the equity stake.  Columns may come in
any order; unknown columns are refused, so a misspelt ``equty`` cannot drop a
stake.  Declared interests (see :class:`~jvmodel.DeclaredInterest`) have no
table here; the native, BODS and GraphML formats keep them.

Every reader turns rows into records with one function, :func:`row_to_record`,
and builds the graph from those records with :func:`records_to_graph`.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, Literal, TypeAlias

from jvmodel._numeric import Range, format_share, parse_share
from jvmodel.errors import (
    InvalidEntityError,
    InvalidShareError,
    JVModelError,
    SchemaError,
)
from jvmodel.graph import OwnershipGraph
from jvmodel.io._files import atomic_writers, require
from jvmodel.model import ControlLink, Entity, Holding, Stake

__all__ = [
    "COLUMNS",
    "format_stake",
    "from_pandas",
    "join_labels",
    "parse_stake",
    "read_csv",
    "read_parquet",
    "records_to_graph",
    "row_to_record",
    "split_labels",
    "to_csv",
    "to_pandas",
    "to_parquet",
]

Table: TypeAlias = Literal["entity", "holding", "control"]
Record: TypeAlias = "Entity | Holding | ControlLink"

COLUMNS: dict[str, tuple[str, ...]] = {
    "entity": ("id", "name", "kind", "jurisdiction", "sectors", "zones"),
    "holding": ("owner", "owned", "equity", "voting", "valid_from", "valid_to", "source"),
    "control": ("controller", "controlled", "basis", "valid_from", "valid_to", "source"),
}
_REQUIRED = {
    "entity": ("id",),
    "holding": ("owner", "owned", "equity"),
    "control": ("controller", "controlled"),
}
_RANGE = re.compile(r"\s*([\[(])\s*([^,\s]+)\s*,\s*([^,\s]+)\s*([\])])\s*")
_CLOSED = {("[", "]"): "both", ("[", ")"): "left", ("(", "]"): "right", ("(", ")"): "neither"}


# -- cells ------------------------------------------------------------------------------


def format_stake(stake: Stake) -> str:
    """The exact text of a stake: ``"12.5%"``, ``"1/3"`` or ``"(25%, 50%]"``.

    Examples
    --------
    >>> from fractions import Fraction
    >>> format_stake(Fraction(1, 3)), format_stake(Range("25%", "50%", closed="right"))
    ('1/3', '(25%, 50%]')
    """
    if isinstance(stake, Range):
        left = "[" if stake.min_closed else "("
        right = "]" if stake.max_closed else ")"
        return f"{left}{format_share(stake.min)}, {format_share(stake.max)}{right}"
    return format_share(stake)


def parse_stake(text: str) -> Stake:
    """Read a stake written by :func:`format_stake` (or any share :func:`parse_share` reads).

    Examples
    --------
    >>> parse_stake("[25%, 50%)")
    Range('25%', '50%', closed='left')
    >>> parse_stake("0.125")
    Fraction(1, 8)
    """
    match = _RANGE.fullmatch(text)
    if match is None:
        return parse_share(text)
    closed = _CLOSED[match[1], match[4]]
    return Range(match[2], match[3], closed=closed)  # type: ignore[arg-type]


def join_labels(labels: Iterable[str]) -> str:
    r"""Sectors or zones as one CSV cell: ``"vpn;idc"`` (``;`` and ``\`` escaped).

    Examples
    --------
    >>> join_labels(["vpn", "a;b"])
    'vpn;a\\;b'
    """
    return ";".join(label.replace("\\", "\\\\").replace(";", "\\;") for label in labels)


def split_labels(text: str) -> list[str]:
    r"""The labels of a cell written by :func:`join_labels`.

    Examples
    --------
    >>> split_labels(r"vpn;a\;b")
    ['vpn', 'a;b']
    """
    labels: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            labels.append("".join(current))
            current = []
        else:
            current.append(char)
    labels.append("".join(current))
    return [label for label in labels if label.strip()]


def _blank(value: Any) -> bool:
    """Whether a cell is empty: None, "", NaN, or pandas' NA and NaT."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    if isinstance(value, float):
        return math.isnan(value)
    name = type(value).__name__
    return name in ("NAType", "NaTType")


def _date_cell(value: Any) -> dt.date | None:
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):  # also a pandas Timestamp
        if value.time() != dt.time() or value.tzinfo is not None:
            raise ValueError(f"{value!r} has a time of day; give a date")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


def _text_cell(value: Any) -> str | None:
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value


def _stake_cell(value: Any) -> Stake | None:
    if _blank(value):
        return None
    if isinstance(value, str):
        return parse_stake(value)
    if isinstance(value, Range):
        return value
    return parse_share(value)  # a Fraction, Decimal, 0, 1 or float from a DataFrame


def _labels_cell(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(split_labels(value))
    if hasattr(value, "tolist"):  # a numpy array from pandas or pyarrow
        value = value.tolist()
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"{value!r} is not a list of labels")


_CELLS = {
    "sectors": _labels_cell,
    "zones": _labels_cell,
    "equity": _stake_cell,
    "voting": _stake_cell,
    "valid_from": _date_cell,
    "valid_to": _date_cell,
}


def _where(origin: str, row: str, column: str | None, problem: str) -> SchemaError:
    place = f"{row}, column {column!r}" if column else row
    return SchemaError(f"{origin}: {place}: {problem}", path=origin, record=row, field=column)


def check_columns(table: Table, columns: Iterable[Any], origin: str) -> None:
    """Refuse unknown or missing columns, naming the first."""
    found = list(columns)
    for column in found:
        if column not in COLUMNS[table]:
            raise _where(
                origin,
                "header",
                str(column),
                f"unknown column; the columns are {', '.join(COLUMNS[table])}",
            )
    for column in _REQUIRED[table]:
        if column not in found:
            raise _where(origin, "header", column, "missing (a required column)")


def row_to_record(
    table: Table, row: Mapping[str, Any], *, origin: str = "<rows>", row_label: str = "row"
) -> Record:
    """Turn one table row into an :class:`Entity`, :class:`Holding` or :class:`ControlLink`.

    The one place where every tabular reader converts a row; cells may be text
    (CSV) or typed values (Parquet, pandas).  Errors name ``origin``, the row and
    the column.

    Examples
    --------
    >>> row_to_record("holding", {"owner": "a", "owned": "b", "equity": "(25%, 50%]"})
    Holding(owner='a', owned='b', equity=Range('25%', '50%', closed='right'), ...)
    """
    fields: dict[str, Any] = {}
    for column, value in row.items():
        if column not in COLUMNS[table]:
            raise _where(origin, row_label, str(column), "unknown column")
        try:
            cell = _CELLS.get(column, _text_cell)(value)
        except (ValueError, InvalidShareError) as error:
            raise _where(origin, row_label, column, str(error)) from None
        if cell is not None and cell != ():
            fields[column] = cell
    for column in _REQUIRED[table]:
        if column not in fields:
            raise _where(origin, row_label, column, "empty; this column is required")
    try:
        if table == "entity":
            return Entity(**fields)
        if table == "holding":
            return Holding(**fields)
        return ControlLink(**fields)
    except (InvalidEntityError, InvalidShareError) as error:
        named = error.fields.get("field")
        if named not in COLUMNS[table]:
            named = "equity" if isinstance(error, InvalidShareError) else None
        raise _where(origin, row_label, named, error.message) from None


def records_to_graph(
    entities: Iterable[tuple[str, Entity]],
    holdings: Iterable[tuple[str, Holding]] = (),
    controls: Iterable[tuple[str, ControlLink]] = (),
    *,
    origins: Mapping[str, str] | None = None,
) -> OwnershipGraph:
    """Build a graph from ``(where, record)`` pairs, naming ``where`` on a refusal.

    The graph's own refusals (over-allocation, duplicate or unknown ids) keep
    their type, with the location put in front of the message.
    """
    g = OwnershipGraph()
    for where, record in _chain(entities, holdings, controls):
        try:
            if isinstance(record, Entity):
                g.add_entity(record)
            elif isinstance(record, Holding):
                g.add_holding(record)
            else:
                g.add_control(record)
        except JVModelError as error:
            raise type(error)(f"{where}: {error.message}", **error.fields) from error
    return g


def _chain(*groups: Iterable[tuple[str, Record]]) -> Iterator[tuple[str, Record]]:
    for group in groups:
        yield from group


def _rows_to_graph(
    tables: Sequence[tuple[Table, str, Iterable[tuple[str, Mapping[str, Any]]]]],
) -> OwnershipGraph:
    """Convert every row of every table and build the graph."""
    converted: dict[str, list[tuple[str, Any]]] = {"entity": [], "holding": [], "control": []}
    for table, origin, rows in tables:
        for label, row in rows:
            record = row_to_record(table, row, origin=origin, row_label=label)
            converted[table].append((f"{origin}: {label}", record))
    return records_to_graph(converted["entity"], converted["holding"], converted["control"])


# -- writing rows -------------------------------------------------------------------------


def _rows(g: OwnershipGraph, table: Table) -> Iterator[dict[str, Any]]:
    """The rows of one table, with typed cells (stakes as exact text)."""
    if table == "entity":
        for e in g.entities():
            yield {
                "id": e.id,
                "name": e.name,
                "kind": e.kind,
                "jurisdiction": e.jurisdiction,
                "sectors": list(e.sectors),
                "zones": list(e.zones),
            }
    elif table == "holding":
        for h in g.holdings():
            yield {
                "owner": h.owner,
                "owned": h.owned,
                "equity": format_stake(h.equity),
                "voting": format_stake(h.voting),
                "valid_from": h.valid_from,
                "valid_to": h.valid_to,
                "source": h.source,
            }
    else:
        for c in g.controls():
            yield {
                "controller": c.controller,
                "controlled": c.controlled,
                "basis": c.basis,
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
                "source": c.source,
            }


def _refuse_lost_controls(g: OwnershipGraph, controls: object) -> None:
    if controls is None:
        count = sum(1 for _ in g.controls())
        if count:
            raise SchemaError(
                f"the graph has {count} control link{'s' if count > 1 else ''}; give a "
                "controls table (controls_path) so that they are not lost",
                path=None,
                record="control links",
                field=None,
            )


# -- CSV ----------------------------------------------------------------------------------


def _csv_rows(path: str | os.PathLike[str], table: Table) -> list[tuple[str, dict[str, Any]]]:
    origin = str(path)
    with open(path, encoding="utf-8-sig", newline="") as stream:
        try:
            reader = csv.DictReader(stream)
            check_columns(table, reader.fieldnames or [], origin)
            rows = []
            # Row numbers as a spreadsheet shows them: the header is row 1.
            for number, row in enumerate(reader, start=2):
                if None in row:
                    raise _where(origin, f"row {number}", None, "more cells than columns")
                rows.append((f"row {number}", row))
        except UnicodeDecodeError as error:
            raise _where(origin, "file", None, f"not UTF-8 text ({error.reason})") from None
        except csv.Error as error:
            raise _where(origin, f"line {reader.line_num}", None, str(error)) from None
    return rows


def read_csv(
    entities_path: str | os.PathLike[str],
    holdings_path: str | os.PathLike[str],
    controls_path: str | os.PathLike[str] | None = None,
) -> OwnershipGraph:
    """Read a graph from CSV files: entities, holdings and (optionally) control links.

    Raises
    ------
    SchemaError
        For a malformed cell or header: the message names the file, the row
        (as a spreadsheet numbers it, the header being row 1) and the column.
    OverallocatedError, UnknownEntityError, DuplicateEntityError, DuplicateHoldingError
        When the rows are well formed but the graph refuses them (the message
        names the file and the row).

    Examples
    --------
    >>> import pathlib, tempfile, jvmodel as jvm
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "entities.csv").write_text("id,jurisdiction\\nbt,GB\\njv,CN-BJ\\n")
    >>> _ = (folder / "holdings.csv").write_text('owner,owned,equity\\nbt,jv,"(25%, 50%]"\\n')
    >>> g = jvm.read_csv(folder / "entities.csv", folder / "holdings.csv")
    >>> [h.equity for h in g.holdings()]
    [Range('25%', '50%', closed='right')]
    >>> _ = (folder / "holdings.csv").write_text("owner,owned,equity\\nbt,jv,50\\n")
    >>> jvm.read_csv(folder / "entities.csv", folder / "holdings.csv")
    Traceback (most recent call last):
    ...
    jvmodel.errors.SchemaError: ...holdings.csv: row 2, column 'equity': share '50' is a bare ...
    """
    tables: list[tuple[Table, str, Iterable[tuple[str, Mapping[str, Any]]]]] = [
        ("entity", str(entities_path), _csv_rows(entities_path, "entity")),
        ("holding", str(holdings_path), _csv_rows(holdings_path, "holding")),
    ]
    if controls_path is not None:
        tables.append(("control", str(controls_path), _csv_rows(controls_path, "control")))
    return _rows_to_graph(tables)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return join_labels(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_csv(stream: IO[str], table: Table, rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.writer(stream)
    writer.writerow(COLUMNS[table])
    for row in rows:
        writer.writerow([_csv_cell(row[column]) for column in COLUMNS[table]])


def to_csv(
    g: OwnershipGraph,
    entities_path: str | os.PathLike[str],
    holdings_path: str | os.PathLike[str],
    controls_path: str | os.PathLike[str] | None = None,
) -> None:
    """Write ``g`` as CSV files (UTF-8, every column, written atomically).

    Every file is written in full before any replaces its old version, so a
    failure while writing leaves all the old files as they were.

    Raises
    ------
    SchemaError
        If ``g`` has control links and no ``controls_path`` is given.

    Examples
    --------
    >>> import pathlib, tempfile, jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> jvm.to_csv(g, folder / "entities.csv", folder / "holdings.csv")
    >>> (folder / "holdings.csv").read_text().splitlines()[:2]
    ['owner,owned,equity,voting,valid_from,valid_to,source', 'bt,bt-global,100%,100%,,,']
    >>> jvm.read_csv(folder / "entities.csv", folder / "holdings.csv") == g
    True
    """
    _refuse_lost_controls(g, controls_path)
    targets: list[tuple[Table, str | os.PathLike[str]]] = [
        ("entity", entities_path),
        ("holding", holdings_path),
    ]
    if controls_path is not None:
        targets.append(("control", controls_path))
    # All the files are written before any replaces its old version.
    with atomic_writers([path for _, path in targets], newline="") as streams:
        for (table, _), stream in zip(targets, streams, strict=True):
            _write_csv(stream, table, _rows(g, table))


# -- Parquet ------------------------------------------------------------------------------


def _arrow_schema(pa: Any, table: Table) -> Any:
    types = {
        "sectors": pa.list_(pa.string()),
        "zones": pa.list_(pa.string()),
        "valid_from": pa.date32(),
        "valid_to": pa.date32(),
    }
    return pa.schema([(column, types.get(column, pa.string())) for column in COLUMNS[table]])


def to_parquet(
    g: OwnershipGraph,
    entities_path: str | os.PathLike[str],
    holdings_path: str | os.PathLike[str],
    controls_path: str | os.PathLike[str] | None = None,
) -> None:
    """Write ``g`` as Parquet files (needs pyarrow: ``pip install 'jvmodel[parquet]'``).

    Stakes are exact text, dates ``date32``, sectors and zones lists of strings.
    Written atomically, every file in full before any replaces its old version
    (as :func:`to_csv`).
    """
    pa = require("pyarrow", extra="parquet", what="to_parquet")
    pq = require("pyarrow.parquet", extra="parquet", what="to_parquet")
    _refuse_lost_controls(g, controls_path)
    targets: list[tuple[Table, str | os.PathLike[str]]] = [
        ("entity", entities_path),
        ("holding", holdings_path),
    ]
    if controls_path is not None:
        targets.append(("control", controls_path))
    # All the files are written before any replaces its old version.
    with atomic_writers([path for _, path in targets], binary=True) as streams:
        for (table, _), stream in zip(targets, streams, strict=True):
            arrow = pa.Table.from_pylist(list(_rows(g, table)), schema=_arrow_schema(pa, table))
            pq.write_table(arrow, stream)


def _parquet_rows(path: str | os.PathLike[str], table: Table) -> list[tuple[str, dict[str, Any]]]:
    pa = require("pyarrow", extra="parquet", what="read_parquet")
    pq = require("pyarrow.parquet", extra="parquet", what="read_parquet")
    origin = str(path)
    try:
        arrow = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise _where(origin, "file", None, f"not a readable Parquet file ({error})") from None
    check_columns(table, arrow.column_names, origin)
    return [(f"row {number}", row) for number, row in enumerate(arrow.to_pylist(), start=1)]


def read_parquet(
    entities_path: str | os.PathLike[str],
    holdings_path: str | os.PathLike[str],
    controls_path: str | os.PathLike[str] | None = None,
) -> OwnershipGraph:
    """Read a graph from Parquet files (needs pyarrow; see :func:`read_csv`).

    Rows are numbered from 1 in error messages.
    """
    tables: list[tuple[Table, str, Iterable[tuple[str, Mapping[str, Any]]]]] = [
        ("entity", str(entities_path), _parquet_rows(entities_path, "entity")),
        ("holding", str(holdings_path), _parquet_rows(holdings_path, "holding")),
    ]
    if controls_path is not None:
        tables.append(("control", str(controls_path), _parquet_rows(controls_path, "control")))
    return _rows_to_graph(tables)


# -- pandas -------------------------------------------------------------------------------


def to_pandas(g: OwnershipGraph) -> tuple[Any, Any, Any]:
    """The entities, holdings and control links of ``g`` as three pandas DataFrames.

    Needs pandas (``pip install 'jvmodel[pandas]'``).  Stakes are exact text,
    dates :class:`datetime.date` (or None), sectors and zones lists.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> entities, holdings, controls = jvm.to_pandas(g)  # doctest: +SKIP
    >>> holdings.loc[holdings.owner == "calpers", ["owned", "equity"]]  # doctest: +SKIP
          owned equity
    10  zgc-fund    10%
    """
    pd = require("pandas", extra="pandas", what="to_pandas")
    frames = []
    for table in ("entity", "holding", "control"):
        rows = list(_rows(g, table))
        frame = pd.DataFrame(rows, columns=list(COLUMNS[table]), dtype=object)
        frames.append(frame)
    return frames[0], frames[1], frames[2]


def _frame_rows(frame: Any, table: Table, origin: str) -> list[tuple[str, dict[str, Any]]]:
    check_columns(table, [str(c) for c in frame.columns], origin)
    records = frame.to_dict(orient="records")
    return [(f"row {number}", row) for number, row in enumerate(records, start=1)]


def from_pandas(entities: Any, holdings: Any, controls: Any = None) -> OwnershipGraph:
    """Build a graph from DataFrames with the columns of :func:`to_pandas`.

    Cells may be text (``"50%"``, ``"2021-03-01"``) or typed values (a
    :class:`~fractions.Fraction` or float share, a date or midnight Timestamp);
    NaN, None, NA and NaT are empty cells.  Rows are numbered from 1 in errors.
    """
    require("pandas", extra="pandas", what="from_pandas")
    tables: list[tuple[Table, str, Iterable[tuple[str, Mapping[str, Any]]]]] = [
        ("entity", "entities", _frame_rows(entities, "entity", "entities")),
        ("holding", "holdings", _frame_rows(holdings, "holding", "holdings")),
    ]
    if controls is not None:
        tables.append(("control", "controls", _frame_rows(controls, "control", "controls")))
    return _rows_to_graph(tables)
