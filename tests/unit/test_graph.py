"""The graph: building, validation on every change, lookup, snapshots."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import networkx as nx
import pytest

import jvmodel as jvm


@pytest.fixture
def g() -> jvm.OwnershipGraph:
    graph = jvm.OwnershipGraph()
    graph.add_entity("bt", name="BT Group plc", jurisdiction="gb")
    graph.add_entity("partner", jurisdiction="CN-BJ")
    graph.add_entity("jv", jurisdiction="CN-BJ", sectors=["vpn"], zones=["zgc"])
    return graph


def snapshot(graph: jvm.OwnershipGraph) -> tuple[object, ...]:
    return (
        sorted(e.id for e in graph.entities()),
        sorted(map(repr, graph.holdings())),
        sorted(map(repr, graph.controls())),
    )


def test_entities_are_normalised(g: jvm.OwnershipGraph) -> None:
    assert g.entity("bt").jurisdiction == "GB"
    assert g.entity("jv").country == "CN"
    assert g.entity("partner").name == "partner"  # the name defaults to the id
    assert [e.id for e in g.entities()] == ["bt", "partner", "jv"]
    assert "jv" in g
    assert len(g) == 3


def test_holding_defaults_and_lookup(g: jvm.OwnershipGraph) -> None:
    h = g.add_holding("bt", "jv", "50%")
    assert (h.equity, h.voting) == (Fraction(1, 2), Fraction(1, 2))
    g.add_holding("partner", "jv", Fraction(1, 2), voting="40%")
    assert {x.owner for x in g.holdings_of("jv")} == {"bt", "partner"}
    assert [x.owned for x in g.holdings_by("bt")] == ["jv"]
    assert g.nx.has_edge("bt", "jv")
    assert g.nx.edges["bt", "jv"]["holdings"] == (h,)


def test_nx_view_is_read_only(g: jvm.OwnershipGraph) -> None:
    with pytest.raises(nx.NetworkXError):
        g.nx.add_node("x")


def test_duplicate_entity_is_refused(g: jvm.OwnershipGraph) -> None:
    before = snapshot(g)
    with pytest.raises(jvm.DuplicateEntityError, match="entity 'bt' already exists") as caught:
        g.add_entity("bt")
    assert caught.value.entity == "bt"
    assert snapshot(g) == before


def test_unknown_entity_is_refused(g: jvm.OwnershipGraph) -> None:
    before = snapshot(g)
    with pytest.raises(jvm.UnknownEntityError, match="no entity 'nobody'") as caught:
        g.add_holding("nobody", "jv", "10%")
    assert isinstance(caught.value, KeyError)
    assert caught.value.entity == "nobody"
    with pytest.raises(jvm.UnknownEntityError):
        g.entity("nobody")
    assert snapshot(g) == before


def test_share_outside_unit_interval_is_refused(g: jvm.OwnershipGraph) -> None:
    before = snapshot(g)
    with pytest.raises(jvm.InvalidShareError, match="above 100%"):
        g.add_holding("bt", "jv", "120%")
    assert snapshot(g) == before


def test_overallocation_names_entity_date_and_stakes(g: jvm.OwnershipGraph) -> None:
    # 60% + 45% = 105% > 100%.
    g.add_holding("bt", "jv", "60%")
    before = snapshot(g)
    with pytest.raises(jvm.OverallocatedError) as caught:
        g.add_holding("partner", "jv", "45%")
    message = str(caught.value)
    assert "holdings in 'jv' add up to 105%" in message
    assert "'bt' 60%" in message
    assert "'partner' 45%" in message
    assert caught.value.entity == "jv"
    assert caught.value.stakes == {"bt": Fraction(3, 5), "partner": Fraction(9, 20)}
    assert snapshot(g) == before


def test_overallocation_on_one_day_only(g: jvm.OwnershipGraph) -> None:
    # bt 60% until 2021-06-30 inclusive; partner 45% from 2021-06-30: both in force on
    # that one day, 105%.
    g.add_holding("bt", "jv", "60%", valid_to=dt.date(2021, 6, 30))
    with pytest.raises(jvm.OverallocatedError, match="on 2021-06-30") as caught:
        g.add_holding("partner", "jv", "45%", valid_from=dt.date(2021, 6, 30))
    assert caught.value.date == dt.date(2021, 6, 30)
    # A day later there is no overlap: accepted.
    g.add_holding("partner", "jv", "45%", valid_from=dt.date(2021, 7, 1))


def test_voting_overallocation(g: jvm.OwnershipGraph) -> None:
    # Equity 50% + 50% fits; votes 60% + 50% = 110% do not.
    g.add_holding("bt", "jv", "50%", voting="60%")
    with pytest.raises(jvm.OverallocatedError, match="voting stakes in 'jv' add up to 110%"):
        g.add_holding("partner", "jv", "50%")


def test_overlapping_duplicate_holding_is_refused(g: jvm.OwnershipGraph) -> None:
    g.add_holding("bt", "jv", "30%", valid_to=dt.date(2021, 12, 31))
    with pytest.raises(jvm.DuplicateHoldingError, match="overlapping period"):
        g.add_holding("bt", "jv", "40%", valid_from=dt.date(2021, 12, 31))
    g.add_holding("bt", "jv", "40%", valid_from=dt.date(2022, 1, 1))
    assert len(g.holdings_of("jv", as_of=...)) == 2
    assert [h.equity for h in g.holdings_of("jv", as_of=dt.date(2021, 6, 1))] == [Fraction(3, 10)]
    assert [h.equity for h in g.holdings_of("jv")] == [Fraction(2, 5)]


def test_as_of_snapshot(g: jvm.OwnershipGraph) -> None:
    g.add_holding("bt", "jv", "30%", valid_to=dt.date(2021, 12, 31))
    g.add_holding("bt", "jv", "40%", valid_from=dt.date(2022, 1, 1))
    g.add_control("bt", "partner", basis="board", valid_from=dt.date(2023, 1, 1))
    past = g.as_of(dt.date(2021, 1, 1))
    assert [h.equity for h in past.holdings()] == [Fraction(3, 10)]
    assert list(past.controls()) == []
    assert len(past) == 3
    assert [h.equity for h in g.as_of(None).holdings()] == [Fraction(2, 5)]
    assert len(list(g.as_of(None).controls())) == 1


def test_controls(g: jvm.OwnershipGraph) -> None:
    link = g.add_control("bt", "partner", basis="contract")
    assert list(g.controls()) == [link]
    assert g.controls_of("partner") == [link]
    with pytest.raises(jvm.DuplicateHoldingError, match="already controls"):
        g.add_control("bt", "partner", basis="contract")
    with pytest.raises(jvm.InvalidEntityError, match="basis 'shares'"):
        g.add_control("bt", "partner", basis="shares")
    with pytest.raises(jvm.InvalidEntityError, match="to itself"):
        g.add_control("bt", "bt")
    assert list(g.controls()) == [link]


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"id": ""}, "empty"),
        ({"id": "x", "jurisdiction": "UK"}, "use 'GB'"),
        ({"id": "x", "jurisdiction": "ZZ"}, "not an ISO 3166 code"),
        ({"id": "x", "jurisdiction": "CN_BJ"}, "not an ISO 3166 code"),
        ({"id": "x", "kind": "corporation"}, "kind 'corporation'"),
        ({"id": "x", "sectors": [""]}, "non-empty strings"),
        ({"id": 5}, "must be a string"),
    ],
)
def test_entity_validation(fields: dict[str, object], fragment: str) -> None:
    with pytest.raises(jvm.InvalidEntityError, match=fragment):
        jvm.Entity(**fields)  # type: ignore[arg-type]


def test_dates_reversed_are_refused() -> None:
    with pytest.raises(jvm.InvalidEntityError, match="ends on 2020-01-01 before it starts"):
        jvm.Holding(
            owner="a",
            owned="b",
            equity="1%",
            valid_from=dt.date(2021, 1, 1),
            valid_to=dt.date(2020, 1, 1),
        )


def test_evolve_revalidates() -> None:
    h = jvm.Holding(owner="a", owned="b", equity="10%")
    assert attrs.evolve(h, equity="20%").equity == Fraction(1, 5)
    with pytest.raises(jvm.InvalidShareError):
        attrs.evolve(h, equity="200%")


def test_equality_ignores_order() -> None:
    a, b = jvm.OwnershipGraph(), jvm.OwnershipGraph()
    for graph, order in ((a, ["x", "y"]), (b, ["y", "x"])):
        for entity_id in order:
            graph.add_entity(entity_id, jurisdiction="CN")
    a.add_holding("x", "y", "10%")
    assert a != b
    b.add_holding("x", "y", "1/10")
    assert a == b


def test_version_changes_on_every_change(g: jvm.OwnershipGraph) -> None:
    seen = {g.version}
    g.add_holding("bt", "jv", "10%")
    seen.add(g.version)
    g.add_control("bt", "partner")
    seen.add(g.version)
    with pytest.raises(jvm.OverallocatedError):
        g.add_holding("partner", "jv", "95%")
    seen.add(g.version)  # a refused change does not count
    assert len(seen) == 3


def test_repr() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("a")
    assert repr(g) == "<OwnershipGraph: 1 entity, 0 holdings, 0 control links>"


def test_an_issue_on_a_date_dilutes_every_holding_in_force_then() -> None:
    # On 2020-06-01 T is held by D 60% (until 2020-12-31), P 30% and E 10% (no end).
    # P subscribes 1/2 of the enlarged capital: every stake in force that day is
    # diluted by 1 − 1/2, the one with an end date too.  D 3/10, P 3/20 + 1/2 = 13/20,
    # E 1/20; together 6/20 + 13/20 + 1/20 = 1.
    g = jvm.OwnershipGraph()
    for entity in ("t", "d", "p", "e"):
        g.add_entity(entity, jurisdiction="US")
    g.add_holding("d", "t", "60%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("p", "t", "30%")
    g.add_holding("e", "t", "10%")
    day = dt.date(2020, 6, 1)
    after = g.issue("t", "p", "1/2", as_of=day)
    assert sorted((h.owner, h.equity, h.voting) for h in after.holdings_of("t", as_of=day)) == [
        ("d", Fraction(3, 10), Fraction(3, 10)),
        ("e", Fraction(1, 20), Fraction(1, 20)),
        ("p", Fraction(13, 20), Fraction(13, 20)),
    ]
