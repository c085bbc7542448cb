"""Contribution paths add up exactly to the shares they explain."""

from __future__ import annotations

from fractions import Fraction

import jvmodel as jvm
from jvmodel import UNDISCLOSED
from jvmodel.analysis.lookthrough import upstream
from jvmodel.analysis.paths import contribution_paths


def foreign_values(plan: object, host: str = "CN") -> dict[str, Fraction]:
    return {u: Fraction(plan.entities[u].country != host) for u in plan.ultimate}  # type: ignore[attr-defined]


def test_demo_paths_largest_first() -> None:
    # BT: 100% × 100% × 50% = 1/2; CalPERS: 10% × 30% × 50% = 3/200.
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    plan = upstream(g, "jv")
    paths, truncated = contribution_paths(plan, foreign_values(plan), Fraction(0))
    assert not truncated
    assert [(p.describe(), p.product) for p in paths] == [
        ("bt → bt-global → bt-china → jv", Fraction(1, 2)),
        ("calpers → zgc-fund → partner → jv", Fraction(3, 200)),
    ]


def test_paths_through_a_cross_holding() -> None:
    # A holds 20% of B, B 30% of A, F (US) 70% of A, D (CN) 80% of B, A all of T.
    # (I − Q)⁻¹ for {A, B}: G[A][A] = 1/0.94, G[A][B] = 0.3/0.94. F's one path
    # through the cross-holding weighs 0.7/0.94 = 35/47; D's 0.8 × 0.3/0.94 = 12/47.
    g = jvm.OwnershipGraph()
    for e, c in [("f", "US"), ("d", "CN"), ("a", "CN"), ("b", "CN"), ("t", "CN")]:
        g.add_entity(e, jurisdiction=c)
    g.add_holding("a", "b", "20%")
    g.add_holding("b", "a", "30%")
    g.add_holding("f", "a", "70%")
    g.add_holding("d", "b", "80%")
    g.add_holding("a", "t", "100%")
    plan = upstream(g, "t")
    everyone = {u: Fraction(1) for u in plan.ultimate}
    paths, _ = contribution_paths(plan, everyone, Fraction(1))
    assert [(p.owner, p.entities, p.product, p.cycles) for p in paths] == [
        ("f", ("f", "a", "t"), Fraction(35, 47), (("a", "b"),)),
        ("d", ("d", "b", "a", "t"), Fraction(12, 47), (("a", "b"),)),
    ]
    assert sum(p.product for p in paths) == 1


def test_undisclosed_parts_are_paths_too() -> None:
    # H: F (US) 40%, 60% undisclosed; H holds 50% of T; T's other 50% undisclosed.
    # Counted foreign: F 50% × 40% = 1/5; H's undisclosed 50% × 60% = 3/10; T's own 1/2.
    g = jvm.OwnershipGraph()
    for e, c in [("f", "US"), ("h", "CN"), ("t", "CN")]:
        g.add_entity(e, jurisdiction=c)
    g.add_holding("f", "h", "40%")
    g.add_holding("h", "t", "50%")
    plan = upstream(g, "t")
    paths, _ = contribution_paths(plan, foreign_values(plan), Fraction(1))
    assert [(p.owner, p.entities, p.product) for p in paths] == [
        (UNDISCLOSED, ("t",), Fraction(1, 2)),
        (UNDISCLOSED, ("h", "t"), Fraction(3, 10)),
        ("f", ("f", "h", "t"), Fraction(1, 5)),
    ]
    assert sum(p.product for p in paths) == jvm.foreign_share(g, "t", host="CN")


def test_truncation_is_reported() -> None:
    # Ten holders of 10% each: ten paths; asking for three stops early.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN")
    for i in range(10):
        g.add_entity(f"h{i}", jurisdiction="US")
        g.add_holding(f"h{i}", "t", "10%")
    plan = upstream(g, "t")
    paths, truncated = contribution_paths(plan, foreign_values(plan), Fraction(0), max_paths=3)
    assert truncated
    assert len(paths) == 3
