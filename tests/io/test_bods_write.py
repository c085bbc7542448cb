"""write_bods writes valid BODS 0.4 that reads back to the same graph."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import jvmodel as jvm
from jvmodel.io.bods import bods_statements
from tests.io.bods_data import validator

DAY = dt.date(2024, 5, 1)


def rich_graph() -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("jv", name="JV Co", jurisdiction="CN-BJ", sectors=["vpn", "idc"], zones=["z1"])
    for id, kind, where in [
        ("parent", "company", "GB"),
        ("fund", "fund", "US"),
        ("lp", "partnership", "KY"),
        ("float", "float", "CN"),
        ("sasac", "state", "CN"),
        ("trust", "trust", "JE"),
        ("hk-person", "person", "CN-HK"),
        ("nobody", "person", None),
    ]:
        g.add_entity(id, name=f"The {id}", kind=kind, jurisdiction=where)
    # A person that is itself held (the model allows it): written as an entity record.
    g.add_entity("nominee", kind="person", jurisdiction="FR")
    g.add_holding("parent", "jv", jvm.Range("25%", "50%", closed="right"), source="filing 7")
    g.add_holding("fund", "jv", Fraction(1, 3), voting="10%")
    g.add_holding("lp", "jv", "0", voting=jvm.Range("0", "5%", closed="left"))
    g.add_holding("float", "parent", "40%", valid_to=dt.date(2022, 6, 30))
    g.add_holding("float", "parent", "45%", valid_from=dt.date(2022, 7, 1))
    g.add_holding("sasac", "fund", "1/7", valid_to=dt.date.max)
    g.add_holding("hk-person", "trust", "12.3456789012345678%")
    g.add_holding("trust", "trust", "5%")  # treasury
    g.add_holding("nobody", "nominee", "100%")
    g.add_control("sasac", "jv", basis="board", valid_from=dt.date(2020, 1, 1))
    g.add_control("trust", "jv", basis="contract")
    g.add_control("lp", "jv", basis="voting_agreement", source="SHA 2019")
    g.add_declared("sasac", "jv", share=jvm.Range("10%", "20%"), components=["fund"])
    g.add_declared("hk-person", "jv", interest="seniorManagingOfficial", directness="direct")
    return g


def test_the_output_is_valid_bods_and_reads_back_equal(tmp_path: Path) -> None:
    g = rich_graph()
    for name in ("out.json", "out.jsonl"):
        jvm.write_bods(g, tmp_path / name, statement_date=DAY)
        if name.endswith(".json"):
            document = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        else:
            lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
            document = [json.loads(line) for line in lines]
        assert list(validator().iter_errors(document)) == []
        assert len(document) == 10 + 9 + 3 + 2  # entities, holdings, controls, declared
        back = jvm.read_bods(tmp_path / name)
        assert back == g
        assert [e.id for e in back.entities()] == [e.id for e in g.entities()]


def test_shares_are_percentages_with_exact_values_kept(tmp_path: Path) -> None:
    statements = {
        s["recordDetails"].get("interestedParty"): s
        for s in bods_statements(rich_graph(), statement_date=DAY)
        if s["recordType"] == "relationship"
        and s["recordDetails"]["interests"][0]["type"] in ("shareholding", "votingRights")
    }
    parent = statements["parent"]["recordDetails"]["interests"]
    # (25%, 50%]: open below, closed above.
    assert parent[0]["share"] == {"exclusiveMinimum": 25, "maximum": 50}
    fund = statements["fund"]
    shares = [i["share"] for i in fund["recordDetails"]["interests"]]
    # 1/3 has no decimal form: the nearest number, and the exact ratio beside it.
    assert shares == [{"exact": 100 / 3}, {"exact": 10}]
    [note] = fund["annotations"]
    assert note["jvmodel"]["shares"] == {"/recordDetails/interests/0/share/exact": "1/3"}
    # Equity 0 with votes: only the voting interest is written.
    lp = statements["lp"]["recordDetails"]["interests"]
    assert [(i["type"], i["share"]) for i in lp] == [
        ("votingRights", {"minimum": 0, "exclusiveMaximum": 5})
    ]
    # A decimal of 18 significant digits cannot pass through a double exactly.
    person = statements["hk-person"]
    assert person["annotations"][0]["jvmodel"]["shares"] == {
        "/recordDetails/interests/0/share/exact": "12.3456789012345678%"
    }


def test_dates_and_kinds(tmp_path: Path) -> None:
    statements = list(bods_statements(rich_graph(), statement_date=DAY))
    by_record = {s["recordId"]: s for s in statements}
    types = {
        r: by_record[r]["recordDetails"].get("entityType")
        for r in ("parent", "fund", "lp", "float", "sasac", "trust")
    }
    assert types == {
        "parent": {"type": "registeredEntity"},
        "fund": {"type": "legalEntity", "details": "fund"},
        "lp": {"type": "registeredEntity", "details": "partnership"},
        "float": {"type": "unknownEntity", "details": "listed float"},
        "sasac": {"type": "stateBody"},
        "trust": {"type": "arrangement", "subtype": "trust"},
    }
    hk = by_record["hk-person"]
    assert hk["recordType"] == "person"
    assert hk["recordDetails"]["nationalities"] == [{"name": "CN", "code": "CN"}]
    assert hk["annotations"][0]["jvmodel"] == {"jurisdiction": "CN-HK"}
    assert by_record["nominee"]["recordType"] == "entity"
    floats = [
        s["recordDetails"]["interests"][0]
        for s in statements
        if s["recordDetails"].get("interestedParty") == "float"
    ]
    # valid_to 2022-06-30 is the last day: BODS endDate is the day after.
    assert {i.get("endDate") for i in floats} == {"2022-07-01", None}
    assert all(s["statementDate"] == "2024-05-01" for s in statements)


def test_statement_ids_are_unique_and_reproducible() -> None:
    first = [s["statementId"] for s in bods_statements(rich_graph(), statement_date=DAY)]
    again = [s["statementId"] for s in bods_statements(rich_graph(), statement_date=DAY)]
    later = [
        s["statementId"] for s in bods_statements(rich_graph(), statement_date=DAY.replace(day=2))
    ]
    assert first == again
    assert len(set(first)) == len(first)
    assert not set(first) & set(later)
    assert all(32 <= len(i) <= 64 for i in first)


def test_the_bundled_example_round_trips(tmp_path: Path) -> None:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    jvm.write_bods(g, tmp_path / "vpn.json", statement_date=DAY)
    back = jvm.read_bods(tmp_path / "vpn.json")
    assert back == g
    # The same analysis from the BODS copy: 1/2 + 1/2 × 30% × 10% = 103/200.
    assert jvm.foreign_share(back, "jv", regime="cn-beijing-2020") == Fraction(103, 200)
