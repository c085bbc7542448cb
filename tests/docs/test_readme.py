"""The README is an executed user guide: its Python examples run as doctests."""

from __future__ import annotations

import doctest

from tests.conftest import ROOT


def test_readme_examples_run() -> None:
    result = doctest.testfile(
        str(ROOT / "README.md"),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
    )
    assert result.attempted > 0
    assert result.failed == 0
