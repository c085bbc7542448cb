"""Explanations: paths, largest first, whose products add up exactly to the share."""

from __future__ import annotations

import json
import pickle
from fractions import Fraction

import pytest

import jvmodel as jvm

F = Fraction


def graph(countries: dict[str, str], holdings: list[tuple[str, str, str]]) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity_id, country in countries.items():
        g.add_entity(entity_id, jurisdiction=country, sectors=["vpn"] if entity_id == "jv" else [])
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def test_demo_paths_add_up() -> None:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    e = jvm.explain(g, "jv", regime="cn-beijing-2020")
    # BT through its two wholly owned layers: 1 × 1 × 1/2; CalPERS: 1/10 of the
    # fund, which holds 3/10 of the partner, which holds 1/2: 3/200.
    assert [(p.entities, p.product) for p in e.paths] == [
        (("bt", "bt-global", "bt-china", "jv"), F(1, 2)),
        (("calpers", "zgc-fund", "partner", "jv"), F(3, 200)),
    ]
    assert e.owners == {"bt": F(1, 2), "calpers": F(3, 200)}
    assert sum(p.product for p in e.paths) == e.foreign_share == F(103, 200)
    assert e.check.paths == e.paths
    assert e.owners == e.check.contributions


def test_cross_holding_is_one_step() -> None:
    # jv: a 50%, d 50%.  a: us 50%, b 50%.  b: a 40%, d 60%.
    # φ(a) = 1/2 + 1/2 φ(b), φ(b) = 2/5 φ(a)  →  φ(a) = 1/2 + φ(a)/5 = 5/8;
    # the JV: 1/2 × 5/8 = 5/16, all of it us's, through the cross-holding {a, b}.
    g = graph(
        {"jv": "CN", "a": "CN", "b": "CN", "d": "CN", "us": "US"},
        [("a", "jv", "50%"), ("d", "jv", "50%"), ("us", "a", "50%"), ("b", "a", "50%"),
         ("a", "b", "40%"), ("d", "b", "60%")],
    )  # fmt: skip
    e = jvm.explain(g, "jv", regime="cn-beijing-2020")
    assert e.foreign_share == F(5, 16)
    assert [(p.owner, p.product, p.cycles) for p in e.paths] == [("us", F(5, 16), (("a", "b"),))]
    assert "through the cross-holding a, b" in e.describe()


def test_cross_holding_with_two_exits_adds_up() -> None:
    # As above, but b is also 30% American (d 30%): every foreign path out of the
    # cycle is listed, and they add up to the share.
    # φ(b) = 2/5 φ(a) + 3/10,  φ(a) = 1/2 + 1/2 φ(b) = 1/2 + φ(a)/5 + 3/20
    # → 4/5 φ(a) = 13/20 → φ(a) = 13/16; the JV: 13/32.
    g = graph(
        {"jv": "CN", "a": "CN", "b": "CN", "d": "CN", "us": "US", "us2": "US"},
        [("a", "jv", "50%"), ("d", "jv", "50%"), ("us", "a", "50%"), ("b", "a", "50%"),
         ("a", "b", "40%"), ("us2", "b", "30%"), ("d", "b", "30%")],
    )  # fmt: skip
    e = jvm.explain(g, "jv", regime="cn-beijing-2020")
    assert e.foreign_share == F(13, 32)
    assert sum(p.product for p in e.paths) == F(13, 32)
    # us: 1/2 × 1/2 ÷ (1 − 1/5) = 5/16 = 10/32; us2: 13/32 − 10/32 = 3/32.
    assert e.owners == {"us": F(10, 32), "us2": F(3, 32)}
    assert [p.product for p in e.paths] == sorted((p.product for p in e.paths), reverse=True)


@pytest.fixture
def india() -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="IN", sectors=["digital-news"])
    for e, country in [("r", "IN"), ("h", "IN"), ("gb", "GB"), ("in1", "IN")]:
        g.add_entity(e, jurisdiction=country)
    g.add_holding("r", "t", "80%")
    g.add_holding("h", "t", "20%")
    g.add_holding("gb", "h", "60%")
    g.add_holding("in1", "h", "40%")
    return g


def test_threshold_names_the_intermediate(india: jvm.OwnershipGraph) -> None:
    e = jvm.explain(india, "t", regime="in-fdi")
    # h is 60% British: 60% ≥ 50%, so all of its 20% counts foreign.
    assert [(p.entities, p.product) for p in e.paths] == [(("h", "t"), F(1, 5))]
    assert e.owners == {"h": F(1, 5)}
    assert e.foreign_share == F(1, 5)
    assert e.counted_foreign == {"h": "foreign share 60% ≥ 50%"}
    assert "h counted wholly foreign: foreign share 60% ≥ 50%" in e.describe()


def test_mirror_rule_looks_through_a_wholly_owned_holder() -> None:
    # t is wholly owned by "w", which is 40% British: under the mirror rule w passes
    # on its own 40% (not its all-or-nothing status, 0): the path runs to gb.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="IN", sectors=["digital-news"])
    for e, country in [("w", "IN"), ("gb", "GB"), ("in1", "IN")]:
        g.add_entity(e, jurisdiction=country)
    g.add_holding("w", "t", "100%")
    g.add_holding("gb", "w", "40%")
    g.add_holding("in1", "w", "60%")
    e = jvm.explain(g, "t", regime="in-fdi")
    assert [(p.entities, p.product) for p in e.paths] == [(("gb", "w", "t"), F(2, 5))]
    assert e.foreign_share == F(2, 5)
    assert e.counted_foreign == {}


def test_json_form(india: jvm.OwnershipGraph) -> None:
    payload = jvm.explain(india, "t", regime="in-fdi").to_dict()
    json.dumps(payload)
    assert payload["paths"] == [
        {"owner": "h", "entities": ["h", "t"], "product": {"exact": "1/5", "percent": "20%"},
         "cycles": []}
    ]  # fmt: skip


def test_paths_refused_after_the_graph_changed() -> None:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    r = jvm.check(g, "jv", regime="cn-beijing-2020")
    g.add_entity("late", jurisdiction="US")
    with pytest.raises(jvm.UnsupportedAnalysisError, match="changed since 'jv' was checked"):
        r.paths  # noqa: B018


def test_checks_pickle_with_the_paths_computed_so_far() -> None:
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    r = jvm.check(g, "jv", regime="cn-beijing-2020")
    fresh = pickle.loads(pickle.dumps(r))  # the graph does not travel with it
    assert fresh == r
    with pytest.raises(jvm.UnsupportedAnalysisError, match="not computed before it was pickled"):
        fresh.paths  # noqa: B018
    assert len(r.paths) == 2  # BT's path and CalPERS's
    assert pickle.loads(pickle.dumps(r)).paths == r.paths
