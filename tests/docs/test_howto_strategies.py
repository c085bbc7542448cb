"""The strategies how-to is executed: its code blocks run, and its story holds.

The page shows a first draft of a sale screen, a property test that catches its
mistake, and a fixed screen.  This test runs the page's Python blocks in order,
checks that the property test fails against the first draft and passes against the
fix, and that the Hypothesis profiles it quotes are the ones the suite uses.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import Phase, settings

from tests.conftest import ROOT

PAGE = ROOT / "docs" / "howto" / "strategies.md"
PROPERTY = "test_sale_screen_agrees_with_a_full_check"
# The page's property test runs twice here.  The draft's mistake shows in about
# one example in five, so fifty examples miss it with odds of about 1 in 40,000.
EXAMPLES = settings(max_examples=min(settings().max_examples, 50))
FIND = settings(EXAMPLES, phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking


def _python_blocks() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)


def test_the_page_has_the_worked_example() -> None:
    blocks = _python_blocks()
    assert len(blocks) >= 5
    assert sum(f"def {PROPERTY}" in block for block in blocks) == 1
    assert sum("def share_after_sale" in block for block in blocks) == 2


def test_the_worked_example_runs_and_catches_the_first_draft() -> None:
    namespace: dict[str, Any] = {"__name__": "howto_strategies"}
    property_block = None
    for block in _python_blocks():
        if "register_profile" in block:
            continue  # checked against the suite's own profiles below
        exec(compile(block, str(PAGE), "exec"), namespace)
        if f"def {PROPERTY}" in block:
            property_block = block
            # With the first draft, Hypothesis finds a structure it gets wrong.
            with pytest.raises(AssertionError):
                FIND(namespace[PROPERTY])()
    assert property_block is not None
    # With the fix, the same property holds (a fresh copy of the test function:
    # settings are attached to the function they decorate).
    exec(compile(property_block, str(PAGE), "exec"), namespace)
    EXAMPLES(namespace[PROPERTY])()
    assert namespace["seller_measure"].__doc__


def test_the_first_draft_is_wrong_where_the_page_says() -> None:
    # The page's example: e0 (US) and e1 (CN) hold half of the joint venture
    # each; e1 sells 1% of it to a foreign buyer.  The foreign share goes from
    # 50% to 50% + 1% = 51%: over the 50% cap.  The draft sees no change.
    namespace: dict[str, Any] = {"__name__": "howto_strategies"}
    blocks = _python_blocks()
    exec(compile(blocks[0], str(PAGE), "exec"), namespace)
    exec(compile(blocks[1], str(PAGE), "exec"), namespace)
    jvm = namespace["jvm"]
    g = jvm.OwnershipGraph()
    g.add_entity("e0", jurisdiction="US")
    g.add_entity("e1", jurisdiction="CN")
    g.add_entity("jv", jurisdiction="CN", sectors=["vpn"])
    g.add_holding("e0", "jv", "1%")
    g.add_holding("e1", "jv", "98%")
    half = Fraction(1, 2)
    certain = jvm.check(
        namespace["after_sale"](g, "jv", "e1", half), "jv", regime="cn-beijing-2020"
    )
    assert certain.foreign_share == Fraction(52, 100)
    assert certain.compliant is False
    assert namespace["sale_keeps_cap"](g, "jv", "e1", half) is True  # the draft's mistake


def test_the_quoted_profiles_are_the_suites() -> None:
    ci, dev = settings.get_profile("ci"), settings.get_profile("dev")
    assert (ci.max_examples, ci.derandomize, ci.deadline) == (300, True, None)
    assert (dev.max_examples, dev.deadline) == (40, None)
    (block,) = [b for b in _python_blocks() if "register_profile" in b]
    assert '"ci", max_examples=300, derandomize=True, deadline=None' in block
    assert '"dev", max_examples=40, deadline=None' in block
