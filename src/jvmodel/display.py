"""Showing ownership structures and verdicts: HTML for Jupyter, charts, Graphviz.

* :func:`graph_html` and :func:`check_html` build the rich (HTML) displays that
  Jupyter shows for an :class:`~jvmodel.OwnershipGraph` and a
  :class:`~jvmodel.CapCheck`; :func:`html_table` is the sortable table they
  share (also meant for reports).  Every piece of text is HTML-escaped.
* :func:`draw` draws a structure with matplotlib (the ``[viz]`` extra), in
  layers from the ultimate owners down to the target.
* :func:`to_dot` writes Graphviz DOT text (no dependency); :func:`to_svg` runs
  Graphviz's ``dot`` program on it when it is installed.

Layering: this module sits above compliance, beside io.  The ``_repr_html_``
methods of :class:`~jvmodel.OwnershipGraph` and :class:`~jvmodel.CapCheck`
(which live in lower layers) import it lazily, inside the method: that is the
one deliberate exception to the one-way imports, so that Jupyter finds the
display on the objects themselves.

Numbers are shown rounded for reading (``"≈33.33%"``); the exact value is in
each cell's tooltip.  Sorting a table in the browser uses a float key: it
orders rows for the eye and decides nothing.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
import shutil
import subprocess
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

import attrs
import networkx as nx

from jvmodel._numeric import Interval, Range, format_percent, format_share
from jvmodel.analysis.lookthrough import UNDISCLOSED, is_foreign
from jvmodel.compliance.check import CapCheck, check, foreign_share
from jvmodel.compliance.explain import Explanation
from jvmodel.errors import JVModelError, MissingDependencyError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph
from jvmodel.model import Entity, Holding
from jvmodel.regimes import Regime, get

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from jvmodel.compliance.report import Report

__all__ = [
    "Cell",
    "check_html",
    "draw",
    "explanation_html",
    "graph_html",
    "html_table",
    "status_badge",
    "to_dot",
    "to_svg",
]

MAX_ROWS = 25
"""Rows shown per table in a graph's HTML display before it is truncated."""

_STATUS_COLOURS = {"compliant": "#1a7f37", "breach": "#cf222e", "indeterminate": "#9a6700"}
_MINUS = "\N{MINUS SIGN}"


# -- text ------------------------------------------------------------------------


def _share_text(value: object) -> str:
    """A share for reading: ``"51.5%"``, ``"≈33.33%"``, an interval, or ``"—"``."""
    if value is None:
        return "—"
    if isinstance(value, Fraction):
        if value < 0:
            return _MINUS + format_percent(-value)
        return format_percent(value)
    if isinstance(value, Range):
        left = "[" if value.min_closed else "("
        right = "]" if value.max_closed else ")"
        return f"{left}{format_percent(value.min)}, {format_percent(value.max)}{right}"
    if isinstance(value, Interval):
        if value.is_point:
            return format_percent(value.lower)
        left = "[" if value.lower_closed else "("
        right = "]" if value.upper_closed else ")"
        return f"{left}{format_percent(value.lower)}, {format_percent(value.upper)}{right}"
    return str(value)


def _exact_text(value: object) -> str:
    """A share written exactly (``"1/3"``, ``"−3/200"``), for tooltips."""
    if isinstance(value, Fraction):
        if value < 0:
            return _MINUS + format_share(-value)
        return format_share(value)
    if isinstance(value, Interval):
        return f"{format_share(value.lower)} to {format_share(value.upper)}"
    if isinstance(value, Range):
        return repr(value)
    return "" if value is None else str(value)


def _sort_key(value: object) -> str:
    if isinstance(value, Fraction):
        return repr(float(value))
    if isinstance(value, Interval):
        return repr(float(value.lower))
    if isinstance(value, Range):
        return repr(float(value.min))
    return "" if value is None else str(value)


# -- tables ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Cell:
    """One cell of :func:`html_table`.

    Parameters
    ----------
    text : str
        What the cell shows (escaped).
    markup : str, optional
        Trusted HTML shown instead of ``text`` (the caller escapes it), for
        badges and the like.
    sort : str, optional
        The key the column sorts by; numeric keys sort as numbers.  Defaults to
        ``text``.
    title : str, optional
        A tooltip, such as the exact value behind a rounded one.
    numeric : bool
        Right-align the cell.
    """

    text: str = ""
    markup: str | None = None
    sort: str | None = None
    title: str | None = None
    numeric: bool = False

    @classmethod
    def share(cls, value: object) -> Cell:
        """A cell for a share: rounded text, exact tooltip, numeric sort key.

        Examples
        --------
        >>> Cell.share(Fraction(1, 3))
        Cell(text='≈33.33%', markup=None, sort='0.3333333333333333', title='1/3', numeric=True)
        """
        return cls(
            text=_share_text(value),
            sort=_sort_key(value),
            title=_exact_text(value) or None,
            numeric=True,
        )


def _cell(value: object) -> Cell:
    if isinstance(value, Cell):
        return value
    if isinstance(value, Fraction | Range | Interval):
        return Cell.share(value)
    if isinstance(value, int):
        return Cell(text=f"{value:,}", sort=str(value), numeric=True)
    if isinstance(value, dt.date):
        return Cell(text=value.isoformat())
    return Cell(text="" if value is None else str(value))


_TABLE_STYLE = """<style>
.jvm-table{border-collapse:collapse;font-size:12px;margin:4px 0 10px 0}
.jvm-table th,.jvm-table td{padding:3px 8px;border-bottom:1px solid rgba(128,128,128,.3);
text-align:left;vertical-align:top}
.jvm-table td.jvm-num{text-align:right;font-variant-numeric:tabular-nums}
.jvm-table th.jvm-sortable{cursor:pointer;user-select:none}
.jvm-table caption{caption-side:top;text-align:left;font-weight:bold;padding:2px 0}
.jvm-table tr.jvm-more td{font-style:italic;opacity:.7}
.jvm-badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;
font-weight:bold;font-size:11px;letter-spacing:.04em}
</style>"""

# Sorts the rows shown by a column when its header is clicked (click again to
# reverse).  Keys that all read as numbers sort numerically.  Output that is not
# trusted (a notebook opened fresh) drops scripts: the table stays, unsorted.
_SORT_SCRIPT = """<script>
(function(){var t=document.getElementById("%s");if(!t)return;
var hs=t.querySelectorAll("th.jvm-sortable");
hs.forEach(function(h,i){h.addEventListener("click",function(){
var b=t.tBodies[0],rs=Array.prototype.slice.call(b.querySelectorAll("tr:not(.jvm-more)"));
var up=h.getAttribute("data-dir")!=="asc";hs.forEach(function(o){o.removeAttribute("data-dir");
o.textContent=o.textContent.replace(/ [\\u25b2\\u25bc]$/,"");});
h.setAttribute("data-dir",up?"asc":"desc");h.textContent+=up?" \\u25b2":" \\u25bc";
var k=function(r){return r.cells[i].getAttribute("data-sort");};
var num=rs.every(function(r){return k(r)!==""&&!isNaN(parseFloat(k(r)));});
rs.sort(function(a,c){var x=k(a),y=k(c);var d=num?parseFloat(x)-parseFloat(y):
x.localeCompare(y);return up?d:-d;});
var more=b.querySelector("tr.jvm-more");rs.forEach(function(r){b.insertBefore(r,more);});});});
})();
</script>"""

_table_ids = itertools.count(1)


def html_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str | None = None,
    total: int | None = None,
    sortable: bool = True,
) -> str:
    """An HTML table whose columns sort when their header is clicked.

    Parameters
    ----------
    columns : sequence of str
        The column headers.
    rows : iterable of sequences
        The rows.  A value may be a :class:`Cell`; a ``Fraction``, ``Range`` or
        ``Interval`` shows as a share (rounded, exact in the tooltip, sorted as
        a number); other values show as text.
    caption : str, optional
    total : int, optional
        How many rows there are in all, when ``rows`` holds only the first of
        them: a last line says how many are not shown.
    sortable : bool
        Attach the sorting script (it sorts the rows shown).

    Returns
    -------
    str

    Examples
    --------
    >>> from fractions import Fraction
    >>> text = html_table(["owner", "stake"], [["<bt>", Fraction(1, 8)]], sortable=False)
    >>> "&lt;bt&gt;" in text, "12.5%" in text, "<bt>" in text
    (True, True, False)
    """
    table_id = f"jvm-table-{next(_table_ids)}"
    header_class = ' class="jvm-sortable"' if sortable else ""
    parts = [_TABLE_STYLE, f'<table class="jvm-table" id="{table_id}">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(f"<th{header_class}>{html.escape(c)}</th>" for c in columns)
        + "</tr></thead><tbody>"
    )
    shown = 0
    for row in rows:
        shown += 1
        cells = []
        for value in row:
            cell = _cell(value)
            attributes = (
                f' data-sort="{html.escape(cell.sort if cell.sort is not None else cell.text)}"'
            )
            if cell.title:
                attributes += f' title="{html.escape(cell.title)}"'
            if cell.numeric:
                attributes += ' class="jvm-num"'
            body = cell.markup if cell.markup is not None else html.escape(cell.text)
            cells.append(f"<td{attributes}>{body}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    if total is not None and total > shown:
        parts.append(
            f'<tr class="jvm-more"><td colspan="{len(columns)}">… {total - shown:,} more not '
            "shown</td></tr>"
        )
    parts.append("</tbody></table>")
    if sortable:
        parts.append(_SORT_SCRIPT % table_id)
    return "".join(parts)


def status_badge(status: str) -> str:
    """A coloured badge for a verdict (``"compliant"``, ``"breach"``, ``"indeterminate"``).

    Examples
    --------
    >>> status_badge("breach")
    '<span class="jvm-badge" style="background:#cf222e">BREACH</span>'
    """
    colour = _STATUS_COLOURS.get(status, "#57606a")
    return (
        f'<span class="jvm-badge" style="background:{colour}">{html.escape(status.upper())}</span>'
    )


# -- rich displays -------------------------------------------------------------------


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def _date_text(day: dt.date | None) -> str:
    return "" if day is None else day.isoformat()


def _entity_row(entity: Entity) -> list[object]:
    return [
        entity.id,
        entity.name if entity.name != entity.id else "",
        entity.kind,
        entity.jurisdiction or "unknown",
        ", ".join(entity.sectors),
        ", ".join(entity.zones),
    ]


def _holding_row(holding: Holding) -> list[object]:
    return [
        holding.owner,
        holding.owned,
        holding.equity,
        holding.voting,
        _date_text(holding.valid_from),
        _date_text(holding.valid_to),
    ]


def graph_html(g: OwnershipGraph, *, max_rows: int = MAX_ROWS) -> str:
    """The HTML display of a graph: counts, then its entities, holdings and control links.

    Each table shows its first ``max_rows`` rows and says how many more there are.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> text = graph_html(g, max_rows=3)
    >>> "11 entities" in text, "8 more not shown" in text
    (True, True)
    """
    n_entities = len(g)
    n_holdings = sum(1 for _ in g.holdings())
    n_controls = sum(1 for _ in g.controls())
    parts = [
        '<div class="jvm-graph">',
        f"<p><strong>OwnershipGraph</strong>: {_plural(n_entities, 'entity', 'entities')}, "
        f"{_plural(n_holdings, 'holding')}, {_plural(n_controls, 'control link')}</p>",
    ]
    if n_entities:
        rows = [_entity_row(e) for e in itertools.islice(g.entities(), max_rows)]
        columns = ["id", "name", "kind", "jurisdiction", "sectors", "zones"]
        if not any(row[-1] for row in rows):  # no zones among the rows shown
            columns.pop()
            rows = [row[:-1] for row in rows]
        parts.append(html_table(columns, rows, caption="Entities", total=n_entities))
    if n_holdings:
        parts.append(
            html_table(
                ["owner", "owned", "equity", "voting", "from", "to"],
                (_holding_row(h) for h in itertools.islice(g.holdings(), max_rows)),
                caption="Holdings",
                total=n_holdings,
            )
        )
    if n_controls:
        parts.append(
            html_table(
                ["controller", "controlled", "basis", "from", "to"],
                (
                    [
                        c.controller,
                        c.controlled,
                        c.basis.replace("_", " "),
                        _date_text(c.valid_from),
                        _date_text(c.valid_to),
                    ]
                    for c in itertools.islice(g.controls(), max_rows)
                ),
                caption="Control links",
                total=n_controls,
            )
        )
    parts.append("</div>")
    return "".join(parts)


def _with_exact(value: object) -> str:
    """Rounded text, with the exact value beside it when rounding changed it."""
    shown = _share_text(value)
    exact = _exact_text(value)
    if shown.startswith(("≈", _MINUS + "≈")):
        return f"{html.escape(shown)} <small>(exactly {html.escape(exact)})</small>"
    return html.escape(shown)


def _share_bar(share: object, cap: Fraction | None, colour: str) -> str:
    """A bar of the foreign share with a mark at the cap (nothing for intervals)."""
    if not isinstance(share, Fraction):
        return ""
    width = float(min(share, Fraction(1))) * 100
    mark = ""
    if cap is not None:
        mark = (
            f'<div title="cap" style="position:absolute;left:{float(cap) * 100:.3f}%;top:-3px;'
            'bottom:-3px;border-left:2px solid #24292f"></div>'
        )
    return (
        '<div style="position:relative;width:260px;height:10px;margin:6px 0 8px 0;'
        'background:rgba(128,128,128,.2);border-radius:2px">'
        f'<div style="width:{width:.3f}%;height:100%;background:{colour};border-radius:2px">'
        f"</div>{mark}</div>"
    )


def check_html(result: CapCheck) -> str:
    """The HTML display of a :class:`~jvmodel.CapCheck`.

    A verdict badge, the foreign share against the cap (with a bar), the
    headroom, the contributions of the foreign ultimate owners, the findings
    and the legal source of the cap.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> text = check_html(jvm.check(g, "jv", regime="cn-beijing-2020"))
    >>> "BREACH" in text, "51.5%" in text, "−1.5%" in text
    (True, True, True)
    """
    cap = result.cap
    colour = _STATUS_COLOURS.get(result.status, "#57606a")
    when = "today's structure" if result.as_of is None else f"as of {result.as_of.isoformat()}"
    headline = (
        f"{status_badge(result.status)} <strong>{html.escape(result.target)}</strong>"
        f" · {html.escape(result.sector)} under {html.escape(result.regime)} · {html.escape(when)}"
    )
    headroom: object
    try:
        headroom = result.headroom
    except TypeError:  # a share that is an interval has no single headroom
        headroom = None
    summary = [
        ["foreign share", _with_exact(result.foreign_share)],
        ["cap", html.escape(result.cap_rule.describe())],
        [
            "headroom",
            "—" if headroom is None else _with_exact(headroom),
        ],
        ["method", html.escape(f"{result.method}, on {result.measure}")],
    ]
    rows = "".join(
        f'<tr><th style="text-align:left;padding:1px 12px 1px 0;font-weight:600">{label}</th>'
        f'<td style="text-align:left">{value}</td></tr>'
        for label, value in summary
    )
    parts = [
        _TABLE_STYLE,
        '<div class="jvm-check">',
        f"<p>{headline}</p>",
        _share_bar(result.foreign_share, cap, colour),
        f'<table style="font-size:13px">{rows}</table>',
    ]
    if result.contributions:
        # With ranged stakes each contribution is an interval of its own: no parts.
        total = sum(
            (v for v in result.contributions.values() if isinstance(v, Fraction)), Fraction(0)
        )
        parts.append(
            html_table(
                ["foreign ultimate owner", "share of target", "part of the foreign share"],
                (
                    [
                        "undisclosed (counted foreign)" if owner == UNDISCLOSED else owner,
                        share,
                        share / total if total and isinstance(share, Fraction) else None,
                    ]
                    for owner, share in result.contributions.items()
                ),
                caption="Contributions",
            )
        )
    if result.findings:
        items = "".join(f"<li>{html.escape(f)}</li>" for f in result.findings)
        parts.append(f"<p><strong>Findings</strong></p><ul>{items}</ul>")
    if result.cap_rule.source:
        parts.append(
            f'<p style="font-size:11px;opacity:.75">Cap source: '
            f"{html.escape(result.cap_rule.source)}</p>"
        )
    parts.append("</div>")
    return "".join(parts)


def explanation_html(explained: Explanation) -> str:
    """The HTML display of an :class:`~jvmodel.Explanation`.

    The check's display (:func:`check_html`), then the contributing paths,
    largest first, each with its product and its part of the foreign share,
    and the intermediates counted wholly foreign with the test they failed.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> text = explanation_html(jvm.explain(g, "jv", regime="cn-beijing-2020"))
    >>> "bt → bt-global → bt-china → jv" in text, "Paths" in text
    (True, True)
    """
    total = explained.foreign_share
    parts = ['<div class="jvm-explanation">', check_html(explained.check)]
    if explained.paths:
        rows = (
            [
                path.describe()
                + "".join(f" (through the cross-holding {', '.join(c)})" for c in path.cycles),
                path.product,
                path.product / total if total else None,
            ]
            for path in explained.paths
        )
        caption = "Paths" + (" (the largest; more left out)" if explained.truncated else "")
        parts.append(
            html_table(
                ["path", "share of target", "part of the foreign share"], rows, caption=caption
            )
        )
    if explained.counted_foreign:
        items = "".join(
            f"<li><strong>{html.escape(entity)}</strong> counts wholly foreign: "
            f"{html.escape(reason)}</li>"
            for entity, reason in explained.counted_foreign.items()
        )
        parts.append(f"<p><strong>Counted wholly foreign</strong></p><ul>{items}</ul>")
    parts.append("</div>")
    return "".join(parts)


# -- the structure to draw -----------------------------------------------------------


@attrs.frozen
class _Edge:
    owner: str
    owned: str
    label: str
    control: bool


@attrs.frozen
class _Box:
    """One box of a chart: a name, a line of facts, and a note (undisclosed, treasury)."""

    name: str
    meta: str
    note: str = ""


@attrs.frozen
class _Picture:
    """What to draw: boxes, the edges between them, and each box's foreignness."""

    nodes: tuple[str, ...]
    boxes: dict[str, _Box]
    edges: tuple[_Edge, ...]
    foreign: dict[str, bool | None] | None  # None: no host, so not coloured


def _natural(text: str) -> tuple[tuple[int, str], ...]:
    """A sort key that puts "s2" before "s10"."""
    return tuple(
        (0, part.zfill(20)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", text)
        if part
    )


def _stake_label(holding: Holding) -> str:
    equity = _share_text(holding.equity)
    if holding.voting != holding.equity:
        return f"{equity} · votes {_share_text(holding.voting)}"
    return equity


def _meta(entity: Entity) -> str:
    facts = [
        entity.id if entity.id != entity.name else "",
        entity.jurisdiction or "no jurisdiction",
    ]
    if entity.kind != "company":
        facts.append(entity.kind)
    return " · ".join(f for f in facts if f)


def _note(snapshot: OwnershipGraph, node: str) -> str:
    """The undisclosed part and treasury shares of ``node``, in words."""
    stakes = snapshot.holdings_of(node)
    treasury = [h.equity for h in stakes if h.is_treasury]
    recorded = [h.equity for h in stakes]
    lines = []
    if treasury:
        lines.append(f"treasury {_share_text(treasury[0])}")
    others = [h for h in stakes if not h.is_treasury]
    if others and all(isinstance(s, Fraction) for s in recorded):
        rest = 1 - sum((s for s in recorded if isinstance(s, Fraction)), Fraction(0))
        if rest > 0:
            lines.append(f"undisclosed {_share_text(rest)}")
    return " · ".join(lines)


def _host(regime: str | Regime | None, host: str | None) -> tuple[str | None, tuple[str, ...]]:
    if regime is None:
        return (None if host is None else host.strip().upper()[:2]), ()
    rules = get(regime)
    return (host or rules.host).strip().upper()[:2], rules.foreign


def _picture(
    g: OwnershipGraph,
    *,
    target: str | None,
    as_of: dt.date | None,
    regime: str | Regime | None,
    host: str | None,
    max_holders: int | None,
) -> _Picture:
    snapshot = g.as_of(as_of)
    structure = snapshot.nx
    if target is None:
        nodes = list(structure.nodes)
    else:
        g.entity(target)  # raises UnknownEntityError
        ancestors = nx.ancestors(structure, target)
        nodes = [n for n in structure.nodes if n in ancestors or n == target]
    keep = set(nodes)
    code, listed = _host(regime, host)
    foreign = (
        None if code is None else {n: is_foreign(snapshot.entity(n), code, listed) for n in nodes}
    )
    boxes = {
        n: _Box(
            name=snapshot.entity(n).name, meta=_meta(snapshot.entity(n)), note=_note(snapshot, n)
        )
        for n in nodes
    }
    edges: list[_Edge] = []
    stakes: dict[tuple[str, str], Fraction] = {}
    for owner, owned, data in structure.edges(data=True):
        if owner not in keep or owned not in keep or owner == owned:
            continue
        holdings = data["holdings"]
        if holdings:
            edges.append(
                _Edge(owner, owned, "; ".join(_stake_label(h) for h in holdings), control=False)
            )
            if len(holdings) == 1 and isinstance(holdings[0].equity, Fraction):
                stakes[(owner, owned)] = holdings[0].equity
        edges.extend(
            _Edge(owner, owned, link.basis.replace("_", " "), control=True)
            for link in data["controls"]
        )
    picture = _Picture(nodes=tuple(nodes), boxes=boxes, edges=tuple(edges), foreign=foreign)
    if max_holders is None:
        return picture
    return _group_holders(picture, stakes, max_holders)


def _group_holders(
    picture: _Picture, stakes: Mapping[tuple[str, str], Fraction], max_holders: int
) -> _Picture:
    """Fold the smallest of an entity's many plain holders into one box per kind.

    A plain holder has one exact stake, in one entity, and nothing else drawn
    (no owners, no control links).  Above ``max_holders`` holders, the largest
    plain ones keep their boxes and the rest become "N other holders"
    (foreign, domestic or unknown apart when coloured), with their stakes added.
    """
    touching: dict[str, int] = dict.fromkeys(picture.nodes, 0)
    holders: dict[str, list[str]] = {n: [] for n in picture.nodes}
    for e in picture.edges:
        touching[e.owner] += 1
        touching[e.owned] += 1
        if not e.control:
            holders[e.owned].append(e.owner)
    folded: dict[str, str] = {}  # holder -> its group box
    boxes = dict(picture.boxes)
    foreign = None if picture.foreign is None else dict(picture.foreign)
    group_edges: list[_Edge] = []

    def status(h: str) -> bool | None:
        return None if foreign is None else foreign[h]

    for owned, found in holders.items():
        if len(found) <= max_holders:
            continue
        plain = [h for h in found if touching[h] == 1 and (h, owned) in stakes and h != owned]
        plain.sort(key=lambda h: (-stakes[(h, owned)], _natural(h)))
        others = len(found) - len(plain)
        for n_groups in (1, 2, 3):
            rest = plain[max(0, max_holders - others - n_groups) :]
            if len({status(h) for h in rest}) <= n_groups:
                break
        if len(rest) < 2:
            continue
        groups: dict[bool | None, list[str]] = {}
        for h in rest:
            groups.setdefault(status(h), []).append(h)
        for state, members in groups.items():
            if len(members) == 1:  # a box of its own takes no more room
                continue
            word = {True: "foreign ", False: "domestic ", None: ""}[state]
            if foreign is not None and state is None:
                word = "unknown "
            gid = f"\0group\0{owned}\0{word}"
            total = sum((stakes[(h, owned)] for h in members), Fraction(0))
            boxes[gid] = _Box(
                name=f"{len(members)} other {word}holders",
                meta="largest first: " + ", ".join(members[:3]) + ("…" if len(members) > 3 else ""),
            )
            if foreign is not None:
                foreign[gid] = state
            group_edges.append(_Edge(gid, owned, _share_text(total) + " in all", control=False))
            folded.update(dict.fromkeys(members, gid))
    if not folded:
        return picture
    nodes = [n for n in picture.nodes if n not in folded]
    nodes.extend(gid for gid in boxes if gid not in picture.boxes)
    edges = [e for e in picture.edges if e.owner not in folded] + group_edges
    return _Picture(
        nodes=tuple(nodes),
        boxes={n: boxes[n] for n in nodes},
        edges=tuple(edges),
        foreign=None if foreign is None else {n: foreign[n] for n in nodes},
    )


# -- layered layout ------------------------------------------------------------------


@attrs.frozen
class _Layout:
    """Positions of entities and of the bend points of long edges."""

    position: dict[str, tuple[float, float]]
    bends: dict[tuple[str, str], list[tuple[float, float]]]
    upward: frozenset[tuple[str, str]]
    depth: int


def _break_cycles(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Edges to draw upward so that the rest is acyclic (back edges of a DFS)."""
    owners: dict[str, list[str]] = {n: [] for n in nodes}
    owned_any: set[str] = set()
    for owner, owned in edges:
        owners[owned].append(owner)
        owned_any.add(owner)
    for listed in owners.values():
        listed.sort(key=_natural)
    # Walk upward from the entities that own nothing drawn (the target, the sinks).
    starts = [n for n in nodes if n not in owned_any] + list(nodes)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    upward: set[tuple[str, str]] = set()
    for start in starts:
        if start in state:
            continue
        state[start] = 1
        stack = [(start, iter(owners[start]))]
        while stack:
            node, pending = stack[-1]
            found = next(pending, None)
            if found is None:
                state[node] = 2
                stack.pop()
            elif state.get(found) == 1:
                upward.add((found, node))
            elif found not in state:
                state[found] = 1
                stack.append((found, iter(owners[found])))
    return upward


def _isotonic(targets: list[float], gaps: list[float]) -> list[float]:
    """Positions closest to ``targets`` (least squares) keeping ``x[i+1] - x[i] >= gaps[i]``."""
    if not targets:
        return []
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    values = [t - o for t, o in zip(targets, offsets, strict=True)]
    # Pool adjacent violators: blocks of (mean, weight).
    blocks: list[list[float]] = []
    for value in values:
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight = blocks.pop()
            blocks[-1][0] = (blocks[-1][0] * blocks[-1][1] + mean * weight) / (
                blocks[-1][1] + weight
            )
            blocks[-1][1] += weight
    fitted: list[float] = []
    for mean, weight in blocks:
        fitted.extend([mean] * int(weight))
    return [f + o for f, o in zip(fitted, offsets, strict=True)]


def _crossings(layers: list[list[str]], below: Mapping[str, list[str]]) -> int:
    count = 0
    for upper, lower in itertools.pairwise(layers):
        index = {n: i for i, n in enumerate(lower)}
        pairs = [(i, index[v]) for i, u in enumerate(upper) for v in below[u] if v in index]
        for (a1, b1), (a2, b2) in itertools.combinations(pairs, 2):
            if (a1 - a2) * (b1 - b2) < 0:
                count += 1
    return count


def _barycentre_order(
    layer: list[str], ref: list[str], links: Mapping[str, list[str]]
) -> list[str]:
    """``layer`` sorted by the mean position of each entity's links in ``ref``."""
    index = {n: i for i, n in enumerate(ref)}
    current = {n: i for i, n in enumerate(layer)}

    def centre(n: str) -> tuple[float, int]:
        spots = [index[m] for m in links[n] if m in index]
        return (sum(spots) / len(spots) if spots else float(current[n]), current[n])

    return sorted(layer, key=centre)


def _layered(picture: _Picture) -> _Layout:
    nodes = list(picture.nodes)
    pairs = {(e.owner, e.owned) for e in picture.edges}
    upward = _break_cycles(nodes, sorted(pairs))
    down = sorted(pairs - upward)
    owned_by: dict[str, list[str]] = {n: [] for n in nodes}
    for owner, owned in down:
        owned_by[owner].append(owned)
    # Rank: the longest path down to an entity that owns nothing drawn.
    dag: nx.DiGraph[str] = nx.DiGraph()
    dag.add_nodes_from(nodes)
    dag.add_edges_from(down)
    rank: dict[str, int] = {}
    for node in reversed(list(nx.topological_sort(dag))):
        rank[node] = 1 + max((rank[o] for o in owned_by[node]), default=-1)
    depth = max(rank.values(), default=0)
    # Long edges pass through virtual points, one per layer crossed.
    below: dict[str, list[str]] = {n: [] for n in nodes}
    chains: dict[tuple[str, str], list[str]] = {}
    layer_of = dict(rank)
    for owner, owned in down:
        chain = [owner]
        for r in range(rank[owner] - 1, rank[owned], -1):
            virtual = f"\0{owner}\0{owned}\0{r}"
            layer_of[virtual] = r
            below[virtual] = []
            chain.append(virtual)
        chain.append(owned)
        for upper, lower in itertools.pairwise(chain):
            below[upper].append(lower)
        chains[(owner, owned)] = chain[1:-1]
    above: dict[str, list[str]] = {n: [] for n in below}
    for upper, lowers in below.items():
        for lower in lowers:
            above[lower].append(upper)
    # Initial order: depth-first from the top, so that families sit together.
    layers: list[list[str]] = [[] for _ in range(depth + 1)]
    seen: set[str] = set()

    def visit(start: str) -> None:
        stack = [start]
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            layers[depth - layer_of[node]].append(node)
            stack.extend(reversed(below[node]))

    for node in sorted(below, key=lambda n: (-layer_of[n], _natural(n))):
        if not above[node]:
            visit(node)
    for node in sorted(below, key=_natural):
        visit(node)
    # Barycentre sweeps, keeping the order with the fewest crossings.
    best = [list(layer) for layer in layers]
    # Counting crossings is quadratic in the edges: past a size, trust the sweeps.
    counted = sum(len(v) for v in below.values()) <= 1500
    best_count = _crossings(best, below) if counted else 0
    for sweep in range(8):
        downward = sweep % 2 == 0
        rows = range(1, len(layers)) if downward else range(len(layers) - 2, -1, -1)
        for row in rows:
            ref = layers[row - 1] if downward else layers[row + 1]
            links = above if downward else below
            layers[row] = _barycentre_order(layers[row], ref, links)
        if not counted:
            best = layers
            continue
        count = _crossings(layers, below)
        if count < best_count:
            best, best_count = [list(layer) for layer in layers], count
    layers = best

    # Horizontal positions: near the mean of the neighbours, boxes never closer than 1.
    def gap(a: str, b: str) -> float:
        if a in picture.boxes and b in picture.boxes:
            return 1.0
        return 0.65 if a in picture.boxes or b in picture.boxes else 0.3

    x: dict[str, float] = {}
    for layer in layers:
        for i, n in enumerate(layer):
            x[n] = float(i) - (len(layer) - 1) / 2
    for sweep in range(12):
        order = layers if sweep % 2 == 0 else list(reversed(layers))
        for layer in order:
            targets = []
            for n in layer:
                spots = [x[m] for m in above[n] + below[n]]
                targets.append(sum(spots) / len(spots) if spots else x[n])
            gaps = [gap(a, b) for a, b in itertools.pairwise(layer)]
            x.update(zip(layer, _isotonic(targets, gaps), strict=True))
    left = min(x.values(), default=0.0)
    position = {n: (x[n] - left, float(rank[n])) for n in nodes}
    bends = {
        pair: [(x[v] - left, float(layer_of[v])) for v in chain] for pair, chain in chains.items()
    }
    return _Layout(position=position, bends=bends, upward=frozenset(upward), depth=depth)


# -- drawing ------------------------------------------------------------------------

_FOREIGN = ("#f6c8a8", "#b5541c")  # face, edge
_DOMESTIC = ("#c6dbef", "#2b6ca3")
_UNKNOWN = ("#e4e4e4", "#7a7a7a")
_PLAIN = ("#eef1f5", "#57606a")
_CONTROL = "#7b3fa0"
_BOX_W, _BOX_H = 0.86, 0.6
_INCH_X, _INCH_Y = 2.05, 1.45  # inches per unit at font scale 1


def _require_matplotlib(what: str) -> Any:
    try:
        import matplotlib  # noqa: PLC0415  (optional extra, imported when needed)
    except ImportError:
        raise MissingDependencyError(
            f"{what} needs matplotlib, which is not installed; install the viz extra: "
            "pip install 'jvmodel[viz]'",
            package="matplotlib",
            extra="viz",
        ) from None
    return matplotlib


def _wrap(text: str, width: int, lines: int) -> str:
    wrapped = textwrap.wrap(text, width=width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _title(
    g: OwnershipGraph,
    *,
    target: str | None,
    regime: str | Regime | None,
    host: str | None,
    sector: str | None,
    as_of: dt.date | None,
) -> tuple[str, str]:
    """The chart's title and its colour: the target's verdict when there is one."""
    when = "today's structure" if as_of is None else f"as of {as_of.isoformat()}"
    if target is None:
        return f"Ownership structure · {when}", "#24292f"
    name = g.entity(target).name
    if regime is not None:
        rules = get(regime)
        try:
            result = check(g, target, regime=rules, sector=sector, as_of=as_of)
        except JVModelError as error:
            reason = str(error)
            reason = reason if len(reason) <= 90 else reason[:89] + "…"
            return f"{name}\nno verdict under {rules.name}: {reason}", "#24292f"
        verdict = (
            f"{result.status.upper()}: foreign {_share_text(result.foreign_share)} vs "
            f"{result.cap_rule.describe()}"
        )
        detail = f"{name} · {result.sector} · {rules.name} · {when}"
        return f"{verdict}\n{detail}", _STATUS_COLOURS.get(result.status, "#24292f")
    if host is not None:
        try:
            share: object = foreign_share(g, target, host=host, as_of=as_of)
        except JVModelError:
            share = None
        return f"{name}\nforeign {_share_text(share)} (host {host}) · {when}", "#24292f"
    return f"{name} · {when}", "#24292f"


def draw(
    g: OwnershipGraph,
    *,
    target: str | None = None,
    regime: str | Regime | None = None,
    host: str | None = None,
    sector: str | None = None,
    ax: Axes | None = None,
    layout: str | Mapping[str, tuple[float, float]] = "layered",
    as_of: dt.date | None = None,
    max_holders: int | None = 8,
) -> Axes:
    """Draw an ownership structure with matplotlib, owners above what they own.

    Parameters
    ----------
    g : OwnershipGraph
    target : str, optional
        Draw only the entities that own ``target`` (directly or through
        others, or by control), with ``target`` at the bottom.  Without it, the
        whole graph.
    regime : str or Regime, optional
        Colour foreign and domestic entities apart by the regime's rules and, with
        ``target``, put the target's cap verdict in the title.
    host : str, optional
        The host country, to colour entities without a regime (or to override
        the regime's host).
    sector : str, optional
        The sector whose cap the title checks (see :func:`jvmodel.check`).
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure sized to the structure.
    layout : "layered" or mapping
        ``"layered"`` ranks each entity by its longest chain of holdings down to
        the target (ultimate owners on top), orders each layer to reduce
        crossings, and routes long edges around the boxes; cross-holdings are
        drawn as curved edges going up.  A mapping ``{id: (x, y)}`` places the
        entities yourself.
    as_of : datetime.date, optional
        The structure on that day; None for today's structure.
    max_holders : int or None
        An entity with more holders than this keeps its largest ones and shows
        the other plain holders (those with one stake and nothing else drawn)
        as one dashed box per kind, "N other foreign holders", with their stakes
        added up.  None draws every holder.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    MissingDependencyError
        If matplotlib is not installed (``pip install 'jvmodel[viz]'``).
    UnknownEntityError, UnknownRegimeError, UnsupportedAnalysisError

    Notes
    -----
    Edges carry the equity stake (``"12.5%"``; a share without a short decimal
    form is rounded and marked, ``"≈33.33%"``), and the voting stake when it
    differs.  Control links are dashed and labelled with their basis.  A note
    under an entity gives its undisclosed part and treasury shares.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> ax = jvm.draw(g, target="jv", regime="cn-beijing-2020")
    >>> ax.get_title().splitlines()[0]
    'BREACH: foreign 51.5% vs ≤ 50% of equity'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(ax.figure)
    """
    _require_matplotlib("draw()")
    if regime is not None:
        regime = get(regime)
    picture = _picture(
        g, target=target, as_of=as_of, regime=regime, host=host, max_holders=max_holders
    )
    if isinstance(layout, str):
        if layout != "layered":
            raise UnsupportedAnalysisError(
                f"layout {layout!r} is not known; use 'layered' or a mapping {{entity id: (x, y)}}",
                reason="unknown layout",
            )
        placed = _layered(picture)
    else:
        missing = [n for n in picture.nodes if n not in layout]
        if missing:
            raise UnsupportedAnalysisError(
                f"layout has no position for {', '.join(repr(m) for m in missing[:5])}"
                f"{' and others' if len(missing) > 5 else ''}; give every entity drawn a "
                "position (x, y)",
                reason="incomplete layout",
            )
        position = {n: (float(layout[n][0]), float(layout[n][1])) for n in picture.nodes}
        placed = _Layout(position=position, bends={}, upward=frozenset(_pairs(picture)), depth=0)

    xs = [p[0] for p in placed.position.values()] or [0.0]
    ys = [p[1] for p in placed.position.values()] or [0.0]
    width_units = max(xs) - min(xs) + 1.3
    height_units = max(ys) - min(ys) + 1.2
    title, title_colour = _title(
        g, target=target, regime=regime, host=host, sector=sector, as_of=as_of
    )
    if ax is None:
        import matplotlib.pyplot as plt  # noqa: PLC0415  (optional extra)

        fig_w = max(6.5, width_units * _INCH_X)
        fig_h = height_units * _INCH_Y + 1.2
        _, ax = plt.subplots(figsize=(fig_w, fig_h))
        ax.figure.subplots_adjust(left=0.01, right=0.99, top=1 - 0.7 / fig_h, bottom=0.45 / fig_h)
    fig = cast("Figure", ax.figure)
    ax.set_axis_off()
    ax.set_xlim(min(xs) - 0.65, max(xs) + 0.65)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    # Scale the text to the room each box has on this axes.
    bbox = ax.get_position()
    inch_y = bbox.height * fig.get_figheight() / height_units
    inch_x = bbox.width * fig.get_figwidth() / width_units
    scale = max(0.4, min(1.0, inch_x / _INCH_X, inch_y / _INCH_Y))
    _draw_boxes(ax, picture, placed, target=target, scale=scale, inch_y=inch_y)
    _draw_edges(ax, picture, placed, scale=scale)
    ax.set_title(title, fontsize=10, color=title_colour, loc="center", pad=8)
    _legend(ax, picture, target=target)
    return ax


def _pairs(picture: _Picture) -> set[tuple[str, str]]:
    return {(e.owner, e.owned) for e in picture.edges}


def _colours(picture: _Picture, node: str) -> tuple[str, str]:
    if picture.foreign is None:
        return _PLAIN
    status = picture.foreign[node]
    return _UNKNOWN if status is None else _FOREIGN if status else _DOMESTIC


def _draw_boxes(
    ax: Axes, picture: _Picture, placed: _Layout, *, target: str | None, scale: float, inch_y: float
) -> None:
    from matplotlib import patches  # noqa: PLC0415  (optional extra)

    name_size, meta_size = 8 * scale, 6.5 * scale
    for node in picture.nodes:
        x, y = placed.position[node]
        box = picture.boxes[node]
        face, edge = _colours(picture, node)
        is_target = node == target
        ax.add_patch(
            patches.FancyBboxPatch(
                (x - _BOX_W / 2, y - _BOX_H / 2),
                _BOX_W,
                _BOX_H,
                boxstyle="round,pad=0,rounding_size=0.06",
                facecolor=face,
                edgecolor="#111111" if is_target else edge,
                linewidth=2.6 if is_target else 1.0,
                linestyle="--" if node.startswith("\0group") else "-",
                zorder=3,
            )
        )
        name = _wrap(box.name, 26, 3)
        meta = "\n".join(_wrap(line, 36, 1) for line in (box.meta, box.note) if line)
        # Centre the name and the facts below it as one block, in data units.
        name_h = (name.count("\n") + 1) * name_size * 1.2 / 72 / inch_y
        meta_h = (meta.count("\n") + 1) * meta_size * 1.25 / 72 / inch_y if meta else 0.0
        gap = 0.035 if meta else 0.0
        top = y + (name_h + gap + meta_h) / 2
        ax.text(
            x,
            top,
            name,
            ha="center",
            va="top",
            fontsize=name_size,
            fontweight="bold" if is_target else "normal",
            color="#111111",
            zorder=4,
            linespacing=1.1,
        )
        if meta:
            ax.text(
                x,
                top - name_h - gap,
                meta,
                ha="center",
                va="top",
                fontsize=meta_size,
                color="#3a3a3a",
                zorder=4,
                linespacing=1.15,
            )


def _box_exit(centre: tuple[float, float], toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from a box's centre toward a point leaves the box."""
    dx, dy = toward[0] - centre[0], toward[1] - centre[1]
    if dx == 0 and dy == 0:
        return centre
    t = min(
        (_BOX_W / 2) / abs(dx) if dx else float("inf"),
        (_BOX_H / 2) / abs(dy) if dy else float("inf"),
    )
    return centre[0] + t * dx, centre[1] + t * dy


def _spread(items: list[str], x_of: Mapping[str, float]) -> dict[str, float]:
    """Offsets along a box side, one per edge, ordered like the far ends."""
    ordered = sorted(items, key=lambda n: x_of.get(n, 0.0))
    step = min(0.14, 0.7 / max(len(ordered), 1))
    return {n: (i - (len(ordered) - 1) / 2) * step for i, n in enumerate(ordered)}


def _draw_edges(ax: Axes, picture: _Picture, placed: _Layout, *, scale: float) -> None:
    from matplotlib import patches  # noqa: PLC0415  (optional extra)

    # Edges leave along the owner's bottom and arrive along the owned entity's
    # top, spread out, so that arrows into one box do not pile up.  The far end
    # of a long edge is its first bend.
    def far(pair: tuple[str, str], end: int) -> float:
        bends = placed.bends.get(pair)
        if bends:
            return bends[0 if end == 0 else -1][0]
        return placed.position[pair[1 - end]][0]

    leaving: dict[str, dict[str, float]] = {}
    arriving: dict[str, dict[str, float]] = {}
    downward = sorted(_pairs(picture) - placed.upward)
    for node in picture.nodes:
        out = [b for a, b in downward if a == node]
        into = [a for a, b in downward if b == node]
        leaving[node] = _spread(out, {b: far((node, b), 0) for b in out})
        arriving[node] = _spread(into, {a: far((a, node), 1) for a in into})
    count: dict[tuple[str, str], int] = {}
    for e in picture.edges:
        count[(e.owner, e.owned)] = count.get((e.owner, e.owned), 0) + 1
    seen: dict[tuple[str, str], int] = {}
    for e in picture.edges:
        pair = (e.owner, e.owned)
        nth = seen.get(pair, 0)
        seen[pair] = nth + 1
        colour = _CONTROL if e.control else "#3d4450"
        style = "--" if e.control else "-"
        text_style: dict[str, Any] = {
            "ha": "center",
            "va": "center",
            "zorder": 6,
            "fontsize": (6.5 if e.control else 7.5) * scale,
            "color": colour,
            "fontstyle": "italic" if e.control else "normal",
            "bbox": {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        }
        label = f"control: {e.label}" if e.control else e.label
        source, sink = placed.position[e.owner], placed.position[e.owned]
        if pair in placed.upward:
            # A cross-holding drawn against the flow (or a free layout): a curve
            # from box edge to box edge, bent further for a second link.
            rad = 0.3 + 0.2 * nth
            start, end = _box_exit(source, sink), _box_exit(sink, source)
            ax.add_patch(
                patches.FancyArrowPatch(
                    start,
                    end,
                    connectionstyle=f"arc3,rad={rad}",
                    arrowstyle="-|>",
                    mutation_scale=10,
                    color=colour,
                    linestyle=style,
                    linewidth=1.1,
                    shrinkA=0,
                    shrinkB=0,
                    zorder=5,
                )
            )
            # arc3 bends toward a control point at the chord's midpoint moved
            # rad × chord length sideways; the curve passes halfway there.
            dx, dy = end[0] - start[0], end[1] - start[1]
            mid_x, mid_y = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
            ax.text(mid_x + rad * dy / 2, mid_y - rad * dx / 2, label, **text_style)
            continue
        offset = (nth - (count[pair] - 1) / 2) * 0.1  # holding and control side by side
        points = [
            (source[0] + leaving[e.owner][e.owned] + offset, source[1] - _BOX_H / 2),
            *((bx + offset, by) for bx, by in placed.bends.get(pair, [])),
            (sink[0] + arriving[e.owned][e.owner] + offset, sink[1] + _BOX_H / 2),
        ]
        xs, ys = zip(*points[:-1], strict=True)
        ax.plot(xs, ys, linestyle=style, color=colour, linewidth=1.1, zorder=2)
        ax.annotate(
            "",
            xy=points[-1],
            xytext=points[-2],
            arrowprops={
                "arrowstyle": "-|>",
                "color": colour,
                "linestyle": style,
                "linewidth": 1.1,
                "shrinkA": 0,
                "shrinkB": 0,
                "mutation_scale": 10,
            },
            zorder=2,
        )
        # The label sits on the first stretch, halfway between the owner's layer
        # and the next one, where no box is.
        (x1, y1), (x2, y2) = points[0], points[1]
        t = min(1.0, (0.5 - _BOX_H / 2) / (y1 - y2)) if y1 > y2 else 0.5
        ax.text(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t, label, **text_style)


def _legend(ax: Axes, picture: _Picture, *, target: str | None) -> None:
    from matplotlib import patches  # noqa: PLC0415  (optional extra)
    from matplotlib.lines import Line2D  # noqa: PLC0415

    handles: list[Any] = []
    if picture.foreign is not None:
        kinds = set(picture.foreign.values())
        for status, (face, edge), word in (
            (True, _FOREIGN, "foreign"),
            (False, _DOMESTIC, "domestic"),
            (None, _UNKNOWN, "jurisdiction unknown"),
        ):
            if status in kinds:
                handles.append(patches.Patch(facecolor=face, edgecolor=edge, label=word))
    if target is not None:
        handles.append(
            patches.Patch(facecolor="white", edgecolor="#111111", linewidth=2.2, label="target")
        )
    handles.append(Line2D([], [], color="#3d4450", label="holding (equity %)"))
    if any(e.control for e in picture.edges):
        handles.append(Line2D([], [], color=_CONTROL, linestyle="--", label="control link (basis)"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=len(handles),
        frameon=False,
        fontsize=7.5,
        handlelength=1.8,
    )


# -- Graphviz -------------------------------------------------------------------------


def _dot_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(
    g: OwnershipGraph,
    *,
    target: str | None = None,
    regime: str | Regime | None = None,
    host: str | None = None,
    as_of: dt.date | None = None,
) -> str:
    """The structure as Graphviz DOT text (owners above what they own).

    The options mean what they mean for :func:`draw`; nothing needs to be
    installed.  Render the text with Graphviz (``dot -Tsvg``) or :func:`to_svg`.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> _ = g.add_entity("bt", name="BT Group plc", jurisdiction="GB")
    >>> _ = g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    >>> _ = g.add_holding("bt", "jv", "50%")
    >>> print(jvm.to_dot(g))
    digraph ownership {
      rankdir=TB;
      node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];
      node [fillcolor="#eef1f5", color="#57606a"];
      edge [fontname="Helvetica", fontsize=9];
      "bt" [label="BT Group plc\\nbt · GB"];
      "jv" [label="jv\\nCN-BJ\\nundisclosed 50%"];
      "bt" -> "jv" [label="50%"];
    }
    """
    picture = _picture(g, target=target, as_of=as_of, regime=regime, host=host, max_holders=None)
    lines = [
        "digraph ownership {",
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        f'  node [fillcolor="{_PLAIN[0]}", color="{_PLAIN[1]}"];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for node in picture.nodes:
        box = picture.boxes[node]
        label = "\n".join(line for line in (_wrap(box.name, 28, 4), box.meta, box.note) if line)
        attributes = [f"label={_dot_string(label)}"]
        if picture.foreign is not None:
            face, edge = _colours(picture, node)
            attributes += [f'fillcolor="{face}"', f'color="{edge}"']
        if node == target:
            attributes.append("penwidth=2.5")
        lines.append(f"  {_dot_string(node)} [{', '.join(attributes)}];")
    for e in picture.edges:
        attributes = [f"label={_dot_string(('control: ' if e.control else '') + e.label)}"]
        if e.control:
            attributes += ["style=dashed", f'color="{_CONTROL}"', f'fontcolor="{_CONTROL}"']
        lines.append(
            f"  {_dot_string(e.owner)} -> {_dot_string(e.owned)} [{', '.join(attributes)}];"
        )
    lines.append("}")
    return "\n".join(lines)


def to_svg(
    g: OwnershipGraph,
    *,
    target: str | None = None,
    regime: str | Regime | None = None,
    host: str | None = None,
    as_of: dt.date | None = None,
) -> str:
    """The structure as SVG text, laid out by Graphviz's ``dot`` program.

    Raises
    ------
    MissingDependencyError
        If the ``dot`` program is not on the PATH (install Graphviz, or use
        :func:`to_dot` and render the text elsewhere, or :func:`draw`).
    """
    program = shutil.which("dot")
    if program is None:
        raise MissingDependencyError(
            "to_svg() needs Graphviz's 'dot' program, which is not on the PATH; install "
            "Graphviz (for example 'apt install graphviz' or 'brew install graphviz'), or "
            "use to_dot() for the DOT text or draw() for a matplotlib chart",
            package="graphviz",
            extra=None,
        )
    dot = to_dot(g, target=target, regime=regime, host=host, as_of=as_of)
    done = subprocess.run(
        [program, "-Tsvg"], input=dot.encode(), capture_output=True, check=False, timeout=60
    )
    if done.returncode != 0:
        raise UnsupportedAnalysisError(
            f"Graphviz's dot failed (exit status {done.returncode}): "
            f"{done.stderr.decode(errors='replace').strip()[:300]}",
            reason="graphviz failed",
        )
    return done.stdout.decode()


_REPORT_ROWS = 500  # rows shown in a notebook; the rest are counted


def report_html(report: Report) -> str:
    """The HTML display of a :class:`~jvmodel.Report`: counts, then a sortable table.

    Figures from the fast float engine are marked ``~``; the others are exact
    (the exact value is in each share's tooltip).  Breaches come first.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> text = report_html(jvm.check_all(g, regime="cn-beijing-2020"))
    >>> "BREACH" in text, "~51.5000%" in text, "jvm-sortable" in text
    (True, True, True)
    """
    order = {"breach": 0, "indeterminate": 1, "unresolved": 2, "compliant": 3}
    rows = sorted(report, key=lambda row: order.get(row.status, 4))
    counts = ", ".join(f"{n} {status}" for status, n in report.counts.items() if n)
    when = report.as_of.isoformat() if report.as_of else "today's structure"

    def figure(value: object) -> object:
        if isinstance(value, float):
            return Cell(text=f"~{value:.4%}", sort=repr(value), numeric=True)
        return value

    table = html_table(
        ["status", "entity", "sector", "foreign share", "cap", "headroom", "top contributor"],
        (
            [
                Cell(text=row.status, markup=status_badge(row.status), sort=row.status),
                row.target,
                row.sector,
                figure(row.foreign_share),
                "uncapped" if row.cap_rule is None else row.cap_rule.describe(),
                figure(row.headroom),
                row.reason or (row.top_contributor or ""),
            ]
            for row in rows[:_REPORT_ROWS]
        ),
        caption=f"{report.regime}, {when}: {len(report)} rows ({counts or 'none'})",
        total=len(report),
    )
    return f'<div class="jvm-report">{table}</div>'
