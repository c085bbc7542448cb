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


def path(name: str) -> Path:
    """The path of a bundled example file, for :func:`jvmodel.load`."""
    if name not in names():
        raise SchemaError(
            f"no bundled example {name!r}; the examples are {', '.join(names())}",
            path=None,
            record=None,
            field=None,
        )
    return Path(str(resources.files(__name__) / f"{name}.toml"))
