"""Laws of the layered chart layout, on arbitrary directed graphs (cycles included)."""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from jvmodel.display import _Box, _Edge, _layered, _Picture


@st.composite
def pictures(draw: st.DrawFn) -> _Picture:
    n = draw(st.integers(1, 9))
    nodes = [f"n{i}" for i in range(n)]
    pairs = draw(
        st.sets(
            st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)).filter(
                lambda p: p[0] != p[1]
            ),
            max_size=18,
        )
    )
    edges = tuple(_Edge(a, b, "1%", control=False) for a, b in sorted(pairs))
    return _Picture(
        nodes=tuple(nodes),
        boxes={x: _Box(name=x, meta="") for x in nodes},
        edges=edges,
        foreign=None,
    )


@given(pictures())
def test_owners_sit_above_what_they_own_except_the_edges_drawn_upward(picture: _Picture) -> None:
    layout = _layered(picture)
    pairs = {(e.owner, e.owned) for e in picture.edges}
    assert layout.upward <= pairs
    rest: nx.DiGraph[str] = nx.DiGraph(sorted(pairs - layout.upward))
    assert nx.is_directed_acyclic_graph(rest)
    for owner, owned in pairs - layout.upward:
        assert layout.position[owner][1] > layout.position[owned][1]


@given(pictures())
def test_boxes_in_one_layer_do_not_overlap(picture: _Picture) -> None:
    layout = _layered(picture)
    for (a, (xa, ya)), (b, (xb, yb)) in itertools.combinations(layout.position.items(), 2):
        if ya == yb:
            # Boxes are 0.86 wide on a grid of at least 1 (a float tolerance:
            # positions are for the eye, not for verdicts).
            assert abs(xa - xb) >= 1 - 1e-9, (a, b)


@given(pictures())
def test_long_edges_bend_once_per_layer_crossed(picture: _Picture) -> None:
    layout = _layered(picture)
    for (owner, owned), bends in layout.bends.items():
        top, bottom = layout.position[owner][1], layout.position[owned][1]
        assert [y for _, y in bends] == [float(r) for r in range(int(top) - 1, int(bottom), -1)]
    for owner, owned in {(e.owner, e.owned) for e in picture.edges} - layout.upward:
        span = layout.position[owner][1] - layout.position[owned][1]
        assert len(layout.bends.get((owner, owned), [])) == span - 1
