"""HTML displays: the numbers they show, escaping, truncation, sortable tables."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

import jvmodel as jvm
from jvmodel.display import Cell, check_html, graph_html, html_table, status_badge


def same_apart_from_ids(a: str, b: str) -> bool:
    def strip(text: str) -> str:
        return re.sub(r"jvm-table-\d+", "jvm-table-N", text)

    return strip(a) == strip(b)


def demo() -> jvm.OwnershipGraph:
    return jvm.load(jvm.examples.path("beijing-vpn-jv"))


def test_graph_html_counts_and_rows() -> None:
    g = demo()
    text = g._repr_html_()
    assert same_apart_from_ids(text, graph_html(g))
    # The bundled file: 11 entities, 11 holdings (bsti holds zgc-fund twice, in
    # two periods), no control links.
    assert "11 entities, 11 holdings, 0 control links" in text
    assert "BT Group plc" in text
    assert "calpers" in text
    # The fund's two dated stakes show with their dates.
    assert "2022-06-30" in text
    assert "2022-07-01" in text


def test_graph_html_shows_stakes_rounded_with_exact_tooltip() -> None:
    g = jvm.OwnershipGraph()
    for e in ("a", "b", "t"):
        g.add_entity(e, jurisdiction="CN")
    g.add_holding("a", "t", "1/3")
    g.add_holding("b", "t", "12.5%")
    text = graph_html(g)
    # 1/3 has no finite decimal: shown rounded, with the exact ratio as a tooltip.
    assert 'title="1/3"' in text
    assert ">≈33.33%<" in text
    assert ">12.5%<" in text


def test_graph_html_escapes_names() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("x", name="<script>alert('x')</script> & Sons", jurisdiction="GB")
    text = graph_html(g)
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Sons" in text


def test_graph_html_truncates_large_graphs() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN")
    for i in range(60):
        g.add_entity(f"h{i}", jurisdiction="CN")
        g.add_holding(f"h{i}", "t", "1%")
    text = graph_html(g, max_rows=25)
    assert "61 entities, 60 holdings" in text
    # 61 entities, 25 shown: 36 more; 60 holdings, 25 shown: 35 more.
    assert "36 more not shown" in text
    assert "35 more not shown" in text
    assert text.count("<tr>") == 1 + 25 + 1 + 25  # a header row and 25 rows per table
    assert "h59" not in text


def test_graph_html_lists_control_links() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("wfoe", jurisdiction="CN")
    g.add_entity("opco", jurisdiction="CN")
    g.add_control("wfoe", "opco", basis="voting_agreement")
    text = graph_html(g)
    assert "1 control link" in text
    assert "voting agreement" in text


def test_check_html_shows_the_verdict_and_numbers() -> None:
    result = jvm.check(demo(), "jv", regime="cn-beijing-2020")
    text = result._repr_html_()
    # Each table gets a fresh id; apart from that, the repr is check_html's.
    assert same_apart_from_ids(text, check_html(result))
    assert ">BREACH<" in text
    # Foreign share 1/2 + 1/2 × 30% × 10% = 103/200 = 51.5%; cap 50%, so the
    # headroom is 50% − 51.5% = −1.5%.
    assert "51.5%" in text
    assert "≤ 50% of equity" in text
    assert "\N{MINUS SIGN}1.5%" in text
    # Contributions: BT 1/2 (50%, 100/103 ≈ 97.09% of the foreign share),
    # CalPERS 3/200 (1.5%, 3/103 ≈ 2.91%).
    assert ">50%<" in text
    assert ">1.5%<" in text
    assert "≈97.09%" in text
    assert "≈2.91%" in text
    assert 'title="100/103"' in text
    assert "Guo Han [2020] No. 123" in text


def test_check_html_at_the_boundary_is_compliant_with_zero_headroom() -> None:
    result = jvm.check(demo(), "jv", regime="cn-beijing-2020", as_of=dt.date(2022, 6, 30))
    text = check_html(result)
    # Before CalPERS bought in, the foreign share was BT's 1/2 alone: exactly the cap.
    assert ">COMPLIANT<" in text
    assert '<td style="text-align:left">50%</td>' in text
    assert '<td style="text-align:left">0%</td>' in text
    assert "as of 2022-06-30" in text


def test_check_html_shows_exact_value_when_rounded() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("us", jurisdiction="US")
    g.add_entity("cn", jurisdiction="CN")
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_holding("us", "jv", "1/3")
    g.add_holding("cn", "jv", "2/3")
    text = check_html(jvm.check(g, "jv", regime="cn-beijing-2020"))
    # 1/3 foreign; headroom 1/2 − 1/3 = 1/6 ≈ 16.67%.
    assert "≈33.33% <small>(exactly 1/3)</small>" in text
    assert "≈16.67% <small>(exactly 1/6)</small>" in text


def test_check_html_escapes_ids() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("<b>us</b>", jurisdiction="US")
    g.add_entity("<i>jv</i>", jurisdiction="CN", sectors=["vpn"])
    g.add_holding("<b>us</b>", "<i>jv</i>", "10%")
    text = check_html(jvm.check(g, "<i>jv</i>", regime="cn-beijing-2020"))
    assert "<b>us</b>" not in text
    assert "<i>jv</i>" not in text
    assert "&lt;b&gt;us&lt;/b&gt;" in text


def test_html_table_sort_keys_and_total() -> None:
    text = html_table(
        ["entity", "share", "note"],
        [["a", Fraction(1, 8), Cell(text="x", markup="<em>x</em>")], ["b", Fraction(1, 2), 7]],
        caption="Shares",
        total=5,
    )
    assert "<caption>Shares</caption>" in text
    assert 'data-sort="0.125"' in text
    assert 'data-sort="0.5"' in text
    assert "<em>x</em>" in text
    # Two of five rows shown.
    assert "… 3 more not shown" in text
    assert 'class="jvm-sortable"' in text
    assert "<script>" in text


def test_html_table_ids_are_unique() -> None:
    first = html_table(["a"], [["1"]])
    second = html_table(["a"], [["1"]])
    assert first != second


def test_status_badge_colours() -> None:
    assert "COMPLIANT" in status_badge("compliant")
    assert status_badge("breach") != status_badge("compliant")
    assert "INDETERMINATE" in status_badge("indeterminate")


def test_plain_reprs_stay_short() -> None:
    g = demo()
    assert repr(g) == "<OwnershipGraph: 11 entities, 11 holdings, 0 control links>"
    result = jvm.check(g, "jv", regime="cn-beijing-2020")
    assert len(repr(result)) < 120


def test_explanation_html_shows_paths_and_reasons() -> None:
    # India: "h" is 60% British (≥ 50%), so its whole 20% counts foreign.
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="IN", sectors=["digital-news"])
    for e, country in [("r", "IN"), ("h", "IN"), ("gb", "GB"), ("in1", "IN")]:
        g.add_entity(e, jurisdiction=country)
    g.add_holding("r", "t", "80%")
    g.add_holding("h", "t", "20%")
    g.add_holding("gb", "h", "60%")
    g.add_holding("in1", "h", "40%")
    text = jvm.explain(g, "t", regime="in-fdi")._repr_html_()
    assert "h → t" in text
    assert "counts wholly foreign: foreign share 60% ≥ 50%" in text
    assert "BREACH" not in text  # 20% is inside the 26% cap
    assert "COMPLIANT" in text
