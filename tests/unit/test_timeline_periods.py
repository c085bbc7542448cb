"""Timelines pinned whole: every period's first and last day and its verdict."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import jvmodel as jvm
from jvmodel.regimes import Sector


def _periods(t: jvm.Timeline) -> list[tuple[dt.date | None, dt.date | None, str]]:
    return [(p.start, p.end, p.status) for p in t.periods]


def _jv(*sectors: str) -> jvm.OwnershipGraph:
    # F (US) 60%, D (CN) 40%: foreign 3/5.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=sectors)
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", "60%")
    g.add_holding("d", "jv", "40%")
    return g


def test_a_cap_on_the_parent_sector_starts_the_record() -> None:
    # "child" has no cap of its own and falls back on "parent", capped at ≤ 1/2
    # from 2021-01-01.  Before: no cap; from then on 3/5 > 1/2, a breach.
    cap = jvm.Cap(sector="parent", limit=Fraction(1, 2), valid_from=dt.date(2021, 1, 1))
    regime = jvm.Regime(
        name="nested",
        host="CN",
        caps=(cap,),
        sector_info={"child": Sector(id="child", parent="parent")},
    )
    t = jvm.timeline(_jv("child"), "jv", regime=regime)
    assert _periods(t) == [
        (None, dt.date(2020, 12, 31), "no cap"),
        (dt.date(2021, 1, 1), None, "breach"),
    ]


def test_the_sector_asked_for_is_the_one_checked() -> None:
    # Two capped sectors: "a" at ≤ 1/2 (3/5 is a breach), "b" at ≤ 2/3 (3/5 is
    # compliant).  Asked for "b", every period is checked under b's cap.
    regime = jvm.Regime(
        name="two",
        host="CN",
        caps=(
            jvm.Cap(sector="a", limit=Fraction(1, 2)),
            jvm.Cap(sector="b", limit=Fraction(2, 3)),
        ),
    )
    t = jvm.timeline(_jv("a", "b"), "jv", regime=regime, sector="b")
    assert _periods(t) == [(None, None, "compliant")]
    assert t.periods[0].check is not None
    assert t.periods[0].check.cap == Fraction(2, 3)


def test_a_change_that_keeps_the_verdict_makes_one_period() -> None:
    # D's 40% passes to E (CN) on 2021-01-01: the foreign share stays 3/5 and the
    # verdict (breach of ≤ 1/2) with it, so the two stretches are one period.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    for entity_id, country in [("f", "US"), ("d", "CN"), ("e", "CN")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("f", "jv", "60%")
    g.add_holding("d", "jv", "40%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("e", "jv", "40%", valid_from=dt.date(2021, 1, 1))
    regime = jvm.Regime(name="one", host="CN", caps=(jvm.Cap(sector="vpn", limit=Fraction(1, 2)),))
    assert _periods(jvm.timeline(g, "jv", regime=regime)) == [(None, None, "breach")]
