"""The native TOML/JSON format: round trips and errors naming file, record and field."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest

import jvmodel as jvm


def sample() -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("bt", name="BT Group plc", kind="company", jurisdiction="GB")
    g.add_entity("fund", kind="fund", jurisdiction="CN")
    g.add_entity("jv", name="JV — 北京", jurisdiction="CN-BJ", sectors=["vpn"], zones=["z1"])
    g.add_holding("bt", "jv", Fraction(1, 3), voting="40%", source="filing 2021/7")
    g.add_holding(
        "fund",
        "jv",
        jvm.Range("25%", "50%", closed="right"),
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2024, 12, 31),
    )
    g.add_holding("jv", "jv", "1/7")
    g.add_control("fund", "bt", basis="voting_agreement", valid_from=dt.date(2022, 2, 2))
    return g


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_round_trip_is_exact(tmp_path: Path, suffix: str) -> None:
    g = sample()
    path = tmp_path / f"structure{suffix}"
    jvm.save(g, path)
    loaded = jvm.load(path)
    assert loaded == g
    # The thirds survive as exact ratios, not as rounded decimals.
    assert {h.equity for h in loaded.holdings_of("jv")} >= {Fraction(1, 3), Fraction(1, 7)}


def test_saved_toml_reads_like_the_design(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    jvm.save(sample(), path)
    text = path.read_text(encoding="utf-8")
    assert 'equity = "1/3"' in text
    assert 'voting = "40%"' in text
    assert 'min = "25%"' in text
    assert "valid_from = 2020-01-01" in text


def test_json_dates_are_iso_strings(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    jvm.save(sample(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["holding"][1]["valid_to"] == "2024-12-31"


def test_save_replaces_atomically_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("old", encoding="utf-8")
    jvm.save(sample(), path)
    assert jvm.load(path) == sample()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[entity]]\nname = 'x'\n", "entity #1, field 'id': missing"),
        ("[[entity]]\nid = 'a'\ncolour = 'red'\n", "entity #1, field 'colour': unknown field"),
        ("[[entity]]\nid = 'a'\njurisdiction = 'UK'\n", "entity #1, field 'jurisdiction'"),
        (
            "[[entity]]\nid = 'a'\n[[entity]]\nid = 'b'\n"
            "[[holding]]\nowner = 'a'\nowned = 'b'\nequity = '120%'\n",
            "holding #1, field 'equity': equity '120%' is above 100%",
        ),
        (
            "[[entity]]\nid = 'a'\n[[holding]]\nowner = 'a'\nowned = 'a'\nequity = '1%'\n"
            "valid_from = 'soon'\n",
            "holding #1, field 'valid_from': 'soon' is not a date",
        ),
        ("entity = 3\n", "top level, field 'entity': expected an array"),
        ("surprise = 1\n", "unknown key"),
        ("version = 2\nentity = []\n", "unsupported version"),
        ("[[entity]]\nid = \n", "not valid TOML"),
    ],
)
def test_schema_errors_name_file_record_and_field(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(jvm.SchemaError) as caught:
        jvm.load(path)
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)


def test_graph_refusals_keep_their_type_and_gain_the_location(tmp_path: Path) -> None:
    # 60% + 45% = 105% in 'b'.
    path = tmp_path / "over.toml"
    path.write_text(
        "[[entity]]\nid = 'a'\n[[entity]]\nid = 'c'\n[[entity]]\nid = 'b'\n"
        "[[holding]]\nowner = 'a'\nowned = 'b'\nequity = '60%'\n"
        "[[holding]]\nowner = 'c'\nowned = 'b'\nequity = '45%'\n",
        encoding="utf-8",
    )
    located = r"over\.toml: holding #2, field 'equity': holdings in 'b'"
    with pytest.raises(jvm.OverallocatedError, match=located):
        jvm.load(path)
    path.write_text("[[entity]]\nid = 'a'\n[[entity]]\nid = 'a'\n", encoding="utf-8")
    with pytest.raises(jvm.DuplicateEntityError, match=r"entity #2"):
        jvm.load(path)
    path.write_text(
        "[[entity]]\nid = 'a'\n[[holding]]\nowner = 'a'\nowned = 'zz'\nequity = '1%'\n",
        encoding="utf-8",
    )
    with pytest.raises(jvm.UnknownEntityError, match="holding #1, field 'owned': no entity 'zz'"):
        jvm.load(path)


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        jvm.load(tmp_path / "absent.toml")
    with pytest.raises(jvm.SchemaError, match=r"unknown file type '\.yaml'"):
        jvm.load(tmp_path / "x.yaml")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"entity": [{"id": "\xe9"}]}')
    with pytest.raises(jvm.SchemaError, match="not UTF-8"):
        jvm.load(path)
