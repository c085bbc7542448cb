"""Where analysis meets caps: checks, reports and what-if questions."""

from jvmodel.compliance.check import CapCheck, check, foreign_share
from jvmodel.compliance.report import Report, ReportRow, check_all, foreign_shares
from jvmodel.compliance.timeline import Period, Timeline, timeline

__all__ = [
    "CapCheck",
    "Period",
    "Report",
    "ReportRow",
    "Timeline",
    "check",
    "check_all",
    "foreign_share",
    "foreign_shares",
    "timeline",
]
