"""verify_declared pinned whole: every verdict with its computed figure and reason, at
each boundary of a declared range against an exact and a ranged look-through, links of
unknown size on and off the route, measures, and dates."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import jvmodel as jvm

R = jvm.Range
D = dt.date
_MORE = ": the recorded holdings alone give 'p' in 'a' more than declared"


def _chain() -> jvm.OwnershipGraph:
    # P holds 50% of B, B holds 60% of A: P's indirect share of A is 30%.
    g = jvm.OwnershipGraph()
    for entity_id in ("a", "b", "c", "x"):
        g.add_entity(entity_id, jurisdiction="GB")
    g.add_entity("p", kind="person", jurisdiction="FR")
    g.add_holding("b", "a", "60%")
    g.add_holding("p", "b", "50%")
    return g


def _results(g: jvm.OwnershipGraph, **options: object) -> list[tuple[str, object, str]]:
    return [
        (r.status, r.computed, r.reason)
        for r in jvm.verify_declared(g, **options)  # type: ignore[arg-type]
    ]


def test_an_exact_figure_against_each_kind_of_declaration() -> None:
    g = _chain()
    for share in [
        "30%",
        "25%",
        "40%",
        R("25%", "35%"),
        R("30%", "35%", closed="right"),
        R("25%", "30%", closed="left"),
        R("30%", "35%"),
        R("25%", "30%"),
        None,
        R("25%", "30%", closed="neither"),
    ]:
        g.add_declared("p", "a", share=share)
    # Not checked: a direct claim, a management interest, a claim ended in 2000.
    g.add_declared("p", "a", share="30%", directness="direct")
    g.add_declared("p", "a", interest="boardMember", share="30%")
    g.add_declared("p", "a", share="20%", valid_to=dt.date(2000, 1, 1))
    r30 = Fraction(3, 10)
    results = jvm.verify_declared(g)
    assert [(r.status, r.declared, r.computed, r.reason) for r in results] == [
        ("agree", Fraction(3, 10), r30, "declared 30%, computed 30%"),
        # 30% > 25%: above the declaration.
        ("disagree", Fraction(1, 4), r30, "declared 25%, computed 30%" + _MORE),
        # 30% < 40%: below it (no "more than declared").
        ("disagree", Fraction(2, 5), r30, "declared 40%, computed 30%"),
        (
            "agree",
            R("25%", "35%"),
            r30,
            "declared Range('25%', '35%', closed='both'), computed 30%",
        ),
        # (30%, 35%] excludes 30%: disjoint at the open lower end.
        (
            "disagree",
            R("30%", "35%", closed="right"),
            r30,
            "declared Range('30%', '35%', closed='right'), computed 30%",
        ),
        # [25%, 30%) excludes 30% at its open upper end: above it.
        (
            "disagree",
            R("25%", "30%", closed="left"),
            r30,
            "declared Range('25%', '30%', closed='left'), computed 30%" + _MORE,
        ),
        # Closed ends at 30% take it in.
        (
            "agree",
            R("30%", "35%"),
            r30,
            "declared Range('30%', '35%', closed='both'), computed 30%",
        ),
        (
            "agree",
            R("25%", "30%"),
            r30,
            "declared Range('25%', '30%', closed='both'), computed 30%",
        ),
        ("cannot_tell", None, None, "the indirect equity of 'p' in 'a' has no share"),
        (
            "disagree",
            R("25%", "30%", closed="neither"),
            r30,
            "declared Range('25%', '30%', closed='neither'), computed 30%" + _MORE,
        ),
    ]
    assert [r.agrees for r in results[:3]] == [True, False, False]
    assert results[8].agrees is None
    assert repr(results[1]) == "<DeclaredCheck 'p' in 'a': disagree>"


def _text(share: object) -> str:
    # A declared percentage is shown as written; a range by its repr.
    return share if isinstance(share, str) else repr(share)


def test_a_ranged_figure_against_each_kind_of_declaration() -> None:
    # P holds [40%, 60%) of B: the look-through is 60% × [40%, 60%) = [24%, 36%).
    g = jvm.OwnershipGraph()
    for entity_id in ("a", "b"):
        g.add_entity(entity_id, jurisdiction="GB")
    g.add_entity("p", kind="person", jurisdiction="FR")
    g.add_holding("b", "a", "60%")
    g.add_holding("p", "b", R("40%", "60%", closed="left"))
    declared = [
        ("30%", "cannot_tell", ": the ranges overlap"),  # inside, not all of it
        (R("20%", "40%"), "agree", ""),  # covers it all
        ("24%", "cannot_tell", ": the ranges overlap"),  # the closed lower end only
        (R("10%", "24%", closed="left"), "disagree", _MORE),  # 24% is not in [10%, 24%)
        (R("36%", "40%"), "disagree", ""),  # 36% is not reached: disjoint
        (R("36%", "40%", closed="right"), "disagree", ""),
        ("36%", "disagree", ""),
        (R("24%", "36%", closed="left"), "agree", ""),  # exactly the same
        (R("20%", "36%", closed="neither"), "agree", ""),  # 36% excluded on both sides
        (R("24%", "36%", closed="neither"), "cannot_tell", ": the ranges overlap"),  # 24%
        ("50%", "disagree", ""),  # above all of it
        (R("35%", "36%", closed="neither"), "cannot_tell", ": the ranges overlap"),
        (R("10%", "24%"), "cannot_tell", ": the ranges overlap"),  # touches at 24%
    ]
    for share, _, _ in declared:
        g.add_declared("p", "a", share=share)
    computed = jvm.Interval(
        lower=Fraction(6, 25), upper=Fraction(9, 25), lower_closed=True, upper_closed=False
    )
    expected = [
        (
            status,
            computed,
            f"declared {_text(share)}, computed [24%, 36%){tail}",
        )
        for share, status, tail in declared
    ]
    assert _results(g) == expected


def test_links_of_unknown_size_on_the_route() -> None:
    # P also holds all of X, and X controls A by contract: a route of unknown
    # size.  40% cannot be told; 10% is below the 30% the holdings give alone.
    # The voting claim also meets the control link.
    g = _chain()
    g.add_holding("p", "x", "100%")
    g.add_control("x", "a", basis="contract")
    g.add_declared("p", "a", share="40%")
    g.add_declared("p", "a", share="10%")
    g.add_declared("p", "a", interest="votingRights", share="30%")
    via = ", but a route from 'p' to 'a' passes through control by contract of 'x' in 'a'"
    r30 = Fraction(3, 10)
    assert _results(g) == [
        ("cannot_tell", r30, "declared 40%, computed 30%" + via + ", whose size is not recorded"),
        ("disagree", r30, "declared 10%, computed 30%" + _MORE),
        ("cannot_tell", r30, "declared 30%, computed 30%" + via + ", whose size is not recorded"),
    ]


def test_declared_links_of_unknown_size() -> None:
    # P's own unknown direct interest in A is not a route of the claim; its
    # other interest in B is.  X has no route to A: computed 0.
    g = _chain()
    g.add_declared("p", "a", interest="unknownInterest", directness="direct")
    g.add_declared("p", "a", share="30%")
    g.add_declared("p", "b", interest="otherInfluenceOrControl", directness="direct")
    g.add_declared("x", "a", share="0%")
    r30 = Fraction(3, 10)
    assert _results(g) == [
        (
            "cannot_tell",
            r30,
            "declared 30%, computed 30%, but a route from 'p' to 'a' passes through a declared "
            "otherInfluenceOrControl interest of 'p' in 'b', whose size is not recorded",
        ),
        ("agree", Fraction(0), "declared 0%, computed 0%"),
    ]


def test_links_off_the_route_or_out_of_force_do_not_matter() -> None:
    # P's own unknown interest in A, X controlling C (no route from P), a control
    # link and an unknown interest that ended in 2000, a management interest on
    # the way, an indirect claim of P in B (a claim, not a link): all agree.
    g = _chain()
    g.add_declared("p", "a", interest="unknownInterest", directness="direct")
    g.add_control("x", "c", basis="contract")
    g.add_holding("c", "a", "10%")
    g.add_control("b", "c", basis="contract", valid_to=dt.date(2000, 1, 1))
    g.add_declared(
        "b", "c", interest="unknownInterest", directness="direct", valid_to=dt.date(2000, 1, 1)
    )
    g.add_declared("p", "c", interest="boardMember", directness="direct")
    g.add_declared("p", "c", interest="shareholding", share="5%")
    g.add_declared("p", "a", share="30%")
    assert _results(g) == [
        # P has no route to C: computed 0, declared 5%.
        ("disagree", Fraction(0), "declared 5%, computed 0%"),
        ("agree", Fraction(3, 10), "declared 30%, computed 30%"),
    ]
    # In 1999 the control link of B in C (a route P → B → C → A) was in force.
    [_, (status, _, reason)] = _results(g, as_of=dt.date(1999, 1, 1))
    assert status == "cannot_tell"
    assert reason.endswith(
        "passes through control by contract of 'b' in 'c', whose size is not recorded"
    )


def test_equity_and_votes_take_their_own_routes() -> None:
    # P holds no equity of B but 50% of its votes; B holds 60% of A.
    # Equity: no route, 0.  Votes: 60% × 50% = 30%.
    g = jvm.OwnershipGraph()
    for entity_id in ("a", "b"):
        g.add_entity(entity_id, jurisdiction="GB")
    g.add_entity("p", kind="person", jurisdiction="FR")
    g.add_entity("d", jurisdiction="GB")
    g.add_holding("b", "a", "60%")
    g.add_holding("p", "b", "0%", voting="50%")
    g.add_holding("d", "b", "100%", voting="50%")
    g.add_declared("p", "a", share="30%")
    g.add_declared("p", "a", interest="votingRights", share="30%")
    g.add_declared("p", "a", share="0%")
    assert _results(g) == [
        ("disagree", Fraction(0), "declared 30%, computed 0%"),
        ("agree", Fraction(3, 10), "declared 30%, computed 30%"),
        ("agree", Fraction(0), "declared 0%, computed 0%"),
    ]


def test_a_cross_holding_on_the_route() -> None:
    # B: P 50%, C 50%; C: B 100%; B holds 60% of A.  With P as the only outside
    # owner, B = 1/2 + 1/2 · B gives B = 1 (all of B reaches P): 60%.
    g = jvm.OwnershipGraph()
    for entity_id in ("a", "b", "c"):
        g.add_entity(entity_id, jurisdiction="GB")
    g.add_entity("p", kind="person", jurisdiction="FR")
    g.add_holding("p", "b", "50%")
    g.add_holding("c", "b", "50%")
    g.add_holding("b", "c", "100%")
    g.add_holding("b", "a", "60%")
    g.add_declared("p", "a", share="30%")
    assert _results(g) == [
        ("disagree", Fraction(3, 5), "declared 30%, computed 60%" + _MORE),
    ]


def test_an_open_lower_end_and_a_closed_cycle() -> None:
    # P holds (40%, 60%] of B: 60% × that = (24%, 36%].
    g = jvm.OwnershipGraph()
    for entity_id in ("a", "b"):
        g.add_entity(entity_id, jurisdiction="GB")
    g.add_entity("p", kind="person", jurisdiction="FR")
    g.add_holding("b", "a", "60%")
    g.add_holding("p", "b", R("40%", "60%", closed="right"))
    g.add_declared("p", "a", share="36%")
    computed = jvm.Interval(
        lower=Fraction(6, 25), upper=Fraction(9, 25), lower_closed=False, upper_closed=True
    )
    assert _results(g) == [
        ("cannot_tell", computed, "declared 36%, computed (24%, 36%]: the ranges overlap")
    ]
    # B: P [0%, 50%], C [50%, 100%]; C: B 100%.  With P's stake at 0, B and C
    # would own each other entirely: the look-through is undefined.
    g = jvm.OwnershipGraph()
    for entity_id in ("a", "b", "c"):
        g.add_entity(entity_id, jurisdiction="GB")
    g.add_entity("p", kind="person", jurisdiction="FR")
    g.add_holding("p", "b", R("0%", "50%"))
    g.add_holding("c", "b", R("50%", "100%"))
    g.add_holding("b", "c", "100%")
    g.add_holding("b", "a", "60%")
    g.add_declared("p", "a", share="30%")
    assert _results(g) == [
        (
            "cannot_tell",
            None,
            "the look-through of 'p' in 'a' is undefined: within their ranges, the stakes of "
            "'b', 'c' can make them own each other entirely, with no outside owner; narrow "
            "the ranges or record the outside part",
        )
    ]


def test_holdings_and_claims_of_the_day_asked() -> None:
    # C held 20% of A until 2020-12-31 and P holds all of C: on 2020-06-01 P's
    # share of A is 30% + 20% = 50%; today 30%.  Each claim is checked on the
    # days it is in force; the 50% claim ended with C's stake.
    g = _chain()
    g.add_holding("c", "a", "20%", valid_to=D(2020, 12, 31))
    g.add_holding("p", "c", "100%")
    g.add_declared("p", "a", share="50%", valid_to=D(2020, 12, 31))
    g.add_declared("p", "a", share="30%", valid_from=D(2021, 1, 1))
    g.add_declared("p", "a", share="40%")
    assert _results(g, as_of=D(2020, 6, 1)) == [
        ("agree", Fraction(1, 2), "declared 50%, computed 50%"),
        ("disagree", Fraction(1, 2), "declared 40%, computed 50%" + _MORE),
    ]
    assert _results(g) == [
        ("agree", Fraction(3, 10), "declared 30%, computed 30%"),
        ("disagree", Fraction(3, 10), "declared 40%, computed 30%"),
    ]
