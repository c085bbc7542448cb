"""Cap checks under cn-beijing-2020, exact at the boundary."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

import jvmodel as jvm

REGIME = "cn-beijing-2020"


def jv(sectors: tuple[str, ...] = ("vpn",), zones: tuple[str, ...] = ()) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=sectors, zones=zones)
    return g


def test_exact_half_through_a_sum_of_decimal_percentages_is_compliant() -> None:
    # Five foreign holders with 2% + 7% + 7% + 17% + 17% = 50% exactly, the rest held
    # by a Chinese company. Added up in floats, in this order, the shares make
    # 0.5000000000000001 (a breach); exactly, 1/2 (compliant under ≤ 50%).
    stakes = [0.02, 0.07, 0.07, 0.17, 0.17]
    total = 0.0
    for stake in stakes:
        total += stake
    assert total > 0.5  # the float trap this test is about
    g = jv()
    g.add_entity("cn", jurisdiction="CN")
    g.add_holding("cn", "jv", "50%")
    for i, stake in enumerate(stakes):
        g.add_entity(f"f{i}", jurisdiction="US")
        g.add_holding(f"f{i}", "jv", stake)
    r = jvm.check(g, "jv", regime=REGIME)
    assert r.foreign_share == Fraction(1, 2)
    assert (r.status, r.compliant, r.headroom) == ("compliant", True, 0)


def test_exact_half_through_products_of_decimal_percentages_is_compliant() -> None:
    # F1 (US) holds 2% of H1, which holds 36% of the JV; F2 (US) holds 88% of H2,
    # which holds 56% of the JV; the rest of each is Chinese.
    #   2% × 36% + 88% × 56% = 0.72% + 49.28% = 50% exactly,
    # but 0.02 * 0.36 + 0.88 * 0.56 in floats is 0.5000000000000001.
    assert 0.02 * 0.36 + 0.88 * 0.56 > 0.5
    g = jv()
    for entity_id, country in [
        ("f1", "US"),
        ("f2", "US"),
        ("cn", "CN"),
        ("h1", "CN"),
        ("h2", "CN"),
    ]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("f1", "h1", "2%")
    g.add_holding("cn", "h1", "98%")
    g.add_holding("f2", "h2", "88%")
    g.add_holding("cn", "h2", "12%")
    g.add_holding("h1", "jv", "36%")
    g.add_holding("h2", "jv", "56%")
    g.add_holding("cn", "jv", "8%")
    r = jvm.check(g, "jv", regime=REGIME)
    assert r.foreign_share == Fraction(1, 2)
    assert r.status == "compliant"


def test_just_above_the_cap_is_a_breach() -> None:
    # 50.01% foreign: headroom 50% − 50.01% = −0.01% = −1/10000.
    g = jv()
    g.add_entity("f", jurisdiction="US")
    g.add_entity("cn", jurisdiction="CN")
    g.add_holding("f", "jv", "50.01%")
    g.add_holding("cn", "jv", "49.99%")
    r = jvm.check(g, "jv", regime=REGIME)
    assert (r.status, r.compliant) == ("breach", False)
    assert r.headroom == Fraction(-1, 10000)
    assert r.cap == Fraction(1, 2)
    assert r.contributions == {"f": Fraction(5001, 10000)}


def test_uncapped_sector_in_its_zone() -> None:
    # Application stores in the Zhongguancun Haidian park: no foreign share limit,
    # so a wholly foreign entity is compliant with no cap and no headroom.
    g = jv(sectors=("information-services",), zones=("zhongguancun-haidian",))
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "jv", "100%")
    r = jvm.check(g, "jv", regime=REGIME)
    assert (r.status, r.cap, r.headroom) == ("compliant", None, None)
    assert r.cap_rule.describe() == "uncapped"


def test_outside_the_zone_the_national_value_added_rule_applies() -> None:
    # The same entity registered outside the pilot zone: capped at 50%, 100% is a breach.
    g = jv(sectors=("information-services",))
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "jv", "100%")
    r = jvm.check(g, "jv", regime=REGIME)
    assert (r.status, r.cap, r.headroom) == ("breach", Fraction(1, 2), Fraction(-1, 2))


def test_basic_telecom_cap() -> None:
    # 49.5% foreign against ≤ 49%: a breach by half a percentage point.
    g = jv(sectors=("basic-telecom",))
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "jv", "49.5%")
    g.add_entity("cn", jurisdiction="CN")
    g.add_holding("cn", "jv", "50.5%")
    r = jvm.check(g, "jv", regime=REGIME)
    assert r.status == "breach"
    assert r.headroom == Fraction(-1, 200)


def test_cap_dates_apply() -> None:
    # The VPN opening starts on 2020-09-07; before it no VPN cap is in force.
    g = jv()
    with pytest.raises(jvm.UnknownSectorError, match="no cap on 'vpn' in force on 2020-01-01"):
        jvm.check(g, "jv", regime=REGIME, as_of=dt.date(2020, 1, 1))
    assert jvm.check(g, "jv", regime=REGIME, as_of=dt.date(2020, 9, 7)).cap == Fraction(1, 2)


def test_sector_must_be_chosen_when_several_are_capped() -> None:
    g = jv(sectors=("vpn", "vats"))
    with pytest.raises(jvm.UnknownSectorError, match=r"several sectors .* pass sector="):
        jvm.check(g, "jv", regime=REGIME)
    assert jvm.check(g, "jv", regime=REGIME, sector="vats").sector == "vats"


def test_entity_without_capped_sector() -> None:
    g = jv(sectors=("bakery",))
    with pytest.raises(jvm.UnknownSectorError, match="no sector capped by regime"):
        jvm.check(g, "jv", regime=REGIME)
    with pytest.raises(jvm.UnknownSectorError, match="has no sector 'bakery'"):
        jvm.check(g, "jv", regime=REGIME, sector="bakery")


def test_unknown_regime() -> None:
    with pytest.raises(jvm.UnknownRegimeError, match="no regime 'mars'") as caught:
        jvm.regimes.get("mars")
    assert isinstance(caught.value, KeyError)
    assert caught.value.regime == "mars"


def test_demo_verdict_and_dict() -> None:
    # 1/2 + 1/2 × 30% × 10% = 103/200 = 51.5%; headroom 50% − 51.5% = −3/200.
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    r = jvm.check(g, "jv", regime=REGIME)
    d = r.to_dict()
    assert d["status"] == "breach"
    assert d["compliant"] is False
    assert d["foreign_share"] == {"exact": "103/200", "percent": "51.5%"}
    assert d["cap"] == {"exact": "1/2", "percent": "50%"}
    assert d["headroom"] == {"exact": "-3/200", "percent": "-1.5%"}
    assert d["contributions"]["calpers"] == {"exact": "3/200", "percent": "1.5%"}
    assert "Guo Han [2020] No. 123" in d["cap_source"]
    assert repr(r) == (
        "<CapCheck 'jv' breach: foreign 51.5% vs ≤ 50% of equity (cn-beijing-2020, vpn)>"
    )


def test_undisclosed_policy_can_be_overridden() -> None:
    # F (US) 40%, the rest undisclosed: 100% foreign by default, 40% if domestic.
    g = jv()
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "jv", "40%")
    assert jvm.check(g, "jv", regime=REGIME).foreign_share == 1
    r = jvm.check(g, "jv", regime=REGIME, undisclosed="domestic")
    assert (r.foreign_share, r.status) == (Fraction(2, 5), "compliant")


def test_regime_data() -> None:
    regime = jvm.regimes.get(REGIME)
    assert regime.host == "CN"
    assert "CN-HK" in regime.foreign
    assert set(regime.sectors()) == {
        "vpn",
        "information-services",
        "internet-access",
        "vats",
        "basic-telecom",
    }
    assert all(cap.source for cap in regime.caps)
    assert REGIME in jvm.regimes.names()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("name = 'x'\nhost = 'CN'\n", "needs at least one"),
        ("name = 'x'\nhost = 'XX'\n[[cap]]\nsector='a'\nlimit='1%'\nsource='s'\n", "host"),
        ("name = 'x'\nhost = 'CN'\n[[cap]]\nsector='a'\nlimit='1%'\n", "every cap names"),
        ("name = 'x'\nhost = 'CN'\n[[cap]]\nsector='a'\nlimit='150%'\nsource='s'\n", "limit"),
        ("name = 'x'\nhost = 'CN'\ncolour = 1\n", "unknown field"),
        ("name = 'x'\nhost = 'CN'\n[method]\nequity = 'magic'\n", "method.equity"),
        ("not toml at all [", "not a valid TOML file"),
    ],
)
def test_malformed_regime_files(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "regime.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(jvm.SchemaError, match=fragment) as caught:
        jvm.regimes.load_regime(path)
    assert str(path) in str(caught.value)


def test_register_a_custom_regime(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jvm.regimes, "_registered", {})  # leave no trace for other tests
    regime = jvm.Regime(
        name="test-custom",
        host="GB",
        caps=(jvm.Cap(sector="ports", limit=Fraction(1, 4), inclusive=False, source="test"),),
    )
    jvm.regimes.register(regime)
    g = jvm.OwnershipGraph()
    g.add_entity("port", jurisdiction="GB", sectors=["ports"])
    g.add_entity("f", jurisdiction="FR")
    g.add_entity("d", jurisdiction="GB")
    g.add_holding("f", "port", "25%")
    g.add_holding("d", "port", "75%")
    # Exactly 25% against a strict "< 25%" cap: a breach with zero headroom.
    r = jvm.check(g, "port", regime="test-custom")
    assert (r.status, r.headroom) == ("breach", 0)
