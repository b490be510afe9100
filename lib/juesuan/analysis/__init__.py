"""Analyses the report is built from: where money deviated from plan, and whether the
performance self-evaluations hold up (domain.md §4, §6).

The checks (:mod:`juesuan.checks`) decide whether each printed relation *can* hold; these
analyses lay the same figures out the way an auditor reads them — budget against actual line
by line, this year against last, the reasons given against the gap they explain, each
project's funds path and score recomputed — as tidy frames with documented columns. Nothing
here changes a verdict or a finding.

``variance_analysis`` and ``performance_analysis`` take plain inputs (an
:class:`~juesuan.extract.Extraction`, the checked claims, thresholds) so they can be tested on
a few inline rows; ``AuditResult.variance`` and ``AuditResult.performance`` call them with
what the audit already holds.
"""

from __future__ import annotations

from .performance import (
    FUNDS_PATH_COLUMNS,
    INDICATOR_ANALYSIS_COLUMNS,
    QUALITATIVE_COLUMNS,
    SCORE_COLUMNS,
    PerformanceAnalysis,
    performance_analysis,
)
from .variance import (
    EXECUTION_COLUMNS,
    EXPLAINED_COLUMNS,
    LINE_COLUMNS,
    PRIOR_COLUMNS,
    REASON_COLUMNS,
    YOY_COLUMNS,
    VarianceAnalysis,
    load_prior,
    variance_analysis,
)

__all__ = [
    "EXECUTION_COLUMNS",
    "EXPLAINED_COLUMNS",
    "FUNDS_PATH_COLUMNS",
    "INDICATOR_ANALYSIS_COLUMNS",
    "LINE_COLUMNS",
    "PRIOR_COLUMNS",
    "QUALITATIVE_COLUMNS",
    "REASON_COLUMNS",
    "SCORE_COLUMNS",
    "YOY_COLUMNS",
    "PerformanceAnalysis",
    "VarianceAnalysis",
    "load_prior",
    "performance_analysis",
    "variance_analysis",
]
