"""The loaders under fuzzing: one entry per format, a name and a callable taking bytes.

Add a format by adding an entry to :data:`LOADERS` (and, optionally, valid files
to start mutating from to :data:`SEEDS`); the fuzz tests in ``test_fuzz.py`` and
the longer campaign of ``scripts/fuzz.sh`` pick it up.  A loader that reads
paths rather than bytes is wrapped with :func:`via_file`, e.g.::

    LOADERS["bods"] = via_file(".json", jvm.read_bods)

The contract every entry must keep: whatever the bytes, it returns or raises a
:class:`jvmodel.JVModelError` subclass, and nothing else.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import jvmodel as jvm
from jvmodel.io.native import graph_to_dict, loads

Loader = Callable[[bytes], object]


def via_file(suffix: str, load: Callable[[Path], object]) -> Loader:
    """A bytes loader for a function that reads a file: write, load, clean up."""

    def from_bytes(raw: bytes) -> object:
        handle, name = tempfile.mkstemp(suffix=suffix)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(raw)
            return load(Path(name))
        finally:
            os.unlink(name)

    return from_bytes


def _csv_holdings(raw: bytes) -> object:
    """The holdings table under fuzzing, beside a fixed, valid entities table."""
    with tempfile.TemporaryDirectory() as folder:
        entities, holdings = Path(folder) / "entities.csv", Path(folder) / "holdings.csv"
        entities.write_text("id,jurisdiction\nbt,GB\npartner,CN\njv,CN-BJ\n", encoding="utf-8")
        holdings.write_bytes(raw)
        return jvm.read_csv(entities, holdings)


def _csv_entities(raw: bytes) -> object:
    """The entities table under fuzzing, with an empty holdings table."""
    with tempfile.TemporaryDirectory() as folder:
        entities, holdings = Path(folder) / "entities.csv", Path(folder) / "holdings.csv"
        entities.write_bytes(raw)
        holdings.write_text("owner,owned,equity\n", encoding="utf-8")
        return jvm.read_csv(entities, holdings)


LOADERS: dict[str, Loader] = {
    "native-toml": lambda raw: loads(raw, "toml"),
    "native-json": lambda raw: loads(raw, "json"),
    "regime-toml": via_file(".toml", jvm.regimes.load_regime),
    "bods-json": via_file(".json", jvm.read_bods),
    "bods-jsonl": via_file(".jsonl", jvm.read_bods),
    "csv-entities": _csv_entities,
    "csv-holdings": _csv_holdings,
    "graphml": via_file(".graphml", jvm.read_graphml),
}


def _example_json() -> bytes:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    return json.dumps(graph_to_dict(g, dates_as_text=True), indent=1).encode()


def _regime_files() -> list[bytes]:
    folder = resources.files("jvmodel.regimes") / "data"
    return [entry.read_bytes() for entry in folder.iterdir() if entry.name.endswith(".toml")]


def _demo_as(write: Callable[[jvm.OwnershipGraph, Path], object], suffix: str) -> bytes:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"demo{suffix}"
        write(g, path)
        return path.read_bytes()


def _demo_csv(table: str) -> bytes:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    with tempfile.TemporaryDirectory() as folder:
        entities, holdings = Path(folder) / "entities.csv", Path(folder) / "holdings.csv"
        jvm.to_csv(g, entities, holdings)
        return (entities if table == "entities" else holdings).read_bytes()


_BODS = Path(jvm.examples.path("beijing-vpn-jv", format="bods")).read_bytes()

SEEDS: dict[str, list[bytes]] = {
    "native-toml": [Path(jvm.examples.path("beijing-vpn-jv")).read_bytes()],
    "native-json": [_example_json()],
    "regime-toml": _regime_files(),
    "bods-json": [_BODS],
    "bods-jsonl": [b"\n".join(json.dumps(statement).encode() for statement in json.loads(_BODS))],
    "csv-entities": [_demo_csv("entities")],
    "csv-holdings": [
        b"owner,owned,equity\nbt,jv,50%\npartner,jv,1/2\n",
    ],
    "graphml": [_demo_as(jvm.to_graphml, ".graphml")],
}
