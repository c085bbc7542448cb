"""Interval bounds pinned whole (ends and whether each is attained) on small
structures, and the refusals of interval analysis with their fields."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis.methods import Threshold

F = Fraction


def _graph(countries: dict[str, str | None], holdings: list[tuple[str, str, object]]):  # type: ignore[no-untyped-def]
    g = jvm.OwnershipGraph()
    for entity_id, country in countries.items():
        g.add_entity(entity_id, jurisdiction=country)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def test_room_spent_up_to_an_open_end_still_attains_the_bound() -> None:
    # F1 (US) [10%, 30%), F2 (US) [10%, 30%], D (CN) 60%; the rest undisclosed,
    # counted domestic.  Least: both at 10%: 1/5.  Greatest: F1 + F2 ≤ 1 − 60% = 2/5,
    # reached (F1 = F2 = 20%) although F1's own upper end is open: [1/5, 2/5].
    g = _graph(
        {"jv": "CN", "f1": "US", "f2": "US", "d": "CN"},
        [
            ("f1", "jv", jvm.Range("10%", "30%", closed="left")),
            ("f2", "jv", jvm.Range("10%", "30%")),
            ("d", "jv", "60%"),
        ],
    )
    share = jvm.foreign_share(g, "jv", host="CN", undisclosed="domestic")
    assert share == jvm.Interval(lower=F(1, 5), upper=F(2, 5))


def test_a_ranged_cross_holding_with_treasury_shares() -> None:
    # A holds 1/2 of its own shares (treasury): stakes in A count twice over the
    # outstanding half.  B holds w ∈ [10%, 30%] of A, the rest of A is undisclosed
    # (counted foreign); A holds 20% of B, D (CN) 80%; A holds all of T.
    #   φ_A = 2w·φ_B + 2(1/2 − w)·1,   φ_B = 1/5·φ_A
    #   ⇒ φ_A = (1 − 2w) / (1 − 2w/5), decreasing in w:
    #   w = 3/10: (2/5) / (22/25) = 5/11;  w = 1/10: (4/5) / (24/25) = 5/6.
    g = _graph(
        {"t": "CN", "a": "CN", "b": "CN", "d": "CN"},
        [
            ("a", "a", "50%"),
            ("b", "a", jvm.Range("10%", "30%")),
            ("a", "b", "20%"),
            ("d", "b", "80%"),
            ("a", "t", "100%"),
        ],
    )
    assert jvm.foreign_share(g, "t", host="CN") == jvm.Interval(lower=F(5, 11), upper=F(5, 6))


def test_a_threshold_on_the_targets_own_ranged_stakes() -> None:
    # F (US) [20%, 40%] of the JV, D (CN) 60%, the rest undisclosed counted
    # domestic: the target's figure is F's stake, both ends attained: [1/5, 2/5].
    g = _graph(
        {"jv": "CN", "f": "US", "d": "CN"},
        [("f", "jv", jvm.Range("20%", "40%")), ("d", "jv", "60%")],
    )
    share = jvm.foreign_share(g, "jv", host="CN", method="threshold", undisclosed="domestic")
    assert share == jvm.Interval(lower=F(1, 5), upper=F(2, 5))


def _holding_company(equity: object, voting: object) -> jvm.OwnershipGraph:
    # H (CN) holds 1/2 of the JV, E (CN) the other half; F (US) holds part of H
    # (equity and votes as given), D (CN) 1/2 of H's equity and votes.
    g = _graph({"jv": "CN", "h": "CN", "e": "CN", "f": "US", "d": "CN"}, [])
    g.add_holding("h", "jv", "50%")
    g.add_holding("e", "jv", "50%")
    g.add_holding("f", "h", equity, voting=voting)
    g.add_holding("d", "h", "50%", voting="50%")
    return g


def test_a_threshold_on_ranged_votes_reads_the_votes() -> None:
    # F's votes in H are [5%, 50%] (its equity 10%, the rest of H's votes and
    # equity undisclosed, counted domestic).  On votes, H counts foreign when F's
    # votes reach 1/2: not at 5%, at 50%; so the JV's foreign votes are
    # 0 or 1/2: [0, 1/2].
    g = _holding_company("10%", jvm.Range("5%", "50%"))
    share = jvm.foreign_share(
        g, "jv", host="CN", method="threshold", measure="voting", undisclosed="domestic"
    )
    assert share == jvm.Interval(lower=F(0), upper=F(1, 2))


def test_a_threshold_on_ranged_equity_reads_the_equity() -> None:
    # F's equity in H is [5%, 50%] (its votes 10%); on equity H counts foreign
    # when F's equity reaches 1/2: the JV's foreign equity is 0 or 1/2: [0, 1/2].
    g = _holding_company(jvm.Range("5%", "50%"), "10%")
    share = jvm.foreign_share(g, "jv", host="CN", method="threshold", undisclosed="domestic")
    assert share == jvm.Interval(lower=F(0), upper=F(1, 2))


def test_the_greatest_choice_gives_spare_room_to_foreign_holders_only() -> None:
    # H (CN): F (US) [10%, 30%], D (CN) [5%, 80%], the rest undisclosed (counted
    # foreign).  H counts foreign when its raw share reaches 1/2.  Greatest: F at
    # 30%, D at 5%: raw 95% (all but D), foreign; spare room given to D instead
    # (D 80%, F 20%) would make it domestic.  Least: D at 80%, F at 10%: raw
    # 1 − 80% = 1/5, domestic.  H holds 1/2 of the JV: [0, 1/2].
    g = _graph(
        {"jv": "CN", "h": "CN", "e": "CN", "f": "US", "d": "CN"},
        [
            ("h", "jv", "50%"),
            ("e", "jv", "50%"),
            ("f", "h", jvm.Range("10%", "30%")),
            ("d", "h", jvm.Range("5%", "80%")),
        ],
    )
    share = jvm.foreign_share(g, "jv", host="CN", method="threshold")
    assert share == jvm.Interval(lower=F(0), upper=F(1, 2))


def test_the_greatest_choice_gives_foreign_holders_control() -> None:
    # H (CN): F (US) [10%, 60%], D (CN) 40%, the rest undisclosed (counted foreign).
    # Under a 9/10 threshold with control, H counts foreign when its raw share
    # reaches 9/10 (never: at most F + undisclosed = 60%) or when a foreign holder
    # controls it: F with 60% of the votes does (the greatest choice gives F the
    # room the undisclosed part would take), F with 10% does not.  The JV: [0, 1/2].
    g = _graph(
        {"jv": "CN", "h": "CN", "e": "CN", "f": "US", "d": "CN"},
        [
            ("h", "jv", "50%"),
            ("e", "jv", "50%"),
            ("f", "h", jvm.Range("10%", "60%")),
            ("d", "h", "40%"),
        ],
    )
    rule = Threshold(threshold=F(9, 10), control=True)
    assert jvm.foreign_share(g, "jv", host="CN", method=rule) == jvm.Interval(
        lower=F(0), upper=F(1, 2)
    )


def test_a_listed_jurisdiction_counts_foreign_with_ranges() -> None:
    # H (CN-HK) [20%, 40%] of the JV, D (CN) 60%, the rest counted domestic;
    # "CN-HK" listed as foreign: [1/5, 2/5].
    g = _graph(
        {"jv": "CN", "hk": "CN-HK", "d": "CN"},
        [("hk", "jv", jvm.Range("20%", "40%")), ("d", "jv", "60%")],
    )
    share = jvm.foreign_share(g, "jv", host="CN", foreign=["CN-HK"], undisclosed="domestic")
    assert share == jvm.Interval(lower=F(1, 5), upper=F(2, 5))


def test_a_ranged_treasury_stake_is_refused_naming_the_entity() -> None:
    g = _graph({"jv": "CN", "f": "US"}, [("f", "jv", "50%")])
    g.add_holding("jv", "jv", jvm.Range("10%", "20%"))
    with pytest.raises(jvm.UnsupportedAnalysisError, match="treasury stake of 'jv'") as e:
        jvm.foreign_share(g, "jv", host="CN")
    assert (e.value.reason, e.value.entity) == ("ranged treasury", "jv")


def test_exclude_is_refused_with_ranges() -> None:
    g = _graph({"jv": "CN", "f": "US"}, [("f", "jv", jvm.Range("10%", "20%"))])
    with pytest.raises(jvm.UnsupportedAnalysisError, match="undisclosed='exclude'") as e:
        jvm.foreign_contributions(g, "jv", host="CN", undisclosed="exclude")
    assert (e.value.reason, e.value.entity) == ("ranged exclude", "jv")


def test_a_multiplier_cycle_of_controlling_links_is_refused() -> None:
    # A and B hold 60% of each other (each controls the other: the multiplier
    # counts both links as 100%, so the path sums diverge); F (US) holds 40% of A;
    # A holds a ranged [20%, 30%] of the JV.
    g = _graph(
        {"jv": "CN", "a": "CN", "b": "CN", "f": "US"},
        [
            ("a", "b", "60%"),
            ("b", "a", "60%"),
            ("f", "a", "40%"),
            ("a", "jv", jvm.Range("20%", "30%")),
        ],
    )
    with pytest.raises(jvm.UnsupportedAnalysisError, match="unbounded") as e:
        jvm.foreign_share(g, "jv", host="CN", method="multiplier")
    assert e.value.reason == "unbounded cycle"
    assert set(e.value.entities) == {"a", "b"}


def test_ranges_that_can_close_a_loop_are_refused() -> None:
    # A and B each hold [50%, 100%] of the other: at 100% each they own each
    # other entirely, with no outside owner.
    g = _graph(
        {"jv": "CN", "a": "CN", "b": "CN"},
        [
            ("a", "b", jvm.Range("50%", "100%")),
            ("b", "a", jvm.Range("50%", "100%")),
            ("a", "jv", "50%"),
        ],
    )
    with pytest.raises(jvm.CircularOwnershipError, match="own each other entirely, with no"):
        jvm.foreign_share(g, "jv", host="CN", undisclosed="domestic")


def test_voting_power_refuses_a_ranged_vote_with_its_reason() -> None:
    g = _graph({"jv": "CN", "f": "US", "d": "CN"}, [("d", "jv", "50%")])
    g.add_holding("f", "jv", "10%", voting=jvm.Range("10%", "20%"))
    with pytest.raises(jvm.UnsupportedAnalysisError, match="voting power needs exact") as e:
        jvm.voting_power(g, "jv")
    assert (e.value.reason, e.value.entity) == ("ranged stake", "jv")
