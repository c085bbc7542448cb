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
from jvmodel.analysis.control import ControlChain, controllers, ultimate_controller
from jvmodel.analysis.declared import DeclaredCheck, verify_declared
from jvmodel.analysis.lookthrough import (
    UNDISCLOSED,
    Attribution,
    attribute,
    effective_ownership,
    foreign_contributions,
)
from jvmodel.analysis.power import voting_power
from jvmodel.compliance.check import CapCheck, check, foreign_share
from jvmodel.compliance.explain import Explanation, explain
from jvmodel.compliance.report import Report, ReportRow, check_all, foreign_shares
from jvmodel.compliance.timeline import Period, Timeline, timeline
from jvmodel.compliance.whatif import Acquisition, Divestment, max_acquirable, minimal_divestment
from jvmodel.display import draw, to_dot, to_svg
from jvmodel.errors import (
    CircularOwnershipError,
    DuplicateEntityError,
    DuplicateHoldingError,
    InvalidEntityError,
    InvalidShareError,
    JVModelError,
    MissingDependencyError,
    OverallocatedError,
    SchemaError,
    UnknownEntityError,
    UnknownRegimeError,
    UnknownSectorError,
    UnsupportedAnalysisError,
)
from jvmodel.graph import OwnershipGraph
from jvmodel.io.bods import BodsWarning, read_bods, write_bods
from jvmodel.io.graphml import read_graphml, to_graphml
from jvmodel.io.native import load, save
from jvmodel.io.tabular import (
    from_pandas,
    read_csv,
    read_parquet,
    to_csv,
    to_pandas,
    to_parquet,
)
from jvmodel.model import ControlLink, DeclaredInterest, Entity, Holding
from jvmodel.regimes import Cap, Regime

__version__ = "0.1.0"

__all__ = [
    "UNDISCLOSED",
    "Acquisition",
    "Attribution",
    "BodsWarning",
    "Cap",
    "CapCheck",
    "CircularOwnershipError",
    "ControlChain",
    "ControlLink",
    "DeclaredCheck",
    "DeclaredInterest",
    "Divestment",
    "DuplicateEntityError",
    "DuplicateHoldingError",
    "Entity",
    "Explanation",
    "Holding",
    "Interval",
    "InvalidEntityError",
    "InvalidShareError",
    "JVModelError",
    "MissingDependencyError",
    "OverallocatedError",
    "OwnershipGraph",
    "Period",
    "Range",
    "Regime",
    "Report",
    "ReportRow",
    "SchemaError",
    "Timeline",
    "UnknownEntityError",
    "UnknownRegimeError",
    "UnknownSectorError",
    "UnsupportedAnalysisError",
    "__version__",
    "attribute",
    "check",
    "check_all",
    "controllers",
    "draw",
    "effective_ownership",
    "examples",
    "explain",
    "foreign_contributions",
    "foreign_share",
    "foreign_shares",
    "format_percent",
    "format_share",
    "from_pandas",
    "load",
    "max_acquirable",
    "methods",
    "minimal_divestment",
    "parse_share",
    "read_bods",
    "read_csv",
    "read_graphml",
    "read_parquet",
    "regimes",
    "save",
    "synthetic",
    "timeline",
    "to_csv",
    "to_dot",
    "to_graphml",
    "to_pandas",
    "to_parquet",
    "to_svg",
    "ultimate_controller",
    "verify_declared",
    "voting_power",
    "write_bods",
]
