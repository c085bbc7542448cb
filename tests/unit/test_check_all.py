"""check_all: one row per capped entity and sector, verdicts exact at the cap."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis import fast

REGIME = "cn-beijing-2020"


def at_the_cap() -> jvm.OwnershipGraph:
    """A VPN JV exactly 50% foreign, which floats read as 0.5000000000000001.

    F (GB) holds 56% of H, the rest of H belongs to D (CN); H holds 25/28 of the
    JV and D the other 3/28.  Foreign: 56% × 25/28 = 14/25 × 25/28 = 1/2 exactly,
    but float(0.56) × float(25/28) = 0.5000000000000001.
    """
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="GB")
    g.add_entity("d", jurisdiction="CN")
    g.add_entity("h", jurisdiction="CN-BJ")
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_holding("f", "h", "56%")
    g.add_holding("d", "h", "44%")
    g.add_holding("h", "jv", "25/28")
    g.add_holding("d", "jv", "3/28")
    return g


def test_a_row_exactly_at_the_cap_is_decided_exactly() -> None:
    g = at_the_cap()
    assert fast.foreign_shares(g, host="CN")["jv"] == 0.5000000000000001  # the float artefact
    row = jvm.check_all(g, regime=REGIME)["jv"]
    assert row.status == "compliant"  # 1/2 is inside "at most 50%"
    assert row.exact
    assert row.foreign_share == Fraction(1, 2)
    assert row.headroom == 0
    assert row.top_contributor == "f"
    assert row.top_contribution == pytest.approx(0.5)  # from the fast engine: a float


def test_a_strict_cap_at_the_same_figure_is_a_breach() -> None:
    strict = jvm.Regime(
        name="strict-test",
        host="CN",
        caps=(jvm.Cap(sector="vpn", limit=Fraction(1, 2), inclusive=False, source="test"),),
    )
    row = jvm.check_all(at_the_cap(), regime=strict)["jv"]
    assert (row.status, row.foreign_share, row.exact) == ("breach", Fraction(1, 2), True)


def test_rows_far_from_the_cap_keep_the_float_figure() -> None:
    # F holds 70% of the JV, D 30%: foreign 70% against 50%, a breach by 20%.
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vats"])
    g.add_entity("small", jurisdiction="CN-BJ", sectors=["basic-telecom", "retail"])
    g.add_holding("f", "jv", "70%")
    g.add_holding("d", "jv", "30%")
    g.add_holding("f", "small", "10%")
    g.add_holding("d", "small", "90%")
    report = jvm.check_all(g, regime=REGIME)
    assert [(r.target, r.sector) for r in report] == [("jv", "vats"), ("small", "basic-telecom")]
    jv = report["jv"]
    assert (jv.status, jv.exact) == ("breach", False)
    assert jv.foreign_share == pytest.approx(0.7, abs=1e-15)
    assert jv.headroom == pytest.approx(-0.2, abs=1e-15)
    assert (jv.top_contributor, jv.top_contribution) == ("f", pytest.approx(0.7))
    small = report["small"]  # 10% against the 49% basic-telecom cap
    assert (small.status, small.cap) == ("compliant", Fraction(49, 100))
    assert report.breaches == (jv,)
    assert report.counts == {"compliant": 1, "breach": 1, "indeterminate": 0, "unresolved": 0}


def test_an_uncapped_zone_is_compliant_without_a_cap() -> None:
    # Information services in the Zhongguancun Haidian park: the pilot lifts the cap.
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="US")
    g.add_entity(
        "store",
        jurisdiction="CN-BJ",
        sectors=["information-services"],
        zones=["zhongguancun-haidian"],
    )
    g.add_holding("f", "store", "100%")
    row = jvm.check_all(g, regime=REGIME)["store"]
    assert (row.status, row.cap, row.headroom) == ("compliant", None, None)
    assert row.foreign_share == 1.0


def test_caps_not_yet_in_force_leave_the_entity_out() -> None:
    # The VPN cap applies from 2020-09-07; the vats cap has no start date.
    g = jvm.OwnershipGraph()
    g.add_entity("vpn-jv", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_entity("vats-jv", jurisdiction="CN-BJ", sectors=["vats"])
    report = jvm.check_all(g, regime=REGIME, as_of=dt.date(2019, 1, 1))
    assert [r.target for r in report] == ["vats-jv"]
    assert len(jvm.check_all(g, regime=REGIME)) == 2


def test_a_closed_loop_gives_an_unresolved_row() -> None:
    g = jvm.OwnershipGraph()
    for e in ("a", "b"):
        g.add_entity(e, jurisdiction="CN")
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_holding("a", "b", "100%")
    g.add_holding("b", "a", "100%")
    g.add_holding("a", "jv", "40%")
    row = jvm.check_all(g, regime=REGIME)["jv"]
    assert row.status == "unresolved"
    assert "own each other entirely" in (row.reason or "")
    assert row.foreign_share is None


def test_a_ranged_stake_is_decided_by_the_exact_engine() -> None:
    # The fast engine leaves ranges to the exact engine; while it refuses them,
    # the row is unresolved with the exact engine's reason.
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="US")
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_holding("f", "jv", jvm.Range("25%", "50%", closed="right"))
    row = jvm.check_all(g, regime=REGIME)["jv"]
    try:
        expected: jvm.CapCheck | jvm.JVModelError = jvm.check(g, "jv", regime=REGIME)
    except jvm.JVModelError as error:
        expected = error
    if isinstance(expected, jvm.JVModelError):
        assert (row.status, row.reason) == ("unresolved", expected.message)
    else:  # once interval analysis lands
        assert row.status == expected.status


def test_to_dict_and_to_pandas() -> None:
    report = jvm.check_all(at_the_cap(), regime=REGIME)
    data = report.to_dict()
    json.dumps(data)  # JSON-ready
    assert data["counts"]["compliant"] == 1
    row = data["rows"][0]
    assert row["foreign_share"] == {"exact": "1/2", "value": 0.5, "percent": "50%"}
    assert row["cap"]["exact"] == "1/2"
    frame = report.to_pandas()
    assert frame.loc[0, "status"] == "compliant"
    assert frame.loc[0, "foreign_share_exact"] == "1/2"
    assert frame.loc[0, "foreign_share"] == 0.5
    assert list(frame.columns)[:3] == ["target", "sector", "status"]


def test_the_bundled_example_over_time() -> None:
    # The JV sat at exactly 50% until 2022-07-01, then 1/2 + 1/2 × 30% × 10% = 51.5%.
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    before = jvm.check_all(g, regime=REGIME, as_of=dt.date(2022, 6, 30))["jv"]
    after = jvm.check_all(g, regime=REGIME)["jv"]
    assert (before.status, before.foreign_share) == ("compliant", Fraction(1, 2))
    assert after.status == "breach"
    assert after.foreign_share == pytest.approx(0.515, abs=1e-12)


def test_without_scipy_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import jvmodel.analysis

    # As if numpy and scipy were not installed: the engine module cannot be imported.
    monkeypatch.delattr(jvmodel.analysis, "fast", raising=False)
    monkeypatch.delitem(sys.modules, "jvmodel.analysis.fast", raising=False)
    monkeypatch.setitem(sys.modules, "scipy", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'jvmodel\[fast\]'"):
        jvm.check_all(at_the_cap(), regime=REGIME)
    with pytest.raises(ModuleNotFoundError, match="scipy"):
        jvm.foreign_shares(at_the_cap(), host="CN")
