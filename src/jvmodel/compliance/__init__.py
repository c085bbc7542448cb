"""Where analysis meets caps: checks, reports and what-if questions."""

from jvmodel.compliance.check import CapCheck, check, foreign_share
from jvmodel.compliance.timeline import Period, Timeline, timeline

__all__ = ["CapCheck", "Period", "Timeline", "check", "foreign_share", "timeline"]
