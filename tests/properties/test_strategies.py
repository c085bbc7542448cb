"""The strategies keep their promises: valid output, the options honoured, clear refusals."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from fractions import Fraction
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import jvmodel as jvm
import jvmodel.strategies as jst
from tests.properties._graphs import HOST, closure, rebuild, treasury

GRAPH_OPTIONS: list[dict[str, Any]] = [
    {},
    {"max_entities": 8, "undisclosed": False},
    {"max_entities": 12, "allow_cycles": True},
    {"max_entities": 12, "allow_cycles": True, "undisclosed": False, "allow_treasury": True},
    {"max_entities": 10, "allow_ranges": True},
    {"max_entities": 10, "allow_ranges": True, "undisclosed": False},
    {"max_entities": 10, "allow_dates": True, "allow_treasury": True, "allow_cycles": True},
    {"max_entities": 10, "allow_dates": True, "undisclosed": False},
    {"max_entities": 10, "allow_control_links": True},
    {"min_entities": 3, "max_entities": 10, "max_depth": 2},
    {"max_entities": 10, "max_depth": 0},
    {"max_entities": 10, "foreign_fraction": "1/2"},
    {"max_entities": 10, "foreign_fraction": 1},
    {"max_entities": 10, "host": None},
    {"max_entities": 10, "host": "US", "allow_unknown_jurisdictions": True},
    {"max_entities": 10, "sectors": ["vpn", "vats"]},
]


def _lower(stake: Fraction | jvm.Range) -> Fraction:
    return stake.min if isinstance(stake, jvm.Range) else stake


def _days(g: jvm.OwnershipGraph) -> list[dt.date | None]:
    """Every day on which the structure can change, and the day after each end."""
    days: set[dt.date | None] = {None}
    for h in g.holdings():
        if h.valid_from is not None:
            days.add(h.valid_from)
            days.add(h.valid_from - dt.timedelta(days=1))
        if h.valid_to is not None:
            days.update({h.valid_to, h.valid_to + dt.timedelta(days=1)})
    return sorted(days, key=lambda day: (day is not None, day or dt.date.min))


def _holding_graph(g: jvm.OwnershipGraph) -> nx.DiGraph[str]:
    edges = nx.DiGraph()
    edges.add_nodes_from(g)
    edges.add_edges_from((h.owner, h.owned) for h in g.holdings() if not h.is_treasury)
    return edges


@pytest.mark.parametrize("options", GRAPH_OPTIONS, ids=lambda o: ",".join(o) or "defaults")
# Sixteen option sets share the profile's budget of examples.
@settings(max_examples=max(10, settings().max_examples // 4))
@given(data=st.data())
def test_graphs_are_valid_and_honour_their_options(options: dict[str, Any], data: Any) -> None:
    g = data.draw(jst.ownership_graphs(**options))
    # Rebuilding through the public add_* methods validates every record again.
    again = rebuild(g.entities(), g.holdings(), g.controls())
    assert again == g
    assert options.get("min_entities", 1) <= len(g) <= options.get("max_entities", 30)
    assert [e.id for e in g.entities()] == [f"e{i}" for i in range(len(g))]

    for entity in g:
        for day in _days(g):
            for measure in ("equity", "voting"):
                stakes = [h.stake(measure) for h in g.holdings_of(entity, as_of=day)]
                total = sum((_lower(s) for s in stakes), Fraction(0))
                assert total <= 1
                exact = not options.get("undisclosed", True) and not options.get("allow_ranges")
                if exact and stakes and day is None:
                    assert total == 1, (entity, measure, stakes)
        for h in g.holdings_of(entity, as_of=...):
            # No empty holdings: each stake is a real one (a range may start at 0%).
            assert (h.equity.max if isinstance(h.equity, jvm.Range) else h.equity) > 0
        assert treasury(g, entity) < 1

    edges = _holding_graph(g)
    if not options.get("allow_cycles"):
        assert nx.is_directed_acyclic_graph(edges)
    depth = options.get("max_depth")
    if depth is not None:
        assert nx.dag_longest_path_length(edges) <= depth

    if not options.get("allow_ranges"):
        # No closed loop, today or on earlier days: every entity has a defined
        # look-through.  (A few days only: each costs a look-through per entity.)
        days = data.draw(st.lists(st.sampled_from(_days(g)), max_size=3, unique=True))
        for day in [None, *days]:
            for entity in g:
                shares = jvm.effective_ownership(g, entity, as_of=day)
                assert sum(shares.values()) == 1

    kinds = {e.id: e.kind for e in g.entities()}
    for h in g.holdings():
        if not h.is_treasury:
            assert kinds[h.owned] in ("company", "fund", "trust", "partnership")
    host = options.get("host", HOST)
    fraction = options.get("foreign_fraction")
    if fraction is not None:
        foreign = [e for e in g.entities() if e.country != host]
        # Round half up: 1/2 of 5 entities is 3 of them (2.5 rounds up).
        assert len(foreign) == math.floor(jvm.parse_share(fraction) * len(g) + Fraction(1, 2))
    if not options.get("allow_unknown_jurisdictions"):
        assert all(e.jurisdiction is not None for e in g.entities())
    labels = set(options.get("sectors") or ())
    assert all(set(e.sectors) <= labels for e in g.entities())
    if not options.get("allow_control_links"):
        assert not list(g.controls())
    if not options.get("allow_dates"):
        assert all(h.valid_from is None and h.valid_to is None for h in g.holdings())


def _has_closed_loop(g: jvm.OwnershipGraph) -> bool:
    try:
        for entity in g:
            jvm.effective_ownership(g, entity)
    except jvm.CircularOwnershipError:
        return True
    return False


def test_closed_loops_only_when_asked() -> None:
    from hypothesis import find

    loop = find(
        jst.ownership_graphs(
            max_entities=4, allow_cycles=True, allow_closed_loops=True, undisclosed=False
        ),
        _has_closed_loop,
        settings=settings(database=None, max_examples=2000),
    )
    # The smallest closed loop: two companies that each hold all of the other.
    assert len(loop) == 2
    assert {(h.owner, h.owned, h.equity) for h in loop.holdings()} == {
        ("e0", "e1", 1),
        ("e1", "e0", 1),
    }


@given(data=st.data())
def test_joint_ventures(data: Any) -> None:
    undisclosed = data.draw(st.booleans())
    g, jv = data.draw(
        jst.joint_ventures(sectors=["vpn"], undisclosed=undisclosed, allow_cycles=True)
    )
    assert rebuild(g.entities(), g.holdings(), g.controls()) == g
    parents = g.holdings_of(jv)
    assert 2 <= len(parents) <= 4
    assert len({h.owner for h in parents}) == len(parents)
    assert any(g.entity(h.owner).country != HOST for h in parents)
    assert g.entity(jv).country == HOST
    assert g.entity(jv).sectors == ("vpn",)
    total = sum(h.equity for h in parents)
    assert total <= 1
    if not undisclosed:
        assert total == 1
    assert jv not in closure(g, jv) - {jv}  # the joint venture holds nothing above it
    # A foreign parent held by domestic owners passes no foreign share on, so
    # only the bounds hold in general; with every parent an ultimate owner the
    # foreign one's stake is foreign.
    share = jvm.foreign_share(g, jv, host=HOST, undisclosed="domestic")
    assert 0 <= share <= 1
    if all(not g.holdings_of(h.owner) for h in parents):
        assert share >= min(h.equity for h in parents if g.entity(h.owner).country != HOST)


def test_joint_ventures_shrink_to_two_whole_percentage_parents() -> None:
    from hypothesis import find

    g, jv = find(jst.joint_ventures(), lambda example: True, settings=settings(database=None))
    assert len(g) == 3  # two parents and the joint venture
    stakes = {h.owner: h.equity for h in g.holdings_of(jv)}
    assert set(stakes) == {"e0", "e1"}
    # Shrinking is greedy, so a whole percentage is promised, not always 1%.
    assert all(stake.denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100) for stake in stakes.values())
    assert not list(g.holdings_of("e0"))
    assert not list(g.holdings_of("e1"))


def test_graphs_shrink_to_one_domestic_company() -> None:
    from hypothesis import find

    graphs = jst.ownership_graphs(max_entities=6)
    g = find(graphs, lambda g: True, settings=settings(database=None))
    assert [(e.id, e.kind, e.jurisdiction) for e in g.entities()] == [("e0", "company", "CN")]
    chain = find(graphs, lambda g: any(g.holdings()), settings=settings(database=None))
    assert [(h.owner, h.owned, h.equity) for h in chain.holdings()] == [
        ("e0", "e1", Fraction(1, 100))
    ]


@given(
    share=jst.shares(min_value="1/3", max_value="50%"),
    spelled=jst.shares(min_value="10%", max_value="1/5", exact=False),
)
def test_shares_stay_within_bounds(share: Fraction, spelled: Any) -> None:
    assert isinstance(share, Fraction)
    assert Fraction(1, 3) <= share <= Fraction(1, 2)
    assert Fraction(1, 10) <= jvm.parse_share(spelled) <= Fraction(1, 5)


@given(st.data())
def test_every_spelling_reads_back(data: Any) -> None:
    share = data.draw(jst.shares())
    spelled = data.draw(jst.shares(min_value=share, max_value=share, exact=False))
    assert jvm.parse_share(spelled) == share


@given(band=jst.ranges(min_value="25%", max_value="75%"))
def test_ranges_stay_within_bounds(band: jvm.Range) -> None:
    assert Fraction(1, 4) <= band.min <= band.max <= Fraction(3, 4)
    if band.min == band.max:
        assert band.closed == "both"


@given(
    entity=jst.entities(host="CN", foreign=True, kinds=["person"], sectors=["vpn"], zones=["z"]),
    holding=jst.holdings(allow_ranges=True, allow_dates=True, max_value="60%"),
    link=jst.control_links(allow_dates=True),
)
def test_records_fit_in_a_graph(
    entity: jvm.Entity, holding: jvm.Holding, link: jvm.ControlLink
) -> None:
    assert entity.kind == "person"
    assert entity.country not in (None, "CN")
    assert set(entity.sectors) <= {"vpn"}
    assert set(entity.zones) <= {"z"}
    assert _lower(holding.equity) <= Fraction(3, 5)
    g = jvm.OwnershipGraph()
    g.add_entity(entity)
    for entity_id in {holding.owner, holding.owned, link.controller, link.controlled}:
        if entity_id not in g:
            g.add_entity(entity_id)
    g.add_holding(holding)
    g.add_control(link)
    assert list(g.holdings()) == [holding]
    assert list(g.controls()) == [link]


@given(code=jst.jurisdictions(host="CN", foreign=False), anywhere=jst.jurisdictions())
def test_domestic_jurisdictions(code: str, anywhere: str) -> None:
    assert code == "CN" or code.startswith("CN-")
    assert code not in ("CN-HK", "CN-MO", "CN-TW")
    assert jvm.Entity(id="x", jurisdiction=anywhere).jurisdiction == anywhere


@given(regime=jst.regimes(sectors=["vpn"]), data=st.data())
def test_regimes_cap_the_sectors_asked_for(regime: jvm.Regime, data: Any) -> None:
    assert "vpn" in regime.sectors()
    # The cap in force may be one on a parent sector (cn-national caps "vats", of which
    # "vpn" is a part); cap_for finds it without raising.
    cap = regime.cap_for("vpn")
    info = regime.sector_info.get("vpn")
    assert cap.sector in ("vpn", info.parent if info is not None else None)
    assert regime.method_for("equity") in jvm.methods.method_names()
    g, jv = data.draw(jst.joint_ventures(host=regime.host, sectors=["vpn"]))
    result = jvm.check(g, jv, regime=regime)
    assert result.cap == cap.limit


@given(regime=jst.regimes(bundled=False, host="GB"))
def test_synthetic_regimes(regime: jvm.Regime) -> None:
    assert regime.host == "GB"
    assert regime.name == "synthetic-gb"
    assert regime.sectors()
    assert len(regime.caps) == len(regime.sectors())  # one undated cap per sector
    assert all(cap.source for cap in regime.caps)


def test_bundled_regimes_are_drawn() -> None:
    from hypothesis import find

    regime = find(jst.regimes(synthetic=False), lambda r: True, settings=settings(database=None))
    assert regime is jvm.regimes.get(jvm.regimes.names()[0])


@pytest.mark.parametrize(
    "kind",
    [
        jvm.Entity,
        jvm.Holding,
        jvm.ControlLink,
        jvm.Range,
        jvm.OwnershipGraph,
        jvm.Cap,
        jvm.Regime,
    ],
)
@settings(max_examples=10)
@given(data=st.data())
def test_types_are_registered(kind: type, data: Any) -> None:
    # Registered through the `hypothesis` entry point, without importing strategies.
    assert isinstance(data.draw(st.from_type(kind)), kind)


@pytest.mark.parametrize(
    ("make", "options", "message"),
    [
        (jst.shares, {"min_value": "60%", "max_value": "50%"}, "max_value"),
        (jst.shares, {"min_value": "150%"}, "min_value='150%' is not a share"),
        (jst.shares, {"exact": "yes"}, "exact='yes' must be True or False"),
        (jst.ranges, {"max_value": -1}, "max_value=-1 is not a share"),
        (jst.ranges, {"min_value": 1, "max_value": 0}, "Cannot have max_value=0 < min_value=1"),
        (jst.jurisdictions, {"foreign": True}, "needs host="),
        (jst.jurisdictions, {"host": "CN-BJ"}, "alpha-2"),
        (jst.jurisdictions, {"host": "UK"}, "host='UK'"),
        (jst.jurisdictions, {"host": "CN", "foreign": 1}, "foreign=1 must be True or False"),
        (jst.entities, {"kinds": ["company", "bank"]}, "'bank'"),
        (jst.entities, {"kinds": []}, "non-empty"),
        (jst.entities, {"sectors": "vpn"}, "list of strings"),
        (jst.entities, {"ids": ""}, "blank"),
        (jst.entities, {"ids": 3}, "ids=3"),
        (jst.entities, {"allow_unknown_jurisdiction": None}, "True or False"),
        (jst.holdings, {"max_value": "2"}, "max_value='2'"),
        (jst.holdings, {"allow_dates": 0}, "allow_dates=0"),
        (jst.holdings, {"allow_ranges": "no"}, "allow_ranges='no'"),
        (jst.control_links, {"controllers": "a", "controlled": "a"}, "the same"),
        (jst.control_links, {"allow_dates": None}, "allow_dates=None"),
        (jst.ownership_graphs, {"min_entities": -1}, "min_entities=-1 must be at least 0"),
        (jst.ownership_graphs, {"max_entities": 2.5}, "max_entities=2.5 must be an integer"),
        (jst.ownership_graphs, {"min_entities": 5, "max_entities": 3}, "max_entities=3 <"),
        (jst.ownership_graphs, {"max_depth": -2}, "max_depth=-2"),
        (jst.ownership_graphs, {"max_depth": True}, "max_depth=True"),
        (jst.ownership_graphs, {"allow_closed_loops": True}, "needs allow_cycles=True"),
        (jst.ownership_graphs, {"allow_cycles": 1}, "allow_cycles=1"),
        (jst.ownership_graphs, {"undisclosed": None}, "undisclosed=None"),
        (jst.ownership_graphs, {"host": "XX"}, "host='XX'"),
        (jst.ownership_graphs, {"host": 7}, "host=7"),
        (jst.ownership_graphs, {"foreign_fraction": "3/2"}, "foreign_fraction='3/2'"),
        (jst.ownership_graphs, {"host": None, "foreign_fraction": 0}, "needs host="),
        (jst.ownership_graphs, {"sectors": [""]}, "non-blank"),
        (jst.ownership_graphs, {"sectors": 3}, "sectors=3"),
        (jst.joint_ventures, {"min_parents": 1}, "min_parents=1 must be at least 2"),
        (jst.joint_ventures, {"max_parents": 5, "max_entities": 4}, "max_entities=4 <"),
        (jst.joint_ventures, {"min_parents": 3, "max_parents": 2}, "max_parents=2 <"),
        (jst.joint_ventures, {"host": None}, "host=None"),
        (jst.caps, {"allow_uncapped": "yes"}, "allow_uncapped='yes'"),
        (jst.regimes, {"bundled": False, "synthetic": False}, "no regime to draw"),
        (jst.regimes, {"host": "FR", "synthetic": False}, "no bundled regime"),
        (jst.regimes, {"sectors": ["vpn"], "bundled": 2}, "bundled=2"),
    ],
)
def test_bad_options_are_refused_up_front(make: Any, options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=_escape(message)):
        make(**options)


def _escape(text: str) -> str:
    import re

    return re.escape(text)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )


def test_the_facade_does_not_need_hypothesis() -> None:
    # With hypothesis unimportable, `import jvmodel` works and the strategies
    # module says which extra to install.
    result = _run(
        "import sys; sys.modules['hypothesis'] = None\n"
        "import jvmodel\n"
        "assert jvmodel.foreign_share is not None\n"
        "try:\n"
        "    import jvmodel.strategies\n"
        "except jvmodel.MissingDependencyError as error:\n"
        "    print(error.package, error.extra, isinstance(error, ImportError))\n"
        "    print(error)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines() == [
        "hypothesis hypothesis True",
        "jvmodel.strategies needs hypothesis, which is not installed; install the "
        "hypothesis extra: pip install 'jvmodel[hypothesis]'",
    ]


def test_importing_jvmodel_does_not_import_hypothesis() -> None:
    result = _run("import sys, jvmodel; print('hypothesis' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
