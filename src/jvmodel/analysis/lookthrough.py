"""Exact look-through: who ultimately owns an entity, and how much of it is foreign.

Only the target's upstream closure (the entities that hold it, directly or
through others) is read.  Acyclic parts are evaluated in topological order of
the strongly connected components; each cross-holding component is solved as an
exact rational linear system ``(I − Q) x = b``.  A component that owns itself
entirely, with no outside owner and no undisclosed part, has no ultimate owner:
the system is singular and :class:`~jvmodel.CircularOwnershipError` is raised.

Treasury (own) shares are left out and the other stakes renormalised: if 10%
of ``e`` is treasury, a 45% holder owns ``45/90`` of the shares that count.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Literal, TypeAlias, TypeVar

import attrs
import networkx as nx

from jvmodel._numeric import Range
from jvmodel.analysis.methods import Method, get_method
from jvmodel.errors import CircularOwnershipError, InvalidEntityError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph
from jvmodel.model import Entity, normalise_jurisdiction

__all__ = [
    "UNDISCLOSED",
    "Measure",
    "UndisclosedPolicy",
    "Upstream",
    "effective_ownership",
    "foreign_contributions",
    "foreign_share",
    "is_foreign",
    "upstream",
]

Measure: TypeAlias = Literal["equity", "voting"]
UndisclosedPolicy: TypeAlias = Literal["foreign", "domestic", "exclude"]
_POLICIES = ("foreign", "domestic", "exclude")
_ZERO = Fraction(0)
_ONE = Fraction(1)

K = TypeVar("K")


class _UndisclosedKey(str):
    """The key under which results report ownership no record accounts for."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNDISCLOSED"


UNDISCLOSED: str = _UndisclosedKey("(undisclosed)")
"""Key of the undisclosed remainder in :func:`effective_ownership` results."""


@attrs.frozen
class Upstream:
    """The part of a graph that owns ``target``, ready for evaluation.

    Attributes
    ----------
    target : str
    holders : dict
        For each entity of the closure that is not an ultimate owner: its
        holders and their stakes, treasury removed and renormalised.
    undisclosed : dict
        For each such entity: the part no holder accounts for.
    ultimate : tuple of str
        The ultimate owners reached (entities with no recorded owners).
    order : tuple of tuple of str
        The strongly connected components of the non-ultimate entities, owners
        before what they own.
    entities : dict
        The :class:`Entity` record of every entity in the closure.
    """

    target: str
    holders: dict[str, tuple[tuple[str, Fraction], ...]]
    undisclosed: dict[str, Fraction]
    ultimate: tuple[str, ...]
    order: tuple[tuple[str, ...], ...]
    entities: dict[str, Entity]


def _check_measure(measure: str) -> None:
    if measure not in ("equity", "voting"):
        raise UnsupportedAnalysisError(
            f"measure {measure!r} is not 'equity' or 'voting'", reason="unknown measure"
        )


def upstream(
    g: OwnershipGraph, target: str, *, measure: Measure = "equity", as_of: dt.date | None = None
) -> Upstream:
    """Collect the upstream closure of ``target`` on ``as_of``.

    Raises
    ------
    UnknownEntityError
        If ``target`` is not in the graph.
    UnsupportedAnalysisError
        If a stake in the closure is a range (ranges need interval analysis).
    CircularOwnershipError
        If part of the closure owns itself entirely.
    """
    _check_measure(measure)
    g.entity(target)  # raises UnknownEntityError
    holders: dict[str, tuple[tuple[str, Fraction], ...]] = {}
    undisclosed: dict[str, Fraction] = {}
    ultimate: list[str] = []
    entities: dict[str, Entity] = {}
    seen = {target}
    queue = deque([target])
    while queue:
        node = queue.popleft()
        entities[node] = g.entity(node)
        treasury = _ZERO
        found: list[tuple[str, Fraction]] = []
        for holding in g.holdings_of(node, as_of=as_of):
            stake = holding.stake(measure)
            if isinstance(stake, Range):
                raise UnsupportedAnalysisError(
                    f"the {measure} stake of {holding.owner!r} in {node!r} is a range "
                    f"({stake!r}); this analysis needs exact stakes",
                    reason="ranged stake",
                    entity=node,
                )
            if holding.is_treasury:
                treasury += stake
            elif stake:
                found.append((holding.owner, stake))
        if not found and node != target:
            ultimate.append(node)
            continue
        if treasury == 1:
            raise CircularOwnershipError(
                f"{node!r} holds all of its own shares, so it has no owner to look through to",
                entities=(node,),
            )
        recorded = sum((s for _, s in found), _ZERO)
        if treasury:
            scale = 1 / (1 - treasury)
            holders[node] = tuple((owner, stake * scale) for owner, stake in found)
            undisclosed[node] = (1 - treasury - recorded) * scale
        else:  # the common case; skipping the scaling saves Fraction arithmetic per entity
            holders[node] = tuple(found)
            undisclosed[node] = 1 - recorded
        for owner, _ in found:
            if owner not in seen:
                seen.add(owner)
                queue.append(owner)
    order = _component_order(holders)
    plan = Upstream(
        target=target,
        holders=holders,
        undisclosed=undisclosed,
        ultimate=tuple(ultimate),
        order=order,
        entities=entities,
    )
    for component in order:
        _check_not_closed(plan, component)
    return plan


def _component_order(
    holders: Mapping[str, Iterable[tuple[str, Fraction]]],
) -> tuple[tuple[str, ...], ...]:
    inner: nx.DiGraph[str] = nx.DiGraph()
    inner.add_nodes_from(holders)
    inner.add_edges_from(
        (owner, node) for node, found in holders.items() for owner, _ in found if owner in holders
    )
    try:  # no cross-holdings (the common case): every component is one entity
        return tuple((node,) for node in nx.topological_sort(inner))
    except nx.NetworkXUnfeasible:
        pass
    condensed = nx.condensation(inner)
    members = condensed.graph["mapping"]
    groups: dict[int, list[str]] = {}
    for node, index in members.items():
        groups.setdefault(index, []).append(node)
    return tuple(tuple(sorted(groups[index])) for index in nx.topological_sort(condensed))


def _check_not_closed(plan: Upstream, component: tuple[str, ...]) -> None:
    """Raise if ``component`` owns itself entirely (a singular system).

    In a strongly connected component of stakes, the system is singular exactly
    when no member has any ownership from outside the component or undisclosed
    (Perron–Frobenius: an irreducible substochastic matrix with a row summing to
    less than one has spectral radius below one).
    """
    if len(component) == 1:
        return  # treasury is removed, so a single entity cannot hold itself here
    inside = set(component)
    for node in component:
        if plan.undisclosed[node]:
            return
        if any(owner not in inside for owner, _ in plan.holders[node]):
            return
    listed = ", ".join(repr(node) for node in component)
    raise CircularOwnershipError(
        f"entities {listed} own each other entirely, with no outside owner; their "
        "look-through has no ultimate owner (record the outside or undisclosed part)",
        entities=component,
    )


def _solve(matrix: list[list[Fraction]], rhs: list[dict[K, Fraction]]) -> list[dict[K, Fraction]]:
    """Solve ``matrix · X = rhs`` exactly (Gauss–Jordan); rows of X are sparse vectors."""
    size = len(matrix)
    rows = [row[:] for row in matrix]
    vectors = [dict(v) for v in rhs]
    for col in range(size):
        pivot = next(r for r in range(col, size) if rows[r][col])
        rows[col], rows[pivot] = rows[pivot], rows[col]
        vectors[col], vectors[pivot] = vectors[pivot], vectors[col]
        factor = rows[col][col]
        rows[col] = [x / factor for x in rows[col]]
        vectors[col] = {k: x / factor for k, x in vectors[col].items()}
        for r in range(size):
            if r != col and rows[r][col]:
                m = rows[r][col]
                rows[r] = [a - m * b for a, b in zip(rows[r], rows[col], strict=True)]
                target = vectors[r]
                for k, x in vectors[col].items():
                    target[k] = target.get(k, _ZERO) - m * x
    return [{k: x for k, x in v.items() if x} for v in vectors]


def propagate(
    plan: Upstream,
    ground: Callable[[str], dict[K, Fraction]],
    unknown: dict[K, Fraction],
    *,
    link: Callable[[Fraction], Fraction] = lambda w: w,
) -> dict[str, dict[K, Fraction]]:
    """Evaluate a linear measure over the closure, owners first.

    ``ground(u)`` gives the vector of an ultimate owner ``u``, ``unknown`` the
    vector of one unit of undisclosed ownership; ``link`` transforms stakes.
    Returns the vector of every entity in the closure.
    """
    values: dict[str, dict[K, Fraction]] = {u: ground(u) for u in plan.ultimate}
    for component in plan.order:
        inside = set(component) if len(component) > 1 else set()
        # b: what flows in from outside the component, and the undisclosed part.
        outside: list[dict[K, Fraction]] = []
        for node in component:
            acc: dict[K, Fraction] = {}
            _add(acc, unknown, plan.undisclosed[node])
            for owner, stake in plan.holders[node]:
                if owner not in inside:
                    _add(acc, values[owner], link(stake))
            outside.append(acc)
        if not inside:
            values[component[0]] = outside[0]
            continue
        index = {node: i for i, node in enumerate(component)}
        matrix = [
            [_ONE if i == j else _ZERO for j in range(len(component))] for i in index.values()
        ]
        for node in component:
            for owner, stake in plan.holders[node]:
                if owner in inside:
                    matrix[index[node]][index[owner]] -= link(stake)
        values.update(zip(component, _solve(matrix, outside), strict=True))
    return values


def _add(acc: dict[K, Fraction], vector: Mapping[K, Fraction], weight: Fraction) -> None:
    if not weight:
        return
    whole = weight == 1  # wholly owned layers are common: skip the multiplication
    for key, value in vector.items():
        part = value if whole else weight * value
        previous = acc.get(key)
        acc[key] = part if previous is None else previous + part


def effective_ownership(
    g: OwnershipGraph, target: str, *, measure: Measure = "equity", as_of: dt.date | None = None
) -> dict[str, Fraction]:
    """The share of ``target`` each ultimate owner holds, through every layer.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    measure : {"equity", "voting"}
    as_of : datetime.date, optional
        The structure on that day; None for today's (holdings with no end date).

    Returns
    -------
    dict
        ``{ultimate_owner_id: Fraction}`` with the unaccounted part under
        :data:`UNDISCLOSED`; only non-zero entries; the values add up to 1.

    Raises
    ------
    UnknownEntityError, CircularOwnershipError, UnsupportedAnalysisError

    Notes
    -----
    Each ultimate owner's share is the sum over all upward paths of the product
    of the stakes along the path; with cross-holdings, the absorption
    probability of the upward walk, solved exactly.

    Examples
    --------
    A holds 60% of H, which holds 40% of T: A owns 60% × 40% = 24% of T.

    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e in ("a", "h", "t"):
    ...     _ = g.add_entity(e, jurisdiction="CN")
    >>> _ = g.add_holding("a", "h", "60%")
    >>> _ = g.add_holding("h", "t", "40%")
    >>> jvm.effective_ownership(g, "t")
    {UNDISCLOSED: Fraction(19, 25), 'a': Fraction(6, 25)}
    """
    plan = upstream(g, target, measure=measure, as_of=as_of)
    values = propagate(plan, lambda u: {u: _ONE}, {UNDISCLOSED: _ONE})
    return _largest_first(values[target])


def _largest_first(shares: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """Non-zero entries, largest share first, ties by id."""
    return {k: v for k, v in sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])) if v}


def _host_country(host: str | None) -> str:
    if host is None:
        raise UnsupportedAnalysisError(
            "foreign_share needs host= (the host country, e.g. host='CN') or a regime",
            reason="no host",
        )
    code = normalise_jurisdiction(host)
    assert code is not None
    if len(code) != 2:
        raise InvalidEntityError(
            f"host {host!r} must be a country code (ISO 3166-1 alpha-2), not a subdivision",
            field="host",
            value=host,
        )
    return code


def is_foreign(entity: Entity, host: str, foreign: Iterable[str] = ()) -> bool | None:
    """Whether an ultimate owner counts as foreign for ``host``; None if unknown.

    An entity is foreign when the country part of its jurisdiction differs from
    ``host``, or when its jurisdiction (or its country) is listed in
    ``foreign`` (Chinese rules count ``HK``, ``MO`` and ``TW`` investors as
    foreign, also written ``CN-HK`` and so on).

    Examples
    --------
    >>> from jvmodel.model import Entity
    >>> is_foreign(Entity(id="x", jurisdiction="CN-HK"), "CN", ["HK", "CN-HK"])
    True
    >>> is_foreign(Entity(id="y", jurisdiction="CN-BJ"), "CN") , is_foreign(Entity(id="z"), "CN")
    (False, None)
    """
    if entity.jurisdiction is None:
        return None
    listed = set(foreign)
    if entity.jurisdiction in listed or entity.country in listed:
        return True
    return entity.country != host


def _check_policy(undisclosed: str) -> None:
    if undisclosed not in _POLICIES:
        raise UnsupportedAnalysisError(
            f"undisclosed={undisclosed!r} is not one of {', '.join(_POLICIES)}",
            reason="unknown undisclosed policy",
        )


def _apply_policy(
    plan: Upstream, status: Mapping[str, bool | None], undisclosed: UndisclosedPolicy
) -> tuple[Upstream, Fraction]:
    """Adjust the plan for the undisclosed policy; return it and φ_u.

    Ultimate owners of unknown jurisdiction count like undisclosed ownership.
    Under ``exclude`` they and the undisclosed parts are dropped and the stakes
    at each entity renormalised over what is known.
    """
    if undisclosed != "exclude":
        return plan, _ONE if undisclosed == "foreign" else _ZERO
    known: set[str] = {u for u in plan.ultimate if status[u] is not None}
    # An entity is known when some known owner reaches it; iterate to the fixed
    # point in component order (a component may need several passes).
    for component in plan.order:
        changed = True
        while changed:
            changed = False
            for node in component:
                if node not in known and any(o in known for o, _ in plan.holders[node]):
                    known.add(node)
                    changed = True
    if plan.target not in known:
        raise UnsupportedAnalysisError(
            f"nothing is known of who ultimately owns {plan.target!r} (every owner is "
            "undisclosed or has no jurisdiction), so under undisclosed='exclude' its "
            "foreign share is undefined; use undisclosed='foreign' or 'domestic'",
            reason="nothing known",
            entity=plan.target,
        )
    holders: dict[str, tuple[tuple[str, Fraction], ...]] = {}
    for node, found in plan.holders.items():
        kept = [(o, s) for o, s in found if o in known]
        total = sum((s for _, s in kept), _ZERO)
        holders[node] = tuple((o, s / total) for o, s in kept) if total else ()
    adjusted = attrs.evolve(
        plan,
        holders=holders,
        undisclosed=dict.fromkeys(plan.undisclosed, _ZERO),
        order=_component_order({n: h for n, h in holders.items() if n in known}),
    )
    return adjusted, _ZERO


def _ground(plan: Upstream, host: str, foreign: Iterable[str]) -> dict[str, bool | None]:
    listed = tuple(foreign)
    return {u: is_foreign(plan.entities[u], host, listed) for u in plan.ultimate}


def foreign_contributions(
    g: OwnershipGraph,
    target: str,
    *,
    host: str | None = None,
    method: str | Method = "proportional",
    measure: Measure = "equity",
    undisclosed: UndisclosedPolicy = "foreign",
    as_of: dt.date | None = None,
    foreign: Iterable[str] = (),
) -> dict[str, Fraction]:
    """The foreign share of ``target`` broken down by ultimate owner.

    Returns ``{foreign_ultimate_owner_id: Fraction}``, with the part counted
    foreign because it is undisclosed (or held by owners of unknown
    jurisdiction) under :data:`UNDISCLOSED`; the values add up exactly to
    :func:`foreign_share` (for linear methods).

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> {k: str(v) for k, v in foreign_contributions(g, "jv", host="CN").items()}
    {'bt': '1/2', 'calpers': '3/200'}
    """
    host_code = _host_country(host)
    _check_policy(undisclosed)
    rule = get_method(method)
    if not rule.linear:
        raise UnsupportedAnalysisError(
            f"method {rule.name!r} is not linear; per-owner contributions are defined "
            "for linear methods only",
            reason="non-linear method",
        )
    plan = upstream(g, target, measure=measure, as_of=as_of)
    status = _ground(plan, host_code, foreign)
    plan, phi_u = _apply_policy(plan, status, undisclosed)

    def ground(u: str) -> dict[str, Fraction]:
        verdict = status[u]
        if verdict is None:
            return {UNDISCLOSED: phi_u} if phi_u else {}
        return {u: _ONE} if verdict else {}

    values = propagate(plan, ground, {UNDISCLOSED: phi_u} if phi_u else {}, link=rule.link)
    return _largest_first(values[plan.target])


def foreign_share(
    g: OwnershipGraph,
    target: str,
    *,
    host: str | None = None,
    method: str | Method = "proportional",
    measure: Measure = "equity",
    undisclosed: UndisclosedPolicy = "foreign",
    as_of: dt.date | None = None,
    foreign: Iterable[str] = (),
) -> Fraction:
    """How much of ``target`` counts as foreign for ``host``, exactly.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    host : str
        The host country (ISO 3166-1 alpha-2).  An ultimate owner is foreign when
        the country part of its jurisdiction differs from ``host``.
    method : str or Method
        The attribution method (``"proportional"``: multiply along paths).
    measure : {"equity", "voting"}
    undisclosed : {"foreign", "domestic", "exclude"}
        How to count ownership no record accounts for (and ultimate owners with
        no jurisdiction): as foreign (conservative, the default), as domestic,
        or left out with the known stakes renormalised at each entity.
    as_of : datetime.date, optional
    foreign : iterable of str
        Jurisdictions that count as foreign although their country is the host
        (``["HK", "MO", "TW", "CN-HK", "CN-MO", "CN-TW"]`` under Chinese rules).

    Returns
    -------
    Fraction

    Examples
    --------
    The bundled demo: BT holds 50% of the JV through two wholly owned layers; the
    Chinese partner holds the other 50%, and 30% of the partner belongs to a fund
    with a 10% US limited partner: 1/2 + 1/2 × 3/10 × 1/10 = 103/200.

    >>> import jvmodel as jvm
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> jvm.foreign_share(g, "jv", host="CN")
    Fraction(103, 200)
    """
    host_code = _host_country(host)
    _check_policy(undisclosed)
    rule = get_method(method)
    plan = upstream(g, target, measure=measure, as_of=as_of)
    status = _ground(plan, host_code, foreign)
    plan, phi_u = _apply_policy(plan, status, undisclosed)
    if not rule.linear:
        raise UnsupportedAnalysisError(
            f"method {rule.name!r} is not supported by this engine yet", reason="method"
        )

    def ground(u: str) -> dict[str, Fraction]:
        verdict = status[u]
        phi = phi_u if verdict is None else (_ONE if verdict else _ZERO)
        return {"f": phi}

    values = propagate(plan, ground, {"f": phi_u}, link=rule.link)
    share = values[plan.target].get("f", _ZERO)
    return min(share, _ONE)
