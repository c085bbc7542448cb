"""Interval bounds for ranged stakes, computed by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis.intervals import bounds, ranged_upstream


def graph(*entities: tuple[str, str]) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity_id, country in entities:
        g.add_entity(entity_id, jurisdiction=country)
    return g


def foreign_bounds(g: jvm.OwnershipGraph, target: str, unknown: Fraction) -> jvm.Interval:
    plan = ranged_upstream(g, target)
    ground = {u: Fraction(plan.entities[u].country != "CN") for u in plan.ultimate}
    return bounds(plan, ground, unknown)[target]


def test_psc_band_with_open_lower_end() -> None:
    # F (US) holds "more than 25% to 50%", D (CN) 40%, the rest undisclosed and counted
    # domestic: the foreign share is F's stake itself, in (25%, 50%].
    g = graph(("f", "US"), ("d", "CN"), ("t", "CN"))
    g.add_holding("f", "t", jvm.Range("25%", "50%", closed="right"))
    g.add_holding("d", "t", "40%")
    assert foreign_bounds(g, "t", Fraction(0)) == jvm.Interval(
        lower=Fraction(1, 4), upper=Fraction(1, 2), lower_closed=False, upper_closed=True
    )
    # Counted foreign, the undisclosed part takes whatever F does not: always 60%.
    assert foreign_bounds(g, "t", Fraction(1)) == jvm.Interval(
        lower=Fraction(3, 5), upper=Fraction(3, 5)
    )


def test_room_limits_the_upper_bound() -> None:
    # F (US) in [10%, 75%] but D (CN) holds 40%: F can hold at most 60%.
    g = graph(("f", "US"), ("d", "CN"), ("t", "CN"))
    g.add_holding("f", "t", jvm.Range("10%", "75%"))
    g.add_holding("d", "t", "40%")
    assert foreign_bounds(g, "t", Fraction(0)) == jvm.Interval(
        lower=Fraction(1, 10), upper=Fraction(3, 5)
    )


def test_ranges_through_layers_multiply() -> None:
    # F (US) holds [20%, 40%) of H; H holds (50%, 100%] of T; nothing else recorded,
    # undisclosed domestic. Foreign = w1·w2 in (20%·50%, 40%·100%) = (10%, 40%):
    # the lower end needs H at exactly 50% (open) and the upper needs F at 40% (open).
    g = graph(("f", "US"), ("h", "CN"), ("t", "CN"))
    g.add_holding("f", "h", jvm.Range("20%", "40%", closed="left"))
    g.add_holding("h", "t", jvm.Range("50%", "100%", closed="right"))
    result = foreign_bounds(g, "t", Fraction(0))
    assert (result.lower, result.upper) == (Fraction(1, 10), Fraction(2, 5))
    assert (result.lower_closed, result.upper_closed) == (False, False)


def test_cross_holding_with_a_range_is_exact() -> None:
    # A holds w ∈ [10%, 30%] of B, B holds 30% of A, F (US) 70% of A, D (CN) 70% of B;
    # A holds all of T. x_A = 0.3·x_B + 0.7 and x_B = w·x_A, so x_A = 0.7 / (1 − 0.3·w):
    # 0.7/0.97 = 70/97 at w = 10% and 0.7/0.91 = 10/13 at w = 30%.
    g = graph(("f", "US"), ("d", "CN"), ("a", "CN"), ("b", "CN"), ("t", "CN"))
    g.add_holding("a", "b", jvm.Range("10%", "30%"))
    g.add_holding("b", "a", "30%")
    g.add_holding("f", "a", "70%")
    g.add_holding("d", "b", "70%")
    g.add_holding("a", "t", "100%")
    result = foreign_bounds(g, "t", Fraction(0))
    assert (result.lower, result.upper) == (Fraction(70, 97), Fraction(10, 13))


def test_a_range_that_can_close_a_loop_is_an_error() -> None:
    # A holds [50%, 100%] of B and B all of A: at 100% the pair owns itself.
    g = graph(("f", "US"), ("a", "CN"), ("b", "CN"), ("t", "CN"))
    g.add_holding("a", "b", jvm.Range("50%", "100%"))
    g.add_holding("b", "a", "100%")
    g.add_holding("a", "t", "100%")
    with pytest.raises(jvm.CircularOwnershipError, match="can make them own each other"):
        foreign_bounds(g, "t", Fraction(1))
