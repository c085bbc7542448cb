"""Example structures bundled with jvmodel (native TOML files).

Examples
--------
>>> import jvmodel as jvm
>>> names()
['beijing-vpn-jv']
>>> g = jvm.load(path("beijing-vpn-jv"))
>>> g.entity("jv").sectors
('vpn',)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from jvmodel.errors import SchemaError

__all__ = ["names", "path"]


def names() -> list[str]:
    """The names of the bundled examples."""
    folder = resources.files(__name__)
    return sorted(
        e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")
    )


_SUFFIXES = {"native": ".toml", "bods": ".bods.json"}


def path(name: str, *, format: str = "native") -> Path:
    """The path of a bundled example file.

    ``format="native"`` gives the TOML file for :func:`jvmodel.load`;
    ``format="bods"`` the same structure as a register would publish it in
    BODS 0.4, for :func:`jvmodel.read_bods`.

    Examples
    --------
    >>> path("beijing-vpn-jv", format="bods").name
    'beijing-vpn-jv.bods.json'
    """
    if name not in names():
        raise SchemaError(
            f"no bundled example {name!r}; the examples are {', '.join(names())}",
            path=None,
            record=None,
            field=None,
        )
    if format not in _SUFFIXES:
        raise SchemaError(
            f"format {format!r} is not one of {', '.join(_SUFFIXES)}",
            path=None,
            record=None,
            field="format",
        )
    found = Path(str(resources.files(__name__) / f"{name}{_SUFFIXES[format]}"))
    if not found.is_file():
        raise SchemaError(
            f"the example {name!r} has no {format} file", path=None, record=None, field="format"
        )
    return found
