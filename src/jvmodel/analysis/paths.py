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

import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import TypeAlias

import attrs

from jvmodel._numeric import Interval
from jvmodel.analysis.lookthrough import (
    UNDISCLOSED,
    Attribution,
    Measure,
    UndisclosedPolicy,
    Upstream,
    _apply_policy,
    _check_policy,
    _collect,
    _ground,
    _host_country,
    _solve,
    _stop_rule,
    attribute,
)
from jvmodel.analysis.methods import Holder, Link, Method, get_method
from jvmodel.errors import UnsupportedAnalysisError
from jvmodel.graph import OwnershipGraph

__all__ = ["Path", "contribution_paths", "foreign_paths"]

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


def _plan(
    g: OwnershipGraph,
    target: str,
    rule: Method,
    *,
    host: str | None,
    measure: Measure,
    undisclosed: UndisclosedPolicy,
    as_of: dt.date | None,
    foreign: tuple[str, ...],
    incorporation: bool,
) -> tuple[Upstream, dict[str, bool | None], Fraction]:
    host_code = _host_country(host)
    _check_policy(undisclosed)
    plan = _collect(
        g,
        target,
        measure=measure,
        as_of=as_of,
        stop=_stop_rule(rule, host_code, foreign, incorporation),
    )
    status = _ground(plan, host_code, foreign)
    plan, phi_u = _apply_policy(plan, status, undisclosed)
    return plan, status, phi_u


def _exact(value: Fraction | Interval) -> Fraction:
    """A value of an exact attribution (paths are only traced on exact stakes)."""
    if isinstance(value, Interval):
        raise UnsupportedAnalysisError(
            "paths are traced on exact stakes; this structure has ranged stakes",
            reason="ranged stake",
        )
    return value


def _counted_paths(
    plan: Upstream, attribution: Attribution, rule: Method, unknown: Fraction
) -> list[Path]:
    """The paths of a non-linear method: each runs up to the holder whose status
    the method counts (wholly foreign, or an ultimate owner), and looks through
    a holder only where the method passes on its raw share (the mirror rule)."""
    found: list[Path] = []

    def expand(node: str, weight: Fraction, below: tuple[str, ...]) -> None:
        if weight * plan.undisclosed.get(node, _ZERO) * unknown:
            share = weight * plan.undisclosed[node] * unknown
            found.append(Path(owner=UNDISCLOSED, entities=below, product=share))
        for holder, stake in plan.holders.get(node, ()):
            ultimate = holder not in plan.holders
            value = _exact(attribution.values.get(holder, _ZERO))
            raw = _exact(attribution.raw.get(holder, value))
            link = Link(
                holder=Holder(
                    id=holder,
                    entity=plan.entities[holder],
                    stake=stake,
                    votes=stake,
                    value=value,
                    raw=raw,
                    ultimate=ultimate,
                ),
                owned=plan.entities[node],
                stake=stake,
                into_target=node == plan.target,
            )
            carried = rule.carry(link)
            path = (holder, *below)
            if not carried:
                continue
            mirrored = not ultimate and carried != stake * value and holder not in below
            if mirrored and carried == stake * raw:
                expand(holder, weight * stake, path)
            else:
                found.append(Path(owner=holder, entities=path, product=weight * carried))

    expand(plan.target, _ONE, (plan.target,))
    return found


def foreign_paths(
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
    max_paths: int = 1000,
) -> tuple[list[Path], bool]:
    """The paths that make up the foreign share of ``target``, largest first.

    Takes the parameters of :func:`jvmodel.foreign_share`.  Under a linear
    method the paths run to the foreign ultimate owners (and the undisclosed
    parts counted foreign), a cross-holding passed as one step (see
    :func:`contribution_paths`); the products add up exactly to the foreign
    share.  Under a non-linear method (threshold, presence, largest holder)
    each path runs up to the holder whose status the method counts: an
    intermediate counted wholly foreign ends its path, its stake counting in
    full; the products add up to the target's figure.

    Returns
    -------
    (list of Path, bool)
        The paths, and whether the list was cut short at ``max_paths``.

    Examples
    --------
    >>> import jvmodel as jvm
    >>> from jvmodel.analysis.paths import foreign_paths
    >>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    >>> paths, _ = foreign_paths(g, "jv", host="CN", foreign=["HK"])
    >>> [(p.describe(), p.product) for p in paths]  # doctest: +NORMALIZE_WHITESPACE
    [('bt → bt-global → bt-china → jv', Fraction(1, 2)),
     ('calpers → zgc-fund → partner → jv', Fraction(3, 200))]
    """
    rule = get_method(method)
    listed = tuple(foreign)
    plan, status, phi_u = _plan(
        g,
        target,
        rule,
        host=host,
        measure=measure,
        undisclosed=undisclosed,
        as_of=as_of,
        foreign=listed,
        incorporation=incorporation,
    )
    if rule.linear:
        value = {
            u: phi_u if status[u] is None else (_ONE if status[u] else _ZERO) for u in plan.ultimate
        }
        found, cut = contribution_paths(plan, value, phi_u, link=rule.link, max_paths=max_paths)
        # An owner of unknown jurisdiction counts like undisclosed ownership.
        found = [
            attrs.evolve(p, owner=UNDISCLOSED) if status.get(p.owner, True) is None else p
            for p in found
        ]
        return found, cut
    attribution = attribute(
        g,
        target,
        host=host,
        method=rule,
        measure=measure,
        undisclosed=undisclosed,
        as_of=as_of,
        foreign=listed,
        incorporation=incorporation,
    )
    found = sorted(
        _counted_paths(plan, attribution, rule, phi_u),
        key=lambda p: (-p.product, p.entities),
    )
    return found[:max_paths], len(found) > max_paths
