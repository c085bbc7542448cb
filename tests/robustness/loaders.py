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


LOADERS: dict[str, Loader] = {
    "native-toml": lambda raw: loads(raw, "toml"),
    "native-json": lambda raw: loads(raw, "json"),
    "regime-toml": via_file(".toml", jvm.regimes.load_regime),
}


def _example_json() -> bytes:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    return json.dumps(graph_to_dict(g, dates_as_text=True), indent=1).encode()


def _regime_files() -> list[bytes]:
    folder = resources.files("jvmodel.regimes") / "data"
    return [entry.read_bytes() for entry in folder.iterdir() if entry.name.endswith(".toml")]


SEEDS: dict[str, list[bytes]] = {
    "native-toml": [Path(jvm.examples.path("beijing-vpn-jv")).read_bytes()],
    "native-json": [_example_json()],
    "regime-toml": _regime_files(),
}
