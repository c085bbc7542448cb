"""Control chains pinned whole: levels, steps with their basis and votes, kind, contested
and the text, on small structures derived by hand; then the hierarchy's queries."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction

import attrs
import pytest

import jvmodel as jvm
from jvmodel.analysis.control import (
    ControlChain,
    ControlStep,
    Structure,
    control_hierarchy,
    votes_of,
    voting_closure,
)
from tests.properties.test_control import (
    reference_chain,
    reference_controllers,
    reference_sets,
)

# A band "more than 50% to 60%": its lower bound, 50%, is open, so every value is a majority.
HALF = Fraction(1, 2)
OVER_HALF = jvm.Range("50%", "60%", closed="right")


def graph(*entities: str) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity in entities:
        g.add_entity(entity, jurisdiction="GB")
    return g


def votes(controller: tuple[str, ...], controlled: str, share: Fraction) -> ControlStep:
    return ControlStep(controller=controller, controlled=controlled, basis="votes", votes=share)


def link(controller: tuple[str, ...], controlled: str, basis: str) -> ControlStep:
    return ControlStep(controller=controller, controlled=controlled, basis=basis)


def hierarchy_of(g: jvm.OwnershipGraph, *start: str) -> jvm.analysis.control.ControlHierarchy:
    return control_hierarchy(voting_closure(g, start or sorted(g)))


# -- chains of majority stakes -------------------------------------------------------


def test_a_chain_of_majorities_is_pinned_whole() -> None:
    # top 60% of mid, mid 60% of jv (the rest with small holders): mid controls jv
    # with 3/5 of its votes, top controls mid with 3/5.
    g = graph("top", "mid", "jv", "s1", "s2")
    g.add_holding("top", "mid", "60%")
    g.add_holding("s1", "mid", "40%")
    g.add_holding("mid", "jv", "60%")
    g.add_holding("s2", "jv", "40%")
    chain = jvm.controllers(g, "jv")
    assert chain == ControlChain(
        target="jv",
        levels=(("mid",), ("top",)),
        steps=(
            votes(("mid",), "jv", Fraction(3, 5)),
            votes(("top",), "mid", Fraction(3, 5)),
        ),
    )
    assert (chain.kind, chain.ultimate, chain.group, len(chain)) == ("single", "top", (), 2)
    assert ("top" in chain, "s1" in chain, "jv" in chain) == (True, False, False)
    assert (chain[0], chain[1], chain[-1]) == ("mid", "top", "top")
    assert chain.describe() == (
        "'jv' is controlled by 'mid' (60% of the votes), "
        "which is controlled by 'top' (60% of the votes)"
    )
    # The top and the small holders have no controller.
    for free in ("top", "s1", "s2"):
        assert jvm.controllers(g, free) == ControlChain(target=free)
    assert jvm.controllers(g, "s1").describe() == (
        "'s1' has no controller (dispersed or joint control)"
    )
    assert jvm.ultimate_controller(g, "jv") == "top"
    assert jvm.ultimate_controller(g, "mid") == "top"
    assert jvm.ultimate_controller(g, "top") is None


def test_a_stake_just_over_half_controls_and_exactly_half_does_not() -> None:
    # 50.0001% = 500001/1000000 > 1/2 controls; 50% exactly does not (a 50/50 JV).
    g = graph("a", "b", "t", "u")
    g.add_holding("a", "t", "50.0001%")
    g.add_holding("b", "t", "49.9999%")
    g.add_holding("a", "u", "50%")
    g.add_holding("b", "u", "50%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("a",),), steps=(votes(("a",), "t", Fraction(500001, 1000000)),)
    )
    assert jvm.controllers(g, "u") == ControlChain(target="u")
    assert jvm.ultimate_controller(g, "u") is None


def test_holders_a_parent_controls_vote_with_it() -> None:
    # P holds 100% of S1 and of S2, and 20% of T itself; S1 holds 20% and S2 15%
    # of T, O the other 45%.  No holder has a majority, but P with what it
    # controls holds 20% + 20% + 15% = 55% = 11/20 > 1/2: P controls T.
    g = graph("p", "s1", "s2", "t", "o")
    g.add_holding("p", "s1", "100%")
    g.add_holding("p", "s2", "100%")
    g.add_holding("p", "t", "20%")
    g.add_holding("s1", "t", "20%")
    g.add_holding("s2", "t", "15%")
    g.add_holding("o", "t", "45%")
    chain = jvm.controllers(g, "t")
    assert chain == ControlChain(
        target="t", levels=(("p",),), steps=(votes(("p",), "t", Fraction(11, 20)),)
    )
    assert chain.describe() == "'t' is controlled by 'p' (55% of the votes)"
    # S1 and S2 each have P as their one controller, with all the votes.
    assert jvm.controllers(g, "s2") == ControlChain(
        target="s2", levels=(("p",),), steps=(votes(("p",), "s2", Fraction(1)),)
    )


def test_holders_that_together_fall_short_do_not_control() -> None:
    # As above with P's own 20% replaced by 10%: 10% + 20% + 15% = 45% < 50%, and O
    # holds 55%, so O controls T alone.
    g = graph("p", "s1", "s2", "t", "o")
    g.add_holding("p", "s1", "100%")
    g.add_holding("p", "s2", "100%")
    g.add_holding("p", "t", "10%")
    g.add_holding("s1", "t", "20%")
    g.add_holding("s2", "t", "15%")
    g.add_holding("o", "t", "55%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("o",),), steps=(votes(("o",), "t", Fraction(11, 20)),)
    )


def test_a_controlled_holder_and_its_parent_reach_exactly_half() -> None:
    # P holds 100% of S; P 25% and S 25% of T: together exactly 1/2, not a
    # majority, so no one controls T; at 26% for P, 26% + 25% = 51% does.
    g = graph("p", "s", "t", "o")
    g.add_holding("p", "s", "100%")
    g.add_holding("s", "t", "25%")
    g.add_holding("p", "t", "25%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("o", "t", "50%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("p", "t", "26%", valid_from=dt.date(2021, 1, 1))
    g.add_holding("o", "t", "49%", valid_from=dt.date(2021, 1, 1))
    assert jvm.controllers(g, "t", as_of=dt.date(2020, 6, 1)) == ControlChain(target="t")
    assert jvm.controllers(g, "t", as_of=dt.date(2021, 6, 1)) == ControlChain(
        target="t", levels=(("p",),), steps=(votes(("p",), "t", Fraction(51, 100)),)
    )


def test_two_subsidiaries_of_a_parent_under_a_grandparent() -> None:
    # G 100% of P; P 100% of S1 and S2; S1 30%, S2 30% of T, O 40%: P (with S1
    # and S2) holds 60% of T, so P is the nearest controller and G the next.
    g = graph("g", "p", "s1", "s2", "t", "o")
    g.add_holding("g", "p", "100%")
    g.add_holding("p", "s1", "100%")
    g.add_holding("p", "s2", "100%")
    g.add_holding("s1", "t", "30%")
    g.add_holding("s2", "t", "30%")
    g.add_holding("o", "t", "40%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t",
        levels=(("p",), ("g",)),
        steps=(votes(("p",), "t", Fraction(3, 5)), votes(("g",), "p", Fraction(1))),
    )


def test_holders_under_different_parents_need_a_common_one() -> None:
    # A 100% of S1, B 100% of S2; S1 30%, S2 30%, O 40% of T.  A controls only
    # 30%, B only 30%: no one controls T.  With G holding 100% of A and of B, G
    # controls both, so 60% of T: G is T's one controller.
    g = graph("a", "b", "s1", "s2", "t", "o", "g")
    g.add_holding("a", "s1", "100%")
    g.add_holding("b", "s2", "100%")
    g.add_holding("s1", "t", "30%")
    g.add_holding("s2", "t", "30%")
    g.add_holding("o", "t", "40%")
    assert jvm.controllers(g, "t") == ControlChain(target="t")
    g.add_holding("g", "a", "100%")
    g.add_holding("g", "b", "100%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("g",),), steps=(votes(("g",), "t", Fraction(3, 5)),)
    )


def test_a_nearer_controller_of_enough_holders_hides_the_one_above() -> None:
    # G 100% of P and of S3; P 100% of S1 and S2; S1 30%, S2 30%, S3 20%, O 20%
    # of T.  P holds 60% through S1 and S2 and is nearest; G, above P, controls
    # 80% but is not nearest.  Steps: P with 3/5 of T, G with all of P.
    g = graph("g", "p", "s1", "s2", "s3", "t", "o")
    g.add_holding("g", "p", "100%")
    g.add_holding("g", "s3", "100%")
    g.add_holding("p", "s1", "100%")
    g.add_holding("p", "s2", "100%")
    g.add_holding("s1", "t", "30%")
    g.add_holding("s2", "t", "30%")
    g.add_holding("s3", "t", "20%")
    g.add_holding("o", "t", "20%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t",
        levels=(("p",), ("g",)),
        steps=(votes(("p",), "t", Fraction(3, 5)), votes(("g",), "p", Fraction(1))),
    )
    h = hierarchy_of(g)
    assert h.nearest("t") == ("p",)
    assert h.controllers_of("t") == frozenset({"p", "g"})


def test_a_parent_reaches_a_majority_only_with_a_second_branch() -> None:
    # G 100% of P and of S3; P 100% of S1; S1 30%, S3 25%, O 45% of T.  P holds
    # only 30%; G holds 30% + 25% = 55% = 11/20: G is the nearest controller.
    g = graph("g", "p", "s1", "s3", "t", "o")
    g.add_holding("g", "p", "100%")
    g.add_holding("g", "s3", "100%")
    g.add_holding("p", "s1", "100%")
    g.add_holding("s1", "t", "30%")
    g.add_holding("s3", "t", "25%")
    g.add_holding("o", "t", "45%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("g",),), steps=(votes(("g",), "t", Fraction(11, 20)),)
    )


def test_a_holder_with_two_controlling_parents_counts_once() -> None:
    # P2 100% of P1, P1 100% of S; and P2 also holds 100% of S2.  S 30%, S2 25%,
    # O 45% of T: P1 controls only S (30%); P2 controls S (through P1) and S2,
    # so 30% + 25% = 55% = 11/20, S counted once.
    g = graph("p1", "p2", "s", "s2", "t", "o")
    g.add_holding("p2", "p1", "100%")
    g.add_holding("p1", "s", "100%")
    g.add_holding("p2", "s2", "100%")
    g.add_holding("s", "t", "30%")
    g.add_holding("s2", "t", "25%")
    g.add_holding("o", "t", "45%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("p2",),), steps=(votes(("p2",), "t", Fraction(11, 20)),)
    )


# -- treasury, bands, dates ------------------------------------------------------------


def test_treasury_is_left_out_and_the_rest_renormalised() -> None:
    # T holds 10% of itself.  A holds 46%: 46/90 = 23/45 > 1/2 of the votes that
    # count; B 44%: 44/90 = 22/45.
    g = graph("a", "b", "t")
    g.add_holding("t", "t", "10%")
    g.add_holding("a", "t", "46%")
    g.add_holding("b", "t", "44%")
    assert votes_of(g, "t", None) == {"a": Fraction(23, 45), "b": Fraction(22, 45)}
    chain = jvm.controllers(g, "t")
    assert chain == ControlChain(
        target="t", levels=(("a",),), steps=(votes(("a",), "t", Fraction(23, 45)),)
    )
    assert chain.describe() == "'t' is controlled by 'a' (23/45 of the votes)"


def test_treasury_that_leaves_exactly_half() -> None:
    # T 20% treasury, A 40%, B 40%: A has 40/80 = 1/2, not a majority.
    g = graph("a", "b", "t")
    g.add_holding("t", "t", "20%")
    g.add_holding("a", "t", "40%")
    g.add_holding("b", "t", "40%")
    assert votes_of(g, "t", None) == {"a": HALF, "b": HALF}
    assert jvm.controllers(g, "t") == ControlChain(target="t")


def test_a_band_open_at_half_is_a_majority_and_a_closed_one_is_not() -> None:
    # "more than 50% to 60%" counts with 50%, open: every value is a majority.
    # "50% to 60%" includes 50% itself: not certain control.
    g = graph("a", "b", "t", "u")
    g.add_holding("a", "t", OVER_HALF.min, voting=OVER_HALF)
    g.add_holding("b", "u", "50%", voting=jvm.Range("50%", "60%"))
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("a",),), steps=(votes(("a",), "t", HALF),)
    )
    assert jvm.controllers(g, "u") == ControlChain(target="u")
    s = voting_closure(g, ["t", "u"])
    assert (s.votes_in["t"], s.open_in["t"]) == ({"a": HALF}, frozenset({"a"}))
    assert (s.votes_in["u"], s.open_in["u"]) == ({"b": HALF}, frozenset())


def test_an_open_band_held_with_a_controlled_holder_reaches_a_majority() -> None:
    # P 100% of S; S holds "more than 30% to 40%" (counted 30%, open) and P 20% of
    # T: together 50%, open at its low end, so strictly more than half: P
    # controls T.  With the band closed at 30%, exactly half is possible: no one.
    for band, controlled in [
        (jvm.Range("30%", "40%", closed="right"), True),
        (jvm.Range("30%", "40%"), False),
    ]:
        g = graph("p", "s", "t")
        g.add_holding("p", "s", "100%")
        g.add_holding("s", "t", band.min, voting=band)
        g.add_holding("p", "t", "20%")
        expected = (
            ControlChain(target="t", levels=(("p",),), steps=(votes(("p",), "t", HALF),))
            if controlled
            else ControlChain(target="t")
        )
        assert jvm.controllers(g, "t") == expected


def test_ranged_votes_refused_where_exact_stakes_are_needed() -> None:
    g = graph("a", "t")
    g.add_holding("a", "t", OVER_HALF.min, voting=OVER_HALF)
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^the voting stake of 'a' in 't' is a range \(.*\); this analysis needs exact",
    ) as info:
        votes_of(g, "t", None)
    assert (info.value.fields["reason"], info.value.fields["entity"]) == ("ranged stake", "t")
    # With ranges=True the band counts with its lower bound.
    assert votes_of(g, "t", None, ranges=True) == {"a": HALF}


def test_a_ranged_treasury_band_counts_its_lower_bound_and_is_not_a_holder() -> None:
    # T holds "more than 10% to 20%" of itself: 10% counted as treasury (never as
    # an open band of a holder); A 45% then has 45/90 = 1/2, not a majority.
    g = graph("a", "t")
    band = jvm.Range("10%", "20%", closed="right")
    g.add_holding("t", "t", band)
    g.add_holding("a", "t", "45%")
    s = voting_closure(g, ["t"])
    assert (s.votes_in["t"], s.open_in["t"]) == ({"a": HALF}, frozenset())
    assert jvm.controllers(g, "t") == ControlChain(target="t")


def test_stakes_of_zero_votes_are_not_holders() -> None:
    # A holds 60% of the equity and no votes, B 40% equity and all the votes.
    g = graph("a", "b", "t")
    g.add_holding("a", "t", "60%", voting="0%")
    g.add_holding("b", "t", "40%", voting="100%")
    assert votes_of(g, "t", None) == {"b": Fraction(1)}
    s = voting_closure(g, ["t"])
    assert sorted(s.votes_in) == ["b", "t"]


def test_dates_choose_the_holdings_and_links() -> None:
    # Until 2020-12-31 A holds 60% of T; from 2021-01-01 B does, and from
    # 2022-01-01 X also holds a contract over T, which takes precedence.
    g = graph("a", "b", "x", "t", "o")
    g.add_holding("a", "t", "60%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("b", "t", "60%", valid_from=dt.date(2021, 1, 1))
    g.add_holding("o", "t", "40%")
    g.add_control("x", "t", basis="contract", valid_from=dt.date(2022, 1, 1))
    assert jvm.controllers(g, "t", as_of=dt.date(2020, 6, 1)).levels == (("a",),)
    assert jvm.controllers(g, "t", as_of=dt.date(2021, 6, 1)).levels == (("b",),)
    assert jvm.controllers(g, "t", as_of=dt.date(2022, 6, 1)) == ControlChain(
        target="t", levels=(("x",),), steps=(link(("x",), "t", "contract"),)
    )
    assert jvm.ultimate_controller(g, "t", as_of=dt.date(2020, 6, 1)) == "a"
    s = voting_closure(g, ["t"], as_of=dt.date(2021, 6, 1))
    assert s.votes_in == {"t": {"b": Fraction(3, 5), "o": Fraction(2, 5)}, "b": {}, "o": {}}
    assert s.links_in == {"t": {}, "b": {}, "o": {}}


# -- control links -----------------------------------------------------------------------


def test_one_link_takes_precedence_over_votes() -> None:
    # The nominee holds all of OpCo's votes; WFOE holds a contract and a board
    # right (its bases sorted: "board" first); Parent 100% of WFOE.
    g = graph("parent", "wfoe", "opco", "nominee")
    g.add_holding("parent", "wfoe", "100%")
    g.add_holding("nominee", "opco", "100%")
    g.add_control("wfoe", "opco", basis="contract")
    g.add_control("wfoe", "opco", basis="board")
    chain = jvm.controllers(g, "opco")
    assert chain == ControlChain(
        target="opco",
        levels=(("wfoe",), ("parent",)),
        steps=(link(("wfoe",), "opco", "board"), votes(("parent",), "wfoe", Fraction(1))),
    )
    assert chain.describe() == (
        "'opco' is controlled by 'wfoe' (board), "
        "which is controlled by 'parent' (100% of the votes)"
    )
    s = voting_closure(g, ["opco"])
    assert s.links_in["opco"] == {"wfoe": ("board", "contract")}


def test_a_voting_agreement_reads_in_words() -> None:
    g = graph("x", "t")
    g.add_control("x", "t", basis="voting_agreement")
    chain = jvm.controllers(g, "t")
    assert chain == ControlChain(
        target="t", levels=(("x",),), steps=(link(("x",), "t", "voting_agreement"),)
    )
    assert chain.describe() == "'t' is controlled by 'x' (voting agreement)"


def test_joint_links_are_control_of_whoever_controls_every_holder() -> None:
    # X (board) and Y (voting agreement) each hold a link over T: joint control,
    # no controller.  With P holding 100% of X and of Y, P controls both link
    # holders, so T: its step names no basis of P's own, "control link".
    g = graph("x", "y", "t")
    g.add_control("x", "t", basis="board")
    g.add_control("y", "t", basis="voting_agreement")
    assert jvm.controllers(g, "t") == ControlChain(target="t")
    g.add_entity("p")
    g.add_holding("p", "x", "100%")
    g.add_holding("p", "y", "100%")
    chain = jvm.controllers(g, "t")
    assert chain == ControlChain(
        target="t",
        levels=(("p",),),
        steps=(ControlStep(controller=("p",), controlled="t", basis="control link"),),
    )
    assert chain.describe() == "'t' is controlled by 'p' (control link)"


def test_joint_links_where_one_holder_controls_the_other() -> None:
    # X holds a board link and Y a contract over T, and X holds 100% of Y: X
    # controls every holder of a link, so X controls T, with its own basis.
    g = graph("x", "y", "t")
    g.add_control("x", "t", basis="board")
    g.add_control("y", "t", basis="contract")
    g.add_holding("x", "y", "100%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("x",),), steps=(link(("x",), "t", "board"),)
    )


def test_three_joint_links_need_all_three() -> None:
    # P 100% of X and Y; Z independent: P holds two of three links, not enough.
    # With Q 100% of P and of Z, Q controls all three holders: Q controls T.
    g = graph("p", "x", "y", "z", "t")
    for holder in ("x", "y", "z"):
        g.add_control(holder, "t", basis="board")
    g.add_holding("p", "x", "100%")
    g.add_holding("p", "y", "100%")
    assert jvm.controllers(g, "t") == ControlChain(target="t")
    g.add_entity("q")
    g.add_holding("q", "p", "100%")
    g.add_holding("q", "z", "100%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("q",),), steps=(link(("q",), "t", "control link"),)
    )


def test_a_link_held_by_a_controlled_entity() -> None:
    # G 60% of X; X holds a contract over T; T's votes are with N (100%).
    g = graph("g", "x", "t", "n", "o")
    g.add_holding("g", "x", "60%")
    g.add_holding("o", "x", "40%")
    g.add_holding("n", "t", "100%")
    g.add_control("x", "t", basis="contract")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t",
        levels=(("x",), ("g",)),
        steps=(link(("x",), "t", "contract"), votes(("g",), "x", Fraction(3, 5))),
    )


# -- mutual control ------------------------------------------------------------------------


def mutual(g: jvm.OwnershipGraph) -> None:
    # A holds 60% of B and B 60% of A (the rest with small holders).
    g.add_holding("b", "a", "60%")
    g.add_holding("sa", "a", "40%")
    g.add_holding("a", "b", "60%")
    g.add_holding("sb", "b", "40%")


def test_a_mutual_control_group_at_the_top() -> None:
    # A and B control each other; A holds 60% of T: the group is T's one level.
    g = graph("a", "b", "t", "sa", "sb", "st")
    mutual(g)
    g.add_holding("a", "t", "60%")
    g.add_holding("st", "t", "40%")
    chain = jvm.controllers(g, "t")
    assert chain == ControlChain(
        target="t", levels=(("a", "b"),), steps=(votes(("a", "b"), "t", Fraction(3, 5)),)
    )
    assert (chain.kind, chain.group, chain.ultimate) == ("group", ("a", "b"), None)
    assert chain.describe() == (
        "'t' is controlled by 'a' and 'b' (60% of the votes); "
        "these control each other and have no outside controller"
    )
    # A member's chain: its mate, the rest of its group.
    assert jvm.controllers(g, "a") == ControlChain(
        target="a", levels=(("b",),), steps=(votes(("b",), "a", Fraction(3, 5)),)
    )
    h = hierarchy_of(g)
    assert h.nearest("a") == ("b",)
    assert h.nearest("t") == ("a", "b")
    assert h.controllers_of("a") == frozenset({"b"})
    assert h.controllers_of("t") == frozenset({"a", "b"})
    assert (h.controls("a", "b"), h.controls("b", "a"), h.controls("b", "t")) == (True,) * 3
    assert (h.controls("t", "a"), h.controls("sa", "a"), h.controls("a", "sa")) == (False,) * 3


def test_a_mutual_group_each_holding_part_of_the_target() -> None:
    # A and B control each other and hold 30% each of T: together 60%.
    g = graph("a", "b", "t", "sa", "sb", "st")
    mutual(g)
    g.add_holding("a", "t", "30%")
    g.add_holding("b", "t", "30%")
    g.add_holding("st", "t", "40%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("a", "b"),), steps=(votes(("a", "b"), "t", Fraction(3, 5)),)
    )


def test_mutual_control_by_links() -> None:
    # A holds a contract over B, B a board right over A: each controls the other.
    # A holds 100% of T.
    g = graph("a", "b", "t")
    g.add_control("a", "b", basis="contract")
    g.add_control("b", "a", basis="board")
    g.add_holding("a", "t", "100%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("a", "b"),), steps=(votes(("a", "b"), "t", Fraction(1)),)
    )
    assert jvm.controllers(g, "a") == ControlChain(
        target="a", levels=(("b",),), steps=(link(("b",), "a", "board"),)
    )


def test_a_contract_over_a_member_breaks_the_group() -> None:
    # As the mutual group, with X holding a contract over A: the link decides A,
    # so B's 60% does not control A; X controls A, A controls B and T.
    g = graph("a", "b", "t", "sa", "sb", "x", "st")
    mutual(g)
    g.add_holding("a", "t", "60%")
    g.add_holding("st", "t", "40%")
    g.add_control("x", "a", basis="contract")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t",
        levels=(("a",), ("x",)),
        steps=(votes(("a",), "t", Fraction(3, 5)), link(("x",), "a", "contract")),
    )
    assert jvm.controllers(g, "b") == ControlChain(
        target="b",
        levels=(("a",), ("x",)),
        steps=(votes(("a",), "b", Fraction(3, 5)), link(("x",), "a", "contract")),
    )


def test_cross_holdings_without_control() -> None:
    # A 30% of B, B 30% of A: a cycle of holdings with no majority in it.  SA
    # holds the other 70% of A (a majority: SA controls A), SB 70% of B.  A holds
    # 60% of T: T's chain is A (3/5), then SA (7/10 of A).
    g = graph("a", "b", "t", "sa", "sb", "st")
    g.add_holding("b", "a", "30%")
    g.add_holding("sa", "a", "70%")
    g.add_holding("a", "b", "30%")
    g.add_holding("sb", "b", "70%")
    g.add_holding("a", "t", "60%")
    g.add_holding("st", "t", "40%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t",
        levels=(("a",), ("sa",)),
        steps=(votes(("a",), "t", Fraction(3, 5)), votes(("sa",), "a", Fraction(7, 10))),
    )
    assert jvm.controllers(g, "b") == ControlChain(
        target="b", levels=(("sb",),), steps=(votes(("sb",), "b", Fraction(7, 10)),)
    )
    # With SA's 70% split between SA (35%) and SC (35%), no one controls A.
    g = graph("a", "b", "sa", "sc", "sb")
    g.add_holding("b", "a", "30%")
    g.add_holding("sa", "a", "35%")
    g.add_holding("sc", "a", "35%")
    g.add_holding("a", "b", "30%")
    g.add_holding("sb", "b", "70%")
    assert jvm.controllers(g, "a") == ControlChain(target="a")


def test_an_outside_parent_controls_a_cycle_member_and_through_it_the_other() -> None:
    # P 60% of A; A 60% of B; B 30% of A (the cycle), small holders the rest.
    # P controls A, A (with nothing else) controls B: chains B ← A ← P.
    g = graph("p", "a", "b", "sa", "sb")
    g.add_holding("p", "a", "60%")
    g.add_holding("b", "a", "30%")
    g.add_holding("sa", "a", "10%")
    g.add_holding("a", "b", "60%")
    g.add_holding("sb", "b", "40%")
    assert jvm.controllers(g, "b") == ControlChain(
        target="b",
        levels=(("a",), ("p",)),
        steps=(votes(("a",), "b", Fraction(3, 5)), votes(("p",), "a", Fraction(9, 10))),
    )
    # P's step over A counts P's 60% and B's 30% (B is controlled by P): 9/10.


def test_an_outside_parent_reaches_a_majority_only_with_the_cycle() -> None:
    # P 40% of A, A 60% of B, B 20% of A, S 40% of A, SB 40% of B.  P alone has
    # 40% of A; B is not controlled by P unless A is: P does not control A.
    g = graph("p", "a", "b", "s", "sb")
    g.add_holding("p", "a", "40%")
    g.add_holding("b", "a", "20%")
    g.add_holding("s", "a", "40%")
    g.add_holding("a", "b", "60%")
    g.add_holding("sb", "b", "40%")
    assert jvm.controllers(g, "a") == ControlChain(target="a")
    assert jvm.controllers(g, "b") == ControlChain(
        target="b", levels=(("a",),), steps=(votes(("a",), "b", Fraction(3, 5)),)
    )


def test_an_outside_parent_of_two_cycle_holders() -> None:
    # P 100% of Q1 and Q2; Q1 30% of A, Q2 30% of B; A 40% of B, B 40% of A; SA
    # 30% of A, SB 30% of B.  No single holder controls A or B, but P (with Q1,
    # Q2) holds 30% of each: not a majority.  C(P) = {P, Q1, Q2}.
    g = graph("p", "q1", "q2", "a", "b", "sa", "sb")
    g.add_holding("p", "q1", "100%")
    g.add_holding("p", "q2", "100%")
    g.add_holding("q1", "a", "30%")
    g.add_holding("q2", "b", "30%")
    g.add_holding("a", "b", "40%")
    g.add_holding("b", "a", "40%")
    g.add_holding("sa", "a", "30%")
    g.add_holding("sb", "b", "30%")
    assert jvm.controllers(g, "a") == ControlChain(target="a")
    # With Q1 at 31% of A (SA 29%), P holds 31% + ... still no majority of A.
    # Add a contract of P over A: P controls A, and A (40% of B) with Q2 (30%)
    # gives P 70% of B.
    g.add_control("p", "a", basis="contract")
    assert jvm.controllers(g, "a") == ControlChain(
        target="a", levels=(("p",),), steps=(link(("p",), "a", "contract"),)
    )
    assert jvm.controllers(g, "b") == ControlChain(
        target="b", levels=(("p",),), steps=(votes(("p",), "b", Fraction(7, 10)),)
    )


# -- contested control --------------------------------------------------------------------


def test_two_open_bands_over_half_are_contested() -> None:
    # A and B each hold "more than 50% to 60%" of T: each counts 50%, open, so each
    # holds a majority on its own reading; they do not control each other, so
    # control is contested.  The levels follow the order of the holders found.
    g = graph("a", "b", "t")
    g.add_holding("a", "t", OVER_HALF.min, voting=OVER_HALF)
    g.add_holding("b", "t", OVER_HALF.min, voting=OVER_HALF)
    chain = jvm.controllers(g, "t")
    assert chain == ControlChain(
        target="t",
        levels=(("b",), ("a",)),
        steps=(votes(("b",), "t", HALF), votes(("a",), "b", Fraction(0))),
        contested=True,
    )
    assert (chain.kind, chain.ultimate, chain.group) == ("contested", None, ())
    assert chain.describe() == (
        "'t' is controlled by 'b' (50% of the votes), which is controlled by 'a' "
        "(0% of the votes); its control is contested (controllers that do not control "
        "each other)"
    )
    assert jvm.ultimate_controller(g, "t") is None
    h = hierarchy_of(g)
    assert sorted(h.nearest("t")) == ["a", "b"]
    assert (h.controls("a", "b"), h.controls("b", "a")) == (False, False)


def test_contested_holders_under_one_parent() -> None:
    # As above with P holding 100% of A and of B: P controls both.  The line is
    # not one chain (A and B do not control each other), so still contested,
    # with P at the top.
    g = graph("a", "b", "t", "p")
    g.add_holding("a", "t", OVER_HALF.min, voting=OVER_HALF)
    g.add_holding("b", "t", OVER_HALF.min, voting=OVER_HALF)
    g.add_holding("p", "a", "100%")
    g.add_holding("p", "b", "100%")
    chain = jvm.controllers(g, "t")
    assert chain == ControlChain(
        target="t",
        levels=(("b",), ("a",), ("p",)),
        steps=(
            votes(("b",), "t", HALF),
            votes(("a",), "b", Fraction(0)),
            votes(("p",), "a", Fraction(1)),
        ),
        contested=True,
    )
    assert chain.kind == "contested"


def test_contested_holders_each_with_their_own_parent() -> None:
    # A held 100% by P, B held 60% by Q (40% by R): four controllers of T, in two
    # lines P → A and Q → B that do not meet.
    g = graph("a", "b", "t", "p", "q", "r")
    g.add_holding("a", "t", OVER_HALF.min, voting=OVER_HALF)
    g.add_holding("b", "t", OVER_HALF.min, voting=OVER_HALF)
    g.add_holding("p", "a", "100%")
    g.add_holding("q", "b", "60%")
    g.add_holding("r", "b", "40%")
    chain = jvm.controllers(g, "t")
    assert chain.contested
    assert set(chain) == {"a", "b", "p", "q"}
    assert len(chain.levels) == 4
    assert chain.levels.index(("p",)) > chain.levels.index(("a",))
    assert chain.levels.index(("q",)) > chain.levels.index(("b",))
    h = hierarchy_of(g)
    assert h.controllers_of("t") == frozenset({"a", "b", "p", "q"})
    assert (h.controls("p", "t"), h.controls("q", "t"), h.controls("r", "t")) == (
        True,
        True,
        False,
    )
    assert (h.controls("p", "b"), h.controls("q", "a")) == (False, False)


def test_a_contested_controller_in_a_mutual_group() -> None:
    # A and B control each other (60% each way); A holds "more than 50% to 60%"
    # of T and C holds the same band: the group {A, B} and C both control T.
    g = graph("a", "b", "c", "t", "sa", "sb")
    mutual(g)
    g.add_holding("a", "t", OVER_HALF.min, voting=OVER_HALF)
    g.add_holding("c", "t", OVER_HALF.min, voting=OVER_HALF)
    chain = jvm.controllers(g, "t")
    assert chain.contested
    assert set(chain.levels) == {("a", "b"), ("c",)}
    assert chain.kind == "contested"


# -- the records themselves ------------------------------------------------------------------


def test_a_step_in_words() -> None:
    # Votes with a share; a basis with underscores in words; "votes" with no share
    # reads as its basis.
    assert votes(("a",), "t", Fraction(1, 3)).describe() == "'a' (1/3 of the votes)"
    assert votes(("a", "b"), "t", Fraction(3, 5)).describe() == "'a' and 'b' (60% of the votes)"
    assert link(("x",), "t", "voting_agreement").describe() == "'x' (voting agreement)"
    assert link(("x",), "t", "votes").describe() == "'x' (votes)"
    assert link(("x",), "t", "a_b_c").describe() == "'x' (a b c)"


def test_a_chain_built_by_hand_reads_its_kind() -> None:
    single = ControlChain(
        target="t",
        levels=(("m",), ("p", "q")),
        steps=(votes(("m",), "t", HALF), votes(("p", "q"), "m", Fraction(1))),
    )
    assert (single.kind, single.group, single.ultimate) == ("group", ("p", "q"), None)
    assert (list(single), len(single), single[2], "q" in single, "t" in single) == (
        ["m", "p", "q"],
        3,
        "q",
        True,
        False,
    )
    assert single.describe() == (
        "'t' is controlled by 'm' (50% of the votes), which is controlled by 'p' and 'q' "
        "(100% of the votes); these control each other and have no outside controller"
    )
    contested = attrs.evolve(single, contested=True)
    assert (contested.kind, contested.group, contested.ultimate) == ("contested", (), None)
    one = ControlChain(target="t", levels=(("m",),), steps=(link(("m",), "t", "board"),))
    assert (one.kind, one.ultimate, one.group, one.describe()) == (
        "single",
        "m",
        (),
        "'t' is controlled by 'm' (board)",
    )
    empty = ControlChain(target="t")
    assert (empty.kind, empty.ultimate, empty.group, len(empty), list(empty)) == (
        "none",
        None,
        (),
        0,
        [],
    )


class _Stake:
    """A holding as the votes are read: an owner, a voting stake, treasury or not."""

    def __init__(self, owner: str, voting: Fraction, *, is_treasury: bool = False) -> None:
        self.owner, self.voting, self.is_treasury = owner, voting, is_treasury


class _Holdings:
    def __init__(self, *stakes: _Stake) -> None:
        self.stakes = stakes

    def holdings_of(self, entity: str, *, as_of: object) -> tuple[_Stake, ...]:
        return self.stakes


def test_all_votes_in_treasury_is_refused() -> None:
    # The graph refuses a treasury holding of 100% (and overlapping ones); read
    # through a stand-in, treasury records adding up to all the votes are refused.
    g = _Holdings(
        _Stake("t", Fraction(3, 5), is_treasury=True),
        _Stake("t", Fraction(2, 5), is_treasury=True),
    )
    with pytest.raises(
        jvm.CircularOwnershipError,
        match=r"^'t' holds all of its own votes, so no one else can control it$",
    ) as info:
        votes_of(g, "t", None)  # type: ignore[arg-type]
    assert info.value.fields["entities"] == ("t",)
    # Two treasury records of 30% and 20% leave half: A's 25% counts 25/50 = 1/2.
    g = _Holdings(
        _Stake("t", Fraction(3, 10), is_treasury=True),
        _Stake("a", Fraction(1, 4)),
        _Stake("t", Fraction(1, 5), is_treasury=True),
    )
    assert votes_of(g, "t", None) == {"a": HALF}  # type: ignore[arg-type]


def test_holders_outside_the_structure_control_nothing_in_it() -> None:
    # A structure given by hand may name holders it does not list ("ghost"):
    # they are never controllers.  T's links are held by ghost and A: A does not
    # hold every link, so no one controls T; a ghost majority controls no one.
    s = Structure(
        votes_in={"t": {"a": Fraction(1)}, "a": {}},
        links_in={"t": {"ghost": ("contract",), "a": ("board",)}, "a": {}},
    )
    assert control_hierarchy(s).chain("t") == ControlChain(target="t")
    s = Structure(
        votes_in={"t": {"ghost": Fraction(3, 5), "a": Fraction(2, 5)}, "a": {}}, links_in={}
    )
    assert control_hierarchy(s).chain("t") == ControlChain(target="t")
    # A and B hold 60% of each other, ghost the rest of each and a link over B:
    # the link decides B, and its holder is not in the structure, so B has no
    # controller, while B controls A (60%) and, through A, T.
    s = Structure(
        votes_in={
            "a": {"b": Fraction(3, 5), "ghost": Fraction(2, 5)},
            "b": {"a": Fraction(3, 5), "ghost": Fraction(2, 5)},
            "t": {"a": Fraction(1)},
        },
        links_in={"b": {"ghost": ("contract",)}},
    )
    h = control_hierarchy(s)
    assert h.chain("b") == ControlChain(target="b")
    assert h.chain("t") == ControlChain(
        target="t",
        levels=(("a",), ("b",)),
        steps=(votes(("a",), "t", Fraction(1)), votes(("b",), "a", Fraction(3, 5))),
    )


def test_the_nearest_marked_controller_of_a_contested_entity() -> None:
    # B1 and B2 each hold "more than 50%" of T (contested).  P holds 100% of B1 and
    # of Q, Q 100% of B2: P controls T through both lines, Q through B2.  With P
    # and Q marked, the branch of B1 passes on P and that of B2 passes on Q; P
    # controls Q, so the nearest marked controller is Q alone.
    g = graph("b1", "b2", "p", "q", "t")
    g.add_holding("b1", "t", OVER_HALF.min, voting=OVER_HALF)
    g.add_holding("b2", "t", OVER_HALF.min, voting=OVER_HALF)
    g.add_holding("p", "b1", "100%")
    g.add_holding("p", "q", "100%")
    g.add_holding("q", "b2", "100%")
    h = hierarchy_of(g)
    marked = {"p", "q"}.__contains__
    assert h.nearest_where("t", marked, {}, lambda _: True) == ("q",)
    assert h.nearest_where("t", {"p"}.__contains__, {}, lambda _: False) == ("p",)
    assert h.nearest_where("t", {"b1", "b2"}.__contains__, {}, lambda _: True) == ("b1", "b2")
    assert h.nearest_where("t", {"t"}.__contains__, {}, lambda _: True) == ()


@pytest.mark.parametrize("names", [("s1", "s2"), ("s2", "s1")])
def test_an_open_band_counts_wherever_it_is_taken_in_the_walk(names: tuple[str, str]) -> None:
    # P 100% of S1 and S2; S1 holds "more than 20% to 30%" of T (20%, open), S2
    # 30%, O 50%: P holds 20% + 30% = 1/2, open at its low end, so more than half.
    # The two subsidiaries are added in both orders, so either is walked first.
    first, second = names
    g = graph("p", first, second, "t", "o")
    band = jvm.Range("20%", "30%", closed="right")
    g.add_holding("p", first, "100%")
    g.add_holding("p", second, "100%")
    g.add_holding("s1", "t", band.min, voting=band)
    g.add_holding("s2", "t", "30%")
    g.add_holding("o", "t", "50%")
    assert jvm.controllers(g, "t") == ControlChain(
        target="t", levels=(("p",),), steps=(votes(("p",), "t", HALF),)
    )


def test_an_open_band_from_outside_a_cycle_counts_with_closed_stakes() -> None:
    # A and B hold 20% and 40% of each other (a cycle, no control in it).  P holds
    # 100% of Q and R; P holds "more than 20% to 30%" of A (20%, open), Q 15%, R 15%,
    # S 30%: P with Q and R holds 20% + 15% + 15% = 1/2, open: P controls A; B's
    # other 60% is SB's, so SB controls B.
    g = graph("a", "b", "p", "q", "r", "s", "sb")
    band = jvm.Range("20%", "30%", closed="right")
    g.add_holding("b", "a", "20%")
    g.add_holding("a", "b", "40%")
    g.add_holding("sb", "b", "60%")
    g.add_holding("p", "q", "100%")
    g.add_holding("p", "r", "100%")
    g.add_holding("p", "a", band.min, voting=band)
    g.add_holding("q", "a", "15%")
    g.add_holding("r", "a", "15%")
    g.add_holding("s", "a", "30%")
    assert jvm.controllers(g, "a") == ControlChain(
        target="a", levels=(("p",),), steps=(votes(("p",), "a", HALF),)
    )


def test_votes_of_reads_the_day_asked() -> None:
    # A held 60% until 2020-12-31, 40% after; B the rest.
    g = graph("a", "b", "t")
    g.add_holding("a", "t", "60%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("b", "t", "40%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("a", "t", "40%", valid_from=dt.date(2021, 1, 1))
    g.add_holding("b", "t", "60%", valid_from=dt.date(2021, 1, 1))
    assert votes_of(g, "t", dt.date(2020, 6, 1)) == {"a": Fraction(3, 5), "b": Fraction(2, 5)}
    assert votes_of(g, "t", dt.date(2021, 6, 1)) == {"a": Fraction(2, 5), "b": Fraction(3, 5)}


# -- the hierarchy against the definition, on a fixed corpus --------------------------------
#
# The answers of the structures below come from the definition read literally
# (``reference_sets``: one worklist per entity, quadratic), not from the library's
# nearest-link walk.  The corpus is drawn once from a fixed seed, so the test is
# deterministic; it mixes chains, cross-holdings, mutual control, joint links,
# treasury and bands open at their lower end.

_STAKES = [Fraction(1), Fraction(3, 5), HALF, Fraction(2, 5), Fraction(3, 10), Fraction(1, 5)]
_BANDS = [jvm.Range("50%", "75%", closed="right"), jvm.Range("50%", "75%"), OVER_HALF]


def corpus_graph(seed: int, contested: float = 0.0) -> jvm.OwnershipGraph:
    # ``contested``: how often an entity is held by two others each with a band
    # over half (contested control: classes with two nearest controlling classes).
    rng = random.Random(seed)
    names = [f"e{i}" for i in range(rng.randint(2, 7))]
    g = graph(*names)
    for owned in names:
        others = [n for n in names if n != owned]
        if len(others) > 1 and rng.random() < contested:
            for owner in rng.sample(others, 2):
                g.add_holding(owner, owned, OVER_HALF.min, voting=OVER_HALF)
            continue
        room = Fraction(1)
        if rng.random() < 0.2:
            g.add_holding(owned, owned, "10%")  # treasury
            room -= Fraction(1, 10)
        for owner in rng.sample(names, rng.randint(0, min(3, len(names)))):
            if owner == owned:
                continue
            if rng.random() < 0.2:
                band = rng.choice(_BANDS)
                if band.min <= room:
                    g.add_holding(owner, owned, band.min, voting=band)
                    room -= band.min
                continue
            fitting = [s for s in _STAKES if s <= room]
            if fitting:
                stake = rng.choice(fitting)
                g.add_holding(owner, owned, stake)
                room -= stake
    for _ in range(rng.randint(0, 3)):
        controller, controlled = rng.sample(names, 2)
        if not any(c.controller == controller for c in g.controls_of(controlled, as_of=...)):
            g.add_control(controller, controlled, basis=rng.choice(["contract", "board"]))
    return g


@pytest.mark.parametrize("block", range(3))
def test_the_hierarchy_is_the_definition_on_a_fixed_corpus(block: int) -> None:
    # Blocks 0 and 1: mixed structures; block 2: many contested entities.
    for seed in range(block * 50, block * 50 + 50):
        g = corpus_graph(seed, contested=0.4 if block == 2 else 0.0)
        structure = voting_closure(g, sorted(g))
        sets = reference_sets(structure)
        above = reference_controllers(sets)
        h = control_hierarchy(structure)
        for x in structure.votes_in:
            for y in structure.votes_in:
                assert h.controls(x, y) == (y in sets[x]), (seed, x, y)
            assert h.controllers_of(x) == above[x], (seed, x)
            nearest = h.nearest(x)
            assert set(nearest) <= above[x]
            assert len(set(nearest)) == len(nearest)
            assert all(any(c in sets[z] for c in nearest) for z in above[x]), (seed, x)
        for target in sorted(g):
            part = voting_closure(g, [target])
            expected = reference_chain(part, reference_sets(part), target)
            assert jvm.controllers(g, target) == expected, (seed, target)
        # The nearest marked controllers, with one cache along the placement order;
        # every other entity settled, so that both the cache and the local answers serve.
        marked = {e for i, e in enumerate(sorted(g)) if (seed >> i) & 1}
        settled = {e for i, e in enumerate(sorted(g)) if (seed >> (i + 1)) & 1}
        cache: dict[int, tuple[str, ...]] = {}
        for e in sorted(structure.votes_in, key=h.class_of.__getitem__):
            passing = [c for c in above[e] if c in marked]
            minimal = tuple(
                sorted(
                    c
                    for c in passing
                    if not any(d in sets[c] and c not in sets[d] for d in passing)
                )
            )
            found = h.nearest_where(e, marked.__contains__, cache, settled.__contains__)
            assert found == minimal, (seed, e)
