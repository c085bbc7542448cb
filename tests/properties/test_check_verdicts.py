"""A cap check's verdict is the exact share compared with the cap, nothing else."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import jvmodel as jvm
import jvmodel.strategies as jst
from jvmodel.analysis.lookthrough import foreign_share as look_through


def _expected_status(share: Fraction, cap: jvm.Cap) -> str:
    if cap.limit is None:
        return "compliant"
    inside = share <= cap.limit if cap.inclusive else share < cap.limit
    return "compliant" if inside else "breach"


@given(data=st.data())
def test_verdicts_agree_with_the_exact_share(data: Any) -> None:
    regime = data.draw(jst.regimes(host="CN"), label="regime")
    g, jv = data.draw(
        jst.joint_ventures(sectors=regime.sectors(), allow_cycles=True), label="joint venture"
    )
    policy = data.draw(st.sampled_from([None, "foreign", "domestic"]), label="policy")
    result = jvm.check(g, jv, regime=regime, undisclosed=policy)

    (sector,) = g.entity(jv).sectors
    cap = regime.cap_for(sector, zones=g.entity(jv).zones)
    measure = cap.measure
    share = look_through(
        g,
        jv,
        host=regime.host,
        method=regime.method_for(measure),
        measure=measure,
        undisclosed=policy or regime.undisclosed,
        foreign=regime.foreign,
    )
    assert isinstance(share, Fraction)
    assert result.sector == sector
    assert result.measure == measure
    assert result.cap_rule == cap
    assert result.cap == cap.limit
    assert result.foreign_share == share
    assert result.status == _expected_status(share, cap)
    assert result.compliant is (result.status == "compliant")
    if cap.limit is None:
        assert result.headroom is None
    else:
        assert result.headroom == cap.limit - share
    assert sum(result.contributions.values()) == share
    summary = result.to_dict()
    assert summary["status"] == result.status
    assert Fraction(summary["foreign_share"]["exact"]) == share
    assert summary["cap_inclusive"] is cap.inclusive


def _joint_venture(foreign: list[Fraction], domestic: Fraction) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_entity("domestic", jurisdiction="CN")
    g.add_holding("domestic", "jv", domestic)
    for index, stake in enumerate(foreign):
        g.add_entity(f"foreign-{index}", jurisdiction="US")
        g.add_holding(f"foreign-{index}", "jv", stake)
    return g


@given(cap=jst.caps(sectors=["vpn"], allow_uncapped=False), parents=st.integers(1, 4))
def test_a_share_exactly_at_the_cap(cap: jvm.Cap, parents: int) -> None:
    # Foreign parents hold exactly the limit between them, a domestic parent the
    # rest: the foreign share is the limit itself, inside an inclusive cap and
    # outside a strict one.
    limit = cap.limit
    assert limit is not None
    regime = jvm.Regime(name="at-the-cap", host="CN", caps=(cap,))
    at_cap = _joint_venture([limit / parents] * parents, 1 - limit)
    result = jvm.check(at_cap, "jv", regime=regime)
    assert result.foreign_share == limit
    assert result.headroom == 0
    assert result.status == ("compliant" if cap.inclusive else "breach")
    # One part in 10^12 past the cap is a breach, whatever the cap.
    step = Fraction(1, 10**12)
    if limit <= 1 - step:
        past = _joint_venture([limit / parents] * parents + [step], 1 - limit - step)
        assert jvm.check(past, "jv", regime=regime).status == "breach"
        assert jvm.check(past, "jv", regime=regime).headroom == -step
