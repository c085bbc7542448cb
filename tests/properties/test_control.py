"""The control hierarchy against the definition, computed the direct (quadratic) way.

``reference_sets`` below is the definition of control read literally: for every
entity ``x``, the control set ``C(x)`` grown by a worklist from ``x`` alone.  It is
what the library computed before it kept only nearest controllers, and it is kept
here, not in the library, as the reference the linear computation must agree with
on every generated structure: cross-holdings, mutual control, control links
(several on one entity: joint control), bands open at their lower end, treasury.
"""

from __future__ import annotations

import itertools
from collections import defaultdict, deque
from fractions import Fraction

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

import jvmodel as jvm
from jvmodel.analysis.control import (
    ControlChain,
    ControlStep,
    Structure,
    control_hierarchy,
    voting_closure,
)

HALF = Fraction(1, 2)

# -- the reference: the definition, one control set per entity --------------------


def reference_sets(structure: Structure) -> dict[str, frozenset[str]]:
    """``C(x)`` for every entity ``x`` of the structure (``x`` itself included)."""
    votes_in, links_in = structure.votes_in, structure.links_in
    votes_out: dict[str, dict[str, Fraction]] = defaultdict(dict)
    for owned, holders in votes_in.items():
        for holder, votes in holders.items():
            votes_out[holder][owned] = votes
    links_out: dict[str, list[str]] = defaultdict(list)
    for controlled, linked in links_in.items():
        for controller in linked:
            links_out[controller].append(controlled)
    result: dict[str, frozenset[str]] = {}
    for x in votes_in:
        members = {x}
        acc: dict[str, Fraction] = defaultdict(Fraction)
        strict: set[str] = set()  # entities where the members hold more than acc
        queue = deque([x])
        while queue:
            member = queue.popleft()
            touched = list(links_out.get(member, ()))
            for owned, votes in votes_out.get(member, {}).items():
                acc[owned] += votes
                if member in structure.open_in.get(owned, ()):
                    strict.add(owned)
                touched.append(owned)
            for e in touched:
                if e in members or e not in votes_in:
                    continue
                linked = links_in[e]
                majority = acc[e] > HALF or (acc[e] == HALF and e in strict)
                joins = all(c in members for c in linked) if linked else majority
                if joins:
                    members.add(e)
                    queue.append(e)
        result[x] = frozenset(members)
    return result


def reference_controllers(sets: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for x, controlled in sets.items():
        for e in controlled:
            if e != x:
                found[e].add(x)
    return {e: frozenset(found.get(e, ())) for e in sets}


def reference_chain(
    structure: Structure, sets: dict[str, frozenset[str]], target: str
) -> ControlChain:
    """The chain from the pairwise relation among all of the target's controllers."""
    above = [x for x, controlled in sets.items() if x != target and target in controlled]
    if not above:
        return ControlChain(target=target)
    relation: nx.DiGraph[str] = nx.DiGraph()
    relation.add_nodes_from(above)
    relation.add_edges_from((x, y) for x in above for y in above if x != y and y in sets[x])
    condensed = nx.condensation(relation)
    groups: dict[int, list[str]] = defaultdict(list)
    for node, index in condensed.graph["mapping"].items():
        groups[index].append(node)
    order = list(nx.topological_sort(condensed))
    contested = any(
        not condensed.has_edge(first, second) for first, second in itertools.pairwise(order)
    )
    levels = tuple(tuple(sorted(groups[index])) for index in reversed(order))
    steps: list[ControlStep] = []
    below = target
    for level in levels:
        linked = structure.links_in.get(below, {})
        bases = sorted({b for c, bs in linked.items() if c in level for b in bs})
        if linked:
            basis = bases[0] if bases else "control link"
            steps.append(ControlStep(controller=level, controlled=below, basis=basis))
        else:
            group = sets[level[0]]
            votes = sum(
                (v for h, v in structure.votes_in[below].items() if h in group and h != below),
                Fraction(0),
            )
            steps.append(
                ControlStep(controller=level, controlled=below, basis="votes", votes=votes)
            )
        below = level[0]
    return ControlChain(target=target, levels=levels, steps=tuple(steps), contested=contested)


# -- generated structures ---------------------------------------------------------

# Majorities, exact halves and minorities, so that control, joint control and
# aggregation through controlled entities all occur.
_STAKES = [Fraction(1), Fraction(3, 5), HALF, Fraction(2, 5), Fraction(3, 10), Fraction(1, 5)]
# Votes known as a band: "more than 50% to 75%" is a majority, "50% to 75%" is not.
_BANDS = [jvm.Range("50%", "75%", closed="right"), jvm.Range("50%", "75%")]


@st.composite
def control_graphs(draw: st.DrawFn, *, max_size: int = 8) -> jvm.OwnershipGraph:
    """Up to ``max_size`` entities holding votes in each other (cycles allowed, stakes in an
    entity adding up to at most 100%), some as bands, some treasury, and control links
    (an entity may have several: joint control)."""
    size = draw(st.integers(2, max_size))
    names = [f"e{i}" for i in range(size)]
    g = jvm.OwnershipGraph()
    for name in names:
        g.add_entity(name, jurisdiction="GB")
    for owned in names:
        room = Fraction(1)
        if draw(st.booleans()) and draw(st.booleans()):
            g.add_holding(owned, owned, "10%")  # treasury
            room -= Fraction(1, 10)
        owners = draw(st.lists(st.sampled_from(names), unique=True, max_size=3))
        for owner in owners:
            if owner == owned:
                continue
            if draw(st.integers(0, 5)) == 0:
                band = draw(st.sampled_from(_BANDS))
                if band.min <= room:
                    g.add_holding(owner, owned, band.min, voting=band)
                    room -= band.min
                continue
            stake = draw(st.sampled_from([s for s in _STAKES if s <= room] or [Fraction(0)]))
            if stake:
                g.add_holding(owner, owned, stake)
                room -= stake
    for _ in range(draw(st.integers(0, 4))):
        controller, controlled = draw(
            st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True)
        )
        if not any(c.controller == controller for c in g.controls_of(controlled, as_of=...)):
            g.add_control(
                controller, controlled, basis=draw(st.sampled_from(["contract", "board"]))
            )
    return g


# -- the laws -----------------------------------------------------------------------


@given(control_graphs())
def test_control_relation_is_the_definition(g: jvm.OwnershipGraph) -> None:
    structure = voting_closure(g, sorted(g))
    sets = reference_sets(structure)
    hierarchy = control_hierarchy(structure)
    for x, y in itertools.product(structure.votes_in, repeat=2):
        assert hierarchy.controls(x, y) == (y in sets[x]), (x, y)
    expected = reference_controllers(sets)
    for e in structure.votes_in:
        assert hierarchy.controllers_of(e) == expected[e], e
        # Every controller is a nearest one or controls a nearest one.
        nearest = hierarchy.nearest(e)
        assert set(nearest) <= expected[e]
        assert all(any(c in sets[x] for c in nearest) for x in expected[e])


@given(control_graphs())
def test_controllers_are_the_reference_chain(g: jvm.OwnershipGraph) -> None:
    # Levels, steps (with their votes) and contested, for every entity as target.
    for target in sorted(g):
        structure = voting_closure(g, [target])
        expected = reference_chain(structure, reference_sets(structure), target)
        assert jvm.controllers(g, target) == expected
        assert jvm.ultimate_controller(g, target) == expected.ultimate


@given(control_graphs(), st.data())
def test_nearest_marked_controllers_are_the_minimal_ones(
    g: jvm.OwnershipGraph, data: st.DataObject
) -> None:
    # The nearest controllers passing a test (foreign status, in the look-through):
    # those passing it that control no other controller passing it, strictly
    # (members of one mutual-control group are all nearest together).  One cache
    # serves every entity, as it does along a chain in the look-through.
    structure = voting_closure(g, sorted(g))
    sets = reference_sets(structure)
    above = reference_controllers(sets)
    hierarchy = control_hierarchy(structure)
    marked = set(data.draw(st.lists(st.sampled_from(sorted(g)), unique=True)))
    cache: dict[int, tuple[str, ...]] = {}
    for e in sorted(structure.votes_in, key=hierarchy.class_of.__getitem__):
        passing = [c for c in above[e] if c in marked]
        minimal = sorted(
            c for c in passing if not any(d in sets[c] and c not in sets[d] for d in passing)
        )
        found = hierarchy.nearest_where(e, marked.__contains__, cache, lambda _: True)
        assert sorted(found) == minimal, e
