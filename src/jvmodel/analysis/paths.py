"""The paths along which ownership reaches a target, each with its exact weight.

For a linear measure the share of an ultimate owner is the sum over upward paths
of the product of the stakes along each path.  :func:`contribution_paths` lists
those paths, largest first.  A cross-holding (a strongly connected component)
would give infinitely many paths; it is reported as one step "through the
cross-holding", entered at one member and left at another, with the exact
weight of all the walks inside it (an entry of ``(I − Q)⁻¹``).  The products of
all the paths of an owner add up exactly to its share.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TypeAlias

import attrs

from jvmodel.analysis.lookthrough import UNDISCLOSED, Upstream, _solve

__all__ = ["Path", "contribution_paths"]

_ZERO = Fraction(0)
_ONE = Fraction(1)

Cycles: TypeAlias = tuple[tuple[str, ...], ...]
# (−weight, tie-breaker, entity to expand or None when finished, path, cycles, owner)
_Item: TypeAlias = tuple[Fraction, int, "str | None", tuple[str, ...], Cycles, str]


@attrs.frozen(kw_only=True)
class Path:
    """One route from an ultimate owner (or an undisclosed part) down to the target.

    Attributes
    ----------
    owner : str
        The ultimate owner, or ``UNDISCLOSED`` for a part no record accounts for
        (then ``entities[0]`` is the entity whose part it is).
    entities : tuple of str
        The entities along the path, from the top down to the target.
    product : Fraction
        The weight of the path: the product of its stakes (and of the walks
        inside any cross-holding it passes), times the owner's foreign measure.
    cycles : tuple of tuple of str
        The cross-holdings the path passes through, each as its sorted members.
    """

    owner: str
    entities: tuple[str, ...]
    product: Fraction
    cycles: tuple[tuple[str, ...], ...] = ()

    def describe(self) -> str:
        """``"bt → bt-global → bt-china → jv"``, with cross-holdings bracketed."""
        return " → ".join(self.entities)


def _fundamental(
    plan: Upstream, component: tuple[str, ...], link: Callable[[Fraction], Fraction]
) -> dict[str, dict[str, Fraction]]:
    """``G = (I − Q)⁻¹`` of a cross-holding: ``G[x][m]`` is the weight with which
    what flows into member ``m`` from outside reaches member ``x``."""
    inside = set(component)
    index = {node: i for i, node in enumerate(component)}
    size = len(component)
    matrix = [[_ONE if i == j else _ZERO for j in range(size)] for i in range(size)]
    for node in component:
        for owner, stake in plan.holders[node]:
            if owner in inside:
                matrix[index[node]][index[owner]] -= link(stake)
    columns = _solve(matrix, [{node: _ONE} for node in component])
    return dict(zip(component, columns, strict=True))


def contribution_paths(
    plan: Upstream,
    value: Mapping[str, Fraction],
    unknown: Fraction,
    *,
    link: Callable[[Fraction], Fraction] = lambda w: w,
    max_paths: int = 1000,
) -> tuple[list[Path], bool]:
    """The paths that carry a linear measure up to ``plan.target``, largest first.

    Parameters
    ----------
    plan : Upstream
        The target's closure (after any undisclosed policy was applied).
    value : Mapping
        The measure of each ultimate owner (1 for foreign, 0 for domestic...).
        Paths of weight zero are left out.
    unknown : Fraction
        The measure of undisclosed ownership.
    link : callable
        The method's link transform.
    max_paths : int
        Stop after this many paths (the second item returned is then True).

    Returns
    -------
    (list of Path, bool)
        The paths, and whether the list was cut short.
    """
    component_of = {node: component for component in plan.order for node in component}
    cyclic = {
        node
        for component in plan.order
        if len(component) > 1
        for node in component
    }  # fmt: skip
    fundamentals: dict[tuple[str, ...], dict[str, dict[str, Fraction]]] = {}
    found: list[Path] = []
    # Best-first: the weight of a partial path bounds the products of all the paths
    # that extend it (their weights add up to it), so paths come out largest first
    # and a cut at max_paths keeps the largest.
    queue: list[_Item] = []
    order = itertools.count()

    def push(
        weight: Fraction, node: str | None, path: tuple[str, ...], cycles: Cycles, owner: str
    ) -> None:
        if weight:
            heapq.heappush(queue, (-weight, next(order), node, path, cycles, owner))

    push(_ONE, plan.target, (plan.target,), (), plan.target)
    while queue:
        negative, _, node, below, cycles, owner = heapq.heappop(queue)
        weight = -negative
        if node is None:  # a finished path
            if len(found) == max_paths:
                return found, True
            found.append(Path(owner=owner, entities=below, product=weight, cycles=cycles))
            continue
        if node not in plan.holders:  # an ultimate owner
            push(weight * value.get(node, _ZERO), None, below, cycles, node)
            continue
        if node in cyclic:
            component = component_of[node]
            if component not in fundamentals:
                fundamentals[component] = _fundamental(plan, component, link)
            inside = set(component)
            passed = (*cycles, component)
            for member, reach in fundamentals[component][node].items():
                path = below if member == node else (member, *below)
                share = weight * reach
                push(share * plan.undisclosed[member] * unknown, None, path, passed, UNDISCLOSED)
                for holder, stake in plan.holders[member]:
                    if holder not in inside:
                        push(share * link(stake), holder, (holder, *path), passed, holder)
            continue
        push(weight * plan.undisclosed[node] * unknown, None, below, cycles, UNDISCLOSED)
        for holder, stake in plan.holders[node]:
            push(weight * link(stake), holder, (holder, *below), cycles, holder)
    return found, False
