"""Hand-computed look-through answers; each derivation is in the test's comment."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm
from jvmodel import UNDISCLOSED


def build(
    entities: dict[str, str | None], holdings: list[tuple[str, str, str]]
) -> jvm.OwnershipGraph:
    """A graph from ``{id: jurisdiction}`` and ``[(owner, owned, stake)]``."""
    g = jvm.OwnershipGraph()
    for entity_id, jurisdiction in entities.items():
        g.add_entity(entity_id, jurisdiction=jurisdiction)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def test_chain() -> None:
    # F (US) holds 60% of H, D (CN) the other 40%; H holds 40% of T, C (CN) the other 60%.
    # F's share of T = 60% × 40% = 24% = 6/25; D's = 40% × 40% = 16% = 4/25; C's = 60%.
    g = build(
        {"f": "US", "d": "CN", "c": "CN", "h": "CN", "t": "CN"},
        [("f", "h", "60%"), ("d", "h", "40%"), ("h", "t", "40%"), ("c", "t", "60%")],
    )
    assert jvm.effective_ownership(g, "t") == {
        "c": Fraction(3, 5),
        "f": Fraction(6, 25),
        "d": Fraction(4, 25),
    }
    assert jvm.foreign_share(g, "t", host="CN") == Fraction(6, 25)


def test_diamond() -> None:
    # F (US) holds 50% of H1 and 30% of H2; D (CN) holds the rest of each.
    # H1 holds 40% of T and H2 60%: F = 40%·50% + 60%·30% = 20% + 18% = 38% = 19/50,
    # D = 40%·50% + 60%·70% = 20% + 42% = 62% = 31/50.
    g = build(
        {"f": "US", "d": "CN", "h1": "CN", "h2": "CN", "t": "CN"},
        [
            ("f", "h1", "50%"),
            ("d", "h1", "50%"),
            ("f", "h2", "30%"),
            ("d", "h2", "70%"),
            ("h1", "t", "40%"),
            ("h2", "t", "60%"),
        ],
    )
    assert jvm.effective_ownership(g, "t") == {"d": Fraction(31, 50), "f": Fraction(19, 50)}
    assert jvm.foreign_share(g, "t", host="CN") == Fraction(19, 50)


def test_two_company_cross_holding_with_outside_owners() -> None:
    # A holds 20% of B and B holds 30% of A; F (US) holds the other 70% of A and
    # D (CN) the other 80% of B; A holds all of T.
    #   x_A = 0.3·x_B + 0.7·F,  x_B = 0.2·x_A + 0.8·D
    #   x_A = 0.06·x_A + 0.24·D + 0.7·F  =>  x_A = (0.24·D + 0.7·F) / 0.94
    # so F = 70/94 = 35/47 and D = 24/94 = 12/47 of T.
    g = build(
        {"f": "US", "d": "CN", "a": "CN", "b": "CN", "t": "CN"},
        [
            ("a", "b", "20%"),
            ("b", "a", "30%"),
            ("f", "a", "70%"),
            ("d", "b", "80%"),
            ("a", "t", "100%"),
        ],
    )
    assert jvm.effective_ownership(g, "t") == {"f": Fraction(35, 47), "d": Fraction(12, 47)}
    assert jvm.foreign_share(g, "t", host="CN") == Fraction(35, 47)


def test_cycle_of_three() -> None:
    # A holds 50% of B, B 50% of C, C 50% of A; outside: F (US) 50% of A, D (CN) 50%
    # of B, E (CN) 50% of C; A holds all of T.
    #   x_B = x_A/2 + D/2,  x_C = x_B/2 + E/2 = x_A/4 + D/4 + E/2
    #   x_A = x_C/2 + F/2 = x_A/8 + D/8 + E/4 + F/2  =>  x_A = D/7 + 2E/7 + 4F/7.
    g = build(
        {"f": "US", "d": "CN", "e": "CN", "a": "CN", "b": "CN", "c": "CN", "t": "CN"},
        [
            ("a", "b", "50%"),
            ("b", "c", "50%"),
            ("c", "a", "50%"),
            ("f", "a", "50%"),
            ("d", "b", "50%"),
            ("e", "c", "50%"),
            ("a", "t", "100%"),
        ],
    )
    assert jvm.effective_ownership(g, "t") == {
        "f": Fraction(4, 7),
        "e": Fraction(2, 7),
        "d": Fraction(1, 7),
    }
    assert jvm.foreign_share(g, "t", host="CN") == Fraction(4, 7)


def test_closed_loop_is_an_error_naming_its_entities() -> None:
    # A and B own each other entirely: no ultimate owner above T.
    g = build(
        {"a": "CN", "b": "CN", "t": "CN"},
        [("a", "b", "100%"), ("b", "a", "100%"), ("a", "t", "100%")],
    )
    with pytest.raises(jvm.CircularOwnershipError, match="'a', 'b' own each other") as caught:
        jvm.effective_ownership(g, "t")
    assert caught.value.entities == ("a", "b")
    assert isinstance(caught.value, ValueError)


def test_treasury_shares_are_left_out_and_the_rest_renormalised() -> None:
    # T holds 10% of its own shares; F (US) 50%, D (CN) 40%. Of the 90% that count,
    # F has 50/90 = 5/9 and D 40/90 = 4/9. Without renormalising F would read 50%,
    # compliant under a 50% cap; renormalised it is 5/9 ≈ 55.6%, a breach.
    g = build(
        {"f": "US", "d": "CN", "t": "CN"},
        [("t", "t", "10%"), ("f", "t", "50%"), ("d", "t", "40%")],
    )
    assert jvm.effective_ownership(g, "t") == {"f": Fraction(5, 9), "d": Fraction(4, 9)}
    assert jvm.foreign_share(g, "t", host="CN") == Fraction(5, 9)


def test_entity_holding_all_its_own_shares_is_refused() -> None:
    # An entity holding 100% of itself would have no owner to look through to.
    g = build({"t": "CN"}, [])
    with pytest.raises(jvm.InvalidEntityError, match="cannot hold all of its own shares"):
        g.add_holding("t", "t", "100%")


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        # F (US) 30%, D (CN) 50%, 20% undisclosed.
        ("foreign", Fraction(1, 2)),  # 30% + 20% counted foreign = 50%
        ("domestic", Fraction(3, 10)),  # 30% only
        ("exclude", Fraction(3, 8)),  # renormalised over the 80% known: 30/80
    ],
)
def test_undisclosed_policies(policy: str, expected: Fraction) -> None:
    g = build({"f": "US", "d": "CN", "t": "CN"}, [("f", "t", "30%"), ("d", "t", "50%")])
    assert jvm.foreign_share(g, "t", host="CN", undisclosed=policy) == expected  # type: ignore[arg-type]
    assert jvm.effective_ownership(g, "t")[UNDISCLOSED] == Fraction(1, 5)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("foreign", Fraction(1, 2)), ("domestic", Fraction(3, 10)), ("exclude", Fraction(3, 8))],
)
def test_owner_without_jurisdiction_counts_like_undisclosed(
    policy: str, expected: Fraction
) -> None:
    # As above, with the 20% held by X of unknown jurisdiction instead of undisclosed.
    g = build(
        {"f": "US", "d": "CN", "x": None, "t": "CN"},
        [("f", "t", "30%"), ("d", "t", "50%"), ("x", "t", "20%")],
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed=policy) == expected  # type: ignore[arg-type]


def test_exclude_renormalises_at_each_layer() -> None:
    # H: F (US) 40%, 60% undisclosed -> under exclude, H is 40/40 = 100% foreign.
    # T: H 50%, D (CN) 25%, 25% undisclosed -> 50/75 × 1 + 25/75 × 0 = 2/3.
    g = build(
        {"f": "US", "d": "CN", "h": "CN", "t": "CN"},
        [("f", "h", "40%"), ("h", "t", "50%"), ("d", "t", "25%")],
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="exclude") == Fraction(2, 3)


def test_exclude_with_nothing_known_is_an_error() -> None:
    g = build({"x": None, "t": "CN"}, [("x", "t", "60%")])
    with pytest.raises(jvm.UnsupportedAnalysisError, match="nothing is known"):
        jvm.foreign_share(g, "t", host="CN", undisclosed="exclude")


def test_target_without_recorded_owners_is_wholly_undisclosed() -> None:
    g = build({"t": "CN"}, [])
    assert jvm.effective_ownership(g, "t") == {UNDISCLOSED: Fraction(1)}
    assert jvm.foreign_share(g, "t", host="CN") == 1
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == 0


def test_hong_kong_listed_as_foreign() -> None:
    # An investor in CN-HK is in China by its country part, but Chinese rules count
    # Hong Kong investors as foreign: 40% foreign with the list, 0% without.
    g = build({"hk": "CN-HK", "d": "CN", "t": "CN"}, [("hk", "t", "40%"), ("d", "t", "60%")])
    assert jvm.foreign_share(g, "t", host="CN") == 0
    assert jvm.foreign_share(g, "t", host="CN", foreign=["CN-HK"]) == Fraction(2, 5)
    assert jvm.foreign_share(g, "t", regime="cn-beijing-2020") == Fraction(2, 5)


def test_voting_measure_uses_voting_stakes() -> None:
    # Dual-class shares: F (US) holds 30% of the equity but 60% of the votes, D (CN)
    # 70% of the equity and 40% of the votes. Equity: 30% foreign; voting: 60%.
    g = build({"f": "US", "d": "CN", "t": "CN"}, [])
    g.add_holding("f", "t", "30%", voting="60%")
    g.add_holding("d", "t", "70%", voting="40%")
    assert jvm.foreign_share(g, "t", host="CN") == Fraction(3, 10)
    assert jvm.foreign_share(g, "t", host="CN", measure="voting") == Fraction(3, 5)


def test_as_of_selects_the_holdings_in_force() -> None:
    # The bundled demo: on 2022-06-30 the US fund is not yet in, so the JV is 1/2
    # foreign; from 2022-07-01, 1/2 + 1/2 × 30% × 10% = 103/200.
    import datetime as dt

    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    assert jvm.foreign_share(g, "jv", host="CN", as_of=dt.date(2022, 6, 30)) == Fraction(1, 2)
    assert jvm.foreign_share(g, "jv", host="CN", as_of=dt.date(2022, 7, 1)) == Fraction(103, 200)
    assert jvm.foreign_share(g, "jv", host="CN") == Fraction(103, 200)
    # Before the JV's holdings start, it has no recorded owners: all undisclosed.
    assert jvm.effective_ownership(g, "jv", as_of=dt.date(2021, 1, 1)) == {UNDISCLOSED: 1}


def test_only_the_upstream_closure_is_read() -> None:
    # A closed loop elsewhere in the graph does not disturb T's analysis.
    g = build(
        {"a": "CN", "b": "CN", "f": "US", "t": "CN"},
        [("a", "b", "100%"), ("b", "a", "100%"), ("f", "t", "10%")],
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == Fraction(1, 10)


def test_foreign_contributions_add_up_to_the_foreign_share() -> None:
    # Demo: BT 1/2, CalPERS 1/2 × 3/10 × 1/10 = 3/200; sum 103/200.
    g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
    parts = jvm.foreign_contributions(g, "jv", host="CN")
    assert parts == {"bt": Fraction(1, 2), "calpers": Fraction(3, 200)}
    assert sum(parts.values()) == jvm.foreign_share(g, "jv", host="CN")


def test_unknown_target_and_options() -> None:
    g = build({"t": "CN"}, [])
    with pytest.raises(jvm.UnknownEntityError, match="no entity 'x'"):
        jvm.effective_ownership(g, "x")
    with pytest.raises(jvm.UnsupportedAnalysisError, match="host="):
        jvm.foreign_share(g, "t")
    with pytest.raises(jvm.UnsupportedAnalysisError, match="undisclosed='sometimes'"):
        jvm.foreign_share(g, "t", host="CN", undisclosed="sometimes")  # type: ignore[arg-type]
    with pytest.raises(jvm.UnsupportedAnalysisError, match="measure 'cash'"):
        jvm.effective_ownership(g, "t", measure="cash")  # type: ignore[arg-type]
    with pytest.raises(jvm.InvalidEntityError, match="subdivision"):
        jvm.foreign_share(g, "t", host="CN-BJ")


def test_ranged_stake_gives_an_interval() -> None:
    # F holds "more than 25% to 50%", the rest is undisclosed and counted foreign:
    # foreign = w + (1 − w) = 1 whatever w; counted domestic: w itself.
    g = build({"f": "US", "t": "CN"}, [])
    g.add_holding("f", "t", jvm.Range("25%", "50%", closed="right"))
    assert jvm.foreign_share(g, "t", host="CN") == jvm.Interval(
        lower=Fraction(1), upper=Fraction(1)
    )
    assert jvm.foreign_share(g, "t", host="CN", undisclosed="domestic") == jvm.Interval(
        lower=Fraction(1, 4), upper=Fraction(1, 2), lower_closed=False
    )
    with pytest.raises(jvm.UnsupportedAnalysisError, match="is a range"):
        jvm.analysis.lookthrough.upstream(g, "t")
