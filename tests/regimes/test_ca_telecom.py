"""ca-telecom: Canadian carriers and their holding companies (Telecommunications Act s. 16).

Each test's name starts with its source, or ``derived`` for a case computed by
hand: a holding company counts Canadian (a "qualified corporation" under
SOR/94-667) when at least 66 2/3% of its votes are Canadian and it is not
controlled by non-Canadians; the carrier needs at least 80% Canadian votes.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm

REGIME = "ca-telecom"


def carrier(canadian_in_holdco: str) -> jvm.OwnershipGraph:
    """Holdco H (organised in Canada) holds 70% of the carrier's votes, Canadian
    pension funds the other 30%; H's votes are ``canadian_in_holdco`` Canadian,
    the rest American (dispersed among three US funds, so no one controls H
    alone unless the Canadian holder does)."""
    g = jvm.OwnershipGraph()
    g.add_entity("carrier", jurisdiction="CA", sectors=["telecom-carrier"])
    g.add_entity("h", jurisdiction="CA")
    g.add_entity("ca-fund", kind="fund", jurisdiction="CA")
    g.add_entity("ca-pension", kind="fund", jurisdiction="CA")
    g.add_holding("h", "carrier", "70%")
    g.add_holding("ca-pension", "carrier", "30%")
    canadian = jvm.parse_share(canadian_in_holdco)
    g.add_holding("ca-fund", "h", canadian)
    for i in range(3):
        g.add_entity(f"us{i}", kind="fund", jurisdiction="US")
        g.add_holding(f"us{i}", "h", (1 - canadian) / 3)
    return g


@pytest.mark.parametrize(
    ("canadian", "foreign", "status"),
    [
        # 70% Canadian ≥ 2/3: H is Canadian, its 70% counts Canadian: 0% foreign.
        pytest.param("70%", Fraction(0), "compliant", id="sor-94-667-holdco-70-percent-canadian"),
        # 60% Canadian < 2/3: H is non-Canadian, its whole 70% counts foreign.
        pytest.param("60%", Fraction(7, 10), "breach", id="sor-94-667-holdco-60-percent-canadian"),
        # Exactly 2/3 Canadian is "not less than 66 2/3 per cent": Canadian.
        pytest.param("2/3", Fraction(0), "compliant", id="sor-94-667-holdco-exactly-two-thirds"),
    ],
)
def test_holding_company_counts_wholly_canadian_or_wholly_foreign(
    canadian: str, foreign: Fraction, status: str
) -> None:
    r = jvm.check(carrier(canadian), "carrier", regime=REGIME)
    assert (r.foreign_share, r.status, r.measure) == (foreign, status, "voting")


def test_derived_holdco_canadian_owned_but_controlled_by_non_canadian() -> None:
    # H is 70% Canadian by votes, but a US fund holds a voting agreement that
    # controls it: "otherwise controlled by non-Canadians", so H is not a
    # qualified corporation and its 70% counts foreign; and the carrier, which H
    # controls, is controlled by a non-Canadian: a breach on both counts.
    g = carrier("70%")
    g.add_control("us0", "h", basis="voting_agreement")
    r = jvm.check(g, "carrier", regime=REGIME)
    assert (r.foreign_share, r.status) == (Fraction(7, 10), "breach")
    assert "h" in r.foreign_controllers
    assert any("must be controlled domestically" in f for f in r.findings)


@pytest.mark.parametrize(
    ("direct", "status"),
    [
        pytest.param("20%", "compliant", id="telecommunications-act-s16-80-percent-canadian"),
        pytest.param("20.01%", "breach", id="derived-just-over-20-percent"),
    ],
)
def test_direct_foreign_votes_at_most_20_percent(direct: str, status: str) -> None:
    # Canadians must hold at least 80% of the votes: 20% foreign is the limit.
    g = jvm.OwnershipGraph()
    g.add_entity("carrier", jurisdiction="CA", sectors=["telecom-carrier"])
    g.add_entity("us", jurisdiction="US")
    g.add_holding("us", "carrier", direct)
    for i in range(4):
        g.add_entity(f"ca{i}", jurisdiction="CA")
        g.add_holding(f"ca{i}", "carrier", (1 - jvm.parse_share(direct)) / 4)
    assert jvm.check(g, "carrier", regime=REGIME).status == status


def test_derived_control_in_fact_by_non_canadian_is_a_breach_at_zero_votes() -> None:
    # No foreign votes at all, but a US company holds a contract controlling the
    # carrier: not Canadian-controlled, a breach whatever the share.
    g = jvm.OwnershipGraph()
    g.add_entity("carrier", jurisdiction="CA", sectors=["telecom-carrier"])
    g.add_entity("ca", jurisdiction="CA")
    g.add_entity("us-co", jurisdiction="US")
    g.add_holding("ca", "carrier", "100%")
    g.add_control("us-co", "carrier", basis="contract")
    r = jvm.check(g, "carrier", regime=REGIME)
    assert (r.foreign_share, r.status, r.foreign_controllers) == (0, "breach", ("us-co",))
