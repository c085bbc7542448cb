"""Safe parsing, checked on the source: no pickle, no unsafe YAML, no eval, XML only
through a parser that does not expand entities (see ``docs/security.md``).

A static check, so that it also covers loaders added later.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = sorted((ROOT / "src" / "jvmodel").rglob("*.py"))

# Modules that deserialise by running code, or that expand XML entities by default.
FORBIDDEN_MODULES = {
    "pickle": "pickle runs code from the data; use the native TOML/JSON format",
    "cPickle": "pickle runs code from the data",
    "dill": "pickle runs code from the data",
    "marshal": "marshal is not for untrusted data",
    "shelve": "shelve is pickle underneath",
    "xml.dom.minidom": "parse XML with defusedxml, which refuses entity declarations",
    "xml.dom.pulldom": "parse XML with defusedxml",
    "xml.sax": "parse XML with defusedxml",
    "xml.etree.ElementTree": "parse XML with defusedxml.ElementTree",
    "xml.etree.cElementTree": "parse XML with defusedxml.ElementTree",
    "lxml.etree": "parse XML with defusedxml (or lxml, resolve_entities=False, no_network=True)",
}
FORBIDDEN_CALLS = {
    "eval": "eval runs code",
    "exec": "exec runs code",
    "yaml.load": "use yaml.safe_load",
    "yaml.unsafe_load": "use yaml.safe_load",
    "yaml.full_load": "use yaml.safe_load",
}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found.extend(
            f"{path.name}:{node.lineno}: import {name}: {FORBIDDEN_MODULES[name]}"
            for name in names
            if name in FORBIDDEN_MODULES
        )
        if isinstance(node, ast.Call):
            called = _dotted(node.func)
            if called in FORBIDDEN_CALLS:
                found.append(f"{path.name}:{node.lineno}: {called}(): {FORBIDDEN_CALLS[called]}")
    return found


def test_there_are_sources_to_check() -> None:
    assert any(path.name == "native.py" for path in SOURCES)


# Reviewed exceptions: GraphML goes through networkx (ElementTree) only after an expat
# pass that refuses any document type declaration, so no entity can be defined, let
# alone expanded (tested with a billion-laughs file in tests/io/); the module imports
# ElementTree's ParseError to report errors, and parses nothing with it.
REVIEWED = {("graphml.py", "import xml.etree.ElementTree: parse XML with defusedxml.ElementTree")}


def _reviewed(problem: str) -> bool:
    name, _line, rest = problem.split(":", 2)
    return (name, rest.strip()) in REVIEWED


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_source_parses_data_safely(path: Path) -> None:
    assert [p for p in _problems(path) if not _reviewed(p)] == []


def test_the_check_finds_what_it_forbids(tmp_path: Path) -> None:
    # The scanner itself: a wrong scanner that finds nothing fails here.
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\nfrom xml.etree import ElementTree\nimport yaml\n"
        "yaml.load('a')\neval('1')\nfrom lxml import etree\n"
    )
    problems = _problems(bad)
    assert sorted(int(p.split(":")[1]) for p in problems) == [1, 2, 4, 5, 6]
