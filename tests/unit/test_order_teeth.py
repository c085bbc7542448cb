"""The components of a structure, owners first, pinned whole: order, cycles, ignored arcs."""

from __future__ import annotations

from jvmodel.analysis._order import components


def test_a_chain_is_ordered_holders_first() -> None:
    # b holds a, a holds t (and b holds t): b, then a, then t.
    assert components({"t": ["a", "b"], "a": ["b"], "b": []}) == [("b",), ("a",), ("t",)]


def test_a_node_waits_for_every_one_of_its_holders() -> None:
    # c depends on b and d, b on a, d on a: a first; then the last ready is taken
    # first (a stack), d before b; c only after both.
    assert components({"c": ["b", "d"], "b": ["a"], "d": ["a"], "a": []}) == [
        ("a",),
        ("d",),
        ("b",),
        ("c",),
    ]


def test_independent_nodes_come_last_in_first_out() -> None:
    # No arcs: all ready at once, taken from the end of the list.
    assert components({"a": [], "b": [], "c": []}) == [("c",), ("b",), ("a",)]


def test_self_arcs_repeated_arcs_and_unknown_nodes_are_ignored() -> None:
    # t depends on a twice, on itself and on zz, which is not a node: only a → t.
    assert components({"t": ["a", "a", "t", "zz"], "a": []}) == [("a",), ("t",)]
    assert components({"a": ["b", "b"], "b": []}) == [("b",), ("a",)]
    assert components({"a": ["a"]}) == [("a",)]
    assert components({"a": ["zz"], "b": ["a"]}) == [("a",), ("b",)]


def test_a_cycle_is_one_component_sorted_and_after_its_holders() -> None:
    # a and b hold each other; x holds a; t depends on a: x, {a, b}, t.
    assert components({"t": ["a"], "a": ["b", "x"], "b": ["a"], "x": []}) == [
        ("x",),
        ("a", "b"),
        ("t",),
    ]
    # The members listed sorted whatever the order given.
    assert components({"t": ["b", "a"], "b": ["a", "a"], "a": ["b"]}) == [("a", "b"), ("t",)]


def test_a_cycle_beside_an_independent_node() -> None:
    assert components({"y": ["x"], "x": ["y"], "z": []}) == [("x", "y"), ("z",)]


def test_a_cycle_of_three_with_arcs_to_unknown_nodes() -> None:
    # c → a → b → c, each also naming an unknown node: one component of three.
    found = components({"a": ["c", "q"], "b": ["a", "q"], "c": ["b", "r"], "d": ["c"]})
    assert found == [("a", "b", "c"), ("d",)]


def test_two_cycles_in_a_line() -> None:
    # {a, b} holds {c, d}: the first before the second.
    found = components({"a": ["b"], "b": ["a"], "c": ["d", "a"], "d": ["c"]})
    assert found == [("a", "b"), ("c", "d")]
    found = components({"c": ["d", "a"], "d": ["c"], "a": ["b"], "b": ["a"]})
    assert found == [("a", "b"), ("c", "d")]
