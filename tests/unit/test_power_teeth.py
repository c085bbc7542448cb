"""voting_power pinned whole: Banzhaf and Shapley–Shubik indices of small weighted games
counted by hand, quotas at the boundary, treasury shares, votes apart from equity,
dates, and every refusal with its message."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis.power import MAX_WORK


def _game(*stakes: tuple[str, object, object], dated: bool = False) -> jvm.OwnershipGraph:
    # Holders of "t" with (equity, voting); "t" holding itself is treasury.
    g = jvm.OwnershipGraph()
    g.add_entity("t")
    for holder, equity, voting in stakes:
        if holder != "t":
            g.add_entity(holder)
        g.add_holding(holder, "t", equity, voting=voting)
    return g


def _abc() -> jvm.OwnershipGraph:
    # Votes A 50%, B 30%, C 20%; C's equity is 40% but that does not vote.
    return _game(("a", "40%", "50%"), ("b", "20%", "30%"), ("c", "40%", "20%"))


def test_banzhaf_of_fifty_thirty_twenty() -> None:
    # Win above 50%: AB 80, AC 70, ABC win; BC 50 and singles lose.
    # Swings: A in {B}, {C}, {B, C} → 3; B in {A} → 1; C in {A} → 1; of 5.
    assert jvm.voting_power(_abc(), "t") == {
        "a": Fraction(3, 5),
        "b": Fraction(1, 5),
        "c": Fraction(1, 5),
    }


def test_shapley_of_fifty_thirty_twenty() -> None:
    # Of the 6 orders A is pivotal in BAC, BCA, CAB, CBA (4), B in ABC, C in ACB.
    assert jvm.voting_power(_abc(), "t", index="shapley-shubik") == {
        "a": Fraction(2, 3),
        "b": Fraction(1, 6),
        "c": Fraction(1, 6),
    }


@pytest.mark.parametrize("index", ["banzhaf", "shapley-shubik"])
def test_a_coalition_exactly_at_the_quota_loses(index: str) -> None:
    # Quota 70%: AC has exactly 70%, which is not more: only AB and ABC win.
    # A and B are each pivotal in every one of their swings/orders; C never.
    power = jvm.voting_power(_abc(), "t", index=index, quota="70%")  # type: ignore[arg-type]
    assert power == {"a": Fraction(1, 2), "b": Fraction(1, 2)}


@pytest.mark.parametrize("index", ["banzhaf", "shapley-shubik"])
def test_four_holders(index: str) -> None:
    # Votes 40, 30, 20, 10 (weights 4, 3, 2, 1), win at 6 or more.
    # A is pivotal over others weighing 2..5: {C}, {B} (size 1), {C,D}, {B,D},
    # {B,C} (size 2): 5 swings; Shapley 2·1!2! + 3·2!1! = 10 of 24 = 5/12.
    # B over 3..5: {A} (1), {A,D}, {C,D} (2): 3 swings; 1·2 + 2·2 = 6/24 = 1/4.
    # C over 4..5: {A} (1), {B,D}, {A,D} (2): 3 swings; 6/24 = 1/4.
    # D over 5: {B,C} (2): 1 swing; 2/24 = 1/12.  Banzhaf 5, 3, 3, 1 of 12: the same.
    g = _game(("d", "10%", None), ("c", "20%", None), ("b", "30%", None), ("a", "40%", None))
    power = jvm.voting_power(g, "t", index=index)  # type: ignore[arg-type]
    assert list(power.items()) == [
        ("a", Fraction(5, 12)),
        ("b", Fraction(1, 4)),
        ("c", Fraction(1, 4)),
        ("d", Fraction(1, 12)),
    ]


def test_treasury_shares_do_not_vote() -> None:
    # A 45%, B 15%, treasury 20%, 20% undisclosed.  Outstanding votes 80%: a
    # majority is more than 40%, so A alone wins: A is a dictator.  (Counting
    # the treasury shares, A would need B.)
    g = _game(("a", "45%", None), ("b", "15%", None), ("t", "20%", None))
    assert jvm.voting_power(g, "t") == {"a": Fraction(1)}
    assert jvm.voting_power(g, "t", index="shapley-shubik") == {"a": Fraction(1)}
    # Quota 60% of 80% = 48%: A needs B (45 + 15 = 60 > 48): halves.
    assert jvm.voting_power(g, "t", quota="60%") == {"a": Fraction(1, 2), "b": Fraction(1, 2)}


def test_no_winning_coalition_gives_nobody_power() -> None:
    # A 20%, B 20%, the rest undisclosed: 40% is never more than 50%.
    g = _game(("a", "20%", None), ("b", "20%", None))
    assert jvm.voting_power(g, "t") == {}
    assert jvm.voting_power(g, "t", index="shapley-shubik") == {}
    # With a quota of 39%, AB's 40% wins and both are needed.
    assert jvm.voting_power(g, "t", quota="39%") == {"a": Fraction(1, 2), "b": Fraction(1, 2)}
    # Nobody at all, or only treasury: empty.
    assert jvm.voting_power(_game(), "t") == {}
    assert jvm.voting_power(_game(("t", "10%", None)), "t") == {}


def test_a_holder_without_votes_has_no_power() -> None:
    # C holds 10% of equity with no votes; A 60% and B 30% vote: A alone wins.
    g = _game(("a", "60%", None), ("b", "30%", None), ("c", "10%", "0%"))
    assert jvm.voting_power(g, "t") == {"a": Fraction(1)}


def test_the_stakes_of_the_day_asked() -> None:
    # A 30% and B 30% throughout; C 40% only until 2020-12-31.  On 2020-06-01
    # C's 40% makes every pair win: thirds.  On 2021-06-01 only AB (60%) wins.
    g = jvm.OwnershipGraph()
    for entity_id in ("t", "a", "b", "c"):
        g.add_entity(entity_id)
    g.add_holding("a", "t", "30%")
    g.add_holding("b", "t", "30%")
    g.add_holding("c", "t", "40%", valid_to=dt.date(2020, 12, 31))
    third = Fraction(1, 3)
    assert jvm.voting_power(g, "t", as_of=dt.date(2020, 6, 1)) == {
        "a": third,
        "b": third,
        "c": third,
    }
    half = Fraction(1, 2)
    assert jvm.voting_power(g, "t", as_of=dt.date(2021, 6, 1)) == {"a": half, "b": half}


def test_refusals_name_the_problem() -> None:
    with pytest.raises(
        jvm.UnsupportedAnalysisError, match=r"^index 'gini' is not 'banzhaf' or 'shapley-shubik'$"
    ) as error:
        jvm.voting_power(_abc(), "t", index="gini")  # type: ignore[arg-type]
    assert error.value.reason == "unknown index"
    g = _game(("a", "20%", jvm.Range("10%", "20%")), ("b", "80%", None))
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^the voting stake of 'a' in 't' is a range \(Range\('10%', '20%', "
        r"closed='both'\)\); voting power needs exact stakes$",
    ) as error:
        jvm.voting_power(g, "t")
    assert (error.value.reason, error.value.entity) == ("ranged stake", "t")


def test_games_too_large_are_refused() -> None:
    # 1/N, 1/N and (N−2)/N with N = 3,000,017 (odd) and quota 1/2: common
    # denominator 2N = 6,000,034.  Banzhaf would take 3 · 6,000,035 =
    # 18,000,105 ≤ MAX_WORK steps; Shapley 3 · 3 · 6,000,035 = 54,000,315 > it.
    n = 3_000_017
    g = _game(
        ("a", Fraction(1, n), None), ("b", Fraction(1, n), None), ("c", Fraction(n - 2, n), None)
    )
    assert 3 * 6_000_035 <= MAX_WORK < 9 * 6_000_035
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^voting power of 't': 3 holders with stakes over a common denominator of "
        r"6000034 need about 54,000,315 steps \(limit 20,000,000\); round the stakes "
        r"\(e\.g\. to 0\.01%\) or merge small holders$",
    ) as error:
        jvm.voting_power(g, "t", index="shapley-shubik")
    assert (error.value.reason, error.value.entity) == ("game too large", "t")
    # Two holders over N = 10,000,019: 2N = 20,000,038, Banzhaf 2 · 20,000,039.
    n = 10_000_019
    g = _game(("a", Fraction(1, n), None), ("b", Fraction(n - 1, n), None))
    with pytest.raises(jvm.UnsupportedAnalysisError, match=r"need about 40,000,078 steps"):
        jvm.voting_power(g, "t")


def test_a_quota_above_all_votes_is_refused() -> None:
    with pytest.raises(jvm.InvalidShareError, match=r"^quota '150%' is above 100%"):
        jvm.voting_power(_abc(), "t", quota="150%")


@pytest.mark.parametrize("index", ["banzhaf", "shapley-shubik"])
def test_a_lone_holder_of_a_majority_has_all_the_power(index: str) -> None:
    # A holds 60% of the votes, 40% undisclosed.  The only winning coalition is {A}:
    # Banzhaf counts one swing (A joining the empty coalition), Shapley–Shubik one
    # order (A alone, pivotal first): a raw total of exactly 1, which is A's 1.
    g = _game(("a", "60%", "60%"))
    assert jvm.voting_power(g, "t", index=index) == {"a": Fraction(1)}  # type: ignore[arg-type]


@pytest.mark.parametrize("index", ["banzhaf", "shapley-shubik"])
def test_holders_who_each_win_alone_are_pivotal_first(index: str) -> None:
    # Quota 25%: A 50% and B 50% each win alone.  Banzhaf: A swings only the empty
    # coalition ({B} already wins), likewise B: 1 and 1.  Shapley–Shubik: of the orders
    # AB and BA, the first is pivotal (the empty coalition before it): 1 and 1.
    # Normalised: 1/2 each.
    g = _game(("a", "50%", "50%"), ("b", "50%", "50%"))
    power = jvm.voting_power(g, "t", index=index, quota="25%")  # type: ignore[arg-type]
    assert power == {"a": Fraction(1, 2), "b": Fraction(1, 2)}
