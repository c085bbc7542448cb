"""jvmodel: who owns and controls companies and joint ventures, exactly.

Model ownership structures as a graph, compute effective (foreign) ownership
through every layer with exact fractions, and check it against sector
foreign-ownership caps of bundled regimes.

>>> import jvmodel as jvm
>>> g = jvm.load(jvm.examples.path("beijing-vpn-jv"))
>>> jvm.check(g, "jv", regime="cn-beijing-2020").status
'breach'
"""

from jvmodel import examples, regimes, synthetic
from jvmodel._numeric import Interval, Range, format_percent, format_share, parse_share
from jvmodel.analysis import methods
from jvmodel.analysis.lookthrough import UNDISCLOSED, effective_ownership, foreign_contributions
from jvmodel.compliance.check import CapCheck, check, foreign_share
from jvmodel.compliance.report import Report, ReportRow, check_all, foreign_shares
from jvmodel.errors import (
    CircularOwnershipError,
    DuplicateEntityError,
    DuplicateHoldingError,
    InvalidEntityError,
    InvalidShareError,
    JVModelError,
    OverallocatedError,
    SchemaError,
    UnknownEntityError,
    UnknownRegimeError,
    UnknownSectorError,
    UnsupportedAnalysisError,
)
from jvmodel.graph import OwnershipGraph
from jvmodel.io.native import load, save
from jvmodel.model import ControlLink, Entity, Holding
from jvmodel.regimes import Cap, Regime

__version__ = "0.1.0"

__all__ = [
    "UNDISCLOSED",
    "Cap",
    "CapCheck",
    "CircularOwnershipError",
    "ControlLink",
    "DuplicateEntityError",
    "DuplicateHoldingError",
    "Entity",
    "Holding",
    "Interval",
    "InvalidEntityError",
    "InvalidShareError",
    "JVModelError",
    "OverallocatedError",
    "OwnershipGraph",
    "Range",
    "Regime",
    "Report",
    "ReportRow",
    "SchemaError",
    "UnknownEntityError",
    "UnknownRegimeError",
    "UnknownSectorError",
    "UnsupportedAnalysisError",
    "__version__",
    "check",
    "check_all",
    "effective_ownership",
    "examples",
    "foreign_contributions",
    "foreign_share",
    "foreign_shares",
    "format_percent",
    "format_share",
    "load",
    "methods",
    "parse_share",
    "regimes",
    "save",
    "synthetic",
]
