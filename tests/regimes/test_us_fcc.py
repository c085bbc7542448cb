"""us-fcc: worked examples of 47 CFR 1.5002 and checks under 47 U.S.C. 310(b)(3) and (b)(4).

Each test's name starts with its source: the rule's own worked example, or
``derived`` for a case computed by hand from the rule.
"""

from __future__ import annotations

from fractions import Fraction

import jvmodel as jvm

REGIME = "us-fcc"


def chain_30_of_a_holding_b(stake_in_b: str) -> jvm.OwnershipGraph:
    """A foreign individual holds 30% of US Corporation A, which holds ``stake_in_b``
    of US Parent B; Americans hold the rest of each."""
    g = jvm.OwnershipGraph()
    g.add_entity("foreigner", kind="person", jurisdiction="FR")
    g.add_entity("us-a", kind="person", jurisdiction="US")
    g.add_entity("us-b", kind="person", jurisdiction="US")
    g.add_entity("a", jurisdiction="US")
    g.add_entity("b", jurisdiction="US")
    g.add_holding("foreigner", "a", "30%")
    g.add_holding("us-a", "a", "70%")
    g.add_holding("a", "b", stake_in_b)
    g.add_holding("us-b", "b", 1 - jvm.parse_share(stake_in_b))
    return g


def test_47cfr_1_5002_b1_example_equity_30_percent_of_40_percent_is_12_percent() -> None:
    # 47 CFR 1.5002(b)(1), example: 30% × 40% = 12%.
    g = chain_30_of_a_holding_b("40%")
    assert jvm.foreign_share(g, "b", regime=REGIME, measure="equity") == Fraction(12, 100)


def test_47cfr_1_5002_b1_example_same_even_if_a_controls_b_de_facto() -> None:
    # "The result would be the same even if U.S.-organized Corporation A held a de
    # facto controlling interest in U.S.-organized Parent Corporation B": equity
    # is multiplied whatever the control (here a control link from A to B).
    g = chain_30_of_a_holding_b("40%")
    g.add_control("a", "b", basis="voting_agreement")
    assert jvm.foreign_share(g, "b", regime=REGIME, measure="equity") == Fraction(12, 100)


def test_derived_47cfr_1_5002_b2_multiplier_30_percent_of_a_70_percent_holder() -> None:
    # 47 CFR 1.5002(b)(2): A's 70% voting interest in B is controlling (> 50%), so it
    # counts as 100%: the foreigner's votes in B are 30% × 100% = 30%.  Equity is
    # multiplied as it is: 30% × 70% = 21%.
    g = chain_30_of_a_holding_b("70%")
    assert jvm.foreign_share(g, "b", regime=REGIME, measure="voting") == Fraction(30, 100)
    assert jvm.foreign_share(g, "b", regime=REGIME, measure="equity") == Fraction(21, 100)


def licensee(direct_foreign: str) -> jvm.OwnershipGraph:
    """A common carrier licensee held ``direct_foreign`` by a French company, the
    rest by US persons (dispersed: no one controls it)."""
    g = jvm.OwnershipGraph()
    g.add_entity("lic", jurisdiction="US", sectors=["common-carrier"])
    g.add_entity("fr-co", jurisdiction="FR")
    g.add_holding("fr-co", "lic", direct_foreign)
    rest = 1 - jvm.parse_share(direct_foreign)
    for i in range(4):
        g.add_entity(f"us{i}", kind="person", jurisdiction="US")
        g.add_holding(f"us{i}", "lic", rest / 4)
    return g


def test_derived_310b3_twenty_percent_direct_is_allowed() -> None:
    # "More than one-fifth" is barred: exactly 20% is inside the limit, on equity
    # and on votes; no one controls the licensee, so 310(b)(4) does not apply.
    r = jvm.check(licensee("20%"), "lic", regime=REGIME)
    assert (r.status, r.foreign_share, r.headroom) == ("compliant", Fraction(1, 5), 0)
    assert len(r.rules) == 2
    assert any("has no controlling parent" in f for f in r.findings)


def test_derived_310b3_just_over_twenty_percent_is_barred() -> None:
    r = jvm.check(licensee("20.01%"), "lic", regime=REGIME)
    assert r.status == "breach"
    assert r.cap_rule.title.endswith("(310(b)(3))")
    assert r.headroom == Fraction(-1, 10000)


def test_derived_310b3_alien_corporation_owned_by_americans() -> None:
    # A UK company wholly owned by an American holds 25% of the licensee.  It is
    # organised abroad, so under 310(b)(3) it is an alien whoever owns it: 25%
    # > 20%, a breach.  Proportional look-through would have said 0%.
    g = licensee("1%")
    g.add_entity("uk-co", jurisdiction="GB")
    g.add_entity("american", kind="person", jurisdiction="US")
    g.add_holding("american", "uk-co", "100%")
    g2 = jvm.OwnershipGraph()
    for entity in g.entities():
        g2.add_entity(entity)
    g2.add_holding("american", "uk-co", "100%")
    g2.add_holding("uk-co", "lic", "25%")
    for i in range(4):
        g2.add_holding(f"us{i}", "lic", "18.75%")
    r = jvm.check(g2, "lic", regime=REGIME)
    assert (r.status, r.foreign_share) == ("breach", Fraction(1, 4))
    assert jvm.foreign_share(g2, "lic", host="US") == 0


def parented(foreign_in_parent: str) -> jvm.OwnershipGraph:
    """The licensee is wholly owned by a US parent held ``foreign_in_parent`` by a
    German company, the rest by US persons."""
    g = jvm.OwnershipGraph()
    g.add_entity("lic", jurisdiction="US", sectors=["broadcast"])
    g.add_entity("parent", jurisdiction="US")
    g.add_entity("de-co", jurisdiction="DE")
    g.add_holding("parent", "lic", "100%")
    g.add_holding("de-co", "parent", foreign_in_parent)
    rest = 1 - jvm.parse_share(foreign_in_parent)
    for i in range(4):
        g.add_entity(f"us{i}", kind="person", jurisdiction="US")
        g.add_holding(f"us{i}", "parent", rest / 4)
    return g


def test_derived_310b4_benchmark_on_the_controlling_parent() -> None:
    # The parent controls the licensee (100%) and is 30% foreign: above the 25%
    # benchmark, which needs a declaratory ruling.  Directly the licensee has no
    # foreign holder (310(b)(3): 0%).  The verdict is a breach of the benchmark,
    # worded as such, measured on the parent.
    r = jvm.check(parented("30%"), "lic", regime=REGIME)
    assert r.status == "breach"
    assert (r.cap_rule.kind, r.subject, r.foreign_share) == ("benchmark", "parent", Fraction(3, 10))
    assert any(
        "above the ≤ 25% of equity benchmark" in f and "approval is needed" in f for f in r.findings
    )
    direct = [rule for rule in r.rules if rule.cap_rule.applies_to == "entity"]
    assert {rule.foreign_share for rule in direct} == {0}


def test_derived_310b4_exactly_25_percent_needs_no_ruling() -> None:
    # "Above 25%" needs a ruling: exactly 25% does not.
    r = jvm.check(parented("25%"), "lic", regime=REGIME)
    assert r.status == "compliant"


def test_derived_310b4_votes_use_the_multiplier() -> None:
    # The German company holds 60% of the votes of a US holding company that
    # holds 40% of the parent's votes (the rest of the parent with US persons).
    # Votes: 60% is controlling, so it counts 100%: 100% × 40% = 40% > 25%.
    # Equity, multiplied: 60% × 40% = 24% ≤ 25%.
    g = jvm.OwnershipGraph()
    g.add_entity("lic", jurisdiction="US", sectors=["common-carrier"])
    for entity in ("parent", "holdco"):
        g.add_entity(entity, jurisdiction="US")
    g.add_entity("de-co", jurisdiction="DE")
    g.add_entity("us-h", kind="person", jurisdiction="US")
    g.add_entity("us-p", kind="person", jurisdiction="US")
    g.add_holding("parent", "lic", "100%")
    g.add_holding("de-co", "holdco", "60%")
    g.add_holding("us-h", "holdco", "40%")
    g.add_holding("holdco", "parent", "40%")
    g.add_holding("us-p", "parent", "60%")
    r = jvm.check(g, "lic", regime=REGIME)
    by_measure = {
        rule.measure: rule for rule in r.rules if rule.cap_rule.applies_to == "controlling-parent"
    }
    assert by_measure["voting"].foreign_share == Fraction(2, 5)
    assert by_measure["equity"].foreign_share == Fraction(6, 25)
    assert (r.status, r.measure, r.method) == ("breach", "voting", "multiplier")


def test_derived_310b4_parent_organised_abroad_counts_wholly_foreign() -> None:
    # A UK parent, wholly owned by Americans, controls the licensee: an alien
    # corporation, 100% against the benchmark (and 100% held directly by an
    # alien under 310(b)(3), the first cap breached).
    g = jvm.OwnershipGraph()
    g.add_entity("lic", jurisdiction="US", sectors=["common-carrier"])
    g.add_entity("uk-parent", jurisdiction="GB")
    g.add_entity("american", kind="person", jurisdiction="US")
    g.add_holding("american", "uk-parent", "100%")
    g.add_holding("uk-parent", "lic", "100%")
    r = jvm.check(g, "lic", regime=REGIME)
    parent_rules = [rule for rule in r.rules if rule.subject == "uk-parent"]
    assert {rule.foreign_share for rule in parent_rules} == {1}
    assert r.status == "breach"
