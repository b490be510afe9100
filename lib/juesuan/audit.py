"""One department, end to end in the library: read → extract → check → validate → findings.

``audit_document(params)`` is what the notebook calls; ``audit_file(path)`` is what
``juesuan check`` calls. Both return the same :class:`AuditResult`, so the notebook, the
CLI and the JSON always agree.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import __version__
from .checks import check_claims
from .claims import Claim
from .extract import Extraction, extract
from .figures import load_figures_claims
from .findings import (
    Finding,
    build_findings,
    findings_document,
    reconciliation_frame,
    summary_counts,
    write_findings,
)
from .ingest import Document, read_document
from .params import AuditParams

if TYPE_CHECKING:
    from .analysis import PerformanceAnalysis, VarianceAnalysis
    from .suites import Outcome

__all__ = ["AuditResult", "Figures", "audit_document", "audit_file"]


@dataclass(frozen=True)
class Figures:
    """Tidy tables of what the disclosure printed, for charts and analysis."""

    income: pd.DataFrame
    """Income by source: item, amount_wan, share_pct."""
    expenditure: pd.DataFrame
    """Expenditure by kind (基本/项目…): item, amount_wan, share_pct."""
    amounts: pd.DataFrame
    """Every amount printed: label, reported, unit, amount_wan, line, section, is_change."""


@dataclass
class AuditResult:
    """Everything juesuan concluded about one disclosure."""

    department: dict[str, object]
    document: Document
    claims: list[Claim]
    findings: list[Finding]
    figures: Figures
    suites: dict[str, str] = field(default_factory=dict)
    extraction: Extraction | None = None
    """What was read from the disclosure (typed template and performance tables)."""
    params: AuditParams | None = None
    """The params the audit ran with (``None`` for ``juesuan check``)."""
    outcomes: list[Outcome] = field(default_factory=list)
    """Every expectation that ran, passed or not (the report's plan of checks)."""

    @functools.cached_property
    def variance(self) -> VarianceAnalysis:
        """Budget vs actual, year on year, explained variance (:mod:`juesuan.analysis.variance`)."""
        from .analysis.variance import variance_of

        return variance_of(self)

    @functools.cached_property
    def performance(self) -> PerformanceAnalysis:
        """Funds path, scores and indicators recomputed (:mod:`juesuan.analysis.performance`)."""
        from .analysis.performance import performance_of

        return performance_of(self)

    @property
    def summary(self) -> dict[str, int]:
        return summary_counts(self.claims, self.findings)

    def findings_document(self) -> dict[str, object]:
        """The findings document of interface.md (what ``check --json`` prints)."""
        return findings_document(
            department=self.department,
            source={"path": Path(self.document.path).name, "sha256": self.document.sha256},
            tool={"version": __version__, "suites": self.suites},
            claims=self.claims, findings=self.findings)

    def claims_table(self) -> pd.DataFrame:
        """One row per claim: id, kind, section, line, verdict, gap, reported, quote."""
        rows = [{"id": c.id, "kind": str(c.kind), "section": c.section, "line": c.line,
                 "verdict": str(c.verdict), "gap": c.gap,
                 "reported": ", ".join(f"{k}={v}" for k, v in c.reported().items()),
                 "quote": c.quote} for c in self.claims]
        return pd.DataFrame(rows, columns=["id", "kind", "section", "line", "verdict", "gap", "reported",
                                           "quote"])

    def findings_table(self) -> pd.DataFrame:
        """One row per finding, ranked: severity, rule, message, amount, line, quote."""
        rows = [f.to_dict() for f in self.findings]
        cols = ["id", "severity", "rule", "message", "amount_wan", "gap", "line", "quote"]
        return pd.DataFrame(rows, columns=cols) if rows else pd.DataFrame(columns=cols)

    def write(self, output_dir: str | Path) -> None:
        """Write ``findings.json`` and ``findings.csv`` into ``output_dir`` (atomically)."""
        write_findings(self.findings_document(), output_dir)

    def summary_text(self) -> str:
        """One paragraph in plain Chinese for the report's conclusion."""
        s = self.summary
        name = html.escape(str(self.department.get("name", "")))
        text = (f"{name}{self.department.get('year', '')}年度决算公开文本共识别 {s['claims']} 项可核对的数字关系，"
                f"其中 {s['inconsistent']} 项在四舍五入允许的范围内仍不成立，"
                f"{s['uncheckable']} 项因缺少基数无法核对。")
        if self.findings:
            top = self.findings[0]
            text += f"金额最大的问题：{html.escape(top.message)}（第 {top.line} 行）。"
        else:
            text += "未发现不一致之处。"
        return text


def _figures(ex: Extraction) -> Figures:
    return Figures(ex.composition("收入"), ex.composition("支出"), ex.figures_frame())


def _run(doc: Document, department: dict[str, object], ex: Extraction | None = None,
         params: AuditParams | None = None) -> AuditResult:
    from . import suites  # great_expectations is imported only when validation runs

    ex = ex if ex is not None else extract(doc, params.thresholds if params is not None else None)
    claims = check_claims(ex.claims)
    thresholds = params.thresholds.expectation_parameters() if params is not None else None
    outcomes = suites.validate(reconciliation_frame(claims), thresholds)
    findings = build_findings(claims, outcomes)
    return AuditResult(department, doc, claims, findings, _figures(ex), suites.suite_hashes(), ex, params,
                       list(outcomes))


def audit_document(params: AuditParams) -> AuditResult:
    """Audit the department described by validated params."""
    doc = read_document(params.source)
    department = {"id": params.department_id, "name": params.department_name, "year": params.year}
    if params.figures is not None:
        # the auditor corrected what was read: judge their figures, keep the source for provenance
        _source, claims = load_figures_claims(params.figures)
        return _run(doc, department, Extraction(claims, []), params)
    return _run(doc, department, params=params)


def audit_file(path: str | Path) -> AuditResult:
    """Audit one disclosure file with no params (``juesuan check``)."""
    doc = read_document(path)
    stem = Path(path).stem
    return _run(doc, {"id": stem, "name": stem, "year": None})
