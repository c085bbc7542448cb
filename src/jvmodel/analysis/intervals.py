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

import attrs

from jvmodel._numeric import Interval, Range
from jvmodel.analysis.lookthrough import _component_order, _solve
from jvmodel.errors import CircularOwnershipError, UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph
from jvmodel.model import Entity

__all__ = ["RangedUpstream", "bounds", "ranged_upstream"]

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
    g: OwnershipGraph, target: str, *, measure: str = "equity", as_of: dt.date | None = None
) -> RangedUpstream:
    """Collect the upstream closure of ``target``, keeping ranged stakes as bounds."""
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


def _choose(
    stakes: tuple[_Stake, ...], value: Callable[[str], Fraction], unknown: Fraction, room: Fraction,
    *, maximise: bool,
) -> tuple[dict[str, Fraction], bool]:  # fmt: skip
    """The knapsack choice of stakes extremising Σ w·(value − unknown); and whether the
    extreme is attained as far as the endpoints decide it."""
    weights = {s.owner: s.lo for s in stakes}
    sign = 1 if maximise else -1
    gains = sorted(
        ((sign * (value(s.owner) - unknown), s) for s in stakes if not s.exact),
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


@attrs.frozen
class _Bound:
    value: Fraction
    attained: bool = True


def bounds(
    plan: RangedUpstream,
    ground: Mapping[str, Fraction],
    unknown: Fraction,
    *,
    link: Callable[[Fraction], Fraction] = lambda w: w,
) -> dict[str, Interval]:
    """Bounds of a linear measure at every entity of the closure.

    ``ground`` gives the exact value of each ultimate owner and ``unknown`` the
    value of undisclosed ownership (both in [0, 1]).  ``link`` must be the
    identity for ranged stakes (a non-identity link transform is applied to
    exact stakes only).
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
        node: str, weights: Mapping[str, Fraction], values: Mapping[str, Fraction]
    ) -> Fraction:
        recorded = sum(weights.values(), _ZERO)
        total = sum((link(w) * values[o] for o, w in weights.items()), _ZERO)
        undisclosed = 1 / plan.scale[node] - recorded
        return (total + undisclosed * unknown) * plan.scale[node]

    for component in plan.order:
        if len(component) == 1 and all(s.owner != component[0] for s in plan.holders[component[0]]):
            node = component[0]
            values = {s.owner: best[s.owner].value for s in plan.holders[node]}
            weights, attained = _choose(
                plan.holders[node], values.__getitem__, unknown, plan.room[node], maximise=maximise
            )
            attained &= all(best[o].attained for o, w in weights.items() if w)
            best[node] = _Bound(evaluate(node, weights, values), attained)
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
