"""Ranged stakes pinned whole, continued: the options every entry point passes on
(dates, votes, listed jurisdictions, incorporation, unknown jurisdictions), the
multiplier's step at its edges, and the fields of the results."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import jvmodel as jvm
from jvmodel.analysis.intervals import contributions_ranged
from jvmodel.analysis.methods import Direct, Multiplier, Proportional, Threshold
from tests.unit._ranged import graph as _graph
from tests.unit._ranged import iv, pt

F = Fraction
UNDISCLOSED = jvm.UNDISCLOSED


def test_the_fields_of_a_linear_result() -> None:
    g = _graph({"t": "CN", "f": "US"}, [("f", "t", jvm.Range("10%", "20%"))])
    a = jvm.attribute(g, "t", host="CN", method="multiplier", measure="voting")
    assert (a.target, a.method, a.measure) == ("t", Multiplier(), "voting")


def test_the_fields_of_a_non_linear_result() -> None:
    g = _graph({"t": "CN", "f": "US"}, [("f", "t", jvm.Range("10%", "20%"))])
    rule = Threshold(control=False)
    a = jvm.attribute(g, "t", host="CN", method=rule, measure="voting", undisclosed="domestic")
    assert (a.target, a.method, a.measure) == ("t", rule, "voting")
    # r = w_F ∈ [1/10, 1/5]: the target's own band, ends closed.
    assert a.share == a.upper == iv(F(1, 10), F(1, 5))
    assert a.ambiguous == ()


def _dated() -> jvm.OwnershipGraph:
    # F (US) holds [20%, 40%] of T until the end of 2019; from 2020 G (GB) holds
    # [10%, 30%); D (CN) holds 50% throughout.
    g = _graph({"t": "CN", "f": "US", "g": "GB", "d": "CN"}, [("d", "t", "50%")])
    g.add_holding("f", "t", jvm.Range("20%", "40%"), valid_to=dt.date(2019, 12, 31))
    g.add_holding("g", "t", jvm.Range("10%", "30%", closed="left"), valid_from=dt.date(2020, 1, 1))
    return g


def test_dates_reach_every_entry_point() -> None:
    early, late = dt.date(2019, 6, 1), dt.date(2021, 6, 1)
    g = _dated()
    # Counted domestic: the foreign share is the band in force.
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic", as_of=early) == iv(
        F(1, 5), F(2, 5)
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic", as_of=late) == iv(
        F(1, 10), F(3, 10), True, False
    )
    assert jvm.foreign_contributions(g, "t", host="CN", undisclosed="domestic", as_of=early) == {
        "f": iv(F(1, 5), F(2, 5))
    }
    assert jvm.foreign_contributions(g, "t", host="CN", undisclosed="domestic", as_of=late) == {
        "g": iv(F(1, 10), F(3, 10), True, False)
    }
    # Undisclosed: 50% − w: (20%, 40%] in 2021 (open where G's band is).
    assert jvm.effective_ownership(g, "t", as_of=late) == {
        UNDISCLOSED: iv(F(1, 5), F(2, 5), False, True),
        "d": pt(F(1, 2)),
        "g": iv(F(1, 10), F(3, 10), True, False),
    }
    # The threshold on the target's own band, in force on the day asked.
    assert jvm.foreign_share(
        g, "t", host="CN", method="threshold", undisclosed="domestic", as_of=early
    ) == iv(F(1, 5), F(2, 5))


def test_dates_reach_the_non_linear_choice_through_a_layer() -> None:
    # H (CN) holds 60% of T, E (CN) 40%; F (US) [30%, 70%] of H until 2019, then [0%, 10%].
    # Threshold 1/2 without control, counted domestic: in 2019 H is foreign at F = 70%:
    # [0, 3/5]; in 2021 H never is: 0.
    g = _graph({"t": "CN", "h": "CN", "f": "US", "e": "CN"}, [("h", "t", "60%"), ("e", "t", "40%")])
    g.add_holding("f", "h", jvm.Range("30%", "70%"), valid_to=dt.date(2019, 12, 31))
    g.add_holding("f", "h", jvm.Range("0%", "10%"), valid_from=dt.date(2020, 1, 1))
    rule = Threshold(control=False)
    share = jvm.foreign_share
    assert share(
        g, "t", host="CN", method=rule, undisclosed="domestic", as_of=dt.date(2019, 6, 1)
    ) == iv(F(0), F(3, 5))
    assert share(
        g, "t", host="CN", method=rule, undisclosed="domestic", as_of=dt.date(2021, 6, 1)
    ) == pt(F(0))


def test_an_unknown_jurisdiction_counts_by_the_policy() -> None:
    # U (no jurisdiction) [20%, 40%] of T, F (US) 10%, D (CN) 30%.  Counted foreign:
    # 10% + w_U + (60% − w_U) = 7/10 whatever U holds.  Counted domestic: 1/10.
    g = _graph(
        {"t": "CN", "u": None, "f": "US", "d": "CN"},
        [("u", "t", jvm.Range("20%", "40%")), ("f", "t", "10%"), ("d", "t", "30%")],
    )
    assert jvm.foreign_share(g, "t", host="CN") == pt(F(7, 10))
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == pt(F(1, 10))
    assert jvm.attribute(g, "t", host="CN").values["u"] == pt(F(1))
    # Contributions: F's 1/10, and the part counted foreign for want of disclosure
    # (U's stake plus the unrecorded rest): 60% always.
    assert jvm.foreign_contributions(g, "t", host="CN") == {
        UNDISCLOSED: pt(F(3, 5)),
        "f": pt(F(1, 10)),
    }
    assert jvm.foreign_contributions(g, "t", host="CN", undisclosed="domestic") == {
        "f": pt(F(1, 10))
    }


def _incorporated() -> jvm.OwnershipGraph:
    # H (US) [20%, 40%] of T, E (CN) 50%; D (CN) holds all of H.
    return _graph(
        {"t": "CN", "h": "US", "e": "CN", "d": "CN"},
        [("h", "t", jvm.Range("20%", "40%")), ("e", "t", "50%"), ("d", "h", "100%")],
    )


def test_incorporation_stops_at_a_foreign_company() -> None:
    g = _incorporated()
    # Looked through, H is wholly domestic (D): 0.  Stopped by its incorporation,
    # H counts foreign: its band [1/5, 2/5].
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == pt(F(0))
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic", incorporation=True) == iv(
        F(1, 5), F(2, 5)
    )
    assert jvm.foreign_contributions(
        g, "t", host="CN", undisclosed="domestic", incorporation=True
    ) == {"h": iv(F(1, 5), F(2, 5))}
    assert jvm.foreign_contributions(g, "t", host="CN", undisclosed="domestic") == {}
    assert jvm.foreign_share(
        g, "t", host="CN", method="threshold", undisclosed="domestic", incorporation=True
    ) == iv(F(1, 5), F(2, 5))
    # Direct: T's holders by their own jurisdictions, H foreign: the same band.
    assert jvm.foreign_share(g, "t", host="CN", method="direct", undisclosed="domestic") == iv(
        F(1, 5), F(2, 5)
    )


def test_a_listed_jurisdiction_in_contributions() -> None:
    # HK (CN-HK) [20%, 40%] of T, D (CN) 60%, the rest counted domestic.
    g = _graph(
        {"t": "CN", "hk": "CN-HK", "d": "CN"},
        [("hk", "t", jvm.Range("20%", "40%")), ("d", "t", "60%")],
    )
    assert jvm.foreign_contributions(
        g, "t", host="CN", foreign=["CN-HK"], undisclosed="domestic"
    ) == {"hk": iv(F(1, 5), F(2, 5))}
    assert jvm.foreign_contributions(g, "t", host="CN", undisclosed="domestic") == {}
    assert jvm.foreign_share(
        g, "t", host="CN", method="threshold", foreign=["CN-HK"], undisclosed="domestic"
    ) == iv(F(1, 5), F(2, 5))


def test_contributions_called_directly_take_the_defaults() -> None:
    # F (US) [10%, 20%] of T, D (CN) 50%: by default on equity, counted foreign,
    # today: F [1/10, 1/5], undisclosed 50% − w_F ∈ [3/10, 2/5].
    g = _graph(
        {"t": "CN", "f": "US", "d": "CN"},
        [("f", "t", jvm.Range("10%", "20%")), ("d", "t", "50%")],
    )
    assert contributions_ranged(g, "t", host="CN", rule=Proportional()) == {
        UNDISCLOSED: iv(F(3, 10), F(2, 5)),
        "f": iv(F(1, 10), F(1, 5)),
    }
    assert contributions_ranged(g, "t", host="CN", rule=Direct(), undisclosed="domestic") == {
        "f": iv(F(1, 10), F(1, 5))
    }


def test_multiplier_room_too_small_to_cross_the_step() -> None:
    # F (US) [20%, 60%] of T, D (CN) 70%: room 10%, so F reaches 30% at most and never
    # crosses 50%.  Counted domestic: [1/5, 3/10].
    g = _graph(
        {"t": "CN", "f": "US", "d": "CN"},
        [("f", "t", jvm.Range("20%", "60%")), ("d", "t", "70%")],
    )
    assert jvm.foreign_share(g, "t", host="CN", method="multiplier", undisclosed="domestic") == iv(
        F(1, 5), F(3, 10)
    )


def test_multiplier_range_up_to_the_step() -> None:
    # F (US) [20%, 50%] of T: 50% itself does not control, so r = w ∈ [1/5, 1/2].
    g = _graph({"t": "CN", "f": "US"}, [("f", "t", jvm.Range("20%", "50%"))])
    assert jvm.foreign_share(g, "t", host="CN", method="multiplier", undisclosed="domestic") == iv(
        F(1, 5), F(1, 2)
    )


def test_multiplier_range_from_the_step() -> None:
    # F (US) [50%, 60%] of T: at 50% it counts 1/2, above it 100%: [1/2, 1].
    g = _graph({"t": "CN", "f": "US"}, [("f", "t", jvm.Range("50%", "60%"))])
    assert jvm.foreign_share(g, "t", host="CN", method="multiplier", undisclosed="domestic") == iv(
        F(1, 2), F(1)
    )


def test_multiplier_two_ranges_across_the_step() -> None:
    # F (US) and G (GB) each [40%, 60%] of T, nothing else recorded: room 20%.
    # Counted domestic.  Least: both at 40%: 4/5.  Greatest: one of them just above
    # the step (counted 100%) and the other spending the 10% left up to 50%:
    # 1 + 1/2 = 3/2 raw.  (Approached only, as the first must stay above 50%, but a
    # capacity-bound choice is reported closed, which is sound.)  Capped at 1.
    g = _graph(
        {"t": "CN", "f": "US", "g": "GB"},
        [("f", "t", jvm.Range("40%", "60%")), ("g", "t", jvm.Range("40%", "60%"))],
    )
    a = jvm.attribute(g, "t", host="CN", method="multiplier", undisclosed="domestic")
    assert a.raw["t"] == iv(F(4, 5), F(3, 2))
    assert a.share == iv(F(4, 5), F(1))


def test_non_linear_with_a_range_of_nothing_beside_a_band() -> None:
    # Z (US) "0% to 0%" of H (no holder), F (US) [30%, 70%] of H, D (CN) 20%; H holds 60%
    # of T, E (CN) 40%.  Z holds nothing in every scenario, so the bounds are those
    # without Z.  Threshold 1/2 (with or without control): H is foreign exactly when
    # F holds at least half, which the band allows and does not force, so T's share is
    # 0 or 3/5: [0, 3/5].  Presence: F is always present, H foreign, T 3/5.
    # (The scenarios used to keep Z's band, which the exact engine refuses.)
    g = _graph(
        {"t": "CN", "h": "CN", "f": "US", "d": "CN", "e": "CN", "z": "US"},
        [
            ("z", "h", jvm.Range("0%", "0%")),
            ("f", "h", jvm.Range("30%", "70%")),
            ("d", "h", "20%"),
            ("h", "t", "60%"),
            ("e", "t", "40%"),
        ],
    )
    for rule, expected in [
        (Threshold(control=False), iv(F(0), F(3, 5))),
        (Threshold(control=True), iv(F(0), F(3, 5))),
        ("presence", iv(F(3, 5), F(3, 5))),
    ]:
        share = jvm.foreign_share(g, "t", host="CN", method=rule, undisclosed="domestic")
        assert share == expected, rule


def test_the_mirror_rule_beside_an_exact_whole_stake() -> None:
    # X (US) holds all of H exactly, and F (US) a band [0%, 10%] of H which the room
    # (0) keeps at 0; H holds 60% of T, the rest of T counted domestic.  H is foreign
    # (r_H = 1), T's figure 3/5 (H holds less than all of T, so no mirror there).
    g = _graph(
        {"t": "CN", "h": "CN", "x": "US", "f": "US"},
        [("x", "h", "100%"), ("f", "h", jvm.Range("0%", "10%")), ("h", "t", "60%")],
    )
    rule = Threshold(control=False, mirror=True)
    assert jvm.foreign_share(g, "t", host="CN", method=rule, undisclosed="domestic") == pt(F(3, 5))


def test_ownership_by_votes() -> None:
    # F (US) holds 30% of T's equity and [40%, 60%] of its votes, D (CN) 40% of both.
    # Votes: F [2/5, 3/5], undisclosed 60% − w ∈ [0, 1/5], D 2/5.
    g = _graph({"t": "CN", "f": "US", "d": "CN"}, [("d", "t", "40%")])
    g.add_holding("f", "t", "30%", voting=jvm.Range("40%", "60%"))
    assert jvm.effective_ownership(g, "t", measure="voting") == {
        "f": iv(F(2, 5), F(3, 5)),
        "d": pt(F(2, 5)),
        UNDISCLOSED: iv(F(0), F(1, 5)),
    }
    assert jvm.foreign_contributions(g, "t", host="CN", measure="voting") == {
        "f": iv(F(2, 5), F(3, 5)),
        UNDISCLOSED: iv(F(0), F(1, 5)),
    }


def test_an_open_end_is_kept_when_a_later_stake_is_closed() -> None:
    # F1 (US) (10%, 20%) and F2 (US) [10%, 20%] of T, D (CN) 30%, the rest counted
    # domestic; room 1 − 10% − 10% − 30% = 1/2 ≥ both widths.  Least: both at 10%:
    # 1/5, open (F1's end); greatest: both at 20%: 2/5, open (F1's end), although F2's
    # ends, taken after F1's, are closed.
    g = _graph(
        {"t": "CN", "f1": "US", "f2": "US", "d": "CN"},
        [
            ("f1", "t", jvm.Range("10%", "20%", closed="neither")),
            ("f2", "t", jvm.Range("10%", "20%")),
            ("d", "t", "30%"),
        ],
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == iv(
        F(1, 5), F(2, 5), False, False
    )


def test_an_entity_whose_band_is_chosen_at_zero_stays_looked_through() -> None:
    # H (CN) is held only by F (US), (0%, 10%]; the rest of H is undisclosed, counted
    # foreign.  H holds 50% of T, E (CN) 50%.  Under presence H's raw share is
    # w_F + (1 − w_F) = 1 for every choice, even at the least choice F = 0 (H stays
    # looked through: all of it undisclosed, not an ultimate owner of its own
    # jurisdiction): T is 1/2 always.
    g = _graph(
        {"t": "CN", "h": "CN", "f": "US", "e": "CN"},
        [("f", "h", jvm.Range("0%", "10%", closed="right")), ("h", "t", "50%"), ("e", "t", "50%")],
    )
    a = jvm.attribute(g, "t", host="CN", method="presence")
    assert a.share == pt(F(1, 2))
    assert a.raw["h"] == pt(F(1))


def test_a_status_probe_steps_around_an_entity_of_its_name() -> None:
    # As in test_presence_with_a_band_from_zero (F (US) (0%, 10%] of H, D (CN) 50% of
    # H, H 40% of T, E (CN) 60%, counted domestic), with an unrelated entity named
    # "(probe)": the probe takes another name, and the bounds are unchanged: [0, 2/5].
    g = _graph(
        {"t": "CN", "h": "CN", "f": "US", "d": "CN", "e": "CN", "(probe)": "US"},
        [
            ("f", "h", jvm.Range("0%", "10%", closed="right")),
            ("d", "h", "50%"),
            ("h", "t", "40%"),
            ("e", "t", "60%"),
        ],
    )
    assert jvm.foreign_share(g, "t", host="CN", method="presence", undisclosed="domestic") == iv(
        F(0), F(2, 5)
    )
    assert "(probe)'" not in g


def test_spare_room_goes_to_foreign_holders_only() -> None:
    # H (CN): F (US) [10%, 30%], D (CN) [5%, 80%], the rest undisclosed, counted
    # foreign; room 1 − 10% − 5% = 17/20.  Threshold 1/2 with control.  Greatest: F
    # has gain 0, D gain −1: D stays at 5%, and the spare room goes to F (foreign) up
    # to 30%: r_H = 95%, foreign.  Least: D (gain +1) to 80%, F at 10%: r_H = 20%,
    # and F's 10% of the votes does not control: domestic.  H holds 1/2 of the JV:
    # [0, 1/2].
    g = _graph(
        {"jv": "CN", "h": "CN", "e": "CN", "f": "US", "d": "CN"},
        [
            ("h", "jv", "50%"),
            ("e", "jv", "50%"),
            ("f", "h", jvm.Range("10%", "30%")),
            ("d", "h", jvm.Range("5%", "80%")),
        ],
    )
    a = jvm.attribute(g, "jv", host="CN", method="threshold")
    assert a.share == iv(F(0), F(1, 2))
    assert a.raw["h"] == iv(F(1, 5), F(19, 20))
    assert a.reasons["h"] == (
        "foreign share 20% < 50% and not foreign-controlled (least); "
        "foreign share 95% ≥ 50% (greatest)"
    )


def test_multiplier_the_second_range_crosses_the_step_when_the_first_cannot() -> None:
    # F1 (US) [10%, 60%], F2 (US) [45%, 60%] of T, D (CN) 30%: room 1 − 85% = 3/20.
    # F1 cannot reach over 50% (it needs 2/5 more), F2 can (1/20 more).  Counted
    # domestic.  Least: both at their lower bounds: 11/20.  Greatest: F2 just over 50%
    # (100%) and the 1/10 left to F1 (20%): 6/5, capacity-bound: closed; capped at 1.
    g = _graph(
        {"t": "CN", "f1": "US", "f2": "US", "d": "CN"},
        [
            ("f1", "t", jvm.Range("10%", "60%")),
            ("f2", "t", jvm.Range("45%", "60%")),
            ("d", "t", "30%"),
        ],
    )
    a = jvm.attribute(g, "t", host="CN", method="multiplier", undisclosed="domestic")
    assert a.raw["t"] == iv(F(11, 20), F(6, 5))
    assert a.share == iv(F(11, 20), F(1))


def test_spare_room_stops_at_the_top_of_the_band() -> None:
    # H (CN): F (US) [10%, 40%], D (CN) 10%, the rest counted foreign; room 4/5.
    # Threshold 95% with control: r_H = w_F + (90% − w_F) = 9/10 < 95% always; the
    # spare room takes F to 40% and no further, short of control: H is domestic both
    # ways, and the JV (H 1/2, E (CN) 1/2) is 0.
    g = _graph(
        {"jv": "CN", "h": "CN", "e": "CN", "f": "US", "d": "CN"},
        [
            ("h", "jv", "50%"),
            ("e", "jv", "50%"),
            ("f", "h", jvm.Range("10%", "40%")),
            ("d", "h", "10%"),
        ],
    )
    a = jvm.attribute(g, "jv", host="CN", method=Threshold(threshold=F(19, 20)))
    assert a.share == pt(F(0))
    assert a.reasons["h"] == "foreign share 90% < 95% and not foreign-controlled"


def test_a_ranged_cross_holding_with_treasury_counted_foreign() -> None:
    # A holds 1/2 of its own shares: stakes in A count twice over the outstanding
    # half.  B holds w ∈ [10%, 30%] of A, the rest of A undisclosed (counted foreign);
    # A holds 20% of B, D (CN) 80%; A holds all of T.
    #   φ_A = 2w·φ_B + 2(1/2 − w),  φ_B = φ_A/5  ⇒  φ_A = (1 − 2w) / (1 − 2w/5):
    #   w = 3/10: (2/5)/(22/25) = 5/11;  w = 1/10: (4/5)/(24/25) = 5/6.
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
    a = jvm.attribute(g, "t", host="CN")
    assert a.share == iv(F(5, 11), F(5, 6))
    # φ_B = φ_A/5: [1/11, 1/6].
    assert a.values["b"] == iv(F(1, 11), F(1, 6))


def test_a_threshold_on_ranged_equity_keeps_the_exact_votes() -> None:
    # F (US): equity [5%, 50%] of H, votes 10%; D (CN) 50% of both; H holds 1/2 of the
    # JV, E (CN) 1/2; counted domestic.  On equity H is foreign when F's equity reaches
    # 1/2: [0, 1/2].  On votes (10%, exact) H never is: 0.
    g = _graph({"jv": "CN", "h": "CN", "e": "CN", "f": "US", "d": "CN"}, [])
    g.add_holding("h", "jv", "50%")
    g.add_holding("e", "jv", "50%")
    g.add_holding("f", "h", jvm.Range("5%", "50%"), voting="10%")
    g.add_holding("d", "h", "50%", voting="50%")
    rule = Threshold(control=False)
    a = jvm.attribute(g, "jv", host="CN", method=rule, undisclosed="domestic")
    assert a.share == iv(F(0), F(1, 2))
    assert a.raw["h"] == iv(F(1, 20), F(1, 2))


def test_room_run_out_before_a_holder_with_gain_closes_the_end() -> None:
    # F1 (US) [10%, 20%), F2 (US) [10%, 20%] of T, D (CN) 70%: room 1/10, exactly F1's
    # width.  Counted domestic, the greatest spends it on F1 (first by id) up to its
    # open end, leaving nothing for F2: 3/10, which is attained all the same (F1 at
    # 19%, F2 at 11%), so reported closed.  Least: both at 10%: 1/5, closed.
    g = _graph(
        {"t": "CN", "f1": "US", "f2": "US", "d": "CN"},
        [
            ("f1", "t", jvm.Range("10%", "20%", closed="left")),
            ("f2", "t", jvm.Range("10%", "20%")),
            ("d", "t", "70%"),
        ],
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == iv(F(1, 5), F(3, 10))
