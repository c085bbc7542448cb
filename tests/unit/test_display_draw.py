"""Charts and Graphviz text: what they show, and the errors without their tools."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import sys
from fractions import Fraction

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

import jvmodel as jvm
from jvmodel import display

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def demo() -> jvm.OwnershipGraph:
    return jvm.load(jvm.examples.path("beijing-vpn-jv"))


def texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


@pytest.fixture(autouse=True)
def _close_figures():  # type: ignore[no-untyped-def]
    yield
    plt.close("all")


def test_draw_demo_renders_a_png_with_the_stakes() -> None:
    ax = jvm.draw(demo(), target="jv", regime="cn-beijing-2020")
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=60)
    data = buffer.getvalue()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000
    # The IHDR chunk holds the width and height (big-endian, bytes 16-24).
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width > 300
    assert height > 200
    shown = texts(ax)
    # The stakes of the bundled file, one label per holding in force today.
    for stake in ("50%", "70%", "30%", "60%", "40%", "90%", "10%", "100%"):
        assert stake in shown
    assert shown.count("50%") == 2  # BT China and the partner, in the JV
    assert shown.count("100%") == 2  # BT → BT Global → BT China
    assert any("BT Group plc" in t for t in shown)
    assert any("Beijing VPN Joint" in t for t in shown)
    # Verdict: 1/2 + 1/2 × 30% × 10% = 51.5% against the 50% cap.
    assert ax.get_title().splitlines()[0] == "BREACH: foreign 51.5% vs ≤ 50% of equity"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["foreign", "domestic", "target", "holding (equity %)"]


def test_draw_as_of_a_date_shows_that_days_structure() -> None:
    ax = jvm.draw(demo(), target="jv", regime="cn-beijing-2020", as_of=dt.date(2022, 6, 30))
    shown = texts(ax)
    # On 2022-06-30 BSTI held all of the fund and CalPERS nothing: exactly 50%.
    assert not any("California" in t for t in shown)
    assert "100%" in shown
    assert ax.get_title().startswith("COMPLIANT: foreign 50% vs ≤ 50% of equity")
    assert "as of 2022-06-30" in ax.get_title()


def test_draw_without_target_draws_everything_uncoloured() -> None:
    ax = jvm.draw(demo())
    assert sum(1 for t in texts(ax) if "California" in t) == 1
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "foreign" not in legend
    assert ax.get_title().startswith("Ownership structure")


def cyclic() -> jvm.OwnershipGraph:
    g = jvm.OwnershipGraph()
    for e, country in [("a", "CN"), ("b", "US"), ("x", "CN"), ("y", "JP"), ("t", "CN")]:
        g.add_entity(e, jurisdiction=country, sectors=["vpn"] if e == "t" else [])
    g.add_holding("a", "b", "30%")
    g.add_holding("b", "a", "20%")
    g.add_holding("x", "a", "80%")
    g.add_holding("y", "b", "70%")
    g.add_holding("a", "t", "60%")
    g.add_holding("b", "t", "1/3")
    g.add_control("y", "t", basis="board")
    return g


def test_draw_cycle_and_control_link() -> None:
    ax = jvm.draw(cyclic(), target="t", host="CN")
    shown = texts(ax)
    # 1/3 has no short decimal: rounded and marked.
    assert "≈33.33%" in shown
    assert "control: board" in shown
    # The cross-holding a ↔ b: one of its two edges is drawn upward, as a curve.
    curves = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(curves) == 1
    # Undisclosed part of t: 1 − 60% − 1/3 = 1/15 ≈ 6.67%.
    assert any("undisclosed ≈6.67%" in t for t in shown)
    # Foreign share for host CN (proportional, undisclosed foreign): solve
    # a = 0.8·0 + 0.2·b + 0 (a's remainder 0), b = 0.3·a + 0.7·1 → b = 0.7/0.94 = 35/47,
    # a = 0.2·b = 7/47; t = (3/5)·a + (1/3)·b + 1/15 = 63/705 + 175/705 + 47/705
    # = 285/705 = 19/47 ≈ 40.43%.
    assert jvm.foreign_share(cyclic(), "t", host="CN") == Fraction(19, 47)
    assert "foreign ≈40.43% (host CN)" in ax.get_title()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "control link (basis)" in legend


def test_draw_folds_many_small_holders() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("t", jurisdiction="CN", sectors=["vpn"])
    for i in range(12):
        g.add_entity(f"h{i:02}", jurisdiction="US" if i % 2 else "CN")
        g.add_holding(f"h{i:02}", "t", "5%")
    ax = jvm.draw(g, target="t", regime="cn-beijing-2020", max_holders=8)
    shown = texts(ax)
    # 12 holders, at most 8 boxes: 6 kept and two folded boxes; the 6 kept are the
    # first by (stake, id), h00-h05; the rest, h06-h11, fold into 3 domestic
    # (h06, h08, h10) and 3 foreign (h07, h09, h11) holders, 3 × 5% = 15% each.
    assert "3 other domestic holders" in shown
    assert "3 other foreign holders" in shown
    assert shown.count("15% in all") == 2
    assert not any(t.startswith("h11") for t in shown)
    everything = texts(jvm.draw(g, target="t", max_holders=None))
    assert sum(1 for t in everything if t == "5%") == 12


def test_draw_into_given_axes_and_custom_layout() -> None:
    _fig, ax = plt.subplots(figsize=(4, 3))
    g = demo()
    positions = {e.id: (float(i % 4), float(i // 4)) for i, e in enumerate(g.entities())}
    returned = jvm.draw(g, ax=ax, layout=positions)
    assert returned is ax
    assert "50%" in texts(ax)


def test_draw_refuses_unknown_layout_and_target() -> None:
    with pytest.raises(jvm.UnsupportedAnalysisError, match="layout 'circle' is not known"):
        jvm.draw(demo(), layout="circle")
    with pytest.raises(jvm.UnsupportedAnalysisError, match="no position for 'bt'"):
        jvm.draw(demo(), layout={})
    with pytest.raises(jvm.UnknownEntityError, match="nope"):
        jvm.draw(demo(), target="nope")


def test_draw_without_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    with pytest.raises(jvm.MissingDependencyError, match=r"pip install 'jvmodel\[viz\]'") as info:
        jvm.draw(demo())
    assert isinstance(info.value, ImportError)
    assert info.value.extra == "viz"


def test_to_dot_edges_and_labels() -> None:
    text = jvm.to_dot(cyclic(), target="t", regime="cn-beijing-2020")
    assert text.startswith("digraph ownership {")
    assert text.rstrip().endswith("}")
    assert '"a" -> "t" [label="60%"];' in text
    assert '"b" -> "t" [label="≈33.33%"];' in text
    assert '"a" -> "b" [label="30%"];' in text
    assert '"b" -> "a" [label="20%"];' in text
    assert '"y" -> "t" [label="control: board", style=dashed' in text
    # Foreign (US, JP) and domestic (CN) boxes get different fills; the target a thick pen.
    assert '"b" [label="b\\nUS", fillcolor="#f6c8a8"' in text
    assert '"a" [label="a\\nCN", fillcolor="#c6dbef"' in text
    assert "penwidth=2.5" in text


def test_to_dot_escapes_quotes_and_shows_voting() -> None:
    g = jvm.OwnershipGraph()
    g.add_entity("p", name='The "Parent" \\ Co', jurisdiction="GB")
    g.add_entity("s", jurisdiction="CN")
    g.add_holding("p", "s", "40%", voting="60%")
    text = jvm.to_dot(g)
    assert '"p" [label="The \\"Parent\\" \\\\ Co\\np · GB"];' in text
    assert '"p" -> "s" [label="40% · votes 60%"];' in text


def test_to_svg_without_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(display.shutil, "which", lambda _name: None)
    with pytest.raises(jvm.MissingDependencyError, match="Graphviz's 'dot' program"):
        jvm.to_svg(demo())


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_to_svg_with_dot() -> None:
    svg = jvm.to_svg(demo(), target="jv", regime="cn-beijing-2020")
    assert "<svg" in svg
    assert "BT Group plc" in svg
    assert "51.5%" not in svg  # the chart shows stakes, not the verdict
    assert "30%" in svg


def test_draw_empty_graph_and_treasury_note() -> None:
    assert jvm.draw(jvm.OwnershipGraph()).get_title().startswith("Ownership structure")
    g = jvm.OwnershipGraph()
    g.add_entity("a", jurisdiction="CN")
    g.add_entity("b", jurisdiction="US")
    g.add_holding("a", "a", "10%")
    g.add_holding("b", "a", "45%")
    # Of a's shares, 10% are its own and 45% b's: 1 − 10% − 45% = 45% are undisclosed.
    assert "CN\ntreasury 10% · undisclosed 45%" in texts(jvm.draw(g, target="a"))
