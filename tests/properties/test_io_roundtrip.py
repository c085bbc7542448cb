"""Every format gives back exactly the graph it was given (read(write(g)) == g)."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jvmodel as jvm
from jvmodel.model import BASES, DIRECTNESS, INTERESTS, KINDS

# -- a small local strategy ---------------------------------------------------------------------
# replaced by jvmodel.strategies once it lands

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12)
_IDS = st.text(alphabet="abcdefghij-_.é中 0123", min_size=1, max_size=6).filter(
    lambda s: s.strip() == s and s.strip() != ""
)
_JURISDICTIONS = st.sampled_from([None, "CN", "CN-BJ", "CN-HK", "GB", "US", "US-DE", "HK"])
_DENOMINATORS = st.sampled_from([1, 2, 3, 4, 7, 8, 10, 100, 1000, 3 * 2**10])
_DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def _shares(draw: Any, budget: Fraction) -> Fraction:
    denominator = draw(_DENOMINATORS)
    top = int(budget * denominator)
    return Fraction(draw(st.integers(0, top)), denominator)


@st.composite
def _stakes(draw: Any, budget: Fraction) -> Fraction | jvm.Range:
    low = draw(_shares(budget))
    if not draw(st.booleans()):
        return low
    high = low + draw(_shares(1 - low))
    closed = draw(st.sampled_from(["both", "left", "right", "neither"]))
    if high == low:
        closed = "both"
    return jvm.Range(low, high, closed=closed)


def _lower(stake: Fraction | jvm.Range) -> Fraction:
    return stake.min if isinstance(stake, jvm.Range) else stake


@st.composite
def _periods(draw: Any) -> tuple[dt.date | None, dt.date | None]:
    start = draw(st.none() | _DAYS)
    end = draw(st.none() | _DAYS | st.just(dt.date.max))
    if start is not None and end is not None and end < start:
        start, end = end, start
    return start, end


@st.composite
def graphs(draw: Any, *, declared: bool = True) -> jvm.OwnershipGraph:
    """Valid graphs: incoming stakes (lower bounds) add up to at most 100%."""
    g = jvm.OwnershipGraph()
    ids = draw(st.lists(_IDS, min_size=1, max_size=7, unique=True))
    for entity_id in ids:
        labels = st.lists(_TEXT.filter(lambda s: s.strip() != ""), max_size=3)
        g.add_entity(
            entity_id,
            name=draw(st.none() | _TEXT),
            kind=draw(st.sampled_from(KINDS)),
            jurisdiction=draw(_JURISDICTIONS),
            sectors=draw(labels),
            zones=draw(labels),
        )
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids))
    equity_left = dict.fromkeys(ids, Fraction(1))
    voting_left = dict.fromkeys(ids, Fraction(1))
    for owner, owned in draw(st.lists(pairs, max_size=10, unique=True)):
        equity = draw(_stakes(equity_left[owned]))
        voting = draw(st.none() | _stakes(voting_left[owned]))
        if voting is None and _lower(equity) > voting_left[owned]:
            voting = Fraction(0)
        if owner == owned:
            # Treasury: an exact stake below 100%, carrying no votes of its own.
            equity, voting = _lower(equity), None
            if equity >= 1 or equity > voting_left[owned]:
                continue
        equity_left[owned] -= _lower(equity)
        voting_left[owned] -= _lower(equity if voting is None else voting)
        start, end = draw(_periods())
        g.add_holding(
            owner,
            owned,
            equity,
            voting=voting,
            valid_from=start,
            valid_to=end,
            source=draw(st.none() | _TEXT),
        )
    for controller, controlled in draw(st.lists(pairs, max_size=3, unique=True)):
        if controller != controlled:
            start, end = draw(_periods())
            g.add_control(
                controller,
                controlled,
                basis=draw(st.sampled_from(BASES)),
                valid_from=start,
                valid_to=end,
                source=draw(st.none() | _TEXT),
            )
    if declared:
        for party, subject in draw(st.lists(pairs, max_size=3, unique=True)):
            if party != subject:
                start, end = draw(_periods())
                g.add_declared(
                    party,
                    subject,
                    interest=draw(st.sampled_from(INTERESTS)),
                    directness=draw(st.sampled_from(DIRECTNESS)),
                    share=draw(st.none() | _stakes(Fraction(1))),
                    valid_from=start,
                    valid_to=end,
                    components=draw(st.lists(st.sampled_from(ids), max_size=2)),
                    source=draw(st.none() | _TEXT),
                )
    return g


def _without_claims(g: jvm.OwnershipGraph) -> jvm.OwnershipGraph:
    plain = jvm.OwnershipGraph()
    for e in g.entities():
        plain.add_entity(e)
    for h in g.holdings():
        plain.add_holding(h)
    for c in g.controls():
        plain.add_control(c)
    return plain


# -- the laws -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".toml", ".json"])
@given(g=graphs())
def test_native_round_trip(suffix: str, g: jvm.OwnershipGraph) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"g{suffix}"
        jvm.save(g, path)
        assert jvm.load(path) == g


_VALIDATOR: list[Any] = []


def _bods_validator() -> Any:
    if not _VALIDATOR:
        from tests.io.bods_data import validator

        _VALIDATOR.append(validator())
    return _VALIDATOR[0]


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@given(g=graphs())
def test_bods_round_trip(suffix: str, g: jvm.OwnershipGraph) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"g{suffix}"
        jvm.write_bods(g, path, statement_date=dt.date(2024, 1, 1))
        back = jvm.read_bods(path)
        assert back == g
        assert [e.id for e in back.entities()] == [e.id for e in g.entities()]
        if suffix == ".json":
            document = json.loads(path.read_text(encoding="utf-8"))
            assert list(_bods_validator().iter_errors(document)) == []


@given(g=graphs())
def test_graphml_round_trip(g: jvm.OwnershipGraph) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.graphml"
        jvm.to_graphml(g, path)
        assert jvm.read_graphml(path) == g


@given(g=graphs(declared=False))
def test_csv_round_trip(g: jvm.OwnershipGraph) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"{name}.csv" for name in ("e", "h", "c")]
        jvm.to_csv(g, *paths)
        assert jvm.read_csv(*paths) == g


@given(g=graphs())
def test_parquet_round_trip(g: jvm.OwnershipGraph) -> None:
    pytest.importorskip("pyarrow")
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"{name}.parquet" for name in ("e", "h", "c")]
        jvm.to_parquet(g, *paths)
        assert jvm.read_parquet(*paths) == _without_claims(g)


@given(g=graphs())
def test_pandas_round_trip(g: jvm.OwnershipGraph) -> None:
    pytest.importorskip("pandas")
    assert jvm.from_pandas(*jvm.to_pandas(g)) == _without_claims(g)
