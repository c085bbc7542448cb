"""jvmodel check FILE --all: the report, and exit 1 on any breach."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import jvmodel as jvm
from jvmodel.cli import main


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(argv), out=out)
    return status, out.getvalue()


@pytest.fixture
def example() -> str:
    return str(jvm.examples.path("beijing-vpn-jv"))


def test_a_breach_exits_1_and_is_printed(example: str) -> None:
    # Today the JV is 51.5% foreign against "at most 50%".
    status, text = run("check", example, "--all", "--regime", "cn-beijing-2020")
    assert status == 1
    assert "BREACH" in text
    assert "jv" in text
    assert "1 row: 1 breach" in text


def test_all_compliant_exits_0(example: str) -> None:
    # On 2022-06-30 the JV sat at exactly 50%: compliant, decided exactly.
    status, text = run(
        "check", example, "--all", "--regime", "cn-beijing-2020", "--as-of", "2022-06-30"
    )
    assert status == 0
    assert "COMPLIANT " in text  # no "~": an exact verdict


def test_json_output_carries_exact_values(example: str) -> None:
    status, text = run(
        "check", example, "--all", "--regime", "cn-beijing-2020", "--as-of", "2022-06-30",
        "--format", "json",
    )  # fmt: skip
    data = json.loads(text)
    assert status == 0
    assert data["rows"][0]["foreign_share"]["exact"] == "1/2"


def test_an_unresolved_row_exits_3(tmp_path: Path) -> None:
    g = jvm.OwnershipGraph()
    for e in ("a", "b"):
        g.add_entity(e, jurisdiction="CN")
    g.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"])
    g.add_holding("a", "b", "100%")
    g.add_holding("b", "a", "100%")
    g.add_holding("a", "jv", "40%")
    path = tmp_path / "loop.toml"
    jvm.save(g, path)
    status, text = run("check", str(path), "--all", "--regime", "cn-beijing-2020")
    assert status == 3
    assert "UNRESOLVED" in text


@pytest.mark.parametrize(
    "argv",
    [
        ("--all", "--target", "jv", "--regime", "cn-beijing-2020"),
        ("--regime", "cn-beijing-2020"),
        ("--all", "--regime", "cn-beijing-2020", "--sector", "vpn"),
        ("--all", "--regime", "no-such-regime"),
    ],
)
def test_bad_usage_exits_2(
    example: str, argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run("check", example, *argv)
    assert status == 2
    assert capsys.readouterr().err.count("\n") == 1  # one line, no traceback


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    status, _ = run("check", str(tmp_path / "none.toml"), "--all", "--regime", "cn-beijing-2020")
    assert status == 2
