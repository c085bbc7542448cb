"""Scenario edits return a new graph and leave the original untouched."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm


@pytest.fixture
def g() -> jvm.OwnershipGraph:
    return jvm.load(jvm.examples.path("beijing-vpn-jv"))


def stakes(graph: jvm.OwnershipGraph, target: str) -> dict[str, tuple[object, object]]:
    return {h.owner: (h.equity, h.voting) for h in graph.holdings_of(target)}


def test_transfer_moves_equity_and_votes(g: jvm.OwnershipGraph) -> None:
    original = stakes(g, "jv")
    after = g.transfer("partner", "bt-china", "jv", "5%")
    # 50% − 5% = 45% and 50% + 5% = 55%.
    assert stakes(after, "jv") == {
        "partner": (Fraction(9, 20), Fraction(9, 20)),
        "bt-china": (Fraction(11, 20), Fraction(11, 20)),
    }
    assert stakes(g, "jv") == original
    # The demo then counts 55% + 45% × 30% × 10% = 55% + 1.35% = 56.35% foreign.
    assert jvm.foreign_share(after, "jv", host="CN") == Fraction(5635, 10000)


def test_transfer_of_dual_class_votes_is_proportional() -> None:
    # S holds 40% of the equity and 60% of the votes; selling 10% (a quarter of its
    # equity) sells a quarter of its votes: 15%.
    g = jvm.OwnershipGraph()
    for e in ("s", "b", "t"):
        g.add_entity(e)
    g.add_holding("s", "t", "40%", voting="60%")
    after = g.transfer("s", "b", "t", "10%")
    assert stakes(after, "t") == {
        "s": (Fraction(3, 10), Fraction(9, 20)),
        "b": (Fraction(1, 10), Fraction(3, 20)),
    }


def test_selling_everything_removes_the_holding(g: jvm.OwnershipGraph) -> None:
    after = g.transfer("partner", "bt-china", "jv", "50%")
    assert stakes(after, "jv") == {"bt-china": (Fraction(1), Fraction(1))}
    assert not after.nx.has_edge("partner", "jv")


def test_transfer_refusals(g: jvm.OwnershipGraph) -> None:
    with pytest.raises(jvm.InvalidShareError, match="holds 50% of 'jv' and cannot sell 60%"):
        g.transfer("partner", "bt-china", "jv", "60%")
    with pytest.raises(jvm.UnknownEntityError, match="'calpers' holds no stake in 'jv'"):
        g.transfer("calpers", "bt", "jv", "1%")
    with pytest.raises(jvm.InvalidEntityError, match="two parties"):
        g.transfer("partner", "partner", "jv", "1%")
    with pytest.raises(jvm.UnknownEntityError):
        g.transfer("partner", "nobody", "jv", "1%")


def test_issue_dilutes_everyone(g: jvm.OwnershipGraph) -> None:
    # 20% new shares to CalPERS: BT China and the partner each keep 50% × 80% = 40%.
    after = g.issue("jv", "calpers", "20%")
    assert stakes(after, "jv") == {
        "bt-china": (Fraction(2, 5), Fraction(2, 5)),
        "partner": (Fraction(2, 5), Fraction(2, 5)),
        "calpers": (Fraction(1, 5), Fraction(1, 5)),
    }
    # To an existing holder: BT China 50% × 80% + 20% = 60%.
    assert stakes(g.issue("jv", "bt-china", "20%"), "jv")["bt-china"] == (
        Fraction(3, 5),
        Fraction(3, 5),
    )


def test_remove_holding(g: jvm.OwnershipGraph) -> None:
    after = g.remove_holding("partner", "jv")
    assert set(stakes(after, "jv")) == {"bt-china"}
    assert set(stakes(g, "jv")) == {"bt-china", "partner"}
    with pytest.raises(jvm.UnknownEntityError, match="holds no stake"):
        g.remove_holding("calpers", "jv")


def test_scenario_on_a_past_date(g: jvm.OwnershipGraph) -> None:
    # On 2022-06-30 BSTI held all of the fund; sell 10% of it to CalPERS then: the
    # JV becomes 1/2 + 1/2 × 30% × 10% = 103/200 foreign.
    after = g.transfer("bsti", "calpers", "zgc-fund", "10%", as_of=dt.date(2022, 6, 30))
    assert jvm.foreign_share(after, "jv", host="CN", as_of=dt.date(2022, 6, 30)) == Fraction(
        103, 200
    )
