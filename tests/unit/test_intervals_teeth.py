"""Ranged stakes pinned whole: every figure's interval (both ends, and whether each
is attained) under each method and undisclosed policy, on small structures whose
bounds are derived by hand (which end of which band gives the least and the
greatest figure), and the refusals of interval analysis with their messages."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis.intervals import _Stake, bounds, ranged_upstream
from jvmodel.analysis.methods import Method, Presence, Proportional, Threshold
from tests.unit._ranged import graph as _graph
from tests.unit._ranged import iv, pt

F = Fraction
UNDISCLOSED = jvm.UNDISCLOSED


# --- proportional, two layers, open ends ------------------------------------------


def _layers() -> jvm.OwnershipGraph:
    # F (US) holds [20%, 40%) of H (CN), D (CN) 30% of H, the rest of H undisclosed;
    # H holds (50%, 80%] of T (CN), E (CN) 10% of T, the rest of T undisclosed.
    # Room: H 1 − 20% − 30% = 1/2 (≥ F's width 1/5); T 1 − 50% − 10% = 2/5 (≥ 3/10).
    return _graph(
        {"t": "CN", "h": "CN", "f": "US", "d": "CN", "e": "CN"},
        [
            ("f", "h", jvm.Range("20%", "40%", closed="left")),
            ("d", "h", "30%"),
            ("h", "t", jvm.Range("50%", "80%", closed="right")),
            ("e", "t", "10%"),
        ],
    )


def test_layers_counted_domestic() -> None:
    # r_H = w_F ∈ [1/5, 2/5): least at F's closed 20%, greatest at F's open 40%.
    # r_T = w_H·r_H: least w_H → 1/2 (open) × 1/5 = 1/10, open; greatest
    # w_H = 4/5 (closed) × r_H → 2/5 (open) = 8/25, open.
    a = jvm.attribute(_layers(), "t", host="CN", undisclosed="domestic")
    share = iv(F(1, 10), F(8, 25), False, False)
    assert a.share == share
    assert a.upper == share
    assert a.status == share
    # The ultimate owners by their jurisdictions, as points.
    assert a.values == {
        "f": pt(F(1)),
        "d": pt(F(0)),
        "e": pt(F(0)),
        "h": iv(F(1, 5), F(2, 5), True, False),
        "t": share,
    }
    assert a.raw == a.values
    assert a.reasons == {}
    assert a.ambiguous == ()


def test_layers_counted_foreign() -> None:
    # r_H = w_F + (70% − w_F) = 7/10 whatever F's stake (its gain against the
    # undisclosed value is 0): a point, closed.
    # r_T = w_H·7/10 + (90% − w_H)·1 = 9/10 − 3/10·w_H: least at w_H = 4/5 (closed):
    # 9/10 − 6/25 = 33/50; greatest at w_H → 1/2 (open): 9/10 − 3/20 = 3/4, open.
    a = jvm.attribute(_layers(), "t", host="CN")
    assert a.share == iv(F(33, 50), F(3, 4), True, False)
    assert a.values["h"] == pt(F(7, 10))
    assert jvm.foreign_share(_layers(), "t", host="CN") == iv(F(33, 50), F(3, 4), True, False)


def test_layers_effective_ownership() -> None:
    # F: w_F·w_H ∈ (1/5·1/2, 2/5·4/5) = (1/10, 8/25), both ends open (each needs an
    # open end).  D: 3/10·w_H ∈ (3/20, 6/25]: open at w_H = 1/2, closed at 4/5.
    # E: 1/10 always.  Undisclosed: (90% − w_H) + w_H·(70% − w_F)
    # = 9/10 − w_H·(3/10 + w_F): least at w_H = 4/5, w_F → 2/5: 9/10 − 14/25 = 17/50
    # (open, F's end); greatest at w_H → 1/2, w_F = 1/5: 9/10 − 1/4 = 13/20 (open).
    shares = jvm.effective_ownership(_layers(), "t")
    assert shares == {
        UNDISCLOSED: iv(F(17, 50), F(13, 20), False, False),
        "f": iv(F(1, 10), F(8, 25), False, False),
        "d": iv(F(3, 20), F(6, 25), False, True),
        "e": pt(F(1, 10)),
    }
    # Largest upper bound first.
    assert list(shares) == [UNDISCLOSED, "f", "d", "e"]


def test_layers_contributions() -> None:
    # F's contribution is its look-through share (above); counted foreign, the
    # undisclosed part adds its own entry, as in effective ownership.
    parts = jvm.foreign_contributions(_layers(), "t", host="CN")
    assert parts == {
        UNDISCLOSED: iv(F(17, 50), F(13, 20), False, False),
        "f": iv(F(1, 10), F(8, 25), False, False),
    }
    assert list(parts) == [UNDISCLOSED, "f"]
    # Counted domestic, the undisclosed part can only be zero: left out.
    assert jvm.foreign_contributions(_layers(), "t", host="CN", undisclosed="domestic") == {
        "f": iv(F(1, 10), F(8, 25), False, False)
    }


# --- the knapsack: room shared by order of gain, bands from 0% -------------------


def _competing() -> jvm.OwnershipGraph:
    # T (CN): A (CN) and B (CN) each hold a band "up to 60%": A (0%, 60%], B [0%, 60%];
    # nothing else recorded, so the room is 1 and the two cannot both be at 60%.
    # A is held 1/2 by F (US) and 1/2 by D (CN): φ_A = 1/2; B wholly by F: φ_B = 1.
    return _graph(
        {"t": "CN", "a": "CN", "b": "CN", "f": "US", "d": "CN"},
        [
            ("a", "t", jvm.Range("0%", "60%", closed="right")),
            ("b", "t", jvm.Range("0%", "60%")),
            ("f", "a", "50%"),
            ("d", "a", "50%"),
            ("f", "b", "100%"),
        ],
    )


def test_room_goes_to_the_largest_gain_first() -> None:
    # Counted domestic: r_T = w_A/2 + w_B.  Greatest: B (gain 1) first to 60%, then A
    # (gain 1/2) takes the 40% left: 3/5 + 1/5 = 4/5, closed (A stops short of its end
    # because the room runs out).  Least: both at 0: 0, open (A's 0% is open).
    a = jvm.attribute(_competing(), "t", host="CN", undisclosed="domestic")
    assert a.share == iv(F(0), F(4, 5), False, True)
    assert a.values["a"] == pt(F(1, 2))
    assert a.values["b"] == pt(F(1))


def test_room_against_undisclosed_counted_foreign() -> None:
    # Counted foreign: r_T = w_A/2 + w_B + (1 − w_A − w_B) = 1 − w_A/2: B's gain is 0,
    # A's −1/2.  Least: A at 60% (closed): 7/10.  Greatest: A → 0 (open): 1, open.
    assert jvm.foreign_share(_competing(), "t", host="CN") == iv(F(7, 10), F(1), True, False)


def test_bands_from_zero_in_effective_ownership() -> None:
    # F: w_A/2 + w_B.  Greatest as above 4/5 (closed: capacity-bound); least 0, open.
    # D: w_A/2 ∈ (0, 3/10], closed at A's 60%.  Undisclosed: 1 − w_A − w_B ∈ [0, 1],
    # 0 reached by spending all the room (capacity-bound: closed), 1 needs A at 0
    # (open).
    assert jvm.effective_ownership(_competing(), "t") == {
        UNDISCLOSED: iv(F(0), F(1), True, False),
        "f": iv(F(0), F(4, 5), False, True),
        "d": iv(F(0), F(3, 10), False, True),
    }


def test_knapsack_ties_break_by_owner_id() -> None:
    # Two foreign holders of equal gain, "a" (US) and "b" (US), each [0%, 30%) of T,
    # D (CN) 60%: room 2/5.  Counted domestic, the greatest spends the room on "a"
    # first (ties by id): "a" to its open end 30%, then "b" takes 10% and the room
    # runs out (capacity-bound: closed): 2/5.  The least: 0, closed.
    g = _graph(
        {"t": "CN", "a": "US", "b": "US", "d": "CN"},
        [
            ("a", "t", jvm.Range("0%", "30%", closed="left")),
            ("b", "t", jvm.Range("0%", "30%", closed="left")),
            ("d", "t", "60%"),
        ],
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == iv(F(0), F(2, 5))


def test_a_range_of_nothing_and_a_stake_of_nothing_are_no_holders() -> None:
    # Z (US) holds "0% to 0%" and Y (US) 0% of T: neither is a holder.  F (US) [10%, 20%],
    # D (CN) 50%, the rest counted domestic: [1/10, 1/5]; only F, D and T appear.
    g = _graph(
        {"t": "CN", "f": "US", "d": "CN", "z": "US", "y": "US"},
        [
            ("z", "t", jvm.Range("0%", "0%")),
            ("y", "t", "0%"),
            ("f", "t", jvm.Range("10%", "20%")),
            ("d", "t", "50%"),
        ],
    )
    a = jvm.attribute(g, "t", host="CN", undisclosed="domestic")
    assert a.values == {"f": pt(F(1)), "d": pt(F(0)), "t": iv(F(1, 10), F(1, 5))}


def test_treasury_shares_scale_the_ranged_stakes() -> None:
    # T holds 20% of itself; F (US) [20%, 40%], D (CN) 20%: outstanding 4/5, scale 5/4,
    # room 1 − 20% − 20% − 20% = 2/5 ≥ F's width.  Counted domestic:
    # r = w_F·5/4 ∈ [1/4, 1/2].  Counted foreign: (w_F + 60% − w_F)·5/4 = 3/4.
    g = _graph(
        {"t": "CN", "f": "US", "d": "CN"},
        [("t", "t", "20%"), ("f", "t", jvm.Range("20%", "40%")), ("d", "t", "20%")],
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == iv(F(1, 4), F(1, 2))
    assert jvm.foreign_share(g, "t", host="CN") == pt(F(3, 4))
    assert jvm.effective_ownership(g, "t") == {
        "f": iv(F(1, 4), F(1, 2)),
        UNDISCLOSED: iv(F(1, 4), F(1, 2)),
        "d": pt(F(1, 4)),
    }


# --- ranged_upstream and bounds, pinned whole ---------------------------------------


def test_ranged_upstream_pinned() -> None:
    # T: treasury 10%, H (CN) [20%, 50%) from 2020 on, F (US) 30%, X (US) 5% until
    # 2019 only.  H: F (US) (10%, 60%], S (GB) 40% — S is stopped (an ultimate owner
    # whatever holds it), and P (GB) holds all of S.
    g = _graph({"t": "CN", "h": "CN", "f": "US", "x": "US", "s": "GB", "p": "GB"}, [])
    g.add_holding("t", "t", "10%")
    g.add_holding("h", "t", jvm.Range("20%", "50%", closed="left"), valid_from=dt.date(2020, 1, 1))
    g.add_holding("f", "t", "30%")
    g.add_holding("x", "t", "5%", valid_to=dt.date(2019, 12, 31))
    g.add_holding("f", "h", jvm.Range("10%", "60%", closed="right"))
    g.add_holding("s", "h", "40%")
    g.add_holding("p", "s", "100%")
    plan = ranged_upstream(
        g, "t", as_of=dt.date(2021, 1, 1), stop=lambda entity: entity.country == "GB"
    )
    assert plan.target == "t"
    assert plan.holders == {
        "t": (_Stake("h", F(1, 5), F(1, 2), True, False), _Stake("f", F(3, 10), F(3, 10))),
        "h": (_Stake("f", F(1, 10), F(3, 5), False, True), _Stake("s", F(2, 5), F(2, 5))),
    }
    # scale 1 / (1 − 10%) = 10/9 at T, 1 at H; room T: 1 − 10% − 20% − 30% = 2/5,
    # H: 1 − 10% − 40% = 1/2.
    assert plan.scale == {"t": F(10, 9), "h": F(1)}
    assert plan.room == {"t": F(2, 5), "h": F(1, 2)}
    assert plan.ultimate == ("f", "s")
    assert plan.order == (("h",), ("t",))
    assert set(plan.entities) == {"t", "h", "f", "s"}
    assert plan.entities["s"] == g.entity("s")
    assert plan.has_ranges
    # In 2019 H held nothing of T yet, and X held 5%: only exact stakes.
    early = ranged_upstream(g, "t", as_of=dt.date(2019, 6, 1))
    assert early.holders == {
        "t": (_Stake("f", F(3, 10), F(3, 10)), _Stake("x", F(1, 20), F(1, 20)))
    }
    assert early.room == {"t": F(11, 20)}
    assert early.ultimate == ("f", "x")
    assert not early.has_ranges


def test_ranged_upstream_by_votes() -> None:
    # F (US) holds 30% of the equity of T and [40%, 60%] of its votes.
    g = _graph({"t": "CN", "f": "US"}, [])
    g.add_holding("f", "t", "30%", voting=jvm.Range("40%", "60%"))
    assert ranged_upstream(g, "t").holders == {"t": (_Stake("f", F(3, 10), F(3, 10)),)}
    plan = ranged_upstream(g, "t", measure="voting")
    assert plan.holders == {"t": (_Stake("f", F(2, 5), F(3, 5)),)}
    assert plan.room == {"t": F(3, 5)}


def test_bounds_of_every_entity() -> None:
    # bounds() directly on _layers, counted domestic, with F's value 1/2 instead of 1:
    # H: w_F/2 ∈ [1/10, 1/5); T: w_H·r_H ∈ (1/20, 4/25); the ultimates as points.
    plan = ranged_upstream(_layers(), "t")
    found = bounds(plan, {"f": F(1, 2), "d": F(0), "e": F(0)}, F(0))
    assert found == {
        "f": pt(F(1, 2)),
        "d": pt(F(0)),
        "e": pt(F(0)),
        "h": iv(F(1, 10), F(1, 5), True, False),
        "t": iv(F(1, 20), F(4, 25), False, False),
    }


# --- the multiplier: ranges split at the 50% step ----------------------------------


def _controlling() -> jvm.OwnershipGraph:
    # F (US) holds [40%, 70%] of H (CN), D (CN) 30% of H, the rest of H undisclosed
    # (room 1 − 40% − 30% = 3/10 = F's width); H holds 60% of T (a controlling link:
    # counted 100%), E (CN) 40%.
    return _graph(
        {"t": "CN", "h": "CN", "f": "US", "d": "CN", "e": "CN"},
        [
            ("f", "h", jvm.Range("40%", "70%")),
            ("d", "h", "30%"),
            ("h", "t", "60%"),
            ("e", "t", "40%"),
        ],
    )


def test_multiplier_counted_domestic() -> None:
    # r_H = link(w_F): least at 40% (below the step): 2/5; greatest over 50%: 100%.
    # r_T = link(60%)·r_H = r_H: [2/5, 1].
    a = jvm.attribute(_controlling(), "t", host="CN", method="multiplier", undisclosed="domestic")
    assert a.share == iv(F(2, 5), F(1))
    assert a.values == {
        "f": pt(F(1)),
        "d": pt(F(0)),
        "e": pt(F(0)),
        "h": iv(F(2, 5), F(1)),
        "t": iv(F(2, 5), F(1)),
    }
    assert a.raw == a.values


def test_multiplier_counted_foreign_goes_over_100_percent() -> None:
    # r_H = link(w_F) + (70% − w_F).  At or below the step: w_F + 70% − w_F = 7/10.
    # Above it: 1 + 70% − w_F ∈ [1, 6/5): least at 70% (closed), greatest as w_F
    # falls to 50% (open: the piece above the step starts open).  So r_H ∈ [7/10, 6/5)
    # and r_T = r_H (E domestic, nothing undisclosed at T).  The reported share, and
    # every value, is capped at 100%: [7/10, 1], closed.
    a = jvm.attribute(_controlling(), "t", host="CN", method="multiplier")
    assert a.share == iv(F(7, 10), F(1))
    assert a.raw["h"] == iv(F(7, 10), F(6, 5), True, False)
    assert a.raw["t"] == iv(F(7, 10), F(6, 5), True, False)
    assert a.values["h"] == iv(F(7, 10), F(1))
    assert a.values["t"] == iv(F(7, 10), F(1))


def test_multiplier_contributions() -> None:
    # F: link(w_F)·1 ∈ [2/5, 1] at H, passed on whole by the 60% link.  Undisclosed
    # (counted foreign): 70% − w_F at H below the step, least 20% at w_F = 50%; above
    # it F's weight is worth nothing here, so 0 at w_F = 70%; greatest 3/10 at 40%.
    parts = jvm.foreign_contributions(_controlling(), "t", host="CN", method="multiplier")
    assert parts == {"f": iv(F(2, 5), F(1)), UNDISCLOSED: iv(F(0), F(3, 10))}
    assert list(parts) == ["f", UNDISCLOSED]


def test_multiplier_share_wholly_over_100_percent_is_capped_to_a_point() -> None:
    # F (US) [60%, 70%] of T, D (CN) 10%, the rest counted foreign:
    # r = 1 + (90% − w_F) ∈ [6/5, 13/10]; capped: the point 100%.
    g = _graph(
        {"t": "CN", "f": "US", "d": "CN"},
        [("f", "t", jvm.Range("60%", "70%")), ("d", "t", "10%")],
    )
    a = jvm.attribute(g, "t", host="CN", method="multiplier")
    assert a.share == pt(F(1))
    assert a.raw["t"] == iv(F(6, 5), F(13, 10))


def test_multiplier_range_with_an_open_top_over_the_step() -> None:
    # F (US) (30%, 80%) of T, nothing else recorded, counted domestic: least → 30%
    # (open); greatest: any stake over 50% counts 100% (closed: attained at 60%).
    g = _graph({"t": "CN", "f": "US"}, [("f", "t", jvm.Range("30%", "80%", closed="neither"))])
    share = jvm.foreign_share(g, "t", host="CN", method="multiplier", undisclosed="domestic")
    assert share == iv(F(3, 10), F(1), False, True)
    # Counted foreign: at or below the step w + (1 − w) = 1; above it 1 + (1 − w) ∈
    # (6/5, 3/2): least 1 (closed, below the step), greatest 3/2 (open), capped [1, 1].
    assert jvm.foreign_share(g, "t", host="CN", method="multiplier") == pt(F(1))


def test_multiplier_range_wholly_above_the_step_from_an_open_half() -> None:
    # F (US) (50%, 60%] of T, D (CN) 40%, counted domestic: every choice counts F
    # 100%: the point 1.  D's share of T under proportional: 2/5 exactly.
    g = _graph(
        {"t": "CN", "f": "US", "d": "CN"},
        [("f", "t", jvm.Range("50%", "60%", closed="right")), ("d", "t", "40%")],
    )
    assert jvm.foreign_share(g, "t", host="CN", method="multiplier", undisclosed="domestic") == pt(
        F(1)
    )
    # Proportional: (1/2, 3/5], open where F's band is.
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == iv(
        F(1, 2), F(3, 5), False, True
    )


# --- cross-holdings: policy iteration -------------------------------------------------


def _cross(stake: object) -> jvm.OwnershipGraph:
    # A holds `stake` of B, B holds 30% of A, F (US) 70% of A, D (CN) 70% of B;
    # A holds all of T.
    return _graph(
        {"t": "CN", "a": "CN", "b": "CN", "f": "US", "d": "CN"},
        [
            ("a", "b", stake),
            ("b", "a", "30%"),
            ("f", "a", "70%"),
            ("d", "b", "70%"),
            ("a", "t", "100%"),
        ],
    )


def test_cross_holding_counted_domestic() -> None:
    # w ∈ [10%, 30%]: x_A = 7/10 + 3/10·x_B, x_B = w·x_A ⇒ x_A = (7/10) / (1 − 3w/10):
    # least at w = 10%: 70/97; greatest at w = 30%: 70/91 = 10/13.  x_B = w·x_A:
    # 7/97 and 3/13.  Policy iteration reports its ends closed.
    a = jvm.attribute(_cross(jvm.Range("10%", "30%")), "t", host="CN", undisclosed="domestic")
    assert a.share == iv(F(70, 97), F(10, 13))
    assert a.values == {
        "f": pt(F(1)),
        "d": pt(F(0)),
        "a": iv(F(70, 97), F(10, 13)),
        "b": iv(F(7, 97), F(3, 13)),
        "t": iv(F(70, 97), F(10, 13)),
    }


def test_cross_holding_counted_foreign() -> None:
    # B's undisclosed 30% − w counts foreign: x_B = w·x_A + 3/10 − w, so
    # x_A = (79/100 − 3w/10) / (1 − 3w/10), decreasing in w: greatest at 10%:
    # (76/100)/(97/100) = 76/97; least at 30%: (70/100)/(91/100) = 10/13.
    # x_B: at 10%: 1/10·76/97 + 1/5 = 27/97; at 30%: 3/10·10/13 = 3/13.  Ends open
    # in the bands are still reported closed in a cycle (sound).
    a = jvm.attribute(_cross(jvm.Range("10%", "30%", closed="neither")), "t", host="CN")
    assert a.share == iv(F(10, 13), F(76, 97))
    assert a.values["a"] == iv(F(10, 13), F(76, 97))
    assert a.values["b"] == iv(F(3, 13), F(27, 97))
    assert jvm.effective_ownership(_cross(jvm.Range("10%", "30%")), "t") == {
        # F: x_A with D and the undisclosed part counted 0: (7/10)/(1 − 3w/10), as
        # counted domestic above.  D: x_A = 3/10·x_B, x_B = w·x_A + 7/10:
        # (21/100)/(1 − 3w/10): 21/97 at 10%, 21/91 = 3/13 at 30%.  Undisclosed:
        # (3/10·(3/10 − w))/(1 − 3w/10): 6/97 at 10%, 0 at 30%.
        "f": iv(F(70, 97), F(10, 13)),
        "d": iv(F(21, 97), F(3, 13)),
        UNDISCLOSED: iv(F(0), F(6, 97)),
    }


def _controlling_cross() -> jvm.OwnershipGraph:
    # A holds 60% of B (a controlling link), B 30% of A; F (US) 50% of A, D (CN) 20% of
    # A; B's other 40% is undisclosed.  A holds [40%, 60%] of T, E (CN) 40%.
    return _graph(
        {"t": "CN", "a": "CN", "b": "CN", "f": "US", "d": "CN", "e": "CN"},
        [
            ("a", "b", "60%"),
            ("b", "a", "30%"),
            ("f", "a", "50%"),
            ("d", "a", "20%"),
            ("a", "t", jvm.Range("40%", "60%")),
            ("e", "t", "40%"),
        ],
    )


def test_exact_cross_holding_under_the_multiplier() -> None:
    # Counted domestic: x_B = link(60%)·x_A = x_A, x_A = 1/2 + 3/10·x_B ⇒ 5/7.
    # T: link(w)·5/7 with w ∈ [40%, 60%] (room 20% = width): [2/7, 5/7].
    a = jvm.attribute(
        _controlling_cross(), "t", host="CN", method="multiplier", undisclosed="domestic"
    )
    assert a.share == iv(F(2, 7), F(5, 7))
    assert a.values["a"] == pt(F(5, 7))
    assert a.values["b"] == pt(F(5, 7))
    # Proportional: x_B = 3/5·x_A ⇒ x_A = (1/2)/(1 − 9/50) = 25/41; T: w·25/41.
    assert jvm.foreign_share(_controlling_cross(), "t", host="CN", undisclosed="domestic") == iv(
        F(10, 41), F(15, 41)
    )


def test_exact_cross_holding_under_the_multiplier_counted_foreign() -> None:
    # x_B = x_A + 2/5 (B's undisclosed 40%), x_A = 1/2 + 3/10·x_B ⇒ 7/10·x_A = 31/50:
    # x_A = 31/35, x_B = 9/7 (over 100%: intermediate values are not capped in raw).
    # T = link(w)·31/35 + (60% − w): at or below the step 3/5 − 4w/35, least at 50%:
    # 19/35 (closed); above it 31/35 + 3/5 − w, greatest as w falls to 50%:
    # 31/35 + 1/10 = 69/70 (open).
    a = jvm.attribute(_controlling_cross(), "t", host="CN", method="multiplier")
    assert a.share == iv(F(19, 35), F(69, 70), True, False)
    assert a.raw["a"] == pt(F(31, 35))
    assert a.raw["b"] == pt(F(9, 7))
    assert a.values["b"] == pt(F(1))


# --- non-linear methods: threshold and presence ------------------------------------


def _threshold_layers() -> jvm.OwnershipGraph:
    # F (US) [30%, 70%] of H (CN), D (CN) 20% of H (room 1/2 ≥ F's width 2/5);
    # H holds 60% of T (CN), E (CN) 40%.
    return _graph(
        {"t": "CN", "h": "CN", "f": "US", "d": "CN", "e": "CN"},
        [
            ("f", "h", jvm.Range("30%", "70%")),
            ("d", "h", "20%"),
            ("h", "t", "60%"),
            ("e", "t", "40%"),
        ],
    )


def test_threshold_without_control_through_a_layer() -> None:
    # Counted domestic, threshold 1/2 inclusive, no control test.  Least: F at 30%:
    # r_H = 3/10 < 1/2, H domestic, r_T = 0.  Greatest: F at 70%: r_H = 7/10, H
    # foreign, r_T = 60%·1 = 3/5 (T's own status: 1).  Ranged stakes above the
    # target: ends reported closed.
    rule = Threshold(control=False)
    a = jvm.attribute(_threshold_layers(), "t", host="CN", method=rule, undisclosed="domestic")
    assert a.share == iv(F(0), F(3, 5))
    assert a.upper == a.share
    assert a.status == iv(F(0), F(1))
    assert a.values == {"f": 1, "d": 0, "e": 0, "h": iv(F(0), F(1)), "t": iv(F(0), F(1))}
    assert a.raw == {
        "f": 1,
        "d": 0,
        "e": 0,
        "h": iv(F(3, 10), F(7, 10)),
        "t": iv(F(0), F(3, 5)),
    }
    ultimate = "ultimate owner, by its jurisdiction"
    assert a.reasons == {
        "f": ultimate,
        "d": ultimate,
        "e": ultimate,
        "h": "foreign share 30% < 50% (least); foreign share 70% ≥ 50% (greatest)",
        "t": "foreign share 0% < 50% (least); foreign share 60% ≥ 50% (greatest)",
    }
    assert a.ambiguous == ()


def test_threshold_counted_foreign_is_a_point() -> None:
    # Counted foreign, r_H = w_F + (80% − w_F) = 4/5 for every choice: H foreign,
    # r_T = 3/5: points; the reasons the same both ways.
    rule = Threshold(control=False)
    a = jvm.attribute(_threshold_layers(), "t", host="CN", method=rule)
    assert a.share == pt(F(3, 5))
    assert a.raw["h"] == pt(F(4, 5))
    assert a.reasons["h"] == "foreign share 80% ≥ 50%"


def test_presence_with_a_band_from_zero() -> None:
    # F (US) (0%, 10%] of H (CN), D (CN) 50% of H; H 40% of T, E (CN) 60%; counted
    # domestic.  Least: F at 0 (its band's lower bound, although open): H has no
    # foreign layer, r_T = 0.  Greatest: F at 10%: H foreign, r_T = 40%.  F's status
    # at the least (where its stake is nothing) is read by a probe: 1.  The least
    # structure has no F, so F is not among the values.  Sound, not tight: every
    # stake F can hold makes H foreign.
    g = _graph(
        {"t": "CN", "h": "CN", "f": "US", "d": "CN", "e": "CN"},
        [
            ("f", "h", jvm.Range("0%", "10%", closed="right")),
            ("d", "h", "50%"),
            ("h", "t", "40%"),
            ("e", "t", "60%"),
        ],
    )
    a = jvm.attribute(g, "t", host="CN", method=Presence(), undisclosed="domestic")
    assert a.share == iv(F(0), F(2, 5))
    assert a.values == {"d": 0, "e": 0, "h": iv(F(0), F(1)), "t": iv(F(0), F(1))}
    assert a.raw == {"d": 0, "e": 0, "h": iv(F(0), F(1, 10)), "t": iv(F(0), F(2, 5))}
    assert a.reasons["h"] == (
        "no foreign share at any layer (least); "
        "has a foreign layer (foreign share 10% > 0) (greatest)"
    )
    # Counted foreign, H's undisclosed part is foreign whatever F holds: the point 2/5.
    assert jvm.foreign_share(g, "t", host="CN", method="presence") == pt(F(2, 5))


def test_threshold_on_the_targets_own_open_band() -> None:
    # Only the target's stakes are ranged: F (US) (20%, 40%) of T, D (CN) 50%, counted
    # domestic: r = w_F, both ends open.
    g = _graph(
        {"t": "CN", "f": "US", "d": "CN"},
        [("f", "t", jvm.Range("20%", "40%", closed="neither")), ("d", "t", "50%")],
    )
    a = jvm.attribute(g, "t", host="CN", method="threshold", undisclosed="domestic")
    assert a.share == iv(F(1, 5), F(2, 5), False, False)
    # The status is the span of the two evaluations, closed: 0 (1/5 < 1/2) both ways.
    assert a.status == pt(F(0))
    # Counted foreign: w_F + (50% − w_F) = 1/2 for every choice: a point, closed.
    assert jvm.foreign_share(g, "t", host="CN", method="threshold") == pt(F(1, 2))


def test_threshold_on_the_targets_own_domestic_band() -> None:
    # F (US) 30% of T, D (CN) [20%, 40%), the rest counted foreign: r = 1 − w_D.
    # Least: D → 40% (open): 3/5, open; greatest: D at 20% (closed): 4/5.
    g = _graph(
        {"t": "CN", "f": "US", "d": "CN"},
        [("f", "t", "30%"), ("d", "t", jvm.Range("20%", "40%", closed="left"))],
    )
    share = jvm.foreign_share(g, "t", host="CN", method="threshold")
    assert share == iv(F(3, 5), F(4, 5), False, True)
    # Counted domestic: r = 30%, whatever D holds.
    assert jvm.foreign_share(g, "t", host="CN", method="threshold", undisclosed="domestic") == pt(
        F(3, 10)
    )


def test_presence_on_the_targets_own_band_from_zero() -> None:
    # F (US) (0%, 10%] of T, D (CN) 50%, counted domestic: r = w_F ∈ (0, 1/10]: the
    # open 0 kept; the status spans 0 (nothing foreign) to 1.
    g = _graph(
        {"t": "CN", "f": "US", "d": "CN"},
        [("f", "t", jvm.Range("0%", "10%", closed="right")), ("d", "t", "50%")],
    )
    a = jvm.attribute(g, "t", host="CN", method="presence", undisclosed="domestic")
    assert a.share == iv(F(0), F(1, 10), False, True)
    assert a.status == iv(F(0), F(1))


def test_threshold_control_by_the_first_foreign_holder_given_the_room() -> None:
    # H (CN): F1 (US) [10%, 60%], F2 (US) [10%, 60%], D (CN) 30%, the rest counted
    # foreign; room 1 − 10% − 10% − 30% = 1/2.  Threshold 9/10 with control.  Least:
    # both at 10%: r_H = 20% + 50% = 7/10 < 9/10, foreign votes 20%: domestic.
    # Greatest: the knapsack gains are 0 (foreign against foreign undisclosed), so the
    # spare 1/2 goes to foreign holders by id: F1 to 60% (controls H), F2 stays at 10%.
    # H holds 1/2 of the JV, E (CN) 1/2: [0, 1/2].
    g = _graph(
        {"jv": "CN", "h": "CN", "e": "CN", "f1": "US", "f2": "US", "d": "CN"},
        [
            ("h", "jv", "50%"),
            ("e", "jv", "50%"),
            ("f1", "h", jvm.Range("10%", "60%")),
            ("f2", "h", jvm.Range("10%", "60%")),
            ("d", "h", "30%"),
        ],
    )
    a = jvm.attribute(g, "jv", host="CN", method=Threshold(threshold=F(9, 10), control=True))
    assert a.share == iv(F(0), F(1, 2))
    assert a.raw["h"] == pt(F(7, 10))
    assert a.reasons["h"] == (
        "foreign share 70% < 90% and not foreign-controlled (least); "
        "controlled by foreign 'f1' (greatest)"
    )


def test_the_mirror_rule_passes_on_a_ranged_raw_share() -> None:
    # H holds all of T; F (US) [20%, 40%] of H, D (CN) 60%, counted domestic.  H's
    # status is 0 both ways (r_H < 1/2); the mirror rule passes on r_H: [1/5, 2/5].
    g = _graph(
        {"t": "CN", "h": "CN", "f": "US", "d": "CN"},
        [("h", "t", "100%"), ("f", "h", jvm.Range("20%", "40%")), ("d", "h", "60%")],
    )
    rule = Threshold(control=False, mirror=True)
    assert jvm.foreign_share(g, "t", host="CN", method=rule, undisclosed="domestic") == iv(
        F(1, 5), F(2, 5)
    )
    # Without the mirror, H counts 0 whatever F holds: 0.
    assert jvm.foreign_share(
        g, "t", host="CN", method=Threshold(control=False), undisclosed="domestic"
    ) == pt(F(0))


def test_threshold_on_ranged_votes_with_equity_exact() -> None:
    # F (US): equity 10%, votes [30%, 70%] in H (CN); D (CN) 20% of both.  On votes
    # (threshold 1/2, no control): least 30% domestic, greatest 70% foreign; H holds 60%
    # of T (equity and votes), E (CN) 40%: T's foreign votes [0, 3/5].  The equity stays
    # 10% in every choice, so on equity H is domestic and T is 0.
    g = _graph({"t": "CN", "h": "CN", "f": "US", "d": "CN", "e": "CN"}, [])
    g.add_holding("f", "h", "10%", voting=jvm.Range("30%", "70%"))
    g.add_holding("d", "h", "20%")
    g.add_holding("h", "t", "60%")
    g.add_holding("e", "t", "40%")
    rule = Threshold(control=False)
    a = jvm.attribute(g, "t", host="CN", method=rule, measure="voting", undisclosed="domestic")
    assert a.share == iv(F(0), F(3, 5))
    assert a.raw["h"] == iv(F(3, 10), F(7, 10))
    assert a.measure == "voting"


# --- refusals ------------------------------------------------------------------------


def _one_band() -> jvm.OwnershipGraph:
    # F (US) [10%, 20%] of T, D (CN) 50%.
    return _graph(
        {"t": "CN", "f": "US", "d": "CN"},
        [("f", "t", jvm.Range("10%", "20%")), ("d", "t", "50%")],
    )


def test_exclude_is_refused_by_attribute() -> None:
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^the closure of 't' holds ranged stakes, and undisclosed='exclude' "
        r"renormalises over the known part \(a ratio of ranged sums\) which interval "
        r"analysis does not bound; use undisclosed='foreign' or 'domestic'$",
    ) as e:
        jvm.attribute(_one_band(), "t", host="CN", undisclosed="exclude")
    assert (e.value.reason, e.value.entity) == ("ranged exclude", "t")


def test_exclude_is_refused_by_contributions() -> None:
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^the closure of 't' holds ranged stakes, and undisclosed='exclude' is not "
        r"supported with ranges; use undisclosed='foreign' or 'domestic'$",
    ) as e:
        jvm.foreign_contributions(_one_band(), "t", host="CN", undisclosed="exclude")
    assert (e.value.reason, e.value.entity) == ("ranged exclude", "t")


def test_a_non_monotone_method_is_refused() -> None:
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^method 'largest-holder' with ranged stakes: interval bounds are computed for "
        r"the linear methods, 'presence' and 'threshold' only \(the largest holder changes "
        r"with the stakes in a way that is not monotone\); record the stakes in 't''s "
        r"closure exactly$",
    ) as e:
        jvm.foreign_share(_one_band(), "t", host="CN", method="largest-holder")
    assert (e.value.reason, e.value.entity) == ("ranged stake under a non-monotone method", "t")


class _Halved(Method):
    """A linear method with its own link: every stake counts half."""

    name = "halved"

    def link(self, stake: Fraction) -> Fraction:
        return stake / 2


def test_a_custom_link_is_refused() -> None:
    message = (
        r"^method 'halved' has its own link transform; interval bounds with ranged stakes "
        r"are computed for the identity and the multiplier's step only$"
    )
    with pytest.raises(jvm.UnsupportedAnalysisError, match=message) as e:
        jvm.foreign_share(_one_band(), "t", host="CN", method=_Halved())
    assert (e.value.reason, e.value.entity) == ("ranged stake under a custom link", "t")
    with pytest.raises(jvm.UnsupportedAnalysisError, match=message):
        jvm.foreign_contributions(_one_band(), "t", host="CN", method=_Halved())


def test_contributions_refuse_a_non_linear_method() -> None:
    from jvmodel.analysis.intervals import contributions_ranged

    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^method 'threshold' is not linear; per-owner contributions are defined for "
        r"linear methods only$",
    ) as e:
        contributions_ranged(_one_band(), "t", host="CN", rule=Threshold())
    assert e.value.reason == "non-linear method"


def test_proportional_and_direct_use_the_identity() -> None:
    from jvmodel.analysis.intervals import contributions_ranged

    # Proportional: F's contribution is its band, [1/10, 1/5]; the undisclosed part
    # 50% − w_F ∈ [3/10, 2/5].  Direct: the same (T's holders are ultimate anyway).
    for rule in (Proportional(), jvm.methods.Direct()):
        assert contributions_ranged(_one_band(), "t", host="CN", rule=rule) == {
            UNDISCLOSED: iv(F(3, 10), F(2, 5)),
            "f": iv(F(1, 10), F(1, 5)),
        }


def _ranged_cycle() -> jvm.OwnershipGraph:
    # A holds [10%, 30%] of B, B 30% of A; F (US) 70% of A; A holds all of T.
    return _graph(
        {"t": "CN", "a": "CN", "b": "CN", "f": "US"},
        [
            ("a", "b", jvm.Range("10%", "30%")),
            ("b", "a", "30%"),
            ("f", "a", "70%"),
            ("a", "t", "100%"),
        ],
    )


def test_a_ranged_cycle_is_refused_under_a_non_linear_method() -> None:
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^a ranged stake in the cross-holding 'a', 'b' under method 'threshold': "
        r"interval bounds of non-linear methods are computed on acyclic parts only; "
        r"record the stakes in the cycle exactly$",
    ) as e:
        jvm.foreign_share(_ranged_cycle(), "t", host="CN", method="threshold")
    assert e.value.reason == "ranged stake in a cycle"
    assert e.value.entities == ("a", "b")


def test_a_ranged_treasury_stake_above_the_target_is_refused() -> None:
    # A holds [10%, 20%] of its own shares (a ranged treasury stake), A holds all of T.
    g = _graph({"t": "CN", "a": "CN", "f": "US"}, [("f", "a", "50%"), ("a", "t", "100%")])
    g.add_holding("a", "a", jvm.Range("10%", "20%"))
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^the treasury stake of 'a' is a range \(Range\('10%', '20%', "
        r"closed='both'\)\); interval analysis needs treasury shares as an exact figure$",
    ) as e:
        jvm.foreign_share(g, "t", host="CN", method="presence")
    assert (e.value.reason, e.value.entity) == ("ranged treasury", "a")


class _AllOwnShares:
    """A graph-like object whose "t" records two treasury halves on the day asked (the
    graph itself refuses overlapping stakes of one holder, and a single 100%)."""

    def entity(self, entity_id: str) -> jvm.Entity:
        return jvm.Entity(id=entity_id, jurisdiction="CN")

    def holdings_of(self, entity_id: str, *, as_of: object = None) -> list[jvm.Holding]:
        half = jvm.Holding(owner="t", owned="t", equity="50%")
        return [half, half]


def test_a_target_holding_all_of_its_own_shares_is_refused() -> None:
    # Treasury 1/2 + 1/2 = 1: nothing is left outstanding to look through to.
    with pytest.raises(
        jvm.CircularOwnershipError,
        match=r"^'t' holds all of its own shares, so it has no owner to look through to$",
    ) as e:
        ranged_upstream(_AllOwnShares(), "t")  # type: ignore[arg-type]
    assert e.value.entities == ("t",)


def test_a_ranged_cycle_is_refused_under_the_multiplier() -> None:
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^a ranged stake in the cross-holding 'a', 'b' under a link transform other "
        r"than the identity \(the multiplier\): interval bounds are computed there for "
        r"proportional methods only; record the stakes in the cycle exactly$",
    ) as e:
        jvm.foreign_share(_ranged_cycle(), "t", host="CN", method="multiplier")
    assert e.value.reason == "ranged stake in a cycle"
    assert e.value.entities == ("a", "b")


def test_an_unbounded_multiplier_cycle_is_refused() -> None:
    # A and B hold 60% of each other: both links count 100% and the path sums diverge.
    g = _graph(
        {"jv": "CN", "a": "CN", "b": "CN", "f": "US"},
        [
            ("a", "b", "60%"),
            ("b", "a", "60%"),
            ("f", "a", "40%"),
            ("a", "jv", jvm.Range("20%", "30%")),
        ],
    )
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^the link transform makes the path sums around 'a', 'b' unbounded \(a cycle "
        r"of links counted as 100%\); interval bounds are not computed there$",
    ) as e:
        jvm.foreign_share(g, "jv", host="CN", method="multiplier")
    assert e.value.reason == "unbounded cycle"
    assert e.value.entities == ("a", "b")
    # Proportional solves the same cycle: x_A = 2/5 + 3/5·x_B, x_B = 3/5·x_A ⇒
    # x_A = (2/5)/(16/25) = 5/8; the JV: [20%, 30%]·5/8 = [1/8, 3/16] (counted
    # domestic: nothing else recorded).
    assert jvm.foreign_share(g, "jv", host="CN", undisclosed="domestic") == iv(F(1, 8), F(3, 16))


def test_ranges_that_can_close_a_loop_are_refused() -> None:
    g = _graph(
        {"jv": "CN", "a": "CN", "b": "CN"},
        [
            ("a", "b", jvm.Range("50%", "100%")),
            ("b", "a", jvm.Range("50%", "100%")),
            ("a", "jv", "50%"),
        ],
    )
    with pytest.raises(
        jvm.CircularOwnershipError,
        match=r"^within their ranges, the stakes of 'a', 'b' can make them own each other "
        r"entirely, with no outside owner; narrow the ranges or record the outside part$",
    ) as e:
        jvm.foreign_share(g, "jv", host="CN", undisclosed="domestic")
    assert e.value.entities == ("a", "b")


def test_the_mirror_rule_refuses_a_range_reaching_100_percent() -> None:
    g = _graph(
        {"t": "CN", "h": "CN", "f": "US"},
        [("h", "t", "60%"), ("f", "h", jvm.Range("60%", "100%"))],
    )
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^the stake of 'f' in 'h' is a range reaching 100%, and the wholly-owned-"
        r"subsidiary rule passes on a different figure at exactly 100%; record the stake "
        r"exactly or narrow the range$",
    ) as e:
        jvm.foreign_share(g, "t", host="CN", method=Threshold(mirror=True))
    assert (e.value.reason, e.value.entity) == ("ranged stake under the mirror rule", "h")
    # Without the mirror rule the same range is bounded: H is foreign at any F ≥ 60%
    # (r_H ≥ 60%), so T's figure is 60% whatever the choice (T's other 40% counted
    # domestic).
    assert jvm.foreign_share(g, "t", host="CN", method="threshold", undisclosed="domestic") == pt(
        F(3, 5)
    )


def test_ambiguous_statuses_are_refused() -> None:
    # A and B (CN) hold 60% of each other, the rest of each undisclosed (counted
    # domestic): under a threshold each is foreign only if the other is, so their
    # statuses are ambiguous; A holds [10%, 20%] of T.
    g = _graph(
        {"t": "CN", "a": "CN", "b": "CN"},
        [("a", "b", "60%"), ("b", "a", "60%"), ("a", "t", jvm.Range("10%", "20%"))],
    )
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^with the stakes chosen within their ranges, the status of 'a', 'b', 't' is "
        r"ambiguous \(a cross-holding\); interval bounds are not computed there$",
    ) as e:
        jvm.foreign_share(
            g, "t", host="CN", method=Threshold(control=False), undisclosed="domestic"
        )
    assert e.value.reason == "ranged stake with ambiguous statuses"
    assert e.value.entities == ("a", "b", "t")
