"""Laws of the exact look-through, over generated structures (may cycle, never closed)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

import jvmodel as jvm
from jvmodel import UNDISCLOSED

COUNTRIES = ["CN", "US", "GB", "CN-BJ", None]


@st.composite
def structures(draw: st.DrawFn, *, cycles: bool = True) -> jvm.OwnershipGraph:
    """Random structures; every entity keeps at least 1/10 outside its in-cycle holders.

    Each entity's incoming stakes are whole percentages adding up to at most 90%, so
    no set of entities can own itself entirely, and the upward walk leaks at least
    10% per step (the iteration below converges at least as fast as 0.9^k).
    """
    size = draw(st.integers(2, 8))
    g = jvm.OwnershipGraph()
    for i in range(size):
        g.add_entity(f"e{i}", jurisdiction=draw(st.sampled_from(COUNTRIES)))
    for owned in range(size):
        budget = 90
        owners = draw(st.lists(st.integers(0, size - 1), unique=True, max_size=3))
        for owner in owners:
            if owner == owned or (not cycles and owner > owned) or budget == 0:
                continue
            stake = draw(st.integers(1, budget))
            budget -= stake
            g.add_holding(f"e{owner}", f"e{owned}", Fraction(stake, 100))
    return g


@given(structures(), st.data())
def test_shares_are_in_unit_interval_and_add_up_to_one(
    g: jvm.OwnershipGraph, data: st.DataObject
) -> None:
    target = data.draw(st.sampled_from(sorted(g)))
    shares = jvm.effective_ownership(g, target)
    assert all(0 < share <= 1 for share in shares.values())
    assert sum(shares.values()) == 1  # exactly, not approximately
    for policy in ("foreign", "domestic"):
        assert 0 <= jvm.foreign_share(g, target, host="CN", undisclosed=policy) <= 1


@given(st.fractions(0, 1), st.sampled_from(["US", "CN"]))
def test_single_holding_looks_through_to_its_stake(stake: Fraction, country: str) -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("a", jurisdiction=country)
    g.add_entity("t", jurisdiction="CN")
    g.add_holding("a", "t", stake)
    expected = {"a": stake, UNDISCLOSED: 1 - stake}
    assert jvm.effective_ownership(g, "t") == {k: v for k, v in expected.items() if v}
    foreign = stake if country == "US" else Fraction(0)
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == foreign


@given(structures(), st.data())
def test_renaming_entities_changes_nothing(g: jvm.OwnershipGraph, data: st.DataObject) -> None:
    ids = sorted(g)
    names = data.draw(st.permutations([f"renamed-{i}" for i in range(len(ids))]))
    mapping = dict(zip(ids, names, strict=True))
    renamed = jvm.OwnershipGraph()
    for e in g.entities():
        renamed.add_entity(mapping[e.id], jurisdiction=e.jurisdiction)
    for h in g.holdings():
        renamed.add_holding(mapping[h.owner], mapping[h.owned], h.equity)
    target = data.draw(st.sampled_from(ids))
    before = jvm.effective_ownership(g, target)
    after = jvm.effective_ownership(renamed, mapping[target])
    assert after == {mapping.get(k, k): v for k, v in before.items()}
    assert jvm.foreign_share(renamed, mapping[target], host="CN") == jvm.foreign_share(
        g, target, host="CN"
    )


@given(structures(), st.data())
def test_cycles_equal_the_limit_of_the_unrolled_iteration(
    g: jvm.OwnershipGraph, data: st.DataObject
) -> None:
    # Iterate x_{k+1}(e) = Σ_h w(h, e)·x_k(h) + undisclosed(e)·[U] from x_0 = 0 for
    # every owned entity. Each step leaks at least 10% (see `structures`), so after
    # 400 rounds the error is at most 0.9^400 < 1e-18; floats add about 1e-15.
    target = data.draw(st.sampled_from(sorted(g)))
    exact = jvm.effective_ownership(g, target)
    owned = {e for e in g if g.holdings_of(e) or e == target}
    x: dict[str, dict[str, float]] = {e: {} for e in owned}
    for _ in range(400):
        step: dict[str, dict[str, float]] = {}
        for e in owned:
            vector: dict[str, float] = {}
            recorded = 0.0
            for h in g.holdings_of(e):
                recorded += float(h.equity)
                parts = x[h.owner] if h.owner in owned else {h.owner: 1.0}
                for key, value in parts.items():
                    vector[key] = vector.get(key, 0.0) + float(h.equity) * value
            if 1 - recorded > 0:
                vector[UNDISCLOSED] = vector.get(UNDISCLOSED, 0.0) + (1 - recorded)
            step[e] = vector
        x = step
    unrolled = x[target]
    assert {k for k, v in unrolled.items() if v > 1e-12} == set(exact)
    for key, value in exact.items():
        assert abs(unrolled[key] - float(value)) < 1e-12
