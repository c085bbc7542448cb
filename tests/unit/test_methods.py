"""Attribution methods and the engine behind them, with hand-computed answers."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis.methods import (
    Context,
    Direct,
    LargestHolder,
    Method,
    Multiplier,
    Presence,
    Proportional,
    Threshold,
    get_method,
)

F = Fraction


def graph(entities: dict[str, str], holdings: list[tuple[str, str, str]]) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity, country in entities.items():
        g.add_entity(entity, jurisdiction=country)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def share(g: jvm.OwnershipGraph, target: str, method: str | Method, **options: object) -> Fraction:
    return jvm.foreign_share(g, target, host="IN", method=method, **options)  # type: ignore[arg-type]


# -- the mutual cross-holding used by several tests ---------------------------------
#
# A holds 60% of B, B holds 60% of A; D (domestic) holds the other 40% of A, F
# (foreign) the other 40% of B; the target T is held 50% by A and 50% by D.


def loop() -> jvm.OwnershipGraph:
    return graph(
        {"a": "IN", "b": "IN", "d": "IN", "f": "GB", "t": "IN"},
        [
            ("b", "a", "60%"),
            ("d", "a", "40%"),
            ("a", "b", "60%"),
            ("f", "b", "40%"),
            ("a", "t", "50%"),
            ("d", "t", "50%"),
        ],
    )


def test_proportional_on_the_loop() -> None:
    # a = 0.6 b, b = 0.6 a + 0.4  ⇒  a = 0.36 a + 0.24  ⇒  a = 3/8, b = 5/8;
    # t = 0.5 a = 3/16.
    a = jvm.attribute(loop(), "t", host="IN")
    assert (a.share, a.values["a"], a.values["b"]) == (F(3, 16), F(3, 8), F(5, 8))
    assert not a.is_ambiguous


def test_threshold_on_the_loop_is_ambiguous() -> None:
    # Threshold 1/2 (India): B is foreign iff 0.6 φ(A) + 0.4 ≥ 1/2 iff φ(A) = 1,
    # and A is foreign iff 0.6 φ(B) ≥ 1/2 iff φ(B) = 1.  Both domestic and both
    # foreign are fixed points: the least (grounded in foreign owners) has
    # φ = 0 and t = 0; the greatest has φ = 1 and t = 0.5 × 1 = 1/2.
    a = jvm.attribute(loop(), "t", host="IN", method=Threshold())
    assert (a.share, a.upper) == (0, F(1, 2))
    assert (a.values["a"], a.values["b"]) == (0, 0)
    assert a.ambiguous == ("a", "b", "t")
    assert a.reasons["b"] == "foreign share 40% < 50% and not foreign-controlled"


def test_presence_on_the_loop_is_reachability_and_never_ambiguous() -> None:
    # B has a foreign holder (F, 40%), so B is foreign; A is held by B, so A is
    # foreign too; t = 0.5 × φ(A) = 1/2.  The least fixed point is plain
    # reachability from a foreign owner.
    a = jvm.attribute(loop(), "t", host="IN", method="presence")
    assert (a.share, a.upper, a.ambiguous) == (F(1, 2), F(1, 2), ())


def test_presence_loop_without_foreign_input_stays_domestic() -> None:
    # The same loop with D in place of F: no foreign layer anywhere, so the loop
    # is domestic (the greatest fixed point, all foreign, is not read: grounded).
    g = loop()
    g2 = jvm.OwnershipGraph()
    for entity in g.entities():
        g2.add_entity(entity)
    for holding in g.holdings():
        owner = "d" if holding.owner == "f" else holding.owner
        if (owner, holding.owned) == ("d", "b"):
            g2.add_holding("d", "b", holding.equity)
        else:
            g2.add_holding(holding)
    a = jvm.attribute(g2, "t", host="IN", method=Presence())
    assert (a.share, a.ambiguous) == (0, ())


def test_multiplier_cycle_of_controlling_links_is_unbounded() -> None:
    # Both 60% links count as 100%: the path sums around the loop never stop
    # growing once F's 40% enters, so A counts without bound and the target's
    # aggregate is capped at 100%.
    a = jvm.attribute(loop(), "t", host="IN", method=Multiplier())
    assert a.share == 1
    assert a.values["a"] == 1
    with pytest.raises(jvm.UnsupportedAnalysisError, match="unbounded"):
        jvm.foreign_contributions(loop(), "t", host="IN", method="multiplier")


def test_multiplier_aggregate_is_capped_at_one() -> None:
    # X is held 60% by F1 and 40% by F2 (both foreign) and holds 60% of T:
    # F1's chain 100% × 100% + F2's 40% × 100% = 140%, capped at 100%.
    g = graph(
        {"f1": "GB", "f2": "FR", "x": "US", "t": "US", "d": "US"},
        [("f1", "x", "60%"), ("f2", "x", "40%"), ("x", "t", "60%"), ("d", "t", "40%")],
    )
    assert jvm.attribute(g, "t", host="US", method="multiplier").raw["x"] == F(7, 5)
    assert share(g, "t", "multiplier") == 1
    contributions = jvm.foreign_contributions(g, "t", host="US", method="multiplier")
    assert contributions == {"f1": 1, "f2": F(2, 5)}  # the FCC's per-investor figures


def test_mirror_rule_passes_on_the_parent_share() -> None:
    # P is 75% foreign (so it counts foreign under the threshold); S is its
    # wholly owned subsidiary.  Without the mirror rule S's raw share is φ(P) =
    # 100%; with it, S passes on P's own share, 75%.
    g = graph(
        {"f": "GB", "r": "IN", "p": "IN", "s": "IN"},
        [("f", "p", "75%"), ("r", "p", "25%"), ("p", "s", "100%")],
    )
    assert share(g, "s", Threshold(mirror=False)) == 1
    assert share(g, "s", Threshold(mirror=True)) == F(3, 4)


def test_threshold_inclusive_and_strict_at_the_boundary() -> None:
    # H is exactly 1/3 foreign and holds 90% of T (the rest domestic).
    g = graph(
        {"f": "US", "c": "CA", "h": "CA", "t": "CA"},
        [("f", "h", "1/3"), ("c", "h", "2/3"), ("h", "t", "90%"), ("c", "t", "10%")],
    )
    strict = Threshold(threshold="1/3", inclusive=False)
    inclusive = Threshold(threshold="1/3", inclusive=True)
    # Strict (Canada): 1/3 is not above 1/3, so H counts domestic: 0.
    assert jvm.foreign_share(g, "t", host="CA", method=strict) == 0
    # Inclusive: 1/3 reaches 1/3, so H counts wholly foreign: 90%.
    assert jvm.foreign_share(g, "t", host="CA", method=inclusive) == F(9, 10)


def test_threshold_control_test() -> None:
    # H is only 10% foreign, but a foreign entity holds a board appointment right
    # over it: foreign-controlled, so wholly foreign when control counts.
    g = graph(
        {"f": "US", "x": "US", "c": "IN", "h": "IN", "t": "IN"},
        [("f", "h", "10%"), ("c", "h", "90%"), ("h", "t", "40%"), ("c", "t", "60%")],
    )
    g.add_control("x", "h", basis="board")
    assert share(g, "t", Threshold(control=True)) == F(2, 5)
    assert share(g, "t", Threshold(control=False)) == 0
    reason = jvm.attribute(g, "t", host="IN", method=Threshold()).reasons["h"]
    assert reason == "controlled by foreign 'x'"


def test_reason_names_the_nearest_foreign_controller() -> None:
    # X (US) holds a board appointment right over A (IN), so A is foreign-controlled;
    # A has 10% of B's equity but 60% of its votes, so A controls B, and X, which
    # controls A, controls B too.  B's foreign share is 10% × 1 = 10% < 50%, but it is
    # foreign-controlled: wholly foreign, T gets B's 40%.  Its reason names A, the
    # foreign controller just above it; X is above A (the reason for A names X).
    g = jvm.OwnershipGraph()
    for entity, country in {"x": "US", "a": "IN", "b": "IN", "r": "IN", "t": "IN"}.items():
        g.add_entity(entity, jurisdiction=country)
    g.add_control("x", "a", basis="board")
    g.add_holding("r", "a", "100%")
    g.add_holding("a", "b", "10%", voting="60%")
    g.add_holding("r", "b", "90%", voting="40%")
    g.add_holding("b", "t", "40%")
    g.add_holding("r", "t", "60%")
    a = jvm.attribute(g, "t", host="IN", method=Threshold())
    assert a.share == F(2, 5)
    assert (a.values["a"], a.values["b"]) == (1, 1)
    assert a.reasons["a"] == "controlled by foreign 'x'"
    assert a.reasons["b"] == "controlled by foreign 'a'"
    assert jvm.controllers(g, "b").levels == (("a",), ("x",))


def test_dispersed_foreign_votes_are_foreign_control() -> None:
    # Three foreign funds hold 20% each of H: none controls it, but holders of
    # foreign status have 60% > 50% of its votes.  With threshold 2/3 the share
    # test alone (60% < 2/3) would not make H foreign; the control test does.
    g = graph(
        {"f1": "US", "f2": "US", "f3": "US", "c": "IN", "h": "IN", "t": "IN"},
        [
            ("f1", "h", "20%"),
            ("f2", "h", "20%"),
            ("f3", "h", "20%"),
            ("c", "h", "40%"),
            ("h", "t", "30%"),
            ("c", "t", "70%"),
        ],
    )
    assert share(g, "t", Threshold(threshold="2/3", control=False)) == 0
    assert share(g, "t", Threshold(threshold="2/3", control=True)) == F(3, 10)


def test_direct_reads_only_direct_holders() -> None:
    # A US company wholly owned by a foreigner holds 60% of T; a UK company
    # wholly owned by a US person holds 30%; 10% is undisclosed.  Direct: the US
    # holder is domestic, the UK holder foreign, the undisclosed part foreign
    # (default policy): 30% + 10% = 40%.
    g = graph(
        {"f": "GB", "us-co": "US", "uk-co": "GB", "p": "US", "t": "US"},
        [
            ("f", "us-co", "100%"),
            ("p", "uk-co", "100%"),
            ("us-co", "t", "60%"),
            ("uk-co", "t", "30%"),
        ],
    )
    assert jvm.foreign_share(g, "t", host="US", method=Direct()) == F(2, 5)
    # Proportional looks through both: F's 60% + undisclosed 10% = 70%.
    assert jvm.foreign_share(g, "t", host="US") == F(7, 10)
    contributions = jvm.foreign_contributions(g, "t", host="US", method="direct")
    assert contributions == {"uk-co": F(3, 10), jvm.UNDISCLOSED: F(1, 10)}


def test_incorporation_stops_the_look_through() -> None:
    # A UK company wholly owned by a US person holds 60% of a US target.  Looked
    # through, it is American (0%); under the incorporation rule it is an alien
    # corporation (60%).
    g = graph({"p": "US", "uk-co": "GB", "us": "US", "t": "US"}, [])
    g.add_holding("p", "uk-co", "100%")
    g.add_holding("uk-co", "t", "60%")
    g.add_holding("us", "t", "40%")
    assert jvm.foreign_share(g, "t", host="US") == 0
    assert jvm.foreign_share(g, "t", host="US", incorporation=True) == F(3, 5)


def test_largest_holder_rule() -> None:
    # K1 (Korean) is held 15% by a foreigner (its largest holder) and 85% by ten
    # Koreans with 8.5% each: deemed foreign, its 30% stake in the carrier counts.
    # K2 is held 14.99% by a foreigner as largest holder: domestic, its 20%
    # counts nothing.  K3 is deemed foreign but holds only 1% of the carrier:
    # exempt.  Foreign: 30%.
    entities = {"f": "US", "k1": "KR", "k2": "KR", "k3": "KR", "carrier": "KR", "kr": "KR"}
    entities |= {f"p{i}": "KR" for i in range(10)}
    g = graph(entities, [])
    g.add_holding("f", "k1", "15%")
    g.add_holding("f", "k2", "14.99%")
    g.add_holding("f", "k3", "50%")
    for i in range(10):
        g.add_holding(f"p{i}", "k1", "8.5%")
        g.add_holding(f"p{i}", "k2", "8.501%")
    g.add_holding("k1", "carrier", "30%")
    g.add_holding("k2", "carrier", "20%")
    g.add_holding("k3", "carrier", "1%")
    g.add_holding("kr", "carrier", "49%")
    a = jvm.attribute(g, "carrier", host="KR", method=LargestHolder(), measure="voting")
    assert (a.values["k1"], a.values["k2"], a.values["k3"]) == (1, 0, 1)
    assert a.share == F(3, 10)


def test_user_defined_method() -> None:
    # A de minimis rule: stakes under 5% are ignored.  F holds 4% of T directly
    # and 50% of H, which holds 40% of T: 0 + 50% × 40% = 20%.
    class DeMinimis(Method):
        name = "de-minimis"

        def link(self, stake: Fraction) -> Fraction:
            return stake if stake >= F(1, 20) else F(0)

    g = graph(
        {"f": "US", "h": "IN", "c": "IN", "t": "IN"},
        [
            ("f", "t", "4%"),
            ("f", "h", "50%"),
            ("c", "h", "50%"),
            ("h", "t", "40%"),
            ("c", "t", "56%"),
        ],
    )
    assert share(g, "t", DeMinimis()) == F(1, 5)


def test_non_monotone_method_on_a_cycle_is_refused() -> None:
    # A status transform that flips (foreign when r is below 1/2) has no
    # fixed point to settle on around the loop: a clear refusal, not a hang.
    class Contrarian(Method):
        name = "contrarian"
        linear = False

        def status(self, context: Context) -> Fraction:
            return F(1) if context.raw < F(1, 2) and not context.ultimate else F(0)

    with pytest.raises(jvm.UnsupportedAnalysisError, match="no fixed point"):
        jvm.attribute(loop(), "t", host="IN", method=Contrarian())


def test_get_method() -> None:
    assert get_method("proportional") == Proportional()
    assert get_method({"name": "threshold", "threshold": "2/3"}).threshold == F(2, 3)  # type: ignore[attr-defined]
    with pytest.raises(jvm.UnsupportedAnalysisError, match="no option 'colour'"):
        get_method({"name": "threshold", "colour": "red"})
    with pytest.raises(jvm.UnsupportedAnalysisError, match="threshold"):
        get_method({"name": "threshold", "threshold": "150%"})
    with pytest.raises(jvm.UnsupportedAnalysisError, match="True or False"):
        Threshold(mirror="yes")  # type: ignore[arg-type]


def test_contributions_refuse_non_linear_methods() -> None:
    with pytest.raises(jvm.UnsupportedAnalysisError, match="not linear"):
        jvm.foreign_contributions(loop(), "t", host="IN", method="threshold")


def test_multiplier_double_counting_is_documented_behaviour() -> None:
    # X is held 55% by a foreign company and 45% undisclosed (counted foreign);
    # X holds 20% of T, a domestic holder 80%.  Multiplier: X passes on
    # 100% + 45% = 145%, so T is 20% × 1.45 = 29%.  If the foreign holder buys
    # 5% more from the undisclosed part, X passes on 100% + 40% = 140%: T is 28%.
    # The FCC adds each foreign interest separately; the sum falls although a
    # foreign stake rose.  Under undisclosed="domestic" it would not fall.
    def structure(foreign_stake: str) -> jvm.OwnershipGraph:
        return graph(
            {"f": "GB", "x": "US", "d": "US", "t": "US"},
            [("f", "x", foreign_stake), ("x", "t", "20%"), ("d", "t", "80%")],
        )

    before = jvm.foreign_share(structure("55%"), "t", host="US", method="multiplier")
    after = jvm.foreign_share(structure("60%"), "t", host="US", method="multiplier")
    assert (before, after) == (F(29, 100), F(28, 100))
    domestic = {"host": "US", "method": "multiplier", "undisclosed": "domestic"}
    assert jvm.foreign_share(structure("55%"), "t", **domestic) == F(20, 100)  # type: ignore[arg-type]
    assert jvm.foreign_share(structure("60%"), "t", **domestic) == F(20, 100)  # type: ignore[arg-type]


def test_largest_holder_describes_its_defaults() -> None:
    # Defaults: threshold 15/100 = 15%, exemption 1/100 = 1%.
    from jvmodel.analysis.methods import LargestHolder

    assert LargestHolder().describe() == (
        "largest-holder (foreign when the largest holder is foreign with ≥ 15%; "
        "stakes ≤ 1% in the target exempt)"
    )
