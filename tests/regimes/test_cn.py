"""cn-national and cn-beijing-2020: VIEs, Hong Kong, Macau and Taiwan investors, caps over time.

Each test's name starts with its source, or ``derived`` for a case computed by
hand from the rules.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm


def vie(sector: str) -> jvm.OwnershipGraph:
    """A VIE: a US listed parent wholly owns a Chinese WFOE, which controls the
    operating company by contract; two Chinese nominees hold all its equity."""
    g = jvm.OwnershipGraph()
    g.add_entity("parent", jurisdiction="US")
    g.add_entity("wfoe", jurisdiction="CN-BJ")
    g.add_entity("opco", jurisdiction="CN-BJ", sectors=[sector])
    g.add_entity("nominee-1", kind="person", jurisdiction="CN")
    g.add_entity("nominee-2", kind="person", jurisdiction="CN")
    g.add_holding("parent", "wfoe", "100%")
    g.add_holding("nominee-1", "opco", "50%")
    g.add_holding("nominee-2", "opco", "50%")
    g.add_control("wfoe", "opco", basis="contract")
    return g


@pytest.mark.parametrize(
    ("regime", "sector"), [("cn-national", "vats"), ("cn-beijing-2020", "vpn")]
)
def test_derived_vie_is_flagged_although_the_equity_is_chinese(regime: str, sector: str) -> None:
    # The equity is 100% Chinese (0% foreign, inside the 50% cap), but the
    # operating company is controlled by contract from a WFOE that the US parent
    # wholly owns: the check says so next to the figure.
    r = jvm.check(vie(sector), "opco", regime=regime)
    assert (r.status, r.foreign_share) == ("compliant", 0)
    assert r.foreign_controllers == ("wfoe", "parent")
    assert r.findings[0].startswith("foreign control: 'opco' is controlled by 'wfoe' (contract)")
    assert r.to_dict()["foreign_controllers"] == ["wfoe", "parent"]


def test_derived_vie_in_basic_telecom_is_a_breach() -> None:
    # Basic telecom must be controlled by the Chinese party: the same VIE
    # structure is a breach of that cap, whatever the equity share.
    r = jvm.check(vie("basic-telecom"), "opco", regime="cn-national")
    assert (r.status, r.foreign_share) == ("breach", 0)
    assert any("must be controlled domestically" in f for f in r.findings)


def test_derived_chinese_controlled_basic_telecom_is_compliant() -> None:
    # 49% foreign, 51% with a Chinese state holder that controls it: inside both.
    g = jvm.OwnershipGraph()
    g.add_entity("op", jurisdiction="CN", sectors=["basic-telecom"])
    g.add_entity("f", jurisdiction="GB")
    g.add_entity("sasac", kind="state", jurisdiction="CN")
    g.add_holding("f", "op", "49%")
    g.add_holding("sasac", "op", "51%")
    r = jvm.check(g, "op", regime="cn-national")
    assert (r.status, r.foreign_controllers) == ("compliant", ())


@pytest.mark.parametrize("regime", ["cn-national", "cn-beijing-2020"])
@pytest.mark.parametrize(
    ("jurisdiction", "foreign"),
    [
        ("HK", True),
        ("CN-HK", True),
        ("MO", True),
        ("CN-MO", True),
        ("TW", True),
        ("CN-TW", True),
        ("CN-SH", False),
        ("CN", False),
    ],
)
def test_derived_hong_kong_macau_taiwan_investors_are_foreign(
    regime: str, jurisdiction: str, foreign: bool
) -> None:
    # A 60% holder registered in Hong Kong, Macau or Taiwan (written as a
    # country or as the CN subdivision) counts foreign; a Shanghai one does not.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vats"])
    g.add_entity("investor", jurisdiction=jurisdiction)
    g.add_entity("cn", jurisdiction="CN-BJ")
    g.add_holding("investor", "jv", "60%")
    g.add_holding("cn", "jv", "40%")
    share = jvm.foreign_share(g, "jv", regime=regime)
    assert share == (Fraction(3, 5) if foreign else 0)


def test_derived_vats_cap_changes_over_time_under_cn_national() -> None:
    # A JV 45% foreign since 2001: before accession (2001-12-11) no cap is in
    # force; under the 30% cap it is in breach; from 2002-12-11 (49%) compliant,
    # and still compliant, with more headroom, from 2003-12-11 (50%).
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN-SH", sectors=["vats"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("cn", jurisdiction="CN-SH")
    start = dt.date(2001, 1, 1)
    g.add_holding("f", "jv", "45%", valid_from=start)
    g.add_holding("cn", "jv", "55%", valid_from=start)
    t = jvm.timeline(g, "jv", regime="cn-national")
    assert [(p.start, p.end, p.status) for p in t] == [
        (None, dt.date(2001, 12, 10), "no cap"),
        (dt.date(2001, 12, 11), dt.date(2002, 12, 10), "breach"),
        (dt.date(2002, 12, 11), dt.date(2003, 12, 10), "compliant"),
        (dt.date(2003, 12, 11), None, "compliant"),
    ]
    assert [p.check.cap for p in t.periods[1:] if p.check] == [
        Fraction(3, 10),
        Fraction(49, 100),
        Fraction(1, 2),
    ]
    assert t.crossings() == [
        (dt.date(2001, 12, 11), "no cap", "breach"),
        (dt.date(2002, 12, 11), "breach", "compliant"),
    ]
    assert t.at(dt.date(2002, 6, 1)).check.headroom == Fraction(-15, 100)  # type: ignore[union-attr]


def test_derived_e_commerce_opened_in_2018() -> None:
    # A wholly foreign e-commerce company: until 2018-07-27 the value-added telecom
    # cap (50%) applies to it, a breach; from 2018-07-28 it is uncapped.
    g = jvm.OwnershipGraph()
    g.add_entity("shop", jurisdiction="CN", sectors=["e-commerce"])
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "shop", "100%")
    before = jvm.check(g, "shop", regime="cn-national", as_of=dt.date(2018, 7, 27))
    after = jvm.check(g, "shop", regime="cn-national", as_of=dt.date(2018, 7, 28))
    assert (before.status, before.cap_rule.sector, before.sector) == (
        "breach",
        "vats",
        "e-commerce",
    )
    assert (after.status, after.cap) == ("compliant", None)


@pytest.mark.parametrize(
    "sector", ["call-centre", "store-and-forward", "multi-party-communications"]
)
def test_derived_sectors_opened_in_2019(sector: str) -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("op", jurisdiction="CN", sectors=[sector])
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "op", "100%")
    assert jvm.check(g, "op", regime="cn-national", as_of=dt.date(2019, 7, 29)).cap == Fraction(
        1, 2
    )
    assert jvm.check(g, "op", regime="cn-national", as_of=dt.date(2019, 7, 30)).cap is None


def test_derived_vpn_at_most_half_under_cn_national() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="GB")
    g.add_entity("cn", jurisdiction="CN")
    g.add_holding("f", "jv", "50%")
    g.add_holding("cn", "jv", "50%")
    r = jvm.check(g, "jv", regime="cn-national")
    assert (r.status, r.headroom, r.cap_rule.sector) == ("compliant", 0, "vats")


def test_derived_beijing_demo_crosses_the_vpn_cap_on_2022_07_01() -> None:
    # The bundled demo: exactly 50% until 2022-06-30, then 51.5% (a breach).
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    t = jvm.timeline(g, "jv", regime="cn-beijing-2020")
    assert t.at(dt.date(2022, 6, 30)).foreign_share == Fraction(1, 2)
    assert t.at(dt.date(2022, 7, 1)).foreign_share == Fraction(103, 200)
    assert t.crossings()[-1] == (dt.date(2022, 7, 1), "compliant", "breach")


def test_derived_timeline_refuses_an_unknown_sector() -> None:
    # A misspelt sector is an error, not a timeline with "no cap" everywhere.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN")
    with pytest.raises(jvm.UnknownSectorError, match="has no sector 'vat'"):
        jvm.timeline(g, "jv", regime="cn-national", sector="vat")
