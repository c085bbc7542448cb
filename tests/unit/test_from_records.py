"""OwnershipGraph.from_records: the bulk constructor validates what add_* validates."""

from __future__ import annotations

import datetime as dt

import pytest

import jvmodel as jvm
from jvmodel import ControlLink, Entity, Holding, OwnershipGraph

ENTITIES = [
    Entity(id="bt", jurisdiction="GB"),
    Entity(id="partner", jurisdiction="CN-BJ"),
    Entity(id="wfoe", jurisdiction="CN-BJ"),
    Entity(id="jv", jurisdiction="CN-BJ", sectors=["vpn"]),
]
HOLDINGS = [
    Holding(owner="bt", owned="jv", equity="50%"),
    Holding(owner="partner", owned="jv", equity="50%", voting="40%"),
    Holding(owner="bt", owned="wfoe", equity="100%"),
    Holding(owner="jv", owned="jv", equity="0%"),
    Holding(owner="bt", owned="partner", equity="10%", valid_to=dt.date(2020, 12, 31)),
    Holding(owner="bt", owned="partner", equity="20%", valid_from=dt.date(2021, 1, 1)),
]
CONTROLS = [ControlLink(controller="wfoe", controlled="jv", basis="contract")]


def one_at_a_time() -> OwnershipGraph:
    g = OwnershipGraph()
    for entity in ENTITIES:
        g.add_entity(entity)
    for holding in HOLDINGS:
        g.add_holding(holding)
    for link in CONTROLS:
        g.add_control(link)
    return g


def test_builds_the_same_graph_as_adding_one_record_at_a_time() -> None:
    g = OwnershipGraph.from_records(ENTITIES, HOLDINGS, CONTROLS)
    assert g == one_at_a_time()
    assert sorted(h.owner for h in g.holdings_of("partner", as_of=...)) == ["bt", "bt"]
    assert g.controls_of("jv") == CONTROLS
    assert g.nx.edges["wfoe", "jv"] == {"holdings": (), "controls": tuple(CONTROLS)}
    assert g.nx.edges["bt", "wfoe"]["controls"] == ()
    assert jvm.foreign_share(g, "jv", host="CN") == jvm.foreign_share(
        one_at_a_time(), "jv", host="CN"
    )


def test_accepts_any_iterables() -> None:
    g = OwnershipGraph.from_records(iter(ENTITIES), (h for h in HOLDINGS))
    assert len(g) == 4
    assert not list(g.controls())


def test_a_change_after_building_is_seen_by_caches() -> None:
    g = OwnershipGraph.from_records(ENTITIES, HOLDINGS)
    before = g.version
    g.add_entity("other", jurisdiction="US")
    assert g.version != before


def test_refuses_a_duplicate_entity() -> None:
    with pytest.raises(jvm.DuplicateEntityError, match="'bt' appears twice") as caught:
        OwnershipGraph.from_records([*ENTITIES, Entity(id="bt")], HOLDINGS)
    assert caught.value.entity == "bt"


def test_refuses_an_unknown_entity() -> None:
    stray = Holding(owner="ghost", owned="jv", equity="1%")
    with pytest.raises(jvm.UnknownEntityError, match="names no entity 'ghost'") as caught:
        OwnershipGraph.from_records(ENTITIES[:3], [stray])
    assert caught.value.entity == "ghost"
    link = ControlLink(controller="wfoe", controlled="nowhere")
    with pytest.raises(jvm.UnknownEntityError, match="'nowhere'"):
        OwnershipGraph.from_records(ENTITIES, (), [link])


def test_refuses_overlapping_duplicate_holdings() -> None:
    twice = Holding(owner="bt", owned="jv", equity="10%", valid_from=dt.date(2022, 1, 1))
    with pytest.raises(jvm.DuplicateHoldingError, match="'bt' holds two stakes in 'jv'"):
        OwnershipGraph.from_records(ENTITIES, [*HOLDINGS, twice])
    link = ControlLink(controller="wfoe", controlled="jv")
    with pytest.raises(jvm.DuplicateHoldingError, match="controls 'jv' by contract twice"):
        OwnershipGraph.from_records(ENTITIES, HOLDINGS, [*CONTROLS, link])


def test_refuses_stakes_above_one_hundred_percent() -> None:
    # 50% + 50% + 1% = 101% in 'jv'.
    extra = Holding(owner="wfoe", owned="jv", equity="1%")
    with pytest.raises(jvm.OverallocatedError, match="'jv' add up to 101%") as caught:
        OwnershipGraph.from_records(ENTITIES, [*HOLDINGS, extra])
    assert caught.value.entity == "jv"
    # Voting is checked on its own: 40% + 50% + 11% = 101% of the votes, equity 61% + ...
    votes = [
        Holding(owner="bt", owned="partner", equity="30%", voting="60%"),
        Holding(owner="wfoe", owned="partner", equity="30%", voting="41%"),
    ]
    with pytest.raises(jvm.OverallocatedError, match="voting stakes in 'partner' add up to 101%"):
        OwnershipGraph.from_records(ENTITIES, votes)


def test_checks_allocation_at_every_start_date() -> None:
    # 60% until 2020, 60% from 2020-06-01: both in force in June to December 2020.
    dated = [
        Holding(owner="bt", owned="jv", equity="60%", valid_to=dt.date(2020, 12, 31)),
        Holding(owner="partner", owned="jv", equity="60%", valid_from=dt.date(2020, 6, 1)),
    ]
    with pytest.raises(jvm.OverallocatedError, match="on 2020-06-01"):
        OwnershipGraph.from_records(ENTITIES, dated)


def test_exactly_one_hundred_percent_is_allowed() -> None:
    thirds = [Holding(owner=o, owned="jv", equity="1/3") for o in ("bt", "partner", "wfoe")]
    g = OwnershipGraph.from_records(ENTITIES, thirds)
    assert sum(h.equity for h in g.holdings_of("jv")) == 1


def test_refuses_what_is_not_a_record() -> None:
    with pytest.raises(jvm.InvalidEntityError, match="expected Entity records, got dict"):
        OwnershipGraph.from_records([{"id": "bt"}])  # type: ignore[list-item]
    with pytest.raises(jvm.InvalidEntityError, match="expected Holding records"):
        OwnershipGraph.from_records(ENTITIES, [("bt", "jv", "50%")])  # type: ignore[list-item]
