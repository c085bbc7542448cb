"""Where analysis meets caps: checks, reports and what-if questions."""

from jvmodel.compliance.check import CapCheck, check, foreign_share

__all__ = ["CapCheck", "check", "foreign_share"]
