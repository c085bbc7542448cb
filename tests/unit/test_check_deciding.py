"""Which cap decides a compliant check, an uncapped rule's verdict, and the
foreign-control finding, pinned whole."""

from __future__ import annotations

from fractions import Fraction

import jvmodel as jvm


def _regime(*caps: jvm.Cap) -> jvm.Regime:
    return jvm.Regime(name="test-regime", host="CN", caps=caps, undisclosed="foreign")


def _jv(holdings: list[tuple[str, str, str]]) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    for entity, country in {"f": "US", "g": "GB", "d": "CN"}.items():
        g.add_entity(entity, jurisdiction=country)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def test_a_capped_rule_decides_before_an_uncapped_one() -> None:
    # F (US) holds 40% of the JV, D (CN) 60%.  Votes are uncapped: compliant whatever
    # the share, no headroom.  Equity ≤ 1/2: 2/5 ≤ 1/2, headroom 1/2 − 2/5 = 1/10.
    # Both compliant: the capped rule, with the least headroom, decides; the uncapped
    # rule (listed first) comes last.
    uncapped = jvm.Cap(sector="vpn", limit=None, measure="voting", title="no cap", source="s0")
    equity = jvm.Cap(sector="vpn", limit=Fraction(1, 2), title="equity cap", source="s1")
    result = jvm.check(
        _jv([("f", "jv", "40%"), ("d", "jv", "60%")]), "jv", regime=_regime(uncapped, equity)
    )
    assert result.to_dict() == {
        "target": "jv",
        "regime": "test-regime",
        "sector": "vpn",
        "as_of": None,
        "subject": "jv",
        "measure": "equity",
        "method": "proportional",
        "status": "compliant",
        "compliant": True,
        "foreign_share": {"exact": "2/5", "percent": "40%"},
        "cap": {"exact": "1/2", "percent": "50%"},
        "cap_inclusive": True,
        "cap_kind": "cap",
        "cap_source": "s1",
        "headroom": {"exact": "1/10", "percent": "10%"},
        "contributions": {"f": {"exact": "2/5", "percent": "40%"}},
        "ambiguous": [],
        "findings": [],
        "foreign_controllers": [],
        "rules": [
            {
                "cap": "uncapped",
                "title": "no cap",
                "subject": "jv",
                "measure": "voting",
                "method": "proportional",
                "status": "compliant",
                "foreign_share": {"exact": "2/5", "percent": "40%"},
                "cap_source": "s0",
            },
            {
                "cap": "≤ 50% of equity",
                "title": "equity cap",
                "subject": "jv",
                "measure": "equity",
                "method": "proportional",
                "status": "compliant",
                "foreign_share": {"exact": "2/5", "percent": "40%"},
                "cap_source": "s1",
            },
        ],
    }


def test_one_foreign_controller_counts_foreign() -> None:
    # F (US) holds 60% of the JV's votes: it controls the JV and is foreign.
    equity = jvm.Cap(sector="vpn", limit=Fraction(1, 2), source="s1")
    result = jvm.check(_jv([("f", "jv", "60%"), ("d", "jv", "40%")]), "jv", regime=_regime(equity))
    assert result.foreign_controllers == ("f",)
    assert result.findings == (
        "foreign control: 'jv' is controlled by 'f' (60% of the votes); 'f' (US) counts "
        "foreign, whatever the equity share",
    )


def test_two_foreign_controllers_count_foreign() -> None:
    # F (US) holds 60% of the JV, G (GB) 60% of F: F controls the JV and G controls F.
    equity = jvm.Cap(sector="vpn", limit=Fraction(1, 2), source="s1")
    g = _jv([("f", "jv", "60%"), ("d", "jv", "40%"), ("g", "f", "60%"), ("d", "f", "40%")])
    result = jvm.check(g, "jv", regime=_regime(equity))
    assert result.foreign_controllers == ("f", "g")
    assert result.findings == (
        "foreign control: 'jv' is controlled by 'f' (60% of the votes), which is "
        "controlled by 'g' (60% of the votes); 'f' (US), 'g' (GB) count foreign, "
        "whatever the equity share",
    )
