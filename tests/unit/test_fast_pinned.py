"""The fast engine pinned on small hand-built structures, against the exact engine."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis import fast

from .test_fast import graph


def test_an_expired_holding_before_a_current_one_of_the_same_pair_is_skipped() -> None:
    # F held 60% of T until 2020; since 2021 F holds 30% and D (CN) 70%.  On 2021-06-01
    # only the later holdings count: T is 30% foreign (the 60% holding is listed first
    # and must be skipped, not end the reading of F's holdings in T).  Undisclosed parts
    # count domestic, so a lost 30% cannot come back as undisclosed.
    g = graph({"f": "GB", "d": "CN", "t": "CN"}, [])
    g.add_holding("f", "t", "60%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("f", "t", "30%", valid_from=dt.date(2021, 1, 1))
    g.add_holding("d", "t", "70%", valid_from=dt.date(2021, 1, 1))
    day = dt.date(2021, 6, 1)
    shares = fast.foreign_shares(g, host="CN", as_of=day, undisclosed="domestic")
    assert shares["t"] == pytest.approx(0.3, abs=1e-15)
    exact = jvm.foreign_share(g, "t", host="CN", as_of=day, undisclosed="domestic")
    assert exact == Fraction(3, 10)


def test_a_closed_loop_after_an_open_one_is_still_found() -> None:
    # A and B hold 50% of each other (the other 50% of each is undisclosed: open);
    # C and D hold 100% of each other (closed: no owner at all).  The open component
    # comes first in the array form; the closed one after it must still be marked.
    g = graph(
        {"a": "CN", "b": "CN", "c": "CN", "d": "CN"},
        [("a", "b", "50%"), ("b", "a", "50%"), ("c", "d", "100%"), ("d", "c", "100%")],
    )
    assert fast.array_form(g).blocks == ((0, 2), (2, 2))
    shares = fast.foreign_shares(g, host="CN")
    reason = (
        "entities 'c', 'd' own each other entirely, with no outside owner; "
        "their look-through has no ultimate owner"
    )
    assert shares.unresolved == {"c": reason, "d": reason}
    # Open loop: φa = 1/2 (undisclosed, counted foreign) + φb/2, φb = 1/2 + φa/2: φ = 1.
    assert shares["a"] == pytest.approx(1.0, abs=1e-15)
    assert shares["b"] == pytest.approx(1.0, abs=1e-15)


def test_a_closed_loop_reason_names_exactly_its_members() -> None:
    # F (GB) comes first; A and B own each other entirely (positions 1 and 2 on level 0),
    # so the reason names 'a' and 'b' only.
    g = graph({"f": "GB", "a": "CN", "b": "CN"}, [("a", "b", "100%"), ("b", "a", "100%")])
    shares = fast.foreign_shares(g, host="CN")
    reason = (
        "entities 'a', 'b' own each other entirely, with no outside owner; "
        "their look-through has no ultimate owner"
    )
    assert shares.unresolved == {"a": reason, "b": reason}


def test_a_diverging_loop_leaves_a_loop_of_the_same_size_and_level_solved() -> None:
    # Two components of three on level 1, solved together as one group:
    # * A, B, C under the multiplier: B holds 60% of A and A 60% of B and of C, each
    #   above one half and so counted as 100%; C holds 40% of A, G (GB) 10% of C.
    #   The links around the loop, A←B←A (1 × 1) and A←C←A (0.4 × 1), sum to 1.4 > 1:
    #   the series diverges, so A, B and C are unresolved.
    # * X, Y, Z: Y holds 10% of X, Z 10% of Y, X 10% of Z, F (GB) 50% of X; the rest is
    #   undisclosed, here domestic.  φX = 1/2 + φY/10, φY = φZ/10, φZ = φX/10, so
    #   φX = 1/2 + φX/1000, φX = 500/999, φZ = 50/999, φY = 5/999: unaffected by A, B, C.
    g = graph(
        {"f": "GB", "g": "GB", "a": "CN", "b": "CN", "c": "CN", "x": "CN", "y": "CN", "z": "CN"},
        [
            ("b", "a", "60%"),
            ("c", "a", "40%"),
            ("a", "b", "60%"),
            ("a", "c", "60%"),
            ("g", "c", "10%"),
            ("f", "x", "50%"),
            ("y", "x", "10%"),
            ("z", "y", "10%"),
            ("x", "z", "10%"),
        ],
    )
    groups = fast.array_form(g).groups
    assert [[(group.size, len(group.rows)) for group in level] for level in groups] == [
        [],
        [(3, 2)],
    ]
    shares = fast.foreign_shares(g, host="CN", method="multiplier", undisclosed="domestic")
    reason = (
        "under multiplier, the cross-holdings of 'a', 'b', 'c' attribute ever more "
        "without limit (the series of their stakes diverges)"
    )
    assert shares.unresolved == {"a": reason, "b": reason, "c": reason}
    assert shares["x"] == pytest.approx(500 / 999, abs=1e-15)
    assert shares["y"] == pytest.approx(5 / 999, abs=1e-15)
    assert shares["z"] == pytest.approx(50 / 999, abs=1e-15)
    assert all(math.isnan(shares[e]) for e in "abc")
    exact = jvm.foreign_share(g, "x", host="CN", method="multiplier", undisclosed="domestic")
    assert exact == Fraction(500, 999)


def test_exclude_decides_a_near_half_stake_on_its_exact_renormalised_value() -> None:
    # F (GB) holds all of H.  H holds 3/8 + 10⁻¹⁸ of L, D (CN) 3/8; the rest of L is
    # undisclosed and left out.  Renormalised, H holds (3/8 + 10⁻¹⁸) / (3/4 + 10⁻¹⁸),
    # just above one half (its float is exactly 0.5): under the multiplier it counts
    # 100%, so L is wholly foreign.  D's (3/8) / (3/4 + 10⁻¹⁸) is domestic.
    g = graph(
        {"f": "GB", "d": "CN", "h": "CN", "l": "CN"},
        [
            ("f", "h", "100%"),
            ("h", "l", "375000000000000001/1000000000000000000"),
            ("d", "l", "3/8"),
        ],
    )
    shares = fast.foreign_shares(g, host="CN", method="multiplier", undisclosed="exclude")
    assert shares["h"] == 1.0
    assert shares["l"] == 1.0
    exact = jvm.foreign_share(g, "l", host="CN", method="multiplier", undisclosed="exclude")
    assert exact == 1


def test_exclude_keeps_a_near_half_stake_of_exactly_one_half() -> None:
    # H holds 3/8 of L and D (CN) 3/8; 1/4 undisclosed, left out.  Renormalised, H holds
    # exactly (3/8) / (3/4) = 1/2: not above one half, so it stays 1/2 and L is 1/2
    # foreign (so does the exact engine).
    g = graph(
        {"f": "GB", "d": "CN", "h": "CN", "l": "CN"},
        [("f", "h", "100%"), ("h", "l", "3/8"), ("d", "l", "3/8")],
    )
    shares = fast.foreign_shares(g, host="CN", method="multiplier", undisclosed="exclude")
    assert shares["l"] == 0.5
    exact = jvm.foreign_share(g, "l", host="CN", method="multiplier", undisclosed="exclude")
    assert exact == Fraction(1, 2)
