"""What-if pinned: refusals with their messages and fields, a buyer that already holds
a stake, and a date in the past."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm

F = Fraction


def _fcc() -> jvm.OwnershipGraph:
    # us-fcc: T is held by D 60%, P 30%, E 10% (all US); P is 30% owned by F (GB),
    # 70% by U (US); X (US) holds all of D.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="US", sectors=["common-carrier"])
    for us in ("d", "p", "e", "u", "x"):
        g.add_entity(us, jurisdiction="US")
    g.add_entity("f", jurisdiction="GB")
    g.add_holding("d", "t", "60%")
    g.add_holding("p", "t", "30%")
    g.add_holding("e", "t", "10%")
    g.add_holding("u", "p", "70%")
    g.add_holding("f", "p", "30%")
    g.add_holding("x", "d", "100%")
    return g


def test_a_buyer_that_already_holds_a_stake_gains_control_where_its_own_votes_cross() -> None:
    # P subscribes new shares s of T (the others are diluted by 1 − s): P then holds
    # 30% (1 − s) + s, a majority once 3/10 + 7/10 s > 1/2, i.e. s > 2/7; D keeps a
    # majority while 60% (1 − s) > 1/2, s < 1/6.  Up to 1/6 D (0% foreign) is the
    # controlling parent; from 1/6 to 2/7 nobody controls T; above 2/7 P does, and P is
    # 30% foreign > the 25% benchmark.  At exactly 2/7 P has 1/2, not a majority.
    # T's own foreign share stays 0 (all its direct holders are US).
    result = jvm.max_acquirable(_fcc(), "t", buyer="p", regime="us-fcc")
    assert (result.stake, result.attained, result.share) == (F(2, 7), True, 0)
    assert result.cap_rule is not None
    assert (result.cap_rule.applies_to, result.cap_rule.limit) == ("controlling-parent", F(1, 4))


def test_max_acquirable_reads_the_structure_on_the_date_asked() -> None:
    # Until 2020 T was held by D 60% and P 30% as above; from 2021 D's 60% is gone
    # (its holding ended).  On 2020-06-01 the answer is the one above, 2/7.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="US", sectors=["common-carrier"])
    for us in ("d", "p", "e", "u", "x"):
        g.add_entity(us, jurisdiction="US")
    g.add_entity("f", jurisdiction="GB")
    g.add_holding("d", "t", "60%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("p", "t", "30%")
    g.add_holding("e", "t", "10%")
    g.add_holding("u", "p", "70%")
    g.add_holding("f", "p", "30%")
    g.add_holding("x", "d", "100%")
    day = dt.date(2020, 6, 1)
    result = jvm.max_acquirable(g, "t", buyer="p", regime="us-fcc", as_of=day)
    assert (result.stake, result.attained) == (F(2, 7), True)


@pytest.mark.parametrize("party", ["buyer", "seller"])
def test_the_target_cannot_buy_or_sell_its_own_shares(party: str) -> None:
    g = _fcc()
    other = {"buyer": "p", "seller": "d"}
    other[party] = "t"
    with pytest.raises(jvm.InvalidEntityError) as caught:
        jvm.max_acquirable(g, "t", regime="us-fcc", **other)
    assert str(caught.value) == (
        "buyer or seller is the target 't' itself; a company's own shares are treasury"
    )
    assert caught.value.fields == {"field": "buyer", "value": other["buyer"]}


def test_the_target_cannot_buy_in_a_divestment() -> None:
    with pytest.raises(jvm.InvalidEntityError) as caught:
        jvm.minimal_divestment(_fcc(), "t", regime="us-fcc", buyer="t")
    assert str(caught.value) == (
        "the buyer is the target 't' itself; a company's own shares are treasury"
    )
    assert caught.value.fields == {"field": "buyer", "value": "t"}


def _regime(*caps: jvm.Cap) -> jvm.Regime:
    return jvm.Regime(name="test-regime", host="CN", caps=caps, undisclosed="foreign")


def _jv(holdings: list[tuple[str, str, str]]) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    for entity, country in {"f": "US", "d": "CN", "b": "CN"}.items():
        g.add_entity(entity, jurisdiction=country)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def test_a_divestment_no_direct_sale_can_reach_names_the_buyer() -> None:
    # D (CN) holds 40% of the JV; the other 60% is undisclosed, counted foreign: 60% >
    # 1/2.  Only D could sell, and D's stake is already domestic: no sale helps.
    equity = jvm.Cap(sector="vpn", limit=F(1, 2), source="s")
    g = _jv([("d", "jv", "40%")])
    with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
        jvm.minimal_divestment(g, "jv", regime=_regime(equity), buyer="b")
    assert str(caught.value) == (
        "no sale of direct stakes in 'jv' to 'b' brings its foreign share 60% inside "
        "the cap ≤ 50% of equity"
    )
    assert caught.value.fields == {"reason": "not enough"}


def test_a_divestment_under_two_breached_caps_is_refused() -> None:
    # F (US) holds 60% of the JV, D 40%: equity 3/5 > 1/2 and votes 3/5 > 1/2 both
    # breach, so no single cap says how much to sell.
    equity = jvm.Cap(sector="vpn", limit=F(1, 2), source="s1")
    votes = jvm.Cap(sector="vpn", limit=F(1, 2), measure="voting", source="s2")
    g = _jv([("f", "jv", "60%"), ("d", "jv", "40%")])
    with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
        jvm.minimal_divestment(g, "jv", regime=_regime(equity, votes))
    assert str(caught.value) == (
        "minimal divestment needs one cap on 'jv'; 'test-regime' has 2 in force on 'vpn'"
    )
    assert caught.value.fields == {"reason": "several caps"}


def test_a_breach_by_foreign_control_alone_is_refused_not_answered_empty() -> None:
    # cn-beijing-2020 basic telecom: at most 49% foreign, and controlled by the
    # Chinese party.  H (CN) holds 11/20 of T and is 3/5 American (F 60%, C 40%),
    # D (CN) 9/20.  Proportional share 3/5 × 11/20 = 33/100, inside 49%; the breach
    # is H's majority under foreign control, which a sale lowering the share does
    # not address (the analysis used to answer an empty plan, not attained).
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["basic-telecom"])
    for entity, country in [("h", "CN"), ("d", "CN"), ("f", "US"), ("c", "CN")]:
        g.add_entity(entity, jurisdiction=country)
    for owner, owned, stake in [("d", "t", "45%"), ("h", "t", "55%"), ("f", "h", "60%"),
                                ("c", "h", "40%")]:  # fmt: skip
        g.add_holding(owner, owned, stake)
    assert jvm.check(g, "t", regime="cn-beijing-2020").status == "breach"
    before = g.copy()
    with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
        jvm.minimal_divestment(g, "t", regime="cn-beijing-2020")
    assert str(caught.value) == (
        "'t' breaches ≤ 49% of equity through foreign control, not through its foreign "
        "share (33%, inside the cap); minimal divestment plans sales that lower the "
        "foreign share only"
    )
    assert caught.value.fields == {"reason": "foreign control"}
    assert g == before
