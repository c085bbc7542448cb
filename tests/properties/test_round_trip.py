"""Saving and loading lose nothing: load(save(g)) == g in every native format."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given

import jvmodel as jvm
import jvmodel.strategies as jst

GRAPHS = jst.ownership_graphs(
    max_entities=8,
    allow_cycles=True,
    allow_ranges=True,
    allow_dates=True,
    allow_treasury=True,
    allow_control_links=True,
    allow_unknown_jurisdictions=True,
    sectors=["vpn", "basic-telecom"],
    host=None,
)


@pytest.mark.parametrize("suffix", [".toml", ".json"])
@given(g=GRAPHS)
def test_load_save_round_trip(g: jvm.OwnershipGraph, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"structure{suffix}"
        jvm.save(g, path)
        loaded = jvm.load(path)
        assert loaded == g
        # Every field of every record, not only equality of the graphs.
        assert sorted(map(repr, loaded.entities())) == sorted(map(repr, g.entities()))
        assert sorted(map(repr, loaded.holdings())) == sorted(map(repr, g.holdings()))
        assert sorted(map(repr, loaded.controls())) == sorted(map(repr, g.controls()))
        # Saving what was loaded writes the same text: the format is stable.
        text = path.read_text(encoding="utf-8")
        jvm.save(loaded, path)
        assert path.read_text(encoding="utf-8") == text
