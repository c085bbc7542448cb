"""check() pinned whole on three edges: an ambiguous cross-holding (its finding and
the ``upper`` figure in the JSON form), control links read on the day asked, and the
refusal of one exact figure when stakes are ranges."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis.methods import Threshold

F = Fraction


def test_an_ambiguous_cross_holding_is_a_finding_with_both_figures() -> None:
    # T (CN, vpn): A 40%, D (CN) 60%.  A: B 60%, D 40%; B: A 60%, D 40%.  Under
    # a 50% threshold (no control test), starting A and B domestic each has raw
    # 3/5 · 0 = 0 < 1/2 and stays domestic: T's share 2/5 · 0 = 0.  Starting
    # them foreign, each has raw 3/5 · 1 = 3/5 ≥ 1/2 and stays foreign: T's share
    # 2/5 · 1 = 2/5.  A and B differ between the two readings, and so does T's
    # figure.  Under ≤ 25%: 0 is inside, 2/5 is not, so indeterminate.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    for entity_id in ("a", "b", "d"):
        g.add_entity(entity_id, jurisdiction="CN")
    g.add_holding("a", "t", "40%")
    g.add_holding("d", "t", "60%")
    g.add_holding("b", "a", "60%")
    g.add_holding("d", "a", "40%")
    g.add_holding("a", "b", "60%")
    g.add_holding("d", "b", "40%")
    cap = jvm.Cap(sector="vpn", limit=F(1, 4))
    regime = jvm.Regime(
        name="th", host="CN", methods={"equity": Threshold(control=False)}, caps=(cap,)
    )
    r = jvm.check(g, "t", regime=regime)
    assert (r.status, r.foreign_share, r.upper, r.ambiguous) == (
        "indeterminate",
        F(0),
        F(2, 5),
        ("a", "b", "t"),
    )
    finding = (
        "the status of 'a', 'b', 't' is ambiguous under the rule's recursive definition "
        "(a cross-holding where each counts foreign only if the others do): counted "
        "domestic the foreign share is 0%, counted foreign 40%"
    )
    assert r.findings == (finding,)
    payload = r.to_dict()
    assert payload["upper"] == {"exact": "2/5", "percent": "40%"}
    assert (payload["foreign_share"], payload["ambiguous"], payload["findings"]) == (
        {"exact": "0", "percent": "0%"},
        ["a", "b", "t"],
        [finding],
    )


def test_an_unambiguous_check_has_no_upper_in_its_json_form() -> None:
    # T (CN, vpn): F (US) 30%, D (CN) 70%: 3/10 at both readings, no "upper".
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "t", "30%")
    g.add_holding("d", "t", "70%")
    regime = jvm.Regime(name="x", host="CN", caps=(jvm.Cap(sector="vpn", limit=F(1, 2)),))
    payload = jvm.check(g, "t", regime=regime).to_dict()
    assert "upper" not in payload
    assert payload["foreign_share"] == {"exact": "3/10", "percent": "30%"}


def test_control_links_are_read_on_the_day_asked() -> None:
    # T (CN, vpn) is held 100% by N, a Chinese nominee, throughout; W (US)
    # controlled it by contract until 2020-12-31.  On 2020-06-01 W controls T
    # and counts foreign (organised in the US), whatever the equity share of 0;
    # today the link has ended and nobody controls T.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("n", kind="person", jurisdiction="CN")
    g.add_entity("w", jurisdiction="US")
    g.add_holding("n", "t", "100%")
    g.add_control("w", "t", basis="contract", valid_to=dt.date(2020, 12, 31))
    regime = jvm.Regime(name="x", host="CN", caps=(jvm.Cap(sector="vpn", limit=F(1, 2)),))
    then = jvm.check(g, "t", regime=regime, as_of=dt.date(2020, 6, 1))
    assert (then.status, then.foreign_share, then.foreign_controllers) == (
        "compliant",
        F(0),
        ("w",),
    )
    assert then.findings == (
        "foreign control: 't' is controlled by 'w' (contract); 'w' (US) counts foreign, "
        "whatever the equity share",
    )
    today = jvm.check(g, "t", regime=regime)
    assert (today.status, today.foreign_share, today.foreign_controllers) == ("compliant", F(0), ())
    assert today.findings == ()


def test_one_exact_figure_is_refused_for_ranged_stakes() -> None:
    # T (CN, vpn): F (US) 25% to 50%, D (CN) 50%, the rest undisclosed and
    # counted domestic: the foreign share is F's stake, [1/4, 1/2].
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "t", jvm.Range("25%", "50%"))
    g.add_holding("d", "t", "50%")
    regime = jvm.Regime(name="x", host="CN", caps=(jvm.Cap(sector="vpn", limit=F(1, 2)),))
    r = jvm.check(g, "t", regime=regime, undisclosed="domestic")
    assert r.foreign_share == jvm.Interval(lower=F(1, 4), upper=F(1, 2))
    with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
        r.exact_share()
    assert str(caught.value) == (
        "the foreign share of 't' is the interval [25%, 50%] because some stakes are "
        "ranges; this question needs exact stakes"
    )
    assert caught.value.fields == {"reason": "ranged stake", "entity": "t"}
