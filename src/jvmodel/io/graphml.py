"""GraphML through networkx, with exact shares and a parser safe against entity expansion.

:func:`to_graphml` writes a directed multigraph: one node per entity, one edge
per holding, control link and declared interest (``record`` says which), every
value a string (``docs/formats.md`` lists the attributes).  Shares are exact
text (``"12.5%"``, ``"1/3"``, ``"(25%, 50%]"``), so reading the file back gives
the same graph, and any GraphML tool (Gephi, yEd, networkx) can open it.

:func:`read_graphml` refuses any document type declaration before networkx sees
the file: GraphML needs none, and the entities a DTD defines can expand without
bound (the "billion laughs" attack) or reach outside files.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
import xml.parsers.expat
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import networkx as nx

from jvmodel.errors import InvalidEntityError, InvalidShareError, JVModelError, SchemaError
from jvmodel.graph import OwnershipGraph
from jvmodel.io._files import atomic_writer
from jvmodel.io.tabular import format_stake, join_labels, parse_stake, split_labels
from jvmodel.model import ControlLink, DeclaredInterest, Entity, Holding

__all__ = ["read_graphml", "to_graphml"]

FORMAT_VERSION = "1"
_NODE_FIELDS = ("name", "kind", "jurisdiction", "sectors", "zones")
_EDGE_FIELDS = {
    "holding": ("equity", "voting", "valid_from", "valid_to", "source"),
    "control": ("basis", "valid_from", "valid_to", "source"),
    "declared": (
        "interest",
        "directness",
        "share",
        "valid_from",
        "valid_to",
        "components",
        "source",
    ),
}
_LISTS = {"sectors", "zones", "components"}
_STAKES = {"equity", "voting", "share"}
_DATES = {"valid_from", "valid_to"}


def _text(value: Any) -> str:
    if isinstance(value, tuple | list):
        return join_labels(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _attributes(record: Any, fields: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for field in fields:
        value = getattr(record, field)
        if value is None or value == ():
            continue
        found[field] = format_stake(value) if field in _STAKES else _text(value)
    return found


def to_graphml(g: OwnershipGraph, path: str | os.PathLike[str]) -> None:
    """Write ``g`` as GraphML (a directed multigraph, every value an exact string).

    Examples
    --------
    >>> import pathlib, tempfile, jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "vpn.graphml"
    >>> jvm.to_graphml(g, path)
    >>> jvm.read_graphml(path) == g
    True
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(jvmodel_format=FORMAT_VERSION)
    for entity in g.entities():
        attributes = _attributes(entity, _NODE_FIELDS)
        attributes["name"] = entity.name  # even when empty: "" is a name too
        graph.add_node(entity.id, **attributes)
    for number, holding in enumerate(g.holdings()):
        graph.add_edge(
            holding.owner,
            holding.owned,
            key=f"h{number}",
            record="holding",
            **_attributes(holding, _EDGE_FIELDS["holding"]),
        )
    for number, link in enumerate(g.controls()):
        graph.add_edge(
            link.controller,
            link.controlled,
            key=f"c{number}",
            record="control",
            **_attributes(link, _EDGE_FIELDS["control"]),
        )
    for number, claim in enumerate(g.declared()):
        graph.add_edge(
            claim.party,
            claim.subject,
            key=f"d{number}",
            record="declared",
            **_attributes(claim, _EDGE_FIELDS["declared"]),
        )
    with atomic_writer(path, binary=True) as stream:
        nx.write_graphml(graph, stream, encoding="utf-8")


class _RefusedError(Exception):
    pass


def _refuse_dtd(data: bytes, origin: str) -> None:
    """Parse once with expat, refusing any DTD (and so any entity definition)."""
    parser = xml.parsers.expat.ParserCreate()

    def refuse(*_: Any) -> None:
        raise _RefusedError

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    try:
        parser.Parse(data, True)
    except _RefusedError:
        raise SchemaError(
            f"{origin}: line {parser.CurrentLineNumber}: a document type declaration (DTD) "
            "is refused; GraphML needs none, and the entities a DTD defines can expand "
            "without bound or read other files",
            path=origin,
            record=f"line {parser.CurrentLineNumber}",
            field=None,
        ) from None
    except xml.parsers.expat.ExpatError as error:
        raise SchemaError(
            f"{origin}: line {error.lineno}, column {error.offset}: not well-formed XML "
            f"({xml.parsers.expat.errors.messages[error.code]})",
            path=origin,
            record=f"line {error.lineno}",
            field=None,
        ) from None
    except (LookupError, ValueError) as error:  # e.g. an unknown encoding declared
        raise SchemaError(
            f"{origin}: line {parser.CurrentLineNumber}: cannot be read as XML ({error})",
            path=origin,
            record=f"line {parser.CurrentLineNumber}",
            field=None,
        ) from None


def _string(value: Any, origin: str, record: str, field: str) -> str:
    if not isinstance(value, str):
        raise _error(origin, record, field, f"{value!r} is not a string")
    return value


def _error(origin: str, record: str, field: str | None, problem: str) -> SchemaError:
    place = f"{record}, attribute {field!r}" if field else record
    return SchemaError(f"{origin}: {place}: {problem}", path=origin, record=record, field=field)


def _fields(
    data: Mapping[str, Any], allowed: tuple[str, ...], origin: str, record: str
) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in data.items():
        if key not in allowed:
            raise _error(origin, record, key, f"unknown attribute; expected {', '.join(allowed)}")
        text = _string(value, origin, record, key)
        if key in _LISTS:
            fields[key] = split_labels(text)
        elif key in _STAKES:
            try:
                fields[key] = parse_stake(text)
            except InvalidShareError as error:
                raise _error(origin, record, key, error.message) from None
        elif key in _DATES:
            try:
                fields[key] = dt.date.fromisoformat(text)
            except ValueError:
                raise _error(origin, record, key, f"{text!r} is not a date") from None
        else:
            fields[key] = text
    return fields


def read_graphml(path: str | os.PathLike[str]) -> OwnershipGraph:
    """Read a graph written by :func:`to_graphml` (or by hand, with the same attributes).

    Raises
    ------
    SchemaError
        For a DTD (refused at once), XML that is not well formed, an undirected
        graph, or an unknown or malformed attribute; the message names the file,
        the node or edge, and the attribute.
    OverallocatedError, DuplicateHoldingError
        When the edges are well formed but the graph refuses them.
    """
    origin = str(path)
    data = Path(path).read_bytes()
    _refuse_dtd(data, origin)
    try:
        with warnings.catch_warnings():
            # networkx warns of keys without a type and reads them as strings, which
            # is what jvmodel reads every attribute as anyway.
            warnings.simplefilter("ignore", UserWarning)
            graph = nx.parse_graphml(data, node_type=str, edge_key_type=str, force_multigraph=True)
    # networkx's parser is not hardened against odd input: it raises TypeError on some
    # malformed namespaces (found by fuzzing), and others; all mean "not readable".
    except (nx.NetworkXError, ParseError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise _error(
            origin, "file", None, f"not a GraphML graph jvmodel can read ({error})"
        ) from None
    if not graph.is_directed():
        raise _error(origin, "graph", None, "the graph is undirected; ownership has a direction")
    g = OwnershipGraph()
    for node, attributes in graph.nodes(data=True):
        record = f"node {node!r}"
        fields = _fields(attributes, _NODE_FIELDS, origin, record)
        try:
            g.add_entity(Entity(id=node, **fields))
        except (InvalidEntityError, InvalidShareError) as error:
            raise _error(origin, record, error.fields.get("field"), error.message) from None
    for owner, owned, key, attributes in graph.edges(keys=True, data=True):
        record = f"edge {owner!r} → {owned!r} ({key})"
        values = dict(attributes)
        kind = values.pop("record", "holding")
        if kind not in _EDGE_FIELDS:
            raise _error(origin, record, "record", f"{kind!r} is not holding, control or declared")
        fields = _fields(values, _EDGE_FIELDS[kind], origin, record)
        try:
            if kind == "holding":
                if "equity" not in fields:
                    raise _error(origin, record, "equity", "missing")
                g.add_holding(Holding(owner=owner, owned=owned, **fields))
            elif kind == "control":
                g.add_control(ControlLink(controller=owner, controlled=owned, **fields))
            else:
                if "interest" not in fields:
                    raise _error(origin, record, "interest", "missing")
                g.add_declared(DeclaredInterest(party=owner, subject=owned, **fields))
        except SchemaError:
            raise
        except (InvalidEntityError, InvalidShareError) as error:
            raise _error(origin, record, error.fields.get("field"), error.message) from None
        except JVModelError as error:
            raise type(error)(f"{origin}: {record}: {error.message}", **error.fields) from error
    return g
