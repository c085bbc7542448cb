"""kr-telecom: foreign voting shares of facilities-based carriers (Telecommunications Business Act).

Each test's name starts with its source, or ``derived`` for a case computed by
hand: foreign voting shares at most 49%; a Korean corporation whose largest
shareholder is foreign with 15% or more counts wholly foreign, unless it holds
1% or less of the carrier.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm

REGIME = "kr-telecom"


def carrier(largest_foreign: str, holding_in_carrier: str) -> jvm.OwnershipGraph:
    """Carrier: 40% held directly by a US fund; Korean corporation K holds
    ``holding_in_carrier``; Korean holders the rest.  K's largest holder is a
    Japanese company with ``largest_foreign``; the rest of K is spread over
    Korean holders with 5% each (and an undisclosed remainder counted foreign
    but never a holder, so never the largest)."""
    g = jvm.OwnershipGraph()
    g.add_entity("carrier", jurisdiction="KR", sectors=["telecom-carrier"])
    g.add_entity("us-fund", kind="fund", jurisdiction="US")
    g.add_entity("jp-co", jurisdiction="JP")
    g.add_entity("k", jurisdiction="KR")
    g.add_entity("kr", jurisdiction="KR")
    g.add_holding("us-fund", "carrier", "40%")
    g.add_holding("k", "carrier", holding_in_carrier)
    g.add_holding("kr", "carrier", 1 - Fraction(2, 5) - jvm.parse_share(holding_in_carrier))
    g.add_holding("jp-co", "k", largest_foreign)
    for i in range(17):
        g.add_entity(f"kr{i}", kind="person", jurisdiction="KR")
        g.add_holding(f"kr{i}", "k", "5%")
    return g


def test_derived_largest_foreign_holder_at_15_percent_makes_the_corporation_foreign() -> None:
    # K's largest holder (15%) is foreign: K is deemed foreign and its 10% of the
    # carrier counts in full: 40% + 10% = 50% > 49%, a breach.
    r = jvm.check(carrier("15%", "10%"), "carrier", regime=REGIME)
    assert (r.foreign_share, r.status) == (Fraction(1, 2), "breach")


def test_derived_largest_foreign_holder_below_15_percent_leaves_it_korean() -> None:
    # At 14.99% the rule does not bite: K counts Korean; 40% ≤ 49%.
    r = jvm.check(carrier("14.99%", "10%"), "carrier", regime=REGIME)
    assert (r.foreign_share, r.status) == (Fraction(2, 5), "compliant")


def test_derived_one_percent_holding_is_exempt() -> None:
    # K is deemed foreign but holds only 1% of the carrier: excepted, so 40%.
    # At 1.01% the exception no longer applies: 41.01%.
    assert jvm.foreign_share(carrier("15%", "1%"), "carrier", regime=REGIME, measure="voting") == (
        Fraction(2, 5)
    )
    share = jvm.foreign_share(carrier("15%", "1.01%"), "carrier", regime=REGIME, measure="voting")
    assert share == Fraction(4101, 10000)


@pytest.mark.parametrize(("direct", "status"), [("49%", "compliant"), ("49.01%", "breach")])
def test_derived_49_percent_is_the_limit(direct: str, status: str) -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("carrier", jurisdiction="KR", sectors=["telecom-carrier"])
    g.add_entity("f", jurisdiction="GB")
    g.add_entity("kr", jurisdiction="KR")
    g.add_holding("f", "carrier", direct)
    g.add_holding("kr", "carrier", 1 - jvm.parse_share(direct))
    assert jvm.check(g, "carrier", regime=REGIME).status == status
