"""项目支出绩效自评 scoring rules (domain.md §4), checked over the intervals of printed numbers.

:mod:`juesuan.extract.performance` rebuilds each self-evaluation table and states its claims
(one rule id each, listed in :data:`RULES`); this module recomputes them. Every function
here has the signature of :mod:`juesuan.checks`' checks, ``fn(claim, relations)``, and is
registered there. As everywhere in juesuan, a claim is inconsistent only when no choice of
values inside the rounding intervals of its printed numbers makes it hold.

How the printed numbers of a table become intervals:

* 得分 (scores) and 执行率 are computed values, printed rounded: ``"2.8"`` is [2.75, 2.85].
* 分值 (weights) are set, not computed: ``"7.5"`` is exactly 7.5.
* amounts (万元/元) are rounded prints, converted to 万元 (:meth:`Printed.interval`).
* indicator values: an integral value in a count-like unit (家, 次, 月, 页 …) is exact;
  anything else is a rounded print.

Local scoring sheets differ on the 反向 (≤) formula (domain.md §8.7), so it is a parameter:
:data:`REVERSE_FORMULA` is the default, the extractor records the formula it used in
``claim.words["reverse_formula"]`` and the check reads it back from there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from .claims import Claim, Printed
from .intervals import Interval, at_most, exact, printed_interval, ratio_pct, sum_of

__all__ = [
    "GRADE_BANDS",
    "NARRATIVE_CHECKS",
    "QUALITATIVE_FULL_MIN",
    "REVERSE_FORMULA",
    "REVERSE_FORMULAS",
    "RULES",
    "TARGET_RATIO_LIMIT",
    "check_performance",
    "execution_score_range",
    "grades_for",
    "indicator_score_range",
    "qualitative_band",
]

#: Default formula for a 反向 (≤) indicator whose actual exceeds its target (P7): ``weight × target/actual``.
REVERSE_FORMULA = "ratio"
#: Actual / target above which a 正向 target looks set too low (P9).
TARGET_RATIO_LIMIT = Fraction(3, 2)
#: How many full-marks 定性 indicators a project needs before P19 notes it.
QUALITATIVE_FULL_MIN = 1
#: Grade bands of 财预〔2020〕10号, half-open (domain.md §8.6): lower bound, grade.
GRADE_BANDS: tuple[tuple[int, str], ...] = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))

#: Every rule id this module judges → (severity, "domain rule: what it protects"). The suite
#: ``expectations/performance.json`` carries the same ids; a test keeps the two in step.
RULES: dict[str, tuple[str, str]] = {
    "performance.total": ("error", "P14: 总分 = execution score + Σ indicator scores (≤ 100)"),
    "performance.total_missing": ("warning", "P14: the table prints no 总分 row"),
    "performance.execution_rate": ("error", "P3: 执行率 = 全年执行数 / 全年预算数"),
    "performance.execution_score": ("error", "P4: execution score = min(执行率, 100%) × 分值"),
    "performance.weights": ("error", "P2: Σ 分值 = 100 and every 得分 ≤ its 分值"),
    "performance.indicator_score": ("warning", "P6-P8/P10: an indicator's 得分 follows from target, actual and direction"),
    "performance.narrative_score": ("warning", "P16: the narrative 自评得分 equals the table's 总分"),
    "performance.narrative_funds": ("warning", "P16: the narrative 预算数/执行数/执行率 equal the funds block"),
    "performance.grade": ("error", "P15: the stated grade matches the score band"),
    "performance.target_too_low": ("warning", "P9: actual far above a 正向 target: the target was set too low"),
    "performance.satisfaction_missing": ("warning", "P11: a satisfaction actual of 0 or blank means no survey"),
    "performance.unexplained_shortfall": ("warning", "P12: 得分 < 分值 needs 偏差原因分析及改进措施"),
    "performance.cost_exceeds_execution": ("warning", "P17: 项目总成本 actual must not exceed 全年执行数"),
    "performance.qualitative_full": ("info", "P19: 定性 indicators scored full marks rest on no measurement"),
}


class Relations(Protocol):
    """What :mod:`juesuan.checks` hands a check: record a comparison, or a note."""

    claim: Claim

    def compare(self, name: str, reported: Interval, recomputed: Interval, unit: str,
                money_per_unit: Fraction = ...) -> None: ...

    def note(self, text: str) -> None: ...


_NO_MONEY = Fraction(0)
_HUNDRED = Fraction(100)


# --------------------------------------------------------------------------------------------
# Printed numbers → intervals


def _frac(text: str) -> Fraction:
    return Fraction(Decimal(text))


def _rounded(p: Printed) -> Interval:
    """A computed value printed rounded; a bare ``0`` means none at all (exact)."""
    return printed_interval(p.text, is_exact=_frac(p.text) == 0 and "." not in p.text)


def score_interval(p: Printed) -> Interval:
    return _rounded(p)


def weight_interval(p: Printed) -> Interval:
    return exact(_frac(p.text))


def value_interval(p: Printed) -> Interval:
    """An indicator's target or actual value (see the module docstring)."""
    if p.is_amount:
        return p.interval()
    if p.unit and p.unit != "%" and _frac(p.text).denominator == 1:
        return exact(_frac(p.text))
    return _rounded(p)


def _f(x: Fraction | float, places: int = 2) -> str:
    text = f"{float(x):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _span(iv: Interval, places: int = 2) -> str:
    lo, hi = _f(iv.lo, places), _f(iv.hi, places)
    return lo if lo == hi else f"{lo}–{hi}"


# --------------------------------------------------------------------------------------------
# Formulas (public: notebooks and tests use them directly)


def _positive(a: Fraction, t: Fraction) -> Fraction:
    if t <= 0:
        return Fraction(1)
    return min(Fraction(1), max(Fraction(0), a / t))


def _reverse_ratio(a: Fraction, t: Fraction) -> Fraction:
    if a <= t:
        return Fraction(1)
    return max(Fraction(0), t / a)


def _reverse_deviation(a: Fraction, t: Fraction) -> Fraction:
    if a <= t:
        return Fraction(1)
    if t <= 0:
        return Fraction(0)
    return max(Fraction(0), 1 - (a - t) / t)


def _reverse_binary(a: Fraction, t: Fraction) -> Fraction:
    return Fraction(1) if a <= t else Fraction(0)


def _equal(a: Fraction, t: Fraction) -> Fraction:
    if a == t:
        return Fraction(1)
    if a <= 0 or t <= 0:
        return Fraction(0)
    return min(a / t, t / a)


#: 反向 formulas, as the share of the weight an indicator keeps: ``ratio`` target/actual
#: (domain.md [10]), ``deviation`` 1 − (actual − target)/target, ``binary`` all or nothing.
REVERSE_FORMULAS: dict[str, Callable[[Fraction, Fraction], Fraction]] = {
    "ratio": _reverse_ratio,
    "deviation": _reverse_deviation,
    "binary": _reverse_binary,
}


def indicator_score_range(sense: str, target: Interval, actual: Interval, weight: Fraction, *,
                          reverse_formula: str = REVERSE_FORMULA) -> Interval:
    """The scores a quantitative indicator may get for any target and actual in their intervals.

    ``sense`` is ``">="`` (正向, P6: full marks at or above the target, else weight × actual /
    target), ``"<="`` (反向, P7: full marks at or below, else ``REVERSE_FORMULAS[reverse_formula]``)
    or ``"="`` (P8: full marks when equal, else weight × the smaller / the larger). Each formula
    is monotone in actual and target, so the extremes sit at the corners of the two intervals.
    """
    if sense == "<=":
        try:
            f = REVERSE_FORMULAS[reverse_formula]
        except KeyError:
            raise ValueError(f"unknown 反向 formula {reverse_formula!r}; choose one of "
                             f"{', '.join(REVERSE_FORMULAS)}") from None
        lo, hi = f(actual.hi, target.lo), f(actual.lo, target.hi)
    elif sense == "=":
        corners = [_equal(a, t) for a in (actual.lo, actual.hi) for t in (target.lo, target.hi)]
        lo = min(corners)
        if actual.overlaps(target):
            hi = Fraction(1)
        elif actual.hi < target.lo:
            hi = _equal(actual.hi, target.lo)
        else:
            hi = _equal(actual.lo, target.hi)
    else:
        lo, hi = _positive(actual.lo, target.hi), _positive(actual.hi, target.lo)
    return Interval(min(lo, hi) * weight, max(lo, hi) * weight)


_FAILED = re.compile(r"未完成|未达成|未达到|未实现|没有|较差|不合格|不满意|^差$|^否$|^无$")
_PARTIAL = re.compile(r"部分|基本")
_ACHIEVED = re.compile(r"^(?:已?完成|已?达成|已?达到|已?实现|是|优|优秀|合格|达标|有效)$")


def qualitative_band(target_text: str, actual_text: str) -> tuple[Fraction, Fraction] | None:
    """P10's share of the weight a 定性 indicator may get, from its actual wording; None if unclear.

    达成 (the actual repeats the target, or says 完成/达成/优…) → 80–100%; 部分/基本达成 → 60–80%;
    未达成 → 0–60%. Anything else (a free description) cannot be judged.
    """
    a, t = actual_text.strip(), target_text.strip()
    if not a:
        return None
    if _FAILED.search(a):
        return Fraction(0), Fraction(3, 5)
    if _PARTIAL.search(a):
        return Fraction(3, 5), Fraction(4, 5)
    if a == t or _ACHIEVED.match(a):
        return Fraction(4, 5), Fraction(1)
    return None


def execution_score_range(weight: Interval, rate_pct: Interval) -> Interval:
    """P4: min(执行率, 100%) × 分值 over the intervals."""
    lo = min(max(rate_pct.lo, Fraction(0)), _HUNDRED) / _HUNDRED
    hi = min(max(rate_pct.hi, Fraction(0)), _HUNDRED) / _HUNDRED
    return Interval(lo * weight.lo, hi * weight.hi)


def _grade_name(text: str) -> str:
    return {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "不合格": "差", "较差": "差"}.get(text, text)


def grades_for(score: Interval) -> set[str]:
    """Every grade of :data:`GRADE_BANDS` a score in ``score`` can earn."""
    out = set()
    upper = Fraction(10**9)
    for lower, name in GRADE_BANDS:
        # band [lower, upper): intersects [lo, hi] when lo < upper and hi >= lower
        if score.lo < upper and score.hi >= lower:
            out.add(name)
        upper = Fraction(lower)
    return out


# --------------------------------------------------------------------------------------------
# The funds block


def _rate_from_funds(claim: Claim) -> tuple[Interval | None, str]:
    """The execution rate the funds block allows: amounts ∩ printed rate when both exist."""
    budget, actual, rate = claim.number("budget"), claim.number("actual"), claim.number("rate")
    from_amounts = None
    if budget is not None and actual is not None:
        from_amounts = ratio_pct(actual.interval(), budget.interval())
    printed = _rounded(rate) if rate is not None else None
    if from_amounts is not None and printed is not None and from_amounts.overlaps(printed):
        return Interval(max(from_amounts.lo, printed.lo), min(from_amounts.hi, printed.hi)), "amounts and 执行率"
    if from_amounts is not None:
        return from_amounts, "全年执行数 / 全年预算数"
    if printed is not None:
        return printed, "the printed 执行率"
    return None, ""


def _execution_part(claim: Claim, r: Relations, indicator_weights: Fraction) -> tuple[Interval, str]:
    """The execution score a total is built from: printed, recomputed (P4), or what is left."""
    score, weight = claim.number("execution_score"), claim.number("execution_weight")
    if score is not None:
        return score_interval(score), f"execution score {score.text}"
    if weight is not None:
        rate, _ = _rate_from_funds(claim)
        w = weight_interval(weight)
        if rate is not None:
            iv = execution_score_range(w, rate)
            r.note(f"no execution 得分 printed: min(执行率, 100%) × 分值 {weight.text} = {_span(iv)} used (P4)")
            return iv, f"execution score {_span(iv)} (none printed; 分值 {weight.text})"
        r.note(f"no execution 得分 or rate printed: anything up to its 分值 {weight.text} allowed")
        return Interval(Fraction(0), w.hi), f"execution score 0–{weight.text}"
    left = max(Fraction(0), _HUNDRED - indicator_weights)
    r.note(f"the funds block prints no 分值 or 得分: the execution score may be anything up to the "
           f"{_f(left)} points the indicators leave")
    return Interval(Fraction(0), left), f"execution score 0–{_f(left)}"


def _capped(score: Printed, weight: Printed | None) -> Interval:
    """A score's interval, capped at its weight: the sum assumes P2 (checked on its own)."""
    s = score_interval(score)
    if weight is None:
        return s
    w = weight_interval(weight).hi
    return Interval(min(s.lo, w), min(s.hi, w))


def _check_total(claim: Claim, r: Relations) -> None:
    """P14: 总分 = execution score + Σ indicator scores, and 总分 ≤ 100."""
    total = claim.number("total")
    if total is None:
        r.note("no 总分 printed and no narrative 自评得分 to stand in")
        return
    if claim.words.get("total_source") == "narrative":
        r.note(f"the table prints no 总分: the narrative 自评得分 {total.text} (line {total.line}) stands in")
    scores, caps = claim.number_list("scores"), claim.number_list("caps")
    loose, unscored = claim.number_list("loose_scores"), claim.number_list("unscored_weights")
    ind_weights = sum((weight_interval(w).hi for w in claim.number_list("weights")), Fraction(0))
    ex, ex_text = _execution_part(claim, r, ind_weights)
    ex_score = claim.number("execution_score")
    if ex_score is not None:
        ex = _capped(ex_score, claim.number("execution_weight"))
    parts = [_capped(s, w) for s, w in zip(scores, caps)] + [score_interval(s) for s in loose]
    parts += [Interval(Fraction(0), weight_interval(w).hi) for w in unscored]
    if unscored:
        r.note(f"{len(unscored)} indicator(s) print no 得分: anything up to their 分值 allowed")
    ind = sum_of(parts)
    rec = ex + ind
    t = score_interval(total)
    r.compare("total", t, rec, "分", _NO_MONEY)
    problems = []
    if t.distance(rec) > 0:
        printed = sum((_frac(s.text) for s in scores + loose), Fraction(0))
        n = len(scores) + len(loose)
        within = f" ({_span(rec)} within rounding)" if _span(rec) != _f(rec.mid) else ""
        problems.append(f"总分 {total.text} ≠ {ex_text} + Σ {n} indicator 得分 {_f(printed)}"
                        f"{' + unscored ' + str(len(unscored)) if unscored else ''} = {_f(ex.mid + printed)}{within}")
    if t.lo > _HUNDRED:
        r.compare("cap", t, Interval(Fraction(0), _HUNDRED), "分", _NO_MONEY)
        problems.append(f"总分 {total.text} exceeds 100")
    if problems:
        claim.explanation = "; ".join(problems) + " (P14)"


def _check_total_missing(claim: Claim, r: Relations) -> None:
    """The table has indicator rows but no 总分 row: an observation (gap 1 row)."""
    narrative = claim.number("narrative_total")
    r.compare("total_row", exact(1), exact(0), "row", _NO_MONEY)
    stand_in = f"; the narrative 自评得分 {narrative.text} stands in for it" if narrative is not None else ""
    claim.explanation = f"the self-evaluation table prints no 总分 row{stand_in} (P14)"


def _check_execution_score(claim: Claim, r: Relations) -> None:
    """P4: the funds block's 得分 = min(执行率, 100%) × 分值."""
    score, weight = claim.number("score"), claim.number("weight")
    if weight is None:
        r.note("the funds block prints no 分值")
        return
    if score is None:
        r.note("the funds block prints no execution 得分")
        return
    rate, source = _rate_from_funds(claim)
    if rate is None:
        r.note("no 执行率 and no amounts to compute it from")
        return
    rec = execution_score_range(weight_interval(weight), rate)
    s = score_interval(score)
    r.compare("score", s, rec, "分", _NO_MONEY)
    if s.distance(rec) > 0:
        claim.explanation = (f"execution 得分 {score.text} ≠ min(执行率 {_span(rate)}%, 100%) × 分值 "
                             f"{weight.text} = {_span(rec)} (rate from {source}; P4)")


def _check_weights(claim: Claim, r: Relations) -> None:
    """P2: Σ 分值 = 100 (execution + indicators) and every 得分 ≤ its 分值."""
    weights = claim.number_list("weights")
    ex = claim.number("execution_weight")
    printed_total = claim.number("weight_total")
    expected = Fraction(claim.words.get("expected_total", "100"))
    problems = []
    ind = sum((weight_interval(w).lo for w in weights), Fraction(0))
    if weights:
        if ex is not None:
            total = exact(ind + weight_interval(ex).lo)
            how = f"execution {ex.text} + indicators {_f(ind)}"
            if _frac(ex.text) == 0:
                how += "; the funds block prints 分值 0, P5"
        else:
            r.note("the funds block prints no 分值: the execution weight may be anything")
            total = Interval(ind, ind + expected)
            how = f"indicators {_f(ind)} + an unprinted execution weight"
        r.compare("weights", exact(expected), total, "分", _NO_MONEY)
        if exact(expected).distance(total) > 0:
            problems.append(f"分值 add up to {_span(total)} ({how}), not {_f(expected)}")
        if printed_total is not None and ex is not None:
            pt = weight_interval(printed_total)
            r.compare("weight_total", pt, total, "分", _NO_MONEY)
            if pt.distance(total) > 0 and pt != exact(expected):
                problems.append(f"the 总分 row prints 分值 {printed_total.text}")
    for s, w, name in zip(claim.number_list("scores"), claim.number_list("caps"),
                          claim.words.get("cap_names", "").split("\n")):
        si, wi = score_interval(s), weight_interval(w)
        r.compare(f"score≤weight:{name}", si, Interval(min(si.lo, wi.hi), wi.hi) if si.lo <= wi.hi else wi,
                  "分", _NO_MONEY)
        if si.lo > wi.hi:
            problems.append(f"{name} 得分 {s.text} exceeds its 分值 {w.text}")
    if problems:
        claim.explanation = "; ".join(problems) + " (P2)"


# --------------------------------------------------------------------------------------------
# Indicators


def _check_indicator_score(claim: Claim, r: Relations) -> None:
    """P6-P8 for quantitative indicators; P10 bands for 定性 ones (only a clear contradiction counts)."""
    score, weight = claim.number("score"), claim.number("weight")
    if score is None or weight is None:
        return
    name = claim.words.get("indicator", "indicator")
    s, w = score_interval(score), weight_interval(weight).lo
    target, actual = claim.number("target"), claim.number("actual")
    if claim.words.get("qualitative") or target is None or actual is None:
        band = qualitative_band(claim.words.get("target_text", ""), claim.words.get("actual_text", ""))
        if band is None:
            r.note("定性 indicator: its score cannot be recomputed")
            return
        rec = Interval(band[0] * w, band[1] * w)
        if s.distance(rec) == 0:
            r.note(f"定性 indicator: 得分 {score.text} is within the P10 band {_span(rec)} for "
                   f"“{claim.words.get('actual_text', '')}”; not recomputable")
            return
        r.compare("score", s, rec, "分", _NO_MONEY)
        claim.explanation = (f"{name} (定性) actual “{claim.words.get('actual_text', '')}” against target "
                             f"“{claim.words.get('target_text', '')}” earns {_span(rec)} of {weight.text} under "
                             f"P10, but 得分 is {score.text}")
        return
    sense = claim.words.get("sense", ">=")
    formula = claim.words.get("reverse_formula", REVERSE_FORMULA)
    rec = indicator_score_range(sense, value_interval(target), value_interval(actual), w,
                                reverse_formula=formula)
    r.compare("score", s, rec, "分", _NO_MONEY)
    if s.distance(rec) > 0:
        rule = {">=": "正向 P6", "<=": f"反向 P7 ({formula})", "=": "等于 P8"}.get(sense, sense)
        claim.explanation = (f"{name}: target {target.text}, actual {actual.text}{target.unit and ' ' + target.unit}"
                             f" earn {_span(rec)} of 分值 {weight.text} ({rule}), but 得分 is {score.text}")


def _check_target_too_low(claim: Claim, r: Relations) -> None:
    """P9: actual / target of a 正向 indicator above the limit (the lowest ratio the prints allow)."""
    target, actual = claim.number("target"), claim.number("actual")
    if target is None or actual is None:
        return
    t, a = value_interval(target), value_interval(actual)
    if t.lo <= 0:
        r.note("a target of zero: no ratio")
        return
    limit = Fraction(claim.words.get("limit", str(TARGET_RATIO_LIMIT)))
    ratio = Interval(max(a.lo, Fraction(0)) / t.hi, max(a.hi, Fraction(0)) / t.lo)
    r.compare("ratio", Interval(Fraction(0), limit), ratio, "×", _NO_MONEY)
    if ratio.lo > limit:
        score, weight = claim.number("score"), claim.number("weight")
        scored = f"; scored {score.text}/{weight.text}" if score is not None and weight is not None else ""
        claim.explanation = (f"{claim.words.get('indicator', 'indicator')}: actual {actual.text} is "
                             f"{_f(ratio.lo, 1)}× the target {target.text}{' ' + target.unit if target.unit else ''} "
                             f"(limit {_f(limit)}×): the target looks set too low{scored} (P9)")


def _check_satisfaction(claim: Claim, r: Relations) -> None:
    """P11: a satisfaction indicator whose actual is 0 or blank has no survey behind it."""
    actual, target = claim.number("actual"), claim.number("target")
    name = claim.words.get("indicator", "satisfaction")
    if actual is not None and _frac(actual.text) != 0:
        iv = value_interval(actual)
        r.compare("actual", iv, iv, actual.unit, _NO_MONEY)
        return
    shown = actual.text if actual is not None else f"“{claim.words.get('actual_text', '')}”"
    if target is not None:
        r.compare("actual", exact(0), value_interval(target), target.unit, _NO_MONEY)
        against = f" against a target of {target.text}{target.unit}"
    else:
        r.compare("actual", exact(0), exact(1), "evidence", _NO_MONEY)
        against = ""
    claim.explanation = (f"{name}: actual recorded as {shown}{against} — usually no survey was done, "
                         f"so the score rests on no evidence (P11)")


def _check_shortfall(claim: Claim, r: Relations) -> None:
    """P12: 得分 below 分值 with no 偏差原因 printed."""
    score, weight = claim.number("score"), claim.number("weight")
    if score is None or weight is None:
        return
    s, w = score_interval(score), weight_interval(weight)
    if claim.words.get("reason", "").strip() or s.hi >= w.lo:
        r.compare("score", s, s, "分", _NO_MONEY)
        return
    r.compare("score", s, w, "分", _NO_MONEY)
    claim.explanation = (f"{claim.words.get('indicator', 'indicator')} scored {score.text} of {weight.text} "
                         f"but 偏差原因分析及改进措施 is blank (P12)")


def _check_cost(claim: Claim, r: Relations) -> None:
    """P17: a total-cost indicator's actual ≤ 全年执行数 (both in 万元)."""
    cost, actual = claim.number("cost"), claim.number("actual")
    if cost is None or actual is None:
        return
    c, a = cost.interval(), actual.interval()
    r.compare("cost", c, at_most(c, a), "万元")
    if c.lo > a.hi:
        claim.explanation = (f"{claim.words.get('indicator', '项目总成本')} actual {cost.text}{cost.unit} exceeds "
                             f"全年执行数 {actual.text}{actual.unit} (P17)")


def _check_qualitative_full(claim: Claim, r: Relations) -> None:
    """P19 (info): 定性 indicators scored full marks, Σ of their weights as the gap."""
    names = [n for n in claim.words.get("full_names", "").split("\n") if n]
    weights = claim.number_list("full_weights")
    minimum = int(claim.words.get("min_count", str(QUALITATIVE_FULL_MIN)))
    total = sum((weight_interval(w).lo for w in weights), Fraction(0))
    if len(names) < max(minimum, 1):
        r.compare("qualitative_full", exact(0), exact(0), "分", _NO_MONEY)
        return
    r.compare("qualitative_full", exact(0), exact(total), "分", _NO_MONEY)
    of = claim.words.get("qualitative_count", str(len(names)))
    claim.explanation = (f"{len(names)} of {of} 定性 indicators scored full marks ({_f(total)} points): "
                         f"{'、'.join(names[:4])}{'…' if len(names) > 4 else ''} (P19)")


# --------------------------------------------------------------------------------------------
# Narrative vs table


def _check_narrative_score(claim: Claim, r: Relations) -> None:
    narrative, table = claim.number("narrative"), claim.number("table")
    if narrative is None or table is None:
        return
    n, t = score_interval(narrative), score_interval(table)
    r.compare("total", n, t, "分", _NO_MONEY)
    if n.distance(t) > 0:
        claim.explanation = (f"the narrative says 自评得分 {narrative.text} (line {narrative.line}) but the "
                             f"table's 总分 is {table.text} (line {table.line}) (P16)")


def _check_narrative_funds(claim: Claim, r: Relations) -> None:
    problems = []
    for role, what, unit in (("budget", "全年预算数", "万元"), ("actual", "执行数", "万元"), ("rate", "执行率", "%")):
        n, t = claim.number(f"narrative_{role}"), claim.number(f"table_{role}")
        if n is None or t is None:
            continue
        ni, ti = (_rounded(n), _rounded(t)) if unit == "%" else (n.interval(), t.interval())
        r.compare(role, ni, ti, unit, _NO_MONEY if unit == "%" else Fraction(1))
        if ni.distance(ti) > 0:
            problems.append(f"{what} {n.text}{n.unit} (line {n.line}) vs table {t.text}{t.unit} (line {t.line})")
    if problems:
        claim.explanation = "the narrative contradicts the funds block: " + "; ".join(problems) + " (P16)"


def _check_grade(claim: Claim, r: Relations) -> None:
    score = claim.number("score")
    stated = _grade_name(claim.words.get("grade", ""))
    if score is None or not stated:
        return
    possible = grades_for(score_interval(score))
    r.compare("grade", exact(1), exact(1 if stated in possible else 0), "wording", _NO_MONEY)
    if stated not in possible:
        claim.explanation = (f"grade “{claim.words.get('grade')}” stated for a score of {score.text}, which "
                             f"earns {'/'.join(sorted(possible))} (P15: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60)")


_BY_RULE: dict[str, Callable[[Claim, Relations], None]] = {
    "performance.total": _check_total,
    "performance.total_missing": _check_total_missing,
    "performance.execution_score": _check_execution_score,
    "performance.weights": _check_weights,
    "performance.indicator_score": _check_indicator_score,
    "performance.target_too_low": _check_target_too_low,
    "performance.satisfaction_missing": _check_satisfaction,
    "performance.unexplained_shortfall": _check_shortfall,
    "performance.cost_exceeds_execution": _check_cost,
    "performance.qualitative_full": _check_qualitative_full,
    "performance.narrative_score": _check_narrative_score,
    "performance.narrative_funds": _check_narrative_funds,
    "performance.grade": _check_grade,
}

#: Checks of ``narrative``-kind claims, by rule (the kind is shared with other readers).
NARRATIVE_CHECKS: dict[str, Callable[[Claim, Relations], None]] = {
    rule: _BY_RULE[rule] for rule in ("performance.narrative_score", "performance.narrative_funds",
                                      "performance.grade")
}


def check_performance(claim: Claim, r: Relations) -> None:
    """Check a ``perf_score``/``perf_indicator`` claim by its rule (unknown rules stay uncheckable)."""
    fn = _BY_RULE.get(claim.rule)
    if fn is not None:
        fn(claim, r)
