"""The method and regime pages are executed guides: their Python examples run."""

from __future__ import annotations

import doctest

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "docs" / "methods.md", *sorted((ROOT / "docs" / "regimes").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples_run(page: object) -> None:
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
    )
    assert result.failed == 0


def test_methods_page_has_examples() -> None:
    result = doctest.testfile(str(ROOT / "docs" / "methods.md"), module_relative=False)
    assert result.attempted >= 10
