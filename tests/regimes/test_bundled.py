"""Every bundled regime loads, names its sources, and is listed and documented."""

from __future__ import annotations

import io

import pytest

import jvmodel as jvm
from jvmodel.cli import main
from tests.conftest import ROOT

BUNDLED = [
    "ca-telecom",
    "cn-beijing-2020",
    "cn-national",
    "in-fdi",
    "jp-ntt",
    "kr-telecom",
    "us-fcc",
]
CONTRACT_SECTORS = {
    "cn-national": {
        "vats",
        "e-commerce",
        "call-centre",
        "store-and-forward",
        "multi-party-communications",
        "basic-telecom",
        "vpn",
    },
    "us-fcc": {"common-carrier", "broadcast"},
    "in-fdi": {"telecom", "insurance", "defence", "private-banking", "news-broadcasting"},
    "ca-telecom": {"telecom-carrier"},
    "kr-telecom": {"telecom-carrier"},
    "jp-ntt": {"ntt"},
}


def test_all_bundled_regimes_are_known() -> None:
    assert set(BUNDLED) <= set(jvm.regimes.names())


@pytest.mark.parametrize("name", BUNDLED)
def test_every_cap_names_its_source(name: str) -> None:
    regime = jvm.regimes.get(name)
    assert regime.caps
    for cap in regime.caps:
        assert cap.source.strip(), f"{name}: {cap.sector} has no source"
        assert not cap.url or cap.url.startswith("https://")


@pytest.mark.parametrize(("name", "sectors"), sorted(CONTRACT_SECTORS.items()))
def test_contract_sector_ids(name: str, sectors: set[str]) -> None:
    assert sectors <= set(jvm.regimes.get(name).sectors())


def test_regimes_command_lists_them_all_with_sources() -> None:
    out = io.StringIO()
    assert main(["regimes"], out=out) == 0
    text = out.getvalue()
    for name in BUNDLED:
        assert f"{name}: " in text
    assert "benchmark, on each controlling parent" in text
    assert "falls back on vats" in text
    assert "source: Act on Nippon Telegraph and Telephone Corporation" in text


@pytest.mark.parametrize("name", BUNDLED)
def test_every_regime_has_a_documentation_page(name: str) -> None:
    page = ROOT / "docs" / "regimes" / f"{name}.md"
    assert page.is_file(), f"missing {page.relative_to(ROOT)}"
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# {name}")
    for cap in jvm.regimes.get(name).caps:
        assert cap.sector in text
