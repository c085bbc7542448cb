"""read_bods on hand-made statements: the mapping, the errors, lenient mode, streaming."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import jvmodel as jvm
from tests.io.bods_data import entity, person, relationship, shares, write

F = Fraction
U = jvm.UNDISCLOSED


def read(tmp_path: Path, statements: list[dict[str, Any]], **options: Any) -> jvm.OwnershipGraph:
    return jvm.read_bods(write(tmp_path, statements), **options)


def pair(*interests: dict[str, Any], party: str = "p") -> list[dict[str, Any]]:
    return [
        entity("co", code="CN"),
        person("p", code="SG"),
        entity("h", code="HK"),
        relationship("r", "co", party, *interests),
    ]


@pytest.mark.parametrize(
    ("share", "stake"),
    [
        ({"exact": 12.5}, F(1, 8)),
        # A decimal is read exactly, not through a float.
        ({"exact": 33.3}, F(333, 1000)),
        ({"exact": 0}, F(0)),
        ({"exact": 100}, F(1)),
        ({"minimum": 25, "maximum": 50}, jvm.Range("25%", "50%", closed="both")),
        ({"exclusiveMinimum": 25, "maximum": 50}, jvm.Range("25%", "50%", closed="right")),
        ({"minimum": 25, "exclusiveMaximum": 50}, jvm.Range("25%", "50%", closed="left")),
        ({"exclusiveMinimum": 25, "exclusiveMaximum": 50}, jvm.Range("25%", "50%", "neither")),
        # A missing bound is 0% or 100%, never an exact 100%.
        ({"minimum": 75}, jvm.Range("75%", "100%")),
        ({"exclusiveMinimum": 75}, jvm.Range("75%", "100%", closed="right")),
        ({"maximum": 25}, jvm.Range("0", "25%")),
        ({"exclusiveMaximum": 25}, jvm.Range("0", "25%", closed="left")),
        ({}, jvm.Range("0", "100%")),
        # Equal inclusive bounds are kept as the (one-point) range they are.
        ({"minimum": 50, "maximum": 50}, jvm.Range("50%", "50%")),
        # An exact share inside bounds also given.
        ({"exact": 30, "minimum": 25, "maximum": 50}, F(3, 10)),
    ],
)
def test_shares_become_exact_stakes_or_ranges(tmp_path: Path, share: Any, stake: Any) -> None:
    g = read(tmp_path, pair(shares(share=share)))
    [holding] = g.holdings()
    assert holding.equity == stake
    assert holding.voting == stake  # voting defaults to equity


def test_a_shareholding_of_unknown_size_is_the_full_range(tmp_path: Path) -> None:
    g = read(tmp_path, pair(shares()))
    assert [h.equity for h in g.holdings()] == [jvm.Range("0", "100%")]


def test_voting_rights_alone_give_votes_and_no_equity(tmp_path: Path) -> None:
    g = read(tmp_path, pair(shares(30, type_="votingRights")))
    [holding] = g.holdings()
    assert (holding.equity, holding.voting) == (F(0), F(3, 10))
    # No equity: for the look-through of equity the company is all undisclosed.
    assert jvm.effective_ownership(g, "co") == {U: F(1)}
    assert jvm.effective_ownership(g, "co", measure="voting") == {"p": F(3, 10), U: F(7, 10)}


def test_shares_and_votes_with_different_periods_are_cut_into_holdings(tmp_path: Path) -> None:
    statements = pair(
        shares(40, startDate="2016-01-01"),
        shares(60, type_="votingRights", startDate="2018-01-01", endDate="2020-01-01"),
    )
    g = read(tmp_path, statements)
    found = sorted(
        ((h.valid_from, h.valid_to, h.equity, h.voting) for h in g.holdings()),
        key=lambda row: row[0],
    )
    day = dt.date
    # BODS endDate is the first day without the interest: valid_to is the day before.
    assert found == [
        (day(2016, 1, 1), day(2017, 12, 31), F(2, 5), F(2, 5)),
        (day(2018, 1, 1), day(2019, 12, 31), F(2, 5), F(3, 5)),
        (day(2020, 1, 1), None, F(2, 5), F(2, 5)),
    ]


def test_end_date_is_exclusive(tmp_path: Path) -> None:
    g = read(tmp_path, pair(shares(50, startDate="2019-09-11", endDate="2021-04-03")))
    [holding] = g.holdings()
    assert (holding.valid_from, holding.valid_to) == (dt.date(2019, 9, 11), dt.date(2021, 4, 2))


@pytest.mark.parametrize(
    ("interest", "basis"),
    [
        ("appointmentOfBoard", "board"),
        ("rightsGrantedByContract", "contract"),
        ("controlViaCompanyRulesOrArticles", "voting_agreement"),
    ],
)
def test_control_interests_become_control_links(tmp_path: Path, interest: str, basis: str) -> None:
    statements = pair(shares(type_=interest, startDate="2020-01-01"))
    g = read(tmp_path, statements)
    assert list(g.controls()) == [
        jvm.ControlLink(
            controller="p",
            controlled="co",
            basis=basis,  # type: ignore[arg-type]
            valid_from=dt.date(2020, 1, 1),
            source=statements[-1]["statementId"],  # where the link comes from
        )
    ]
    assert list(g.holdings()) == []


def test_a_minority_board_right_is_a_claim_not_control(tmp_path: Path) -> None:
    # The right to appoint at most 40% of the board cannot be a majority.
    g = read(tmp_path, pair(shares(type_="appointmentOfBoard", share={"maximum": 40})))
    assert list(g.controls()) == []
    [claim] = g.declared()
    assert (claim.interest, claim.share) == ("appointmentOfBoard", jvm.Range("0", "40%"))


def test_other_interests_and_indirect_ones_are_claims(tmp_path: Path) -> None:
    statements = pair(
        shares(type_="seniorManagingOfficial"),
        shares(30, directOrIndirect="indirect"),
        {"directOrIndirect": "unknown"},  # no type: an interest of unknown kind
    )
    statements[-1]["recordDetails"]["componentRecords"] = ["h"]
    g = read(tmp_path, statements)
    assert list(g.holdings()) == []
    assert {(d.interest, d.directness, d.share, d.components) for d in g.declared()} == {
        ("seniorManagingOfficial", "direct", None, ("h",)),
        ("shareholding", "indirect", F(3, 10), ("h",)),
        ("unknownInterest", "unknown", None, ("h",)),
    }
    # Claims carry the statement they come from.
    assert {d.source for d in g.declared()} == {statements[-1]["statementId"]}


def test_unknown_direct_or_indirect_is_an_edge(tmp_path: Path) -> None:
    # Intermediaries are not known to exist: the stake is recorded as held directly.
    g = read(tmp_path, pair(shares(25, directOrIndirect="unknown")))
    assert [h.equity for h in g.holdings()] == [F(1, 4)]


@pytest.mark.parametrize("person_type", ["anonymousPerson", "unknownPerson"])
def test_anonymous_and_unknown_persons_leave_their_stake_undisclosed(
    tmp_path: Path, person_type: str
) -> None:
    statements = [
        entity("co", code="CN"),
        person("anon", person_type=person_type),
        person("known", code="US"),
        relationship("r1", "co", "anon", shares(60)),
        relationship("r2", "co", "known", shares(40)),
    ]
    g = read(tmp_path, statements)
    assert "anon" not in g
    # 40% to the known holder; the anonymous 60% is undisclosed.
    assert jvm.effective_ownership(g, "co") == {U: F(3, 5), "known": F(2, 5)}
    # Undisclosed counts as foreign by default: 60% + the US holder's 40%.
    assert jvm.foreign_share(g, "co", host="CN") == 1
    assert jvm.foreign_share(g, "co", host="CN", undisclosed="domestic") == F(2, 5)


def test_an_unspecified_interested_party_is_undisclosed(tmp_path: Path) -> None:
    unspecified = {"reason": "interestedPartyHasNotProvidedInformation"}
    statements = [entity("co"), relationship("r", "co", unspecified, shares(70))]
    g = read(tmp_path, statements)
    assert list(g.holdings()) == []
    assert list(g.declared()) == []
    assert jvm.effective_ownership(g, "co") == {U: F(1)}


def test_entity_kinds(tmp_path: Path) -> None:
    statements = [
        entity("state", type_="state"),
        entity("ministry", details={"entityType": {"type": "stateBody", "subtype": "stateAgency"}}),
        entity("trust", details={"entityType": {"type": "arrangement", "subtype": "trust"}}),
        entity("trust2", details={"entityType": {"type": "legalEntity", "subtype": "trust"}}),
        entity("jointly", type_="arrangement"),
        entity("fund", details={"entityType": {"type": "legalEntity", "details": "Fund"}}),
        entity("anon", type_="anonymousEntity"),
        entity("plc", details={"publicListing": {"hasPublicListing": True}}),
    ]
    g = read(tmp_path, statements)
    assert [e.kind for e in g.entities()] == [
        "state",
        "state",
        "trust",
        "trust",
        "partnership",
        "fund",
        "company",
        "company",
    ]


def test_circular_ownership_loads(tmp_path: Path) -> None:
    statements = [
        entity("a", code="GB"),
        entity("b", code="GB"),
        relationship("r1", "a", "b", shares(100)),
        relationship("r2", "b", "a", shares(100)),
    ]
    g = read(tmp_path, statements)
    assert len(list(g.holdings())) == 2
    # A and B own each other entirely, with no outside owner: analysis refuses.
    with pytest.raises(jvm.CircularOwnershipError):
        jvm.effective_ownership(g, "a")


def test_a_cross_holding_with_an_outside_owner_is_solved(tmp_path: Path) -> None:
    statements = [
        entity("a", code="GB"),
        entity("b", code="GB"),
        person("p", code="FR"),
        relationship("r1", "a", "b", shares(50)),
        relationship("r2", "b", "a", shares(50)),
        relationship("r3", "a", "p", shares(50)),
    ]
    g = read(tmp_path, statements)
    # x_a = 1/2·p + 1/2·x_b and x_b = 1/2·x_a + 1/2·undisclosed: p's share of A
    # is (1/2) / (1 − 1/4) = 2/3, undisclosed (1/4) / (3/4) = 1/3.
    assert jvm.effective_ownership(g, "a") == {"p": F(2, 3), U: F(1, 3)}


def test_statement_history_resolves_to_the_latest_as_of(tmp_path: Path) -> None:
    statements = [
        entity("co", date="2020-01-01"),
        person("p", code="US", date="2020-01-01"),
        relationship("r", "co", "p", shares(30), date="2020-01-01"),
        relationship("r", "co", "p", shares(45), date="2021-06-30", recordStatus="updated"),
        relationship("r", "co", "p", shares(45), date="2022-03-01", recordStatus="closed"),
    ]
    path = write(tmp_path, statements)

    def stakes(as_of: dt.date | None) -> list[Fraction | jvm.Range]:
        return [h.equity for h in jvm.read_bods(path, as_of=as_of).holdings()]

    assert stakes(dt.date(2019, 12, 31)) == []  # nothing published yet
    assert stakes(dt.date(2021, 6, 29)) == [F(3, 10)]
    assert stakes(dt.date(2021, 6, 30)) == [F(9, 20)]
    assert stakes(None) == []  # closed


def test_same_day_statements_follow_time_then_file_order(tmp_path: Path) -> None:
    statements = [
        entity("co"),
        person("p"),
        relationship("r", "co", "p", shares(10), date="2021-09-11T16:00:00Z"),
        relationship("r", "co", "p", shares(20), date="2021-09-11T14:00:00+00:00"),
        relationship("r", "co", "p", shares(30), date="2021-09-11T16:00:00Z"),
    ]
    g = read(tmp_path, statements)
    assert [h.equity for h in g.holdings()] == [F(3, 10)]


def test_json_lines_and_gzip(tmp_path: Path) -> None:
    statements = pair(shares(50))
    lines = "\n".join(json.dumps(s) for s in statements) + "\n"
    (tmp_path / "s.jsonl").write_text(lines, encoding="utf-8")
    with gzip.open(tmp_path / "s.jsonl.gz", "wt", encoding="utf-8") as stream:
        stream.write(lines)
    expected = read(tmp_path, statements)
    assert jvm.read_bods(tmp_path / "s.jsonl") == expected
    assert jvm.read_bods(tmp_path / "s.jsonl.gz") == expected
    assert jvm.read_bods(io.BytesIO(lines.encode())) == expected
    assert jvm.read_bods(io.StringIO(json.dumps(statements))) == expected


class _CountingStream(io.StringIO):
    """A text stream that records the largest single read."""

    largest = 0

    def read(self, size: int | None = -1) -> str:
        chunk = super().read(size)
        self.largest = max(self.largest, len(chunk))
        return chunk


def test_large_files_are_streamed() -> None:
    # 24,000 statements, several MB: read in chunks of at most 1 MiB, never whole.
    statements = []
    for n in range(6_000):
        statements.append(entity(f"co{n}", code="CN"))
        statements.append(person(f"p{n}", code="US"))
        statements.append(relationship(f"r{n}", f"co{n}", f"p{n}", shares(10)))
        statements.append(relationship(f"r{n}", f"co{n}", f"p{n}", shares(5), date="2025-01-01"))
    text = json.dumps(statements)
    stream = _CountingStream(text)
    g = jvm.read_bods(stream)
    assert len(text) > 5 * 2**20
    assert stream.largest <= 2**20
    assert len(g) == 12_000
    # Each holder's latest statement (5%) wins over the earlier 10%.
    assert {h.equity for h in g.holdings()} == {F(1, 20)}


# -- errors -------------------------------------------------------------------------------


def raises_schema(tmp_path: Path, statements: Any, *fragments: str) -> jvm.SchemaError:
    path = write(tmp_path, statements)
    with pytest.raises(jvm.SchemaError) as caught:
        jvm.read_bods(path)
    for fragment in (str(path), *fragments):
        assert fragment in str(caught.value)
    return caught.value


@pytest.mark.parametrize(
    ("share", "field", "words"),
    [
        ({"minimum": 25, "exclusiveMinimum": 25}, "share.exclusiveMinimum", "both"),
        ({"exact": 60, "maximum": 50}, "share.exact", "outside"),
        ({"minimum": 60, "maximum": 50}, "share", "empty"),
        ({"exclusiveMinimum": 50, "maximum": 50}, "share", "empty"),
        ({"exact": 120}, "share.exact", "between 0 and 100"),
        ({"exact": -1}, "share.exact", "between 0 and 100"),
        ({"exact": "25"}, "share.exact", "not a number"),
        ({"exact": True}, "share.exact", "not a number"),
    ],
)
def test_malformed_shares_name_the_statement_and_field(
    tmp_path: Path, share: Any, field: str, words: str
) -> None:
    statements = pair(shares(share=share))
    error = raises_schema(tmp_path, statements, statements[-1]["statementId"], words)
    assert error.record == statements[-1]["statementId"]
    assert error.field == f"recordDetails.interests[0].{field}"


def test_nan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    text = json.dumps(pair(shares(50))).replace('"exact": 50', '"exact": NaN')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(jvm.SchemaError, match="NaN"):
        jvm.read_bods(path)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s.update(recordType="company"), "recordType"),
        (lambda s: s.pop("statementId"), "statementId"),
        (lambda s: s.update(statementDate="yesterday"), "statementDate"),
        (lambda s: s.update(recordStatus="deleted"), "recordStatus"),
        (lambda s: s["recordDetails"]["interests"][0].update(type="ownership"), "type"),
        (lambda s: s["recordDetails"]["interests"][0].update(startDate="2020-13-01"), "startDate"),
        (
            lambda s: s["recordDetails"]["interests"][0].update(
                startDate="2021-01-01", endDate="2020-01-01"
            ),
            "endDate",
        ),
        (lambda s: s["recordDetails"].update(subject="nobody"), "recordDetails.subject"),
        (lambda s: s["recordDetails"].update(subject="p"), "recordDetails.subject"),
        (lambda s: s["recordDetails"].update(interestedParty={}), "interestedParty.reason"),
    ],
)
def test_malformed_relationships_name_the_statement_and_field(
    tmp_path: Path, change: Any, field: str
) -> None:
    statements = pair(shares(50))
    change(statements[-1])
    error = raises_schema(tmp_path, statements)
    assert error.field is not None
    assert error.field.endswith(field)


def test_malformed_entities_name_the_statement_and_field(tmp_path: Path) -> None:
    statements = [entity("co", code="UK")]
    raises_schema(tmp_path, statements, "recordDetails.jurisdiction.code", "'GB'")
    statements = [entity("co", type_="corporation")]
    raises_schema(tmp_path, statements, "recordDetails.entityType.type", "corporation")
    statements = [person("p", person_type="robot")]
    raises_schema(tmp_path, statements, "recordDetails.personType")


def test_a_record_id_that_changes_type_is_refused(tmp_path: Path) -> None:
    statements = [entity("x"), person("x")]
    raises_schema(tmp_path, statements, "was a entity record")


def test_old_bods_versions_are_named(tmp_path: Path) -> None:
    statements = [{"statementID": "x" * 32, "statementType": "entityStatement"}]
    raises_schema(tmp_path, statements, "BODS 0.2/0.3")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ('"statements"', "expected a JSON array"),
        ("[1, 2]", "statement #1"),
        (f"[{json.dumps(entity('co'))}, ", "not closed"),
        (f"[{json.dumps(entity('co'))}] x", "after the end"),
        ('[{"statementId": "a", \n "recordId": }]', "line 2"),
        (json.dumps(entity("co")) + '\n{"b": ', "statement #2 is not valid JSON"),
    ],
)
def test_malformed_json_gives_the_location(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(jvm.SchemaError, match=words):
        jvm.read_bods(path)


def test_over_allocation_is_refused_naming_the_statement(tmp_path: Path) -> None:
    statements = [
        entity("co"),
        person("a"),
        person("b"),
        relationship("r1", "co", "a", shares(60)),
        relationship("r2", "co", "b", shares(60)),
    ]
    path = write(tmp_path, statements)
    with pytest.raises(jvm.OverallocatedError) as caught:
        jvm.read_bods(path)
    message = str(caught.value)
    assert statements[-1]["statementId"] in message
    assert "120%" in message
    # Lenient: a warning, and the holding that would over-allocate is skipped.
    with pytest.warns(jvm.BodsWarning, match="120%") as record:
        g = jvm.read_bods(path, strict=False)
    assert [h.owner for h in g.holdings()] == ["a"]
    assert record[0].message.statement == statements[-1]["statementId"]  # type: ignore[union-attr]


def test_lenient_mode_warns_and_loads_the_rest(tmp_path: Path) -> None:
    statements = [
        entity("co", code="CN"),
        entity("bad", code="UK"),
        person("p", code="US"),
        relationship("r1", "co", "p", shares(40)),
        relationship("r2", "co", "bad", shares(10)),
        relationship("r3", "co", "p", shares(share={"exact": 200}), date="2024-02-01"),
    ]
    path = write(tmp_path, statements)
    with pytest.warns(jvm.BodsWarning) as record:
        g = jvm.read_bods(path, strict=False)
    problems = [(w.message.statement, w.message.field) for w in record]  # type: ignore[union-attr]
    assert problems == [
        (statements[1]["statementId"], "recordDetails.jurisdiction.code"),
        (statements[5]["statementId"], "recordDetails.interests[0].share.exact"),
        (statements[4]["statementId"], "recordDetails.interestedParty"),
    ]
    # The bad later version of r1's pair is skipped: r1's 40% stands.
    assert set(g) == {"co", "p"}
    assert [h.equity for h in g.holdings()] == [F(2, 5)]


def test_malformed_files_fail_fast(tmp_path: Path) -> None:
    # A statement that never closes is refused without reading forever.
    path = tmp_path / "open.json"
    path.write_text('[{"statementId": "' + "x" * 3_000_000, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(jvm.SchemaError):
        jvm.read_bods(path)
    assert time.perf_counter() - started < 10
