"""CapCheck pinned whole: every cap's entry in ``to_dict()``, its display form, and the
paths of a controlling parent counted by its own jurisdiction."""

from __future__ import annotations

from fractions import Fraction

import jvmodel as jvm
from jvmodel.analysis.paths import Path


def _regime(*caps: jvm.Cap, undisclosed: str = "foreign") -> jvm.Regime:
    return jvm.Regime(name="test-regime", host="CN", caps=caps, undisclosed=undisclosed)


def test_every_cap_in_force_is_listed_whole() -> None:
    # F (US) holds 40% of the equity and votes of the JV, D (CN) 60%.
    # Equity cap ≤ 1/2: 2/5 ≤ 1/2, compliant.  Vote cap < 1/3: 2/5 ≥ 1/3, breach;
    # the breach decides, so the top-level figures are the vote cap's.
    # Headroom 1/3 − 2/5 = 5/15 − 6/15 = −1/15 (−6.666...%, shown to one place).
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", "40%")
    g.add_holding("d", "jv", "60%")
    equity = jvm.Cap(sector="vpn", limit=Fraction(1, 2), title="equity cap", source="s1")
    votes = jvm.Cap(
        sector="vpn",
        limit=Fraction(1, 3),
        inclusive=False,
        measure="voting",
        title="vote cap",
        source="s2",
    )
    result = jvm.check(g, "jv", regime=_regime(equity, votes))
    summary = result.to_dict()
    assert summary["rules"] == [
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
        {
            "cap": "< 1/3 of voting",
            "title": "vote cap",
            "subject": "jv",
            "measure": "voting",
            "method": "proportional",
            "status": "breach",
            "foreign_share": {"exact": "2/5", "percent": "40%"},
            "cap_source": "s2",
        },
    ]
    assert (summary["measure"], summary["status"], summary["cap_source"]) == (
        "voting",
        "breach",
        "s2",
    )
    assert summary["headroom"]["exact"] == "-1/15"


def test_a_point_interval_is_shown_as_one_percentage() -> None:
    # An interval [1/2, 1/2] is the single value 50%: no brackets.
    cap = jvm.Cap(sector="vpn", limit=Fraction(1, 2), source="s")
    point = jvm.Interval(lower=Fraction(1, 2), upper=Fraction(1, 2))
    result = jvm.CapCheck(
        target="jv",
        regime="test-regime",
        sector="vpn",
        as_of=None,
        measure="equity",
        method="proportional",
        foreign_share=point,
        cap_rule=cap,
        status="compliant",
    )
    assert (
        repr(result)
        == "<CapCheck 'jv' compliant: foreign 50% vs ≤ 50% of equity (test-regime, vpn)>"
    )


def _parented(jurisdiction: str | None) -> jvm.OwnershipGraph:
    # P holds 60% of the JV's votes (a majority: P controls it); D (CN) holds 40%.
    # P has no recorded owners, so it counts by its own jurisdiction.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("p", jurisdiction=jurisdiction)
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("p", "jv", "60%")
    g.add_holding("d", "jv", "40%")
    return g


_PARENT_CAP = jvm.Cap(
    sector="vpn", limit=Fraction(1, 2), applies_to="controlling-parent", source="s"
)


def test_a_foreign_parent_without_owners_is_one_whole_path() -> None:
    # P (US) is wholly foreign: share 1, one path P itself with product 1.
    result = jvm.check(_parented("US"), "jv", regime=_regime(_PARENT_CAP))
    assert (result.subject, result.foreign_share, result.status) == ("p", 1, "breach")
    assert result.paths == (Path(owner="p", entities=("p",), product=Fraction(1)),)


def test_a_domestic_parent_without_owners_has_no_paths() -> None:
    # P (CN) is domestic: share 0, no path.
    result = jvm.check(_parented("CN"), "jv", regime=_regime(_PARENT_CAP))
    assert (result.subject, result.foreign_share, result.status) == ("p", 0, "compliant")
    assert result.paths == ()


def test_a_parent_of_unknown_jurisdiction_follows_the_undisclosed_policy() -> None:
    # P has no jurisdiction: it counts like undisclosed ownership, wholly foreign
    # under "foreign" (share 1, a breach of ≤ 1/2), not at all under "domestic".
    g = _parented(None)
    foreign = jvm.check(g, "jv", regime=_regime(_PARENT_CAP))
    assert (foreign.foreign_share, foreign.status) == (1, "breach")
    domestic = jvm.check(g, "jv", regime=_regime(_PARENT_CAP, undisclosed="domestic"))
    assert (domestic.foreign_share, domestic.status) == (0, "compliant")
