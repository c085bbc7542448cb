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
from collections.abc import Callable, Collection, Iterable, Mapping
from fractions import Fraction
from typing import Literal, TypeAlias, TypeVar

import attrs

from jvmodel._numeric import Interval, Range
from jvmodel.analysis import control as _control
from jvmodel.analysis._order import components
from jvmodel.analysis.methods import Context, Holder, Link, Method, get_method
from jvmodel.errors import CircularOwnershipError, InvalidEntityError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph
from jvmodel.model import Entity, normalise_jurisdiction

__all__ = [
    "UNDISCLOSED",
    "Attribution",
    "Measure",
    "UndisclosedPolicy",
    "Upstream",
    "attribute",
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
    return _collect(g, target, measure=measure, as_of=as_of)


def _collect(
    g: OwnershipGraph,
    target: str,
    *,
    measure: Measure,
    as_of: dt.date | None,
    stop: Callable[[Entity], bool] | None = None,
    extra: Callable[[str], Iterable[str]] | None = None,
    looked_through: Collection[str] = (),
) -> Upstream:
    """The closure of :func:`upstream`, with three generalisations.

    ``stop(entity)`` true makes a non-target entity an ultimate owner whatever
    its holders (the incorporation rule; the ``direct`` method).  ``extra(id)``
    names further entities to visit above a non-stopped one (voting holders and
    controllers, for methods that test control).  An entity of
    ``looked_through`` whose recorded stakes are all 0 is looked through (wholly
    undisclosed) rather than an ultimate owner: a ranged stake chosen at its
    lower bound 0 leaves its entity owned by the rest, as at any bound above 0.
    """
    _check_measure(measure)
    g.entity(target)  # raises UnknownEntityError
    holders: dict[str, tuple[tuple[str, Fraction], ...]] = {}
    undisclosed: dict[str, Fraction] = {}
    ultimate: list[str] = []
    entities: dict[str, Entity] = {}
    seen = {target}
    queue = deque([target])

    def visit(owner: str) -> None:
        if owner not in seen:
            seen.add(owner)
            queue.append(owner)

    while queue:
        node = queue.popleft()
        entities[node] = g.entity(node)
        if node != target and stop is not None and stop(entities[node]):
            ultimate.append(node)
            continue
        if extra is not None:
            for owner in extra(node):
                visit(owner)
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
        if not found and node != target and node not in looked_through:
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
            visit(owner)
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
    return tuple(
        components({node: [owner for owner, _ in found] for node, found in holders.items()})
    )


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
        reweighted = False
        for node in component:
            for owner, stake in plan.holders[node]:
                if owner in inside:
                    weight = link(stake)
                    reweighted = reweighted or weight != stake
                    matrix[index[node]][index[owner]] -= weight
        # Stakes alone always give a convergent system (checked in upstream());
        # a link transform can make the path sums diverge, and the linear
        # system would then have a meaningless (possibly negative) solution.
        if reweighted and not _convergent(matrix):
            listed = ", ".join(repr(node) for node in component)
            raise UnsupportedAnalysisError(
                f"the link transform makes the path sums around {listed} unbounded (a cycle "
                "of links counted as 100%); per-owner figures are undefined there",
                reason="unbounded cycle",
                entities=component,
            )
        try:
            solved = _solve(matrix, outside)
        except StopIteration:
            listed = ", ".join(repr(node) for node in component)
            raise CircularOwnershipError(
                f"entities {listed} own each other entirely once the undisclosed and unknown "
                "owners are left out; their look-through has no ultimate owner",
                entities=component,
            ) from None
        values.update(zip(component, solved, strict=True))
    return values


def _gauss(
    matrix: list[list[Fraction]], columns: list[list[Fraction]]
) -> list[list[Fraction]] | None:
    """Solve ``matrix · x = c`` for each column ``c`` exactly; None when singular."""
    size = len(matrix)
    rows = [row[:] + [col[i] for col in columns] for i, row in enumerate(matrix)]
    for col in range(size):
        pivot = next((r for r in range(col, size) if rows[r][col]), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        factor = rows[col][col]
        rows[col] = [x / factor for x in rows[col]]
        for r in range(size):
            if r != col and rows[r][col]:
                m = rows[r][col]
                rows[r] = [a - m * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [[rows[i][size + k] for i in range(size)] for k in range(len(columns))]


def _convergent(matrix: list[list[Fraction]]) -> bool:
    """Whether ``matrix = I − Q`` (Q ≥ 0 irreducible) has spectral radius ρ(Q) < 1.

    ρ(Q) < 1 exactly when ``(I − Q) z = 1`` has a solution with every ``z > 0``:
    then ``Qz = z − 1 < z`` and ρ(Q) ≤ max (Qz)ᵢ/zᵢ < 1 (Collatz–Wielandt);
    conversely ``z = Σ Qᵏ 1 ≥ 1``.  At ρ = 1 the matrix is singular; above,
    some ``zᵢ`` is not positive.
    """
    solved = _gauss(matrix, [[_ONE] * len(matrix)])
    return solved is not None and all(z > 0 for z in solved[0])


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
) -> dict[str, Fraction] | dict[str, Interval]:
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
        When a stake in the closure is a range, ``{id: Interval}`` instead: each
        entry bounds that owner's share over every choice of stakes within
        the ranges (each bound on its own; entries that can only be zero are
        left out).  See :func:`jvmodel.analysis.intervals.ownership_ranged`.

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
    try:
        plan = upstream(g, target, measure=measure, as_of=as_of)
    except UnsupportedAnalysisError as error:
        if error.fields.get("reason") != "ranged stake":
            raise
        from jvmodel.analysis import intervals  # noqa: PLC0415

        return intervals.ownership_ranged(g, target, measure=measure, as_of=as_of)
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


def _stop_rule(
    rule: Method, host: str, foreign: tuple[str, ...], incorporation: bool
) -> Callable[[Entity], bool] | None:
    """Where the look-through stops short of the ultimate owners."""
    if not rule.looks_through:
        return lambda _entity: True
    if incorporation:
        return lambda entity: is_foreign(entity, host, foreign) is True
    return None


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
    incorporation: bool = False,
) -> dict[str, Fraction] | dict[str, Interval]:
    """The foreign share of ``target`` broken down by ultimate owner.

    Returns ``{foreign_ultimate_owner_id: Fraction}``, with the part counted
    foreign because it is undisclosed (or held by owners of unknown
    jurisdiction) under :data:`UNDISCLOSED`; the values add up exactly to
    :func:`foreign_share` (for linear methods; under the ``multiplier`` they
    add up to the aggregate before it is capped at 100%).  When a stake in the
    closure is a range, each contribution is an :class:`~jvmodel.Interval` of its
    own (see :func:`jvmodel.analysis.intervals.contributions_ranged`).  With
    ``incorporation=True`` or the ``direct`` method, an entity at which the
    look-through stops counts as an ultimate owner.

    Raises
    ------
    UnsupportedAnalysisError
        For a non-linear method (contributions are defined for linear methods
        only), or when a link transform makes a cycle's path sums unbounded.

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
    listed = tuple(foreign)
    try:
        plan = _collect(
            g,
            target,
            measure=measure,
            as_of=as_of,
            stop=_stop_rule(rule, host_code, listed, incorporation),
        )
    except UnsupportedAnalysisError as error:
        if error.fields.get("reason") != "ranged stake":
            raise
        from jvmodel.analysis import intervals  # noqa: PLC0415

        return intervals.contributions_ranged(
            g,
            target,
            host=host_code,
            rule=rule,
            measure=measure,
            undisclosed=undisclosed,
            as_of=as_of,
            foreign=listed,
            incorporation=incorporation,
        )
    status = _ground(plan, host_code, listed)
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
    incorporation: bool = False,
) -> Fraction | Interval:
    """How much of ``target`` counts as foreign for ``host``, exactly.

    Parameters
    ----------
    g : OwnershipGraph
    target : str
    host : str
        The host country (ISO 3166-1 alpha-2).  An ultimate owner is foreign when
        the country part of its jurisdiction differs from ``host``.
    method : str or Method
        The attribution method (``"proportional"``: multiply along paths; see
        :mod:`jvmodel.methods`).
    measure : {"equity", "voting"}
    undisclosed : {"foreign", "domestic", "exclude"}
        How to count ownership no record accounts for (and ultimate owners with
        no jurisdiction): as foreign (conservative, the default), as domestic,
        or left out with the known stakes renormalised at each entity.
    as_of : datetime.date, optional
    foreign : iterable of str
        Jurisdictions that count as foreign although their country is the host
        (``["HK", "MO", "TW", "CN-HK", "CN-MO", "CN-TW"]`` under Chinese rules).
    incorporation : bool
        Whether an entity organised outside the host counts wholly foreign
        whoever owns it, the look-through stopping there (an alien corporation
        under 47 U.S.C. 310(b), a non-resident entity in India).

    Returns
    -------
    Fraction or Interval
        In [0, 1].  For non-linear methods on cycles, the least fixed point
        (see :func:`attribute` for the ambiguity it may hide).  When a stake in
        the target's closure is a range, an :class:`~jvmodel.Interval` bounding
        the share over every choice of stakes within the ranges (see
        :doc:`/howto/ranges`).

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
    return attribute(
        g,
        target,
        host=host,
        method=method,
        measure=measure,
        undisclosed=undisclosed,
        as_of=as_of,
        foreign=foreign,
        incorporation=incorporation,
    ).share


# -- the engine ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Attribution:
    """The foreign measure of a target and of every entity above it, with reasons.

    Attributes
    ----------
    target : str
    method : Method
    measure : {"equity", "voting"}
    share : Fraction or Interval
        The figure reported for the target: its raw foreign share ``r``, in
        [0, 1] (the multiplier's aggregate capped at 100%).  An
        :class:`~jvmodel.Interval` when a stake in the closure is a range (then
        ``upper``, ``status`` and the ``values`` and ``raw`` of every entity
        that is not an ultimate owner are intervals too).  On cycles of a
        non-linear method, the least fixed point: statuses grounded in foreign
        ultimate owners, every member of the cycle starting domestic.
    upper : Fraction
        The same figure at the greatest fixed point (every member of a cycle
        starting foreign); equal to ``share`` unless the result is ambiguous.
    status : Fraction
        The status transform applied to the target, as if it were an
        intermediate (would it count foreign as a holder of something else?).
    values : Mapping[str, Fraction]
        φ of every entity of the closure (statuses; the target's own entry is
        its status too).  Capped at 100% under the multiplier.
    raw : Mapping[str, Fraction]
        The raw foreign share ``r`` of every entity of the closure.
    reasons : Mapping[str, str]
        Why each entity got its status (non-linear methods).
    ambiguous : tuple of str
        Entities whose status differs between the least and the greatest fixed
        point (the target when its figure does), sorted.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e, country in [("f", "GB"), ("h", "IN"), ("r", "IN"), ("t", "IN")]:
    ...     _ = g.add_entity(e, jurisdiction=country)
    >>> _ = g.add_holding("f", "h", "60%")
    >>> _ = g.add_holding("r", "h", "40%")
    >>> _ = g.add_holding("h", "t", "40%")
    >>> _ = g.add_holding("r", "t", "60%")
    >>> a = jvm.attribute(g, "t", host="IN", method=jvm.methods.Threshold())
    >>> a.share, a.values["h"], a.reasons["h"]
    (Fraction(2, 5), Fraction(1, 1), 'foreign share 60% ≥ 50%')
    """

    target: str
    method: Method
    measure: str
    share: Fraction | Interval
    upper: Fraction | Interval
    status: Fraction | Interval
    values: Mapping[str, Fraction | Interval]
    raw: Mapping[str, Fraction | Interval]
    reasons: Mapping[str, str] = attrs.field(factory=dict)
    ambiguous: tuple[str, ...] = ()

    @property
    def is_ambiguous(self) -> bool:
        """Whether some status depends on which fixed point is read."""
        return bool(self.ambiguous)


_UNBOUNDED = None  # a linear value whose path sums diverge (multiplier cycles)


def attribute(
    g: OwnershipGraph,
    target: str,
    *,
    host: str | None = None,
    method: str | Method = "proportional",
    measure: Measure = "equity",
    undisclosed: UndisclosedPolicy = "foreign",
    as_of: dt.date | None = None,
    foreign: Iterable[str] = (),
    incorporation: bool = False,
) -> Attribution:
    """Evaluate an attribution method over ``target``'s upstream closure.

    Takes the parameters of :func:`foreign_share` and returns the whole
    evaluation: the target's figure, every entity's status and raw share, the
    reasons, and the entities whose status is ambiguous.

    Notes
    -----
    Linear methods (``proportional``, ``multiplier``, ``direct``) are solved
    exactly, one strongly connected component at a time, as in
    :func:`effective_ownership`.  Under the multiplier a cycle can have
    unbounded path sums (a cycle of controlling links); whatever it feeds then
    counts 100%.

    Non-linear methods are evaluated owners first in topological order of the
    condensation.  On a cycle, the statuses are the least fixed point of the
    method's monotone transforms, found by iterating from every member
    domestic; the greatest fixed point is found by iterating from every member
    foreign.  Where they differ, the rule's recursive definition does not
    decide the status (a loop of companies each counted foreign only because the
    other is), and :attr:`Attribution.ambiguous` names the entities; ``share``
    is the least fixed point and ``upper`` the greatest.  Methods with
    ``grounded = True`` (``presence``) report no ambiguity.  Methods that test
    control also follow voting stakes and control links upward, so that the
    status of every controller is known.

    Raises
    ------
    UnknownEntityError, CircularOwnershipError, UnsupportedAnalysisError
    """
    host_code = _host_country(host)
    _check_policy(undisclosed)
    rule = get_method(method)
    listed = tuple(foreign)
    try:
        return _attribute_exact(
            g,
            target,
            host=host_code,
            rule=rule,
            measure=measure,
            undisclosed=undisclosed,
            as_of=as_of,
            foreign=listed,
            incorporation=incorporation,
        )
    except UnsupportedAnalysisError as error:
        if error.fields.get("reason") != "ranged stake":
            raise
    # Interval analysis builds on this module, so it is imported when needed.
    from jvmodel.analysis import intervals  # noqa: PLC0415

    return intervals.attribute_ranged(
        g,
        target,
        host=host_code,
        rule=rule,
        measure=measure,
        undisclosed=undisclosed,
        as_of=as_of,
        foreign=listed,
        incorporation=incorporation,
    )


def _attribute_exact(
    g: OwnershipGraph,
    target: str,
    *,
    host: str,
    rule: Method,
    measure: Measure,
    undisclosed: UndisclosedPolicy,
    as_of: dt.date | None,
    foreign: tuple[str, ...],
    incorporation: bool,
    looked_through: Collection[str] = (),
) -> Attribution:
    """:func:`attribute` on exact stakes (a ranged stake raises, reason "ranged stake").

    ``looked_through``: entities never taken as ultimate owners (see :func:`_collect`).
    """
    host_code, listed = host, foreign
    extra: Callable[[str], Iterable[str]] | None = None
    votes_in: dict[str, dict[str, Fraction]] = {}
    links_in: dict[str, dict[str, tuple[str, ...]]] = {}
    if not rule.linear:
        follow = rule.uses_control

        def extra(node: str) -> Iterable[str]:
            # Non-linear methods read voting stakes (control, largest holder);
            # those that test control also need every controller's status.
            votes_in[node] = _control.votes_of(g, node, as_of)
            links_in[node] = _control.links_of(g, node, as_of) if follow else {}
            return [*votes_in[node], *links_in[node]]

    plan = _collect(
        g,
        target,
        measure=measure,
        as_of=as_of,
        stop=_stop_rule(rule, host_code, listed, incorporation),
        extra=extra,
        looked_through=looked_through,
    )
    status = _ground(plan, host_code, listed)
    plan, phi_u = _apply_policy(plan, status, undisclosed)
    ground = {
        u: phi_u if status[u] is None else (_ONE if status[u] else _ZERO) for u in plan.ultimate
    }
    if rule.linear:
        return _attribute_linear(plan, rule, measure, ground, phi_u)
    for node in plan.entities:  # entities where the look-through stops
        votes_in.setdefault(node, {})
        links_in.setdefault(node, {})
    structure = _control.Structure(votes_in=votes_in, links_in=links_in)
    return _attribute_nonlinear(
        plan,
        rule=rule,
        measure=measure,
        ground=ground,
        phi_u=phi_u,
        host=host_code,
        structure=structure,
    )


def _attribute_linear(
    plan: Upstream,
    rule: Method,
    measure: str,
    ground: Mapping[str, Fraction],
    phi_u: Fraction,
) -> Attribution:
    values: dict[str, Fraction | None] = dict(ground)
    weights = {
        node: tuple((owner, rule.link(stake)) for owner, stake in found)
        for node, found in plan.holders.items()
    }
    order = components(
        {node: [owner for owner, weight in found if weight] for node, found in weights.items()}
    )
    for component in order:
        inside = set(component) if len(component) > 1 else set()
        outside: list[Fraction | None] = []
        for node in component:
            acc: Fraction | None = plan.undisclosed.get(node, _ZERO) * phi_u
            for owner, weight in weights[node]:
                if owner in inside or not weight:
                    continue
                value = values.get(owner, _ZERO)
                acc = _UNBOUNDED if acc is None or value is None else acc + weight * value
            outside.append(acc)
        if not inside:
            values[component[0]] = outside[0]
            continue
        if any(b is None for b in outside):
            values.update(dict.fromkeys(component, _UNBOUNDED))
            continue
        rhs = [b for b in outside if b is not None]
        if not any(rhs):
            values.update(dict.fromkeys(component, _ZERO))
            continue
        position = {node: i for i, node in enumerate(component)}
        size = len(component)
        matrix = [[_ONE if i == j else _ZERO for j in range(size)] for i in range(size)]
        for node in component:
            for owner, weight in weights[node]:
                if owner in inside:
                    matrix[position[node]][position[owner]] -= weight
        solved = _gauss(matrix, [[_ONE] * len(component), rhs])
        if solved is None or not all(z > 0 for z in solved[0]):
            # ρ(Q') ≥ 1 with a positive input: the least solution is unbounded
            # on the whole (irreducible) component.
            values.update(dict.fromkeys(component, _UNBOUNDED))
        else:
            values.update(zip(component, solved[1], strict=True))
    capped = {node: _ONE if v is None else min(v, _ONE) for node, v in values.items()}
    raw = {node: _ONE if v is None else v for node, v in values.items()}
    share = capped[plan.target]
    return Attribution(
        target=plan.target,
        method=rule,
        measure=measure,
        share=share,
        upper=share,
        status=share,
        values=capped,
        raw=raw,
    )


def _attribute_nonlinear(
    plan: Upstream,
    *,
    rule: Method,
    measure: str,
    ground: Mapping[str, Fraction],
    phi_u: Fraction,
    host: str,
    structure: _control.Structure,
) -> Attribution:
    target = plan.target
    nodes = [*plan.holders, *(u for u in plan.ultimate if u not in plan.holders)]
    closure = set(nodes)
    ultimate = set(plan.ultimate)
    votes = {node: structure.votes_in.get(node, {}) for node in nodes}
    hierarchy = _control.control_hierarchy(structure) if rule.uses_control else None
    # A context reads the values of the entity's holders on the measure and of
    # its voting holders, and, for control tests, of its controllers: the
    # nearest ones are enough, the others being above them.
    depends: dict[str, list[str]] = {}
    for node in nodes:
        depends[node] = [owner for owner, _ in plan.holders.get(node, ())]
        depends[node] += votes[node]
        if hierarchy is not None:
            depends[node] += hierarchy.nearest(node)
    order = components(depends)

    def context(
        node: str,
        values: Mapping[str, Fraction],
        raws: Mapping[str, Fraction],
        foreign_above: _ForeignControllers | None,
    ) -> Context:
        entity = plan.entities[node]
        holders: list[Holder] = []
        stakes = dict(plan.holders.get(node, ()))
        for owner in dict.fromkeys([*stakes, *votes[node]]):
            if owner not in closure:
                continue
            holders.append(
                Holder(
                    id=owner,
                    entity=plan.entities[owner],
                    stake=stakes.get(owner, _ZERO),
                    votes=votes[node].get(owner, _ZERO),
                    value=values[owner],
                    raw=raws[owner],
                    ultimate=owner in ultimate,
                )
            )
        if node in ultimate:
            raw = ground[node]
        else:
            raw = plan.undisclosed.get(node, _ZERO) * phi_u
            for holder in holders:
                if holder.stake:
                    link = Link(
                        holder=holder, owned=entity, stake=holder.stake, into_target=node == target
                    )
                    raw += rule.carry(link)
        foreign_controllers: tuple[str, ...] = ()
        controlled = False
        if foreign_above is not None:
            foreign_controllers = foreign_above(node)
            foreign_votes = sum((h.votes for h in holders if h.value == 1), _ZERO)
            controlled = bool(foreign_controllers) or foreign_votes > Fraction(1, 2)
        return Context(
            entity=entity,
            raw=raw,
            holders=tuple(holders),
            undisclosed=plan.undisclosed.get(node, _ZERO),
            undisclosed_value=phi_u,
            foreign_controlled=controlled,
            foreign_controllers=foreign_controllers,
            ultimate=node in ultimate,
            target=node == target,
            host=host,
        )

    def evaluate(
        start: Fraction,
    ) -> tuple[dict[str, Fraction], dict[str, Fraction], _ForeignControllers | None]:
        values: dict[str, Fraction] = {}
        raws: dict[str, Fraction] = {}
        above = None if hierarchy is None else _ForeignControllers(hierarchy, values)
        for component in order:
            if len(component) == 1:
                ctx = context(component[0], values, raws, above)
                values[component[0]] = rule.status(ctx)
                raws[component[0]] = ctx.raw
                if above is not None:
                    above.settled.add(component[0])
                continue
            for node in component:
                values[node] = start
                raws[node] = ground.get(node, start)
            limit = 2 * (len(component) + 1) ** 2 + 8
            for _ in range(limit):
                contexts = [context(node, values, raws, above) for node in component]
                fresh = [(rule.status(ctx), ctx.raw) for ctx in contexts]
                if all(
                    values[n] == v and raws[n] == r
                    for n, (v, r) in zip(component, fresh, strict=True)
                ):
                    break
                for node, (value, raw) in zip(component, fresh, strict=True):
                    values[node], raws[node] = value, raw
            else:
                listed = ", ".join(repr(n) for n in component)
                raise UnsupportedAnalysisError(
                    f"method {rule.name!r} reaches no fixed point on the cycle {listed} "
                    f"within {limit} rounds; a method used on cross-holdings must be "
                    "monotone and take finitely many values",
                    reason="no fixed point",
                    entities=tuple(component),
                )
            if above is not None:
                above.settled.update(component)
        return values, raws, above

    low_values, low_raws, low_above = evaluate(_ZERO)
    if rule.grounded:
        high_values, high_raws = low_values, low_raws
    else:
        high_values, high_raws, _ = evaluate(_ONE)
    ambiguous = sorted(n for n in nodes if n != target and low_values[n] != high_values[n])
    if low_raws[target] != high_raws[target]:
        ambiguous = sorted([*ambiguous, target])
    reasons: dict[str, str] = {}
    for node in nodes:
        ctx = context(node, low_values, low_raws, low_above)
        reasons[node] = rule.reason(ctx, low_values[node])
    return Attribution(
        target=target,
        method=rule,
        measure=measure,
        share=min(low_raws[target], _ONE),
        upper=min(high_raws[target], _ONE),
        status=low_values[target],
        values=low_values,
        raw=low_raws,
        reasons=reasons,
        ambiguous=tuple(ambiguous),
    )


class _ForeignControllers:
    """The nearest controllers of wholly foreign status of each entity, as values settle.

    Reads ``values`` as the evaluation fills it in; ``settled`` holds the
    entities whose value is final, so that what a class of controllers passes
    down is computed once (a chain of controllers then costs one step per entity).
    """

    def __init__(self, hierarchy: _control.ControlHierarchy, values: Mapping[str, Fraction]):
        self.hierarchy = hierarchy
        self.values = values
        self.settled: set[str] = set()
        self.cache: dict[int, tuple[str, ...]] = {}

    def __call__(self, node: str) -> tuple[str, ...]:
        return self.hierarchy.nearest_where(
            node, self._foreign, self.cache, self.settled.__contains__
        )

    def _foreign(self, node: str) -> bool:
        return self.values.get(node) == 1
