"""Coverage-guided fuzzing with atheris (libFuzzer) of the loaders and share parsing.

    python scripts/fuzz_atheris.py --list
    python scripts/fuzz_atheris.py TARGET [libFuzzer options, e.g. -runs=100000]

The targets are the loaders of ``tests/robustness/loaders.py`` (a new format added
there is fuzzed here too) and two share-parsing targets.  An input "crashes" when
anything but a :class:`jvmodel.JVModelError` escapes, when an accepted structure
does not survive a save and load unchanged, when an accepted share does not read
back from its text form, or when one input takes longer than ``-timeout`` seconds.
jvmodel and the pure-Python TOML parser are instrumented for coverage.
"""

from __future__ import annotations

import decimal
import json
import sys
import tempfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports(include=["jvmodel", "tomllib"]):
    import tomli_w

    import jvmodel
    from jvmodel.io.native import graph_to_dict, loads

from tests.robustness.loaders import LOADERS, SEEDS  # noqa: E402 - after instrumenting


def _round_trips(g: jvmodel.OwnershipGraph) -> None:
    as_toml = tomli_w.dumps(graph_to_dict(g)).encode()
    as_json = json.dumps(graph_to_dict(g, dates_as_text=True), ensure_ascii=False).encode()
    assert loads(as_toml, "toml") == g, "TOML round trip lost something"
    assert loads(as_json, "json") == g, "JSON round trip lost something"


def _share_reads_back(value: object) -> None:
    share = jvmodel.parse_share(value)
    assert 0 <= share <= 1
    text = jvmodel.format_share(share)
    assert len(text) <= 64, (value, text)
    assert jvmodel.parse_share(text) == share, (value, text)


def share_text(raw: bytes) -> None:
    _share_reads_back(raw.decode("utf-8", "surrogateescape"))


def share_value(raw: bytes) -> None:
    data = atheris.FuzzedDataProvider(raw)
    kind = data.ConsumeIntInRange(0, 3)
    value: object
    if kind == 0:
        value = data.ConsumeFloat()
    elif kind == 1:
        value = data.ConsumeInt(data.ConsumeIntInRange(1, 64))
    elif kind == 2:
        try:
            value = decimal.Decimal(data.ConsumeUnicodeNoSurrogates(40))
        except decimal.InvalidOperation:
            return
    else:
        value = Fraction(data.ConsumeInt(40), data.ConsumeInt(40) or 1)
    _share_reads_back(value)


TARGETS: dict[str, Callable[[bytes], object]] = {
    **LOADERS,
    "share-text": share_text,
    "share-value": share_value,
}
TARGET_SEEDS: dict[str, list[bytes]] = {
    **SEEDS,
    "share-text": [b"50%", b"0.5", b"1/3", b"12.5 %", b"0.000001"],
}


def main() -> None:
    if sys.argv[1:] == ["--list"]:
        print("\n".join(TARGETS))
        return
    name, *options = sys.argv[1:]
    target = TARGETS[name]

    def one_input(raw: bytes) -> None:
        try:
            result = target(raw)
        except jvmodel.JVModelError:
            return
        if isinstance(result, jvmodel.OwnershipGraph):
            _round_trips(result)

    corpus = Path(tempfile.mkdtemp(prefix=f"jvmodel-fuzz-{name}-"))
    for index, seed in enumerate(TARGET_SEEDS.get(name, [])):
        (corpus / f"seed-{index}").write_bytes(seed)
    atheris.Setup([sys.argv[0], *options, str(corpus)], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
