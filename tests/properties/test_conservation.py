"""Conservation, bounds and chain composition of look-through (DESIGN.md section 3)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jvmodel as jvm
import jvmodel.strategies as jst
from tests.properties._graphs import (
    HOST,
    add,
    closure,
    is_ultimate,
    nonzero,
    owners,
    room,
    treasury,
)

GRAPHS = jst.ownership_graphs(
    max_entities=14,
    allow_cycles=True,
    allow_treasury=True,
    allow_unknown_jurisdictions=True,
)


@pytest.mark.parametrize("measure", ["equity", "voting"])
@given(g=GRAPHS)
def test_ultimate_shares_and_undisclosed_add_up_to_one(g: jvm.OwnershipGraph, measure: Any) -> None:
    for target in g:
        shares = jvm.effective_ownership(g, target, measure=measure)
        # Exactly one, not approximately: the arithmetic is rational throughout.
        assert sum(shares.values()) == 1
        assert all(0 < share <= 1 for share in shares.values())
        reached = closure(g, target)
        for key in shares:
            if key is not jvm.UNDISCLOSED:
                assert key in reached
                assert key != target
                assert is_ultimate(g, key)
        # Largest first, ties by id: the order is part of the result.
        assert list(shares.items()) == sorted(
            shares.items(), key=lambda item: (-item[1], str(item[0]))
        )


@given(g=GRAPHS)
def test_foreign_share_is_the_foreign_part_of_the_ultimate_shares(g: jvm.OwnershipGraph) -> None:
    for target in g:
        shares = jvm.effective_ownership(g, target)

        def held_by(*, jurisdictions: str, shares: dict[str, Fraction] = shares) -> Fraction:
            total = Fraction(0)
            for owner, share in shares.items():
                country = None if owner is jvm.UNDISCLOSED else g.entity(owner).country
                unknown = owner is jvm.UNDISCLOSED or country is None
                foreign = not unknown and country != HOST
                if foreign or (unknown and jurisdictions == "foreign or unknown"):
                    total += share
            return total

        # Undisclosed ownership, and owners of unknown jurisdiction, count as
        # foreign under the default policy and as domestic under "domestic".
        cautious = jvm.foreign_share(g, target, host=HOST)
        assert cautious == held_by(jurisdictions="foreign or unknown")
        lenient = jvm.foreign_share(g, target, host=HOST, undisclosed="domestic")
        assert lenient == held_by(jurisdictions="foreign")
        assert 0 <= lenient <= cautious <= 1
        contributions = jvm.foreign_contributions(g, target, host=HOST)
        assert sum(contributions.values()) == cautious
        assert all(value > 0 for value in contributions.values())
        for owner in contributions:
            if owner is not jvm.UNDISCLOSED:
                assert g.entity(owner).country not in (None, HOST)


@given(g=GRAPHS)
def test_excluding_the_undisclosed_part(g: jvm.OwnershipGraph) -> None:
    for target in g:
        known = {
            owner
            for owner in jvm.effective_ownership(g, target)
            if owner is not jvm.UNDISCLOSED and g.entity(owner).jurisdiction is not None
        }
        if not known:
            with pytest.raises(jvm.UnsupportedAnalysisError, match=repr(target)):
                jvm.foreign_share(g, target, host=HOST, undisclosed="exclude")
            continue
        share = jvm.foreign_share(g, target, host=HOST, undisclosed="exclude")
        foreign = {owner for owner in known if g.entity(owner).country != HOST}
        assert 0 <= share <= 1
        # Renormalising over what is known at each entity averages known owners'
        # measures (0 or 1), so the share is 0 or 1 when they all agree.
        if not foreign:
            assert share == 0
        if foreign == known:
            assert share == 1
        contributions = jvm.foreign_contributions(g, target, host=HOST, undisclosed="exclude")
        assert set(contributions) <= foreign
        assert sum(contributions.values()) == share


@given(g=GRAPHS, measure=st.sampled_from(["equity", "voting"]))
def test_one_step_of_look_through(g: jvm.OwnershipGraph, measure: Any) -> None:
    """Chain composition: an entity's ultimate shares are its direct stakes
    composed with its holders' own ultimate shares (its undisclosed part stays
    undisclosed), treasury left out and the rest renormalised."""
    for target in g:
        if is_ultimate(g, target):
            # Nothing recorded above it: all of it is undisclosed.
            assert jvm.effective_ownership(g, target, measure=measure) == {jvm.UNDISCLOSED: 1}
            continue
        own = sum((h.stake(measure) for h in g.holdings_of(target) if h.is_treasury), Fraction(0))
        expected: dict[str, Fraction] = {}
        recorded = Fraction(0)
        for h in owners(g, target):
            stake = h.stake(measure)
            assert isinstance(stake, Fraction)
            recorded += stake
            above = (
                {h.owner: Fraction(1)}
                if is_ultimate(g, h.owner)
                else jvm.effective_ownership(g, h.owner, measure=measure)
            )
            add(expected, above, stake / (1 - own))
        add(expected, {jvm.UNDISCLOSED: (1 - own - recorded) / (1 - own)})
        assert jvm.effective_ownership(g, target, measure=measure) == nonzero(expected)


@given(
    stakes=st.lists(jst.shares(min_value="1%"), min_size=1, max_size=8),
    foreign=st.booleans(),
)
def test_stakes_multiply_along_a_chain(stakes: list[Fraction], foreign: bool) -> None:
    # top -> c1 -> ... -> target: the top owns the product of the stakes.
    g = jvm.OwnershipGraph()
    ids = ["top", *(f"c{i}" for i in range(1, len(stakes))), "target"]
    g.add_entity("top", jurisdiction="US" if foreign else "CN")
    for entity in ids[1:]:
        g.add_entity(entity, jurisdiction="CN")
    for owner, owned, stake in zip(ids[:-1], ids[1:], stakes, strict=True):
        g.add_holding(owner, owned, stake)
    product = Fraction(1)
    for stake in stakes:
        product *= stake
    shares = jvm.effective_ownership(g, "target")
    assert shares.get("top", 0) == product
    assert shares.get(jvm.UNDISCLOSED, 0) == 1 - product
    lenient = jvm.foreign_share(g, "target", host=HOST, undisclosed="domestic")
    assert lenient == (product if foreign else 0)
    # Conservatively, all but the domestic top's product is foreign.
    assert jvm.foreign_share(g, "target", host=HOST) == (1 if foreign else 1 - product)


@given(g=GRAPHS)
def test_room_and_treasury(g: jvm.OwnershipGraph) -> None:
    # The undisclosed share of a company no one else holds through others is its
    # room renormalised by treasury: for an entity held only by ultimate owners.
    for target in g:
        holders = owners(g, target)
        if holders and all(is_ultimate(g, h.owner) for h in holders):
            own = treasury(g, target)
            shares = jvm.effective_ownership(g, target)
            assert shares.get(jvm.UNDISCLOSED, 0) == room(g, target) / (1 - own)
            for h in holders:
                assert shares[h.owner] == h.equity / (1 - own)
