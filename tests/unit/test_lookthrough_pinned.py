"""Look-through pinned: link-transformed cycles, refusals with their fields, dated and
ranged structures, incorporation, and a method that reads its holders' entities."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import pytest

import jvmodel as jvm
from jvmodel import UNDISCLOSED
from jvmodel.analysis.lookthrough import propagate, upstream
from jvmodel.analysis.methods import Context, Method

from .test_fast import graph

F = Fraction


def test_a_reweighted_cycle_that_still_converges_is_solved() -> None:
    # F (US) holds 40% of A, B 60% of A; A holds 30% of B, D (CN) 70%.  Under the
    # multiplier B's 60% of A counts 100% (reweighted), but the loop A←B←A weighs
    # 1 × 3/10 < 1: it converges.  φA = 2/5 + φB, φB = 3/10 φA (D's 70% → 100% of 0),
    # so φA = 2/5 + 3/10 φA, φA = 4/7, φB = 6/35.
    g = graph(
        {"f": "US", "d": "CN", "a": "CN", "b": "CN"},
        [("f", "a", "40%"), ("b", "a", "60%"), ("a", "b", "30%"), ("d", "b", "70%")],
    )
    assert jvm.foreign_share(g, "b", host="CN", method="multiplier") == F(6, 35)
    assert jvm.foreign_contributions(g, "b", host="CN", method="multiplier") == {"f": F(6, 35)}


def test_an_unbounded_cycle_is_refused_with_its_reason_and_entities() -> None:
    # A and B hold 60% of each other: under the multiplier both links count 100%,
    # the loop weighs 1 × 1 = 1 and its path sums are unbounded.
    g = graph(
        {"f": "US", "d": "CN", "a": "CN", "b": "CN", "t": "CN"},
        [
            ("f", "a", "40%"),
            ("b", "a", "60%"),
            ("a", "b", "60%"),
            ("d", "b", "40%"),
            ("b", "t", "50%"),
            ("d", "t", "50%"),
        ],
    )
    with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
        jvm.foreign_contributions(g, "t", host="CN", method="multiplier")
    assert caught.value.fields == {"reason": "unbounded cycle", "entities": ("a", "b")}
    assert str(caught.value) == (
        "the link transform makes the path sums around 'a', 'b' unbounded (a cycle of "
        "links counted as 100%); per-owner figures are undefined there"
    )


def test_propagate_refuses_a_closed_loop_naming_its_entities() -> None:
    # A plan whose loop A↔B has no outside part (each holds all of the other):
    # the system I − Q is singular, and the refusal names both entities.
    g = graph({"a": "CN", "b": "CN", "t": "CN"}, [("a", "b", "50%"), ("b", "a", "50%")])
    g.add_holding("b", "t", "100%")
    plan = upstream(g, "t")
    closed = attrs.evolve(
        plan,
        holders={**plan.holders, "a": (("b", F(1)),), "b": (("a", F(1)),)},
        undisclosed=dict.fromkeys(plan.undisclosed, F(0)),
    )
    with pytest.raises(jvm.CircularOwnershipError) as caught:
        propagate(closed, lambda u: {u: F(1)}, {UNDISCLOSED: F(1)})
    assert caught.value.fields == {"entities": ("a", "b")}


def test_ranged_ownership_on_a_date_reads_the_holdings_in_force() -> None:
    # F held 10%–20% of T until 2020; D holds 30%–40% from 2021.  In 2020 only F's
    # range counts (the rest, 80%–90%, undisclosed); in 2021 only D's (60%–70%).
    g = graph({"f": "US", "d": "CN", "t": "CN"}, [])
    g.add_holding("f", "t", jvm.Range("10%", "20%"), valid_to=dt.date(2020, 12, 31))
    g.add_holding("d", "t", jvm.Range("30%", "40%"), valid_from=dt.date(2021, 1, 1))
    before = jvm.effective_ownership(g, "t", as_of=dt.date(2020, 6, 1))
    after = jvm.effective_ownership(g, "t", as_of=dt.date(2021, 6, 1))
    assert before == {
        UNDISCLOSED: jvm.Interval(lower=F(4, 5), upper=F(9, 10)),
        "f": jvm.Interval(lower=F(1, 10), upper=F(1, 5)),
    }
    assert after == {
        UNDISCLOSED: jvm.Interval(lower=F(3, 5), upper=F(7, 10)),
        "d": jvm.Interval(lower=F(3, 10), upper=F(2, 5)),
    }


def _incorporated(w_stake: str | jvm.Range) -> jvm.OwnershipGraph:
    # W (US) is wholly held by D (CN); H (CN) is held 60% by F (GB), 40% by D.
    # T is held by W, H 50% and D 30%.
    g = graph(
        {"w": "US", "d": "CN", "h": "CN", "f": "GB", "t": "CN"},
        [("d", "w", "100%"), ("f", "h", "60%"), ("d", "h", "40%")],
    )
    g.add_holding("w", "t", w_stake)
    g.add_holding("h", "t", "50%")
    g.add_holding("d", "t", "30%")
    return g


def test_incorporation_stops_at_a_company_organised_abroad_only() -> None:
    # By incorporation W (US) counts foreign as itself: its 20% is W's.  H (CN) is looked
    # through: F's 60% × 50% = 3/10.  Without incorporation W is looked through to D.
    g = _incorporated("20%")
    assert jvm.foreign_contributions(g, "t", host="CN", incorporation=True) == {
        "f": F(3, 10),
        "w": F(1, 5),
    }
    assert jvm.foreign_contributions(g, "t", host="CN") == {"f": F(3, 10)}


def test_incorporation_applies_to_ranged_contributions() -> None:
    # As above, W's stake a range 10%–20%: W contributes 10%–20%, F exactly 3/10, and
    # the undisclosed rest of T, 1 − (W + 50% + 30%), is 0–10%.
    g = _incorporated(jvm.Range("10%", "20%"))
    assert jvm.foreign_contributions(g, "t", host="CN", incorporation=True) == {
        "f": jvm.Interval(lower=F(3, 10), upper=F(3, 10)),
        "w": jvm.Interval(lower=F(1, 10), upper=F(1, 5)),
        UNDISCLOSED: jvm.Interval(lower=F(0), upper=F(1, 10)),
    }


class _HeldFromUS(Method):
    """Foreign when some holder is an entity of jurisdiction US (reads holder.entity)."""

    name = "held-from-us"
    linear = False

    def status(self, context: Context) -> Fraction:
        if context.ultimate:
            return context.raw
        return F(int(any(h.entity.jurisdiction == "US" for h in context.holders)))


def test_a_method_reads_each_holders_entity() -> None:
    # H is held 10% by U (US) and 90% by C (CN): some holder is US, so H counts
    # wholly foreign and its 40% of T counts; K (held by C only) counts domestic.
    # T: 40% × 1 + 60% × 0 = 2/5.
    g = graph(
        {"u": "US", "c": "CN", "h": "CN", "k": "CN", "t": "CN"},
        [("u", "h", "10%"), ("c", "h", "90%"), ("c", "k", "100%"), ("h", "t", "40%")],
    )
    g.add_holding("k", "t", "60%")
    a = jvm.attribute(g, "t", host="CN", method=_HeldFromUS())
    assert (a.share, a.values["h"], a.values["k"]) == (F(2, 5), 1, 0)
