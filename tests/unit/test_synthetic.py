"""What jvmodel.synthetic.registry promises (see its Notes section)."""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
import pytest

import jvmodel as jvm
from jvmodel.analysis import is_foreign

REGIME = jvm.regimes.get("cn-beijing-2020")


def holdings_graph(g: jvm.OwnershipGraph) -> nx.DiGraph:
    """owner → owned for every holding in today's structure, treasury and zero stakes left out."""
    view: nx.DiGraph = nx.DiGraph()
    view.add_nodes_from(g)
    view.add_edges_from(
        (h.owner, h.owned) for h in g.holdings() if h.covers(None) and not h.is_treasury
    )
    return view


def test_same_arguments_give_equal_graphs_and_other_seeds_differ() -> None:
    a = jvm.synthetic.registry(500, seed=3, ranges_fraction=0.1)
    b = jvm.synthetic.registry(500, seed=3, ranges_fraction=0.1)
    assert a == b
    assert [e.id for e in a.entities()] == [e.id for e in b.entities()]
    assert list(a.holdings()) == list(b.holdings())
    assert a != jvm.synthetic.registry(500, seed=4, ranges_fraction=0.1)


def test_the_register_is_valid_when_rebuilt_one_record_at_a_time() -> None:
    g = jvm.synthetic.registry(400, seed=5, cross_holding_fraction=0.05, ranges_fraction=0.1)
    rebuilt = jvm.OwnershipGraph()
    for entity in g.entities():
        rebuilt.add_entity(entity)
    for holding in g.holdings():
        rebuilt.add_holding(holding)  # validates duplicates and allocation at every date
    for link in g.controls():
        rebuilt.add_control(link)
    assert rebuilt == g


@pytest.mark.parametrize(("n", "fraction"), [(20, 0.0), (300, 0.1), (1000, 0.25), (777, 0.5)])
def test_exactly_the_promised_number_of_entities_is_foreign(n: int, fraction: float) -> None:
    g = jvm.synthetic.registry(n, seed=11, foreign_fraction=fraction)
    assert len(g) == n
    foreign = sum(bool(is_foreign(e, REGIME.host, REGIME.foreign)) for e in g.entities())
    assert foreign == round(n * fraction)


@pytest.mark.parametrize(("n", "fraction"), [(1000, 0.01), (600, 0.05), (2000, 0.1)])
def test_exactly_the_promised_number_of_entities_is_on_cycles(n: int, fraction: float) -> None:
    g = jvm.synthetic.registry(n, seed=2, cross_holding_fraction=fraction)
    cycles = [c for c in nx.strongly_connected_components(holdings_graph(g)) if len(c) > 1]
    assert sum(len(c) for c in cycles) == round(n * fraction)
    assert {len(c) for c in cycles} <= {2, 3}


def test_no_cycle_is_closed() -> None:
    g = jvm.synthetic.registry(1500, seed=8, cross_holding_fraction=0.1)
    view = holdings_graph(g)
    cycles = [c for c in nx.strongly_connected_components(view) if len(c) > 1]
    assert cycles
    for cycle in cycles:
        # Some member has a holder outside the cycle (or an undisclosed part).
        outside = any(owner not in cycle for member in cycle for owner in view.predecessors(member))
        undisclosed = any(sum((h.equity for h in g.holdings_of(m)), Fraction(0)) < 1 for m in cycle)
        assert outside or undisclosed, cycle
    # And the exact engine, which raises on closed loops, computes every cycle member.
    for member in set().union(*cycles):
        jvm.foreign_share(g, member, regime=REGIME)


@pytest.mark.parametrize("max_depth", [2, 3, 6, 12])
def test_no_chain_is_longer_than_max_depth(max_depth: int) -> None:
    g = jvm.synthetic.registry(3000, seed=1, max_depth=max_depth, cross_holding_fraction=0.0)
    view = holdings_graph(g)
    assert nx.is_directed_acyclic_graph(view)
    assert nx.dag_longest_path_length(view) <= max_depth
    # The largest groups reach it (a register of 3000 has groups deep enough).
    assert nx.dag_longest_path_length(view) == max_depth


def test_depth_counts_a_cycle_as_one_step() -> None:
    g = jvm.synthetic.registry(3000, seed=1, max_depth=6, cross_holding_fraction=0.05)
    condensed = nx.condensation(holdings_graph(g))
    assert nx.dag_longest_path_length(condensed) <= 6


@pytest.mark.parametrize("fraction", [0.0, 0.1, 1.0])
def test_exactly_the_promised_number_of_holdings_are_ranges(fraction: float) -> None:
    g = jvm.synthetic.registry(500, seed=6, ranges_fraction=fraction)
    holdings = list(g.holdings())
    ranged = [h for h in holdings if isinstance(h.equity, jvm.Range)]
    assert len(ranged) == round(len(holdings) * fraction)
    # PSC-style bands, open below and closed above.
    assert all(h.equity.closed == "right" for h in ranged)


def test_the_register_has_the_shapes_screening_meets() -> None:
    g = jvm.synthetic.registry(5000, seed=1)
    kinds = {e.kind for e in g.entities()}
    assert kinds == set(jvm.model.KINDS)
    capped = {c.sector for c in REGIME.caps if c.limit is not None}
    with_capped = [e for e in g.entities() if capped & set(e.sectors)]
    assert 0.015 * 5000 <= len(with_capped) <= 0.03 * 5000  # about 2%
    assert all(
        set(e.sectors) & capped or not set(e.sectors) & set(REGIME.sectors()) for e in g.entities()
    )
    assert any(g.controls_of(e.id) for e in with_capped)  # contractual (VIE) control
    assert any(h.is_treasury for h in g.holdings())
    assert any(h.valid_to is not None for h in g.holdings())  # some history
    undisclosed = [
        e
        for e in g.entities()
        if g.holdings_of(e.id) and sum(h.equity for h in g.holdings_of(e.id)) < 1
    ]
    assert len(undisclosed) > 0.05 * 5000
    # About two holdings per entity, as in the registers the benchmarks stand for.
    assert 1.6 <= sum(1 for _ in g.holdings()) / 5000 <= 2.2
    report = jvm.check_all(g, regime=REGIME)
    exact_half = [r for r in report if r.exact and r.foreign_share == Fraction(1, 2)]
    assert exact_half  # joint ventures at exactly the 50% cap
    assert report.counts["breach"] > 0
    assert report.counts["compliant"] > 0


def test_options_are_checked() -> None:
    with pytest.raises(jvm.InvalidShareError, match="foreign_fraction"):
        jvm.synthetic.registry(100, seed=1, foreign_fraction=1.5)
    with pytest.raises(jvm.InvalidShareError, match="ranges_fraction"):
        jvm.synthetic.registry(100, seed=1, ranges_fraction=-0.1)
    with pytest.raises(jvm.UnsupportedAnalysisError, match="at least 20"):
        jvm.synthetic.registry(5, seed=1)
    with pytest.raises(jvm.UnsupportedAnalysisError, match="max_depth"):
        jvm.synthetic.registry(100, seed=1, max_depth=1)
    with pytest.raises(jvm.UnsupportedAnalysisError, match="cross-holding"):
        jvm.synthetic.registry(100, seed=1, cross_holding_fraction=0.2, max_depth=2)
