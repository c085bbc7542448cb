"""Graphs, checks and reports as pandas frames, and the report's HTML table."""

from __future__ import annotations

from fractions import Fraction

import pytest

import jvmodel as jvm

pytest.importorskip("pandas")


def demo() -> jvm.OwnershipGraph:
    return jvm.load(jvm.examples.path("beijing-vpn-jv"))


def test_graph_to_pandas_method_matches_the_function() -> None:
    g = demo()
    entities, holdings, _ = g.to_pandas()
    assert len(entities) == 11  # the demo's eleven entities
    assert len(holdings) == 11  # and its eleven holdings, dated ones included
    assert entities.equals(jvm.to_pandas(g)[0])


def test_check_to_pandas_lists_the_contributions() -> None:
    # BT 1/2 and CalPERS 1/2 × 30% × 10% = 3/200, largest first.
    frame = jvm.check(demo(), "jv", regime="cn-beijing-2020").to_pandas()
    assert list(frame.owner) == ["bt", "calpers"]
    assert list(frame.share) == [Fraction(1, 2), Fraction(3, 200)]
    assert list(frame.percent) == [50.0, 1.5]


def test_report_html_shows_the_rows_sortably() -> None:
    report = jvm.check_all(demo(), regime="cn-beijing-2020")
    text = report._repr_html_()
    assert "jvm-sortable" in text
    assert "BREACH" in text
    assert ">jv<" in text
