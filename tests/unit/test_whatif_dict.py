"""What-if and explanation results pinned whole: ``to_dict()`` and ``repr``."""

from __future__ import annotations

from fractions import Fraction

import jvmodel as jvm

_CAP = jvm.Cap(sector="vpn", limit=Fraction(1, 2), source="s")
_REGIME = jvm.Regime(name="test-regime", host="CN", caps=(_CAP,))


def _jv(foreign: str, domestic: str) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", foreign)
    g.add_holding("d", "jv", domestic)
    return g


def test_an_acquisition_up_to_the_cap() -> None:
    # F (US) 20%, D (CN) 80%; F buys from D.  F can reach 1/2 under ≤ 1/2: it buys
    # 1/2 − 1/5 = 3/10, and exactly 3/10 is allowed (attained).  D has 4/5 to sell.
    result = jvm.max_acquirable(_jv("20%", "80%"), "jv", buyer="f", seller="d", regime=_REGIME)
    assert result.to_dict() == {
        "target": "jv",
        "buyer": "f",
        "seller": "d",
        "stake": "3/10",
        "attained": True,
        "available": "4/5",
        "cap": "≤ 50% of equity",
        "share": "1/2",
    }
    assert repr(result) == "<Acquisition 'f' in 'jv': 30% (attained)>"


def test_an_acquisition_nothing_allows() -> None:
    # The bundled JV is at 51.5% already (1/2 + 1/2 × 30% × 10%); BT China buying
    # from the partner only adds to it, so no stake, not even 0, is compliant.
    # The partner holds 1/2 of the JV: all that is available.
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    result = jvm.max_acquirable(
        g, "jv", buyer="bt-china", seller="partner", regime="cn-beijing-2020"
    )
    assert result.to_dict() == {
        "target": "jv",
        "buyer": "bt-china",
        "seller": "partner",
        "stake": None,
        "attained": False,
        "available": "1/2",
        "cap": None,
        "share": None,
    }


def test_a_divestment_down_to_the_cap() -> None:
    # The bundled JV at 103/200: BT China (wholly foreign) sells 103/200 − 1/2 = 3/200.
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    result = jvm.minimal_divestment(g, "jv", regime="cn-beijing-2020")
    assert result.to_dict() == {
        "target": "jv",
        "sales": {"bt-china": "3/200"},
        "total": "3/200",
        "attained": True,
        "share": "1/2",
    }
    assert repr(result) == "<Divestment of 'jv': 1.5% ('bt-china' 1.5%)>"


def test_no_divestment_when_already_compliant() -> None:
    # F 40% ≤ 1/2: nothing to sell; the share stays 2/5.
    result = jvm.minimal_divestment(_jv("40%", "60%"), "jv", regime=_REGIME)
    assert result.to_dict() == {
        "target": "jv",
        "sales": {},
        "total": "0",
        "attained": True,
        "share": "2/5",
    }
    assert repr(result) == "<Divestment of 'jv': 0% (nothing)>"


def test_an_explanation_lists_owners_and_paths() -> None:
    # The bundled JV: BT 1/2 through bt-global and bt-china; CalPERS 1/10 of the
    # fund × 3/10 of the partner × 1/2 of the JV = 3/200.  Total 103/200 = 51.5%.
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    explanation = jvm.explain(g, "jv", regime="cn-beijing-2020")
    summary = explanation.to_dict()
    assert summary["owners"] == {
        "bt": {"exact": "1/2", "percent": "50%"},
        "calpers": {"exact": "3/200", "percent": "1.5%"},
    }
    assert summary["paths"] == [
        {
            "owner": "bt",
            "entities": ["bt", "bt-global", "bt-china", "jv"],
            "product": {"exact": "1/2", "percent": "50%"},
            "cycles": [],
        },
        {
            "owner": "calpers",
            "entities": ["calpers", "zgc-fund", "partner", "jv"],
            "product": {"exact": "3/200", "percent": "1.5%"},
            "cycles": [],
        },
    ]
    assert (summary["paths_truncated"], summary["counted_foreign"]) == (False, {})
    assert repr(explanation) == "<Explanation 'jv': foreign 51.5% in 2 paths>"


def test_an_explanation_with_one_path() -> None:
    # F (US) 40% directly: one path, 40%.
    explanation = jvm.explain(_jv("40%", "60%"), "jv", regime=_REGIME)
    assert repr(explanation) == "<Explanation 'jv': foreign 40% in 1 path>"
