"""jp-ntt: foreign voting rights in NTT strictly below one third (NTT Act, article 6)."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm

REGIME = "jp-ntt"


def ntt(foreign_votes: str) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("ntt", jurisdiction="JP", sectors=["ntt"])
    g.add_entity("foreign", kind="fund", jurisdiction="US")
    g.add_entity("japan", kind="state", jurisdiction="JP")
    g.add_holding("foreign", "ntt", foreign_votes)
    g.add_holding("japan", "ntt", 1 - jvm.parse_share(foreign_votes))
    return g


@pytest.mark.parametrize(
    ("foreign", "status"),
    [
        # "one third or more" may not be registered: exactly 1/3 is a breach,
        # with zero headroom, and anything below is inside.
        pytest.param("1/3", "breach", id="ntt-act-art-6-one-third-is-too-much"),
        pytest.param("33.33%", "compliant", id="derived-just-below-one-third"),
    ],
)
def test_foreign_voting_rights_strictly_below_one_third(foreign: str, status: str) -> None:
    r = jvm.check(ntt(foreign), "ntt", regime=REGIME)
    assert (r.status, r.measure, r.cap_rule.inclusive) == (status, "voting", False)


def test_derived_indirect_votes_through_a_japanese_company() -> None:
    # A Japanese company, 50% held by a US fund, holds 20% of NTT's votes; the US
    # fund also holds 25% directly: 25% + 50% × 20% = 35% ≥ 1/3, a breach.
    g = jvm.OwnershipGraph()
    g.add_entity("ntt", jurisdiction="JP", sectors=["ntt"])
    g.add_entity("us", kind="fund", jurisdiction="US")
    g.add_entity("jp-co", jurisdiction="JP")
    g.add_entity("jp", kind="state", jurisdiction="JP")
    g.add_holding("us", "ntt", "25%")
    g.add_holding("jp-co", "ntt", "20%")
    g.add_holding("jp", "ntt", "55%")
    g.add_holding("us", "jp-co", "50%")
    g.add_holding("jp", "jp-co", "50%")
    r = jvm.check(g, "ntt", regime=REGIME)
    assert (r.foreign_share, r.status) == (Fraction(7, 20), "breach")
