"""The fast engine on structures whose figures are worked out by hand."""

from __future__ import annotations

import datetime as dt
import math
from typing import ClassVar

import numpy as np
import pytest

import jvmodel as jvm
from jvmodel.analysis import fast


def graph(
    entities: dict[str, str | None], holdings: list[tuple[str, str, str]]
) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity, jurisdiction in entities.items():
        g.add_entity(entity, jurisdiction=jurisdiction)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def test_chain_multiplies_stakes() -> None:
    # F (GB) holds 60% of H, H holds 40% of T; the rest of H and T is domestic.
    g = graph(
        {"f": "GB", "d": "CN", "h": "CN", "t": "CN"},
        [("f", "h", "60%"), ("d", "h", "40%"), ("h", "t", "40%"), ("d", "t", "60%")],
    )
    shares = fast.foreign_shares(g, host="CN")
    # h: 60% foreign; t: 40% × 60% = 24%.
    assert shares["h"] == pytest.approx(0.6, abs=1e-15)
    assert shares["t"] == pytest.approx(0.24, abs=1e-15)


def test_cross_holding_is_solved_as_a_linear_system() -> None:
    # F (US) holds 1/2 of A; A and B hold 1/2 of each other; D (CN) holds the other 1/2 of B.
    # φA = 1/2 + φB/2 and φB = φA/2, so φA = 1/2 + φA/4, φA = 2/3, φB = 1/3.
    g = graph(
        {"f": "US", "d": "CN", "a": "CN", "b": "CN"},
        [("f", "a", "1/2"), ("b", "a", "1/2"), ("a", "b", "1/2"), ("d", "b", "1/2")],
    )
    shares = fast.foreign_shares(g, host="CN")
    assert shares["a"] == pytest.approx(2 / 3, abs=1e-15)
    assert shares["b"] == pytest.approx(1 / 3, abs=1e-15)
    assert fast.array_form(g).blocks == ((2, 2),)  # one component of two, on level 1


def test_treasury_shares_are_left_out_and_the_rest_renormalised() -> None:
    # T holds 10% of itself; F (GB) holds 45%, D (CN) 45%: F owns 45/90 = 1/2 of what counts.
    g = graph(
        {"f": "GB", "d": "CN", "t": "CN"},
        [("t", "t", "10%"), ("f", "t", "45%"), ("d", "t", "45%")],
    )
    assert fast.foreign_shares(g, host="CN")["t"] == pytest.approx(0.5, abs=1e-15)


def test_undisclosed_policies() -> None:
    # F (GB) holds 30% of T, D (CN) 50%, 20% undisclosed.
    g = graph({"f": "GB", "d": "CN", "t": "CN"}, [("f", "t", "30%"), ("d", "t", "50%")])
    foreign = fast.foreign_shares(g, host="CN")["t"]
    domestic = fast.foreign_shares(g, host="CN", undisclosed="domestic")["t"]
    exclude = fast.foreign_shares(g, host="CN", undisclosed="exclude")["t"]
    assert foreign == pytest.approx(0.5, abs=1e-15)  # 30% + 20%
    assert domestic == pytest.approx(0.3, abs=1e-15)  # 30%
    assert exclude == pytest.approx(0.375, abs=1e-15)  # 30 / (30 + 50)


def test_an_owner_without_holders_is_wholly_undisclosed_as_a_target() -> None:
    # As jvm.foreign_share says: nothing is known of who owns F itself.
    g = graph({"f": "GB", "t": "CN"}, [("f", "t", "100%")])
    assert fast.foreign_shares(g, host="CN")["f"] == 1.0
    assert fast.foreign_shares(g, host="CN", undisclosed="domestic")["f"] == 0.0
    excluded = fast.foreign_shares(g, host="CN", undisclosed="exclude")
    assert math.isnan(excluded["f"])
    assert "nothing is known" in excluded.unresolved["f"]
    assert excluded["t"] == 1.0


def test_hong_kong_counts_as_foreign_when_listed() -> None:
    g = graph({"hk": "CN-HK", "t": "CN"}, [("hk", "t", "40%")])
    assert fast.foreign_shares(g, host="CN", undisclosed="domestic")["t"] == 0.0
    shares = fast.foreign_shares(g, host="CN", undisclosed="domestic", foreign=["CN-HK"])
    assert shares["t"] == pytest.approx(0.4, abs=1e-15)


def test_multiplier_counts_a_controlling_link_in_full() -> None:
    # The FCC example: F holds 30% of H, which holds 70% of the licensee L.
    # Voting (multiplier): 70% > 50% counts as 100%, so 30%; equity: 30% × 70% = 21%.
    g = graph(
        {"f": "GB", "d": "US", "h": "US", "l": "US"},
        [("f", "h", "30%"), ("d", "h", "70%"), ("h", "l", "70%"), ("d", "l", "30%")],
    )
    assert fast.foreign_shares(g, host="US", method="multiplier")["l"] == pytest.approx(0.3)
    assert fast.foreign_shares(g, host="US")["l"] == pytest.approx(0.21)


def test_multiplier_compares_an_exact_half_exactly() -> None:
    # A stake of exactly 1/2 is not above a half: it stays 1/2 (F holds all of H).
    g = graph({"f": "GB", "h": "US", "l": "US"}, [("f", "h", "100%"), ("h", "l", "1/2")])
    shares = fast.foreign_shares(g, host="US", method="multiplier", undisclosed="domestic")
    assert shares["l"] == 0.5


def test_multiplier_total_is_capped_at_one() -> None:
    # Two foreign holders of 60% and 40% in H; H holds 60% of L and F 40% directly:
    # multiplier: 1 (rounded up) × 1 + 0.4 = 1.4, reported as 100%.
    g = graph(
        {"f": "GB", "g": "GB", "h": "US", "l": "US"},
        [("f", "h", "60%"), ("g", "h", "40%"), ("h", "l", "60%"), ("f", "l", "40%")],
    )
    assert fast.foreign_shares(g, host="US", method="multiplier")["l"] == 1.0


def test_a_closed_loop_is_unresolved_with_what_it_reaches() -> None:
    # A and B own each other entirely; B holds 30% of T. Nothing is an owner of the loop.
    g = graph(
        {"a": "CN", "b": "CN", "t": "CN", "f": "GB"},
        [("a", "b", "100%"), ("b", "a", "100%"), ("b", "t", "30%"), ("f", "t", "70%")],
    )
    shares = fast.foreign_shares(g, host="CN")
    assert set(shares.unresolved) == {"a", "b", "t"}
    assert "own each other entirely" in shares.unresolved["a"]
    assert shares.unresolved["t"].startswith("it depends on")
    assert math.isnan(shares["t"])
    assert shares["f"] == 1.0
    with pytest.raises(jvm.CircularOwnershipError):
        jvm.foreign_share(g, "t", host="CN")


def test_a_ranged_stake_is_unresolved_downstream() -> None:
    g = jvm.OwnershipGraph()
    for e, j in {"f": "GB", "h": "CN", "t": "CN", "u": "CN"}.items():
        g.add_entity(e, jurisdiction=j)
    g.add_holding("f", "h", jvm.Range("25%", "50%", closed="right"))
    g.add_holding("h", "t", "50%")
    g.add_holding("f", "u", "50%")
    shares = fast.foreign_shares(g, host="CN")
    assert set(shares.unresolved) == {"h", "t"}
    assert "is a range" in shares.unresolved["h"]
    assert shares["u"] == 1.0  # 50% foreign + 50% undisclosed


def test_as_of_selects_the_holdings_in_force() -> None:
    g = graph({"f": "GB", "d": "CN", "t": "CN"}, [])
    g.add_holding("f", "t", "60%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("d", "t", "60%", valid_from=dt.date(2021, 1, 1))
    before = fast.foreign_shares(g, host="CN", undisclosed="domestic", as_of=dt.date(2020, 6, 1))
    after = fast.foreign_shares(g, host="CN", undisclosed="domestic", as_of=dt.date(2021, 6, 1))
    assert before["t"] == pytest.approx(0.6)
    assert after["t"] == 0.0


def test_the_array_form_is_cached_until_the_graph_changes() -> None:
    g = graph({"f": "GB", "t": "CN"}, [("f", "t", "40%")])
    form = fast.array_form(g)
    assert fast.array_form(g) is form
    assert fast.array_form(g, measure="voting") is not form
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("d", "t", "60%")
    assert fast.array_form(g) is not form
    assert fast.foreign_shares(g, host="CN")["t"] == pytest.approx(0.4)


def test_methods_the_engine_does_not_compute_are_refused() -> None:
    g = graph({"t": "CN"}, [])
    with pytest.raises(jvm.UnsupportedAnalysisError, match="fast engine computes the methods"):
        fast.foreign_shares(g, host="CN", method="presence")

    class Custom(jvm.methods.Method):
        name = "proportional"  # a name is not enough: the link may differ

    with pytest.raises(jvm.UnsupportedAnalysisError):
        fast.foreign_shares(g, host="CN", method=Custom())
    with pytest.raises(jvm.UnsupportedAnalysisError, match="host"):
        fast.foreign_shares(g)


def test_results_as_mapping_numpy_and_pandas() -> None:
    g = graph({"f": "GB", "t": "CN"}, [("f", "t", "40%")])
    shares = jvm.foreign_shares(g, host="CN", undisclosed="domestic")
    assert list(shares) == ["f", "t"]
    assert dict(shares) == {"f": 0.0, "t": pytest.approx(0.4)}
    array = shares.to_numpy()
    assert array.tolist() == [0.0, pytest.approx(0.4)]
    assert not array.flags.writeable
    series = shares.to_pandas()
    assert series.index.tolist() == ["f", "t"]
    assert series["t"] == pytest.approx(0.4)
    with pytest.raises(jvm.UnknownEntityError):
        shares["nope"]


def test_top_contributors() -> None:
    # T: F (GB) 30%, G (US) 30% through H (wholly owned by G), D (CN) 20%, 20% undisclosed.
    # Ties at 30% go to the smaller id, as in check(): 'f' before 'g'.
    g = graph(
        {"f": "GB", "g": "US", "h": "CN", "d": "CN", "t": "CN"},
        [("f", "t", "30%"), ("g", "h", "100%"), ("h", "t", "30%"), ("d", "t", "20%")],
    )
    shares = fast.foreign_shares(g, host="CN")
    top = shares.top_contributors(["t", "h", "d"])
    assert top["t"] == ("f", pytest.approx(0.3))
    assert top["h"] == ("g", 1.0)
    assert top["d"] == (jvm.UNDISCLOSED, 1.0)  # no holder: wholly undisclosed
    domestic = fast.foreign_shares(g, host="CN", undisclosed="domestic")
    assert domestic.top_contributors(["d"]) == {"d": None}


def test_a_badly_conditioned_cross_holding_is_flagged_approximate() -> None:
    # A and B hold 99.99999999% of each other: the system's condition number is about 1e10.
    g = graph(
        {"a": "CN", "b": "CN", "t": "CN"},
        [("a", "b", "99.99999999%"), ("b", "a", "99.99999999%"), ("b", "t", "50%")],
    )
    shares = fast.foreign_shares(g, host="CN")
    assert shares.approximate == {"a", "b", "t"}


class _Presence(fast._VectorMethod):
    """A test-only non-linear method: any foreign share makes an intermediate foreign."""

    name: ClassVar[str] = "presence (test)"
    linear: ClassVar[bool] = False

    def status(self, r: fast.Floats) -> fast.Floats:
        return np.where(r > 0, 1.0, 0.0)


def test_a_non_linear_method_iterates_a_cross_holding_to_its_least_fixed_point() -> None:
    # A and B hold 10% of each other; F (GB) holds 5% of A, D (CN) the rest of both.
    # Under presence A is foreign (5% > 0) and so is B (it holds A); T, held 20% by B
    # and 80% by D, gets r = 20% × 1 = 20%.
    g = graph(
        {"f": "GB", "d": "CN", "a": "CN", "b": "CN", "t": "CN"},
        [
            ("f", "a", "5%"),
            ("b", "a", "10%"),
            ("d", "a", "85%"),
            ("a", "b", "10%"),
            ("d", "b", "90%"),
            ("b", "t", "20%"),
            ("d", "t", "80%"),
        ],
    )
    form = fast.array_form(g)
    system = fast._system(form, host="CN", method=_Presence(), undisclosed="foreign", foreign=())
    phi, raw = fast._sweep(system)
    at = {form.id_at(p): p for p in range(form.n)}
    assert phi[at["a"]] == 1.0
    assert phi[at["b"]] == 1.0
    assert raw[at["t"]] == pytest.approx(0.2)
    # And with no foreign owner at all, the least fixed point is all domestic.
    g2 = graph(
        {"d": "CN", "a": "CN", "b": "CN"},
        [("b", "a", "10%"), ("d", "a", "90%"), ("a", "b", "10%"), ("d", "b", "90%")],
    )
    form2 = fast.array_form(g2)
    phi2, _ = fast._sweep(
        fast._system(form2, host="CN", method=_Presence(), undisclosed="foreign", foreign=())
    )
    assert phi2.tolist() == [0.0, 0.0, 0.0]


def test_a_large_cross_holding_is_solved_by_sparse_factorisation() -> None:
    # 66 companies in a ring, each holding 10% of the next (more than the 64 solved by
    # dense inverses); F (GB) holds 50% of r0, D (CN) 40% of every other one.
    size = 66
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="GB")
    g.add_entity("d", jurisdiction="CN")
    for i in range(size):
        g.add_entity(f"r{i}", jurisdiction="CN")
    for i in range(size):
        g.add_holding(f"r{i}", f"r{(i + 1) % size}", "10%")
        g.add_holding("f" if i == 0 else "d", f"r{i}", "50%" if i == 0 else "40%")
    shares = fast.foreign_shares(g, host="CN")
    assert fast.array_form(g).blocks == ((2, size),)
    for target in ("r0", "r1", "r33"):
        expected = jvm.foreign_share(g, target, host="CN")
        assert shares[target] == pytest.approx(float(expected), abs=1e-12)
