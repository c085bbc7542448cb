"""Every format gives back exactly the graph it was given (read(write(g)) == g)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import jvmodel as jvm
import jvmodel.strategies as jst
from jvmodel.model import DIRECTNESS, INTERESTS, Stake

# -- graphs ------------------------------------------------------------------------------------

# jst draws the structure: stakes and ranges, treasury shares, cross-holdings (closed
# loops too), earlier periods of a holding, control links, any jurisdiction or none.
STRUCTURES = jst.ownership_graphs(
    max_entities=7,
    allow_cycles=True,
    allow_closed_loops=True,
    allow_ranges=True,
    allow_control_links=True,
    allow_treasury=True,
    allow_dates=True,
    allow_unknown_jurisdictions=True,
    host=None,
)
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12)
_LABELS = _TEXT.filter(lambda s: s.strip() != "")
_IDS = st.text(alphabet="abcdefghij-_.é中 0123", min_size=1, max_size=6).filter(
    lambda s: s.strip() == s and s.strip() != ""
)
_SOURCES = st.none() | _TEXT
_OPEN_ENDS = st.sampled_from([None, dt.date.max])  # date.max: BODS cannot say the day after
_SHARES = jst.shares()
_RANGES = jst.ranges()
_DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@st.composite
def _periods(draw: Any) -> tuple[dt.date | None, dt.date | None]:
    start = draw(st.none() | _DAYS)
    end = draw(st.none() | _DAYS | st.just(dt.date.max))
    if start is not None and end is not None and end < start:
        start, end = end, start
    return start, end


def _lower(stake: Stake) -> Fraction:
    return stake.min if isinstance(stake, jvm.Range) else stake


def _unused(holdings: list[jvm.Holding], owned: str) -> Fraction:
    """What no record in ``owned`` takes, on either measure, whatever its dates."""
    used = [
        sum((_lower(h.stake(m)) for h in holdings if h.owned == owned), Fraction(0))
        for m in ("equity", "voting")
    ]
    return 1 - max(used)


@functools.cache
def _extras(size: int) -> tuple[st.SearchStrategy[jvm.Holding], st.SearchStrategy[jvm.ControlLink]]:
    """Further holdings and dated control links between the ``size`` entities of jst."""
    ids = st.sampled_from([f"e{i}" for i in range(size)])
    holdings = jst.holdings(owners=ids, owned=ids, allow_ranges=True, allow_dates=True)
    links = jst.control_links(controllers=ids, controlled=ids, allow_dates=True)
    return holdings, links


def _scaled(stake: Stake, factor: Fraction) -> Stake:
    if isinstance(stake, jvm.Range):
        return jvm.Range(stake.min * factor, stake.max * factor, closed=stake.closed)
    return stake * factor


@st.composite
def graphs(draw: Any, *, declared: bool = True, blank_names: bool = True) -> jvm.OwnershipGraph:
    """A structure drawn by jst, with what the formats carry beyond it.

    jst's ids, labels and dates are plain; here ids are free text (spaces inside,
    accents, CJK), entities get sector and zone labels and records their sources,
    some periods run to date.max, and further holdings drawn by jst.holdings
    (zero stakes, ranged votes), scaled into what is left of the entity, and
    dated control links join the structure.  ``blank_names=False`` leaves out the
    empty name, which the tables cannot write.
    """
    # jst draws none of these on its own graphs: they are added to a drawn one.
    base = draw(STRUCTURES)
    holdings = list(base.holdings())
    links = list(base.controls())
    more_holdings, more_links = _extras(len(base))
    for extra in draw(st.lists(more_holdings, max_size=4)):
        pair = (extra.owner, extra.owned)
        if any((h.owner, h.owned) == pair for h in holdings):
            continue
        room = _unused(holdings, extra.owned)
        if room > 0:
            holdings.append(
                attrs.evolve(
                    extra, equity=_scaled(extra.equity, room), voting=_scaled(extra.voting, room)
                )
            )
    if len(base) >= 2:
        for link in draw(st.lists(more_links, max_size=3)):
            if all(
                (c.controller, c.controlled, c.basis)
                != (link.controller, link.controlled, link.basis)
                for c in links
            ):
                links.append(link)

    ids = draw(st.lists(_IDS, min_size=len(base), max_size=len(base), unique=True))
    new = dict(zip(base, ids, strict=True))
    labels = st.lists(st.sampled_from(draw(st.lists(_LABELS, min_size=1, max_size=4))), unique=True)
    g = jvm.OwnershipGraph()
    for e in base.entities():
        name = e.name if blank_names or e.name else new[e.id]
        if e.name == e.id:
            name = new[e.id]  # the default name follows the id
        g.add_entity(
            attrs.evolve(e, id=new[e.id], name=name, sectors=draw(labels), zones=draw(labels))
        )
    for h in holdings:
        g.add_holding(
            attrs.evolve(
                h,
                owner=new[h.owner],
                owned=new[h.owned],
                valid_to=draw(_OPEN_ENDS) if h.valid_to is None else h.valid_to,
                source=draw(_SOURCES),
            )
        )
    for c in links:
        g.add_control(
            attrs.evolve(
                c,
                controller=new[c.controller],
                controlled=new[c.controlled],
                valid_to=draw(_OPEN_ENDS) if c.valid_to is None else c.valid_to,
                source=draw(_SOURCES),
            )
        )
    if declared:
        # BODS-specific: declared interests, which jst does not draw.
        pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids))
        for party, subject in draw(st.lists(pairs, max_size=3, unique=True)):
            if party != subject:
                start, end = draw(_periods())
                g.add_declared(
                    party,
                    subject,
                    interest=draw(st.sampled_from(INTERESTS)),
                    directness=draw(st.sampled_from(DIRECTNESS)),
                    share=draw(st.none() | _SHARES | _RANGES),
                    valid_from=start,
                    valid_to=end,
                    components=draw(st.lists(st.sampled_from(ids), max_size=2)),
                    source=draw(_SOURCES),
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


@given(g=graphs(declared=False, blank_names=False))
def test_csv_round_trip(g: jvm.OwnershipGraph) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"{name}.csv" for name in ("e", "h", "c")]
        jvm.to_csv(g, *paths)
        assert jvm.read_csv(*paths) == g


@given(g=graphs(blank_names=False))
def test_parquet_round_trip(g: jvm.OwnershipGraph) -> None:
    pytest.importorskip("pyarrow")
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"{name}.parquet" for name in ("e", "h", "c")]
        jvm.to_parquet(g, *paths)
        assert jvm.read_parquet(*paths) == _without_claims(g)


@given(g=graphs(blank_names=False))
def test_pandas_round_trip(g: jvm.OwnershipGraph) -> None:
    pytest.importorskip("pandas")
    assert jvm.from_pandas(*jvm.to_pandas(g)) == _without_claims(g)
