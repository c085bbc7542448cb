"""`jvmodel check` shows every cap in force when a sector has several."""

from __future__ import annotations

import io
import json
from pathlib import Path

from jvmodel.cli import main

STRUCTURE = """
[[entity]]
id = "lic"
jurisdiction = "US"
sectors = ["common-carrier"]

[[entity]]
id = "parent"
jurisdiction = "US"

[[entity]]
id = "de"
jurisdiction = "DE"

[[entity]]
id = "us"
kind = "person"
jurisdiction = "US"

[[holding]]
owner = "parent"
owned = "lic"
equity = "100%"

[[holding]]
owner = "de"
owned = "parent"
equity = "30%"

[[holding]]
owner = "us"
owned = "parent"
equity = "70%"
"""


def test_check_lists_every_cap_and_exits_1_on_a_benchmark_breach(tmp_path: Path) -> None:
    # The parent is 30% German: above the 25% benchmark of 310(b)(4) on equity and
    # votes; the licensee has no direct foreign holder (310(b)(3): 0%).
    path = tmp_path / "licensee.toml"
    path.write_text(STRUCTURE, encoding="utf-8")
    out = io.StringIO()
    assert main(["check", str(path), "--target", "lic", "--regime", "us-fcc"], out=out) == 1
    text = out.getvalue()
    assert "every cap in force on the sector:" in text
    assert "30% of parent vs ≤ 25% of equity, benchmark, on each controlling parent" in text
    assert "approval is needed" in text
    out = io.StringIO()
    args = ["check", str(path), "--target", "lic", "--regime", "us-fcc", "--format", "json"]
    assert main(args, out=out) == 1
    payload = json.loads(out.getvalue())
    assert payload["subject"] == "parent"
    assert [rule["status"] for rule in payload["rules"]] == [
        "compliant",
        "compliant",
        "breach",
        "breach",
    ]
