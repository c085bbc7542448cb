"""A cap check's verdict is the exact share compared with the cap, nothing else."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import jvmodel as jvm
import jvmodel.strategies as jst


def _inside(share: Fraction, cap: jvm.Cap) -> bool:
    assert cap.limit is not None
    return share <= cap.limit if cap.inclusive else share < cap.limit


def _expected_status(low: Fraction, high: Fraction, cap: jvm.Cap) -> str:
    """The verdict on a figure known to lie between ``low`` and ``high`` (the least
    and greatest readings of a cross-holding; equal when nothing is ambiguous)."""
    if cap.limit is None or _inside(high, cap):
        return "compliant"
    if not _inside(low, cap):
        return "breach"
    return "indeterminate"


_SEVERITY = {"compliant": 0, "indeterminate": 1, "breach": 2}


@given(data=st.data())
def test_verdicts_agree_with_the_exact_share(data: Any) -> None:
    regime = data.draw(jst.regimes(host="CN"), label="regime")
    g, jv = data.draw(
        jst.joint_ventures(sectors=regime.sectors(), allow_cycles=True), label="joint venture"
    )
    policy = data.draw(st.sampled_from([None, "foreign", "domestic"]), label="policy")
    result = jvm.check(g, jv, regime=regime, undisclosed=policy)

    (sector,) = g.entity(jv).sectors
    assert result.sector == sector
    in_force = regime.caps_for(sector, zones=g.entity(jv).zones)
    rules = result.rules or (result,)
    # The headline is the most severe verdict among the caps that apply.
    assert result.status == max((r.status for r in rules), key=_SEVERITY.__getitem__)
    assert result.compliant is (result.status == "compliant")
    for rule in rules:
        cap = rule.cap_rule
        assert cap in in_force
        assert rule.cap == cap.limit
        if rule.subject != jv:
            continue  # a cap on the controlling parent: tested in tests/regimes
        measure = "voting" if cap.measure == "voting" else "equity"
        method = jvm.methods.get_method(
            cap.method if cap.method is not None else regime.method_for(cap.measure)
        )
        attribution = jvm.attribute(
            g,
            jv,
            host=regime.host,
            method=method,
            measure=measure,
            undisclosed=policy or regime.undisclosed,
            foreign=regime.foreign,
            incorporation=regime.incorporation,
        )
        low, high = attribution.share, attribution.upper
        assert isinstance(low, Fraction)
        assert isinstance(high, Fraction)
        assert rule.measure == measure
        assert rule.foreign_share == low
        expected = _expected_status(low, high, cap)
        if cap.domestic_control and rule.status != expected:
            # A cap that also requires domestic control is breached by a foreign
            # controller, whatever the share, and says so.
            assert rule.status == "breach"
            assert any("must be controlled domestically" in f for f in rule.findings)
        else:
            assert rule.status == expected
        if cap.limit is None:
            assert rule.headroom is None
        else:
            assert rule.headroom == cap.limit - low
        total = sum(rule.contributions.values(), Fraction(0))
        if method.name == "multiplier":
            # The multiplier caps the aggregate at 100%, not each path, so its
            # contributions add up to the figure before that cap (and a multiplier
            # cycle whose path sums diverge has none).
            assert not rule.contributions or min(total, Fraction(1)) == low
        elif method.linear:
            # Per-owner contributions add up exactly.
            assert total == low
        summary = rule.to_dict()
        assert summary["status"] == rule.status
        assert Fraction(summary["foreign_share"]["exact"]) == low
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
