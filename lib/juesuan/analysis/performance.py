"""Do the performance self-evaluations hold up? Each 项目支出绩效自评表 recomputed (domain.md §4).

:func:`performance_analysis` reads the tables the extractor rebuilt
(:class:`~juesuan.extract.performance.PerformanceTables`) and lays out, per project:

- ``funds`` — the funds path 年初预算 → 全年预算 → 全年执行数: how much the budget was cut or
  raised during the year, how much went unspent, the execution rate recomputed;
- ``scores`` — the score the department claims (the table's 总分, else the 自评综述's 自评得分)
  against the score recomputed from the table's own targets and actuals with the scoring rules
  (P4 execution, P6–P8 quantitative, P10 qualitative bands), and the grades both give (P15);
- ``indicators`` — every indicator with its achievement ratio (actual / target; target / actual
  for a 反向 ≤ indicator) and its recomputed score; ``target_too_low`` marks a 正向 target the
  actual exceeds by more than ``thresholds.target_too_low_ratio`` (P9);
- ``qualitative`` — the 定性 and satisfaction indicators, the evidence the document gives for
  them, and what a reviewer should doubt (full marks with no measurement, P19; a satisfaction
  of 0, i.e. no survey, P11).

Amounts are 万元, rates %, scores 分 (points), all floats; NaN where the table prints nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import pandas as pd

from ..claims import Printed
from ..intervals import exact
from ..scoring import (
    GRADE_BANDS,
    REVERSE_FORMULA,
    TARGET_RATIO_LIMIT,
    indicator_score_range,
    qualitative_band,
)

if TYPE_CHECKING:
    from ..audit import AuditResult
    from ..extract.performance import Indicator, PerformanceTables, Project

__all__ = [
    "FUNDS_PATH_COLUMNS",
    "INDICATOR_ANALYSIS_COLUMNS",
    "QUALITATIVE_COLUMNS",
    "SCORE_COLUMNS",
    "PerformanceAnalysis",
    "grade_of",
    "performance_analysis",
    "performance_of",
]

#: Columns of ``PerformanceAnalysis.funds``, one row per project. ``budget_initial_wan`` 年初预算,
#: ``budget_wan`` 全年预算 (adjusted), ``actual_wan`` 全年执行数; ``adjustment_wan`` budget − initial
#: (negative: cut during the year); ``unspent_wan`` budget − actual; ``execution_pct`` actual / budget
#: × 100 recomputed; ``printed_rate_pct`` the 执行率 printed; ``cut_then_full`` the budget was cut
#: and then spent in full, so the 100% says little; ``line``/``quote`` the funds row.
FUNDS_PATH_COLUMNS: tuple[str, ...] = ("project", "budget_initial_wan", "budget_wan", "actual_wan",
                                       "adjustment_wan", "unspent_wan", "execution_pct", "printed_rate_pct",
                                       "cut_then_full", "line", "quote")
#: Columns of ``PerformanceAnalysis.scores``, one row per project. ``claimed_score`` and
#: ``claimed_source`` (总分 from the table, 自评综述 from the narrative); ``parts_score`` the printed
#: execution 得分 + Σ printed indicator 得分; ``execution_recomputed`` min(执行率, 100%) × its 分值;
#: ``indicators_recomputed`` Σ recomputed indicator scores; ``recomputed_score`` their sum;
#: ``gap`` claimed − recomputed; ``claimed_grade`` the grade stated in the text, else the band of
#: the claimed score (``grade_stated`` says which); ``recomputed_grade`` the band of the recomputed
#: score; ``n_unjudged`` indicators whose score could not be recomputed (kept as printed).
SCORE_COLUMNS: tuple[str, ...] = ("project", "claimed_score", "claimed_source", "parts_score",
                                  "execution_recomputed", "indicators_recomputed", "recomputed_score", "gap",
                                  "claimed_grade", "grade_stated", "recomputed_grade", "n_unjudged", "line",
                                  "quote")
#: Columns of ``PerformanceAnalysis.indicators``, one row per indicator. ``kind`` 定量 / 定性 / 满意度;
#: ``sense`` >=, <=, = or ""; ``target``/``actual`` as printed; ``achievement`` actual / target
#: (target / actual for <=; NaN when not quantitative or a zero base); ``target_too_low`` (P9);
#: ``weight``/``score`` as printed; ``recomputed_score``; ``basis`` how it was recomputed
#: (公式, 定性档次, 未判断); ``score_gap`` score − recomputed.
INDICATOR_ANALYSIS_COLUMNS: tuple[str, ...] = ("project", "level1", "level2", "indicator", "kind", "sense",
                                               "target", "actual", "unit", "achievement", "target_too_low",
                                               "weight", "score", "recomputed_score", "basis", "score_gap",
                                               "line", "quote")
#: Columns of ``PerformanceAnalysis.qualitative``: the 定性 and 满意度 rows of ``indicators`` with
#: ``evidence`` (the 偏差原因 cell, else the 自评综述 sentence that speaks of it, else "") and
#: ``concern`` (what a reviewer should doubt, "" if nothing).
QUALITATIVE_COLUMNS: tuple[str, ...] = ("project", "kind", "indicator", "target", "actual", "weight", "score",
                                        "evidence", "concern", "line", "quote")

_SATISFACTION = re.compile(r"满意")
_GRADE_WORDS = frozenset({"优秀", "良好", "中等", "合格", "不合格", "优", "良", "中", "差", "是", "否"})
_HUNDRED = Fraction(100)
_QUOTE_CHARS = 120


@dataclass(frozen=True)
class PerformanceAnalysis:
    """Funds path, scores and indicators of every self-evaluation table (frames above)."""

    funds: pd.DataFrame
    """Funds path per project (:data:`FUNDS_PATH_COLUMNS`)."""
    scores: pd.DataFrame
    """Claimed vs recomputed score and grade (:data:`SCORE_COLUMNS`)."""
    indicators: pd.DataFrame
    """Every indicator (:data:`INDICATOR_ANALYSIS_COLUMNS`)."""
    qualitative: pd.DataFrame
    """定性 and satisfaction indicators with their evidence (:data:`QUALITATIVE_COLUMNS`)."""
    target_ratio_limit: float = float(TARGET_RATIO_LIMIT)
    reverse_formula: str = REVERSE_FORMULA

    @property
    def quantitative(self) -> pd.DataFrame:
        """The indicators with an achievement ratio (the chart's rows)."""
        return self.indicators[self.indicators["achievement"].notna()]


def grade_of(score: float) -> str:
    """优/良/中/差 of a score (GRADE_BANDS); "" for NaN."""
    if math.isnan(score):
        return ""
    for lower, name in GRADE_BANDS:
        if score >= lower:
            return name
    return GRADE_BANDS[-1][1]


def _frac(p: Printed) -> Fraction:
    return Fraction(Decimal(p.text))


def _wan(p: Printed | None) -> float:
    return float(p.interval().mid) if p is not None else math.nan


def _val(p: Printed | None) -> float:
    return p.value if p is not None else math.nan


def _round(x: float, places: int = 4) -> float:
    return x if math.isnan(x) else round(x, places) + 0.0


def _short(text: str, chars: int = _QUOTE_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= chars else text[:chars] + "…"


def _sense(i: Indicator) -> str:
    if i.sense:
        return i.sense
    return {"正向": ">=", "反向": "<="}.get(i.nature, "")


def _kind(i: Indicator) -> str:
    if _SATISFACTION.search(i.level1 + i.level2 + i.name):
        return "满意度"
    return "定性" if i.qualitative else "定量"


def _achievement(i: Indicator) -> float:
    if i.qualitative or i.target is None or i.actual is None:
        return math.nan
    t, a = _frac(i.target), _frac(i.actual)
    if _sense(i) == "<=":
        return float(t / a) if a > 0 else math.nan
    return float(a / t) if t > 0 else math.nan


def _recompute(i: Indicator, formula: str) -> tuple[float, str]:
    """An indicator's score from its own target, actual and weight; ``(score, basis)``."""
    if i.weight is None:
        return math.nan, "未判断"
    w = _frac(i.weight)
    sense = _sense(i)
    if not i.qualitative and sense and i.target is not None and i.actual is not None:
        iv = indicator_score_range(sense, exact(_frac(i.target)), exact(_frac(i.actual)), w, reverse_formula=formula)
        return float(iv.mid), "公式"
    band = qualitative_band(i.target_text, i.actual_text)
    score = _frac(i.score) if i.score is not None else None
    if band is not None:
        lo, hi = band[0] * w, band[1] * w
        if score is None:
            return float((lo + hi) / 2), "定性档次"
        return float(min(max(score, lo), hi)), "定性档次"
    return (float(score) if score is not None else math.nan), "未判断"


def _project_statement_text(p: Project) -> str:
    return "".join(s.quote for s in p.statements)


def _evidence(i: Indicator, p: Project) -> str:
    if i.reason.strip():
        return _short(i.reason)
    text = _project_statement_text(p)
    if not text:
        return ""
    sentences = [s for s in re.split(r"(?<=[。；;])", text) if s.strip()]
    if _kind(i) == "满意度":
        words = ["满意"]
    else:
        actual = i.actual_text.strip()
        words = [w for w in (actual if actual not in _GRADE_WORDS else "", i.name[:4])
                 if len(w) >= 2 and w not in p.label]
    for s in sentences:
        if any(w in s for w in words):
            return _short(s)
    return ""


def _concern(i: Indicator, kind: str, evidence: str) -> str:
    if kind == "满意度":
        if i.actual is None and not i.actual_text.strip():
            return "未填写实际值：满意度无调查依据"
        if i.actual is not None and _frac(i.actual) == 0:
            return "实际值为 0：通常表示未开展满意度调查，得分无依据"
        if not evidence:
            return "未说明满意度调查的方式和样本"
        return ""
    full = i.score is not None and i.weight is not None and _frac(i.score) >= _frac(i.weight)
    if full and not evidence:
        return "满分但无量化依据或佐证"
    if full:
        return "满分，依据仅为文字描述"
    return ""


def _funds_row(p: Project) -> dict[str, object]:
    ft = p.funds_total
    b0 = _wan(ft.budget_initial) if ft else math.nan
    b = _wan(ft.budget) if ft and ft.budget is not None else b0
    a = _wan(ft.actual) if ft else math.nan
    rate = _round(a / b * 100) if b and not math.isnan(b) and not math.isnan(a) else math.nan
    cut_then_full = bool(ft is not None and not math.isnan(b0) and not math.isnan(b) and b < b0
                         and not math.isnan(a) and b > 0 and a / b >= 0.995)
    return {"project": p.label, "budget_initial_wan": b0, "budget_wan": b, "actual_wan": a,
            "adjustment_wan": _round(b - b0, 2), "unspent_wan": _round(b - a, 2), "execution_pct": rate,
            "printed_rate_pct": _val(ft.rate) if ft else math.nan, "cut_then_full": cut_then_full,
            "line": ft.line if ft else p.line, "quote": _short(ft.quote) if ft else ""}


def _execution_recomputed(p: Project, indicator_weights: Fraction) -> float:
    ft = p.funds_total
    if ft is None:
        return math.nan
    if ft.weight is not None:
        w = _frac(ft.weight)
    else:  # no 分值 printed: the execution part is what the indicators leave of 100 (P2)
        w = max(Fraction(0), _HUNDRED - indicator_weights)
    budget = ft.budget or ft.budget_initial
    if budget is not None and ft.actual is not None and _frac(budget) > 0:
        rate = _frac(ft.actual) / _frac(budget)
    elif ft.rate is not None:
        rate = _frac(ft.rate) / _HUNDRED
    else:
        return math.nan
    return float(min(max(rate, Fraction(0)), Fraction(1)) * w)


def _score_row(p: Project, recomputed: list[float], n_unjudged: int) -> dict[str, object]:
    ft = p.funds_total
    weights = sum((_frac(i.weight) for i in p.indicators if i.weight is not None), Fraction(0))
    ex = _execution_recomputed(p, weights)
    ind = math.fsum(x for x in recomputed if not math.isnan(x)) if recomputed else math.nan
    total = ind + (0.0 if math.isnan(ex) else ex)
    if p.total_score is not None:
        claimed, source, quote, line = p.total_score.value, "总分", p.total_quote, p.total_line or p.total_score.line
    elif p.narrative_score is not None:
        st = next(s for s in p.statements if s.score is not None)
        claimed, source, quote, line = p.narrative_score.value, "自评综述", st.quote, p.narrative_score.line
    else:
        claimed, source, quote, line = math.nan, "", "", p.line
    printed = [i.score.value for i in p.indicators if i.score is not None]
    ex_printed = ft.score.value if ft is not None and ft.score is not None else 0.0
    stated = next((s.grade for s in p.statements if s.grade), "")
    stated = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "不合格": "差"}.get(stated, stated)
    return {"project": p.label, "claimed_score": claimed, "claimed_source": source,
            "parts_score": _round(ex_printed + math.fsum(printed)) if printed else math.nan,
            "execution_recomputed": _round(ex), "indicators_recomputed": _round(ind),
            "recomputed_score": _round(total), "gap": _round(claimed - total),
            "claimed_grade": stated or grade_of(claimed), "grade_stated": bool(stated),
            "recomputed_grade": grade_of(_round(total)), "n_unjudged": n_unjudged, "line": line,
            "quote": _short(quote)}


def performance_analysis(tables: PerformanceTables, *, reverse_formula: str = REVERSE_FORMULA,
                         target_ratio_limit: float = float(TARGET_RATIO_LIMIT)) -> PerformanceAnalysis:
    """Recompute every self-evaluation table of a document (see the module docstring).

    ``reverse_formula`` and ``target_ratio_limit`` are ``params.thresholds.reverse_formula`` and
    ``params.thresholds.target_too_low_ratio``.
    """
    funds, scores, indicators, qualitative = [], [], [], []
    for p in tables.projects:
        funds.append(_funds_row(p))
        recomputed, unjudged = [], 0
        for i in p.indicators:
            score, basis = _recompute(i, reverse_formula)
            recomputed.append(score)
            unjudged += basis == "未判断"
            kind = _kind(i)
            ach = _achievement(i)
            row = {"project": p.label, "level1": i.level1, "level2": i.level2, "indicator": i.name,
                   "kind": kind, "sense": _sense(i), "target": i.target_text, "actual": i.actual_text,
                   "unit": i.unit, "achievement": _round(ach),
                   "target_too_low": bool(_sense(i) == ">=" and not math.isnan(ach) and ach > target_ratio_limit),
                   "weight": _val(i.weight), "score": _val(i.score), "recomputed_score": _round(score),
                   "basis": basis, "score_gap": _round(_val(i.score) - score), "line": i.line,
                   "quote": _short(i.quote)}
            indicators.append(row)
            if kind != "定量":
                evidence = _evidence(i, p)
                qualitative.append({"project": p.label, "kind": kind, "indicator": i.name, "target": i.target_text,
                                    "actual": i.actual_text, "weight": _val(i.weight), "score": _val(i.score),
                                    "evidence": evidence, "concern": _concern(i, kind, evidence), "line": i.line,
                                    "quote": _short(i.quote)})
        if p.indicators or p.funds_total is not None:
            scores.append(_score_row(p, recomputed, unjudged))
    return PerformanceAnalysis(
        funds=pd.DataFrame(funds, columns=list(FUNDS_PATH_COLUMNS)).astype({"cut_then_full": bool, "line": "int64"}),
        scores=pd.DataFrame(scores, columns=list(SCORE_COLUMNS)).astype(
            {"grade_stated": bool, "n_unjudged": "int64", "line": "int64"}),
        indicators=pd.DataFrame(indicators, columns=list(INDICATOR_ANALYSIS_COLUMNS)).astype(
            {"target_too_low": bool, "line": "int64"}),
        qualitative=pd.DataFrame(qualitative, columns=list(QUALITATIVE_COLUMNS)).astype({"line": "int64"}),
        target_ratio_limit=float(target_ratio_limit), reverse_formula=reverse_formula)


def performance_of(result: AuditResult) -> PerformanceAnalysis:
    """:func:`performance_analysis` of an audit, with its params' thresholds."""
    from ..extract.performance import PerformanceTables

    tables = result.extraction.performance if result.extraction is not None else PerformanceTables()
    if result.params is None:
        return performance_analysis(tables)
    t = result.params.thresholds
    return performance_analysis(tables, reverse_formula=t.reverse_formula, target_ratio_limit=t.target_too_low_ratio)
