"""The jvmodel command: verdicts as exit statuses, one-line errors, JSON output."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import jvmodel as jvm
from jvmodel.cli import main

DEMO = str(jvm.examples.path("beijing-vpn-jv"))


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(args), out=out)
    return status, out.getvalue()


def test_check_breach_exits_1() -> None:
    # Today: 51.5% foreign against ≤ 50%.
    status, text = run("check", DEMO, "--target", "jv", "--regime", "cn-beijing-2020")
    assert status == 1
    assert "BREACH" in text
    assert "51.5%" in text
    assert "exact 103/200" in text
    assert "-1.5%" in text


def test_check_compliant_exits_0_and_json_is_exact() -> None:
    # On 2022-06-30 the JV is exactly at the cap: 1/2.
    status, text = run(
        "check", DEMO, "--target", "jv", "--regime", "cn-beijing-2020",
        "--as-of", "2022-06-30", "--format", "json",
    )  # fmt: skip
    assert status == 0
    data = json.loads(text)
    assert data["foreign_share"] == {"exact": "1/2", "percent": "50%"}
    assert data["status"] == "compliant"
    assert data["as_of"] == "2022-06-30"


def test_explain_lists_ultimate_owners() -> None:
    # BT 50%, SASAC 1/2 × 70% × 60% = 21%, the float 1/2 × 70% × 40% = 14%,
    # BSTI 1/2 × 30% × 90% = 13.5%, CalPERS 1.5%.
    status, text = run("explain", DEMO, "--target", "jv", "--regime", "cn-beijing-2020")
    assert status == 1
    for line in ("50%  bt", "21%  sasac-bj", "14%  a-share-float", "13.5%  bsti", "1.5%  calpers"):
        assert line in text


def test_regimes_and_demo() -> None:
    status, text = run("regimes")
    assert status == 0
    assert "cn-beijing-2020" in text
    assert "≤ 50% of equity" in text
    status, text = run("demo")
    assert status == 0
    assert "COMPLIANT" in text
    assert "BREACH" in text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["check", "absent.toml", "--target", "jv", "--regime", "cn-beijing-2020"], "absent.toml"),
        (
            ["check", DEMO, "--target", "nobody", "--regime", "cn-beijing-2020"],
            "no entity 'nobody'",
        ),
        (["check", DEMO, "--target", "jv", "--regime", "mars"], "no regime 'mars'"),
        (["check", DEMO, "--target", "jv", "--regime", "cn-beijing-2020", "--as-of", "x"], "date"),
        (["check", DEMO], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = run(*args)
    err = capsys.readouterr().err
    assert status == 2
    assert fragment in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_schema_error_names_file_record_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[entity]]\nid = 'a'\njurisdiction = 'UK'\n", encoding="utf-8")
    status, _ = run("check", str(bad), "--target", "a", "--regime", "cn-beijing-2020")
    err = capsys.readouterr().err
    assert status == 2
    assert "bad.toml: entity #1, field 'jurisdiction'" in err


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    status, _ = run("--debug", "check", DEMO, "--target", "jv", "--regime", "mars")
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" in err
    assert "UnknownRegimeError" in err


def test_console_script_runs() -> None:
    # The installed entry point, in a separate process.
    result = subprocess.run(
        [sys.executable, "-m", "jvmodel.cli", "regimes"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "cn-beijing-2020" in result.stdout


def test_explain_prints_the_paths() -> None:
    # BT: 1 × 1 × 1/2 = 50% through its two wholly owned layers; CalPERS 1/10 × 3/10
    # × 1/2 = 1.5% through the fund and the partner.
    status, text = run("explain", DEMO, "--target", "jv", "--regime", "cn-beijing-2020")
    assert status == 1
    assert "50%  bt → bt-global → bt-china → jv" in text
    assert "1.5%  calpers → zgc-fund → partner → jv" in text
    status, text = run(
        "explain", DEMO, "--target", "jv", "--regime", "cn-beijing-2020", "--format", "json"
    )
    paths = json.loads(text)["paths"]
    assert [(p["entities"][0], p["product"]["exact"]) for p in paths] == [
        ("bt", "1/2"),
        ("calpers", "3/200"),
    ]
