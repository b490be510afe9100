"""The disclosure checklist and section numbering: flagged in a whole disclosure, never in an excerpt."""

from __future__ import annotations

from juesuan.checks import check_claims
from juesuan.claims import Verdict
from juesuan.extract.completeness import CHECKLIST, completeness_claims

WHOLE = [
    "第一部分 部门概况", "一、主要职能", "第二部分 部门决算情况说明", "一、收入支出决算总体情况说明", "二、收入决算情况说明",
    "三、支出决算情况说明", "四、财政拨款收入支出决算总体情况说明", "五、一般公共预算财政拨款支出决算情况说明",
    "（一）一般公共服务（类）", "（二）社会保障和就业支出（类）", "六、一般公共预算财政拨款基本支出决算情况说明", "七、一般公共预算财政拨款项目支出决算情况说明",
    "八、财政拨款“三公”经费支出决算情况说明", "九、政府性基金预算财政拨款支出决算情况说明",
    "十、国有资本经营预算财政拨款支出决算情况说明", "十一、机关运行经费支出决算情况说明", "十二、政府采购支出决算情况说明",
    "十三、国有资产占用情况说明", "十四、预算绩效情况说明", "第三部分 名词解释",
]


def _judged(lines: list[str]):
    return check_claims(completeness_claims(tuple(lines)))


def test_a_complete_disclosure_has_every_item_present():
    claims = [c for c in _judged(WHOLE) if c.rule == "completeness.section_present"]
    assert len(claims) == len(CHECKLIST)
    assert all(c.verdict == Verdict.CONSISTENT for c in claims)


def test_a_missing_section_is_flagged():
    lines = [ln for ln in WHOLE if "政府采购" not in ln]
    missing = [c for c in _judged(lines) if c.verdict == Verdict.INCONSISTENT and c.rule == "completeness.section_present"]
    assert [c.words["item"] for c in missing] == ["政府采购支出决算情况"]


def test_a_numbering_gap_is_flagged_and_a_restart_is_not():
    gap = [ln if ln != "（二）社会保障和就业支出（类）" else "（三）社会保障和就业支出（类）" for ln in WHOLE]
    flagged = [c for c in _judged(gap) if c.rule == "completeness.numbering"]
    assert [(c.words["expected"], c.words["found"]) for c in flagged] == [("2", "3")]
    assert flagged[0].verdict == Verdict.INCONSISTENT
    # the seed's 第一部分 restarts at 一、 inside 三、 (a sub-report): a new list, not a gap
    restart = WHOLE[:2] + ["二、部门机构设置", "三、2024年度部门主要工作完成情况", "一、强化队伍建设", "二、主动谋事做事"] + WHOLE[2:]
    assert not [c for c in _judged(restart) if c.rule == "completeness.numbering"]


def test_an_excerpt_is_not_held_to_the_checklist():
    excerpt = ["二、2021年“三公”经费决算情况", "2021年度“三公”经费合计支出20.12万元。"]
    assert completeness_claims(tuple(excerpt)) == []
