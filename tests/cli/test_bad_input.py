"""The command line on bad input: exit status 2 and one line on stderr naming the
file, the record and the field; never a traceback, unless ``--debug`` asks for it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import jvmodel as jvm
from jvmodel.cli import main
from tests.robustness.bad_files import BAD_FILES, BadFile

CHECK = ["--target", "jv", "--regime", "cn-beijing-2020"]


def _one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    assert lines[0].startswith("jvmodel: error: ")
    return lines[0]


@pytest.mark.parametrize("case", BAD_FILES, ids=[c.name for c in BAD_FILES])
@pytest.mark.parametrize("command", ["check", "explain"])
def test_bad_file_gives_one_line_and_status_2(
    command: str, case: BadFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"{case.name}{case.suffix}"
    path.write_bytes(case.content)
    assert main([command, str(path), *CHECK]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = _one_line(err)
    assert str(path) in line
    assert case.fragment in line
    if case.record is not None:
        assert case.record in line
    if case.field is not None:
        assert f"field {case.field!r}" in line


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (["check", "{missing}", *CHECK], "No such file or directory"),
        (["check", "{folder}", *CHECK], "Is a directory"),
        (["check", "{good}", "--target", "ghost", "--regime", "cn-beijing-2020"], "'ghost'"),
        (["check", "{good}", "--target", "jv", "--regime", "nowhere-1999"], "no regime"),
        (
            ["check", "{good}", "--target", "jv", "--regime", "cn-beijing-2020", "--sector", "x"],
            "no sector 'x'",
        ),
        (["check", "{good}", *CHECK, "--as-of", "2021-02-30"], "is not a date"),
        (["check"], "the following arguments are required"),
    ],
    ids=[
        "missing-file",
        "folder",
        "unknown-target",
        "unknown-regime",
        "unknown-sector",
        "bad-date",
        "usage",
    ],
)
def test_other_bad_input_gives_one_line_and_status_2(
    arguments: list[str], fragment: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.toml"
    jvm.save(jvm.load(jvm.examples.path("beijing-vpn-jv")), good)
    places = {"missing": tmp_path / "missing.toml", "folder": tmp_path / "x.toml", "good": good}
    places["folder"].mkdir()
    argv = [a.format(**places) for a in arguments]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert fragment in lines[0]
    if "{missing}" in arguments:
        assert str(places["missing"]) in lines[0]


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback_and_keeps_status_2(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bare.toml"
    case = next(c for c in BAD_FILES if c.name == "bare-50")
    path.write_bytes(case.content)
    argv = ["check", str(path), *CHECK]
    argv = ["--debug", *argv] if where == "before" else [*argv, "--debug"]
    assert main(argv) == 2
    _, err = capsys.readouterr()
    assert err.startswith("Traceback (most recent call last):")
    assert "jvmodel.errors.SchemaError" in err
    last = err.splitlines()[-1]
    assert last.startswith("jvmodel: error: ")
    assert "field 'equity'" in last


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jvmodel.cli", *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_real_process_prints_no_traceback(tmp_path: Path) -> None:
    # Also through the interpreter's own error handling, not only main().
    path = tmp_path / "deep.json"
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    quiet = _run("check", str(path), *CHECK)
    assert quiet.returncode == 2
    assert quiet.stdout == ""
    assert _one_line(quiet.stderr).endswith("nested too deeply to be a JSON graph")
    loud = _run("--debug", "check", str(path), *CHECK)
    assert loud.returncode == 2
    assert "Traceback (most recent call last):" in loud.stderr
