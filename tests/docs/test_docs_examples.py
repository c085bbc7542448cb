"""The documentation's Python examples (``>>>`` sessions in docs/*.md) run as doctests."""

from __future__ import annotations

import doctest
import warnings
from pathlib import Path

import matplotlib
import pytest

from tests.conftest import ROOT

matplotlib.use("Agg")

import matplotlib.pyplot as plt

PAGES = sorted(
    p
    for p in (ROOT / "docs").rglob("*.md")
    if "_build" not in p.parts and p.name != "README.md" and ">>>" in p.read_text()
)


def test_pages_with_examples_exist() -> None:
    names = {p.relative_to(ROOT / "docs").as_posix() for p in PAGES}
    assert {
        "index.md",
        "getting-started.md",
        "concepts.md",
        "howto/draw.md",
        "howto/bods.md",
        "howto/ranges.md",
        "howto/whatif.md",
        "howto/screening.md",
    } <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT / "docs").as_posix())
def test_page_examples_run(page: Path) -> None:
    with warnings.catch_warnings():
        # Pages may show warnings being collected; they must not turn into errors here.
        warnings.simplefilter("default")
        try:
            result = doctest.testfile(
                str(page),
                module_relative=False,
                optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
                raise_on_error=False,
                verbose=False,
            )
        finally:
            plt.close("all")
    assert result.attempted > 0
    assert result.failed == 0
