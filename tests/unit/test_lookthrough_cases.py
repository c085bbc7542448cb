"""Look-through on small structures worked by hand, and every refusal with its message."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel.analysis import methods
from jvmodel.analysis.lookthrough import foreign_contributions, is_foreign, upstream
from jvmodel.analysis.lookthrough import foreign_share as engine_share

U = jvm.UNDISCLOSED


def _graph(
    entities: dict[str, str | None], holdings: list[tuple[str, str, str]]
) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity, jurisdiction in entities.items():
        g.add_entity(entity, jurisdiction=jurisdiction)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def test_the_undisclosed_key() -> None:
    assert repr(U) == "UNDISCLOSED"
    assert str(U) == "(undisclosed)"
    assert U == "(undisclosed)"


def test_treasury_shares_are_left_out() -> None:
    # 10% treasury, a 45%, the other 45% undisclosed: a owns 45/90 = 1/2 of the
    # shares that count, and 1/2 is undisclosed.
    g = _graph({"a": "CN", "t": "CN"}, [("t", "t", "10%"), ("a", "t", "45%")])
    assert jvm.effective_ownership(g, "t") == {U: Fraction(1, 2), "a": Fraction(1, 2)}
    # With a foreign: 1/2 foreign, plus 1/2 undisclosed when that counts as foreign.
    g.replace_entity(jvm.Entity(id="a", jurisdiction="US"))
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == Fraction(1, 2)
    assert jvm.foreign_share(g, "t", host="CN") == 1


def test_all_treasury_is_refused_when_recorded() -> None:
    # An entity holding 100% of itself would have no owner to look through to: the
    # graph refuses the holding, and the refused change leaves the graph as it was.
    g = _graph({"s": "CN"}, [])
    version = g.version
    with pytest.raises(jvm.InvalidEntityError) as caught:
        g.add_holding("s", "s", "100%")
    assert str(caught.value) == (
        "treasury holding of 's' in itself is 100%; an entity cannot hold all of its own "
        "shares (record its owners instead)"
    )
    assert caught.value.value == 1
    assert g.version == version
    assert list(g.holdings_of("s")) == []


def test_largest_first_ties_by_id_and_no_zeros() -> None:
    # b and a hold 20% each, c 40%, d 0%: 20% undisclosed.
    g = _graph(
        {"a": "CN", "b": "CN", "c": "CN", "d": "CN", "t": "CN"},
        [("b", "t", "20%"), ("a", "t", "20%"), ("c", "t", "40%"), ("d", "t", "0%")],
    )
    shares = jvm.effective_ownership(g, "t")
    assert list(shares.items()) == [
        ("c", Fraction(2, 5)),
        (U, Fraction(1, 5)),  # "(undisclosed)" sorts before "a" among equals
        ("a", Fraction(1, 5)),
        ("b", Fraction(1, 5)),
    ]


def test_an_ultimate_owner_is_all_undisclosed_as_a_target() -> None:
    g = _graph({"a": "US", "t": "CN"}, [("a", "t", "30%")])
    assert jvm.effective_ownership(g, "a") == {U: 1}
    assert jvm.foreign_share(g, "a", host="CN") == 1  # undisclosed counts as foreign
    assert jvm.foreign_share(g, "a", host="CN", undisclosed="domestic") == 0


def test_chain() -> None:
    # a holds 60% of h, h holds 40% of t: a owns 24% of t.
    g = _graph({"a": "US", "h": "CN", "t": "CN"}, [("a", "h", "60%"), ("h", "t", "40%")])
    assert jvm.effective_ownership(g, "t") == {U: Fraction(19, 25), "a": Fraction(6, 25)}
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == Fraction(6, 25)
    assert foreign_contributions(g, "t", host="CN", undisclosed="domestic") == {
        "a": Fraction(6, 25)
    }
    # Conservatively h's undisclosed 40% passes on 40% × 40% = 4/25, t's own 60% is 3/5.
    assert jvm.foreign_share(g, "t", host="CN") == Fraction(6, 25) + Fraction(4, 25) + Fraction(
        3, 5
    )
    assert foreign_contributions(g, "t", host="CN") == {
        U: Fraction(19, 25),
        "a": Fraction(6, 25),
    }


def test_three_way_cycle_with_an_outside_owner() -> None:
    # x holds 30% of a; c holds 60% of a (10% undisclosed); a holds all of b, b all
    # of c.  So a's look-through is 3/10 x + 6/10 of a's own, plus 1/10 undisclosed:
    # x's share s = 3/10 + 6/10 s, s = 3/4; undisclosed u = 1/10 + 6/10 u, u = 1/4.
    g = _graph(
        {"x": "US", "a": "CN", "b": "CN", "c": "CN"},
        [("x", "a", "30%"), ("c", "a", "60%"), ("a", "b", "100%"), ("b", "c", "100%")],
    )
    for target in ("a", "b", "c"):
        assert jvm.effective_ownership(g, target) == {"x": Fraction(3, 4), U: Fraction(1, 4)}
    assert jvm.foreign_share(g, "b", host="CN", undisclosed="domestic") == Fraction(3, 4)
    plan = upstream(g, "c")
    assert plan.ultimate == ("x",)
    assert plan.order == (("a", "b", "c"),)


def test_two_way_cross_holding() -> None:
    # a and b hold 90% of each other; x holds 10% of a; b's other 10% undisclosed.
    # x's share of a: 1/10 + 81/100 of it again, s = (1/10)/(19/100) = 10/19; of b: 9/10 s.
    g = _graph(
        {"x": "US", "a": "CN", "b": "CN"},
        [("x", "a", "10%"), ("b", "a", "90%"), ("a", "b", "90%")],
    )
    assert jvm.effective_ownership(g, "a") == {"x": Fraction(10, 19), U: Fraction(9, 19)}
    assert jvm.effective_ownership(g, "b") == {U: Fraction(10, 19), "x": Fraction(9, 19)}


def test_closed_loops_are_refused_with_their_members() -> None:
    g = _graph(
        {"a": "CN", "b": "CN", "c": "CN", "t": "CN"},
        [("a", "b", "100%"), ("b", "a", "100%"), ("a", "t", "50%"), ("c", "t", "50%")],
    )
    with pytest.raises(jvm.CircularOwnershipError) as caught:
        jvm.effective_ownership(g, "t")
    assert str(caught.value) == (
        "entities 'a', 'b' own each other entirely, with no outside owner; their look-through "
        "has no ultimate owner (record the outside or undisclosed part)"
    )
    assert caught.value.entities == ("a", "b")
    # One per cent undisclosed in either member opens the loop: it is the only way out,
    # so all of the look-through ends there.
    for member in ("a", "b"):
        opened = _graph(
            {"a": "CN", "b": "CN"},
            [
                ("a", "b", "99%" if member == "b" else "100%"),
                ("b", "a", "99%" if member == "a" else "100%"),
            ],
        )
        assert jvm.effective_ownership(opened, "a") == {U: 1}


def test_ranged_stakes_give_intervals() -> None:
    g = _graph({"x": "US", "t": "CN"}, [])
    g.add_holding("x", "t", jvm.Range("10%", "20%"), voting="15%")
    # x holds between 10% and 20%; the rest, 80% to 90%, is undisclosed.
    assert jvm.effective_ownership(g, "t") == {
        U: jvm.Interval(lower=Fraction(4, 5), upper=Fraction(9, 10)),
        "x": jvm.Interval(lower=Fraction(1, 10), upper=Fraction(1, 5)),
    }
    # The votes are exact, so a voting look-through works: 15%.
    assert jvm.effective_ownership(g, "t", measure="voting") == {
        U: Fraction(17, 20),
        "x": Fraction(3, 20),
    }


def test_voting_differs_from_equity() -> None:
    # a: 30% of the equity and 60% of the votes.
    g = _graph({"a": "US", "t": "CN"}, [])
    g.add_holding("a", "t", "30%", voting="60%")
    assert jvm.effective_ownership(g, "t")["a"] == Fraction(3, 10)
    assert jvm.effective_ownership(g, "t", measure="voting")["a"] == Fraction(3, 5)
    assert jvm.foreign_share(
        g, "t", host="CN", measure="voting", undisclosed="domestic"
    ) == Fraction(3, 5)


def test_dates() -> None:
    g = _graph({"a": "US", "b": "CN", "t": "CN"}, [])
    g.add_holding("a", "t", "60%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("b", "t", "60%", valid_from=dt.date(2021, 1, 1))
    assert jvm.effective_ownership(g, "t", as_of=dt.date(2020, 12, 31))["a"] == Fraction(3, 5)
    assert "a" not in jvm.effective_ownership(g, "t", as_of=dt.date(2021, 1, 1))
    assert jvm.effective_ownership(g, "t") == {"b": Fraction(3, 5), U: Fraction(2, 5)}


@pytest.mark.parametrize("measure", ["votes", "Equity", ""])
def test_unknown_measures(measure: str) -> None:
    g = _graph({"t": "CN"}, [])
    with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
        jvm.effective_ownership(g, "t", measure=measure)  # type: ignore[arg-type]
    assert str(caught.value) == f"measure {measure!r} is not 'equity' or 'voting'"
    assert caught.value.reason == "unknown measure"


def test_hosts() -> None:
    g = _graph({"a": "US", "t": "CN"}, [("a", "t", "50%")])
    half = Fraction(1, 2)
    assert jvm.foreign_share(g, "t", host="cn", undisclosed="domestic") == half
    assert jvm.foreign_share(g, "t", host=" US ", undisclosed="domestic") == 0
    with pytest.raises(jvm.UnsupportedAnalysisError) as none:
        jvm.foreign_share(g, "t")
    assert str(none.value) == (
        "foreign_share needs host= (the host country, e.g. host='CN') or a regime"
    )
    assert none.value.reason == "no host"
    with pytest.raises(jvm.InvalidEntityError) as subdivision:
        jvm.foreign_share(g, "t", host="CN-BJ")
    assert str(subdivision.value) == (
        "host 'CN-BJ' must be a country code (ISO 3166-1 alpha-2), not a subdivision"
    )
    assert (subdivision.value.field, subdivision.value.value) == ("host", "CN-BJ")
    with pytest.raises(jvm.InvalidEntityError, match="jurisdiction 'ZZ' is not an ISO 3166 code"):
        jvm.foreign_share(g, "t", host="ZZ")


def test_who_is_foreign() -> None:
    hong_kong = jvm.Entity(id="x", jurisdiction="CN-HK")
    assert is_foreign(hong_kong, "CN") is False  # by the country test alone
    assert is_foreign(hong_kong, "CN", ["CN-HK"]) is True  # listed by its jurisdiction
    assert is_foreign(hong_kong, "CN", ["HK"]) is False  # "HK" is another jurisdiction
    assert is_foreign(jvm.Entity(id="y", jurisdiction="CN-BJ"), "CN", ["CN"]) is True  # by country
    assert is_foreign(jvm.Entity(id="z", jurisdiction="GB"), "CN") is True
    assert is_foreign(jvm.Entity(id="z", jurisdiction="GB"), "GB") is False
    assert is_foreign(jvm.Entity(id="n"), "CN") is None
    assert is_foreign(jvm.Entity(id="n"), "CN", ["CN"]) is None  # unknown stays unknown
    g = _graph({"x": "CN-HK", "t": "CN"}, [("x", "t", "40%")])
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == 0
    listed = jvm.foreign_share(g, "t", host="CN", undisclosed="domestic", foreign=["CN-HK"])
    assert listed == Fraction(2, 5)


def test_owners_of_unknown_jurisdiction_count_like_undisclosed() -> None:
    # n (no jurisdiction) holds 30%, a (US) 20%; 50% undisclosed.
    g = _graph({"n": None, "a": "US", "t": "CN"}, [("n", "t", "30%"), ("a", "t", "20%")])
    assert jvm.foreign_share(g, "t", host="CN") == Fraction(1)  # 30% + 20% + 50%
    assert foreign_contributions(g, "t", host="CN") == {U: Fraction(4, 5), "a": Fraction(1, 5)}
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == Fraction(1, 5)
    assert foreign_contributions(g, "t", host="CN", undisclosed="domestic") == {"a": Fraction(1, 5)}
    # Excluded: only a's 20% is known, and it is all foreign.
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="exclude") == 1
    assert foreign_contributions(g, "t", host="CN", undisclosed="exclude") == {"a": 1}


def test_excluding_renormalises_at_each_entity() -> None:
    # e: f (US) 50%, 50% undisclosed, so e is wholly foreign among what is known.
    # t: e 50%, d (CN) 50%: 1/2 × 1 + 1/2 × 0 = 1/2 (not f's 1/4 of the 3/4 known).
    g = _graph(
        {"f": "US", "d": "CN", "e": "CN", "t": "CN"},
        [("f", "e", "50%"), ("e", "t", "50%"), ("d", "t", "50%")],
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="exclude") == Fraction(1, 2)
    # t2: n (CN) 50%, f 25%, 25% undisclosed: 25% of the 75% known is foreign, 1/3.
    g.add_entity("n", jurisdiction="CN")
    g.add_entity("t2", jurisdiction="CN")
    g.add_holding("n", "t2", "50%")
    g.add_holding("f", "t2", "25%")
    assert jvm.foreign_share(g, "t2", host="CN", undisclosed="exclude") == Fraction(1, 3)
    # t3: m 50%, f 50%, and m's only owner has no jurisdiction, so nothing is known
    # of m: it drops out with its stake and t3 is all f's, all foreign.
    g.add_entity("nobody")
    g.add_entity("m", jurisdiction="CN")
    g.add_entity("t3", jurisdiction="CN")
    g.add_holding("nobody", "m", "50%")
    g.add_holding("m", "t3", "50%")
    g.add_holding("f", "t3", "50%")
    assert jvm.foreign_share(g, "t3", host="CN", undisclosed="exclude") == 1
    assert foreign_contributions(g, "t3", host="CN", undisclosed="exclude") == {"f": 1}
    # m is unknown (counted foreign) or domestic under the other policies.
    assert jvm.foreign_share(g, "t3", host="CN") == 1
    assert jvm.foreign_share(g, "t3", host="CN", undisclosed="domestic") == Fraction(1, 2)


def test_excluding_finds_known_owners_round_a_cycle() -> None:
    # x (US) holds 10% of b; a and b hold 50% and 90% of each other.  a is known only
    # through b, which comes after it in the component's order: a needs a second pass.
    g = _graph(
        {"x": "US", "a": "CN", "b": "CN"},
        [("x", "b", "10%"), ("b", "a", "50%"), ("a", "b", "90%")],
    )
    plan = upstream(g, "a")
    assert plan.order == (("a", "b"),)
    # Among what is known everything leads to x: a and b are wholly foreign.
    assert jvm.foreign_share(g, "a", host="CN", undisclosed="exclude") == 1
    assert foreign_contributions(g, "a", host="CN", undisclosed="exclude") == {"x": 1}


def test_nothing_known() -> None:
    g = _graph({"n": None, "t": "CN"}, [("n", "t", "50%")])
    with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
        jvm.foreign_share(g, "t", host="CN", undisclosed="exclude")
    assert str(caught.value) == (
        "nothing is known of who ultimately owns 't' (every owner is undisclosed or has no "
        "jurisdiction), so under undisclosed='exclude' its foreign share is undefined; use "
        "undisclosed='foreign' or 'domestic'"
    )
    assert (caught.value.entity, caught.value.reason) == ("t", "nothing known")


def test_unknown_policy() -> None:
    g = _graph({"t": "CN"}, [])
    for analysis in (jvm.foreign_share, foreign_contributions):
        with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
            analysis(g, "t", host="CN", undisclosed="maybe")  # type: ignore[arg-type,operator]
        assert str(caught.value) == ("undisclosed='maybe' is not one of foreign, domestic, exclude")
        assert caught.value.reason == "unknown undisclosed policy"


class _AllOrNothing(methods.Method):
    name = "all-or-nothing"
    linear = False

    def status(self, context: methods.Context) -> Fraction:
        return Fraction(1 if context.raw > 0 else 0)


def test_methods() -> None:
    assert methods.method_names() == [
        "direct",
        "largest-holder",
        "multiplier",
        "presence",
        "proportional",
        "threshold",
    ]
    proportional = methods.get_method("proportional")
    assert isinstance(proportional, methods.Proportional)
    assert proportional.name == "proportional"
    assert proportional.linear
    assert proportional.link(Fraction(3, 10)) == Fraction(3, 10)
    entity = jvm.Entity(id="e", jurisdiction="CN")
    context = methods.Context(entity=entity, raw=Fraction(3, 10))
    assert proportional.status(context) == Fraction(3, 10)
    mine = _AllOrNothing()
    assert methods.get_method(mine) is mine
    base = methods.Method()
    assert (base.name, base.linear) == ("method", True)
    assert base.link(Fraction(1, 3)) == Fraction(1, 3)
    assert base.status(methods.Context(entity=entity, raw=Fraction(1, 3))) == Fraction(1, 3)
    for unknown in ("nope", 3, [1]):
        with pytest.raises(jvm.UnsupportedAnalysisError) as caught:
            methods.get_method(unknown)  # type: ignore[arg-type]
        assert str(caught.value) == (
            f"method {unknown!r} is not one of direct, largest-holder, multiplier, presence, "
            "proportional, threshold; pass one of these names or a jvmodel.methods.Method "
            "object"
        )
        assert caught.value.method == unknown
        assert caught.value.reason == "unknown method"


def test_a_non_linear_method_of_ones_own() -> None:
    # The status transform applies to the holders; the target's figure is its raw
    # share.  a (US) holds 50% of h, h holds 50% of t, the rest undisclosed:
    # h's raw share is 1/2 (domestic undisclosed), so its status is 1, and t's
    # figure is 1/2 × 1 = 1/2 (proportional would give 1/2 × 1/2 = 1/4).
    g = _graph({"a": "US", "h": "CN", "t": "CN"}, [("a", "h", "50%"), ("h", "t", "50%")])
    share = jvm.foreign_share(g, "t", host="CN", method=_AllOrNothing(), undisclosed="domestic")
    assert share == Fraction(1, 2)
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == Fraction(1, 4)


def test_non_linear_methods_have_no_contributions() -> None:
    g = _graph({"a": "US", "t": "CN"}, [("a", "t", "50%")])
    with pytest.raises(jvm.UnsupportedAnalysisError) as parts:
        foreign_contributions(g, "t", host="CN", method=_AllOrNothing())
    assert str(parts.value) == (
        "method 'all-or-nothing' is not linear; per-owner contributions are defined for "
        "linear methods only"
    )
    assert parts.value.reason == "non-linear method"


def test_a_linear_method_of_ones_own() -> None:
    class Doubling(methods.Method):
        name = "doubling"

        def link(self, stake: Fraction) -> Fraction:
            return min(2 * stake, Fraction(1))

    # a holds 20% of h, h 30% of t: links count double, 40% × 60% = 24%.
    g = _graph({"a": "US", "h": "CN", "t": "CN"}, [("a", "h", "20%"), ("h", "t", "30%")])
    share = jvm.foreign_share(g, "t", host="CN", method=Doubling(), undisclosed="domestic")
    assert share == Fraction(6, 25)
    assert foreign_contributions(g, "t", host="CN", method=Doubling(), undisclosed="domestic") == {
        "a": Fraction(6, 25)
    }


def test_upstream_plan() -> None:
    # a -> h -> t, b -> t; treasury 20% of h; d holds nothing relevant.
    g = _graph(
        {"a": "US", "b": "CN", "d": "CN", "h": "CN", "t": "CN"},
        [
            ("a", "h", "40%"),
            ("h", "h", "20%"),
            ("h", "t", "50%"),
            ("b", "t", "25%"),
            ("t", "d", "10%"),
        ],
    )
    plan = upstream(g, "t")
    assert plan.target == "t"
    assert set(plan.ultimate) == {"a", "b"}
    assert plan.holders["t"] == (("h", Fraction(1, 2)), ("b", Fraction(1, 4)))
    assert plan.holders["h"] == (("a", Fraction(1, 2)),)  # 40% of the 80% that counts
    assert plan.undisclosed == {"t": Fraction(1, 4), "h": Fraction(1, 2)}
    assert plan.order == (("h",), ("t",))
    assert set(plan.entities) == {"a", "b", "h", "t"}
    with pytest.raises(jvm.UnknownEntityError):
        upstream(g, "zz")


def test_the_engine_defaults() -> None:
    # Called directly, the engine's own defaults apply: proportional, equity, the
    # undisclosed part foreign, today's structure, no extra foreign jurisdictions.
    # a (CN-HK) holds 20% of the equity and 40% of the votes until 2030, b (US) 10%
    # from 2030: 70% undisclosed today.
    g = _graph({"a": "CN-HK", "b": "US", "t": "CN"}, [])
    g.add_holding("a", "t", "20%", voting="40%", valid_to=dt.date(2029, 12, 31))
    g.add_holding("b", "t", "10%", valid_from=dt.date(2030, 1, 1))
    # Today (no end date): b's 10% and 90% undisclosed, all foreign.
    assert engine_share(g, "t", host="CN") == 1
    assert foreign_contributions(g, "t", host="CN") == {U: Fraction(9, 10), "b": Fraction(1, 10)}
    # In 2029: a's 20% (domestic by the country test) and 80% undisclosed.
    day = dt.date(2029, 6, 1)
    assert engine_share(g, "t", host="CN", as_of=day) == Fraction(4, 5)
    assert foreign_contributions(g, "t", host="CN", as_of=day) == {U: Fraction(4, 5)}
    assert engine_share(g, "t", host="CN", as_of=day, measure="voting") == Fraction(3, 5)
    assert foreign_contributions(g, "t", host="CN", as_of=day, measure="voting") == {
        U: Fraction(3, 5)
    }
    listed = engine_share(g, "t", host="CN", as_of=day, foreign=["CN-HK"])
    assert listed == 1
    assert engine_share(g, "t", host="CN", as_of=day, undisclosed="domestic") == 0
    assert engine_share(g, "t", host="CN", as_of=day, method="proportional") == Fraction(4, 5)


def test_each_entity_is_visited_once() -> None:
    # A diamond (u holds p and q, which both hold t) under a cross-holding of x and
    # y above u: every entity enters the plan once, and the walk terminates.
    # u: 50% x, 50% undisclosed.  x and y hold 50% of each other, the rest undisclosed.
    g = _graph(
        dict.fromkeys(("x", "y", "u", "p", "q", "t"), "CN"),
        [
            ("x", "y", "50%"),
            ("y", "x", "50%"),
            ("x", "u", "50%"),
            ("u", "p", "100%"),
            ("u", "q", "100%"),
            ("p", "t", "50%"),
            ("q", "t", "50%"),
        ],
    )
    plan = upstream(g, "t")
    assert plan.ultimate == ()  # x and y hold each other: neither is an ultimate owner
    # Owners first: the cross-holding, u, then p and q (in either order), then t.
    assert plan.order[:2] == (("x", "y"), ("u",))
    assert sorted(plan.order[2:4]) == [("p",), ("q",)]
    assert plan.order[4:] == (("t",),)
    assert len(plan.entities) == 6
    # x's look-through: 1/2 undisclosed + 1/2 of y's, which is 1/2 undisclosed + 1/2
    # of x's: all undisclosed.  So t is all undisclosed too.
    assert jvm.effective_ownership(g, "t") == {U: 1}
    g.add_entity("z", jurisdiction="US")
    g.add_holding("z", "u", "50%")
    plan = upstream(g, "t")
    assert plan.ultimate == ("z",)  # reached through p and through q, listed once
    # z holds half of u, which holds all of t through p and q: 1/2.
    assert jvm.effective_ownership(g, "t") == {U: Fraction(1, 2), "z": Fraction(1, 2)}
