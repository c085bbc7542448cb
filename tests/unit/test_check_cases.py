"""Cap checks worked by hand: the verdict, its figures, its summary and its refusals."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm

BEIJING = "cn-beijing-2020"


def _cap(**fields: object) -> jvm.Cap:
    defaults: dict[str, object] = {"sector": "vpn", "limit": Fraction(1, 2), "source": "test"}
    return jvm.Cap(**{**defaults, **fields})  # type: ignore[arg-type]


def _regime(*caps: jvm.Cap, **fields: object) -> jvm.Regime:
    return jvm.Regime(name="test-regime", host="CN", caps=caps, **fields)  # type: ignore[arg-type]


def _jv(foreign: str, domestic: str, *, votes: tuple[str, str] | None = None) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "jv", foreign, voting=votes and votes[0])
    g.add_holding("d", "jv", domestic, voting=votes and votes[1])
    return g


def test_the_bundled_demo() -> None:
    # BT: 1/2 through wholly owned layers; calpers: 1/2 × 30% × 10% = 3/200.
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    result = jvm.check(g, "jv", regime=BEIJING)
    assert (result.target, result.regime, result.sector) == ("jv", BEIJING, "vpn")
    assert (result.as_of, result.measure, result.method) == (None, "equity", "proportional")
    assert result.foreign_share == Fraction(103, 200)
    assert result.cap == Fraction(1, 2)
    assert result.headroom == Fraction(-3, 200)
    assert (result.status, result.compliant) == ("breach", False)
    assert result.contributions == {"bt": Fraction(1, 2), "calpers": Fraction(3, 200)}
    assert result.findings == ()
    assert repr(result) == (
        "<CapCheck 'jv' breach: foreign 51.5% vs ≤ 50% of equity (cn-beijing-2020, vpn)>"
    )
    summary = result.to_dict()
    assert summary == {
        "target": "jv",
        "regime": BEIJING,
        "sector": "vpn",
        "as_of": None,
        "measure": "equity",
        "method": "proportional",
        "status": "breach",
        "compliant": False,
        "foreign_share": {"exact": "103/200", "percent": "51.5%"},
        "cap": {"exact": "1/2", "percent": "50%"},
        "cap_inclusive": True,
        "cap_kind": "cap",
        "cap_source": result.cap_rule.source,
        "headroom": {"exact": "-3/200", "percent": "-1.5%"},
        "contributions": {
            "bt": {"exact": "1/2", "percent": "50%"},
            "calpers": {"exact": "3/200", "percent": "1.5%"},
        },
        "findings": [],
        # The share measured is the jv's own (not a controlling parent's), no status is
        # left undecided by a cycle, and no one controls the jv (BT's half is no majority).
        "subject": "jv",
        "ambiguous": [],
        "foreign_controllers": [],
    }
    assert summary["cap_source"].startswith("State Council")


@pytest.mark.parametrize(
    ("inclusive", "foreign", "status"),
    [
        (True, "50%", "compliant"),  # at the cap, ≤ 50%: inside
        (False, "50%", "breach"),  # at the cap, < 50%: outside
        (True, "49%", "compliant"),
        (False, "49%", "compliant"),
        (True, "51%", "breach"),
        (False, "51%", "breach"),
    ],
)
def test_at_and_around_the_cap(inclusive: bool, foreign: str, status: str) -> None:
    regime = _regime(_cap(inclusive=inclusive))
    domestic = f"{100 - int(foreign[:-1])}%"
    result = jvm.check(_jv(foreign, domestic), "jv", regime=regime)
    assert result.status == status
    assert result.compliant is (status == "compliant")
    assert result.headroom == Fraction(1, 2) - jvm.parse_share(foreign)
    summary = result.to_dict()
    assert summary["cap_inclusive"] is inclusive
    # 50% - 49% = 1%, 50% - 50% = 0% (no sign), 50% - 51% = -1%.
    expected = {"49%": ("1/100", "1%"), "50%": ("0", "0%"), "51%": ("-1/100", "-1%")}[foreign]
    assert (summary["headroom"]["exact"], summary["headroom"]["percent"]) == expected


def test_an_uncapped_sector() -> None:
    result = jvm.check(_jv("90%", "10%"), "jv", regime=_regime(_cap(limit=None)))
    assert (result.status, result.compliant) == ("compliant", True)
    assert result.cap is None
    assert result.headroom is None
    summary = result.to_dict()
    assert (summary["cap"], summary["headroom"]) == (None, None)
    assert repr(result) == "<CapCheck 'jv' compliant: foreign 90% vs uncapped (test-regime, vpn)>"


def test_a_positive_headroom_reads_without_sign() -> None:
    summary = jvm.check(_jv("20%", "80%"), "jv", regime=_regime(_cap())).to_dict()
    assert summary["headroom"] == {"exact": "3/10", "percent": "30%"}


def test_an_indeterminate_verdict_is_neither() -> None:
    result = jvm.CapCheck(
        target="jv",
        regime="r",
        sector="vpn",
        as_of=dt.date(2021, 1, 1),
        measure="equity",
        method="proportional",
        foreign_share=Fraction(1, 2),
        cap_rule=_cap(),
        status="indeterminate",
    )
    assert result.compliant is None
    assert result.to_dict()["compliant"] is None
    assert result.to_dict()["as_of"] == "2021-01-01"
    assert result.contributions == {}


def test_a_benchmark_breach_asks_for_approval() -> None:
    regime = _regime(_cap(limit=Fraction(1, 4), kind="benchmark"))
    over = jvm.check(_jv("30%", "70%"), "jv", regime=regime)
    assert over.status == "breach"
    assert over.findings == (
        "foreign share 30% is above the ≤ 25% of equity benchmark (vpn): the regulator's "
        "approval is needed",
    )
    assert over.to_dict()["cap_kind"] == "benchmark"
    assert over.to_dict()["findings"] == list(over.findings)
    under = jvm.check(_jv("20%", "80%"), "jv", regime=regime)
    assert under.findings == ()
    plain = jvm.check(_jv("30%", "70%"), "jv", regime=_regime(_cap(limit=Fraction(1, 4))))
    assert plain.findings == ()


def test_a_cap_on_votes_uses_the_votes() -> None:
    # f holds 40% of the equity and 60% of the votes; the cap is on votes.
    g = _jv("40%", "60%", votes=("60%", "40%"))
    result = jvm.check(g, "jv", regime=_regime(_cap(measure="voting")))
    assert result.measure == "voting"
    assert result.foreign_share == Fraction(3, 5)
    assert result.status == "breach"
    equity = jvm.check(g, "jv", regime=_regime(_cap(measure="equity")))
    assert (equity.measure, equity.foreign_share, equity.status) == (
        "equity",
        Fraction(2, 5),
        "compliant",
    )


def test_the_undisclosed_policy_can_be_overridden() -> None:
    # f holds 40%, d 40%, 20% undisclosed: 60% foreign by the regime's cautious
    # policy, 40% if the undisclosed part is taken as domestic.
    g = _jv("40%", "40%")
    assert jvm.check(g, "jv", regime=BEIJING).foreign_share == Fraction(3, 5)
    lenient = jvm.check(g, "jv", regime=BEIJING, undisclosed="domestic")
    assert (lenient.foreign_share, lenient.status) == (Fraction(2, 5), "compliant")
    assert lenient.contributions == {"f": Fraction(2, 5)}
    domestic_regime = _regime(_cap(), undisclosed="domestic")
    assert jvm.check(g, "jv", regime=domestic_regime).foreign_share == Fraction(2, 5)
    assert jvm.check(g, "jv", regime=domestic_regime, undisclosed="foreign").foreign_share == (
        Fraction(3, 5)
    )


def test_regime_foreign_lists_apply() -> None:
    # A Hong Kong investor registered as CN-HK is foreign under the Beijing regime.
    g = _jv("10%", "90%")
    g.replace_entity(jvm.Entity(id="f", jurisdiction="CN-HK"))
    assert jvm.check(g, "jv", regime=BEIJING).foreign_share == Fraction(1, 10)
    assert jvm.check(g, "jv", regime=_regime(_cap())).foreign_share == 0
    assert jvm.foreign_share(g, "jv", regime=BEIJING) == Fraction(1, 10)
    assert jvm.foreign_share(g, "jv", regime=BEIJING, foreign=[]) == 0


def test_foreign_share_under_a_regime_or_explicit_options() -> None:
    g = _jv("30%", "50%")  # 20% undisclosed
    assert jvm.foreign_share(g, "jv", regime=BEIJING) == Fraction(1, 2)  # 30% + 20%
    assert jvm.foreign_share(g, "jv", regime=BEIJING, undisclosed="domestic") == Fraction(3, 10)
    assert jvm.foreign_share(g, "jv", regime=BEIJING, host="US") == Fraction(7, 10)  # d + 20%
    assert jvm.foreign_share(g, "jv", host="CN") == Fraction(1, 2)
    assert jvm.foreign_share(g, "jv", host="CN", method="proportional") == Fraction(1, 2)
    regime = _regime(_cap(), undisclosed="domestic")
    assert jvm.foreign_share(g, "jv", regime=regime) == Fraction(3, 10)
    with pytest.raises(jvm.UnsupportedAnalysisError, match="needs host="):
        jvm.foreign_share(g, "jv")


def test_sectors_dates_and_zones() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn", "basic-telecom"])
    g.add_entity("f", jurisdiction="US")
    g.add_holding("f", "jv", "49.5%")
    with pytest.raises(jvm.UnknownSectorError) as several:
        jvm.check(g, "jv", regime=BEIJING)
    assert str(several.value) == (
        "entity 'jv' has several sectors capped by regime 'cn-beijing-2020' (vpn, "
        "basic-telecom); pass sector= to choose one"
    )
    assert (several.value.entity, several.value.regime, several.value.sector) == (
        "jv",
        BEIJING,
        None,
    )
    # 49.5% + 50.5% undisclosed: over either cap; domestic undisclosed: 49.5%.
    vpn = jvm.check(g, "jv", regime=BEIJING, sector="vpn", undisclosed="domestic")
    assert (vpn.sector, vpn.cap, vpn.status) == ("vpn", Fraction(1, 2), "compliant")
    basic = jvm.check(g, "jv", regime=BEIJING, sector="basic-telecom", undisclosed="domestic")
    assert (basic.cap, basic.status) == (Fraction(49, 100), "breach")
    # Before the pilot there was no VPN cap to check against.
    with pytest.raises(jvm.UnknownSectorError, match="no cap on 'vpn' in force on 2020-01-01"):
        jvm.check(g, "jv", regime=BEIJING, sector="vpn", as_of=dt.date(2020, 1, 1))
    dated = jvm.check(g, "jv", regime=BEIJING, sector="vpn", as_of=dt.date(2021, 1, 1))
    assert dated.as_of == dt.date(2021, 1, 1)
    assert dated.to_dict()["as_of"] == "2021-01-01"
    # Information services: uncapped inside the Haidian zone, 50% outside it.
    g.add_entity("app-store", jurisdiction="CN-BJ", sectors=["information-services"])
    g.add_entity("zone-store", jurisdiction="CN-BJ", sectors=["information-services"])
    g.replace_entity(
        jvm.Entity(
            id="zone-store",
            jurisdiction="CN-BJ",
            sectors=["information-services"],
            zones=["zhongguancun-haidian"],
        )
    )
    for store in ("app-store", "zone-store"):
        g.add_holding("f", store, "80%")
    assert jvm.check(g, "app-store", regime=BEIJING).status == "breach"
    inside = jvm.check(g, "zone-store", regime=BEIJING)
    assert (inside.status, inside.cap) == ("compliant", None)


@pytest.mark.parametrize(
    ("sectors", "listed"),
    [([], "[]"), (["shoes"], "['shoes']")],
)
def test_no_capped_sector(sectors: list[str], listed: str) -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=sectors)
    with pytest.raises(jvm.UnknownSectorError) as caught:
        jvm.check(g, "t", regime=BEIJING)
    assert str(caught.value) == (
        f"entity 't' has no sector capped by regime 'cn-beijing-2020' (its sectors: {listed}); "
        "pass sector= one of basic-telecom, information-services, internet-access, vats, vpn"
    )
    assert (caught.value.entity, caught.value.regime, caught.value.sector) == ("t", BEIJING, None)


def test_regime_objects_and_names() -> None:
    g = _jv("50%", "50%")
    regime = jvm.regimes.get(BEIJING)
    assert jvm.check(g, "jv", regime=regime) == jvm.check(g, "jv", regime=BEIJING)
    with pytest.raises(jvm.UnknownRegimeError):
        jvm.check(g, "jv", regime="nope")
