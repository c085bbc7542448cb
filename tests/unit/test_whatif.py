"""max_acquirable and minimal_divestment, each answer re-checked on the scenario graph."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm

F = Fraction
EPSILON = F(1, 1000)


def graph(
    entities: dict[str, tuple[str, list[str]]], holdings: list[tuple[str, str, str]]
) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity_id, (country, sectors) in entities.items():
        g.add_entity(entity_id, jurisdiction=country, sectors=sectors)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def status_after(g: jvm.OwnershipGraph, target: str, regime: str, **move: object) -> str:
    seller, buyer, stake = move["seller"], move["buyer"], move["stake"]
    if seller is None:
        after = g.issue(target, str(buyer), stake)
    else:
        after = g.transfer(str(seller), str(buyer), target, stake)
    return jvm.check(after, target, regime=regime).status


@pytest.fixture
def cn() -> jvm.OwnershipGraph:
    # A Beijing VPN JV: a US company holds 30%, a Chinese one 70%; a Chinese
    # company "h" is 40% owned by a US fund.
    return graph(
        {
            "jv": ("CN-BJ", ["vpn"]),
            "us": ("US", []),
            "cn": ("CN", []),
            "h": ("CN", []),
            "fund": ("US", []),
            "cn2": ("CN", []),
        },
        [("us", "jv", "30%"), ("cn", "jv", "70%"), ("fund", "h", "40%"), ("cn2", "h", "60%")],
    )


def test_proportional_from_a_seller(cn: jvm.OwnershipGraph) -> None:
    r = jvm.max_acquirable(cn, "jv", buyer="us", seller="cn", regime="cn-beijing-2020")
    # 30% + s ≤ 50%  →  s = 20%, reached exactly (the cap is inclusive).
    assert (r.stake, r.attained, r.available) == (F(1, 5), True, F(7, 10))
    assert r.share == F(1, 2)
    assert r.cap_rule is not None
    assert r.cap_rule.limit == F(1, 2)
    move = {"seller": "cn", "buyer": "us"}
    assert status_after(cn, "jv", "cn-beijing-2020", **move, stake=F(1, 5)) == "compliant"
    assert status_after(cn, "jv", "cn-beijing-2020", **move, stake=F(1, 5) + EPSILON) == "breach"


def test_proportional_buyer_partly_foreign(cn: jvm.OwnershipGraph) -> None:
    r = jvm.max_acquirable(cn, "jv", buyer="h", seller="cn", regime="cn-beijing-2020")
    # h is 40% foreign: 30% + s × 2/5 ≤ 50%  →  s = 1/2 (of the 70% cn holds).
    assert (r.stake, r.attained) == (F(1, 2), True)
    move = {"seller": "cn", "buyer": "h"}
    assert status_after(cn, "jv", "cn-beijing-2020", **move, stake=F(1, 2)) == "compliant"
    assert status_after(cn, "jv", "cn-beijing-2020", **move, stake=F(1, 2) + EPSILON) == "breach"


def test_proportional_by_new_issue(cn: jvm.OwnershipGraph) -> None:
    r = jvm.max_acquirable(cn, "jv", buyer="us", regime="cn-beijing-2020")
    # The issue dilutes everyone by (1 − s) and gives the buyer s on top:
    # 3/10 (1 − s) + s ≤ 1/2  →  7s/10 ≤ 1/5  →  s = 2/7.
    assert (r.stake, r.attained, r.seller) == (F(2, 7), True, None)
    move = {"seller": None, "buyer": "us"}
    assert status_after(cn, "jv", "cn-beijing-2020", **move, stake=F(2, 7)) == "compliant"
    assert status_after(cn, "jv", "cn-beijing-2020", **move, stake=F(2, 7) + EPSILON) == "breach"


def test_domestic_buyer_can_take_everything(cn: jvm.OwnershipGraph) -> None:
    r = jvm.max_acquirable(cn, "jv", buyer="cn", seller="us", regime="cn-beijing-2020")
    # Buying from the foreign holder only lowers the share: all 30% can move.
    assert (r.stake, r.attained, r.cap_rule) == (F(3, 10), True, None)


def test_no_stake_when_already_in_breach() -> None:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    # The demo is 51.5% foreign against ≤ 50%: no purchase by BT keeps it compliant.
    r = jvm.max_acquirable(g, "jv", buyer="bt-china", seller="partner", regime="cn-beijing-2020")
    assert r.stake is None
    assert r.attained is False


@pytest.fixture
def india() -> jvm.OwnershipGraph:
    # An Indian digital-news company (cap 26%): a resident holds 80%, "h" 10%,
    # "k" 10%.  h is 60% British: counted wholly foreign (60% ≥ 50%).  k is 40%
    # British: counted wholly Indian (40% < 50% and not foreign-controlled).
    return graph(
        {
            "t": ("IN", ["digital-news"]),
            "r": ("IN", []),
            "h": ("IN", []),
            "k": ("IN", []),
            "gb": ("GB", []),
            "in1": ("IN", []),
            "in2": ("IN", []),
        },
        [
            ("r", "t", "80%"),
            ("h", "t", "10%"),
            ("k", "t", "10%"),
            ("gb", "h", "60%"),
            ("in1", "h", "40%"),
            ("gb", "k", "40%"),
            ("in2", "k", "60%"),
        ],
    )


def test_threshold_buyer_counted_wholly_foreign(india: jvm.OwnershipGraph) -> None:
    assert jvm.check(india, "t", regime="in-fdi").foreign_share == F(1, 10)
    r = jvm.max_acquirable(india, "t", buyer="h", seller="r", regime="in-fdi")
    # h's whole stake counts: 10% + s ≤ 26%  →  s = 16% = 4/25.
    assert (r.stake, r.attained) == (F(4, 25), True)
    move = {"seller": "r", "buyer": "h"}
    assert status_after(india, "t", "in-fdi", **move, stake=F(4, 25)) == "compliant"
    assert status_after(india, "t", "in-fdi", **move, stake=F(4, 25) + EPSILON) == "breach"


def test_threshold_mirror_step_is_not_attained(india: jvm.OwnershipGraph) -> None:
    # k counts wholly Indian, so buying from r adds nothing (share stays 10%)...
    # until k holds 100%: selling also h's 10% to k first makes k hold 20%, and
    # then r's 80% would make 100%, where the wholly-owned rule passes on k's own
    # 40%: a jump from 0% to 40% > 26% at s = 80%.  The supremum is 80%, not attained.
    g = india.transfer("h", "k", "t", "10%")
    assert jvm.check(g, "t", regime="in-fdi").foreign_share == 0
    r = jvm.max_acquirable(g, "t", buyer="k", seller="r", regime="in-fdi")
    assert (r.stake, r.attained) == (F(4, 5), False)
    move = {"seller": "r", "buyer": "k"}
    assert status_after(g, "t", "in-fdi", **move, stake=F(4, 5) - EPSILON) == "compliant"
    assert status_after(g, "t", "in-fdi", **move, stake=F(4, 5)) == "breach"


def test_strict_cap_supremum_not_attained() -> None:
    # NTT: foreign votes must stay below one third.  A US holder has 20%:
    # 1/5 + s < 1/3  →  s < 2/15; the supremum 2/15 itself gives exactly 1/3, a breach.
    g = graph(
        {"ntt": ("JP", ["ntt"]), "us": ("US", []), "jp": ("JP", [])},
        [("us", "ntt", "20%"), ("jp", "ntt", "80%")],
    )
    r = jvm.max_acquirable(g, "ntt", buyer="us", seller="jp", regime="jp-ntt")
    assert (r.stake, r.attained) == (F(2, 15), False)
    assert r.share == F(1, 3)
    move = {"seller": "jp", "buyer": "us"}
    assert status_after(g, "ntt", "jp-ntt", **move, stake=F(2, 15)) == "breach"
    assert status_after(g, "ntt", "jp-ntt", **move, stake=F(2, 15) - EPSILON) == "compliant"


def test_buyer_in_a_cross_holding_with_the_target() -> None:
    # jv holds 50% of "h", which buys into jv: the figure is linear-fractional.
    # jv: us 20%, cn 80%; h: jv 50%, cn2 50%.  After h buys s from cn:
    # φ(jv) = 1/5 + s φ(h),  φ(h) = φ(jv)/2  →  φ(jv) = (1/5) / (1 − s/2).
    # φ(jv) ≤ 1/2  ⟺  1/5 ≤ 1/2 − s/4  ⟺  s ≤ 6/5: every stake up to cn's 80% works.
    # With a cap of 49% (basic telecom) instead: 1/5 ≤ 49/100 (1 − s/2)  →  s ≤ 58/49,
    # again all of it; so make us hold 40%: 2/5 ≤ 1/2 (1 − s/2)  →  s ≤ 2/5.
    g = graph(
        {"jv": ("CN", ["vpn"]), "us": ("US", []), "cn": ("CN", []), "h": ("CN", []),
         "cn2": ("CN", [])},
        [("us", "jv", "40%"), ("cn", "jv", "60%"), ("jv", "h", "50%"), ("cn2", "h", "50%")],
    )  # fmt: skip
    r = jvm.max_acquirable(g, "jv", buyer="h", seller="cn", regime="cn-beijing-2020")
    assert (r.stake, r.attained, r.share) == (F(2, 5), True, F(1, 2))
    move = {"seller": "cn", "buyer": "h"}
    assert status_after(g, "jv", "cn-beijing-2020", **move, stake=F(2, 5) + EPSILON) == "breach"


def test_buyer_cannot_be_the_seller(cn: jvm.OwnershipGraph) -> None:
    with pytest.raises(jvm.InvalidEntityError, match="'us'"):
        jvm.max_acquirable(cn, "jv", buyer="us", seller="us", regime="cn-beijing-2020")


def test_minimal_divestment_of_the_demo() -> None:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    d = jvm.minimal_divestment(g, "jv", regime="cn-beijing-2020")
    # 51.5% foreign against ≤ 50%: 3/200 too much.  bt-china is wholly foreign
    # (rate 1 per unit sold); the partner only 30% × 10% = 3/100 foreign (it would
    # have to sell 3/200 ÷ 3/100 = 1/2, all it has).  The knapsack takes bt-china
    # first: it sells exactly 3/200 and the JV sits at 50%, inside the cap.
    assert d.sales == {"bt-china": F(3, 200)}
    assert (d.total, d.attained, d.share) == (F(3, 200), True, F(1, 2))
    assert d.check.status == "compliant"


def test_minimal_divestment_mixes_holders_when_needed() -> None:
    # jv: us 1% (wholly foreign), h 99% (half foreign).
    g = graph(
        {"jv": ("CN", ["vpn"]), "us": ("US", []), "h": ("CN", []), "f": ("US", []),
         "c": ("CN", [])},
        [("us", "jv", "1%"), ("h", "jv", "99%"), ("f", "h", "1/2"), ("c", "h", "1/2")],
    )  # fmt: skip
    # 1/100 + 99/100 × 1/2 = 101/200: 1/200 too much.  us reduces the share one
    # for one and holds 1/100 ≥ 1/200: it alone sells 1/200.
    d = jvm.minimal_divestment(g, "jv", regime="cn-beijing-2020")
    assert d.sales == {"us": F(1, 200)}
    # Now us holds only 1/400 and h is 101/200 foreign: us sells all it has, h the rest.
    g2 = graph(
        {"jv": ("CN", ["vpn"]), "us": ("US", []), "h": ("CN", []), "f": ("US", []),
         "c": ("CN", [])},
        [("us", "jv", "1/400"), ("h", "jv", "399/400"), ("f", "h", "101/200"),
         ("c", "h", "99/200")],
    )  # fmt: skip
    # 1/400 + 399/400 × 101/200 = (200 + 40299) / 80000 = 40499/80000; excess over
    # 1/2 = 40000/80000 is 499/80000.  us sells 1/400 = 200/80000, leaving 299/80000;
    # h sells 299/80000 ÷ 101/200 = 299/40400.
    d2 = jvm.minimal_divestment(g2, "jv", regime="cn-beijing-2020")
    assert d2.sales == {"us": F(1, 400), "h": F(299, 40400)}
    assert d2.share == F(1, 2)
    assert d2.attained


def test_minimal_divestment_under_a_strict_cap() -> None:
    # NTT: a US holder has 40% of the votes, the cap is < 1/3: selling 1/15 lands on
    # exactly 1/3 (a breach); every larger sale works.  The infimum is 1/15.
    g = graph(
        {"ntt": ("JP", ["ntt"]), "us": ("US", []), "jp": ("JP", [])},
        [("us", "ntt", "40%"), ("jp", "ntt", "60%")],
    )
    d = jvm.minimal_divestment(g, "ntt", regime="jp-ntt")
    assert (d.sales, d.attained, d.share) == ({"us": F(1, 15)}, False, F(1, 3))


def test_nothing_to_sell_when_compliant(cn: jvm.OwnershipGraph) -> None:
    d = jvm.minimal_divestment(cn, "jv", regime="cn-beijing-2020")
    assert (d.sales, d.total, d.share) == ({}, 0, F(3, 10))


def test_minimal_divestment_to_a_partly_foreign_buyer() -> None:
    # The demo with BT at 50% and the partner's parent 10% Singaporean: the partner
    # is 70% × 10% = 7% foreign, the JV 1/2 + 1/2 × 7/100 = 107/200.  Each unit BT
    # sells to the partner lowers the share by 1 − 7/100 = 93/100: BT sells
    # (7/200) ÷ (93/100) = 7/186 and keeps 1/2 − 7/186 = 43/93.
    g = graph(
        {"jv": ("CN-BJ", ["vpn"]), "bt": ("GB", []), "partner": ("CN", []),
         "group": ("CN", []), "sasac": ("CN", []), "gic": ("SG", []), "fund": ("CN", [])},
        [("bt", "jv", "1/2"), ("partner", "jv", "1/2"), ("group", "partner", "70%"),
         ("fund", "partner", "30%"),
         ("sasac", "group", "90%"), ("gic", "group", "10%")],
    )  # fmt: skip
    assert jvm.check(g, "jv", regime="cn-beijing-2020").foreign_share == F(107, 200)
    d = jvm.minimal_divestment(g, "jv", regime="cn-beijing-2020", buyer="partner")
    assert d.sales == {"bt": F(7, 186)}
    assert d.share == F(1, 2)
    # To a new, wholly domestic holder BT sells only the excess, 7/200.
    assert jvm.minimal_divestment(g, "jv", regime="cn-beijing-2020").sales == {"bt": F(7, 200)}


def test_dated_structure() -> None:
    # The bundled file is dated: on 2022-06-30 the fund is still wholly owned by
    # BSTI (a holding that ends that day), BT and the partner hold 50% each, and
    # the JV sits exactly on the cap: BT can buy nothing more, nobody must sell.
    # From 2022-07-01 CalPERS holds 10% of the fund: 1/2 + 1/2 × 3/10 × 1/10 =
    # 103/200, and BT must sell the excess 3/200.
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    before, after = dt.date(2022, 6, 30), dt.date(2022, 7, 1)
    regime = "cn-beijing-2020"
    r = jvm.max_acquirable(g, "jv", buyer="bt-china", seller="partner", regime=regime, as_of=before)
    assert (r.stake, r.attained, r.share) == (0, True, F(1, 2))
    assert jvm.minimal_divestment(g, "jv", regime=regime, as_of=before).sales == {}
    d = jvm.minimal_divestment(g, "jv", regime=regime, as_of=after)
    assert d.sales == {"bt-china": F(3, 200)}
    assert jvm.check(g, "jv", regime=regime).foreign_share == F(103, 200)  # g unchanged


def test_minimal_divestment_uses_a_step() -> None:
    # Korea: "m" is Korean but its largest holder is American with 60% (≥ 15%), so m
    # counts wholly foreign; a stake of 1% or less of a carrier held through a
    # company is exempt.  The carrier: us 48.5%, m 1.5%, a Korean 50%: foreign
    # 48.5% + 1.5% = 50% against ≤ 49%, 1% too much.  us could sell 1% (one for
    # one); m selling only 0.5% brings its stake to 1%, exempt, and its whole 1.5%
    # drops out: 48.5%.  The cheapest sale is m's 1/200.
    g = graph(
        {"t": ("KR", ["telecom-carrier"]), "us": ("US", []), "m": ("KR", []), "kr": ("KR", [])},
        [("m", "t", "1.5%"), ("us", "m", "60%"), ("kr", "m", "40%"), ("us", "t", "48.5%"),
         ("kr", "t", "50%")],
    )  # fmt: skip
    assert jvm.check(g, "t", regime="kr-telecom").foreign_share == F(1, 2)
    d = jvm.minimal_divestment(g, "t", regime="kr-telecom")
    assert d.sales == {"m": F(1, 200)}
    assert (d.attained, d.share) == (True, F(97, 200))


def test_control_passes_to_a_group_of_holders() -> None:
    # us-fcc: the 25% benchmark on the controlling parent's foreign equity applies to
    # whoever controls t.  t is held by d 60%, p 30%, e 10% (all US); b (US) is wholly
    # owned by p, and p is 30% owned by f (GB).  b subscribes new shares s of t:
    # * d keeps a majority while 60% × (1 − s) > 1/2, i.e. s < 1/6: d (no foreign
    #   owners) is the controlling parent, 0% foreign, compliant;
    # * p and b vote together (p controls b): 30% × (1 − s) + s > 1/2 once s > 2/7.
    #   From 1/6 to 2/7 no one controls t and the benchmark does not apply;
    # * above 2/7 p controls t, and p is 30% foreign, above the 25% benchmark.
    # No direct holder's stake crosses 1/2 at 2/7 (b's own stake does at 1/2): only
    # the group's votes step there.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="US", sectors=["common-carrier"])
    for us in ("d", "p", "e", "b", "u", "x"):
        g.add_entity(us, jurisdiction="US")
    g.add_entity("f", jurisdiction="GB")
    g.add_holding("d", "t", "60%")
    g.add_holding("p", "t", "30%")
    g.add_holding("e", "t", "10%")
    g.add_holding("p", "b", "100%")
    g.add_holding("u", "p", "70%")
    g.add_holding("f", "p", "30%")
    g.add_holding("x", "d", "100%")
    result = jvm.max_acquirable(g, "t", buyer="b", regime="us-fcc")
    assert result.stake == Fraction(2, 7)
    assert result.attained  # at exactly 2/7 the group has 1/2: no majority yet
    assert result.cap_rule is not None
    assert result.cap_rule.applies_to == "controlling-parent"
    assert result.cap_rule.limit == Fraction(1, 4)
    # Just above 2/7, p controls t and its 30% breaches the benchmark.
    above = g.issue("t", "b", Fraction(2, 7) + Fraction(1, 1000))
    assert jvm.check(above, "t", regime="us-fcc").status == "breach"
