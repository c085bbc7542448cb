"""Regime files: the extended format, validated on load with clear errors."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

import jvmodel as jvm

HEAD = "name = 'x'\nhost = 'CN'\n"
CAP = "[[cap]]\nsector = 'a'\nlimit = '50%'\nsource = 's'\n"


def load(tmp_path: Path, text: str) -> jvm.Regime:
    path = tmp_path / "regime.toml"
    path.write_text(text, encoding="utf-8")
    return jvm.regimes.load_regime(path)


@pytest.mark.parametrize(
    ("text", "record", "field", "fragment"),
    [
        (HEAD + CAP + "applies_to = 'grandparent'\n", "cap #1 (a)", "applies_to", "not one of"),
        (
            HEAD + CAP + "domestic_control = 'yes'\n",
            "cap #1 (a)",
            "domestic_control",
            "true or false",
        ),
        (HEAD + CAP + "method = 'magic'\n", "cap #1 (a)", "method", "not one of"),
        (HEAD + CAP + "method = 3\n", "cap #1 (a)", "method", "method name or a table"),
        (
            HEAD + "[method]\nvoting = { name = 'threshold', colour = 'red' }\n" + CAP,
            "regime",
            "method.voting",
            "no option 'colour'",
        ),
        (
            HEAD + "[method]\nequity = { name = 'threshold', threshold = '150%' }\n" + CAP,
            "regime",
            "method.equity",
            "above 100%",
        ),
        (HEAD + "incorporation = 1\n" + CAP, "regime", "incorporation", "true or false"),
        (HEAD + "[sector.b]\nparent = 'nowhere'\n" + CAP, "sector 'b'", "parent", "no sector"),
        (
            HEAD + "[sector.b]\nparent = 'c'\n[sector.c]\nparent = 'b'\n" + CAP,
            "sector 'b'",
            "parent",
            "loop",
        ),
        (HEAD + "[sector.b]\nsize = 1\n" + CAP, "sector 'b'", "size", "unknown field"),
        (HEAD + CAP + "inclusive = 'no'\n", "cap #1 (a)", "inclusive", "true or false"),
    ],
)
def test_malformed_files_name_the_record_and_field(
    tmp_path: Path, text: str, record: str, field: str, fragment: str
) -> None:
    with pytest.raises(jvm.SchemaError, match=fragment) as caught:
        load(tmp_path, text)
    error = caught.value
    assert (error.record, error.field) == (record, field)
    assert str(tmp_path / "regime.toml") in str(error)


def test_method_tables_become_method_objects(tmp_path: Path) -> None:
    regime = load(
        tmp_path,
        HEAD
        + "incorporation = true\n[method]\nequity = 'presence'\n"
        + "voting = { name = 'threshold', threshold = '1/3', inclusive = false }\n"
        + CAP
        + "method = 'direct'\napplies_to = 'controlling-parent'\n",
    )
    assert regime.method_for("equity") == "presence"
    assert regime.method_for("voting") == jvm.methods.Threshold(threshold="1/3", inclusive=False)
    assert regime.incorporation is True
    cap = regime.caps[0]
    assert (cap.method, cap.applies_to, cap.domestic_control) == (
        "direct",
        "controlling-parent",
        False,
    )


def test_sector_falls_back_on_its_parent_until_its_own_cap_starts() -> None:
    # cn-national: e-commerce is a value-added telecom sub-sector.  In 2010 it
    # has no cap of its own, so the VATS cap (50%) applies; from 2018-07-28 its
    # own (uncapped) rule does.
    national = jvm.regimes.get("cn-national")
    before = national.caps_for("e-commerce", as_of=dt.date(2010, 1, 1))
    after = national.caps_for("e-commerce", as_of=dt.date(2018, 7, 28))
    assert [(c.sector, c.limit) for c in before] == [("vats", Fraction(1, 2))]
    assert [(c.sector, c.limit) for c in after] == [("e-commerce", None)]


def test_several_caps_in_force_at_once() -> None:
    # us-fcc common carriers: 310(b)(3) on direct equity and direct votes, and
    # the 310(b)(4) benchmark on the controlling parent's equity and votes.
    caps = jvm.regimes.get("us-fcc").caps_for("common-carrier")
    assert [(c.measure, c.applies_to, c.kind) for c in caps] == [
        ("equity", "entity", "cap"),
        ("voting", "entity", "cap"),
        ("equity", "controlling-parent", "benchmark"),
        ("voting", "controlling-parent", "benchmark"),
    ]


def test_no_cap_before_the_first_date() -> None:
    with pytest.raises(jvm.UnknownSectorError, match="no cap on 'vats' in force on 2001-12-10"):
        jvm.regimes.get("cn-national").caps_for("vats", as_of=dt.date(2001, 12, 10))
