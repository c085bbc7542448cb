"""The fast engine's whole results pinned on small structures worked out by hand.

The register used throughout (``_register``), graph order t, a, b, h, u, d, f, k:

* F (GB) holds 60% of H (80% of the votes), D (CN) 40% (20% of the votes);
* H holds 50% of A, B 25% of A (the other 25% of A undisclosed);
* A holds 50% of B, U (no jurisdiction) 30% of B (20% of B undisclosed);
* A holds 40% of T, K (CN-HK) 20%, D 10% until 2020-01-01 and 20% from 2020-01-02,
  and T holds 10% of itself (treasury, left out: the others are scaled by 10/9).

So H, A, B, T have holders; U, D, F, K have none.  Levels: {u, d, f, k} (no holder),
{h} (held by level 0 only), {a, b} (a cross-holding held by H), {t} (held by A).
"""

from __future__ import annotations

import datetime as dt
import math
import types
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
import pytest

import jvmodel as jvm
from jvmodel.analysis import fast

F = Fraction
EXCLUDED = (
    "nothing is known of who ultimately owns it (every owner is undisclosed or of "
    "unknown jurisdiction), so under undisclosed='exclude' its foreign share is undefined"
)


def _graph(
    entities: dict[str, str | None], holdings: list[tuple[str, str, str]]
) -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity, jurisdiction in entities.items():
        g.add_entity(entity, jurisdiction=jurisdiction)
    for owner, owned, stake in holdings:
        g.add_holding(owner, owned, stake)
    return g


def _register() -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for entity, jurisdiction in {
        "t": "CN",
        "a": "CN",
        "b": "CN",
        "h": "CN",
        "u": None,
        "d": "CN",
        "f": "GB",
        "k": "CN-HK",
    }.items():
        g.add_entity(entity, jurisdiction=jurisdiction)
    g.add_holding("f", "h", "60%", voting="80%")
    g.add_holding("d", "h", "40%", voting="20%")
    g.add_holding("h", "a", "50%")
    g.add_holding("b", "a", "25%")
    g.add_holding("a", "b", "50%")
    g.add_holding("u", "b", "30%")
    g.add_holding("a", "t", "40%")
    g.add_holding("k", "t", "20%")
    g.add_holding("d", "t", "10%", valid_to=dt.date(2020, 1, 1))
    g.add_holding("d", "t", "20%", valid_from=dt.date(2020, 1, 2))
    g.add_holding("t", "t", "10%")
    return g


def _entries(form: fast.ArrayForm) -> dict[tuple[str, str], tuple[float, Fraction]]:
    """(owned, holder) -> (float weight, exact stake), read from the CSR arrays."""
    weights = form.weights
    result: dict[tuple[str, str], tuple[float, Fraction]] = {}
    for p in range(form.n):
        for k in range(int(weights.indptr[p]), int(weights.indptr[p + 1])):
            key = (form.id_at(p), form.id_at(int(weights.indices[k])))
            assert key not in result
            result[key] = (float(weights.data[k]), form.stakes[k])
    return result


def _by_id(form: fast.ArrayForm, values: Any) -> dict[str, Any]:
    return {form.id_at(p): values[p] for p in range(form.n)}


def _close(shares: fast.ForeignShares, expected: dict[str, Fraction | None]) -> None:
    """Every figure within 1e-12 of its exact value (None: NaN, unresolved)."""
    assert list(shares) == list(expected)
    array = shares.to_numpy()
    for i, (entity, value) in enumerate(expected.items()):
        if value is None:
            assert math.isnan(shares[entity])
            assert math.isnan(array[i])
        else:
            assert abs(shares[entity] - float(value)) <= 1e-12, entity
            assert abs(array[i] - float(value)) <= 1e-12, entity


# -- the array form -------------------------------------------------------------------


def test_the_array_form_of_the_register_entry_by_entry() -> None:
    form = fast.array_form(_register())
    assert form.ids == ("t", "a", "b", "h", "u", "d", "f", "k")
    assert form.index == {e: i for i, e in enumerate(form.ids)}
    assert (form.n, form.levels, form.measure, form.as_of) == (8, 4, "equity", None)
    # The positions number the levels in turn: {u, d, f, k}, {h}, {a, b}, {t}.
    assert form.level_starts.tolist() == [0, 4, 5, 7, 8]
    assert {form.id_at(p) for p in range(4)} == {"u", "d", "f", "k"}
    assert [form.id_at(p) for p in range(4, 8)] in (["h", "a", "b", "t"], ["h", "b", "a", "t"])
    assert form.at[form.order].tolist() == list(range(8))
    assert form.order[form.at].tolist() == list(range(8))
    assert [form.position(e) for e in form.ids] == form.order.tolist()
    # The one cross-holding, A and B, on level 2 (positions 5 and 6).
    assert form.blocks == ((5, 2),)
    # Treasury: T's 10% is left out, the other stakes scaled by 1/(1 − 1/10) = 10/9:
    # A 40% → 4/9, K 20% → 2/9, D 20% → 2/9 (D's 10% ended in 2020: not in force today).
    assert _entries(form) == {
        ("h", "f"): (0.6, F(3, 5)),
        ("h", "d"): (0.4, F(2, 5)),
        ("a", "h"): (0.5, F(1, 2)),
        ("a", "b"): (0.25, F(1, 4)),
        ("b", "a"): (0.5, F(1, 2)),
        ("b", "u"): (0.3, F(3, 10)),
        ("t", "a"): (float(F(4, 9)), F(4, 9)),
        ("t", "k"): (float(F(2, 9)), F(2, 9)),
        ("t", "d"): (float(F(2, 9)), F(2, 9)),
    }
    # Entries of each row sorted by holder position; holds is the transpose.
    for p in range(form.n):
        row = form.weights.indices[form.weights.indptr[p] : form.weights.indptr[p + 1]]
        assert row.tolist() == sorted(row.tolist())
    assert (form.holds.toarray() == form.weights.toarray().T).all()
    assert form.holds.format == "csr"
    # Undisclosed: H 0, A 1 − 3/4 = 1/4, B 1 − 4/5 = 1/5, T 1 − 8/9 = 1/9; no holder: 1.
    undisclosed = _by_id(form, form.undisclosed.tolist())
    assert undisclosed == {
        "u": 1.0,
        "d": 1.0,
        "f": 1.0,
        "k": 1.0,
        "h": 0.0,
        "a": 0.25,
        "b": pytest.approx(0.2, abs=1e-15),
        "t": pytest.approx(1 / 9, abs=1e-15),
    }
    assert _by_id(form, form.ultimate.tolist()) == {
        "u": True,
        "d": True,
        "f": True,
        "k": True,
        "h": False,
        "a": False,
        "b": False,
        "t": False,
    }
    # Codes in the graph's order of first use (None left out): CN, GB, CN-HK.
    assert form.codes == ("CN", "GB", "CN-HK")
    assert _by_id(form, form.jurisdiction.tolist()) == {
        "t": 0,
        "a": 0,
        "b": 0,
        "h": 0,
        "u": -1,
        "d": 0,
        "f": 1,
        "k": 2,
    }
    assert form.seeds == {}
    assert form.own == {}
    # One group: the A–B component alone on level 2, its two inner holdings.
    assert [len(level) for level in form.groups] == [0, 0, 1, 0]
    (group,) = form.groups[2]
    assert group.size == 2
    assert group.rows.tolist() == [[5, 6]]
    inner = {
        (form.id_at(5 + int(r)), form.id_at(5 + int(c))): float(form.weights.data[pos])
        for r, c, pos in zip(group.entry_row, group.entry_col, group.entry_pos, strict=True)
    }
    assert inner == {("a", "b"): 0.25, ("b", "a"): 0.5}
    assert group.entry_block.tolist() == [0, 0]


def test_the_voting_form_and_a_dated_form() -> None:
    g = _register()
    voting = fast.array_form(g, measure="voting")
    assert voting.measure == "voting"
    entries = _entries(voting)
    # F holds 80% of H's votes and D 20%; stakes without their own votes read the equity.
    assert entries[("h", "f")] == (0.8, F(4, 5))
    assert entries[("h", "d")] == (0.2, F(1, 5))
    assert entries[("a", "h")] == (0.5, F(1, 2))
    # On 2019-06-01 D held 10% of T: scaled by 10/9, 1/9; T is 1 − 7/9 = 2/9 undisclosed.
    day = dt.date(2019, 6, 1)
    dated = fast.array_form(g, as_of=day)
    assert dated.as_of == day
    assert _entries(dated)[("t", "d")] == (float(F(1, 9)), F(1, 9))
    assert _by_id(dated, dated.undisclosed)["t"] == pytest.approx(2 / 9, abs=1e-15)
    # On 2020-01-01 (the last day of the 10%) still 1/9; on 2020-01-02, 2/9.
    assert _entries(fast.array_form(g, as_of=dt.date(2020, 1, 1)))[("t", "d")][1] == F(1, 9)
    assert _entries(fast.array_form(g, as_of=dt.date(2020, 1, 2)))[("t", "d")][1] == F(2, 9)


def test_a_zero_stake_holds_nothing() -> None:
    # F holds 0% of A: no entry, so A has no holder and is an ultimate owner; G (GB)
    # holds 50% of B, stays.
    g = _graph({"a": "CN", "b": "CN", "f": "GB", "g": "GB"}, [("f", "a", "0%"), ("g", "b", "50%")])
    form = fast.array_form(g)
    assert _entries(form) == {("b", "g"): (0.5, F(1, 2))}
    assert form.weights.nnz == 1
    assert _by_id(form, form.ultimate.tolist()) == {"a": True, "b": False, "f": True, "g": True}
    assert form.level_starts.tolist() == [0, 3, 4]
    # A 0% treasury holding is nothing either.
    g.add_holding("b", "b", "0%")
    assert _entries(fast.array_form(g)) == {("b", "g"): (0.5, F(1, 2))}


def test_an_empty_graph_and_entities_without_holdings() -> None:
    empty = fast.array_form(jvm.OwnershipGraph())
    assert (empty.n, empty.levels, empty.blocks, empty.groups) == (0, 0, (), ())
    assert dict(fast.foreign_shares(jvm.OwnershipGraph(), host="CN")) == {}
    lone = fast.array_form(_graph({"x": "CN", "y": None}, []))
    assert (lone.levels, lone.level_starts.tolist(), lone.codes) == (1, [0, 2], ("CN",))


def _holding(equity: Any, valid_to: dt.date | None = None) -> Any:
    return types.SimpleNamespace(
        equity=equity, voting=equity, valid_to=valid_to, covers=lambda day: True
    )


def _stub(entities: dict[str, str | None], holdings: dict[tuple[str, str], list[Any]]) -> Any:
    """A graph-like object, for treasury cases the graph itself refuses to hold."""
    nodes = {e: {"entity": jvm.Entity(id=e, jurisdiction=j)} for e, j in entities.items()}
    adjacency: dict[str, dict[str, Any]] = {e: {} for e in entities}
    for (owner, owned), records in holdings.items():
        adjacency[owner][owned] = {"holdings": records}
    return types.SimpleNamespace(
        _adjacency=lambda: (nodes, adjacency), _cached=lambda key, build: build()
    )


def test_treasury_parts_add_up_and_all_of_its_own_shares_leaves_no_owner() -> None:
    # X records two treasury holdings, 1/4 and 1/4: 1/2 left out, F's 1/4 scales to
    # (1/4) / (1 − 1/2) = 1/2.  Y holds all of its own shares: no owner (its own
    # reason), and its 1/2 of Z still counts.
    stub = _stub(
        {"x": "CN", "y": "CN", "z": "CN", "f": "GB"},
        {
            ("x", "x"): [_holding(F(1, 4)), _holding(F(1, 4))],
            ("f", "x"): [_holding(F(1, 4))],
            ("y", "y"): [_holding(F(1))],
            ("y", "z"): [_holding(F(1, 2))],
        },
    )
    form = fast._convert(stub, "equity", None)
    assert _entries(form) == {("x", "f"): (0.5, F(1, 2)), ("z", "y"): (0.5, F(1, 2))}
    own = "'y' holds all of its own shares, so it has no owner"
    assert {form.id_at(p): reason for p, reason in form.own.items()} == {"y": own}
    # Y's own figure is unresolved; what it holds is not: Z = 1/2 · 0 (Y is CN) + 1/2
    # undisclosed (foreign); X = F's 1/2 + 1/2 undisclosed = 1.
    shares = fast.foreign_shares(stub, host="CN")
    assert shares.unresolved == {"y": own}
    _close(shares, {"x": F(1), "y": None, "z": F(1, 2), "f": F(1)})
    # Under "exclude" Y (no owner known) is unresolved for that reason first.
    excluded = fast.foreign_shares(stub, host="CN", undisclosed="exclude")
    assert excluded.unresolved == {"y": EXCLUDED, "f": EXCLUDED}
    _close(excluded, {"x": F(1), "y": None, "z": F(0), "f": None})


def test_stakes_whose_floats_sum_above_one_leave_nothing_undisclosed() -> None:
    # 0.33 + 0.56 + 0.11 is 1.0000000000000002 in floats: the undisclosed part is 0, not
    # negative, and T is exactly F's 33/100 + G's 56/100 = 89/100 foreign.
    g = _graph(
        {"t": "CN", "f": "GB", "g": "US", "d": "CN"},
        [("f", "t", "33%"), ("g", "t", "56%"), ("d", "t", "11%")],
    )
    form = fast.array_form(g)
    assert _by_id(form, form.undisclosed.tolist())["t"] == 0.0
    assert fast.foreign_shares(g, host="CN").exact(["t"]) == {"t": F(89, 100)}


def test_an_ended_holding_is_left_out_today_and_counted_on_its_days() -> None:
    # A holding with an end date is not in force "today" (as_of None), whatever covers says.
    stub = _stub(
        {"x": "CN", "f": "GB"},
        {("f", "x"): [_holding(F(1, 2), valid_to=dt.date(2030, 1, 1))]},
    )
    assert _entries(fast._convert(stub, "equity", None)) == {}
    assert _entries(fast._convert(stub, "equity", dt.date(2020, 1, 1))) == {
        ("x", "f"): (0.5, F(1, 2))
    }


# -- the figures ----------------------------------------------------------------------

ULTIMATE = ("u", "d", "f", "k")

# The register's figures, worked out by hand (φ_u: 1 under "foreign", 0 otherwise).
# H = 3/5 (F's 60%).  A = H/2 + B/4 + φ_u/4 and B = A/2 + (3/10 + 1/5) φ_u (U has no
# jurisdiction: it counts as undisclosed).  T = 4/9 A + 1/9 φ_u (K, D domestic).
# * foreign: A = 3/10 + 1/4 + A/8 + 1/8, 7A/8 = 27/40, A = 27/35, B = 27/70 + 1/2 = 31/35,
#   T = 4/9 · 27/35 + 1/9 = 108/315 + 35/315 = 143/315.
# * domestic: A = 3/10 + A/8, A = 12/35, B = 6/35, T = 4/9 · 12/35 = 16/105.
# * multiplier: F's 60% > 1/2 counts 1, so H = 1; the other links stay (1/2 is not above
#   a half).  Foreign: A = 1/2 + A/8 + 1/8 + 1/4, A = 1, B = 1, T = 4/9 + 1/9 = 5/9.
#   Domestic: A = 1/2 + A/8, A = 4/7, B = 2/7, T = 16/63.
# * exclude: only holders reached from a known ultimate owner count, renormalised: U is
#   left out.  A: H 1/2 → 2/3, B 1/4 → 1/3; B: A 1/2 → 1; T: A 1/2, K 1/4, D 1/4.
#   Proportional: A = 2/3 · 3/5 + B/3 and B = A: A = 3/5 = B, T = 3/10.
#   Multiplier: A's 2/3 from H counts 1 and B's whole 1 counts 1: A = 1 + A/3, A = 3/2
#   (reported capped at 1), B = 3/2 (capped), T = 1/2 · 3/2 = 3/4 (T's 1/2 stays 1/2).
#   Ultimate owners: nothing known of their owners, unresolved.
REGISTER: dict[tuple[str, str], dict[str, Fraction | None]] = {
    ("foreign", "proportional"): {"t": F(143, 315), "a": F(27, 35), "b": F(31, 35), "h": F(3, 5)}
    | dict.fromkeys(ULTIMATE, F(1)),
    ("foreign", "multiplier"): {"t": F(5, 9), "a": F(1), "b": F(1), "h": F(1)}
    | dict.fromkeys(ULTIMATE, F(1)),
    ("domestic", "proportional"): {"t": F(16, 105), "a": F(12, 35), "b": F(6, 35), "h": F(3, 5)}
    | dict.fromkeys(ULTIMATE, F(0)),
    ("domestic", "multiplier"): {"t": F(16, 63), "a": F(4, 7), "b": F(2, 7), "h": F(1)}
    | dict.fromkeys(ULTIMATE, F(0)),
    ("exclude", "proportional"): {"t": F(3, 10), "a": F(3, 5), "b": F(3, 5), "h": F(3, 5)}
    | dict.fromkeys(ULTIMATE),
    ("exclude", "multiplier"): {"t": F(3, 4), "a": F(1), "b": F(1), "h": F(1)}
    | dict.fromkeys(ULTIMATE),
}


@pytest.mark.parametrize(("policy", "method"), list(REGISTER))
def test_the_register_under_each_policy_and_method(policy: Any, method: str) -> None:
    g = _register()
    shares = fast.foreign_shares(g, host="CN", method=method, undisclosed=policy)
    expected = REGISTER[policy, method]
    _close(shares, expected)
    assert shares.method == method
    assert shares.approximate == frozenset()
    resolved = {e: v for e, v in expected.items() if v is not None}
    assert shares.unresolved == {e: EXCLUDED for e in expected if expected[e] is None}
    # The exact figures, in the order asked, unresolved ones left out.
    assert shares.exact(["h", "t", "a", "b", "u", "d", "f", "k"]) == {
        e: resolved[e] for e in ("h", "t", "a", "b", "u", "d", "f", "k") if e in resolved
    }
    # And the exact engine agrees.
    for entity in ("t", "a", "b", "h"):
        exact = jvm.foreign_share(g, entity, host="CN", method=method, undisclosed=policy)
        assert exact == expected[entity]


def test_the_register_by_votes_on_a_date_and_with_hong_kong_listed() -> None:
    g = _register()
    # Votes: H = 4/5 (F's 80%); A = 2/5 + 1/4 + A/8 + 1/8, 7A/8 = 31/40, A = 31/35;
    # B = 31/70 + 1/2 = 33/35; T = 4/9 · 31/35 + 1/9 = 124/315 + 35/315 = 53/105.
    voting = fast.foreign_shares(g, host="CN", measure="voting")
    assert repr(voting) == (
        "<ForeignShares: 8 entities, 0 unresolved, method 'proportional', measure 'voting'>"
    )
    expected: dict[str, Fraction | None] = {
        "t": F(53, 105),
        "a": F(31, 35),
        "b": F(33, 35),
        "h": F(4, 5),
    } | dict.fromkeys(ULTIMATE, F(1))
    _close(voting, expected)
    assert voting.exact(["t"]) == {"t": F(53, 105)}
    # On 2019-06-01 D held 10% of T, so T is 2/9 undisclosed: T = 108/315 + 70/315 = 178/315.
    dated = fast.foreign_shares(g, host="CN", as_of=dt.date(2019, 6, 1))
    assert dated["t"] == pytest.approx(float(F(178, 315)), abs=1e-12)
    assert dated.exact(["t"]) == {"t": F(178, 315)}
    assert jvm.foreign_share(g, "t", host="CN", as_of=dt.date(2019, 6, 1)) == F(178, 315)
    # K (CN-HK) listed foreign: T gains K's 2/9: 143/315 + 70/315 = 71/105.
    listed = fast.foreign_shares(g, host="CN", foreign=["CN-HK"])
    assert listed["t"] == pytest.approx(float(F(71, 105)), abs=1e-12)
    assert listed.exact(["t", "k"]) == {"t": F(71, 105), "k": F(1)}
    # Listing the country "CN" itself makes every CN owner foreign: D's 2/9 and K's 2/9
    # too, and H = 1, A = 1/2 + 1/4 + A/8 + 1/8, A = 1, T = 4/9 + 2/9 + 2/9 + 1/9 = 1.
    everything = fast.foreign_shares(g, host="CN", foreign=["CN"])
    assert everything.to_numpy().tolist() == [pytest.approx(1.0, abs=1e-12)] * 8
    assert everything.exact(["t", "h"]) == {"t": F(1), "h": F(1)}
    # Host GB: F is domestic; D, K, CN foreign: H = 2/5 under "domestic";
    # A = 1/5 + A/8, A = 8/35; T = 4/9 · 8/35 + 2/9 + 2/9 = 32/315 + 140/315 = 172/315.
    gb = fast.foreign_shares(g, host="GB", undisclosed="domestic")
    assert gb["t"] == pytest.approx(float(F(172, 315)), abs=1e-12)
    assert gb.exact(["t", "h", "a"]) == {"t": F(172, 315), "h": F(2, 5), "a": F(8, 35)}


def test_top_contributors_of_the_register() -> None:
    g = _register()
    # Foreign: what F reaches is 3/5 of H, 12/35 of A (the "domestic" figure), 6/35 of B,
    # 4/9 · 12/35 = 16/105 of T; the rest of each figure is undisclosed (or U's):
    # A 27/35 − 12/35 = 3/7, B 31/35 − 6/35 = 5/7, T 143/315 − 48/315 = 19/63.
    foreign = fast.foreign_shares(g, host="CN")
    top = foreign.top_contributors(["t", "a", "b", "h", "u", "d", "f", "k"])
    assert list(top) == ["u", "d", "f", "k", "t", "a", "b", "h"]  # ultimate owners first
    assert top == {
        "t": (jvm.UNDISCLOSED, pytest.approx(19 / 63, abs=1e-12)),
        "a": (jvm.UNDISCLOSED, pytest.approx(3 / 7, abs=1e-12)),
        "b": (jvm.UNDISCLOSED, pytest.approx(5 / 7, abs=1e-12)),
        "h": ("f", pytest.approx(0.6, abs=1e-15)),
    } | dict.fromkeys(ULTIMATE, (jvm.UNDISCLOSED, 1.0))
    domestic = fast.foreign_shares(g, host="CN", undisclosed="domestic")
    assert domestic.top_contributors(["t", "a", "b", "h", "d", "u"]) == {
        "t": ("f", pytest.approx(16 / 105, abs=1e-12)),
        "a": ("f", pytest.approx(12 / 35, abs=1e-12)),
        "b": ("f", pytest.approx(6 / 35, abs=1e-12)),
        "h": ("f", pytest.approx(0.6, abs=1e-15)),
        "d": None,
        "u": None,
    }
    # K listed: K's 2/9 of T is above F's 16/105.
    listed = fast.foreign_shares(g, host="CN", undisclosed="domestic", foreign=["CN-HK"])
    assert listed.top_contributors(["t", "h"]) == {
        "t": ("k", pytest.approx(2 / 9, abs=1e-12)),
        "h": ("f", pytest.approx(0.6, abs=1e-15)),
    }
    # Exclude: ultimate owners are unresolved (None); T's 3/10 all F's.
    excluded = fast.foreign_shares(g, host="CN", undisclosed="exclude")
    assert excluded.top_contributors(["f", "t"]) == {
        "f": None,
        "t": ("f", pytest.approx(0.3, abs=1e-12)),
    }
    assert foreign.top_contributors([]) == {}
    with pytest.raises(jvm.UnknownEntityError, match="no entity 'nope' in the graph"):
        foreign.top_contributors(["nope"])


def test_top_contributors_ties_unknown_owners_and_a_coarse_tolerance() -> None:
    # T: G (US) 1/4 and F (GB) 1/4 (a tie, the smaller id wins), U (no jurisdiction)
    # 1/4 and 1/8 undisclosed, D (CN) 1/8.  Foreign: hidden = 1/4 + 1/8 = 3/8 beats 1/4.
    # Domestic: U and the undisclosed part count nothing; F and G tie at 1/4: 'f'.
    g = _graph(
        {"t": "CN", "g": "US", "f": "GB", "u": None, "d": "CN"},
        [("g", "t", "25%"), ("f", "t", "25%"), ("u", "t", "25%"), ("d", "t", "12.5%")],
    )
    assert fast.foreign_shares(g, host="CN").top_contributors(["t"]) == {
        "t": (jvm.UNDISCLOSED, 0.375)
    }
    domestic = fast.foreign_shares(g, host="CN", undisclosed="domestic")
    assert domestic.top_contributors(["t"]) == {"t": ("f", 0.25)}
    # Through a chain: H holds 1/2 of T, G holds all of H; a tolerance above 1/2 stops
    # the walk before G is reached: nothing foreign found.
    g2 = _graph({"t": "CN", "h": "CN", "g": "US"}, [("h", "t", "50%"), ("g", "h", "100%")])
    shares = fast.foreign_shares(g2, host="CN", undisclosed="domestic")
    assert shares.top_contributors(["t"]) == {"t": ("g", 0.5)}
    assert shares.top_contributors(["t"], tolerance=0.75) == {"t": None}
    assert shares.top_contributors(["t"], tolerance=0.5) == {"t": ("g", 0.5)}


# -- what the engine cannot compute ---------------------------------------------------

CLOSED = (
    "entities 'c', 'e' own each other entirely, with no outside owner; "
    "their look-through has no ultimate owner"
)


def test_a_closed_loop_beside_an_open_one_of_its_size_and_what_each_reaches() -> None:
    # Level 0: C and E own each other entirely (closed); level 1: A and B hold 1/2 of each
    # other, F (GB) 1/2 of A, and E 1/2 of B: both components have two members, but on
    # different levels; level 2: T.  X and Y (level 0 too) hold 1/4 of each other, the
    # rest undisclosed (open, beside C–E in the same group).  T: 1/2 from B, 1/2 from F.
    g = _graph(
        {"t": "CN", "a": "CN", "b": "CN", "c": "CN", "e": "CN", "f": "GB", "x": "CN", "y": "CN"},
        [
            ("c", "e", "100%"),
            ("e", "c", "100%"),
            ("f", "a", "50%"),
            ("b", "a", "50%"),
            ("a", "b", "50%"),
            ("e", "b", "50%"),
            ("b", "t", "50%"),
            ("f", "t", "50%"),
            ("x", "y", "25%"),
            ("y", "x", "25%"),
        ],
    )
    form = fast.array_form(g)
    assert [[(grp.size, len(grp.rows)) for grp in level] for level in form.groups] == [
        [(2, 2)],
        [(2, 1)],
        [],
    ]
    assert {form.id_at(p): reason for p, reason in form.seeds.items()} == {
        "c": CLOSED,
        "e": CLOSED,
    }
    shares = fast.foreign_shares(g, host="CN", undisclosed="domestic")
    depends = f"it depends on 'e': {CLOSED}"
    assert shares.unresolved == {
        "t": depends,
        "a": depends,
        "b": depends,
        "c": CLOSED,
        "e": CLOSED,
    }
    # X, Y: no foreign owner, nothing undisclosed counted: 0.  Under "foreign":
    # X = 3/4 + Y/4 and Y = 3/4 + X/4: X = Y = 1.
    _close(
        shares,
        {"t": None, "a": None, "b": None, "c": None, "e": None, "f": F(0), "x": F(0), "y": F(0)},
    )
    assert shares.exact(["t", "x", "f"]) == {"x": F(0), "f": F(0)}
    assert shares.top_contributors(["t", "x"]) == {"t": None, "x": None}
    foreign = fast.foreign_shares(g, host="CN")
    assert foreign.exact(["x", "y"]) == {"x": F(1), "y": F(1)}
    assert foreign["x"] == pytest.approx(1.0, abs=1e-12)
    assert foreign["y"] == pytest.approx(1.0, abs=1e-12)


def test_a_loop_short_of_closed_by_a_trillionth_is_solved_and_flagged_approximate() -> None:
    # A holds 1 − 10⁻¹² of B, B all of A: B's undisclosed part is 10⁻¹² (too small for a
    # float test, so the exact stakes decide: not closed).  A = B, B = (1 − ε) A + ε:
    # A = B = 1 under "foreign"; T = 1/2 · B + 1/2 (F) = 1.  The system's condition number
    # is about 2/ε: flagged approximate, with what it reaches (T, not F).
    near = str(F(1) - F(1, 10**12))
    g = _graph(
        {"a": "CN", "b": "CN", "f": "GB", "t": "CN"},
        [("a", "b", near), ("b", "a", "100%"), ("b", "t", "1/2"), ("f", "t", "1/2")],
    )
    shares = fast.foreign_shares(g, host="CN")
    assert shares.unresolved == {}
    assert shares.approximate == {"a", "b", "t"}
    assert shares.exact(["a", "b", "t"]) == {"a": F(1), "b": F(1), "t": F(1)}
    assert shares["t"] == pytest.approx(1.0, abs=1e-6)


def test_a_ranged_stake_makes_its_target_and_what_it_reaches_unresolved() -> None:
    # F holds 25–50% of H (a range); H holds 1/2 of T; F 1/2 of U.  Votes are the same.
    g = jvm.OwnershipGraph()
    for entity, jurisdiction in {"f": "GB", "h": "CN", "t": "CN", "u": "CN"}.items():
        g.add_entity(entity, jurisdiction=jurisdiction)
    g.add_holding("f", "h", jvm.Range("25%", "50%", closed="right"))
    g.add_holding("h", "t", "50%")
    g.add_holding("f", "u", "50%")
    for measure in ("equity", "voting"):
        form = fast.array_form(g, measure=measure)
        ranged = (
            f"the {measure} stake of 'f' in 'h' is a range "
            f"({jvm.Range('25%', '50%', closed='right')!r}); ranges need interval "
            "analysis, one target at a time"
        )
        assert {form.id_at(p): reason for p, reason in form.seeds.items()} == {"h": ranged}
        shares = fast.foreign_shares(g, host="CN", measure=measure)
        assert shares.unresolved == {"h": ranged, "t": f"it depends on 'h': {ranged}"}
        # U: 1/2 from F and 1/2 undisclosed, counted foreign.
        _close(shares, {"f": F(1), "h": None, "t": None, "u": F(1)})
        assert shares.exact(["u", "t"]) == {"u": F(1)}


def test_exclude_leaves_undefined_what_only_unknown_owners_reach() -> None:
    # U (no jurisdiction) holds 60% of A; A 50% of B; F (GB) 20% of B; D (CN) 20% of C
    # and C 10% of B.  Nothing known reaches A: undefined under "exclude".  B: A's 1/2
    # is not from a known owner; F 1/5 and C 1/10 count, renormalised to 2/3 and 1/3:
    # B = 2/3.  C: D's 1/5 only: 0.
    g = _graph(
        {"u": None, "a": "CN", "b": "CN", "f": "GB", "d": "CN", "c": "CN"},
        [
            ("u", "a", "60%"),
            ("a", "b", "50%"),
            ("f", "b", "20%"),
            ("d", "c", "20%"),
            ("c", "b", "10%"),
        ],
    )
    shares = fast.foreign_shares(g, host="CN", undisclosed="exclude")
    assert shares.unresolved == dict.fromkeys(("u", "a", "f", "d"), EXCLUDED)
    _close(shares, {"u": None, "a": None, "b": F(2, 3), "f": None, "d": None, "c": F(0)})
    assert shares.exact(["b", "c", "a"]) == {"b": F(2, 3), "c": F(0)}
    assert jvm.foreign_share(g, "b", host="CN", undisclosed="exclude") == F(2, 3)
    # Multiplier: F's renormalised 2/3 > 1/2 counts 1: B = 1 + 1/3 · 0 = 1.
    multiplier = fast.foreign_shares(g, host="CN", undisclosed="exclude", method="multiplier")
    assert multiplier["b"] == 1.0
    assert multiplier.exact(["b"]) == {"b": F(1)}


def test_refusals_name_what_is_refused() -> None:
    g = _graph({"t": "CN"}, [])
    with pytest.raises(
        jvm.UnsupportedAnalysisError,
        match=(
            r"^the fast engine computes the methods multiplier, proportional, not 'presence'; "
            r"use jvmodel.foreign_share one entity at a time for that method$"
        ),
    ) as refused:
        fast.foreign_shares(g, host="CN", method="presence")
    assert refused.value.fields["reason"] == "method not vectorised"
    assert refused.value.fields["method"] == "presence"
    # The library's own multiplier object is computed; an object without a name is not.
    assert (
        fast.foreign_shares(g, host="CN", method=jvm.methods.get_method("multiplier"))["t"] == 1.0
    )
    with pytest.raises(jvm.UnsupportedAnalysisError, match="not 42"):
        fast.foreign_shares(g, host="CN", method=42)  # type: ignore[arg-type]
    with pytest.raises(jvm.UnsupportedAnalysisError, match="undisclosed='hidden'"):
        fast.foreign_shares(g, host="CN", undisclosed="hidden")  # type: ignore[arg-type]
    with pytest.raises(jvm.UnsupportedAnalysisError, match="measure 'shares'"):
        fast.foreign_shares(g, host="CN", measure="shares")  # type: ignore[arg-type]
    with pytest.raises(jvm.UnknownEntityError, match=r"^no entity 'x' in the graph$") as unknown:
        fast.array_form(g).position("x")
    assert unknown.value.fields["entity"] == "x"
    shares = fast.foreign_shares(g, host="CN")
    assert not shares.to_numpy().flags.writeable
    with pytest.raises(jvm.UnknownEntityError, match=r"^no entity 'x' in the graph$") as unknown:
        shares["x"]
    assert unknown.value.fields["entity"] == "x"
    with pytest.raises(jvm.UnknownEntityError, match=r"^no entity 'x' in the graph$"):
        shares.exact(["x"])


# -- cross-holdings, iterated and factorised -------------------------------------------


class _Presence(fast._VectorMethod):
    """A test-only non-linear method: any foreign share makes an intermediate foreign."""

    name: ClassVar[str] = "presence (test)"
    linear: ClassVar[bool] = False

    def status(self, r: fast.Floats) -> fast.Floats:
        return np.where(r > 0, 1.0, 0.0)


def test_a_non_linear_method_iterates_each_cross_holding_to_its_least_fixed_point() -> None:
    # Level 1 holds two components of two.  A, B hold 1/10 of each other, F (GB) 1/20 of
    # A and D (CN) the rest: presence makes A foreign (r = 1/20 > 0), then B (r = 1/10 · 1).
    # Fixed point: rA = 1/20 + 1/10 · 1 = 3/20, rB = 1/10 · 1 = 1/10.  X, Y hold 1/10 of
    # each other, D the rest: nothing foreign, rX = rY = 0.  T: 1/5 from B (status 1) and
    # D 4/5: r = 1/5, status 1.  Ultimate owners keep their own r (F 1, D 0).
    g = _graph(
        {"f": "GB", "d": "CN", "a": "CN", "b": "CN", "x": "CN", "y": "CN", "t": "CN"},
        [
            ("f", "a", "5%"),
            ("b", "a", "10%"),
            ("d", "a", "85%"),
            ("a", "b", "10%"),
            ("d", "b", "90%"),
            ("x", "y", "10%"),
            ("d", "y", "90%"),
            ("y", "x", "10%"),
            ("d", "x", "90%"),
            ("b", "t", "20%"),
            ("d", "t", "80%"),
        ],
    )
    form = fast.array_form(g)
    system = fast._system(form, host="CN", method=_Presence(), undisclosed="foreign", foreign=())
    phi, raw = fast._sweep(system)
    assert _by_id(form, phi.tolist()) == {
        "f": 1.0,
        "d": 0.0,
        "a": 1.0,
        "b": 1.0,
        "x": 0.0,
        "y": 0.0,
        "t": 1.0,
    }
    assert _by_id(form, raw.tolist()) == {
        "f": 1.0,
        "d": 0.0,
        "a": pytest.approx(0.15, abs=1e-15),
        "b": pytest.approx(0.1, abs=1e-15),
        "x": 0.0,
        "y": 0.0,
        "t": pytest.approx(0.2, abs=1e-15),
    }


def test_a_cross_holding_of_more_than_64_is_solved_by_factorisation() -> None:
    # 65 companies in a ring, each holding 1/2 of the next; F (GB) holds 1/2 of r0 and D
    # (CN) 1/2 of the others; nothing undisclosed.  r_i = 1/2 r_{i−1} (+ 1/2 for r0):
    # around the ring r0 = 1/2 + r0 / 2⁶⁵, r0 = 2⁶⁴ / (2⁶⁵ − 1), r_i = r0 / 2^i.
    size = 65
    g = jvm.OwnershipGraph()
    g.add_entity("f", jurisdiction="GB")
    g.add_entity("d", jurisdiction="CN")
    for i in range(size):
        g.add_entity(f"r{i}", jurisdiction="CN")
    for i in range(size):
        g.add_holding(f"r{i}", f"r{(i + 1) % size}", "50%")
        g.add_holding("f" if i == 0 else "d", f"r{i}", "50%")
    shares = fast.foreign_shares(g, host="CN")
    r0 = F(2**64, 2**65 - 1)
    for i in (0, 1, 2, 64):
        assert shares[f"r{i}"] == pytest.approx(float(r0 / 2**i), abs=1e-12)
    assert shares.exact(["r0", "r1"]) == {"r0": r0, "r1": r0 / 2}
    assert shares.approximate == frozenset()


def _diverging(under: str) -> str:
    return (
        f"under multiplier, the cross-holdings of {under} attribute ever more without "
        "limit (the series of their stakes diverges)"
    )


def test_a_singular_cross_holding_beside_a_solvable_one_of_its_size() -> None:
    # Level 1 holds two components of two, solved together.  A and B hold 60% of each
    # other (F (GB) the other 40% of A, D (CN) of B): under the multiplier both links
    # count 1, so I − Q = [[1, −1], [−1, 1]] is singular: A and B unresolved, and T (held
    # by B) with them.  X and Y hold 10% of each other, F 50% of X and D 90% of Y:
    # X = 1/2 + Y/10, Y = X/10 (undisclosed domestic), X = 50/99, Y = 5/99.
    g = _graph(
        {"f": "GB", "d": "CN", "a": "CN", "b": "CN", "x": "CN", "y": "CN", "t": "CN"},
        [
            ("f", "a", "40%"),
            ("b", "a", "60%"),
            ("a", "b", "60%"),
            ("d", "b", "40%"),
            ("f", "x", "50%"),
            ("y", "x", "10%"),
            ("x", "y", "10%"),
            ("d", "y", "90%"),
            ("b", "t", "10%"),
        ],
    )
    form = fast.array_form(g)
    assert [[(grp.size, len(grp.rows)) for grp in level] for level in form.groups] == [
        [],
        [(2, 2)],
        [],
    ]
    shares = fast.foreign_shares(g, host="CN", method="multiplier", undisclosed="domestic")
    reason = _diverging("'a', 'b'")
    assert shares.unresolved == {"a": reason, "b": reason, "t": f"it depends on 'b': {reason}"}
    _close(
        shares,
        {
            "f": F(0),
            "d": F(0),
            "a": None,
            "b": None,
            "x": F(50, 99),
            "y": F(5, 99),
            "t": None,
        },
    )
    assert shares.exact(["x", "y", "a"]) == {"x": F(50, 99), "y": F(5, 99)}
    assert shares.approximate == frozenset()
    # Proportionally the same structure converges: A = 2/5 + 3/5 B, B = 3/5 A:
    # A = 2/5 / (1 − 9/25) = 5/8, B = 3/8; T = B/10 = 3/80.
    proportional = fast.foreign_shares(g, host="CN", undisclosed="domestic")
    assert proportional.unresolved == {}
    assert proportional.exact(["a", "b", "t"]) == {"a": F(5, 8), "b": F(3, 8), "t": F(3, 80)}
    assert proportional["t"] == pytest.approx(3 / 80, abs=1e-12)


def test_a_diverging_cross_holding_with_an_inverse() -> None:
    # A, B, C (level 1): B holds 60% of A and A 60% of B and of C (each counted 1 by the
    # multiplier), C 40% of A, G (GB) 10% of C.  Around the loops 1 · 1 + 0.4 · 1 = 1.4 > 1:
    # I − Q is invertible but its inverse has negative entries (the series diverges).
    g = _graph(
        {"g": "GB", "a": "CN", "b": "CN", "c": "CN"},
        [
            ("b", "a", "60%"),
            ("c", "a", "40%"),
            ("a", "b", "60%"),
            ("a", "c", "60%"),
            ("g", "c", "10%"),
        ],
    )
    shares = fast.foreign_shares(g, host="CN", method="multiplier")
    reason = _diverging("'a', 'b', 'c'")
    assert shares.unresolved == {"a": reason, "b": reason, "c": reason}
    # Proportionally: A = 3/5 B + 2/5 C, B = 3/5 A + 2/5 (undisclosed), C = 3/5 A + 1/10
    # + 3/10 (undisclosed): A = 9/25 A + 6/25 + 6/25 A + 4/25 = 3/5 A + 2/5, A = 1 = B = C.
    assert fast.foreign_shares(g, host="CN").exact(["a", "b", "c"]) == dict.fromkeys("abc", F(1))


def test_exclude_keeps_the_reasons_of_ranges_and_of_loops_nothing_known_reaches() -> None:
    # F (GB) holds a range of H: H unresolved for the range (not for "exclude").  U (no
    # jurisdiction) holds 1/2 of A; A and B hold 1/2 of each other: nothing known reaches
    # them, so under "exclude" they are undefined (not a diverging loop).  D (CN) holds
    # 1/2 of C: C = 0.
    g = jvm.OwnershipGraph()
    for entity, jurisdiction in {
        "f": "GB",
        "h": "CN",
        "u": None,
        "a": "CN",
        "b": "CN",
        "d": "CN",
        "c": "CN",
    }.items():
        g.add_entity(entity, jurisdiction=jurisdiction)
    g.add_holding("f", "h", jvm.Range("10%", "20%"))
    g.add_holding("u", "a", "50%")
    g.add_holding("b", "a", "50%")
    g.add_holding("a", "b", "50%")
    g.add_holding("d", "c", "50%")
    ranged = (
        f"the equity stake of 'f' in 'h' is a range ({jvm.Range('10%', '20%')!r}); "
        "ranges need interval analysis, one target at a time"
    )
    for method in ("proportional", "multiplier"):
        shares = fast.foreign_shares(g, host="CN", undisclosed="exclude", method=method)
        assert shares.unresolved == {"h": ranged} | dict.fromkeys("fuabd", EXCLUDED)
        _close(
            shares,
            {"f": None, "h": None, "u": None, "a": None, "b": None, "d": None, "c": F(0)},
        )


def test_a_range_into_the_first_member_of_a_diverging_loop_keeps_its_reason() -> None:
    # A (first in the graph) and B hold 60% of each other; F (GB) holds a range of A and
    # D (CN) 40% of B.  A is unresolved for the range, B because it depends on A: the
    # loop is not solved, so no divergence is reported.
    g = jvm.OwnershipGraph()
    for entity, jurisdiction in {"a": "CN", "b": "CN", "f": "GB", "d": "CN"}.items():
        g.add_entity(entity, jurisdiction=jurisdiction)
    g.add_holding("b", "a", "60%")
    g.add_holding("a", "b", "60%")
    g.add_holding("f", "a", jvm.Range("10%", "40%"))
    g.add_holding("d", "b", "40%")
    ranged = (
        f"the equity stake of 'f' in 'a' is a range ({jvm.Range('10%', '40%')!r}); "
        "ranges need interval analysis, one target at a time"
    )
    shares = fast.foreign_shares(g, host="CN", method="multiplier")
    assert shares.unresolved == {"a": ranged, "b": f"it depends on 'a': {ranged}"}


def test_a_badly_conditioned_loop_beside_a_barely_linked_one() -> None:
    # Level 0 holds two components of two.  A holds 1 − 10⁻¹² of B and B all of A (badly
    # conditioned, approximate, as is T which B holds).  X and Y hold 10⁻¹⁰ of each other,
    # the rest undisclosed: X = Y = 1 under "foreign" (well conditioned, y close to 1:
    # neither diverging nor approximate).  Under "domestic" X = Y = 0.
    near = str(F(1) - F(1, 10**12))
    tiny = str(F(1, 10**10))
    g = _graph(
        {"a": "CN", "b": "CN", "x": "CN", "y": "CN", "t": "CN"},
        [
            ("a", "b", near),
            ("b", "a", "100%"),
            ("x", "y", tiny),
            ("y", "x", tiny),
            ("b", "t", "1/2"),
        ],
    )
    assert [(grp.size, len(grp.rows)) for grp in fast.array_form(g).groups[0]] == [(2, 2)]
    shares = fast.foreign_shares(g, host="CN")
    assert shares.unresolved == {}
    assert shares.approximate == {"a", "b", "t"}
    assert shares["x"] == pytest.approx(1.0, abs=1e-12)
    assert shares["y"] == pytest.approx(1.0, abs=1e-12)
    domestic = fast.foreign_shares(g, host="CN", undisclosed="domestic")
    assert domestic["x"] == 0.0
    assert domestic.exact(["x", "y"]) == {"x": F(0), "y": F(0)}


class _Half(fast._VectorMethod):
    """A test-only non-linear method: any foreign share counts one half."""

    name: ClassVar[str] = "half (test)"
    linear: ClassVar[bool] = False

    def status(self, r: fast.Floats) -> fast.Floats:
        return np.where(r > 0, 0.5, 0.0)


def test_a_status_transform_leaves_ultimate_owners_as_they_are() -> None:
    # F (GB) holds 1/2 of H, H all of T: F stays 1 (an ultimate owner), H's r = 1/2 + 1/2
    # undisclosed = 1, status 1/2; T's r = 1 · 1/2 = 1/2, status 1/2.
    g = _graph({"f": "GB", "h": "CN", "t": "CN"}, [("f", "h", "50%"), ("h", "t", "100%")])
    form = fast.array_form(g)
    system = fast._system(form, host="CN", method=_Half(), undisclosed="foreign", foreign=())
    phi, raw = fast._sweep(system)
    assert _by_id(form, phi.tolist()) == {"f": 1.0, "h": 0.5, "t": 0.5}
    assert _by_id(form, raw.tolist()) == {"f": 1.0, "h": 1.0, "t": 0.5}


def test_top_contributors_where_only_the_undisclosed_part_is_foreign() -> None:
    # E: D (CN) holds 1/2, the rest undisclosed: under "foreign" the undisclosed 1/2 is
    # the only contribution; under "domestic" nothing.
    g = _graph({"e": "CN", "d": "CN"}, [("d", "e", "50%")])
    assert fast.foreign_shares(g, host="CN").top_contributors(["e"]) == {
        "e": (jvm.UNDISCLOSED, 0.5)
    }
    domestic = fast.foreign_shares(g, host="CN", undisclosed="domestic")
    assert domestic.top_contributors(["e"]) == {"e": None}


def test_closed_loops_are_found_after_open_and_nearly_closed_ones() -> None:
    # Level 0, in the graph's order: A, B hold 1/2 of each other (open: 1/2 undisclosed);
    # N, M: N holds 1 − 10⁻¹² of M and M all of N (closed in floats, open exactly); C, E
    # own each other entirely (closed).  Only C and E are unresolved.
    near = str(F(1) - F(1, 10**12))
    g = _graph(
        {"a": "CN", "b": "CN", "n": "CN", "m": "CN", "c": "CN", "e": "CN"},
        [
            ("a", "b", "50%"),
            ("b", "a", "50%"),
            ("n", "m", near),
            ("m", "n", "100%"),
            ("c", "e", "100%"),
            ("e", "c", "100%"),
        ],
    )
    assert fast.array_form(g).blocks == ((0, 2), (2, 2), (4, 2))
    shares = fast.foreign_shares(g, host="CN")
    assert shares.unresolved == {"c": CLOSED, "e": CLOSED}
    # A = 1/2 + B/2, B = 1/2 + A/2: A = B = 1.  N = M = 1 (M's 10⁻¹² undisclosed).
    assert shares.exact(["a", "b", "n", "m"]) == dict.fromkeys("abnm", F(1))


def test_the_figures_as_a_pandas_series() -> None:
    pd = pytest.importorskip("pandas")
    # F (GB) holds 40% of T, the rest undisclosed and counted domestic: T = 2/5, F = 0.
    g = _graph({"f": "GB", "t": "CN"}, [("f", "t", "40%")])
    series = fast.foreign_shares(g, host="CN", undisclosed="domestic").to_pandas()
    expected = pd.Series([0.0, 0.4], index=pd.Index(["f", "t"], name="entity"))
    pd.testing.assert_series_equal(series, expected.rename("foreign_share"))
