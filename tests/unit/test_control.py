"""Control through chains of majority votes and control links, with hand-checked answers."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import pytest

import jvmodel as jvm


def graph(*entities: str) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity in entities:
        g.add_entity(entity, jurisdiction="GB")
    return g


def test_ten_link_chain_of_sixty_percent_stakes_is_controlled_by_the_top() -> None:
    # e0 → e1 → … → e10, each holding 60% of the next.  Every link is a majority,
    # so each entity controls the next and, by transitivity, the target e10:
    # the controllers are e9 (nearest) up to e0 (ultimate).  By look-through e0
    # owns only 0.6^10 ≈ 0.6% of e10, yet it controls it.
    ids = [f"e{i}" for i in range(11)]
    g = graph(*ids)
    for owner, owned in itertools.pairwise(ids):
        g.add_holding(owner, owned, "60%")
    chain = jvm.controllers(g, "e10")
    assert list(chain) == [f"e{i}" for i in range(9, -1, -1)]
    assert chain.levels == tuple((f"e{i}",) for i in range(9, -1, -1))
    assert (chain.kind, chain.ultimate) == ("single", "e0")
    assert jvm.ultimate_controller(g, "e10") == "e0"
    assert all(step.basis == "votes" and step.votes == Fraction(3, 5) for step in chain.steps)
    assert jvm.effective_ownership(g, "e10")["e0"] == Fraction(3, 5) ** 10


def test_fifty_fifty_joint_venture_has_no_single_controller() -> None:
    # 50% is not more than half: neither parent controls the JV alone.
    g = graph("a", "b", "jv")
    g.add_holding("a", "jv", "50%")
    g.add_holding("b", "jv", "50%")
    chain = jvm.controllers(g, "jv")
    assert (chain.kind, chain.ultimate, list(chain)) == ("none", None, [])
    assert jvm.ultimate_controller(g, "jv") is None
    assert "no controller" in chain.describe()


def test_dispersed_ownership_has_no_controller() -> None:
    # Five holders of 20% each: no majority, no controller.
    g = graph("jv", *[f"h{i}" for i in range(5)])
    for i in range(5):
        g.add_holding(f"h{i}", "jv", "20%")
    assert jvm.ultimate_controller(g, "jv") is None


def test_mutual_control_group_with_no_outside_controller() -> None:
    # A holds 60% of B and B holds 60% of A (the other 40% of each is with
    # small holders); A holds 60% of the target.  A controls B and B controls A:
    # a mutual-control group at the top, reported as such, with no ultimate
    # controller.  The computation ends although the control relation loops.
    g = graph("a", "b", "t", "small-a", "small-b", "small-t")
    g.add_holding("b", "a", "60%")
    g.add_holding("small-a", "a", "40%")
    g.add_holding("a", "b", "60%")
    g.add_holding("small-b", "b", "40%")
    g.add_holding("a", "t", "60%")
    g.add_holding("small-t", "t", "40%")
    chain = jvm.controllers(g, "t")
    assert chain.levels == (("a", "b"),)
    assert (chain.kind, chain.group, chain.ultimate) == ("group", ("a", "b"), None)
    assert jvm.ultimate_controller(g, "t") is None
    assert "control each other" in chain.describe()


def test_contract_over_a_group_member_breaks_the_group() -> None:
    # As above, but X holds a contract over A.  A control link takes precedence
    # over votes, so B's 60% of A no longer controls A: X controls A, A controls
    # B (its 60%) and the target.  The chain is A then X, and B, controlled by
    # A, controls nothing above the target.
    g = graph("a", "b", "t", "small-a", "small-b", "x")
    g.add_holding("b", "a", "60%")
    g.add_holding("small-a", "a", "40%")
    g.add_holding("a", "b", "60%")
    g.add_holding("small-b", "b", "40%")
    g.add_holding("a", "t", "60%")
    g.add_control("x", "a", basis="contract")
    chain = jvm.controllers(g, "t")
    assert chain.levels == (("a",), ("x",))
    assert (chain.ultimate, chain.steps[1].basis) == ("x", "contract")
    assert jvm.ultimate_controller(g, "b") == "x"


def test_aggregate_votes_of_controlled_entities_count() -> None:
    # P controls S1 and S2 (100% each); S1 and S2 hold 30% of the target each:
    # together 60% > 50%, so P controls the target although no single holder
    # has a majority.
    g = graph("p", "s1", "s2", "t", "other")
    g.add_holding("p", "s1", "100%")
    g.add_holding("p", "s2", "100%")
    g.add_holding("s1", "t", "30%")
    g.add_holding("s2", "t", "30%")
    g.add_holding("other", "t", "40%")
    chain = jvm.controllers(g, "t")
    assert (list(chain), chain.ultimate) == (["p"], "p")
    assert chain.steps[0].votes == Fraction(3, 5)


def test_vie_contract_takes_precedence_over_nominee_votes() -> None:
    # The nominee holds all of the operating company's votes, but the WFOE holds
    # a contractual control link: the contract decides, so the WFOE controls
    # the operating company and its parent is the ultimate controller.
    g = graph("parent", "wfoe", "opco", "nominee")
    g.add_holding("parent", "wfoe", "100%")
    g.add_holding("nominee", "opco", "100%")
    g.add_control("wfoe", "opco", basis="contract")
    chain = jvm.controllers(g, "opco")
    assert list(chain) == ["wfoe", "parent"]
    assert chain.steps[0].basis == "contract"
    assert "nominee" not in chain


def test_joint_control_by_two_contracts() -> None:
    # Two unrelated entities each hold a control link: control is joint, and only
    # an entity controlling both would control the target.
    g = graph("x", "y", "t")
    g.add_control("x", "t", basis="board")
    g.add_control("y", "t", basis="voting_agreement")
    assert jvm.controllers(g, "t").kind == "none"


def test_treasury_votes_are_left_out() -> None:
    # A holds 45% of the votes, 10% are treasury: 45/90 = 1/2 of the votes that
    # count, not more than half, so A does not control; at 46%, 46/90 > 1/2 does.
    g = graph("a", "t", "rest")
    g.add_holding("t", "t", "10%")
    g.add_holding("a", "t", "45%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("a", "t", "46%", valid_from=dt.date(2021, 1, 1))
    assert jvm.ultimate_controller(g, "t", as_of=dt.date(2020, 6, 1)) is None
    assert jvm.ultimate_controller(g, "t", as_of=dt.date(2021, 6, 1)) == "a"


def test_as_of_applies_to_control_links() -> None:
    g = graph("x", "t")
    g.add_control("x", "t", basis="contract", valid_from=dt.date(2022, 1, 1))
    assert jvm.ultimate_controller(g, "t", as_of=dt.date(2021, 12, 31)) is None
    assert jvm.ultimate_controller(g, "t", as_of=dt.date(2022, 1, 1)) == "x"


def test_voting_not_equity_decides() -> None:
    # Dual-class shares: A has 30% of the equity but 70% of the votes.
    g = graph("a", "b", "t")
    g.add_holding("a", "t", "30%", voting="70%")
    g.add_holding("b", "t", "70%", voting="30%")
    assert jvm.ultimate_controller(g, "t") == "a"


def test_unknown_target() -> None:
    with pytest.raises(jvm.UnknownEntityError):
        jvm.controllers(jvm.OwnershipGraph(), "nobody")


def test_ranged_votes_are_control_only_when_every_value_is() -> None:
    # A register says "more than 50% to 75%" (the UK PSC band): every value in
    # the band is a majority, so the holder controls.  "50% to 75%" with 50%
    # itself possible is not certain control.
    def held(band: jvm.Range) -> jvm.OwnershipGraph:
        g = graph("a", "t")
        g.add_holding("a", "t", band)
        return g

    assert jvm.ultimate_controller(held(jvm.Range("50%", "75%", closed="right")), "t") == "a"
    assert jvm.ultimate_controller(held(jvm.Range("50%", "75%")), "t") is None


def test_chain_indexing() -> None:
    g = graph("top", "mid", "t")
    g.add_holding("top", "mid", "100%")
    g.add_holding("mid", "t", "100%")
    chain = jvm.controllers(g, "t")
    assert (chain[0], chain[-1], len(chain), bool(chain)) == ("mid", "top", 2, True)
    assert not jvm.controllers(g, "top")
