"""With cross-holdings, the exact answer is the limit of the unrolled iteration.

Look-through is an upward walk: from an entity e, step to holder h with
probability w(h, e) (treasury left out and the rest renormalised), or end in the
undisclosed part with probability u(e); the walk ends at an ultimate owner.
Unrolling the cycles, the iteration

    x⁰(e) = 0,   xᵏ⁺¹(e) = Σ_h w(h, e)·Xᵏ(h) + u(e)·[undisclosed]

(with Xᵏ(h) = [h] for an ultimate owner h and xᵏ(h) otherwise) gives in xᵏ(e)
the mass of walks from e that have ended within k steps.  The exact answer x(e)
is the mass of all walks that end, so, owner by owner,

    xᵏ(e) ≤ x(e) ≤ xᵏ(e) + mᵏ(e),   mᵏ(e) = 1 − Σ xᵏ(e),

where mᵏ(e) is the mass of walks still going after k steps.  This bound needs
x(e) to sum to 1 (no closed loop, which the strategy guarantees).  And mᵏ → 0:
from any entity of the closure some path of at most L steps ends the walk (L =
the number of entities that have holders), each step with probability at least
p (the smallest positive step probability), so at most (1 − p^L) of the mass
survives any L steps, and m^(jL)(e) ≤ (1 − p^L)^j.  The test checks both bounds
exactly, in fractions; for an acyclic closure mᴸ = 0 and xᴸ = x exactly.
"""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
from hypothesis import example, given

import jvmodel as jvm
import jvmodel.strategies as jst
from tests.properties._graphs import add, closure, is_ultimate, nonzero, owners, treasury

ROUNDS_PER_LAYER = 3


def _steps(g: jvm.OwnershipGraph, entity: str) -> dict[str, Fraction]:
    """The probabilities of the walk's next step from ``entity``."""
    own = treasury(g, entity)
    steps: dict[str, Fraction] = {}
    for h in owners(g, entity):
        assert isinstance(h.equity, Fraction)
        steps[h.owner] = h.equity / (1 - own)
    steps[jvm.UNDISCLOSED] = 1 - sum(steps.values(), Fraction(0))
    return nonzero(steps)


def _two_way_cross_holding() -> jvm.OwnershipGraph:
    # a and b hold 90% of each other; x holds the other 10% of a, b's other 10%
    # is undisclosed.  x's share of a is 1/10 · Σ (9/10 · 9/10)^k = (1/10)/(19/100) = 10/19.
    g = jvm.OwnershipGraph()
    for entity in ("x", "a", "b"):
        g.add_entity(entity, jurisdiction="CN")
    g.add_holding("x", "a", "10%")
    g.add_holding("b", "a", "90%")
    g.add_holding("a", "b", "90%")
    return g


def _unrolled(g: jvm.OwnershipGraph, target: str, rounds: int) -> list[dict[str, Fraction]]:
    """x¹(target), ..., x^rounds(target) of the iteration above."""
    inside = sorted(e for e in closure(g, target) if not is_ultimate(g, e))
    steps = {e: _steps(g, e) for e in inside}
    values: dict[str, dict[str, Fraction]] = {e: {} for e in inside}
    reached = []
    for _ in range(rounds):
        following: dict[str, dict[str, Fraction]] = {}
        for e in inside:
            total: dict[str, Fraction] = {}
            for step, p in steps[e].items():
                ended = step is jvm.UNDISCLOSED or step not in values
                add(total, {step: Fraction(1)} if ended else values[step], p)
            following[e] = total
        values = following
        reached.append(values[target])
    return reached


def test_a_two_way_cross_holding_is_a_geometric_series() -> None:
    g = _two_way_cross_holding()
    assert jvm.effective_ownership(g, "a") == {
        "x": Fraction(10, 19),
        jvm.UNDISCLOSED: Fraction(9, 19),
    }
    # After 2k rounds x has received 1/10 · Σ_{i<k} (81/100)^i of a: the walk
    # goes a → b → a and back k − 1 times before stepping out to x.
    partial = _unrolled(g, "a", 40)
    for k in range(1, 21):
        series = sum((Fraction(1, 10) * Fraction(81, 100) ** i for i in range(k)), Fraction(0))
        assert partial[2 * k - 1].get("x", 0) == series
    # The error left after 2k rounds is exactly the tail of the series.
    assert Fraction(10, 19) - partial[39]["x"] == Fraction(10, 19) * Fraction(81, 100) ** 20


@example(g=_two_way_cross_holding())
@given(g=jst.ownership_graphs(max_entities=8, allow_cycles=True, allow_treasury=True))
def test_cycles_are_the_limit_of_the_unrolled_iteration(g: jvm.OwnershipGraph) -> None:
    for target in g:
        if is_ultimate(g, target):
            continue
        inside = sorted(e for e in closure(g, target) if not is_ultimate(g, e))
        layers = len(inside)
        smallest = min(p for e in inside for p in _steps(g, e).values())
        exact = jvm.effective_ownership(g, target)
        partial = _unrolled(g, target, ROUNDS_PER_LAYER * layers)
        for rounds, reached in enumerate(partial, start=1):
            left = 1 - sum(reached.values(), Fraction(0))
            for owner in exact.keys() | reached.keys():
                below = reached.get(owner, Fraction(0))
                assert below <= exact.get(owner, Fraction(0)) <= below + left
            if rounds % layers == 0:
                assert left <= (1 - smallest**layers) ** (rounds // layers)
        if _acyclic(g, inside):
            # No cycle: every walk ends within `layers` steps; the sum is finite.
            assert partial[layers - 1] == exact


def _acyclic(g: jvm.OwnershipGraph, inside: list[str]) -> bool:
    edges = nx.DiGraph()
    edges.add_nodes_from(inside)
    edges.add_edges_from((h.owner, e) for e in inside for h in owners(g, e) if h.owner in inside)
    return nx.is_directed_acyclic_graph(edges)
