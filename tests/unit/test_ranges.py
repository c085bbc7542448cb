"""Ranged stakes through every analysis: intervals and three-valued verdicts, by hand."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

import jvmodel as jvm
from jvmodel.cli import main
from jvmodel.regimes import regime_from_dict
from tests.conftest import SHARED

HALF = Fraction(1, 2)
# UK PSC bands ("more than 25% to 50%", ...) as ranges.
PSC_25_50 = jvm.Range("25%", "50%", closed="right")

# A regime with a strict cap, foreign share < 50%, undisclosed counted domestic.
STRICT_HALF = regime_from_dict(
    {
        "name": "strict-half",
        "title": "test regime: foreign share strictly below one half",
        "host": "CN",
        "undisclosed": "domestic",
        "method": {"equity": "proportional", "voting": "proportional"},
        "cap": [
            {
                "sector": "vpn",
                "limit": "50%",
                "inclusive": False,
                "measure": "equity",
                "source": "a test cap (no regulation)",
            },
        ],
    }
)


def joint_venture(foreign: object, domestic: object = "25%") -> jvm.OwnershipGraph:
    """A Beijing JV held by a US partner (``foreign``) and a Chinese one (``domestic``)."""
    g = jvm.OwnershipGraph()
    g.add_entity("us", jurisdiction="US")
    g.add_entity("cn", jurisdiction="CN")
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_holding("us", "jv", foreign)
    g.add_holding("cn", "jv", domestic)
    return g


def interval(lower: str, upper: str, closed: str = "both") -> jvm.Interval:
    return jvm.Interval(
        lower=Fraction(lower),
        upper=Fraction(upper),
        lower_closed=closed in ("both", "left"),
        upper_closed=closed in ("both", "right"),
    )


# -- verdicts at open and closed ends ------------------------------------------------


def test_psc_band_up_to_the_cap_is_compliant() -> None:
    # US holds "more than 25% to 50%", CN 25%, the rest undisclosed and counted
    # domestic: foreign = the US stake, in (25%, 50%]; every value is ≤ 50%.
    r = jvm.check(joint_venture(PSC_25_50), "jv", regime="cn-beijing-2020", undisclosed="domestic")
    assert r.foreign_share == interval("1/4", "1/2", "right")
    assert (r.status, r.compliant) == ("compliant", True)
    # headroom = 50% − share: [0, 25%), the least from the greatest share (attained).
    assert r.headroom == interval("0", "1/4", "left")


def test_open_band_at_a_strict_cap_is_compliant() -> None:
    # (25%, 50%) under "< 50%": 50% itself never occurs, so every value is allowed.
    g = joint_venture(jvm.Range("25%", "50%", closed="neither"))
    r = jvm.check(g, "jv", regime=STRICT_HALF)
    assert r.foreign_share == interval("1/4", "1/2", "neither")
    assert r.status == "compliant"
    # The same band under "≤ 50%" is compliant too.
    assert jvm.check(g, "jv", regime="cn-beijing-2020", undisclosed="domestic").compliant


def test_closed_band_at_a_strict_cap_is_indeterminate() -> None:
    # [25%, 50%] under "< 50%": 25% is allowed, 50% is not.
    r = jvm.check(joint_venture(jvm.Range("25%", "50%")), "jv", regime=STRICT_HALF)
    assert r.foreign_share == interval("1/4", "1/2")
    assert (r.status, r.compliant) == ("indeterminate", None)
    # headroom = 50% − [25%, 50%] = [0, 25%], both ends attained.
    assert r.headroom == interval("0", "1/4")


def test_band_above_an_inclusive_cap_from_an_open_end_is_a_breach() -> None:
    # "more than 50% to 75%" under "≤ 50%": 50% itself never occurs, so no value
    # is allowed; foreign = the US stake, in (50%, 75%].
    g = joint_venture(jvm.Range("50%", "75%", closed="right"))
    r = jvm.check(g, "jv", regime="cn-beijing-2020", undisclosed="domestic")
    assert r.foreign_share == interval("1/2", "3/4", "right")
    assert (r.status, r.compliant) == ("breach", False)
    # headroom = 50% − (50%, 75%] = [−25%, 0).
    assert r.headroom == interval("-1/4", "0", "left")


def test_band_across_the_cap_is_indeterminate() -> None:
    # (25%, 75%] with CN at 25%: room for the US stake is 75%, so foreign = (25%, 75%].
    r = jvm.check(
        joint_venture(jvm.Range("25%", "75%", closed="right")),
        "jv",
        regime="cn-beijing-2020",
        undisclosed="domestic",
    )
    assert r.foreign_share == interval("1/4", "3/4", "right")
    assert (r.status, r.compliant) == ("indeterminate", None)
    assert r.headroom == interval("-1/4", "1/4", "left")
    payload = r.to_dict()
    assert payload["foreign_share"] == {
        "lower": {"exact": "1/4", "percent": "25%"},
        "upper": {"exact": "3/4", "percent": "75%"},
        "lower_closed": False,
        "upper_closed": True,
    }
    assert payload["headroom"]["lower"] == {"exact": "-1/4", "percent": "-25%"}
    assert payload["compliant"] is None
    assert "(25%, 75%]" in repr(r)


def test_undisclosed_counted_foreign_absorbs_the_band() -> None:
    # Counted foreign, the undisclosed part takes whatever the US stake does not:
    # foreign = w + (75% − w) = 75% for every w in the band, a single value.
    r = jvm.check(joint_venture(PSC_25_50), "jv", regime="cn-beijing-2020")
    assert r.foreign_share == interval("3/4", "3/4")
    assert r.status == "breach"


def test_exact_structures_still_give_fractions() -> None:
    # 40% US, 25% CN, undisclosed foreign: 40% + 35% = 75%, as a plain Fraction.
    share = jvm.foreign_share(joint_venture("40%"), "jv", host="CN")
    assert share == Fraction(3, 4)
    assert type(share) is Fraction


# -- through layers ------------------------------------------------------------------


def layered() -> jvm.OwnershipGraph:
    # US holds (25%, 50%] of H and CN 50%; H holds [50%, 75%) of T and CN 20%.
    g = jvm.OwnershipGraph()
    for e, country in [("us", "US"), ("cn", "CN"), ("h", "CN"), ("t", "CN")]:
        g.add_entity(e, jurisdiction=country)
    g.add_holding("us", "h", PSC_25_50)
    g.add_holding("cn", "h", "50%")
    g.add_holding("h", "t", jvm.Range("50%", "75%", closed="left"))
    g.add_holding("cn", "t", "20%")
    return g


def test_ranges_through_two_layers() -> None:
    g = layered()
    # Undisclosed domestic: foreign(H) = w1 ∈ (25%, 50%]; foreign(T) = w2·w1 with
    # w2 ∈ [50%, 75%): least 50%·25% = 1/8 (open: w1 > 25%), greatest 75%·50% = 3/8
    # (open: w2 < 75%).
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == interval(
        "1/8", "3/8", "neither"
    )
    # Undisclosed foreign: foreign(H) = w1 + (50% − w1) = 1/2 always; foreign(T) =
    # w2·1/2 + (80% − w2) = 80% − w2/2 ∈ (80% − 3/8, 80% − 1/4] = (17/40, 11/20].
    assert jvm.foreign_share(g, "t", host="CN") == interval("17/40", "11/20", "right")


def test_effective_ownership_with_ranges() -> None:
    owners = jvm.effective_ownership(layered(), "t")
    # cn: 20% + w2·50% ∈ [45%, 57.5%); us: w2·w1 ∈ (1/8, 3/8) as above;
    # undisclosed: w2·(50% − w1) + (80% − w2): least at w1 = 50%, w2 → 75%: 5% (open);
    # greatest at w1 → 25%, w2 = 50%: 12.5% + 30% = 42.5% (open).
    assert owners == {
        "cn": interval("9/20", "23/40", "left"),
        jvm.UNDISCLOSED: interval("1/20", "17/40", "neither"),
        "us": interval("1/8", "3/8", "neither"),
    }


def test_multiplier_splits_a_band_at_the_step() -> None:
    g = layered()
    # Undisclosed domestic: foreign(H) = w1 ∈ (25%, 50%] (no stake in H above 50%).
    # T's link to H is w2 at w2 = 50% and 100% for w2 ∈ (50%, 75%): foreign(T) is
    # least at w2 = 50%, w1 → 25%: 1/8 (open), greatest at w2 > 50%, w1 = 50%: 1/2.
    assert jvm.foreign_share(
        g, "t", host="CN", method="multiplier", undisclosed="domestic"
    ) == interval("1/8", "1/2", "right")
    # Undisclosed foreign: foreign(H) = 1/2; at w2 = 50%: 1/4 + 30% = 55%; for
    # w2 ∈ (50%, 75%): 1/2 + (80% − w2) ∈ (55%, 80%): together [55%, 80%).
    assert jvm.foreign_share(g, "t", host="CN", method="multiplier") == interval(
        "11/20", "4/5", "left"
    )


def test_presence_applies_the_status_to_both_bounds() -> None:
    # Undisclosed domestic: H has a foreign layer for every w1 > 25%, so its status
    # is 1 and foreign(T) = w2 ∈ [50%, 75%); the non-linear bounds are reported with
    # closed ends (sound: the interval contains every value that occurs).
    share = jvm.foreign_share(layered(), "t", host="CN", method="presence", undisclosed="domestic")
    assert share == interval("1/2", "3/4")


def test_exclude_policy_with_ranges_is_refused() -> None:
    with pytest.raises(jvm.UnsupportedAnalysisError, match="undisclosed='exclude'"):
        jvm.foreign_share(layered(), "t", host="CN", undisclosed="exclude")


def test_largest_holder_with_ranges_is_refused() -> None:
    with pytest.raises(jvm.UnsupportedAnalysisError, match="largest-holder"):
        jvm.foreign_share(layered(), "t", host="CN", method="largest-holder")


# -- under a threshold regime (India) -------------------------------------------------


def indian(band: object) -> jvm.OwnershipGraph:
    # F (GB) holds ``band`` of holdco H (IN), R (IN) 30% of H; H holds 60% of the
    # insurer T and R the other 40%.
    g = jvm.OwnershipGraph()
    for e, country in [("f", "GB"), ("r", "IN"), ("h", "IN")]:
        g.add_entity(e, jurisdiction=country)
    g.add_entity("t", jurisdiction="IN", sectors=["insurance"])
    g.add_holding("f", "h", band)
    g.add_holding("r", "h", "30%")
    g.add_holding("h", "t", "60%")
    g.add_holding("r", "t", "40%")
    return g


def test_threshold_band_above_the_test_decides_the_status() -> None:
    # in-fdi: an Indian company is foreign unless residents own more than half of
    # it (foreign share ≥ 50% makes it foreign).  F ∈ [60%, 70%] of H: H is foreign
    # for every choice, so its 60% of T counts in full: foreign(T) = 60%, one value,
    # inside the insurance cap of 74%.
    r = jvm.check(indian(jvm.Range("60%", "70%")), "t", regime="in-fdi", undisclosed="domestic")
    assert r.foreign_share == interval("3/5", "3/5")
    assert r.status == "compliant"


def test_threshold_band_across_the_test_spans_both_statuses() -> None:
    # F ∈ [40%, 60%]: at 40% H is domestic (40% < 50%, F has no majority of votes)
    # and T is 0% foreign; at 50% and above H is foreign and T is 60% foreign.
    share = jvm.foreign_share(
        indian(jvm.Range("40%", "60%")), "t", regime="in-fdi", undisclosed="domestic"
    )
    assert share == interval("0", "3/5")


def test_threshold_status_at_an_open_end_is_bounded_soundly() -> None:
    # F ∈ (40%, 50%): H never reaches 50%, so T is 0% foreign for every choice.  The
    # non-linear bounds evaluate the statuses on the closed band, where F = 50% makes
    # H foreign: the reported interval [0, 60%] is sound (it holds 0) but not tight
    # at this step (documented in attribute_ranged).
    share = jvm.foreign_share(
        indian(jvm.Range("40%", "50%", closed="neither")),
        "t",
        regime="in-fdi",
        undisclosed="domestic",
    )
    assert isinstance(share, jvm.Interval)
    assert Fraction(0) in share
    assert share == interval("0", "3/5")


def test_threshold_target_band_keeps_open_ends() -> None:
    # Only the target's own stake is ranged: F holds (25%, 50%] of T directly, R 50%;
    # undisclosed domestic: foreign(T) = F's stake, with its ends as recorded.
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="GB")
    g.add_entity("r", jurisdiction="IN")
    g.add_entity("t", jurisdiction="IN", sectors=["insurance"])
    g.add_holding("f", "t", PSC_25_50)
    g.add_holding("r", "t", "50%")
    share = jvm.foreign_share(g, "t", regime="in-fdi", undisclosed="domestic")
    assert share == interval("1/4", "1/2", "right")


# -- the command line ------------------------------------------------------------------

RANGED_TOML = """
[[entity]]
id = "us"
kind = "company"
jurisdiction = "US"

[[entity]]
id = "cn"
kind = "company"
jurisdiction = "CN"

[[entity]]
id = "jv"
kind = "company"
jurisdiction = "CN-BJ"
sectors = ["vpn"]

[[holding]]
owner = "us"
owned = "jv"
equity = { min = "25%", max = "75%", closed = "right" }

[[holding]]
owner = "cn"
owned = "jv"
equity = "25%"
"""


def test_cli_exits_3_when_indeterminate(tmp_path: Path) -> None:
    # As test_band_across_the_cap_is_indeterminate: foreign (25%, 75%] vs ≤ 50%.
    path = tmp_path / "ranged.toml"
    path.write_text(RANGED_TOML, encoding="utf-8")
    args = ["check", str(path), "--target", "jv", "--regime", "cn-beijing-2020"]
    args += ["--undisclosed", "domestic"]
    out = _Out()
    assert main(args, out=out) == 3
    text = out.getvalue()
    assert "INDETERMINATE" in text
    assert "(25%, 75%]" in text
    assert "(1/4, 3/4]" in text
    out = _Out()
    assert main([*args, "--format", "json"], out=out) == 3
    payload = json.loads(out.getvalue())
    assert payload["status"] == "indeterminate"
    assert payload["foreign_share"]["lower"]["exact"] == "1/4"
    assert payload["foreign_share"]["upper"]["exact"] == "3/4"
    assert payload["foreign_share"]["lower_closed"] is False


class _Out:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


# -- BODS, end to end ---------------------------------------------------------------

EXAMPLES = SHARED / "data" / "bods-0.4" / "examples"


def bods_example(name: str, jurisdictions: dict[str, str], target: str) -> jvm.OwnershipGraph:
    path = EXAMPLES / name
    if not path.is_file():
        pytest.skip(f"the official BODS 0.4 examples are not at {EXAMPLES}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the examples' own quirks, tested in tests/io
        g = jvm.read_bods(path, strict=False)
    for entity_id, country in jurisdictions.items():
        entity = g.entity(entity_id)
        sectors = ["vpn"] if entity_id == target else list(entity.sectors)
        g.replace_entity(attrs.evolve(entity, jurisdiction=country, sectors=sectors))
    return g


def test_bods_band_with_exclusive_ends_is_compliant() -> None:
    # bods-package-linking-annotations.json: Mr Jeremy Hunt (0fc263ba4126) holds
    # shares in MARE POND PROPERTIES LIMITED (a01c1a0863e2) with exclusiveMinimum 25,
    # exclusiveMaximum 50: the stake is (25%, 50%).  The example records no
    # jurisdictions; we make him a US national and the company a Beijing JV.
    # Undisclosed domestic: foreign = his stake, (25%, 50%), compliant under ≤ 50%.
    g = bods_example(
        "bods-package-linking-annotations.json",
        {"0fc263ba4126": "US", "a01c1a0863e2": "CN-BJ"},
        "a01c1a0863e2",
    )
    r = jvm.check(g, "a01c1a0863e2", regime="cn-beijing-2020", undisclosed="domestic")
    assert r.foreign_share == interval("1/4", "1/2", "neither")
    assert r.status == "compliant"
    # Under a strict "< 50%" the open upper end keeps it compliant as well.
    assert jvm.check(g, "a01c1a0863e2", regime=STRICT_HALF).status == "compliant"


def test_bods_band_above_the_cap_is_a_breach() -> None:
    # bods-package-entity-owning-entity.json: MVJ LIMITED (e83cce729ada) holds shares
    # in JENEX LIMITED (12b7dd0770ce) with minimum 75, exclusiveMaximum 100: [75%, 100%).
    # With MVJ foreign and undisclosed domestic, foreign = [75%, 100%): breach of ≤ 50%.
    g = bods_example(
        "bods-package-entity-owning-entity.json",
        {"e83cce729ada": "US", "12b7dd0770ce": "CN-BJ"},
        "12b7dd0770ce",
    )
    r = jvm.check(g, "12b7dd0770ce", regime="cn-beijing-2020", undisclosed="domestic")
    assert r.foreign_share == interval("3/4", "1", "left")
    assert r.status == "breach"
    # headroom = 50% − [75%, 100%) = (−50%, −25%].
    assert r.headroom == interval("-1/2", "-1/4", "right")


def test_contributions_with_ranges() -> None:
    g = layered()
    # Undisclosed foreign. us: w2·w1 ∈ (1/8, 3/8) as above; undisclosed: as in
    # test_effective_ownership_with_ranges, (5%, 42.5%).  cn is domestic and
    # contributes nothing.
    parts = jvm.foreign_contributions(g, "t", host="CN")
    assert parts == {
        jvm.UNDISCLOSED: interval("1/20", "17/40", "neither"),
        "us": interval("1/8", "3/8", "neither"),
    }
    g.replace_entity(attrs.evolve(g.entity("t"), sectors=["vpn"]))
    assert jvm.check(g, "t", regime="cn-beijing-2020").contributions == parts


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        # [40%, 50%): never a controlling link, so the stake counts as it is.
        (jvm.Range("40%", "50%", closed="left"), interval("2/5", "1/2", "left")),
        # [40%, 60%]: 40% to 50% as they are, anything above 50% counts 100%.
        (jvm.Range("40%", "60%"), interval("2/5", "1")),
        # (50%, 60%]: always controlling, always 100%.
        (jvm.Range("50%", "60%", closed="right"), interval("1", "1")),
    ],
)
def test_multiplier_on_a_band_at_the_step(band: jvm.Range, expected: jvm.Interval) -> None:
    # US holds the band of T directly; undisclosed domestic; votes under the multiplier.
    g = jvm.OwnershipGraph()
    g.add_entity("us", jurisdiction="US")
    g.add_entity("t", jurisdiction="CN")
    g.add_holding("us", "t", band)
    share = jvm.foreign_share(g, "t", host="CN", method="multiplier", undisclosed="domestic")
    assert share == expected


def test_band_below_a_cross_holding() -> None:
    # A and B hold 60% of each other, F (US) 10% of A; A holds [10%, 30%] of T;
    # undisclosed domestic.  foreign(A) = 10% + 60%·foreign(B), foreign(B) =
    # 60%·foreign(A), so foreign(A) = 10% / (1 − 36%) = 5/32, and foreign(T) =
    # w·5/32 ∈ [1/64, 3/64].
    g = jvm.OwnershipGraph()
    for e, country in [("a", "CN"), ("b", "CN"), ("f", "US"), ("t", "CN")]:
        g.add_entity(e, jurisdiction=country)
    g.add_holding("a", "b", "60%")
    g.add_holding("b", "a", "60%")
    g.add_holding("f", "a", "10%")
    g.add_holding("a", "t", jvm.Range("10%", "30%"))
    share = jvm.foreign_share(g, "t", host="CN", undisclosed="domestic")
    assert share == interval("1/64", "3/64")
    # Under the multiplier each 60% link counts 100%: the loop's path sums diverge.
    with pytest.raises(jvm.UnsupportedAnalysisError, match="unbounded"):
        jvm.foreign_share(g, "t", host="CN", method="multiplier", undisclosed="domestic")


def test_a_range_from_zero_on_an_intermediate_under_threshold() -> None:
    # jv (CN) is held 50% by h and 50% by e (CN, no owners: domestic).  h is held 10%
    # by f (US) and by d (CN, domestic) anywhere from 0% to 80%; the rest of h is
    # undisclosed, counted foreign.  h's raw share is 10% + (90% − w) = 1 − w for d's
    # stake w, from 100% (w = 0) down to 20% (w = 80%).  Under the threshold rule
    # (at least half foreign counts wholly foreign, else wholly domestic) h counts 1
    # or 0, so jv is 50% × 1 = 1/2 at w = 0 and 0 at w = 80%: [0, 1/2], both attained.
    # At w = 0 d's holding is no holding, yet the bound needs d's status.
    g = jvm.OwnershipGraph()
    for entity, country in [("jv", "CN"), ("h", "CN"), ("e", "CN"), ("f", "US"), ("d", "CN")]:
        g.add_entity(entity, jurisdiction=country)
    g.add_holding("h", "jv", "50%")
    g.add_holding("e", "jv", "50%")
    g.add_holding("f", "h", "10%")
    g.add_holding("d", "h", jvm.Range("0%", "80%"))
    share = jvm.foreign_share(g, "jv", host="CN", method="threshold")
    assert share == jvm.Interval(lower=Fraction(0), upper=Fraction(1, 2))


@pytest.mark.parametrize("method", ["presence", "threshold"])
def test_a_range_from_zero_on_the_target_under_a_step_method(method: str) -> None:
    # b (US, foreign) holds between 0% and 50% of t; the rest is undisclosed, counted
    # domestic.  t's figure is its raw share w × 1 + (1 − w) × 0 = w: [0, 1/2], both
    # ends attained (at w = 0, b holds nothing).
    g = jvm.OwnershipGraph()
    g.add_entity("b", jurisdiction="US")
    g.add_entity("t", jurisdiction="CN")
    g.add_holding("b", "t", jvm.Range("0%", "50%"))
    share = jvm.foreign_share(g, "t", host="CN", method=method, undisclosed="domestic")
    assert share == jvm.Interval(lower=Fraction(0), upper=Fraction(1, 2))


@pytest.mark.parametrize("method", ["proportional", "presence", "threshold"])
def test_an_entity_whose_only_owner_may_hold_nothing_stays_looked_through(method: str) -> None:
    # e1 (US) is held by e0 (CN) for between 0% and 1%, the rest undisclosed (counted
    # domestic); e0 and e1 hold 1% each of e2 (CN).  For every stake w in the range
    # e1's raw share is w × 0 + (1 − w) × 0 = 0, so it passes nothing on and e2 is
    # 0% foreign under each method.  At w = 0 the bound keeps e1 looked through
    # (wholly undisclosed) rather than counting it by its jurisdiction, which would
    # give e2 1% at that one point and nowhere else in the range.
    g = jvm.OwnershipGraph()
    for entity, country in [("e0", "CN"), ("e1", "US"), ("e2", "CN")]:
        g.add_entity(entity, jurisdiction=country)
    g.add_holding("e0", "e1", jvm.Range("0%", "1%"))
    g.add_holding("e0", "e2", "1%")
    g.add_holding("e1", "e2", "1%")
    share = jvm.foreign_share(g, "e2", host="CN", method=method, undisclosed="domestic")
    assert share == jvm.Interval(lower=Fraction(0), upper=Fraction(0))


def test_ranged_bounds_read_the_holdings_in_force_on_the_day_asked() -> None:
    # f (US) held a band of 10% to 20% of t until the end of 2019 and exactly 30% from
    # 2020; the rest is undisclosed, counted domestic.  Mid-2019 the share is the band,
    # [10%, 20%]; today it is 30%.
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="US")
    g.add_entity("t", jurisdiction="CN")
    g.add_holding("f", "t", jvm.Range("10%", "20%"), valid_to=dt.date(2019, 12, 31))
    g.add_holding("f", "t", "30%", valid_from=dt.date(2020, 1, 1))
    mid_2019 = jvm.foreign_share(
        g, "t", host="CN", undisclosed="domestic", as_of=dt.date(2019, 6, 30)
    )
    assert mid_2019 == jvm.Interval(lower=Fraction(1, 10), upper=Fraction(1, 5))
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == Fraction(3, 10)
