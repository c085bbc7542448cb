"""check_all rows pinned whole where the exact engine decides them: ranged stakes, a
method the fast engine does not compute, and the table's columns."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.compliance.report import _figure

pytest.importorskip("scipy")

_CAP = jvm.Cap(sector="vpn", limit=Fraction(1, 2), source="s")


def test_a_ranged_row_gives_both_ends_of_its_interval() -> None:
    # F (US) holds (25%, 50%] of the JV, D (CN) 50%; the rest is undisclosed and
    # counted domestic.  Foreign share (1/4, 1/2]; under ≤ 1/2 every value is
    # allowed: compliant.  Headroom 1/2 − (1/4, 1/2] = [0, 1/4) (ends swap).
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", jvm.Range("25%", "50%", closed="right"))
    g.add_holding("d", "jv", "50%")
    regime = jvm.Regime(name="ranged", host="CN", caps=(_CAP,), undisclosed="domestic")
    report = jvm.check_all(g, regime=regime)
    share = {
        "lower": "1/4",
        "upper": "1/2",
        "lower_closed": False,
        "upper_closed": True,
        "percent": "25% to 50%",
    }
    assert report.to_dict()["rows"] == [
        {
            "target": "jv",
            "sector": "vpn",
            "status": "compliant",
            "foreign_share": share,
            "cap": {"exact": "1/2", "value": 0.5, "percent": "50%"},
            "cap_inclusive": True,
            "headroom": {
                "lower": "0",
                "upper": "1/4",
                "lower_closed": True,
                "upper_closed": False,
                "percent": "0% to 25%",
            },
            "top_contributor": "f",
            # F's own contribution is its stake: (1/4, 1/2].
            "top_contribution": share,
            "exact": True,
            "measure": "equity",
            "method": "proportional",
            "reason": None,
        }
    ]


def test_a_method_the_fast_engine_lacks_is_checked_row_by_row() -> None:
    # Under the threshold method the fast engine refuses, so every row comes
    # from check(): JV: F (US) 40% direct, D (CN) 60%: foreign 2/5, headroom
    # 1/2 − 2/5 = 1/10.  OP: D 100%: foreign 0, headroom 1/2.  A non-linear
    # method has no per-owner contributions, so no top contributor.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("op", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", "40%")
    g.add_holding("d", "jv", "60%")
    g.add_holding("d", "op", "100%")
    regime = jvm.Regime(name="thresholds", host="CN", caps=(_CAP,), methods={"equity": "threshold"})
    report = jvm.check_all(g, regime=regime)

    def row(target: str, share: str, value: float, headroom: str, room: float) -> dict:
        return {
            "target": target,
            "sector": "vpn",
            "status": "compliant",
            "foreign_share": {"exact": share, "value": value, "percent": f"{value:.0%}"},
            "cap": {"exact": "1/2", "value": 0.5, "percent": "50%"},
            "cap_inclusive": True,
            "headroom": {"exact": headroom, "value": room, "percent": f"{room:.0%}"},
            "top_contributor": None,
            "top_contribution": None,
            "exact": True,
            "measure": "equity",
            "method": "threshold",
            "reason": None,
        }

    assert report.to_dict()["rows"] == [
        row("jv", "2/5", 0.4, "1/10", 0.1),
        row("op", "0", 0.0, "1/2", 0.5),
    ]


def test_the_table_has_every_column_in_order() -> None:
    # One row: F (US) 50%, D (CN) 50%: foreign exactly 1/2, decided exactly.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", "50%")
    g.add_holding("d", "jv", "50%")
    frame = jvm.check_all(g, regime=jvm.Regime(name="r", host="CN", caps=(_CAP,))).to_pandas()
    assert list(frame.columns) == [
        "target",
        "sector",
        "status",
        "foreign_share",
        "cap",
        "headroom",
        "top_contributor",
        "top_contribution",
        "exact",
        "foreign_share_exact",
        "measure",
        "method",
        "reason",
    ]
    assert (frame.loc[0, "measure"], frame.loc[0, "method"]) == ("equity", "proportional")
    assert frame.loc[0, "reason"] is None


def test_an_unexpected_contribution_is_an_internal_error() -> None:
    # Contributions are Fractions or Intervals; anything else is a bug, said so.
    with pytest.raises(jvm.UnsupportedAnalysisError, match=r"unexpected contribution 0\.5") as e:
        _figure(0.5)
    assert e.value.reason == "internal"


def test_the_series_of_foreign_shares_is_indexed_by_entity() -> None:
    # F (US) holds 1/2 of the JV: the JV's figure 0.5, under the index name "entity".
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN")
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "jv", "50%")
    series = jvm.foreign_shares(g, host="CN", undisclosed="domestic").to_pandas()
    assert (series.index.name, series.name, series["jv"]) == ("entity", "foreign_share", 0.5)
