"""timeline pinned whole: every period's days, verdict, share and text, the breakpoints
of holdings, control links and caps upstream of the target only, measures, sectors, the
undisclosed policy, and the ends of the record."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.compliance.timeline import Period, _sector_caps, breakpoints

D = dt.date
_CAPS = (
    jvm.Cap(sector="vpn", limit=Fraction(1, 2), valid_from=D(2020, 1, 1), valid_to=D(2021, 12, 31)),
    jvm.Cap(sector="vpn", limit=Fraction(1, 2), inclusive=False, valid_from=D(2022, 1, 1)),
    jvm.Cap(sector="vpn", limit=Fraction(3, 4), measure="voting", valid_from=D(2020, 1, 1)),
    jvm.Cap(sector="bank", limit=Fraction(1, 10), valid_from=D(2018, 5, 5)),
)
_REGIME = jvm.Regime(name="tl", host="CN", caps=_CAPS)


def _jv() -> jvm.OwnershipGraph:
    # JV (CN, vpn): H (CN) 50%, D (CN) 50% (to date.max: no end).  H: D2 (CN) 50%
    # until 2020-06-30 (the other half undisclosed), F (US) 100% from 2020-07-01.
    # X (US) controls H from 2023-01-01 (proportional: no change).  Z (US) holds
    # 10% of O from 2020-03-01, O not upstream of JV: no breakpoint.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    for entity_id, country in [
        ("h", "CN"),
        ("d", "CN"),
        ("d2", "CN"),
        ("f", "US"),
        ("x", "US"),
        ("z", "US"),
        ("o", "CN"),
    ]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("h", "jv", "50%")
    g.add_holding("d", "jv", "50%", valid_to=dt.date.max)
    g.add_holding("d2", "h", "50%", valid_to=D(2020, 6, 30))
    g.add_holding("f", "h", "100%", valid_from=D(2020, 7, 1))
    g.add_control("x", "h", valid_from=D(2023, 1, 1))
    g.add_holding("z", "o", "10%", valid_from=D(2020, 3, 1))
    return g


def _rows(t: jvm.Timeline) -> list[tuple[object, ...]]:
    return [(p.start, p.end, p.status, p.foreign_share) for p in t]


def test_the_whole_timeline() -> None:
    # Before 2020-01-01 no cap.  To 2020-06-30: H's undisclosed half counts
    # foreign, 1/2 · 1/2 = 1/4 ≤ 1/2.  From 2020-07-01: F's H, 1/2 ≤ 1/2.  From
    # 2022-01-01 the cap is < 1/2: 1/2 breaches.  The 2023 control link changes
    # nothing, so its stretch merges into the last period.
    t = jvm.timeline(_jv(), "jv", regime=_REGIME)
    assert (t.target, t.regime, t.sector, len(t)) == ("jv", "tl", "vpn", 4)
    assert _rows(t) == [
        (None, D(2019, 12, 31), "no cap", None),
        (D(2020, 1, 1), D(2020, 6, 30), "compliant", Fraction(1, 4)),
        (D(2020, 7, 1), D(2021, 12, 31), "compliant", Fraction(1, 2)),
        (D(2022, 1, 1), None, "breach", Fraction(1, 2)),
    ]
    assert t.describe() == (
        "until 2019-12-31: no cap in force\n"
        "2020-01-01 to 2020-06-30: compliant (25% vs ≤ 50% of equity)\n"
        "2020-07-01 to 2021-12-31: compliant (50% vs ≤ 50% of equity)\n"
        "2022-01-01 onwards: breach (50% vs < 50% of equity)"
    )
    assert t.crossings() == [
        (D(2020, 1, 1), "no cap", "compliant"),
        (D(2022, 1, 1), "compliant", "breach"),
    ]
    assert t[0].check is None
    assert t[3].check is not None
    assert t[3].check.cap_rule == _CAPS[1]
    # Each boundary day belongs to the period it starts or ends.
    assert [t.at(day) for day in (D(1990, 1, 1), D(2019, 12, 31))] == [t[0], t[0]]
    assert [t.at(day) for day in (D(2020, 1, 1), D(2020, 6, 30))] == [t[1], t[1]]
    assert t.at(D(2020, 7, 1)) is t[2]
    assert t.at(D(2021, 12, 31)) is t[2]
    assert t.at(D(2099, 1, 1)) is t[3]


def test_the_breakpoints_are_upstream_days_and_cap_days() -> None:
    # Caps: 2020-01-01, 2022-01-01 (the day after 2021-12-31).  H: 2020-07-01
    # (F's start, and the day after D2's end).  X's control: 2023-01-01.  Z in O
    # and the bank cap are not the target's: left out; date.max has no next day.
    days = breakpoints(_jv(), "jv", _sector_caps(_REGIME, "vpn"))
    assert days == [D(2020, 1, 1), D(2020, 7, 1), D(2022, 1, 1), D(2023, 1, 1)]


def test_the_undisclosed_policy_measure_and_sector_asked() -> None:
    # Undisclosed domestic: 0% until 2020-06-30.
    t = jvm.timeline(_jv(), "jv", regime=_REGIME, undisclosed="domestic")
    assert _rows(t)[1] == (D(2020, 1, 1), D(2020, 6, 30), "compliant", Fraction(0))
    assert [p.start for p in t] == [None, D(2020, 1, 1), D(2020, 7, 1), D(2022, 1, 1)]
    # Votes only: the ≤ 3/4 voting cap from 2020 on; 1/4 then 1/2.
    t = jvm.timeline(_jv(), "jv", regime=_REGIME, measure="voting")
    assert t.describe() == (
        "until 2019-12-31: no cap in force\n"
        "2020-01-01 to 2020-06-30: compliant (25% vs ≤ 75% of voting)\n"
        "2020-07-01 onwards: compliant (50% vs ≤ 75% of voting)"
    )
    # Sector "bank" (≤ 1/10 from 2018-05-05): breaches throughout.
    t = jvm.timeline(_jv(), "jv", regime=_REGIME, sector="bank")
    assert (t.sector, t.describe()) == (
        "bank",
        "until 2018-05-04: no cap in force\n"
        "2018-05-05 to 2020-06-30: breach (25% vs ≤ 10% of equity)\n"
        "2020-07-01 onwards: breach (50% vs ≤ 10% of equity)",
    )
    assert t.crossings() == [(D(2018, 5, 5), "no cap", "breach")]


def test_a_record_from_the_first_possible_day() -> None:
    # A stake from date.min: nothing lies before it, so the first period starts then.
    g = _jv()
    g.add_entity("p", jurisdiction="CN")
    g.add_holding("p", "o", "5%", valid_from=dt.date.min)  # not upstream: no day
    g.add_holding("o", "jv", "0%", valid_from=dt.date.min)
    t = jvm.timeline(g, "jv", regime=_REGIME)
    assert t[0].start == dt.date.min
    assert t.describe().splitlines()[0] == "0001-01-01 to 2019-12-31: no cap in force"
    assert len(t) == 4


def test_always_and_no_cap_onwards() -> None:
    # No dates at all: one period, "always".
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "jv", "100%")
    always = jvm.Regime(name="a", host="CN", caps=(jvm.Cap(sector="vpn", limit=Fraction(1, 2)),))
    t = jvm.timeline(g, "jv", regime=always)
    assert t.describe() == "always: breach (100% vs ≤ 50% of equity)"
    assert t.crossings() == []
    # A cap that ended on 2010-12-31: no cap from 2011-01-01 on.
    ended = jvm.Regime(
        name="e",
        host="CN",
        caps=(jvm.Cap(sector="vpn", limit=Fraction(1, 2), valid_to=D(2010, 12, 31)),),
    )
    t = jvm.timeline(g, "jv", regime=ended)
    assert t.describe() == (
        "until 2010-12-31: breach (100% vs ≤ 50% of equity)\n2011-01-01 onwards: no cap in force"
    )
    assert t.crossings() == [(D(2011, 1, 1), "breach", "no cap")]


def test_period_words_and_cover() -> None:
    period = Period(start=D(2020, 1, 1), end=D(2020, 12, 31), check=None)
    assert period.describe() == "2020-01-01 to 2020-12-31: no cap in force"
    assert (period.status, period.foreign_share) == ("no cap", None)
    assert [
        period.covers(day)
        for day in (D(2019, 12, 31), D(2020, 1, 1), D(2020, 12, 31), D(2021, 1, 1))
    ] == [
        False,
        True,
        True,
        False,
    ]
    assert Period(start=None, end=None, check=None).describe() == "always: no cap in force"


def test_unknown_names_are_refused() -> None:
    with pytest.raises(jvm.UnknownEntityError):
        jvm.timeline(_jv(), "nobody", regime=_REGIME)
    with pytest.raises(
        jvm.UnknownSectorError, match="has no sector 'steel'; its sectors are bank, vpn"
    ):
        jvm.timeline(_jv(), "jv", regime=_REGIME, sector="steel")


def test_a_new_cap_alone_starts_a_period() -> None:
    # F (US) 25% throughout: compliant under ≤ 1/2 to 2020-12-31 and under ≤ 3/5
    # from 2021-01-01; same status and share, but another cap: two periods.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", "25%")
    g.add_holding("d", "jv", "75%")
    caps = (
        jvm.Cap(sector="vpn", limit=Fraction(1, 2), valid_to=D(2020, 12, 31)),
        jvm.Cap(sector="vpn", limit=Fraction(3, 5), valid_from=D(2021, 1, 1)),
    )
    t = jvm.timeline(g, "jv", regime=jvm.Regime(name="m", host="CN", caps=caps))
    assert t.describe() == (
        "until 2020-12-31: compliant (25% vs ≤ 50% of equity)\n"
        "2021-01-01 onwards: compliant (25% vs ≤ 60% of equity)"
    )
    assert t.crossings() == []
