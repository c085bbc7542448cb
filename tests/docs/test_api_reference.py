"""The façade (``jvmodel.__all__``) and the API reference (docs/api.md) agree."""

from __future__ import annotations

import importlib
import re

import jvmodel
from tests.conftest import ROOT

API = ROOT / "docs" / "api.md"
DIRECTIVE = re.compile(
    r"^\s*\.\. (?:auto(?:class|function|data|exception|module|attribute)|py:module)::\s+(\S+)",
    re.MULTILINE,
)


def resolve(target: str) -> object:
    """The object a directive target names (a module, or an attribute of one)."""
    if target == "jvmodel.methods":  # declared with py:module: the façade's alias
        return jvmodel.methods
    try:
        return importlib.import_module(target)
    except ImportError:
        module, _, name = target.rpartition(".")
        return getattr(importlib.import_module(module), name)


def documented() -> list[str]:
    return DIRECTIVE.findall(API.read_text())


def test_every_public_name_is_in_the_reference() -> None:
    targets = documented()
    objects = [resolve(t) for t in targets if t != "jvmodel.methods"]
    # A name counts as documented under its façade path or under the module it
    # comes from (jvm.methods is jvmodel.analysis.methods).
    missing = [
        name
        for name in jvmodel.__all__
        if f"jvmodel.{name}" not in targets
        and not any(obj is getattr(jvmodel, name) for obj in objects)
    ]
    assert missing == []


def test_every_top_level_entry_is_public() -> None:
    # A documented submodule (jvmodel.display) is a module, not a façade name.
    top_level = [
        t.removeprefix("jvmodel.")
        for t in documented()
        if t.count(".") == 1 and getattr(resolve(t), "__name__", None) != t
    ]
    assert top_level
    assert sorted(set(top_level) - set(jvmodel.__all__)) == []


def test_no_entry_is_documented_twice() -> None:
    targets = documented()
    assert sorted(t for t in set(targets) if targets.count(t) > 1) == []


def test_the_strategies_section_lists_every_strategy() -> None:
    # jvmodel.strategies is documented with automodule and an explicit :members: list
    # (it sits outside the façade: it needs the hypothesis extra).
    import jvmodel.strategies as jst

    text = API.read_text()
    found = re.search(
        r"\.\. automodule:: jvmodel\.strategies\n\s+:members:(.*?)\n```", text, re.DOTALL
    )
    assert found is not None
    members = sorted(m.strip() for m in found.group(1).replace("\n", " ").split(",") if m.strip())
    assert members == sorted(jst.__all__)
