"""Every official BODS 0.4 example loads, with what it contains pinned.

Shares in BODS are percentages; here they are fractions of one, so ``"exact": 76.5``
is 153/200.  Look-through figures are derived by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest

import jvmodel as jvm
from tests.io.bods_data import EXAMPLES, require_bods_data, validator, write

F = Fraction
U = jvm.UNDISCLOSED


def load(name: str, **options: object) -> jvm.OwnershipGraph:
    require_bods_data()
    return jvm.read_bods(EXAMPLES / name, **options)  # type: ignore[arg-type]


def holdings(g: jvm.OwnershipGraph) -> set[tuple[object, ...]]:
    return {(h.owner, h.owned, h.equity, h.voting, h.valid_from, h.valid_to) for h in g.holdings()}


def claims(g: jvm.OwnershipGraph) -> set[tuple[object, ...]]:
    return {(d.party, d.subject, d.interest, d.directness, d.share) for d in g.declared()}


def test_every_example_is_covered_below() -> None:
    require_bods_data()
    covered = {
        name.split("[")[0]
        for name in [
            "bods-package.json",
            "bods-package-entity-owning-entity.json",
            "bods-package-fi-soe.json",
            "bods-package-annotations.json",
            "bods-package-linking-annotations.json",
            "fermcat.json",
            "full-pep-declaration.json",
            "indirect-ownership.json",
            "joint-ownership.json",
            "levent.json",
            "listed-company-exempt-from-disclosure.json",
            "mixed-direct-and-indirect-ownership.json",
            "multiple-indirect-ownership.json",
            "multiple-tax-residencies.json",
            "mutilple-indirect-ownership-2.json",
            "nomination.json",
            "plc-entity-statement.json",
            "simple-pep-declaration.json",
            "tecido.json",
        ]
    }
    assert {p.name for p in EXAMPLES.glob("*.json")} == covered


def test_the_official_examples_are_valid_bods() -> None:
    # Guards the validator used on write_bods output: the examples pass it ...
    check = validator()
    for path in sorted(EXAMPLES.glob("*.json")):
        errors = list(check.iter_errors(json.loads(path.read_text(encoding="utf-8"))))
        assert errors == [], path.name


def test_the_validator_is_not_vacuous() -> None:
    # ... and a statement with an unknown entity type, or a share above 100, fails it.
    check = validator()
    document = json.loads((EXAMPLES / "bods-package.json").read_text(encoding="utf-8"))
    document[0]["recordDetails"]["entityType"]["type"] = "corporation"
    document[2]["recordDetails"]["interests"][0]["share"]["exact"] = 101
    messages = [e.message for e in check.iter_errors(document)]
    assert len(messages) == 2


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_each_example_round_trips_through_write_bods(path: Path, tmp_path: Path) -> None:
    g = load(path.name)
    out = tmp_path / "out.json"
    jvm.write_bods(g, out, statement_date=dt.date(2024, 5, 1))
    assert list(validator().iter_errors(json.loads(out.read_text(encoding="utf-8")))) == []
    assert jvm.read_bods(out) == g


def test_bods_package() -> None:
    g = load("bods-package.json")
    assert g.entity("c359f58d2977") == jvm.Entity(id="c359f58d2977", name="Profitech Ltd")
    jennifer = g.entity("10478c6cf6de")
    # The legal name is chosen over the alternative one; nationality is the jurisdiction.
    assert (jennifer.name, jennifer.kind, jennifer.jurisdiction) == (
        "Jennifer Hewitson-Smith",
        "person",
        "GB",
    )
    assert holdings(g) == {("10478c6cf6de", "c359f58d2977", F(1), F(1), dt.date(2016, 4, 6), None)}
    # One direct 100% owner: she owns all of it.
    assert jvm.effective_ownership(g, "c359f58d2977") == {"10478c6cf6de": F(1)}


def test_entity_owning_entity_has_a_half_open_band() -> None:
    g = load("bods-package-entity-owning-entity.json")
    # "minimum": 75, "exclusiveMaximum": 100 is [75%, 100%): closed below, open above.
    band = jvm.Range("75%", "100%", closed="left")
    assert holdings(g) == {("e83cce729ada", "12b7dd0770ce", band, band, None, None)}
    assert F(3, 4) in band
    assert F(1) not in band


def test_finnish_state_owned_enterprise() -> None:
    g = load("bods-package-fi-soe.json")
    gasgrid, kaasuverkko, ministry, state = (
        "19f1c5afe9d7",
        "0199c515a699",
        "7ff95ba3682c",
        "05ce06ec97b1",
    )
    assert [e.kind for e in g.entities()] == ["company", "company", "state", "state"]
    assert {e.jurisdiction for e in g.entities()} == {"FI"}
    start = dt.date(2020, 1, 1)
    assert holdings(g) == {
        (kaasuverkko, gasgrid, F(153, 200), F(153, 200), start, None),  # 76.5%
        (ministry, kaasuverkko, F(1), F(1), start, None),
        (ministry, gasgrid, F(47, 200), F(47, 200), start, None),  # 23.5%
    }
    # The state's control of its ministry has no size, and its 100% is indirect:
    # both are claims, not edges.
    assert claims(g) == {
        (state, ministry, "otherInfluenceOrControl", "direct", None),
        (state, gasgrid, "shareholding", "indirect", F(1)),
    }
    [indirect] = [d for d in g.declared() if d.directness == "indirect"]
    assert indirect.components[:2] == (kaasuverkko, ministry)
    # Look-through of Gasgrid: 76.5% × 100% (via Kaasuverkko) + 23.5% (direct) = 100%
    # to the ministry, which has no recorded owner.
    assert jvm.effective_ownership(g, gasgrid) == {ministry: F(1)}
    assert jvm.foreign_share(g, gasgrid, host="FI") == 0
    [result] = jvm.verify_declared(g)
    # The state reaches Gasgrid only through its control of the ministry, of no size.
    assert result.status == "cannot_tell"
    assert "otherInfluenceOrControl" in result.reason


def test_annotations_example_keeps_a_relationship_without_interests() -> None:
    g = load("bods-package-annotations.json")
    assert len(g) == 2
    assert g.entity("22e8a31863ee").jurisdiction == "GB"
    assert holdings(g) == set()
    assert claims(g) == {("387a14452645", "22e8a31863ee", "unknownInterest", "unknown", None)}


def test_linking_annotations_example_has_an_open_band() -> None:
    g = load("bods-package-linking-annotations.json")
    # exclusiveMinimum 25, exclusiveMaximum 50: the open band (25%, 50%).
    band = jvm.Range("25%", "50%", closed="neither")
    assert holdings(g) == {("0fc263ba4126", "a01c1a0863e2", band, band, dt.date(2018, 9, 19), None)}
    assert g.entity("0fc263ba4126").name == "Mr Jeremy Hunt"


@pytest.mark.parametrize("name", ["full-pep-declaration.json", "simple-pep-declaration.json"])
def test_pep_declarations_have_equity_and_voting_bands(name: str) -> None:
    g = load(name)
    [holding] = g.holdings()
    # minimum 25, exclusiveMaximum 50 for shares and for votes: [25%, 50%).
    band = jvm.Range("25%", "50%", closed="left")
    assert (holding.equity, holding.voting, holding.valid_from) == (band, band, dt.date(2016, 7, 7))
    assert g.entity(holding.owner).name == "Michael Hubbard"


def test_fermcat_history() -> None:
    fermcat, riyadh, patrick, declan = (
        "ent-93c75c87ab28f889",
        "per-5faa4103dee78621",
        "per-41c0bb0cef246f7c",
        "per-e334cc6258e56467",
    )
    start = dt.date(2019, 9, 11)
    # Latest: Riyadh and Declan are closed, Patrick's record says 100% since 2019.
    latest = load("fermcat.json")
    assert set(latest) == {fermcat, patrick}
    assert holdings(latest) == {(patrick, fermcat, F(1), F(1), start, None)}
    assert claims(latest) == {(patrick, fermcat, "boardMember", "direct", None)}
    # As published by 2021-09-11 (both statements of that day): Patrick and Declan, half each.
    g = load("fermcat.json", as_of=dt.date(2021, 9, 11))
    assert holdings(g) == {
        (patrick, fermcat, F(1, 2), F(1, 2), start, None),
        (declan, fermcat, F(1, 2), F(1, 2), dt.date(2021, 4, 3), None),
    }
    # As published by the end of 2020: Riyadh and Patrick, half each.
    g = load("fermcat.json", as_of=dt.date(2020, 12, 31))
    assert holdings(g) == {
        (riyadh, fermcat, F(1, 2), F(1, 2), start, None),
        (patrick, fermcat, F(1, 2), F(1, 2), start, None),
    }
    # Riyadh's first listed nationality is Iraqi: for Ireland, his half is foreign,
    # Patrick's (Irish) half is not: 1/2 × 1 + 1/2 × 0 = 1/2.
    assert g.entity(riyadh).jurisdiction == "IQ"
    assert jvm.foreign_share(g, fermcat, host="IE") == F(1, 2)


def test_indirect_ownership() -> None:
    g = load("indirect-ownership.json")
    a, b, person = "ad3f6c2fcc9e", "d4ab89ea169a", "c25d4d612c2c"
    assert holdings(g) == {(b, a, F(3, 5), F(3, 5), dt.date(2017, 11, 1), None)}
    assert claims(g) == {
        (person, b, "unknownInterest", "unknown", None),
        (person, a, "shareholding", "indirect", F(3, 10)),
    }
    # B holds 60% of A and has no recorded owner; the other 40% is undisclosed.
    assert jvm.effective_ownership(g, a) == {b: F(3, 5), U: F(2, 5)}
    [result] = jvm.verify_declared(g)
    # Person 1's interest in B has no size, so the declared 30% cannot be checked.
    assert (result.status, result.declared, result.computed) == ("cannot_tell", F(3, 10), F(0))


def test_joint_ownership() -> None:
    g = load("joint-ownership.json")
    chrinon, joint, natalie, roberto = (
        "31c55e425764",
        "91b4236a7d89",
        "1accb8b18b99",
        "f040df24d9ec",
    )
    assert g.entity(joint).kind == "partnership"  # an arrangement
    start = dt.date(2018, 1, 1)
    assert holdings(g) == {
        (joint, chrinon, F(1), F(1), start, None),
        (natalie, joint, F(1, 2), F(1, 2), start, None),
        (roberto, joint, F(1, 2), F(1, 2), start, None),
    }
    # 100% × 50% each.
    assert jvm.effective_ownership(g, chrinon) == {natalie: F(1, 2), roberto: F(1, 2)}


def test_levent_trust() -> None:
    g = load("levent.json")
    trust = g.entity("8e40d059")
    assert (trust.kind, trust.jurisdiction) == ("trust", "FR")
    # The anonymous (underage) beneficiary is no entity: what it holds is undisclosed.
    assert "81337a6e" not in g
    assert holdings(g) == set()
    assert claims(g) == {
        ("700c264e", "8e40d059", "trustee", "direct", None),
        ("d8855000", "8e40d059", "settlor", "direct", None),
        ("d8855000", "8e40d059", "trustee", "direct", None),
    }


def test_listed_company_exempt_from_disclosure() -> None:
    g = load("listed-company-exempt-from-disclosure.json")
    # The interested party is unspecified (exempt as listed): all of it is undisclosed.
    assert list(g) == ["4c7ea3bfbe6c"]
    assert holdings(g) == set()
    assert claims(g) == set()
    assert jvm.effective_ownership(g, "4c7ea3bfbe6c") == {U: F(1)}


def test_mixed_direct_and_indirect_ownership() -> None:
    g = load("mixed-direct-and-indirect-ownership.json")
    a, b, person = "9bfe59b6a869", "ec61aeda7141", "53508b65253f"
    assert holdings(g) == {
        (b, a, F(1, 2), F(1, 2), dt.date(2017, 11, 1), None),
        # The direct interest in the same record is an edge; the indirect one a claim.
        (person, a, F(1, 2), F(1, 2), dt.date(2019, 5, 1), None),
    }
    assert (person, a, "shareholding", "indirect", F(1, 2)) in claims(g)
    # Today: B 50% + Person 1 50% directly.
    assert jvm.effective_ownership(g, a) == {b: F(1, 2), person: F(1, 2)}
    # Mid-2018, before the direct stake: B's half, the rest undisclosed.
    assert jvm.effective_ownership(g, a, as_of=dt.date(2018, 6, 1)) == {b: F(1, 2), U: F(1, 2)}
    [result] = jvm.verify_declared(g)
    # The indirect claim leaves the direct stake out: through B it is of unknown size.
    assert (result.status, result.computed) == ("cannot_tell", F(0))


def test_multiple_indirect_ownership() -> None:
    g = load("multiple-indirect-ownership.json")
    b, c, d, person = "63e3a8a8946f", "d177864a8b39", "05fbbfb94b79", "92ebf964a1f6"
    assert g.entity(person).jurisdiction == "UA"
    assert {(h.owner, h.equity) for h in g.holdings()} == {(c, F(1, 2)), (d, F(1, 2))}
    assert jvm.effective_ownership(g, b) == {c: F(1, 2), d: F(1, 2)}
    assert (person, b, "shareholding", "indirect", F(3, 5)) in claims(g)
    assert [r.status for r in jvm.verify_declared(g)] == ["cannot_tell"]


def test_multiple_tax_residencies() -> None:
    g = load("multiple-tax-residencies.json")
    # Nationality, not tax residency, is the jurisdiction of a person.
    assert g.entity("8f2f34b57a8f").jurisdiction == "GB"
    assert jvm.effective_ownership(g, "fd5c8dbc9a91") == {"8f2f34b57a8f": F(1)}


def test_multiple_indirect_ownership_2() -> None:
    g = load("mutilple-indirect-ownership-2.json")
    a, b, c = "1e049760d6c7", "41454e3ba398", "6c9fd5c92201"
    assert {(h.owner, h.equity) for h in g.holdings()} == {(b, F(2, 5)), (c, F(1, 5))}
    # B 40% and C 20% directly, neither with a recorded owner: 1 − 40% − 20% = 40%
    # undisclosed.
    assert jvm.effective_ownership(g, a) == {b: F(2, 5), c: F(1, 5), U: F(2, 5)}
    # B and C have no jurisdiction in the data, so as ultimate owners they count like
    # the undisclosed 40%: all foreign by default (40% + 20% + 40% = 100%), none
    # with undisclosed="domestic".
    assert jvm.foreign_share(g, a, host="GB") == 1
    assert jvm.foreign_share(g, a, host="GB", undisclosed="domestic") == 0


def test_nomination() -> None:
    g = load("nomination.json")
    assert g.entity("103AB1984D").kind == "partnership"  # a nomination arrangement
    assert g.entity("104AB1984C").kind == "company"  # a legal entity
    assert holdings(g) == set()
    assert claims(g) == {
        ("101AB1984F", "103AB1984D", "nominator", "direct", None),
        ("102AB1984E", "103AB1984D", "nominee", "direct", None),
        ("103AB1984D", "104AB1984C", "boardMember", "direct", None),
        ("101AB1984F", "104AB1984C", "otherInfluenceOrControl", "indirect", None),
    }


def test_plc_entity_statement() -> None:
    g = load("plc-entity-statement.json")
    assert list(g.entities()) == [
        jvm.Entity(id="70044236", name="AstraZeneca PLC", kind="company", jurisdiction="GB")
    ]


def test_tecido_history() -> None:
    tecido, maria, shear = "01B68D7633", "018AF6B3EB", "033E84672B"
    # Latest (2023-03-03): Maria and her relationship are closed; Shear Trust 80%.
    g = load("tecido.json")
    assert set(g) == {tecido, shear}
    assert holdings(g) == {(shear, tecido, F(4, 5), F(4, 5), dt.date(2023, 3, 1), None)}
    # 80% to Shear Trust, 1 − 80% = 20% undisclosed.
    assert jvm.effective_ownership(g, tecido) == {shear: F(4, 5), U: F(1, 5)}
    # Both are in Delaware: for the US nothing recorded is foreign, the undisclosed
    # 20% counts as foreign by default.
    assert jvm.foreign_share(g, tecido, host="US") == F(1, 5)
    # As of 2022-09-25: Shear 70%, Maria 30% (updated statements of that day).
    g = load("tecido.json", as_of=dt.date(2022, 9, 25))
    assert jvm.effective_ownership(g, tecido) == {shear: F(7, 10), maria: F(3, 10)}
    # As of 2021-09-25: 60% / 40%.
    g = load("tecido.json", as_of=dt.date(2021, 9, 25))
    assert jvm.effective_ownership(g, tecido) == {shear: F(3, 5), maria: F(2, 5)}
    # Before Shear Trust's first statement: Maria 100% since 2002.
    g = load("tecido.json", as_of=dt.date(2021, 9, 24))
    assert holdings(g) == {(maria, tecido, F(1), F(1), dt.date(2002, 3, 9), None)}
    # Maria has no nationality: under US rules her whole stake counts like undisclosed.
    assert jvm.foreign_share(g, tecido, host="US", undisclosed="domestic") == 0
    assert jvm.foreign_share(g, tecido, host="US") == 1


def test_a_declared_indirect_share_that_agrees_or_disagrees(tmp_path: Path) -> None:
    # indirect-ownership.json with Person 1's unknown interest in B given a size.
    require_bods_data()
    document = json.loads((EXAMPLES / "indirect-ownership.json").read_text(encoding="utf-8"))
    [component] = [s for s in document if s["recordId"] == "05e81af035e4"]
    a, person = "ad3f6c2fcc9e", "c25d4d612c2c"
    expected = {
        # B holds 60% of A: 60% × 50% = 30%, as declared.
        50: ("agree", F(3, 10)),
        # 60% × 40% = 24% ≠ 30%.
        40: ("disagree", F(6, 25)),
    }
    for percent, (status, computed) in expected.items():
        component["recordDetails"]["interests"] = [
            {"type": "shareholding", "directOrIndirect": "direct", "share": {"exact": percent}}
        ]
        g = jvm.read_bods(write(tmp_path, document))
        [result] = jvm.verify_declared(g)
        assert (result.status, result.declared, result.computed) == (status, F(3, 10), computed)
        assert result.interest.party == person
        assert result.interest.subject == a
    assert "declared 30%, computed 24%" in result.reason
