"""Interval analysis: exact bounds on a figure when some stakes are only known as ranges.

Registers often report bands ("more than 25% to 50%") instead of stakes.  Every
figure then becomes an :class:`~jvmodel.Interval` of the values it can take over
all choices of the stakes within their ranges (and of the undisclosed remainder
they leave).

At each entity the foreign measure is ``r = Σ_h w_h·φ(h) + (1 − Σ_h w_h)·φ_u``:
linear in the stakes, so its extremes over the box of ranges (cut by
``Σ w ≤ 1``) are found by a fractional knapsack: start every stake at its lower
bound, then spend the room left on the holders whose value differs most from
the undisclosed value, in order.  Because the measure is monotone in each
holder's value, choosing the extreme at every entity in topological order gives
bounds that are attained by one consistent choice on acyclic structures (tight).
On cross-holdings, the extreme choice is found by policy iteration: solve the
component's linear system exactly for the current choice, re-choose each
member's stakes by the knapsack against those values, and stop when the choice
no longer changes (each round strictly improves, and there are finitely many
knapsack vertices, so it ends); the bounds are exact there too.

Whether an end of the interval is attained is tracked: an end reached only by
setting a stake to an open bound of its range (or through a holder whose own
extreme is not attained) is open.  Where that bookkeeping cannot decide
(capacity-bound choices, cross-holdings), the end is reported closed, which is
always sound: the interval then contains every value that can occur.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from jvmodel._numeric import Interval, Range
from jvmodel.analysis.lookthrough import (
    UNDISCLOSED,
    Attribution,
    Measure,
    UndisclosedPolicy,
    _attribute_exact,
    _component_order,
    _convergent,
    _solve,
    _stop_rule,
    is_foreign,
)
from jvmodel.analysis.methods import Method, Multiplier, Presence, Threshold
from jvmodel.errors import CircularOwnershipError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph
from jvmodel.model import Entity, Holding

__all__ = [
    "RangedUpstream",
    "attribute_ranged",
    "bounds",
    "contributions_ranged",
    "ownership_ranged",
    "ranged_upstream",
]

_ZERO = Fraction(0)
_ONE = Fraction(1)


@attrs.frozen
class _Stake:
    """A holder's stake at one entity, as bounds (an exact stake has lo == hi)."""

    owner: str
    lo: Fraction
    hi: Fraction
    lo_closed: bool = True
    hi_closed: bool = True

    @property
    def exact(self) -> bool:
        return self.lo == self.hi


@attrs.frozen
class RangedUpstream:
    """The upstream closure of ``target`` with stakes as bounds (see :func:`ranged_upstream`)."""

    target: str
    holders: dict[str, tuple[_Stake, ...]]
    scale: dict[str, Fraction]  # 1 / (1 − treasury) per owned entity
    room: dict[str, Fraction]  # 1 − treasury − Σ lower bounds: what the choices can spend
    ultimate: tuple[str, ...]
    order: tuple[tuple[str, ...], ...]
    entities: dict[str, Entity]

    @property
    def has_ranges(self) -> bool:
        """Whether any stake in the closure is a range."""
        return any(not s.exact for found in self.holders.values() for s in found)


def ranged_upstream(
    g: OwnershipGraph,
    target: str,
    *,
    measure: str = "equity",
    as_of: dt.date | None = None,
    stop: Callable[[Entity], bool] | None = None,
) -> RangedUpstream:
    """Collect the upstream closure of ``target``, keeping ranged stakes as bounds.

    ``stop(entity)`` true makes a non-target entity an ultimate owner whatever
    its holders (as in :func:`jvmodel.analysis.lookthrough.upstream`).
    """
    # The walk repeats lookthrough._collect's; merging them would make the exact
    # engine carry bounds everywhere, so the two are kept side by side.
    g.entity(target)
    holders: dict[str, tuple[_Stake, ...]] = {}
    scale: dict[str, Fraction] = {}
    room: dict[str, Fraction] = {}
    ultimate: list[str] = []
    entities: dict[str, Entity] = {}
    seen = {target}
    queue = deque([target])
    while queue:
        node = queue.popleft()
        entities[node] = g.entity(node)
        if node != target and stop is not None and stop(entities[node]):
            ultimate.append(node)
            continue
        treasury = _ZERO
        found: list[_Stake] = []
        for holding in g.holdings_of(node, as_of=as_of):
            stake = holding.stake(measure)
            if holding.is_treasury:
                if isinstance(stake, Range):
                    raise UnsupportedAnalysisError(
                        f"the treasury stake of {node!r} is a range ({stake!r}); interval "
                        "analysis needs treasury shares as an exact figure",
                        reason="ranged treasury",
                        entity=node,
                    )
                treasury += stake
            elif isinstance(stake, Range):
                if stake.max:
                    found.append(
                        _Stake(
                            holding.owner, stake.min, stake.max, stake.min_closed, stake.max_closed
                        )
                    )
            elif stake:
                found.append(_Stake(holding.owner, stake, stake))
        if not found and node != target:
            ultimate.append(node)
            continue
        if treasury == 1:
            raise CircularOwnershipError(
                f"{node!r} holds all of its own shares, so it has no owner to look through to",
                entities=(node,),
            )
        holders[node] = tuple(found)
        scale[node] = 1 / (1 - treasury)
        room[node] = 1 - treasury - sum((s.lo for s in found), _ZERO)
        for bound in found:
            if bound.owner not in seen:
                seen.add(bound.owner)
                queue.append(bound.owner)
    return RangedUpstream(
        target=target,
        holders=holders,
        scale=scale,
        room=room,
        ultimate=tuple(ultimate),
        order=_component_order({n: [(s.owner, s.lo) for s in f] for n, f in holders.items()}),
        entities=entities,
    )


def _identity(stake: Fraction) -> Fraction:
    return stake


_STEP = Fraction(1, 2)  # where the multiplier's link transform jumps


def _knapsack(
    stakes: tuple[_Stake, ...], gain_of: Callable[[_Stake], Fraction], room: Fraction
) -> tuple[dict[str, Fraction], bool]:
    """Start every stake at its lower bound and spend ``room`` on the largest gains.

    Returns the weights and whether the extreme is attained as far as the
    endpoints decide it.
    """
    weights = {s.owner: s.lo for s in stakes}
    gains = sorted(
        ((gain_of(s), s) for s in stakes if not s.exact),
        key=lambda pair: (-pair[0], pair[1].owner),
    )
    attained = True
    left = room
    capacity_bound = False
    for gain, stake in gains:
        width = stake.hi - stake.lo
        if gain > 0 and left > 0:
            step = min(width, left)
            weights[stake.owner] += step
            left -= step
            if step == width:
                attained &= stake.hi_closed
            else:
                capacity_bound = True
        elif gain > 0:
            capacity_bound = True
        elif gain < 0:
            attained &= stake.lo_closed
    if capacity_bound:
        attained = True  # cannot decide cheaply: closed is the sound answer
    return weights, attained


def _choose(
    stakes: tuple[_Stake, ...], value: Callable[[str], Fraction], unknown: Fraction, room: Fraction,
    *, maximise: bool, link: Callable[[Fraction], Fraction] = _identity,
) -> tuple[dict[str, Fraction], dict[str, Fraction], bool]:  # fmt: skip
    """The choice of stakes extremising ``Σ link(w)·value + (1 − Σ w)·unknown``.

    Returns the stakes, the weight each carries (``link(w)``, or its limit
    when a stake sits at the open lower end of the piece above the step), and
    whether the extreme is attained as far as the endpoints decide it.

    With the identity link this is a fractional knapsack.  Any other link must
    be affine on each side of 1/2 (the multiplier's step): each range that
    straddles the step is split into its two pieces, and each assignment of
    pieces is solved as a knapsack (at most one stake can be above 1/2, so
    there is one assignment per such range, plus the one with all below).
    """
    sign = 1 if maximise else -1
    if link is _identity:
        weights, attained = _knapsack(stakes, lambda s: sign * (value(s.owner) - unknown), room)
        return weights, weights, attained
    fixed: list[tuple[_Stake, bool]] = []  # (piece, above the step)
    split: list[tuple[_Stake, _Stake]] = []  # ranges across the step: (below, above)
    for s in stakes:
        if s.exact:
            fixed.append((s, link(s.lo) != s.lo))
        elif s.hi <= _STEP:
            fixed.append((s, False))
        elif s.lo > _STEP or (s.lo == _STEP and not s.lo_closed):
            fixed.append((s, True))
        else:  # lo ≤ 1/2 < hi
            below = _Stake(s.owner, s.lo, _STEP, s.lo_closed, True)
            split.append((below, _Stake(s.owner, _STEP, s.hi, False, s.hi_closed)))
    # Two stakes above 1/2 would exceed 100%: at most one range goes above.
    assignments = [[*fixed, *((low, False) for low, _ in split)]]
    for i, (_, high) in enumerate(split):
        assignments.append(
            [*fixed, *((low, False) for j, (low, _) in enumerate(split) if j != i), (high, True)]
        )
    base = sum((s.lo for s in stakes), _ZERO)
    best: tuple[Fraction, dict[str, Fraction], dict[str, Fraction], bool] | None = None
    for assignment in assignments:
        pieces = tuple(piece for piece, _ in assignment)
        spare = room - (sum((p.lo for p in pieces), _ZERO) - base)
        if spare < 0:
            continue
        above = {piece.owner for piece, high in assignment if high}

        def gain(piece: _Stake, above: set[str] = above) -> Fraction:
            # Above the step a stake carries its holder's whole value whatever
            # its size, so more of it only displaces the undisclosed part.
            slope = -unknown if piece.owner in above else value(piece.owner) - unknown
            return sign * slope

        weights, attained = _knapsack(pieces, gain, spare)
        carried = {o: _ONE if o in above else w for o, w in weights.items()}
        total = sum((c * value(o) for o, c in carried.items()), _ZERO) - (
            sum(weights.values(), _ZERO) * unknown
        )
        if (
            best is None
            or sign * total > sign * best[0]
            or (total == best[0] and attained and not best[3])
        ):
            best = (total, weights, carried, attained)
    assert best is not None  # the all-low-pieces assignment is always feasible
    return best[1], best[2], best[3]


@attrs.frozen
class _Bound:
    value: Fraction
    attained: bool = True


def bounds(
    plan: RangedUpstream,
    ground: Mapping[str, Fraction],
    unknown: Fraction,
    *,
    link: Callable[[Fraction], Fraction] = _identity,
) -> dict[str, Interval]:
    """Bounds of a linear measure at every entity of the closure.

    ``ground`` gives the exact value of each ultimate owner and ``unknown`` the
    value of undisclosed ownership (both in [0, 1]).  ``link`` is the identity,
    or a link transform that is affine on each side of 1/2 (the multiplier's
    step); a ranged stake inside a cross-holding needs the identity.
    """
    lower = _extreme(plan, ground, unknown, maximise=False, link=link)
    upper = _extreme(plan, ground, unknown, maximise=True, link=link)
    return {
        node: Interval(
            lower=lower[node].value,
            upper=upper[node].value,
            lower_closed=lower[node].attained,
            upper_closed=upper[node].attained,
        )
        for node in lower
    }


def _extreme(
    plan: RangedUpstream,
    ground: Mapping[str, Fraction],
    unknown: Fraction,
    *,
    maximise: bool,
    link: Callable[[Fraction], Fraction],
) -> dict[str, _Bound]:
    best: dict[str, _Bound] = {u: _Bound(ground[u]) for u in plan.ultimate}

    def evaluate(
        node: str,
        weights: Mapping[str, Fraction],
        carried: Mapping[str, Fraction],
        values: Mapping[str, Fraction],
    ) -> Fraction:
        recorded = sum(weights.values(), _ZERO)
        total = sum((carried[o] * values[o] for o in weights), _ZERO)
        undisclosed = 1 / plan.scale[node] - recorded
        return (total + undisclosed * unknown) * plan.scale[node]

    for component in plan.order:
        if len(component) == 1 and all(s.owner != component[0] for s in plan.holders[component[0]]):
            node = component[0]
            values = {s.owner: best[s.owner].value for s in plan.holders[node]}
            weights, carried, attained = _choose(
                plan.holders[node],
                values.__getitem__,
                unknown,
                plan.room[node],
                maximise=maximise,
                link=link,
            )
            attained &= all(best[o].attained for o, w in weights.items() if w)
            best[node] = _Bound(evaluate(node, weights, carried, values), attained)
            continue
        _policy_iteration(plan, component, best, unknown, maximise=maximise, link=link)
    return best


def _policy_iteration(
    plan: RangedUpstream,
    component: tuple[str, ...],
    best: dict[str, _Bound],
    unknown: Fraction,
    *,
    maximise: bool,
    link: Callable[[Fraction], Fraction],
) -> None:
    inside = set(component)
    if link is not _identity and any(not s.exact for n in component for s in plan.holders[n]):
        listed = ", ".join(repr(node) for node in component)
        raise UnsupportedAnalysisError(
            f"a ranged stake in the cross-holding {listed} under a link transform other "
            "than the identity (the multiplier): interval bounds are computed there for "
            "proportional methods only; record the stakes in the cycle exactly",
            reason="ranged stake in a cycle",
            entities=component,
        )
    index = {node: i for i, node in enumerate(component)}
    guess: dict[str, Fraction] = dict.fromkeys(component, _ONE if maximise else _ZERO)
    choice: dict[str, dict[str, Fraction]] | None = None
    for _ in range(10_000):
        values = {**{o: b.value for o, b in best.items()}, **guess}
        new_choice = {
            node: _choose(
                plan.holders[node], values.__getitem__, unknown, plan.room[node], maximise=maximise
            )[0]
            for node in component
        }
        if new_choice == choice:
            break
        choice = new_choice
        matrix = [
            [_ONE if i == j else _ZERO for j in range(len(component))]
            for i in range(len(component))
        ]
        rhs: list[dict[str, Fraction]] = []
        for node in component:
            s = plan.scale[node]
            constant = (1 / s - sum(choice[node].values(), _ZERO)) * unknown * s
            for owner, w in choice[node].items():
                if owner in inside:
                    matrix[index[node]][index[owner]] -= link(w) * s
                else:
                    constant += link(w) * s * best[owner].value
            rhs.append({"v": constant})
        if link is not _identity and not _convergent(matrix):
            listed = ", ".join(repr(node) for node in component)
            raise UnsupportedAnalysisError(
                f"the link transform makes the path sums around {listed} unbounded (a cycle "
                "of links counted as 100%); interval bounds are not computed there",
                reason="unbounded cycle",
                entities=component,
            )
        try:
            solved = _solve(matrix, rhs)
        except StopIteration:  # a singular system: this choice closes the loop
            listed = ", ".join(repr(node) for node in component)
            raise CircularOwnershipError(
                f"within their ranges, the stakes of {listed} can make them own each other "
                "entirely, with no outside owner; narrow the ranges or record the outside part",
                entities=component,
            ) from None
        guess = {
            node: vector.get("v", _ZERO) for node, vector in zip(component, solved, strict=True)
        }
    else:  # pragma: no cover - policy iteration is finite; this guards against bugs only
        raise UnsupportedAnalysisError(
            f"interval bounds on the cross-holding {component} did not settle",
            reason="no convergence",
        )
    for node in component:
        best[node] = _Bound(guess[node], True)


def _capped(interval: Interval) -> Interval:
    """The interval of ``min(x, 1)`` (the multiplier's aggregate is capped at 100%)."""
    if interval.upper <= 1:
        return interval
    if interval.lower >= 1:
        return Interval(lower=_ONE, upper=_ONE)
    return Interval(
        lower=interval.lower, upper=_ONE, lower_closed=interval.lower_closed, upper_closed=True
    )


def ownership_ranged(
    g: OwnershipGraph, target: str, *, measure: Measure = "equity", as_of: dt.date | None = None
) -> dict[str, Interval]:
    """Bounds on each ultimate owner's share of ``target`` when stakes are ranges.

    Each owner's interval is exact on acyclic structures (attained, or
    approached at an open end, by some choice of stakes), but the bounds of
    different owners are generally reached by different choices: the lower
    bounds need not add up to 1.  :data:`~jvmodel.UNDISCLOSED` bounds the part
    no record accounts for.  Owners whose share can only be zero are left out;
    largest upper bound first.

    Examples
    --------
    F holds "more than 25% to 50%" of T and D holds 40%: F's share is the band
    itself, and the undisclosed part is whatever is left, [10%, 35%).

    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e in ("f", "d", "t"):
    ...     _ = g.add_entity(e, jurisdiction="GB")
    >>> _ = g.add_holding("f", "t", jvm.Range("25%", "50%", closed="right"))
    >>> _ = g.add_holding("d", "t", "40%")
    >>> shares = jvm.effective_ownership(g, "t")
    >>> shares["f"]
    Interval(lower=Fraction(1, 4), upper=Fraction(1, 2), lower_closed=False, upper_closed=True)
    >>> shares[jvm.UNDISCLOSED]
    Interval(lower=Fraction(1, 10), upper=Fraction(7, 20), lower_closed=True, upper_closed=False)
    """
    plan = ranged_upstream(g, target, measure=measure, as_of=as_of)
    found: dict[str, Interval] = {}
    for owner in (*plan.ultimate, UNDISCLOSED):
        ground = {u: _ONE if u == owner else _ZERO for u in plan.ultimate}
        figure = bounds(plan, ground, _ONE if owner == UNDISCLOSED else _ZERO)[target]
        if figure.upper:
            found[owner] = figure
    return dict(sorted(found.items(), key=lambda kv: (-kv[1].upper, -kv[1].lower, kv[0])))


def contributions_ranged(
    g: OwnershipGraph,
    target: str,
    *,
    host: str,
    rule: Method,
    measure: Measure = "equity",
    undisclosed: UndisclosedPolicy = "foreign",
    as_of: dt.date | None = None,
    foreign: tuple[str, ...] = (),
    incorporation: bool = False,
) -> dict[str, Interval]:
    """:func:`jvmodel.foreign_contributions` when stakes are ranges.

    Each foreign ultimate owner's contribution, and the part counted foreign
    because it is undisclosed (under :data:`~jvmodel.UNDISCLOSED`), bounded on
    its own as in :func:`ownership_ranged` (linear methods only; the bounds of
    different owners are reached by different choices).  Entries that can
    only be zero are left out; largest upper bound first.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e, country in [("us", "US"), ("cn", "CN"), ("jv", "CN")]:
    ...     _ = g.add_entity(e, jurisdiction=country)
    >>> _ = g.add_holding("us", "jv", jvm.Range("25%", "50%", closed="right"))
    >>> _ = g.add_holding("cn", "jv", "25%")
    >>> parts = jvm.foreign_contributions(g, "jv", host="CN")
    >>> parts["us"].lower, parts[jvm.UNDISCLOSED].upper
    (Fraction(1, 4), Fraction(1, 2))
    """
    if undisclosed == "exclude":
        raise UnsupportedAnalysisError(
            f"the closure of {target!r} holds ranged stakes, and undisclosed='exclude' "
            "is not supported with ranges; use undisclosed='foreign' or 'domestic'",
            reason="ranged exclude",
            entity=target,
        )
    phi_u = _ONE if undisclosed == "foreign" else _ZERO
    plan = ranged_upstream(
        g, target, measure=measure, as_of=as_of, stop=_stop_rule(rule, host, foreign, incorporation)
    )
    link = _linear_link(plan, rule)
    verdicts = {u: is_foreign(plan.entities[u], host, foreign) for u in plan.ultimate}
    found: dict[str, Interval] = {}
    for owner in (*(u for u in plan.ultimate if verdicts[u]), UNDISCLOSED):
        if owner == UNDISCLOSED:
            ground = {u: phi_u if verdicts[u] is None else _ZERO for u in plan.ultimate}
            unknown = phi_u
        else:
            ground = {u: _ONE if u == owner else _ZERO for u in plan.ultimate}
            unknown = _ZERO
        figure = bounds(plan, ground, unknown, link=link)[target]
        if figure.upper:
            found[owner] = figure
    return dict(sorted(found.items(), key=lambda kv: (-kv[1].upper, -kv[1].lower, kv[0])))


def _linear_link(plan: RangedUpstream, rule: Method) -> Callable[[Fraction], Fraction]:
    if not rule.linear:
        raise UnsupportedAnalysisError(
            f"method {rule.name!r} is not linear; per-owner contributions are defined "
            "for linear methods only",
            reason="non-linear method",
        )
    if isinstance(rule, Multiplier):
        return rule.link
    if type(rule).link is Method.link:
        return _identity
    raise UnsupportedAnalysisError(
        f"method {rule.name!r} has its own link transform; interval bounds with ranged "
        "stakes are computed for the identity and the multiplier's step only",
        reason="ranged stake under a custom link",
        entity=plan.target,
    )


def attribute_ranged(
    g: OwnershipGraph,
    target: str,
    *,
    host: str,
    rule: Method,
    measure: Measure = "equity",
    undisclosed: UndisclosedPolicy = "foreign",
    as_of: dt.date | None = None,
    foreign: tuple[str, ...] = (),
    incorporation: bool = False,
) -> Attribution:
    """:func:`jvmodel.attribute` when stakes are ranges: every figure an interval.

    :func:`jvmodel.attribute` (and :func:`jvmodel.foreign_share`, and
    :func:`jvmodel.check`) call this when the closure holds a ranged stake;
    ``host`` is a country code and ``rule`` a method object here.

    Notes
    -----
    *Linear methods* (``proportional``, ``direct``, ``multiplier``): the exact
    extremes of the foreign measure over the box of ranges (cut by Σ ≤ 100% at
    each entity), by :func:`bounds`.  Under the multiplier, a range that
    straddles 50% is split at the step into its two pieces and each is solved
    as a knapsack, so the bounds stay exact; a ranged stake inside a
    cross-holding is refused under the multiplier.  Bounds are tight on
    acyclic structures and exact on cross-holdings under ``proportional``; open
    ends are kept where the endpoints decide them, and otherwise reported
    closed (sound: the interval then contains every value that occurs).

    *Non-linear methods* (``presence``, ``threshold``): at each entity, owners
    first, the stakes are chosen within the ranges to make the entity's raw
    share least (or greatest) given its holders' least (greatest) statuses --
    the same knapsack -- and the monotone status transform applied to the
    result.  Every ranged stake belongs to one entity, so these choices form
    one consistent structure, which the exact engine then evaluates; the
    choices are repeated until they no longer change (at most one round per
    layer).  On acyclic structures this gives the least and greatest figure
    over the closed ranges: sound always, and attained except where a status
    flips exactly at an open end of a range (a step the band approaches but
    never reaches), where the bound is then looser than the figures that occur.
    Ends are reported closed, except when the only ranged stakes are the
    target's own (its statuses above are then exact, and open ends are kept).
    Voting stakes move with the equity stake when they are the same range
    (the default); foreign holders take the room a zero-gain choice leaves,
    so that foreign control is at its greatest in the upper bound.

    Raises
    ------
    UnsupportedAnalysisError
        ``undisclosed="exclude"`` (renormalising over the known part makes each
        figure a ratio of ranged sums, which this does not optimise); a ranged
        stake inside a cross-holding under a non-linear method or the
        multiplier; a non-linear method other than ``presence`` and
        ``threshold`` (``largest-holder`` compares ranked votes, which is not
        monotone in the stakes); the mirror rule with a range that reaches
        100%; a link transform other than the identity and the multiplier's; a
        cross-holding whose path sums the multiplier makes unbounded (the exact
        engine counts those 100%).

    Examples
    --------
    A UK PSC band "more than 25% to 50%" held by a US company, 50% by a domestic
    one, and the rest undisclosed: counted domestic, the foreign share is the
    band itself; counted foreign, the undisclosed part takes whatever the band
    leaves, and the share is 50% for every choice.

    >>> import jvmodel as jvm
    >>> g = jvm.OwnershipGraph()
    >>> for e, country in [("us", "US"), ("uk", "GB"), ("t", "GB")]:
    ...     _ = g.add_entity(e, jurisdiction=country)
    >>> _ = g.add_holding("us", "t", jvm.Range("25%", "50%", closed="right"))
    >>> _ = g.add_holding("uk", "t", "50%")
    >>> jvm.attribute(g, "t", host="GB", undisclosed="domestic").share
    Interval(lower=Fraction(1, 4), upper=Fraction(1, 2), lower_closed=False, upper_closed=True)
    >>> jvm.attribute(g, "t", host="GB").share
    Interval(lower=Fraction(1, 2), upper=Fraction(1, 2), lower_closed=True, upper_closed=True)
    """
    if undisclosed == "exclude":
        raise UnsupportedAnalysisError(
            f"the closure of {target!r} holds ranged stakes, and undisclosed='exclude' "
            "renormalises over the known part (a ratio of ranged sums) which interval "
            "analysis does not bound; use undisclosed='foreign' or 'domestic'",
            reason="ranged exclude",
            entity=target,
        )
    phi_u = _ONE if undisclosed == "foreign" else _ZERO
    plan = ranged_upstream(
        g, target, measure=measure, as_of=as_of, stop=_stop_rule(rule, host, foreign, incorporation)
    )
    ground: dict[str, Fraction] = {}
    for u in plan.ultimate:
        verdict = is_foreign(plan.entities[u], host, foreign)
        ground[u] = phi_u if verdict is None else Fraction(int(verdict))
    if rule.linear:
        return _linear_ranged(plan, rule, measure, ground, phi_u)
    return _nonlinear_ranged(
        g,
        plan,
        rule=rule,
        measure=measure,
        undisclosed=undisclosed,
        as_of=as_of,
        host=host,
        foreign=foreign,
        incorporation=incorporation,
        phi_u=phi_u,
    )


def _linear_ranged(
    plan: RangedUpstream,
    rule: Method,
    measure: str,
    ground: Mapping[str, Fraction],
    phi_u: Fraction,
) -> Attribution:
    link = _linear_link(plan, rule)
    found = bounds(plan, ground, phi_u, link=link)
    capped = {node: _capped(figure) for node, figure in found.items()}
    share = capped[plan.target]
    values: dict[str, Fraction | Interval] = {**ground, **capped}
    raw: dict[str, Fraction | Interval] = {**ground, **found}
    return Attribution(
        target=plan.target,
        method=rule,
        measure=measure,
        share=share,
        upper=share,
        status=share,
        values=values,
        raw=raw,
    )


def _nonlinear_ranged(
    g: OwnershipGraph,
    plan: RangedUpstream,
    *,
    rule: Method,
    measure: Measure,
    undisclosed: UndisclosedPolicy,
    as_of: dt.date | None,
    host: str,
    foreign: tuple[str, ...],
    incorporation: bool,
    phi_u: Fraction,
) -> Attribution:
    target = plan.target
    if not isinstance(rule, Presence | Threshold):
        raise UnsupportedAnalysisError(
            f"method {rule.name!r} with ranged stakes: interval bounds are computed for the "
            "linear methods, 'presence' and 'threshold' only (the largest holder changes "
            f"with the stakes in a way that is not monotone); record the stakes in {target!r}'s "
            "closure exactly",
            reason="ranged stake under a non-monotone method",
            entity=target,
        )
    ranged = {
        node: found for node, found in plan.holders.items() if any(not s.exact for s in found)
    }
    for component in plan.order:
        cyclic = len(component) > 1 or any(
            s.owner == component[0] for s in plan.holders[component[0]]
        )
        if cyclic and any(node in ranged for node in component):
            listed = ", ".join(repr(node) for node in component)
            raise UnsupportedAnalysisError(
                f"a ranged stake in the cross-holding {listed} under method {rule.name!r}: "
                "interval bounds of non-linear methods are computed on acyclic parts only; "
                "record the stakes in the cycle exactly",
                reason="ranged stake in a cycle",
                entities=component,
            )
    if isinstance(rule, Threshold) and rule.mirror:
        for node, found in ranged.items():
            for s in found:
                if not s.exact and s.hi == 1:
                    raise UnsupportedAnalysisError(
                        f"the stake of {s.owner!r} in {node!r} is a range reaching 100%, and "
                        "the wholly-owned-subsidiary rule passes on a different figure at "
                        "exactly 100%; record the stake exactly or narrow the range",
                        reason="ranged stake under the mirror rule",
                        entity=node,
                    )

    options: dict[str, Any] = {
        "host": host,
        "rule": rule,
        "measure": measure,
        "undisclosed": undisclosed,
        "as_of": as_of,
        "foreign": foreign,
        "incorporation": incorporation,
        # An entity whose ranged stakes are chosen at 0 stays looked through, as
        # the bounds are computed for (see lookthrough._collect).
        "looked_through": frozenset(ranged),
    }
    owners = {s.owner for found in ranged.values() for s in found}
    base = _without_empty_bands(g, as_of)

    def evaluate(
        choice: Mapping[str, Mapping[str, Fraction]],
    ) -> tuple[Attribution, dict[str, Fraction]]:
        """The attribution under ``choice``, and the statuses the knapsacks read."""
        scenario = _scenario(base, choice, measure=measure, as_of=as_of)
        result = _attribute_exact(scenario, target, **options)
        values = {k: v for k, v in result.values.items() if isinstance(v, Fraction)}
        # A stake chosen at 0 is no holding: its owner drops out of the closure,
        # but the knapsack still needs its status to weigh a larger stake.
        values.update(_statuses(scenario, owners - values.keys(), options))
        if result.is_ambiguous:
            raise UnsupportedAnalysisError(
                f"with the stakes chosen within their ranges, the status of "
                f"{', '.join(map(repr, result.ambiguous))} is ambiguous (a cross-holding); "
                "interval bounds are not computed there",
                reason="ranged stake with ambiguous statuses",
                entities=result.ambiguous,
            )
        return result, values

    def extreme(maximise: bool) -> tuple[Attribution, dict[str, Fraction]]:
        choice = {node: {s.owner: s.lo for s in found} for node, found in ranged.items()}
        for _ in range(len(plan.holders) + 2):
            result, values = evaluate(choice)
            fresh = {
                node: _choose_status(found, values, phi_u, plan.room[node], maximise=maximise)
                for node, found in ranged.items()
            }
            if fresh == choice:
                return result, values
            choice = fresh
        raise UnsupportedAnalysisError(  # pragma: no cover - acyclic choices settle by layer
            f"interval bounds for {target!r} under {rule.name!r} did not settle",
            reason="no convergence",
        )

    (low, values), (high, _) = extreme(False), extreme(True)
    lower_closed = upper_closed = True
    if set(ranged) == {target}:
        # Only the target's own stakes are ranged: its holders' statuses are
        # exact, and its figure is linear in the stakes, so the knapsack decides.
        found = ranged[target]
        lower_closed = _knapsack(found, lambda s: -(values[s.owner] - phi_u), plan.room[target])[1]
        upper_closed = _knapsack(found, lambda s: values[s.owner] - phi_u, plan.room[target])[1]

    def span(a: Fraction | Interval, b: Fraction | Interval) -> Fraction | Interval:
        assert isinstance(a, Fraction)  # exact evaluations
        assert isinstance(b, Fraction)
        return Interval(lower=min(a, b), upper=max(a, b))

    share = span(low.share, high.share)
    assert isinstance(share, Interval)
    share = attrs.evolve(
        share,
        lower_closed=lower_closed or share.lower == share.upper,
        upper_closed=upper_closed or share.lower == share.upper,
    )
    ultimate = set(plan.ultimate)
    values_span = {
        n: low.values[n] if n in ultimate else span(low.values[n], high.values[n])
        for n in low.values
    }
    raw_span = {n: low.raw[n] if n in ultimate else span(low.raw[n], high.raw[n]) for n in low.raw}
    reasons = {
        n: text
        if high.reasons.get(n) == text
        else f"{text} (least); {high.reasons.get(n)} (greatest)"
        for n, text in low.reasons.items()
    }
    return Attribution(
        target=target,
        method=rule,
        measure=measure,
        share=share,
        upper=share,
        status=span(low.status, high.status),
        values=values_span,
        raw=raw_span,
        reasons=reasons,
    )


_PROBE = "(probe)"


def _statuses(
    scenario: OwnershipGraph, owners: set[str], options: Mapping[str, Any]
) -> dict[str, Fraction]:
    """The statuses of ``owners`` as holders, in ``scenario`` (changed in place).

    A probe entity held by each of them, and holding nothing, is evaluated: its
    closure holds every owner with the status it has as a holder, and nothing
    in the structure depends on the probe.
    """
    if not owners:
        return {}
    probe = _PROBE
    while probe in scenario:
        probe += "'"
    scenario.add_entity(probe)
    for owner in sorted(owners):
        scenario.add_holding(owner, probe, Fraction(1, len(owners) + 1))
    result = _attribute_exact(scenario, probe, **options)
    found = {o: result.values[o] for o in owners}
    return {o: v for o, v in found.items() if isinstance(v, Fraction)}


def _choose_status(
    stakes: tuple[_Stake, ...],
    values: Mapping[str, Fraction],
    unknown: Fraction,
    room: Fraction,
    *,
    maximise: bool,
) -> dict[str, Fraction]:
    """The knapsack choice at one entity for the non-linear bounds.

    For the greatest figure, room the knapsack leaves unspent goes to foreign
    holders whose stake does not change the raw share (their gain is zero):
    more foreign votes can only make foreign control likelier.
    """
    weights, _, _ = _choose(stakes, values.__getitem__, unknown, room, maximise=maximise)
    if maximise:
        left = room - sum((weights[s.owner] - s.lo for s in stakes), _ZERO)
        for s in sorted(stakes, key=lambda s: s.owner):
            if left <= 0:
                break
            if values[s.owner] == 1 and weights[s.owner] < s.hi:
                step = min(s.hi - weights[s.owner], left)
                weights[s.owner] += step
                left -= step
    return weights


def _scenario(
    g: OwnershipGraph,
    choice: Mapping[str, Mapping[str, Fraction]],
    *,
    measure: Measure,
    as_of: dt.date | None,
) -> OwnershipGraph:
    """A copy of the structure on ``as_of`` with the ranged stakes set to ``choice``.

    The other measure moves with the chosen one when it is the same range.
    """
    scenario = g.as_of(as_of)
    for node, weights in choice.items():
        for holding in scenario.holdings_of(node, as_of=as_of):
            stake = holding.stake(measure)
            if holding.owner not in weights or not isinstance(stake, Range):
                continue
            chosen = weights[holding.owner]
            other = holding.voting if measure == "equity" else holding.equity
            other_chosen = chosen if other == stake else other
            equity, voting = (
                (chosen, other_chosen) if measure == "equity" else (other_chosen, chosen)
            )
            scenario._replace(holding, equity, voting)  # type: ignore[arg-type]
    return scenario


def _without_empty_bands(g: OwnershipGraph, as_of: dt.date | None) -> OwnershipGraph:
    """The structure on ``as_of`` with every band of "0% to 0%" made no stake.

    The bounds leave such a band out (it holds nothing whatever is chosen), and
    the exact engine that evaluates each scenario takes no ranges.
    """
    found = g.as_of(as_of)
    for holding in [h for h in found.holdings() if _empty_band(h)]:
        equity, voting = (
            _ZERO if isinstance(stake, Range) and not stake.max else stake
            for stake in (holding.equity, holding.voting)
        )
        found._replace(holding, equity, voting)  # type: ignore[arg-type]
    return found


def _empty_band(holding: Holding) -> bool:
    return any(
        isinstance(stake, Range) and not stake.max for stake in (holding.equity, holding.voting)
    )
