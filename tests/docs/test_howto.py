"""The how-to pages are executed: their Python examples run as doctests."""

from __future__ import annotations

import doctest
import warnings

import pytest

from tests.conftest import ROOT

PAGES = sorted((ROOT / "docs").rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples_run(page) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        # Pages may show warnings being collected; they must not turn into errors here.
        warnings.simplefilter("default")
        result = doctest.testfile(
            str(page),
            module_relative=False,
            optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
        )
    assert result.failed == 0


def test_the_bods_how_to_has_examples() -> None:
    result = doctest.testfile(
        str(ROOT / "docs" / "howto" / "bods.md"),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
    )
    assert result.attempted >= 15
