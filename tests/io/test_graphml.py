"""GraphML: exact round trips, entity-expansion attacks refused, errors with their location."""

from __future__ import annotations

import time
from pathlib import Path

import networkx as nx
import pytest

import jvmodel as jvm
from tests.io.test_bods_write import rich_graph

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="name" attr.type="string"/>
  <graph edgedefault="directed">
    <node id="a"><data key="d0">&lol9;</data></node>
  </graph>
</graphml>
"""


def graphml(body: str, *, directed: bool = True) -> str:
    keys = "".join(
        f'<key id="{name}" for="{domain}" attr.name="{name}" attr.type="string"/>'
        for domain, name in [
            ("node", "jurisdiction"),
            ("node", "colour"),
            ("edge", "record"),
            ("edge", "equity"),
            ("edge", "equty"),
            ("edge", "basis"),
        ]
    )
    default = "directed" if directed else "undirected"
    return (
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        f'{keys}<graph edgedefault="{default}">{body}</graph></graphml>'
    )


NODES = '<node id="a"/><node id="b"/>'


def test_round_trip(tmp_path: Path) -> None:
    g = rich_graph()
    jvm.to_graphml(g, tmp_path / "g.graphml")
    back = jvm.read_graphml(tmp_path / "g.graphml")
    assert back == g
    assert list(back.declared()) == list(g.declared())
    # Any GraphML reader sees the exact strings.
    plain = nx.read_graphml(tmp_path / "g.graphml")
    assert {d["equity"] for _, _, d in plain.edges(data=True) if d["record"] == "holding"} >= {
        "1/3",
        "(25%, 50%]",
    }


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "lol.graphml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(jvm.SchemaError, match="document type declaration") as caught:
        jvm.read_graphml(path)
    assert time.perf_counter() - started < 1
    assert caught.value.record == "line 2"


def test_external_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.graphml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + graphml('<node id="&x;"/>')[len('<?xml version="1.0"?>') :],
        encoding="utf-8",
    )
    with pytest.raises(jvm.SchemaError, match="DTD"):
        jvm.read_graphml(path)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<graphml><graph>", "line 1, column 16: not well-formed XML"),
        (graphml(NODES, directed=False), "undirected"),
        (
            graphml('<node id="a"><data key="colour">red</data></node>'),
            "node 'a', attribute 'colour': unknown attribute",
        ),
        (
            graphml('<node id="a"><data key="jurisdiction">UK</data></node>'),
            "node 'a', attribute 'jurisdiction'",
        ),
        (
            graphml(NODES + '<edge source="a" target="b"><data key="equty">50%</data></edge>'),
            "edge 'a' → 'b' (0), attribute 'equty': unknown attribute",
        ),
        (
            graphml(NODES + '<edge source="a" target="b"><data key="equity">half</data></edge>'),
            "attribute 'equity': share 'half' is not a share",
        ),
        (graphml(NODES + '<edge source="a" target="b"/>'), "attribute 'equity': missing"),
        (
            graphml(
                NODES + '<edge source="a" target="b"><data key="record">control</data>'
                '<data key="basis">marriage</data></edge>'
            ),
            "attribute 'basis': basis 'marriage'",
        ),
    ],
)
def test_malformed_graphml_names_the_location(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "bad.graphml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(jvm.SchemaError) as caught:
        jvm.read_graphml(path)
    assert str(path) in str(caught.value)
    assert words in str(caught.value)


def test_over_allocation_keeps_its_type(tmp_path: Path) -> None:
    edges = "".join(
        f'<edge source="{s}" target="b"><data key="equity">60%</data></edge>' for s in "ac"
    )
    path = tmp_path / "over.graphml"
    path.write_text(graphml(NODES + '<node id="c"/>' + edges), encoding="utf-8")
    with pytest.raises(jvm.OverallocatedError, match="edge 'c' → 'b'"):
        jvm.read_graphml(path)
