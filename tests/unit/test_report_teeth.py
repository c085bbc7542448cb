"""check_all, Report and foreign_shares pinned whole on one small register: float rows,
rows decided exactly at the cap, uncapped and zoned sectors, caps out of force, a voting
cap, undisclosed remainders, an unresolved cycle, and every table cell."""

from __future__ import annotations

import datetime as dt
import math
import sys
from fractions import Fraction
from typing import Any

import pytest

import jvmodel as jvm
from jvmodel.compliance.report import ReportRow

pytest.importorskip("scipy")

_VPN = jvm.Cap(sector="vpn", limit=Fraction(1, 2), source="s")
_FTZ = jvm.Cap(sector="vpn", limit=Fraction(3, 4), zones=("ftz",), source="s")
_BANK = jvm.Cap(sector="bank", limit=Fraction(1, 4), inclusive=False, measure="voting", source="s")
_MEDIA = jvm.Cap(sector="media", limit=None, source="s")
_OLD = jvm.Cap(sector="old", limit=Fraction(1, 10), valid_to=dt.date(2000, 1, 1), source="s")
_REGIME = jvm.Regime(name="r", host="CN", caps=(_VPN, _FTZ, _BANK, _MEDIA, _OLD))
_CYCLE = (
    "entities 'p', 'q' own each other entirely, with no outside owner; their look-through "
    "has no ultimate owner (record the outside or undisclosed part)"
)


def _register() -> jvm.OwnershipGraph:
    # F (US), H (JP) foreign; D (CN) domestic.  Every stake is dyadic, so the
    # fast engine's floats are exact and can be compared with ==.
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="US")
    g.add_entity("h", jurisdiction="JP")
    g.add_entity("d", jurisdiction="CN")
    g.add_entity("a", jurisdiction="CN", sectors=["other", "vpn"])
    g.add_entity("b", jurisdiction="CN", sectors=["vpn", "media"])
    g.add_entity("c", jurisdiction="CN", sectors=["vpn", "old"])
    g.add_entity("z", jurisdiction="CN", sectors=["vpn"], zones=["ftz"])
    g.add_entity("v", jurisdiction="CN", sectors=["bank"])
    g.add_entity("u", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("p", jurisdiction="CN")
    g.add_entity("q", jurisdiction="CN")
    g.add_entity("w", jurisdiction="CN", sectors=["vpn"])
    g.add_holding("f", "a", "25%")
    g.add_holding("d", "a", "75%")
    g.add_holding("f", "b", "50%")
    g.add_holding("d", "b", "50%")
    g.add_holding("f", "c", "75%")
    g.add_holding("h", "c", "12.5%")
    g.add_holding("d", "c", "12.5%")
    g.add_holding("f", "z", "62.5%")
    g.add_holding("d", "z", "37.5%")
    g.add_holding("f", "v", "10%", voting="25%")
    g.add_holding("d", "v", "90%", voting="75%")
    g.add_holding("d", "u", "50%")
    g.add_holding("p", "q", "100%")
    g.add_holding("q", "p", "100%")
    g.add_holding("p", "w", "100%")
    return g


def _fl(value: float, percent: str) -> dict[str, Any]:
    return {"exact": None, "value": value, "percent": percent}


def _ex(text: str, value: float, percent: str) -> dict[str, Any]:
    return {"exact": text, "value": value, "percent": percent}


def _row(target: str, sector: str, status: str, **fields: Any) -> dict[str, Any]:
    row = {
        "target": target,
        "sector": sector,
        "status": status,
        "foreign_share": None,
        "cap": _ex("1/2", 0.5, "50%"),
        "cap_inclusive": True,
        "headroom": None,
        "top_contributor": "f",
        "top_contribution": None,
        "exact": False,
        "measure": "equity",
        "method": "proportional",
        "reason": None,
    }
    row.update(fields)
    return row


# Today (no date): the "old" cap ended 2000-01-01, so C's "old" sector is left
# out, and A's "other" sector (listed before its "vpn") is not the regime's.
_TODAY = [
    # A: F 25%: float 0.25 < 0.5, headroom 0.5 − 0.25 = 0.25; top F 0.25.
    _row(
        "a",
        "vpn",
        "compliant",
        foreign_share=_fl(0.25, "25%"),
        headroom=_fl(0.25, "25%"),
        top_contribution=_fl(0.25, "25%"),
    ),
    # B: F 50%, exactly at the cap (within 1e-9): recomputed exactly, 1/2 ≤ 1/2
    # compliant, headroom 0; the top contribution stays the fast engine's float.
    _row(
        "b",
        "vpn",
        "compliant",
        foreign_share=_ex("1/2", 0.5, "50%"),
        headroom=_ex("0", 0.0, "0%"),
        top_contribution=_fl(0.5, "50%"),
        exact=True,
    ),
    # B's media is uncapped: compliant, no headroom, no cap figure.
    _row(
        "b",
        "media",
        "compliant",
        foreign_share=_fl(0.5, "50%"),
        cap=None,
        top_contribution=_fl(0.5, "50%"),
    ),
    # C: F 75% + H 12.5% = 0.875 > 0.5: breach, headroom 0.5 − 0.875 = −0.375.
    _row(
        "c",
        "vpn",
        "breach",
        foreign_share=_fl(0.875, "87.5%"),
        headroom=_fl(-0.375, "-37.5%"),
        top_contribution=_fl(0.75, "75%"),
    ),
    # Z is in the "ftz" zone: its cap is 3/4; F 62.5%, headroom 0.125.
    _row(
        "z",
        "vpn",
        "compliant",
        foreign_share=_fl(0.625, "62.5%"),
        cap=_ex("3/4", 0.75, "75%"),
        headroom=_fl(0.125, "12.5%"),
        top_contribution=_fl(0.625, "62.5%"),
    ),
    # V: F votes 25% (equity 10%), the voting cap is < 1/4: at the cap,
    # decided exactly: 1/4 is not < 1/4, breach with headroom 0.
    _row(
        "v",
        "bank",
        "breach",
        foreign_share=_ex("1/4", 0.25, "25%"),
        cap=_ex("1/4", 0.25, "25%"),
        cap_inclusive=False,
        headroom=_ex("0", 0.0, "0%"),
        top_contribution=_fl(0.25, "25%"),
        exact=True,
        measure="voting",
    ),
    # U: D 50%, the rest undisclosed and counted foreign (the regime's default):
    # exactly 1/2, compliant; the top contributor is the undisclosed part.
    _row(
        "u",
        "vpn",
        "compliant",
        foreign_share=_ex("1/2", 0.5, "50%"),
        headroom=_ex("0", 0.0, "0%"),
        top_contributor=jvm.UNDISCLOSED,
        top_contribution=_fl(0.5, "50%"),
        exact=True,
    ),
    # W: held by P, which owns Q entirely and Q it: no ultimate owner, unresolved.
    _row("w", "vpn", "unresolved", top_contributor=None, exact=True, reason=_CYCLE),
]


def test_every_row_of_todays_report_is_pinned() -> None:
    report = jvm.check_all(_register(), regime=_REGIME)
    # 5 compliant (a, b×2, z, u), 2 breaches (c, v), 1 unresolved (w).
    assert report.to_dict() == {
        "regime": "r",
        "as_of": None,
        "counts": {"compliant": 5, "breach": 2, "indeterminate": 0, "unresolved": 1},
        "rows": _TODAY,
    }
    assert repr(report) == "<Report r: 8 rows (5 compliant, 2 breach, 1 unresolved)>"
    assert len(report) == 8
    assert [(row.target, row.sector) for row in report] == [
        ("a", "vpn"),
        ("b", "vpn"),
        ("b", "media"),
        ("c", "vpn"),
        ("z", "vpn"),
        ("v", "bank"),
        ("u", "vpn"),
        ("w", "vpn"),
    ]


def test_rows_keep_their_cap_rules_and_exact_types() -> None:
    report = jvm.check_all(_register(), regime=_REGIME)
    assert [row.cap_rule for row in report] == [
        _VPN,
        _VPN,
        _MEDIA,
        _VPN,
        _FTZ,
        _BANK,
        _VPN,
        _VPN,
    ]
    # B's vpn row is exact: a Fraction 1/2 and headroom Fraction 0.
    b = report["b"]
    assert (b.sector, b.foreign_share, b.headroom) == ("vpn", Fraction(1, 2), Fraction(0))
    assert type(b.foreign_share) is Fraction
    # A's row is a float row.
    assert type(report["a"].foreign_share) is float
    with pytest.raises(KeyError, match="nobody"):
        report["nobody"]


def test_breaches_are_sorted_most_over_first() -> None:
    # C's headroom −0.375 is below V's 0, so C comes first.
    report = jvm.check_all(_register(), regime=_REGIME)
    assert [(row.target, row.sector) for row in report.breaches] == [("c", "vpn"), ("v", "bank")]


def test_a_past_date_adds_the_old_cap_and_an_override_of_the_undisclosed_policy() -> None:
    # On 1999-01-01 the "old" cap (≤ 1/10) is in force: C's 0.875 breaches it
    # by 0.1 − 0.875 = −0.775.  Under undisclosed="domestic" U's undisclosed
    # half counts domestic: 0, headroom 0.5, no contributor.  W still
    # unresolved (the override reaches check()).
    report = jvm.check_all(
        _register(), regime=_REGIME, as_of=dt.date(1999, 1, 1), undisclosed="domestic"
    )
    old = _row(
        "c",
        "old",
        "breach",
        foreign_share=_fl(0.875, "87.5%"),
        cap=_ex("1/10", 0.1, "10%"),
        headroom=_fl(0.1 - 0.875, "-77.5%"),
        top_contribution=_fl(0.75, "75%"),
    )
    u = _row(
        "u",
        "vpn",
        "compliant",
        foreign_share=_fl(0.0, "0%"),
        headroom=_fl(0.5, "50%"),
        top_contributor=None,
    )
    assert report.to_dict() == {
        "regime": "r",
        "as_of": "1999-01-01",
        "counts": {"compliant": 5, "breach": 3, "indeterminate": 0, "unresolved": 1},
        "rows": [*_TODAY[:4], old, *_TODAY[4:6], u, _TODAY[7]],
    }
    assert [(row.target, row.sector) for row in report.breaches] == [
        ("c", "old"),
        ("c", "vpn"),
        ("v", "bank"),
    ]


def test_the_table_cell_by_cell() -> None:
    frame = jvm.check_all(_register(), regime=_REGIME).to_pandas()
    nan = math.nan
    expected = {
        "target": ["a", "b", "b", "c", "z", "v", "u", "w"],
        "sector": ["vpn", "vpn", "media", "vpn", "vpn", "bank", "vpn", "vpn"],
        "status": [
            "compliant",
            "compliant",
            "compliant",
            "breach",
            "compliant",
            "breach",
            "compliant",
            "unresolved",
        ],
        # The figures of _TODAY as floats; none (uncapped, unresolved) is NaN.
        "foreign_share": [0.25, 0.5, 0.5, 0.875, 0.625, 0.25, 0.5, nan],
        "cap": [0.5, 0.5, nan, 0.5, 0.75, 0.25, 0.5, 0.5],
        "headroom": [0.25, 0.0, nan, -0.375, 0.125, 0.0, 0.0, nan],
        "top_contributor": ["f", "f", "f", "f", "f", "f", jvm.UNDISCLOSED, None],
        "top_contribution": [0.25, 0.5, 0.5, 0.75, 0.625, 0.25, 0.5, nan],
        "exact": [False, True, False, False, False, True, True, True],
        # Exact text only where the share is a Fraction.
        "foreign_share_exact": [None, "1/2", None, None, None, "1/4", "1/2", None],
        "measure": ["equity"] * 5 + ["voting"] + ["equity"] * 2,
        "method": ["proportional"] * 8,
        "reason": [None] * 7 + [_CYCLE],
    }
    assert list(frame.columns) == list(expected)
    for column, values in expected.items():
        cells = frame[column].tolist()
        for cell, value in zip(cells, values, strict=True):
            if isinstance(value, float) and math.isnan(value):
                assert math.isnan(cell), column
            elif value is None:
                assert cell is None or (isinstance(cell, float) and math.isnan(cell)), column
            else:
                assert (cell, type(cell) is bool) == (value, type(value) is bool), column


def test_a_report_of_one_row_and_of_none() -> None:
    # One capped entity: "1 row"; a register with no capped entity: none.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("d", "jv", "100%")
    report = jvm.check_all(g, regime=_REGIME)
    assert repr(report) == "<Report r: 1 row (1 compliant)>"
    empty = jvm.check_all(jvm.OwnershipGraph(), regime=_REGIME)
    assert repr(empty) == "<Report r: 0 rows (none)>"
    assert empty.counts == {"compliant": 0, "breach": 0, "indeterminate": 0, "unresolved": 0}
    assert empty.breaches == ()


def test_a_ranged_row_from_check_reports_its_exact_top_contribution() -> None:
    # F (US) holds [1/5, 1/4], H (JP) 1/8, D (CN) 5/8; under undisclosed="domestic"
    # the rest is domestic.  The fast engine leaves ranged stakes to check().
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("h", jurisdiction="JP")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", jvm.Range("20%", "25%"))
    g.add_holding("h", "jv", "12.5%")
    g.add_holding("d", "jv", "62.5%")
    report = jvm.check_all(g, regime=_REGIME, undisclosed="domestic")
    row = report["jv"]
    assert isinstance(row, ReportRow)
    assert (row.status, row.exact, row.top_contributor) == ("compliant", True, "f")
    # F's contribution is its range [1/5, 1/4]; the share [1/5+1/8, 1/4+1/8].
    assert row.top_contribution == jvm.Interval(lower=Fraction(1, 5), upper=Fraction(1, 4))
    assert row.foreign_share == jvm.Interval(lower=Fraction(13, 40), upper=Fraction(3, 8))
    # The table gives each interval's upper end: share 3/8, headroom 1/2 − 13/40
    # = 7/40, contribution 1/4; no exact text for an interval.
    frame = report.to_pandas()
    assert frame.loc[0, ["foreign_share", "headroom", "top_contribution"]].tolist() == [
        0.375,
        0.175,
        0.25,
    ]
    assert frame.loc[0, "foreign_share_exact"] is None


def _shares_graph() -> jvm.OwnershipGraph:
    # M (CN): F (US) 75%, D 25%.  JV (CN): M 50%, K (CN-HK) 6.25%, D 31.25%,
    # the remaining 12.5% undisclosed.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN")
    g.add_entity("m", jurisdiction="CN")
    g.add_entity("f", jurisdiction="US")
    g.add_entity("k", jurisdiction="CN-HK")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "m", "75%")
    g.add_holding("d", "m", "25%")
    g.add_holding("m", "jv", "50%")
    g.add_holding("k", "jv", "6.25%")
    g.add_holding("d", "jv", "31.25%")
    return g


_SHARES_REGIME = jvm.Regime(
    name="s",
    host="CN",
    foreign=("CN-HK",),
    methods={"voting": "multiplier"},
    undisclosed="domestic",
)


@pytest.mark.parametrize(
    ("options", "jv", "m", "method"),
    [
        # The regime's defaults: F through M 3/4 · 1/2 = 0.375, K listed foreign
        # 0.0625, undisclosed domestic: 0.4375.  M: F 0.75.
        ({"regime": _SHARES_REGIME}, 0.4375, 0.75, "proportional"),
        # Voting: the regime's multiplier counts majority-held M whole: 0.5 + 0.0625.
        ({"regime": _SHARES_REGIME, "measure": "voting"}, 0.5625, 1.0, "multiplier"),
        # An explicit method overrides the regime's for equity.
        ({"regime": _SHARES_REGIME, "method": "multiplier"}, 0.5625, 1.0, "multiplier"),
        # Undisclosed foreign overrides: 0.375 + 0.0625 + 0.125.
        ({"regime": _SHARES_REGIME, "undisclosed": "foreign"}, 0.5625, 0.75, "proportional"),
        # Host US: M's D 25% foreign, so 1/2 · 1/4 + K 0.0625 + D 0.3125 = 0.5.
        ({"regime": _SHARES_REGIME, "host": "US"}, 0.5, 0.25, "proportional"),
        # No extra foreign jurisdictions: K domestic, 0.375.
        ({"regime": _SHARES_REGIME, "foreign": ()}, 0.375, 0.75, "proportional"),
        # No regime: proportional, undisclosed foreign, no list: 0.375 + 0.125.
        ({"host": "CN"}, 0.5, 0.75, "proportional"),
    ],
)
def test_foreign_shares_takes_the_regimes_defaults_and_overrides(
    options: dict[str, Any], jv: float, m: float, method: str
) -> None:
    shares = jvm.foreign_shares(_shares_graph(), **options)
    assert (shares["jv"], shares["m"], shares.method) == (jv, m, method)


def test_the_table_without_pandas_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # An import of a module mapped to None fails: the message names the extra.
    report = jvm.check_all(_register(), regime=_REGIME)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(
        ModuleNotFoundError,
        match=r"^Report\.to_pandas needs pandas: pip install 'jvmodel\[pandas\]'$",
    ) as error:
        report.to_pandas()
    assert error.value.name == "pandas"


def test_the_structure_of_the_day_asked() -> None:
    # F (US) held 75% until 2020-12-31, then 25%; D (CN) the rest.  On
    # 2020-06-01 the float 0.75 breaches ≤ 1/2 (headroom −0.25); today 0.25.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", "75%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("d", "jv", "25%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("f", "jv", "25%", valid_from=dt.date(2021, 1, 1))
    g.add_holding("d", "jv", "75%", valid_from=dt.date(2021, 1, 1))
    then = jvm.check_all(g, regime=_REGIME, as_of=dt.date(2020, 6, 1))["jv"]
    assert (then.status, then.foreign_share, then.headroom, then.top_contribution) == (
        "breach",
        0.75,
        -0.25,
        0.75,
    )
    now = jvm.check_all(g, regime=_REGIME)["jv"]
    assert (now.status, now.foreign_share, now.headroom) == ("compliant", 0.25, 0.25)
    shares = jvm.foreign_shares(g, regime=_REGIME, as_of=dt.date(2020, 6, 1))
    assert shares["jv"] == 0.75


def test_a_method_the_fast_engine_lacks_sends_its_measure_to_check() -> None:
    # Equity under the threshold method: every equity row comes from check(),
    # exact, with no per-owner contributions (direct holders only here, so the
    # figures are the proportional ones: 1/4, 1/2, 1/2, 7/8, 5/8, 1/2).  The
    # voting row V stays with the fast engine (proportional), decided exactly at
    # its cap with the float top contribution.  W unresolved, named "threshold".
    regime = jvm.Regime(
        name="t",
        host="CN",
        caps=(_VPN, _FTZ, _BANK, _MEDIA, _OLD),
        methods={"equity": "threshold"},
    )
    report = jvm.check_all(_register(), regime=regime)
    f = Fraction
    assert [
        (r.target, r.sector, r.status, r.foreign_share, r.headroom, r.exact, r.method)
        for r in report
    ] == [
        ("a", "vpn", "compliant", f(1, 4), f(1, 4), True, "threshold"),
        ("b", "vpn", "compliant", f(1, 2), f(0), True, "threshold"),
        ("b", "media", "compliant", f(1, 2), None, True, "threshold"),
        ("c", "vpn", "breach", f(7, 8), f(-3, 8), True, "threshold"),
        ("z", "vpn", "compliant", f(5, 8), f(1, 8), True, "threshold"),
        ("v", "bank", "breach", f(1, 4), f(0), True, "proportional"),
        ("u", "vpn", "compliant", f(1, 2), f(0), True, "threshold"),
        ("w", "vpn", "unresolved", None, None, True, "threshold"),
    ]
    assert [(r.top_contributor, r.top_contribution) for r in report] == [(None, None)] * 5 + [
        ("f", 0.25),
        (None, None),
        (None, None),
    ]
    assert report["w"].reason == _CYCLE
    assert report["b"].cap_rule == _VPN
