"""Register jvmodel's types with hypothesis (run by hypothesis's entry point).

Hypothesis calls :func:`_hypothesis_setup_hook` at the end of its own import,
through the ``hypothesis`` entry point declared in ``pyproject.toml``.  The
strategies are looked up only when a type is first resolved, so nothing here
imports :mod:`jvmodel.strategies` (which imports hypothesis) while hypothesis is
still being imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from jvmodel._numeric import Range
from jvmodel.graph import OwnershipGraph
from jvmodel.model import ControlLink, Entity, Holding
from jvmodel.regimes import Cap, Regime

__all__: list[str] = []

_REGISTERED: list[tuple[type, str]] = [
    (Entity, "_registered_entities"),
    (Holding, "holdings"),
    (ControlLink, "control_links"),
    (Range, "ranges"),
    (OwnershipGraph, "ownership_graphs"),
    (Cap, "caps"),
    (Regime, "regimes"),
]


def _lazy(name: str) -> Callable[[type], Any]:
    def resolve(_type: type) -> Any:
        return getattr(importlib.import_module("jvmodel.strategies"), name)()

    return resolve


def _hypothesis_setup_hook() -> None:
    """Register a strategy for each of jvmodel's value types and the graph."""
    for kind, name in _REGISTERED:
        st.register_type_strategy(kind, _lazy(name))
