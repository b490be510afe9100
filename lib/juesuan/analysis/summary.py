"""Findings in plain Chinese: one sentence per finding, the top findings, and the conclusion.

Findings carry an English ``message`` with every number (for scripts and for auditors who
rerun the notebook). A reviewer reading the report needs the same facts as a sentence in
Chinese: :func:`finding_sentence` writes one from the claim the finding rests on,
:func:`top_findings` ranks them for the summary (restatements of one problem in another
section collapse into one row), and :func:`conclusion` writes the summary's paragraph. All
text returned here is plain text; :mod:`juesuan.report` escapes it.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import pandas as pd

from ..claims import Claim, Verdict

if TYPE_CHECKING:
    from ..audit import AuditResult
    from ..findings import Finding

__all__ = ["MERGED_RULES", "RULE_TITLES", "SEVERITY_NAMES", "TOP_COLUMNS", "conclusion", "finding_sentence",
           "rule_title", "sentences", "top_findings"]

#: Chinese name of every rule the suites judge (the report's 规则 column); unknown ids show as is.
RULE_TITLES: dict[str, str] = {
    "arithmetic.sum": "合计与分项不符",
    "arithmetic.share": "占比与金额不符",
    "arithmetic.yoy": "同比增减额或增减率不符",
    "arithmetic.execution": "预算完成率不符",
    "arithmetic.budget_diff": "与年初预算的差额不符",
    "arithmetic.direction": "增减方向与数字不符",
    "arithmetic.cross_ref": "同一数字前后不一",
    "completeness.section_present": "缺少规定公开的内容",
    "completeness.numbering": "标题编号不连续",
    "cross_reference.vehicle_count": "公务用车数量前后矛盾",
    "cross_reference.vehicle_running_cost": "公务用车运行维护费前后矛盾",
    "cross_reference.performance_coverage": "绩效自评覆盖率与金额不符",
    "cross_reference.social_insurance": "社保缴费与功能科目不一致",
    "observation.low_execution": "预算执行率偏低",
    "observation.unimplemented": "预算项目未实施",
    "observation.budget_cut_execution": "先调减预算再全额执行",
    "performance.total": "自评总分与分项得分不符",
    "performance.total_missing": "自评表缺少总分",
    "performance.execution_rate": "自评表执行率不符",
    "performance.execution_score": "预算执行得分不符",
    "performance.weights": "自评分值合计不是 100",
    "performance.indicator_score": "指标得分与完成值不符",
    "performance.narrative_score": "自评综述得分与表不符",
    "performance.narrative_funds": "自评综述资金与表不符",
    "performance.grade": "自评等级与得分不符",
    "performance.target_too_low": "绩效目标设定偏低",
    "performance.satisfaction_missing": "满意度缺少调查依据",
    "performance.unexplained_shortfall": "失分未说明原因",
    "performance.cost_exceeds_execution": "成本指标高于执行数",
    "performance.qualitative_full": "定性指标全部满分",
    "structure.functional_sum": "功能分类“类”与“项”合计不符",
    "structure.basic_split": "基本支出与人员经费、公用经费不符",
    "structure.sangong": "“三公”经费合计与分项不符",
    "structure.vehicles": "车辆合计与分类不符",
    "structure.procurement_sme": "政府采购中小企业金额前后矛盾",
    "structure.procurement_small_le_sme": "小微企业金额超过中小企业金额",
    "structure.running_costs_le_public": "机关运行经费超过公用经费",
    "variance.unexplained": "变动原因未解释全部差异",
    "wording.opposite_directions": "增减额与增减率方向相反",
    "wording.change_sign": "“增加/减少”与数字方向相反",
    "wording.execution_direction": "“大于/小于预算”与执行率矛盾",
}
#: ``error``/``warning``/``info`` in the report's words.
SEVERITY_NAMES: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
#: Columns of :func:`top_findings`: ``ids`` the findings one row stands for (F001,F002),
#: ``severity``, ``rule``, ``title`` (:data:`RULE_TITLES`), ``sentence`` (:func:`finding_sentence`),
#: ``amount_wan``, ``lines`` (every source line, comma-joined), ``inconsistent`` (the printed
#: numbers cannot all hold, as opposed to an observation about numbers that do).
TOP_COLUMNS: tuple[str, ...] = ("ids", "severity", "rule", "title", "sentence", "amount_wan", "lines",
                                "inconsistent")

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def rule_title(rule: str) -> str:
    """The Chinese name of a rule id, or the id itself when it has none."""
    return RULE_TITLES.get(rule, rule)


def _n(x: float | None) -> str:
    """An amount or score as a reader writes it: 2 decimals at most, no trailing zeros."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _mid(claim: Claim, role: str) -> float | None:
    rec = claim.recomputed.get(role)
    return (rec[0] + rec[1]) / 2 if rec else None


_GENERIC = re.compile(r"^(?:执行数|全年执行数|支出决算|决算|决算数|支出|年初预算|预算数?|全年预算数?)$")


def _subject(claim: Claim, lines: tuple[str, ...] = ()) -> str:
    """What a claim is about, in a few words: an item label, else the head of its source line."""
    for role in ("actual", "current", "total", "part", "budget"):
        p = claim.number(role)
        if p is not None and p.label:
            label = re.sub(r"^.*\d{4}\s*年度?", "", p.label).strip(" ,，:：")
            label = re.sub(r"(?:决算数?|全年预算数?|年初预算数?|为|均)$", "", label)
            if 2 <= len(label) <= 30 and not _GENERIC.match(label):
                return label
    if 0 < claim.line <= len(lines):
        head = re.split(r"[:：,，。]", lines[claim.line - 1].strip(), maxsplit=1)[0]
        head = re.sub(r"^(?:\d+\s*[.．、]|[(（][一二三四五六七八九十\d]+[)）])", "", head)
        head = re.sub(r"(?:项目)?(?:绩效)?自评综述$", "", head).strip()
        if 2 <= len(head) <= 30:
            return head
    section = re.sub(r"^[一二三四五六七八九十]+、", "", claim.section)
    section = re.sub(r"情况说明.*$", "", section)
    return section[:30]


def _indicator(claim: Claim) -> str:
    return claim.words.get("indicator", "") or _subject(claim)


def finding_sentence(finding: Finding, claim: Claim | None, *, basis: str = "", subject: str = "") -> str:
    """One plain-Chinese sentence saying what is wrong, with the numbers that show it.

    ``basis`` says what a variance is measured against (``预算`` or ``上年``, from
    ``VarianceAnalysis.explained``); ``subject`` names the budget line an execution rate is
    about (from ``VarianceAnalysis.lines``). Other rules ignore them.
    """
    rule = finding.rule
    if claim is None:
        return f"{rule_title(rule)}：{finding.message}"
    project = claim.section
    if rule == "structure.procurement_sme":
        total, implied = claim.number("total"), _mid(claim, "total")
        return (f"政府采购授予中小企业合同金额前后矛盾，文本写 {total.text if total else '—'} 万元，"
                f"按货物、工程、服务各类采购中授予中小企业的比例推算应为 {_n(implied)} 万元，"
                f"相差约 {_n(finding.amount_wan)} 万元")
    if rule == "variance.unexplained":
        total, parts = claim.number("total"), claim.number_list("parts")
        explained = sum(float(p.interval().mid) for p in parts)
        variance = float(total.interval().mid) if total else math.nan
        rest = variance - explained
        direction = "增加" if claim.quote.lstrip().startswith("增加") else "减少"
        what = {"预算": f"与年初预算相比{direction}的", "上年": f"与上年相比{direction}的"}.get(basis, "")
        if rest >= 0:
            return (f"{what} {_n(variance)} 万元中，文本列出的 {len(parts)} 项原因合计 {_n(explained)} 万元，"
                    f"其余 {_n(rest)} 万元没有说明原因").lstrip()
        return (f"{what} {_n(variance)} 万元，文本列出的原因合计 {_n(explained)} 万元，"
                f"比差异还多出 {_n(-rest)} 万元").lstrip()
    if rule == "observation.low_execution":
        rate = claim.observed
        return (f"{subject or _subject(claim)}预算执行率仅 {_n(rate)}%，{_n(claim.at_stake_wan)} 万元预算未使用，"
                "需要具体说明原因")
    if rule == "observation.unimplemented":
        budget = claim.number("budget")
        return f"{claim.words.get('project', _subject(claim))}预算 {budget.text if budget else '—'} 万元，年内未实施"
    if rule == "observation.budget_cut_execution":
        b0, b = claim.number("budget_initial"), claim.number("budget")
        return (f"{project}年初预算 {b0.text if b0 else '—'} 万元，年中调减为 {b.text if b else '—'} 万元后全部执行，"
                "100% 的执行率并不说明项目按计划完成")
    if rule == "performance.total":
        total = claim.number("total")
        scores = [p.value for p in claim.number_list("scores") + claim.number_list("loose_scores")]
        ex = claim.number("execution_score")
        parts = sum(scores) + (ex.value if ex is not None else 0.0)
        return (f"{project}自评表总分 {_n(total.value) if total else '—'} 分，而预算执行得分与各指标得分合计为 "
                f"{_n(parts)} 分")
    if rule == "performance.weights":
        weights = [p.value for p in claim.number_list("weights")]
        ew = claim.number("execution_weight")
        total = sum(weights) + (ew.value if ew is not None else 0.0)
        return f"{project}自评表各项分值合计 {_n(total)} 分，不是 100 分"
    if rule == "performance.cost_exceeds_execution":
        cost, actual = claim.number("cost"), claim.number("actual")
        return (f"{project}的“{_indicator(claim)}”实际 {cost.text if cost else '—'} 万元，"
                f"高于全年执行数 {actual.text if actual else '—'} 万元")
    if rule == "performance.target_too_low":
        t, a = claim.number("target"), claim.number("actual")
        ratio = a.value / t.value if a and t and t.value else math.nan
        return (f"{project}的“{_indicator(claim)}”实际完成 {a.text if a else '—'}，是指标值 {t.text if t else '—'} 的 "
                f"{ratio:.3g} 倍，目标设定偏低却得满分")
    if rule == "performance.satisfaction_missing":
        return f"{project}的“{_indicator(claim)}”实际值记为 0 或空白，可能未开展满意度调查，得分没有依据"
    if rule == "performance.unexplained_shortfall":
        return f"{project}的“{_indicator(claim)}”失分，但未填写偏差原因分析及改进措施"
    if rule == "performance.total_missing":
        return f"{project}自评表没有总分行，只能以自评综述中的得分代替"
    if rule == "performance.qualitative_full":
        n = len(claim.words.get("full_names", "").splitlines())
        return f"{project}的 {n} 个定性指标全部满分，没有量化的完成值作依据"
    if rule == "completeness.numbering":
        return f"标题编号不连续：“{claim.quote.strip()[:30]}”之前缺少一个编号"
    if rule == "completeness.section_present":
        return f"缺少规定公开的内容：{claim.words.get('item', claim.reported().get('item', ''))}"
    return f"{rule_title(rule)}：{_subject(claim)}"


def sentences(result: AuditResult) -> dict[str, str]:
    """Finding id → :func:`finding_sentence`, with what the analyses know about each claim."""
    claims = {c.id: c for c in result.claims}
    bases = result.variance.basis_of()
    lines = result.variance.lines
    items = {int(ln): f"{item}（项）" for ln, item in zip(lines["line"], lines["item"], strict=True)}
    doc_lines = tuple(result.document.lines)
    out = {}
    for f in result.findings:
        claim = claims.get(f.claim_ids[0]) if f.claim_ids else None
        subject = items.get(f.line, "") or (_subject(claim, doc_lines) if claim is not None else "")
        out[f.id] = finding_sentence(f, claim, basis=bases.get(claim.id, "") if claim else "", subject=subject)
    return out


def _same_problem(a: Finding, b: Finding) -> bool:
    """The same finding restated in another section (same rule, amount and quote)."""
    return a.rule == b.rule and abs(a.amount_wan - b.amount_wan) < 0.005 and a.quote[:60] == b.quote[:60]


#: Rules whose findings repeat one pattern over many lines; :func:`top_findings` can show each as one row.
MERGED_RULES: dict[str, str] = {
    "observation.low_execution": "另有 {n} 处预算执行率低于阈值",
    "performance.target_too_low": "另有 {n} 个指标的目标同样设定偏低",
    "performance.qualitative_full": "另有 {n} 个项目的定性指标同样全部满分",
}


def top_findings(result: AuditResult, n: int | None = 8, *, merge: bool = False) -> pd.DataFrame:
    """The findings ranked by severity, then amount (columns :data:`TOP_COLUMNS`).

    Restatements of one problem (same rule, amount and quote) are one row. With ``merge``, the
    findings of each rule in :data:`MERGED_RULES` become one row too: the largest one's sentence
    and how many more there are.
    """
    claims = {c.id: c for c in result.claims}
    said = sentences(result)
    groups: list[list[Finding]] = []
    for f in result.findings:
        for g in groups:
            if _same_problem(g[0], f) or (merge and f.rule in MERGED_RULES and g[0].rule == f.rule):
                g.append(f)
                break
        else:
            groups.append([f])
    rows = []
    for g in groups:
        f = g[0]
        claim = claims.get(f.claim_ids[0]) if f.claim_ids else None
        sentence = said[f.id]
        distinct = [x for i, x in enumerate(g) if not any(_same_problem(y, x) for y in g[:i])]
        if merge and f.rule in MERGED_RULES and len(distinct) > 1:
            sentence += "；" + MERGED_RULES[f.rule].format(n=len(distinct) - 1)
        rows.append({
            "ids": ",".join(x.id for x in g), "severity": f.severity, "rule": f.rule, "title": rule_title(f.rule),
            "sentence": sentence, "amount_wan": f.amount_wan,
            "lines": ",".join(dict.fromkeys(str(x.line) for x in g if x.line)),
            "inconsistent": claim is not None and claim.verdict == Verdict.INCONSISTENT
                             and not f.rule.startswith("observation."),
        })
    rows.sort(key=lambda r: (_SEVERITY_RANK.get(str(r["severity"]), 9), -float(r["amount_wan"])))
    frame = pd.DataFrame(rows, columns=list(TOP_COLUMNS))
    return frame if n is None else frame.head(n)


def _lines_text(lines: str) -> str:
    parts = [x for x in lines.split(",") if x]
    if not parts:
        return ""
    if len(parts) == 1:
        return f"（第 {parts[0]} 行）"
    return f"（第 {parts[0]} 行，第 {'、'.join(parts[1:])} 行重复）"


_ORDINALS = "一二三四五六七八九十"


def conclusion(result: AuditResult, *, largest: int = 2) -> str:
    """The summary's paragraph: what was checked, the largest problems by name, what else to read.

    The largest problems are the findings whose printed numbers cannot all hold (not the
    observations about numbers that do), with money at stake, ranked by severity and amount.
    """
    s = result.summary
    name = str(result.department.get("name") or "")
    year = result.department.get("year")
    consistent = sum(c.verdict == Verdict.CONSISTENT for c in result.claims)
    info = sum(f.severity == "info" for f in result.findings)
    head = f"{name}{f' {year} 年度' if year else ''}决算公开文本中，" if name else "本决算公开文本中，"
    text = (f"{head}共识别出 {s['claims']} 项可以核对的数字关系：{consistent} 项一致，"
            f"{s['inconsistent']} 项在四舍五入允许的范围内仍不成立，{s['uncheckable']} 项因缺少基数无法核对；"
            f"据此列出 {s['errors']} 个错误、{s['warnings']} 个警告和 {info} 条提示。")
    if not result.findings:
        return text + "未发现需要说明或更正的问题。"
    top = top_findings(result, None)
    merged = top_findings(result, None, merge=True)
    money = top[top["inconsistent"] & (top["amount_wan"] > 0.005) & (top["severity"] != "info")]
    money = money.head(largest)
    if len(money) == 1:
        row = money.iloc[0]
        text += f"最大的问题是{row.sentence}{_lines_text(row.lines)}。"
    elif len(money):
        items = [f"{_ORDINALS[i]}是{row.sentence}{_lines_text(row.lines)}"
                 for i, row in enumerate(money.itertuples(index=False))]
        count = "两" if len(items) == 2 else _ORDINALS[len(items) - 1]
        text += f"最大的问题有{count}处：" + "；".join(items) + "。"
    rest = top[top["inconsistent"] & ~top.index.isin(money.index) & (top["severity"] == "error")]
    if len(rest):
        text += "此外，" + "；".join(f"{row.sentence}{_lines_text(row.lines)}" for row in rest.head(3).itertuples()) + "。"
    observations = merged[merged["rule"].str.startswith("observation.")].head(2)
    if len(observations):
        notes = [f"{row.sentence}{_lines_text(row.lines) if ',' not in row.lines else ''}"
                 for row in observations.itertuples()]
        text += "预算执行方面，" + "；".join(notes) + "。"
    return text
