"""explain pinned whole: the text, the JSON form, the owners in order, the paths through
a cross-holding, a cut list, and the intermediates counted wholly foreign under a
threshold (each measure, a cap's own method, the undisclosed policy, the mirror rule)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import jvmodel as jvm
from jvmodel.analysis.methods import Threshold

_CAP = jvm.Cap(sector="vpn", limit=Fraction(1, 2))
_U = jvm.UNDISCLOSED


def _cross() -> jvm.OwnershipGraph:
    # T (CN, vpn): A 60%, H (US) 25%, 15% undisclosed.  A: B 60%, F (US) 30%,
    # 10% undisclosed.  B: A 20%, G (JP) 40%, D (CN) 40%.
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
        g.add_entity(entity_id, jurisdiction=country, sectors=["vpn"] if entity_id == "t" else [])
    g.add_holding("a", "t", "60%")
    g.add_holding("h", "t", "25%")
    g.add_holding("b", "a", "60%")
    g.add_holding("f", "a", "30%")
    g.add_holding("a", "b", "20%")
    g.add_holding("g", "b", "40%")
    g.add_holding("d", "b", "40%")
    return g


def test_a_cross_holding_explained_whole() -> None:
    # det(I − Q) = 1 − 3/5 · 1/5 = 22/25; A receives 3/5 · 25/22 = 15/22, B
    # 3/5 · 15/22 = 9/22.  F 15/22 · 3/10 = 9/44; A's undisclosed 15/22 · 1/10 =
    # 3/44; G 9/22 · 2/5 = 9/55; H 1/4; T's undisclosed 3/20.  Undisclosed in
    # all: 3/20 + 3/44 = 12/55.  Total 1/4 + 12/55 + 9/44 + 9/55 = 46/55 > 1/2.
    e = jvm.explain(_cross(), "t", regime=jvm.Regime(name="x", host="CN", caps=(_CAP,)))
    assert e.describe() == (
        "t: foreign 46/55 (proportional, equity) vs ≤ 50% of equity: breach\n"
        "       25%  h → t\n"
        "      9/44  f → a → t (through the cross-holding a, b)\n"
        "      9/55  g → b → a → t (through the cross-holding a, b)\n"
        "       15%  t\n"
        "      3/44  a → t (through the cross-holding a, b)"
    )
    assert repr(e) == "<Explanation 't': foreign ≈83.64% in 5 paths>"
    assert e.foreign_share == Fraction(46, 55)
    # Largest first: 1/4 > 12/55 > 9/44 > 9/55.
    assert list(e.owners.items()) == [
        ("h", Fraction(1, 4)),
        (_U, Fraction(12, 55)),
        ("f", Fraction(9, 44)),
        ("g", Fraction(9, 55)),
    ]
    payload = e.to_dict()
    assert payload["owners"] == {
        "h": {"exact": "1/4", "percent": "25%"},
        _U: {"exact": "12/55", "percent": "12/55"},
        "f": {"exact": "9/44", "percent": "9/44"},
        "g": {"exact": "9/55", "percent": "9/55"},
    }
    assert list(payload["owners"]) == ["h", _U, "f", "g"]
    assert payload["paths"] == [
        {
            "owner": "h",
            "entities": ["h", "t"],
            "product": {"exact": "1/4", "percent": "25%"},
            "cycles": [],
        },
        {
            "owner": "f",
            "entities": ["f", "a", "t"],
            "product": {"exact": "9/44", "percent": "9/44"},
            "cycles": [["a", "b"]],
        },
        {
            "owner": "g",
            "entities": ["g", "b", "a", "t"],
            "product": {"exact": "9/55", "percent": "9/55"},
            "cycles": [["a", "b"]],
        },
        {
            "owner": "(undisclosed)",
            "entities": ["t"],
            "product": {"exact": "3/20", "percent": "15%"},
            "cycles": [],
        },
        {
            "owner": "(undisclosed)",
            "entities": ["a", "t"],
            "product": {"exact": "3/44", "percent": "3/44"},
            "cycles": [["a", "b"]],
        },
    ]
    assert (payload["paths_truncated"], payload["counted_foreign"]) == (False, {})
    assert (payload["status"], payload["target"]) == ("breach", "t")


def test_owners_that_tie_are_ordered_by_name() -> None:
    # T: Y (US) 25%, X (JP) 25%, D (CN) 50%: 1/4 each, X before Y; one path says "path".
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    for entity_id, country in [("y", "US"), ("x", "JP"), ("d", "CN")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("y", "t", "25%")
    g.add_holding("x", "t", "25%")
    g.add_holding("d", "t", "50%")
    regime = jvm.Regime(name="x", host="CN", caps=(_CAP,))
    e = jvm.explain(g, "t", regime=regime)
    assert list(e.owners.items()) == [("x", Fraction(1, 4)), ("y", Fraction(1, 4))]
    one = jvm.OwnershipGraph()
    one.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    one.add_entity("y", jurisdiction="US")
    one.add_holding("y", "t", "100%")
    assert repr(jvm.explain(one, "t", regime=regime)) == "<Explanation 't': foreign 100% in 1 path>"


def test_a_cut_list_says_so() -> None:
    # 1001 foreign holders of 1/1001 each: 1000 paths kept, the cut said.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    for i in range(1001):
        g.add_entity(f"f{i}", jurisdiction="US")
        g.add_holding(f"f{i}", "t", Fraction(1, 1001))
    e = jvm.explain(g, "t", regime=jvm.Regime(name="x", host="CN", caps=(_CAP,)))
    assert (len(e.paths), e.truncated, e.to_dict()["paths_truncated"]) == (1000, True, True)
    assert e.describe().splitlines()[-1] == "  … (more paths left out)"


def _layers() -> jvm.OwnershipGraph:
    # T (CN, vpn): S 50%, D 30%, F (US) 20%.  S: H1 40%, F 10% of equity / 20% of
    # votes, D 40% / 30%, 10% undisclosed.  H1: F 60%, D 40%.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("s", "CN"), ("h1", "CN"), ("f", "US"), ("d", "CN")]:
        g.add_entity(entity_id, jurisdiction=country, sectors=["vpn"] if entity_id == "t" else [])
    g.add_holding("s", "t", "50%")
    g.add_holding("d", "t", "30%")
    g.add_holding("f", "t", "20%")
    g.add_holding("h1", "s", "40%")
    g.add_holding("f", "s", "10%", voting="20%")
    g.add_holding("d", "s", "40%", voting="30%")
    g.add_holding("f", "h1", "60%")
    g.add_holding("d", "h1", "40%")
    return g


_PLAIN = Threshold(control=False)


def _regime(measure: str = "equity", method: object = _PLAIN) -> jvm.Regime:
    cap = jvm.Cap(sector="vpn", limit=Fraction(1, 2), measure=measure)
    return jvm.Regime(name="th", host="CN", methods={measure: method}, caps=(cap,))  # type: ignore[dict-item]


def test_the_intermediate_counted_foreign_with_its_test() -> None:
    # H1 3/5 ≥ 1/2 foreign; S: 2/5 + 1/10 + 1/10 undisclosed = 3/5 ≥ 1/2 foreign,
    # its 1/2 counts whole; F 1/5 direct.  70% > 50%.
    e = jvm.explain(_layers(), "t", regime=_regime())
    assert e.describe() == (
        "t: foreign 70% (threshold, equity) vs ≤ 50% of equity: breach\n"
        "       50%  s → t\n"
        "       20%  f → t\n"
        "  s counted wholly foreign: foreign share 60% ≥ 50%"
    )
    assert e.owners == {"s": Fraction(1, 2), "f": Fraction(1, 5)}
    assert e.to_dict()["counted_foreign"] == {"s": "foreign share 60% ≥ 50%"}


def test_the_undisclosed_policy_reaches_the_reason() -> None:
    # Undisclosed domestic: S's raw 2/5 + 1/10 = 1/2, still ≥ 1/2.
    e = jvm.explain(_layers(), "t", regime=_regime(), undisclosed="domestic")
    assert e.counted_foreign == {"s": "foreign share 50% ≥ 50%"}


def test_votes_give_their_own_reason() -> None:
    # Votes: S's raw 2/5 + 1/5 + 1/10 = 7/10: 1/2 + 1/5 = 70% again, on votes.
    e = jvm.explain(_layers(), "t", regime=_regime("voting"))
    assert e.describe() == (
        "t: foreign 70% (threshold, voting) vs ≤ 50% of voting: breach\n"
        "       50%  s → t\n"
        "       20%  f → t\n"
        "  s counted wholly foreign: foreign share 70% ≥ 50%"
    )


def test_a_caps_own_method_is_the_one_explained() -> None:
    # The regime is proportional, the cap says threshold 1/3: S's 3/5 ≥ 1/3.
    cap = jvm.Cap(
        sector="vpn", limit=Fraction(1, 2), method=Threshold(threshold="1/3", control=False)
    )
    e = jvm.explain(_layers(), "t", regime=jvm.Regime(name="c", host="CN", caps=(cap,)))
    assert e.counted_foreign == {"s": "foreign share 60% ≥ 1/3"}
    assert e.check.method == "threshold"


def test_a_mirrored_holder_is_not_counted_but_the_one_above_is() -> None:
    # T held 100% by S (S as in _layers, without T's other holders).  Mirror: T
    # takes S's raw 3/5 through S: paths H1 2/5 (H1 counted foreign: 60% ≥ 50%),
    # F 1/10, S's undisclosed 1/10 (not an intermediate counted foreign).
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("s", "CN"), ("h1", "CN"), ("f", "US"), ("d", "CN")]:
        g.add_entity(entity_id, jurisdiction=country, sectors=["vpn"] if entity_id == "t" else [])
    g.add_holding("s", "t", "100%")
    g.add_holding("h1", "s", "40%")
    g.add_holding("f", "s", "10%")
    g.add_holding("d", "s", "40%")
    g.add_holding("f", "h1", "60%")
    g.add_holding("d", "h1", "40%")
    e = jvm.explain(g, "t", regime=_regime(method=Threshold(control=False, mirror=True)))
    assert e.describe() == (
        "t: foreign 60% (threshold, equity) vs ≤ 50% of equity: breach\n"
        "       40%  h1 → s → t\n"
        "       10%  f → s → t\n"
        "       10%  s → t\n"
        "  h1 counted wholly foreign: foreign share 60% ≥ 50%"
    )
    assert e.owners == {"h1": Fraction(2, 5), _U: Fraction(1, 10), "f": Fraction(1, 10)}


def test_a_target_with_no_holders_under_a_threshold() -> None:
    # Nothing recorded: all undisclosed, counted foreign: 100%, nobody counted.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    e = jvm.explain(g, "t", regime=_regime())
    assert (e.owners, e.counted_foreign) == ({_U: Fraction(1)}, {})
    assert e.describe() == (
        "t: foreign 100% (threshold, equity) vs ≤ 50% of equity: breach\n      100%  t"
    )


def test_the_day_asked_is_the_one_explained() -> None:
    # F (US) held 60% until 2020-12-31, then D (CN) all of it.  On 2020-06-01
    # F's 60% breaches ≤ 50%; today nothing foreign.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    g.add_entity("f", jurisdiction="US")
    g.add_entity("d", jurisdiction="CN")
    g.add_holding("f", "t", "60%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("d", "t", "40%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("d", "t", "100%", valid_from=dt.date(2021, 1, 1))
    regime = jvm.Regime(name="x", host="CN", caps=(_CAP,))
    e = jvm.explain(g, "t", regime=regime, as_of=dt.date(2020, 6, 1))
    assert e.describe() == (
        "t: foreign 60% (proportional, equity) vs ≤ 50% of equity: breach\n       60%  f → t"
    )
    assert jvm.explain(g, "t", regime=regime).owners == {}


def test_a_cap_on_the_controlling_parent_explains_the_parent() -> None:
    # JV (US) is held 100% by P; P: F (GB) 30%, D (US) 70%.  The cap (≤ 1/4)
    # applies to the controlling parent P: 30% > 25%, along F → P.
    g = jvm.OwnershipGraph()
    g.add_entity("jv", jurisdiction="US", sectors=["radio"])
    for entity_id, country in [("p", "US"), ("f", "GB"), ("d", "US")]:
        g.add_entity(entity_id, jurisdiction=country)
    g.add_holding("p", "jv", "100%")
    g.add_holding("f", "p", "30%")
    g.add_holding("d", "p", "70%")
    cap = jvm.Cap(sector="radio", limit=Fraction(1, 4), applies_to="controlling-parent")
    e = jvm.explain(g, "jv", regime=jvm.Regime(name="fcc", host="US", caps=(cap,)))
    assert e.describe() == (
        "p: foreign 30% (proportional, equity) vs ≤ 25% of equity: breach\n       30%  f → p"
    )
    assert (e.check.subject, e.check.target) == ("p", "jv")


def test_a_non_linear_explanation_reads_the_target_on_the_day_asked() -> None:
    # T (CN, vpn) was held 100% by S until 2020-12-31 and has no holders today.
    # S: F (US) 60%, D (CN) 40%.  On 2020-06-01 under a 50% threshold S's raw
    # 3/5 ≥ 1/2: S counts wholly foreign and its 100% counts whole.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("s", "CN"), ("f", "US"), ("d", "CN")]:
        g.add_entity(entity_id, jurisdiction=country, sectors=["vpn"] if entity_id == "t" else [])
    g.add_holding("s", "t", "100%", valid_to=dt.date(2020, 12, 31))
    g.add_holding("f", "s", "60%")
    g.add_holding("d", "s", "40%")
    e = jvm.explain(g, "t", regime=_regime(), as_of=dt.date(2020, 6, 1))
    assert e.describe() == (
        "t: foreign 100% (threshold, equity) vs ≤ 50% of equity: breach\n"
        "      100%  s → t\n"
        "  s counted wholly foreign: foreign share 60% ≥ 50%"
    )
    assert e.counted_foreign == {"s": "foreign share 60% ≥ 50%"}


def test_an_intermediate_incorporated_abroad_counts_by_its_jurisdiction() -> None:
    # T (CN, vpn): S (US-incorporated) 60%, D (CN) 40%; S is held 100% by D.
    # With the incorporation rule the look-through stops at S, foreign by its
    # jurisdiction (looked through, it would be 0% foreign): 3/5 > 1/2.
    g = jvm.OwnershipGraph()
    for entity_id, country in [("t", "CN"), ("s", "US"), ("d", "CN")]:
        g.add_entity(entity_id, jurisdiction=country, sectors=["vpn"] if entity_id == "t" else [])
    g.add_holding("s", "t", "60%")
    g.add_holding("d", "t", "40%")
    g.add_holding("d", "s", "100%")
    regime = jvm.Regime(
        name="inc",
        host="CN",
        incorporation=True,
        methods={"equity": _PLAIN},
        caps=(jvm.Cap(sector="vpn", limit=Fraction(1, 2)),),
    )
    e = jvm.explain(g, "t", regime=regime)
    assert e.describe() == (
        "t: foreign 60% (threshold, equity) vs ≤ 50% of equity: breach\n"
        "       60%  s → t\n"
        "  s counted wholly foreign: ultimate owner, by its jurisdiction"
    )
    assert e.counted_foreign == {"s": "ultimate owner, by its jurisdiction"}
