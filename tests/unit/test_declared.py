"""Declared interests on the graph, and verify_declared against hand-computed look-through."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

import jvmodel as jvm

F = Fraction


def chain() -> jvm.OwnershipGraph:
    """P holds 50% of B, B holds 60% of A: P's indirect share of A is 60% × 50% = 30%."""
    g = jvm.OwnershipGraph()
    for e in ("a", "b", "c"):
        g.add_entity(e, jurisdiction="GB")
    g.add_entity("p", kind="person", jurisdiction="FR")
    g.add_holding("b", "a", "60%")
    g.add_holding("p", "b", "50%")
    return g


def verdict(g: jvm.OwnershipGraph, **options: object) -> jvm.DeclaredCheck:
    [result] = jvm.verify_declared(g, **options)  # type: ignore[arg-type]
    return result


@pytest.mark.parametrize(
    ("declared", "status"),
    [
        ("30%", "agree"),
        ("31%", "disagree"),
        (jvm.Range("25%", "50%", closed="right"), "agree"),  # 30% in (25%, 50%]
        (jvm.Range("30%", "50%", closed="right"), "disagree"),  # 30% not in (30%, 50%]
        (jvm.Range("0", "30%"), "agree"),
    ],
)
def test_exact_look_through_against_the_declared_share(declared: object, status: str) -> None:
    g = chain()
    g.add_declared("p", "a", share=declared, components=["b"])
    result = verdict(g)
    assert (result.status, result.computed) == (status, F(3, 10))
    assert result.agrees is (status == "agree")


def test_disagreement_gives_both_figures() -> None:
    g = chain()
    g.add_declared("p", "a", share="45%")
    assert verdict(g).reason == "declared 45%, computed 30%"


def test_the_direct_stake_is_not_part_of_an_indirect_claim() -> None:
    # P also holds 10% of A directly: the indirect claim is still 30%, not 40%.
    g = chain()
    g.add_holding("p", "a", "10%")
    g.add_declared("p", "a", share="30%")
    assert verdict(g).status == "agree"


def test_several_routes_add_up() -> None:
    # A second route, P → C (100%) → A (20%): 30% + 100% × 20% = 50%.
    g = chain()
    g.add_holding("p", "c", "100%")
    g.add_holding("c", "a", "20%")
    g.add_declared("p", "a", share="50%")
    assert (verdict(g).status, verdict(g).computed) == ("agree", F(1, 2))


def test_a_cycle_on_the_route_is_solved_exactly() -> None:
    # B also holds 20% of itself through C: B → C (100%) and C → B (20%).
    # P's share of B: x_b = 50% + 20% · x_c and x_c = x_b, so x_b = 0.5 / 0.8 = 5/8;
    # of A: 60% × 5/8 = 3/8.
    g = chain()
    g.add_holding("b", "c", "100%")
    g.add_holding("c", "b", "20%")
    g.add_declared("p", "a", share="37.5%")
    assert (verdict(g).status, verdict(g).computed) == ("agree", F(3, 8))


def test_unknown_routes_make_it_cannot_tell() -> None:
    # P also has an interest of unknown size in C, and C holds 20% of A.
    g = chain()
    g.add_holding("c", "a", "20%")
    g.add_declared("p", "c", interest="unknownInterest", directness="direct")
    g.add_declared("p", "a", share="40%")
    result = verdict(g)
    assert (result.status, result.computed) == ("cannot_tell", F(3, 10))
    assert "unknownInterest interest of 'p' in 'c'" in result.reason


def test_a_control_link_on_the_route_makes_it_cannot_tell() -> None:
    g = chain()
    g.add_holding("c", "a", "20%")
    g.add_control("p", "c", basis="contract")
    g.add_declared("p", "a", share="40%")
    assert "control by contract" in verdict(g).reason


def test_management_interests_carry_no_ownership() -> None:
    g = chain()
    g.add_holding("c", "a", "20%")
    g.add_declared("p", "c", interest="seniorManagingOfficial", directness="direct")
    g.add_declared("p", "a", share="30%")
    assert [r.status for r in jvm.verify_declared(g)] == ["agree"]


def test_known_routes_above_the_declared_maximum_disagree_whatever_else() -> None:
    # The holdings alone give 30%; an unknown route can only add to that.
    g = chain()
    g.add_holding("c", "a", "20%")
    g.add_declared("p", "c", interest="unknownInterest")
    g.add_declared("p", "a", share=jvm.Range("10%", "20%"))
    result = verdict(g)
    assert result.status == "disagree"
    assert "more than declared" in result.reason


def test_ranged_stakes_on_the_route_give_an_interval() -> None:
    # P also holds all of C, which holds [10%, 20%] of A: P's indirect share is
    # 30% + [10%, 20%] = [40%, 50%]; a declared 45% may or may not be right, a
    # declared 60% cannot be.
    g = chain()
    g.add_holding("c", "a", jvm.Range("10%", "20%"))
    g.add_holding("p", "c", "100%")
    g.add_declared("p", "a", share="45%")
    result = verdict(g)
    assert result.status == "cannot_tell"
    assert result.computed == jvm.Interval(lower=Fraction(2, 5), upper=Fraction(1, 2))
    g2 = chain()
    g2.add_holding("c", "a", jvm.Range("10%", "20%"))
    g2.add_holding("p", "c", "100%")
    g2.add_declared("p", "a", share="60%")
    assert verdict(g2).status == "disagree"


def test_ranged_stakes_off_the_route_do_not_matter() -> None:
    # C's range in A is not on any route from P: P's 30% is exact.
    g = chain()
    g.add_holding("c", "a", jvm.Range("10%", "20%"))
    g.add_declared("p", "a", share="30%")
    assert verdict(g).status == "agree"


def test_no_share_and_no_route() -> None:
    g = chain()
    g.add_declared("p", "a", share=None)
    assert verdict(g).status == "cannot_tell"
    g = chain()
    g.add_declared("a", "b", share="10%")  # A has no route to B at all
    assert (verdict(g).status, verdict(g).computed) == ("disagree", F(0))


def test_voting_rights_use_the_votes() -> None:
    g = chain()
    g.add_holding("b", "c", "40%", voting="90%")
    g.add_declared("p", "c", interest="votingRights", share="45%")  # 50% × 90%
    [result] = jvm.verify_declared(g)
    assert (result.status, result.computed) == ("agree", F(9, 20))


def test_claims_and_holdings_by_date() -> None:
    g = chain()
    g.add_holding("c", "a", "20%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("p", "c", "100%")
    g.add_declared("p", "a", share="50%", valid_to=dt.date(2020, 12, 31))
    g.add_declared("p", "a", share="30%", valid_from=dt.date(2021, 1, 1))
    # 2020: 30% + 20% = 50%; today: 30% (the C route ended).
    assert [(r.status, r.computed) for r in jvm.verify_declared(g, as_of=dt.date(2020, 6, 1))] == [
        ("agree", F(1, 2))
    ]
    assert [(r.status, r.computed) for r in jvm.verify_declared(g)] == [("agree", F(3, 10))]


# -- declared interests on the graph ----------------------------------------------------------


def test_declared_interests_are_validated() -> None:
    g = chain()
    with pytest.raises(jvm.UnknownEntityError):
        g.add_declared("ghost", "a")
    with pytest.raises(jvm.InvalidEntityError, match="itself"):
        g.add_declared("a", "a")
    with pytest.raises(jvm.InvalidEntityError, match="interest 'stake'"):
        g.add_declared("p", "a", interest="stake")
    with pytest.raises(jvm.InvalidShareError):
        g.add_declared("p", "a", share="130%")
    assert list(g.declared()) == []


def test_declared_interests_travel_with_the_graph(tmp_path: Path) -> None:
    g = chain()
    claim = g.add_declared("p", "a", share="30%", components=["b"], source="stmt-1")
    assert g.add_declared(claim) == claim  # the same record twice is kept once
    assert list(g.declared()) == [claim]
    assert (
        repr(g) == "<OwnershipGraph: 4 entities, 2 holdings, 0 control links, 1 declared interest>"
    )
    assert list(g.copy().declared()) == [claim]
    assert list(g.as_of(dt.date(2020, 1, 1)).declared()) == [claim]
    bare = chain()
    assert bare != g  # equality counts declared interests
    for name in ("g.toml", "g.json"):
        jvm.save(g, tmp_path / name)
        assert jvm.load(tmp_path / name) == g


def test_declared_tables_in_native_files_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text(
        '[[entity]]\nid = "a"\n[[entity]]\nid = "p"\n'
        '[[declared]]\nparty = "p"\nsubject = "a"\ninterest = "shareholding"\nshare = "lots"\n',
        encoding="utf-8",
    )
    with pytest.raises(jvm.SchemaError, match="declared #1, field 'share': share 'lots' is not"):
        jvm.load(path)


def test_format_share_is_exact_for_long_decimals() -> None:
    # 28 significant digits used to be the limit (the default decimal context).
    share = F(123456789123456789123456789123, 10**30)
    assert jvm.format_share(share) == "12.3456789123456789123456789123%"
    assert jvm.parse_share(jvm.format_share(share)) == share
    # A decimal too long to read back is written as a ratio.
    assert jvm.format_share(F(1, 2**100)) == f"1/{2**100}"
