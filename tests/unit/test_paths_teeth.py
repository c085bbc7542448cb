"""foreign_paths and contribution_paths pinned whole: a cross-holding with undisclosed
parts inside and outside it, the link of a linear method inside the cross-holding, cuts
at max_paths, and the counted paths of the non-linear methods (mirror, exemption,
presence, incorporation, listed jurisdictions, measure and date)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis.lookthrough import upstream
from jvmodel.analysis.methods import Link, Method, Threshold
from jvmodel.analysis.paths import Path, _exact, contribution_paths, foreign_paths

_U = jvm.UNDISCLOSED
_AB = (("a", "b"),)


def _cross() -> jvm.OwnershipGraph:
    # T (CN): A 60%, H (US) 25%, 15% undisclosed.
    # A (CN): B 60%, F (US) 30%, 10% undisclosed.
    # B (CN): A 20%, G (JP) 40%, D (CN) 40%.
    g = jvm.OwnershipGraph()
    for entity_id, country in [
        ("t", "CN"),
        ("a", "CN"),
        ("b", "CN"),
        ("f", "US"),
        ("g", "JP"),
        ("d", "CN"),
        ("h", "US"),
    ]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("a", "t", "60%")
    g.add_holding("h", "t", "25%")
    g.add_holding("b", "a", "60%")
    g.add_holding("f", "a", "30%")
    g.add_holding("a", "b", "20%")
    g.add_holding("g", "b", "40%")
    g.add_holding("d", "b", "40%")
    return g


# Proportional: Q[a][b] = 3/5, Q[b][a] = 1/5, det(I − Q) = 1 − 3/25 = 22/25, so
# G[a][a] = 25/22 and G[a][b] = (3/5)/(22/25) = 15/22.  T passes 3/5 into A:
# A receives 3/5 · 25/22 = 15/22, B 3/5 · 15/22 = 9/22.
# F: 15/22 · 3/10 = 9/44; A's undisclosed 15/22 · 1/10 = 3/44; G: 9/22 · 2/5 = 9/55;
# D domestic (weight 0, left out); H 1/4; T's undisclosed 3/20.
_PROPORTIONAL = [
    Path(owner="h", entities=("h", "t"), product=Fraction(1, 4)),
    Path(owner="f", entities=("f", "a", "t"), product=Fraction(9, 44), cycles=_AB),
    Path(owner="g", entities=("g", "b", "a", "t"), product=Fraction(9, 55), cycles=_AB),
    Path(owner=_U, entities=("t",), product=Fraction(3, 20)),
    Path(owner=_U, entities=("a", "t"), product=Fraction(3, 44), cycles=_AB),
]


def test_paths_through_a_cross_holding_with_undisclosed_parts() -> None:
    paths, cut = foreign_paths(_cross(), "t", host="CN")
    assert (paths, cut) == (_PROPORTIONAL, False)
    # They add up exactly to the foreign share.
    total = sum((p.product for p in paths), Fraction(0))
    assert total == jvm.foreign_share(_cross(), "t", host="CN")
    assert paths[2].describe() == "g → b → a → t"


def test_the_multiplier_link_applies_inside_the_cross_holding_too() -> None:
    # Multiplier: the 60% links count 1.  T → A 1; Q[a][b] = 1, Q[b][a] = 1/5,
    # det = 1 − 1/5 = 4/5, G[a][a] = G[a][b] = 5/4.  F: 5/4 · 3/10 = 3/8;
    # A's undisclosed 5/4 · 1/10 = 1/8; G: 5/4 · 2/5 = 1/2; H 1/4; T's 3/20.
    paths, cut = foreign_paths(_cross(), "t", host="CN", method="multiplier")
    assert (paths, cut) == (
        [
            Path(owner="g", entities=("g", "b", "a", "t"), product=Fraction(1, 2), cycles=_AB),
            Path(owner="f", entities=("f", "a", "t"), product=Fraction(3, 8), cycles=_AB),
            Path(owner="h", entities=("h", "t"), product=Fraction(1, 4)),
            Path(owner=_U, entities=("t",), product=Fraction(3, 20)),
            Path(owner=_U, entities=("a", "t"), product=Fraction(1, 8), cycles=_AB),
        ],
        False,
    )


def test_undisclosed_counted_domestic_leaves_no_undisclosed_paths() -> None:
    # As the proportional paths, without the two undisclosed ones.
    paths, cut = foreign_paths(_cross(), "t", host="CN", undisclosed="domestic")
    assert (paths, cut) == (_PROPORTIONAL[:3], False)


@pytest.mark.parametrize(
    ("max_paths", "count", "cut"),
    [
        (4, 4, True),  # a fifth path exists: cut
        (5, 5, False),  # exactly all five: not cut
        (6, 5, False),
        (1, 1, True),
    ],
)
def test_linear_cuts_keep_the_largest(max_paths: int, count: int, cut: bool) -> None:
    paths, was_cut = foreign_paths(_cross(), "t", host="CN", max_paths=max_paths)
    assert (paths, was_cut) == (_PROPORTIONAL[:count], cut)


def _mirror() -> jvm.OwnershipGraph:
    # T (CN) is held 100% by S (CN); S: H1 (CN) 40%, F (US) 10%, D (CN) 40%,
    # 10% undisclosed; H1: F 60%, D 40%.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("s", "CN"), ("h1", "CN"), ("f", "US"), ("d", "CN")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("s", "t", "100%")
    g.add_holding("h1", "s", "40%")
    g.add_holding("f", "s", "10%")
    g.add_holding("d", "s", "40%")
    g.add_holding("f", "h1", "60%")
    g.add_holding("d", "h1", "40%")
    return g


_MIRROR = Threshold(mirror=True, control=False)
# H1's raw 3/5 ≥ 1/2: foreign, its 2/5 counts whole.  S's raw 2/5 + 1/10 + 1/10
# (undisclosed, counted foreign) = 3/5.  S holds all of T, so T mirrors S's raw
# 3/5: the paths run through S up to H1 (2/5), F (1/10) and S's undisclosed part
# (1/10); ties ordered by entities ("f", ...) before ("s", ...).
_MIRRORED = [
    Path(owner="h1", entities=("h1", "s", "t"), product=Fraction(2, 5)),
    Path(owner="f", entities=("f", "s", "t"), product=Fraction(1, 10)),
    Path(owner=_U, entities=("s", "t"), product=Fraction(1, 10)),
]


def test_a_mirrored_holder_is_looked_through() -> None:
    assert foreign_paths(_mirror(), "t", host="CN", method=_MIRROR) == (_MIRRORED, False)


def test_without_the_mirror_the_wholly_foreign_holder_ends_the_path() -> None:
    # S's raw 3/5 ≥ 1/2: S is foreign and its 100% counts whole.
    paths = foreign_paths(_mirror(), "t", host="CN", method=Threshold(control=False))
    assert paths == ([Path(owner="s", entities=("s", "t"), product=Fraction(1))], False)


def test_a_mirror_with_undisclosed_counted_domestic() -> None:
    # S's raw 2/5 + 1/10 = 1/2 ≥ 1/2 still; the undisclosed path is gone.
    paths = foreign_paths(_mirror(), "t", host="CN", method=_MIRROR, undisclosed="domestic")
    assert paths == (_MIRRORED[:2], False)


@pytest.mark.parametrize(
    ("max_paths", "count", "cut"), [(2, 2, True), (3, 3, False), (1, 1, True), (9, 3, False)]
)
def test_counted_paths_are_cut_too(max_paths: int, count: int, cut: bool) -> None:
    paths = foreign_paths(_mirror(), "t", host="CN", method=_MIRROR, max_paths=max_paths)
    assert paths == (_MIRRORED[:count], cut)


def _korea() -> jvm.OwnershipGraph:
    # T (CN): K 1%, F (US) 1%, L 50%, D 48%.  K: F 100%.  L: F 30% (its largest),
    # D 25%, E 25%, N 20%.
    g = jvm.OwnershipGraph()
    for entity_id in ["t", "k", "l", "d", "e", "n"]:
        g.add_entity(entity_id, jurisdiction="CN")
    g.add_entity("f", jurisdiction="US")
    g.add_holding("k", "t", "1%")
    g.add_holding("f", "t", "1%")
    g.add_holding("l", "t", "50%")
    g.add_holding("d", "t", "48%")
    g.add_holding("f", "k", "100%")
    g.add_holding("f", "l", "30%")
    g.add_holding("d", "l", "25%")
    g.add_holding("e", "l", "25%")
    g.add_holding("n", "l", "20%")
    return g


def test_largest_holder_exempts_a_small_foreign_corporation() -> None:
    # L's largest holder F (30% ≥ 15%) makes it foreign: 1/2 whole.  K is
    # foreign but holds 1% ≤ the 1% exemption: nothing.  F's own 1% counts.
    paths = foreign_paths(_korea(), "t", host="CN", method="largest-holder")
    assert paths == (
        [
            Path(owner="l", entities=("l", "t"), product=Fraction(1, 2)),
            Path(owner="f", entities=("f", "t"), product=Fraction(1, 100)),
        ],
        False,
    )


def test_presence_counts_every_holder_with_a_foreign_layer() -> None:
    # Presence: L and K each have a foreign layer: L 1/2, F 1/100, K 1/100
    # (ties by entities: ("f", "t") before ("k", "t")).
    paths = foreign_paths(_korea(), "t", host="CN", method="presence")
    assert paths == (
        [
            Path(owner="l", entities=("l", "t"), product=Fraction(1, 2)),
            Path(owner="f", entities=("f", "t"), product=Fraction(1, 100)),
            Path(owner="k", entities=("k", "t"), product=Fraction(1, 100)),
        ],
        False,
    )


def _listed(dated: bool = False) -> jvm.OwnershipGraph:
    # T (CN): X (US, itself held 100% by D) 40%, Y (CN) 60%.  Y: K (CN-HK) 50%
    # of equity but 25% of votes, D 50% / 75%.  Dated: X's stake only from 2021.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("x", "US"), ("d", "CN"), ("k", "CN-HK"), ("y", "CN")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("x", "t", "40%", valid_from=dt.date(2021, 1, 1) if dated else None)
    g.add_holding("d", "x", "100%")
    g.add_holding("y", "t", "60%")
    g.add_holding("k", "y", "50%", voting="25%")
    g.add_holding("d", "y", "50%", voting="75%")
    return g


_PLAIN = Threshold(control=False)
_X = Path(owner="x", entities=("x", "t"), product=Fraction(2, 5))
_Y = Path(owner="y", entities=("y", "t"), product=Fraction(3, 5))


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        # K (CN-HK) is domestic unless listed; X is looked through to D.
        ({}, []),
        ({"method": _PLAIN}, []),
        # Listed: K 1/2 · 3/5 = 3/10 proportionally.
        (
            {"foreign": ["CN-HK"]},
            [Path(owner="k", entities=("k", "y", "t"), product=Fraction(3, 10))],
        ),
        # Listed, threshold: Y's raw 1/2 ≥ 1/2 makes it foreign: 3/5 whole.
        ({"method": _PLAIN, "foreign": ["CN-HK"]}, [_Y]),
        # On votes Y's raw is 1/4 < 1/2: domestic.
        ({"method": _PLAIN, "foreign": ["CN-HK"], "measure": "voting"}, []),
        # By incorporation X (US) is not looked through: foreign 2/5.
        ({"incorporation": True}, [_X]),
        ({"method": _PLAIN, "incorporation": True}, [_X]),
        ({"method": _PLAIN, "foreign": ("CN-HK",), "incorporation": True}, [_Y, _X]),
    ],
)
def test_counted_paths_take_every_option(options: dict, expected: list[Path]) -> None:
    assert foreign_paths(_listed(), "t", host="CN", **options) == (expected, False)


def test_counted_paths_on_a_date_include_the_undisclosed_part_of_the_target() -> None:
    # On 2020-06-01 X's stake is not yet in force: T's 40% is undisclosed and
    # counts foreign (a path at T itself); Y foreign (listed K) 3/5.
    paths = foreign_paths(
        _listed(dated=True),
        "t",
        host="CN",
        method=_PLAIN,
        foreign=["CN-HK"],
        incorporation=True,
        as_of=dt.date(2020, 6, 1),
    )
    assert paths == ([_Y, Path(owner=_U, entities=("t",), product=Fraction(2, 5))], False)
    # On 2021-06-01 X (US) is in force and stops the look-through.
    later = foreign_paths(
        _listed(dated=True),
        "t",
        host="CN",
        method=_PLAIN,
        foreign=["CN-HK"],
        incorporation=True,
        as_of=dt.date(2021, 6, 1),
    )
    assert later == ([_Y, _X], False)


def test_paths_refuse_ranged_stakes() -> None:
    # F (US) holds 10% to 20%: paths are traced on exact stakes only.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN")
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "t", jvm.Range("10%", "20%"))
    g.add_holding("d", "t", "80%")
    for method in ("proportional", "presence"):
        with pytest.raises(jvm.UnsupportedAnalysisError, match="is a range"):
            foreign_paths(g, "t", host="CN", method=method)
    interval = jvm.Interval(lower=Fraction(1, 10), upper=Fraction(1, 5))
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=r"^paths are traced on exact stakes; this structure has ranged stakes$",
    ) as error:
        _exact(interval)
    assert error.value.reason == "ranged stake"
    assert _exact(Fraction(1, 3)) == Fraction(1, 3)


def _flip(dated: bool) -> jvm.OwnershipGraph:
    # T (CN): S 50%, D 50%.  S: D 40%; F (US) 50% (until 2020-12-31 when dated,
    # then G (CN) 50%); 10% undisclosed.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("s", "CN"), ("d", "CN"), ("f", "US"), ("g", "CN")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("s", "t", "50%")
    g.add_holding("d", "t", "50%")
    g.add_holding("d", "s", "40%")
    g.add_holding("f", "s", "50%", valid_to=dt.date(2020, 12, 31) if dated else None)
    if dated:
        g.add_holding("g", "s", "50%", valid_from=dt.date(2021, 1, 1))
    return g


_S = [Path(owner="s", entities=("s", "t"), product=Fraction(1, 2))]


def test_the_status_of_an_intermediate_follows_the_policy_and_the_day() -> None:
    # Undisclosed foreign: S's raw 1/2 + 1/10 = 3/5 ≥ 1/2, its 1/2 counts.
    assert foreign_paths(_flip(False), "t", host="CN", method=_PLAIN) == (_S, False)
    # Dated: on 2020-06-01 F's half makes S foreign; today G's half does not
    # (S's raw is the undisclosed 1/10 only).
    options = {"host": "CN", "method": _PLAIN}
    assert foreign_paths(_flip(True), "t", as_of=dt.date(2020, 6, 1), **options) == (_S, False)
    assert foreign_paths(_flip(True), "t", **options) == ([], False)
    # With F's stake only 40% (D 40%, 20% undisclosed): foreign 3/5, domestic 2/5.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("s", "CN"), ("d", "CN"), ("f", "US")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("s", "t", "50%")
    g.add_holding("d", "t", "50%")
    g.add_holding("d", "s", "40%")
    g.add_holding("f", "s", "40%")
    assert foreign_paths(g, "t", **options) == (_S, False)
    assert foreign_paths(g, "t", undisclosed="domestic", **options) == ([], False)


class _ByHolding(Method):
    """Counts a holder's stake whole when the holder holds at least 1/2 (reads Holder.stake)."""

    name = "by-holding"
    linear = False

    def carry(self, link: Link) -> Fraction:
        return link.stake if link.holder.stake >= Fraction(1, 2) else Fraction(0)


def test_a_method_reading_the_holders_stake() -> None:
    # T: A (CN) 60%, F (US) 40%: only A's 60% reaches 1/2: one path of 3/5.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("a", "CN"), ("f", "US")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("a", "t", "60%")
    g.add_holding("f", "t", "40%")
    paths = foreign_paths(g, "t", host="CN", method=_ByHolding())
    assert paths == ([Path(owner="a", entities=("a", "t"), product=Fraction(3, 5))], False)


def _doubling(layers: int) -> jvm.OwnershipGraph:
    # T (CN) is held 50/50 by A1 and B1; A(k+1) and B(k+1) each hold 50% of Ak and 50%
    # of Bk; the top layer is US.  Every path up picks A or B at each layer: 2^layers
    # paths, each of product (1/2)^layers.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN")
    below = ["t"]
    for k in range(1, layers + 1):
        layer = [f"a{k}", f"b{k}"]
        for entity_id in layer:
            g.add_entity(entity_id, jurisdiction="US" if k == layers else "CN")
            for owned in below:
                g.add_holding(entity_id, owned, "50%")
        below = layer
    return g


def test_contribution_paths_stop_at_a_thousand_by_default() -> None:
    # Ten layers: 2^10 = 1024 paths of (1/2)^10 = 1/1024 each, all to a US owner (a10
    # or b10).  Without max_paths the list stops at 1000 paths and says it was cut.
    plan = upstream(_doubling(10), "t")
    value = {u: Fraction(1) for u in plan.ultimate}
    paths, cut = contribution_paths(plan, value, Fraction(0))
    assert cut
    assert len(paths) == 1000
    assert {p.product for p in paths} == {Fraction(1, 1024)}
    assert len({p.entities for p in paths}) == 1000  # no path twice
    assert all(p.entities[0] == p.owner in ("a10", "b10") for p in paths)
    assert all(len(p.entities) == 11 and p.entities[-1] == "t" for p in paths)
    # Asked for all 1024, none is cut and they add up to T's foreign share, 1.
    every, cut = contribution_paths(plan, value, Fraction(0), max_paths=1024)
    assert not cut
    assert len({p.entities for p in every}) == 1024
    assert sum(p.product for p in every) == 1
