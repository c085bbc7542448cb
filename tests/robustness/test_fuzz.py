"""Fuzzing in the suite: loaders and share parsing on arbitrary bytes, text and objects.

The only exceptions that may escape are :class:`jvmodel.JVModelError` subclasses.
Whatever a loader *accepts* must survive a save and load unchanged.  Example
counts follow the hypothesis profile; ``scripts/fuzz.sh`` runs the same tests
with many more (``JVMODEL_FUZZ_EXAMPLES``) and a coverage-guided campaign.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from collections.abc import Callable
from fractions import Fraction
from typing import Any, TypeVar

import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import jvmodel as jvm
from jvmodel.io.native import graph_to_dict, loads
from tests.robustness.loaders import LOADERS, SEEDS

T = TypeVar("T")

_EXAMPLES = os.environ.get("JVMODEL_FUZZ_EXAMPLES")
fuzz = (
    settings(
        max_examples=int(_EXAMPLES),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        deadline=None,
    )
    if _EXAMPLES
    else settings(suppress_health_check=[HealthCheck.too_slow])
)


def refused_cleanly(call: Callable[[], T]) -> T | None:
    """Run ``call``; None if it raised a JVModelError.  Anything else fails the test."""
    try:
        return call()
    except jvm.JVModelError as error:
        refusal = error
    event(f"refused: {type(refusal).__name__}")
    assert "\n" not in str(refusal)  # messages stay on one line
    return None


# -- loaders on bytes -------------------------------------------------------------

# Fragments that matter to the formats, so that mutations reach past the parser.
TOKENS = [
    b"[[entity]]\n",
    b"[[holding]]\n",
    b"[[control]]\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"=",
    b",",
    b":",
    b"\n",
    b"%",
    b"/",
    b"-",
    b".",
    b"0",
    b"1",
    b"50",
    b"1e999999",
    b"nan",
    b"inf",
    b"true",
    b"null",
    b"Infinity",
    b"\\u0000",
    b"\\ud800",
    b"\xff",
    b"\xc3\xa9",
    b"e\xcc\x81",
    b'id = "jv"',
    b'owner = "bt"',
    b'owned = "jv"',
    b'equity = "50%"',
    b"valid_from = 2020-01-01",
    b'"entity"',
    b'"holding"',
    b'"equity": "50%"',
    b"9" * 70,
    b" " * 3,
]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed file with a few bytes replaced, inserted or deleted."""
    raw = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw)))
        cut = draw(st.integers(0, 8))
        patch = draw(st.sampled_from(TOKENS) | st.binary(max_size=4))
        raw[at : at + cut] = patch
    return bytes(raw)


@pytest.mark.parametrize("name", sorted(LOADERS))
@fuzz
@given(raw=st.binary(max_size=512))
def test_loader_on_arbitrary_bytes(name: str, raw: bytes) -> None:
    refused_cleanly(lambda: LOADERS[name](raw))


@pytest.mark.parametrize("name", sorted(SEEDS))
@fuzz
@given(data=st.data())
def test_loader_on_mutated_files(name: str, data: st.DataObject) -> None:
    raw = data.draw(mutated(SEEDS[name]))
    if refused_cleanly(lambda: LOADERS[name](raw)) is not None:
        event("accepted")


# -- the native format on structured documents ---------------------------------------

IDS = ["bt", "jv", "partner", "fund"]
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
SHARE_TEXT = st.one_of(
    st.sampled_from(["50%", "0.5", "1/2", "1/3", "100%", "0", "1", "12.5%", "50", "-1%", "1/0"]),
    st.text(alphabet="0123456789./%-e ", max_size=70),
)
_VALID_SHARE = st.one_of(
    st.sampled_from(["50%", "0.5", "1/2", "1/3", "10%", "0", "1", "12.5%", "25%", "100%"]),
    st.fractions(0, 1, max_denominator=1000).map(str),
    st.sampled_from([0.1, 0.25, 0, 1]),
)
SHARES = st.one_of(
    _VALID_SHARE,
    _VALID_SHARE,
    st.fixed_dictionaries(
        {"min": _VALID_SHARE, "max": _VALID_SHARE},
        optional={"closed": st.sampled_from(["both", "left", "right", "neither"])},
    ),
)
DATES = st.dates(dt.date(2019, 1, 1), dt.date(2022, 12, 31))
_ODD = st.one_of(JUNK, SHARE_TEXT, st.floats(), st.integers(-2, 101), st.just("2020-02-30"))


def _field(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly valid values (19 in 20), sometimes anything: reach deep, and break things there."""
    return st.integers(0, 19).flatmap(lambda k: _ODD if k == 0 else valid)


ENTITY = st.fixed_dictionaries(
    {"id": _field(st.sampled_from(IDS))},
    optional={
        "name": _field(st.text(st.characters(categories=("L", "N", "Zs")), max_size=8)),
        "kind": _field(st.sampled_from(jvm.model.KINDS)),
        "jurisdiction": _field(st.sampled_from(["GB", "US", "CN", "CN-BJ", "HK", "gb"])),
        "sectors": _field(st.lists(st.sampled_from(["vpn", "idc"]), max_size=2)),
        "zones": _field(st.lists(st.sampled_from(["haidian", "pudong"]), max_size=2)),
    },
)
HOLDING = st.fixed_dictionaries(
    {
        "owner": _field(st.sampled_from(IDS)),
        "owned": _field(st.sampled_from(IDS)),
        "equity": _field(SHARES),
    },
    optional={
        "voting": _field(SHARES),
        "valid_from": _field(DATES),
        "valid_to": _field(DATES),
        "source": _field(st.text(st.characters(categories=("L", "N", "P")), max_size=8)),
    },
)
CONTROL = st.fixed_dictionaries(
    {"controller": _field(st.sampled_from(IDS)), "controlled": _field(st.sampled_from(IDS))},
    optional={"basis": _field(st.sampled_from(jvm.model.BASES)), "valid_to": _field(DATES)},
)
DOCUMENTS = st.fixed_dictionaries(
    # Mostly distinct ids, so that most documents reach the holdings.
    {"entity": st.lists(ENTITY, min_size=2, max_size=5, unique_by=lambda e: repr(e["id"]))},
    optional={
        "version": _field(st.just(1)),
        "holding": st.lists(HOLDING, max_size=8),
        "control": st.lists(CONTROL, max_size=3),
    },
)


def _json(document: Any) -> bytes:
    def default(value: object) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(document, default=default).encode()


def _tomlable(value: Any) -> Any:
    """TOML has no null: drop None values (and mixed lists are still fine)."""
    if isinstance(value, dict):
        return {k: _tomlable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_tomlable(v) for v in value if v is not None]
    return value


def _saved_and_loaded(g: jvm.OwnershipGraph) -> tuple[jvm.OwnershipGraph, jvm.OwnershipGraph]:
    """What save() writes, in both formats, read back (in memory)."""
    as_toml = tomli_w.dumps(graph_to_dict(g)).encode()
    as_json = json.dumps(graph_to_dict(g, dates_as_text=True), ensure_ascii=False).encode()
    return loads(as_toml, "toml"), loads(as_json, "json")


@pytest.mark.parametrize("kind", ["toml", "json"])
@fuzz
@given(document=DOCUMENTS)
def test_native_documents_are_refused_cleanly_or_round_trip(kind: str, document: Any) -> None:
    raw = tomli_w.dumps(_tomlable(document)).encode() if kind == "toml" else _json(document)
    g = refused_cleanly(lambda: loads(raw, kind))
    if g is None:
        return
    event("accepted")
    # Nothing accepted is lost: what is saved loads back equal, in both formats.
    from_toml, from_json = _saved_and_loaded(g)
    assert from_toml == g
    assert from_json == g


# -- share parsing --------------------------------------------------------------------


def _check_share(value: object) -> None:
    share = refused_cleanly(lambda: jvm.parse_share(value))
    if share is None:
        return
    event("accepted")
    assert isinstance(share, Fraction)
    assert 0 <= share <= 1
    # Every accepted share has a text form that reads back exactly.
    text = jvm.format_share(share)
    assert len(text) <= 64
    assert jvm.parse_share(text) == share


@fuzz
@given(text=st.text(max_size=80))
def test_share_parsing_on_arbitrary_text(text: str) -> None:
    _check_share(text)


@fuzz
@given(text=st.text(alphabet="0123456789./%-+eE \t_", max_size=80))
def test_share_parsing_on_share_like_text(text: str) -> None:
    _check_share(text)


@fuzz
@given(raw=st.binary(max_size=80))
def test_share_parsing_on_decoded_bytes(raw: bytes) -> None:
    # surrogateescape turns invalid UTF-8 into lone surrogates: odd text on purpose.
    _check_share(raw.decode("utf-8", "surrogateescape"))


ANY_VALUE = st.one_of(
    st.floats(),
    st.integers(),
    st.decimals(),
    st.fractions(),
    st.fractions(max_denominator=2**300),
    st.none(),
    st.booleans(),
    st.binary(max_size=8),
    st.complex_numbers(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.builds(lambda k: 10**k, st.integers(0, 20_000)),
    st.builds(lambda e: decimal.Decimal(f"1e{e}"), st.integers(-(10**6), 10**6)),
)


@fuzz
@given(value=ANY_VALUE)
def test_share_parsing_on_arbitrary_objects(value: object) -> None:
    _check_share(value)
