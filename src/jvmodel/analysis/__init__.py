"""Pure analysis over an ownership graph: look-through, attribution methods, control.

Analysis knows nothing of caps or regimes: it takes a host country and a method
and returns exact figures.  :mod:`jvmodel.compliance` puts them next to caps.
"""

from jvmodel.analysis.control import ControlChain, ControlStep, controllers, ultimate_controller
from jvmodel.analysis.declared import DeclaredCheck, verify_declared
from jvmodel.analysis.lookthrough import (
    UNDISCLOSED,
    Attribution,
    attribute,
    effective_ownership,
    foreign_contributions,
    foreign_share,
    is_foreign,
    upstream,
)

__all__ = [
    "UNDISCLOSED",
    "Attribution",
    "ControlChain",
    "ControlStep",
    "DeclaredCheck",
    "attribute",
    "controllers",
    "effective_ownership",
    "foreign_contributions",
    "foreign_share",
    "is_foreign",
    "ultimate_controller",
    "upstream",
    "verify_declared",
]
