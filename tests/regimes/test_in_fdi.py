"""in-fdi: total foreign investment by the Press Note 2 (2009 Series) rule, and sector caps.

Each test's name starts with its source, or ``derived`` for a case computed by
hand from the rule: an Indian company counts domestic only if resident Indians
own more than half of it and control it; otherwise its whole stake counts as
foreign; a wholly owned subsidiary mirrors its parent.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm

REGIME = "in-fdi"


def structure(investor_foreign: str, *, control_by_foreigner: bool = False) -> jvm.OwnershipGraph:
    """Investing Indian company C, ``investor_foreign`` held by a UK company and
    the rest by a resident Indian; C holds 26% of the Indian company T, a
    resident Indian the other 74%."""
    g = jvm.OwnershipGraph()
    g.add_entity("uk", jurisdiction="GB")
    g.add_entity("resident", kind="person", jurisdiction="IN")
    g.add_entity("c", jurisdiction="IN")
    g.add_entity("t", jurisdiction="IN", sectors=["insurance"])
    g.add_holding("uk", "c", investor_foreign)
    g.add_holding("resident", "c", 1 - jvm.parse_share(investor_foreign))
    g.add_holding("c", "t", "26%")
    g.add_holding("resident", "t", "74%")
    if control_by_foreigner:
        g.add_control("uk", "c", basis="board")
    return g


def test_derived_pn2_2009_company_75_percent_foreign_holding_26_percent_contributes_26() -> None:
    # C is 75% foreign, so not owned by residents: its whole 26% counts.
    g = structure("75%")
    assert jvm.foreign_share(g, "t", regime=REGIME) == Fraction(26, 100)
    # Proportional look-through would have said 75% × 26% = 19.5%.
    assert jvm.foreign_share(g, "t", regime=REGIME, method="proportional") == Fraction(39, 200)


def test_derived_pn2_2009_wholly_owned_subsidiary_mirrors_75_percent() -> None:
    # S is C's 100% subsidiary: its foreign investment is C's own, 75%, not the
    # 100% that C's all-or-nothing status would give; and S's 26% stake in T2
    # counts in full, as C's own would (S counts foreign: 75% ≥ 50%).
    g = structure("75%")
    g.add_entity("s", jurisdiction="IN")
    g.add_entity("t2", jurisdiction="IN")
    g.add_holding("c", "s", "100%")
    g.add_holding("s", "t2", "26%")
    g.add_holding("resident", "t2", "74%")
    assert jvm.foreign_share(g, "s", regime=REGIME) == Fraction(3, 4)
    assert jvm.foreign_share(g, "t2", regime=REGIME) == Fraction(26, 100)


def test_derived_pn2_2009_resident_owned_and_controlled_contributes_nothing() -> None:
    # C is 30% foreign, 70% with a resident who controls it: domestic, so its
    # 26% counts nothing, although 30% × 26% = 7.8% of T is foreign-owned.
    g = structure("30%")
    assert jvm.foreign_share(g, "t", regime=REGIME) == 0
    assert jvm.controllers(g, "c").ultimate == "resident"


def test_derived_pn2_2009_exactly_half_foreign_is_not_resident_owned() -> None:
    # "Owned by residents" means more than 50% held by residents: at exactly 50%
    # foreign, C is not resident-owned, so its whole 26% counts.
    g = structure("50%")
    assert jvm.foreign_share(g, "t", regime=REGIME) == Fraction(26, 100)


def test_derived_pn2_2009_resident_owned_but_foreign_controlled_counts_foreign() -> None:
    # C is 30% foreign, but the UK company has the right to appoint the majority
    # of its board: not controlled by residents, so its whole 26% counts.
    g = structure("30%", control_by_foreigner=True)
    assert jvm.foreign_share(g, "t", regime=REGIME) == Fraction(26, 100)
    attribution = jvm.attribute(
        g, "t", host="IN", method=jvm.regimes.get(REGIME).method_for("equity")
    )
    assert attribution.reasons["c"] == "controlled by foreign 'uk'"


def test_derived_f_60_percent_of_h_h_40_percent_of_target() -> None:
    # F (foreign) holds 60% of H, H holds 40% of the target; residents hold the
    # rest of each.  Multiplying: 60% × 40% = 24%.  India: H is not
    # resident-owned, so its whole 40% counts.
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="US")
    g.add_entity("resident", kind="person", jurisdiction="IN")
    g.add_entity("h", jurisdiction="IN")
    g.add_entity("target", jurisdiction="IN")
    g.add_holding("f", "h", "60%")
    g.add_holding("resident", "h", "40%")
    g.add_holding("h", "target", "40%")
    g.add_holding("resident", "target", "60%")
    assert jvm.foreign_share(g, "target", host="IN") == Fraction(24, 100)
    assert jvm.foreign_share(g, "target", regime=REGIME) == Fraction(40, 100)


def test_derived_pn2_2009_non_resident_entity_counts_in_full() -> None:
    # A company organised in Singapore, wholly owned by a resident Indian, holds
    # 10% of T: a non-resident entity, its investment is direct foreign
    # investment (10%) whoever owns it.
    g = structure("0%")
    g.add_entity("sg", jurisdiction="SG")
    g.add_holding("resident", "sg", "100%")
    g2 = jvm.OwnershipGraph()
    for entity in g.entities():
        g2.add_entity(entity)
    g2.add_holding("resident", "sg", "100%")
    g2.add_holding("sg", "t", "10%")
    g2.add_holding("resident", "t", "90%")
    assert jvm.foreign_share(g2, "t", regime=REGIME) == Fraction(1, 10)


@pytest.mark.parametrize(
    ("stake", "status"),
    [("74%", "compliant"), ("74.01%", "breach")],
)
def test_derived_insurance_cap_74_percent_is_inclusive(stake: str, status: str) -> None:
    # 74% foreign is allowed; 74.01% is not.
    g = jvm.OwnershipGraph()
    g.add_entity("insurer", jurisdiction="IN", sectors=["insurance"])
    g.add_entity("f", jurisdiction="GB")
    g.add_entity("resident", kind="person", jurisdiction="IN")
    g.add_holding("f", "insurer", stake)
    g.add_holding("resident", "insurer", 1 - jvm.parse_share(stake))
    assert jvm.check(g, "insurer", regime=REGIME).status == status


def test_derived_defence_above_74_percent_needs_approval() -> None:
    # The automatic route ends at 74%: 80% is reported as a breach of the
    # benchmark, worded as one that needs the government's approval.
    g = jvm.OwnershipGraph()
    g.add_entity("maker", jurisdiction="IN", sectors=["defence"])
    g.add_entity("f", jurisdiction="FR")
    g.add_entity("resident", kind="person", jurisdiction="IN")
    g.add_holding("f", "maker", "80%")
    g.add_holding("resident", "maker", "20%")
    r = jvm.check(g, "maker", regime=REGIME)
    assert (r.status, r.cap_rule.kind) == ("breach", "benchmark")
    assert any("benchmark" in f and "approval is needed" in f for f in r.findings)


def test_derived_news_broadcasting_cap_changed_in_2015() -> None:
    # 30% foreign in a news channel: above the 26% limit in 2010, inside the 49%
    # limit from 2015-11-10.
    g = jvm.OwnershipGraph()
    g.add_entity("news", jurisdiction="IN", sectors=["news-broadcasting"])
    g.add_entity("f", jurisdiction="GB")
    g.add_entity("resident", kind="person", jurisdiction="IN")
    g.add_holding("f", "news", "30%")
    g.add_holding("resident", "news", "70%")
    assert jvm.check(g, "news", regime=REGIME, as_of=dt.date(2010, 1, 1)).status == "breach"
    assert jvm.check(g, "news", regime=REGIME).status == "compliant"
    periods = jvm.timeline(g, "news", regime=REGIME)
    assert [(p.start, p.status) for p in periods] == [
        (None, "breach"),
        (dt.date(2015, 11, 10), "compliant"),
    ]
