"""Voting power indices of small games, computed by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm


def game(*stakes: str, treasury: str | None = None) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("t")
    for i, stake in enumerate(stakes):
        holder = "abcdefgh"[i]
        g.add_entity(holder)
        g.add_holding(holder, "t", stake)
    if treasury:
        g.add_holding("t", "t", treasury)
    return g


def test_two_49s_and_a_2_have_equal_power() -> None:
    # Winning (> 50%): every pair and the three together; no one alone. Each player
    # swings in the two pairs it belongs to: 2 swings each, 6 in all: 1/3 each.
    g = game("49%", "49%", "2%")
    third = Fraction(1, 3)
    assert jvm.voting_power(g, "t") == {"a": third, "b": third, "c": third}
    assert jvm.voting_power(g, "t", index="shapley-shubik") == {"a": third, "b": third, "c": third}


def test_50_30_20_banzhaf() -> None:
    # Winning coalitions (> 50): AB (80), AC (70), ABC (100); A alone has exactly 50.
    # Swings: A in AB, AC and ABC (BC = 50 loses) = 3; B in AB = 1; C in AC = 1.
    # Normalised: 3/5, 1/5, 1/5.
    assert jvm.voting_power(game("50%", "30%", "20%"), "t") == {
        "a": Fraction(3, 5),
        "b": Fraction(1, 5),
        "c": Fraction(1, 5),
    }


def test_50_30_20_shapley_shubik() -> None:
    # The six orders and their pivots: ABC→B, ACB→C, BAC→A, BCA→A, CAB→A, CBA→A.
    # A pivots in 4/6 = 2/3; B and C in 1/6 each.
    assert jvm.voting_power(game("50%", "30%", "20%"), "t", index="shapley-shubik") == {
        "a": Fraction(2, 3),
        "b": Fraction(1, 6),
        "c": Fraction(1, 6),
    }


def test_majority_holder_has_all_power_and_the_minority_none() -> None:
    # 60/40: A wins alone and B never swings: A 1, B 0 (dropped from the result).
    assert jvm.voting_power(game("60%", "40%"), "t") == {"a": Fraction(1)}


def test_deadlocked_fifty_fifty() -> None:
    # Only both together have more than half: each swings once, 1/2 each.
    assert jvm.voting_power(game("50%", "50%"), "t") == {"a": Fraction(1, 2), "b": Fraction(1, 2)}


def test_quota_and_treasury() -> None:
    # Quota 2/3 with 40/30/30: only pairs with A (70) and ABC win; B+C = 60 loses.
    # Swings: A in AB, AC, ABC = 3; B in AB = 1; C in AC = 1.
    assert jvm.voting_power(game("40%", "30%", "30%"), "t", quota="2/3") == {
        "a": Fraction(3, 5),
        "b": Fraction(1, 5),
        "c": Fraction(1, 5),
    }
    # 40% + 20% with 40% treasury: treasury carries no votes, so A has 40/60 = 2/3 of
    # the votes outstanding and controls alone.
    assert jvm.voting_power(game("40%", "20%", treasury="40%"), "t") == {"a": Fraction(1)}


def test_dispersed_holders_cannot_win() -> None:
    # 10% + 20% recorded, the rest undisclosed: no coalition reaches a majority.
    assert jvm.voting_power(game("10%", "20%"), "t") == {}


def test_refusals() -> None:
    with pytest.raises(jvm.UnsupportedAnalysisError, match="index 'gini'"):
        jvm.voting_power(game("50%"), "t", index="gini")  # type: ignore[arg-type]
    g = jvm.OwnershipGraph()
    g.add_entity("t")
    # Stakes 1/41, 1/42, ..., 1/80 add up to about ln 2 ≈ 69% (a majority can form),
    # over a common denominator lcm(41..80) of 30 digits: far too large to solve.
    for k in range(41, 81):
        g.add_entity(f"h{k}")
        g.add_holding(f"h{k}", "t", Fraction(1, k))
    with pytest.raises(jvm.UnsupportedAnalysisError, match="limit"):
        jvm.voting_power(g, "t", index="shapley-shubik")
