"""The indicator engine: every line of the policy's 附件 table, computed for a center and a year."""

from centers.indicators.engine import compute_indicators
from centers.indicators.rubric import LINE_BY_ID, LINES

__all__ = ["LINES", "LINE_BY_ID", "compute_indicators"]
