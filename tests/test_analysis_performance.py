"""Performance analysis: each self-evaluation table's funds path, score and indicators recomputed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from juesuan.analysis import (
    FUNDS_PATH_COLUMNS,
    INDICATOR_ANALYSIS_COLUMNS,
    QUALITATIVE_COLUMNS,
    SCORE_COLUMNS,
    performance_analysis,
)
from juesuan.analysis.performance import grade_of
from juesuan.claims import Printed
from juesuan.extract.performance import FundsRow, Indicator, NarrativeStatement, PerformanceTables, Project
from juesuan.params import load_params

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params" / "songshan-gov-office.yaml"


def _p(text: str, unit: str = "", line: int = 10) -> Printed:
    return Printed(text, unit, line)


def _ind(name: str, nature: str, sense: str, target: str, actual: str, unit: str, weight: str, score: str,
         level1: str = "产出指标", level2: str = "数量指标", reason: str = "") -> Indicator:
    numeric = nature not in ("定性",)
    return Indicator(level1, level2, name, nature, sense, target, actual, unit,
                     target=_p(target, unit) if numeric else None, actual=_p(actual, unit) if numeric else None,
                     weight=_p(weight), score=_p(score), reason=reason, line=20, quote=f"{name} | {target} | {actual}")


def _project(*, total: str | None = "100", funds_weight: str | None = "10", initial: str = "90", budget: str = "53.27",
             actual: str = "53.27", indicators: list[Indicator] | None = None, statements=()) -> Project:
    funds = [FundsRow("年度资金总额", "total", budget_initial=_p(initial, "万元"), budget=_p(budget, "万元"),
                      actual=_p(actual, "万元"), weight=_p(funds_weight) if funds_weight else None,
                      rate=_p("100"), score=_p(funds_weight) if funds_weight else None, line=12, quote="年度资金总额")]
    inds = indicators if indicators is not None else [
        _ind("举办重要活动次数", "正向", ">=", "1", "2.00", "次", "30", "30"),
        _ind("项目总支出", "反向", "<=", "90", "53.27", "万元", "20", "20", level2="成本指标"),
        _ind("促进社会经济发展", "定性", "", "促进", "促进", "", "30", "30", level1="效益指标", level2="社会效益指标"),
        _ind("工作人员满意度", "正向", ">=", "90", "0", "%", "10", "0", level1="满意度指标", level2="服务对象满意度指标"),
    ]
    return Project(name="区政府重要活动保障经费", name_source="table", funds=funds, indicators=inds,
                   total_weight=_p("100") if total else None, total_score=_p(total, "", 40) if total else None,
                   total_line=40 if total else 0, total_quote=f"总分 | 100 | {total}" if total else "",
                   line=10, last_line=40, statements=list(statements))


def test_frames_have_the_documented_columns():
    a = performance_analysis(PerformanceTables([_project()]))
    assert tuple(a.funds.columns) == FUNDS_PATH_COLUMNS
    assert tuple(a.scores.columns) == SCORE_COLUMNS
    assert tuple(a.indicators.columns) == INDICATOR_ANALYSIS_COLUMNS
    assert tuple(a.qualitative.columns) == QUALITATIVE_COLUMNS


def test_no_tables_give_empty_frames():
    a = performance_analysis(PerformanceTables())
    assert a.funds.empty and a.scores.empty and a.indicators.empty and a.qualitative.empty


def test_funds_path_shows_a_cut_budget_executed_in_full():
    f = performance_analysis(PerformanceTables([_project()])).funds.iloc[0]
    assert (f.budget_initial_wan, f.budget_wan, f.actual_wan, f.adjustment_wan, f.unspent_wan) == (
        90.0, 53.27, 53.27, -36.73, 0.0)
    assert f.execution_pct == 100.0 and f.cut_then_full
    g = performance_analysis(PerformanceTables([_project(initial="6", budget="6", actual="1.68")])).funds.iloc[0]
    assert (g.execution_pct, g.unspent_wan, g.cut_then_full) == (28.0, 4.32, False)


def test_claimed_score_against_the_score_recomputed_from_the_table():
    # 10 (execution) + 30 + 20 + 30 (定性 达成: 80–100% of 30) + 0 (satisfaction 0) = 90, printed 总分 100
    s = performance_analysis(PerformanceTables([_project(total="100")])).scores.iloc[0]
    assert (s.claimed_score, s.claimed_source, s.parts_score) == (100.0, "总分", 90.0)
    assert (s.execution_recomputed, s.indicators_recomputed, s.recomputed_score, s.gap) == (10.0, 80.0, 90.0, 10.0)
    assert (s.claimed_grade, s.grade_stated, s.recomputed_grade) == ("优", False, "优")


def test_execution_score_follows_the_rate_and_its_weight():
    s = performance_analysis(PerformanceTables([_project(initial="6", budget="6", actual="1.68", total="82.8")]))
    row = s.scores.iloc[0]
    assert row.execution_recomputed == pytest.approx(2.8)  # 28% × 10 (P4)
    assert row.recomputed_score == pytest.approx(82.8) and row.gap == 0


def test_without_a_total_row_the_narrative_score_is_the_claim():
    st = NarrativeStatement("区政府重要活动保障项目", "summary", 153, "项目自评得分95分。", score=_p("95", "分", 153),
                            grade="良好")
    s = performance_analysis(PerformanceTables([_project(total=None, statements=[st])])).scores.iloc[0]
    assert (s.claimed_score, s.claimed_source, s.line) == (95.0, "自评综述", 153)
    assert (s.claimed_grade, s.grade_stated, s.recomputed_grade) == ("良", True, "优")


def test_indicator_achievement_and_targets_set_too_low():
    ind = performance_analysis(PerformanceTables([_project()]), target_ratio_limit=1.5).indicators.set_index("indicator")
    assert ind.loc["举办重要活动次数", ["achievement", "target_too_low", "kind"]].tolist() == [2.0, True, "定量"]
    assert ind.loc["项目总支出", "achievement"] == pytest.approx(90 / 53.27, abs=1e-4)  # 反向: target / actual
    assert not ind.loc["项目总支出", "target_too_low"]  # P9 is about 正向 targets
    assert math.isnan(ind.loc["促进社会经济发展", "achievement"])
    assert ind.loc["工作人员满意度", ["kind", "achievement", "recomputed_score"]].tolist() == ["满意度", 0.0, 0.0]
    looser = performance_analysis(PerformanceTables([_project()]), target_ratio_limit=3).indicators
    assert not looser["target_too_low"].any()


def test_the_reverse_formula_comes_from_params():
    over = [_ind("项目总成本", "反向", "<=", "6", "8", "万元", "10", "7.5", level2="成本指标")]
    for formula, expected in (("ratio", 7.5), ("deviation", 10 * (1 - 2 / 6)), ("binary", 0.0)):
        a = performance_analysis(PerformanceTables([_project(indicators=over)]), reverse_formula=formula)
        assert a.indicators.iloc[0]["recomputed_score"] == pytest.approx(expected, abs=1e-4)
        assert a.reverse_formula == formula


def test_qualitative_and_satisfaction_indicators_with_their_evidence():
    st = NarrativeStatement("区政府重要活动保障项目", "summary", 153,
                            "项目绩效目标完成情况：保障全区重要活动。实际完成慰问10家单位，促进了社会经济发展。")
    q = performance_analysis(PerformanceTables([_project(statements=[st])])).qualitative.set_index("indicator")
    assert list(q.index) == ["促进社会经济发展", "工作人员满意度"]
    assert q.loc["促进社会经济发展", "kind"] == "定性"
    assert q.loc["促进社会经济发展", "evidence"] == "实际完成慰问10家单位，促进了社会经济发展。"
    assert q.loc["促进社会经济发展", "concern"] == "满分，依据仅为文字描述"
    assert q.loc["工作人员满意度", "concern"].startswith("实际值为 0")


def test_grade_bands():
    assert [grade_of(x) for x in (100, 90, 89.99, 80, 60, 59.9)] == ["优", "优", "良", "良", "中", "差"]
    assert grade_of(float("nan")) == ""


def test_the_seed():
    from juesuan.audit import audit_document

    result = audit_document(load_params(PARAMS))
    a = result.performance
    scores = a.scores.set_index("project")
    assert scores.loc["法律顾问经费项目", ["claimed_score", "recomputed_score", "gap"]].tolist() == [100.0, 90.0, 10.0]
    assert scores.loc["区政府门户网站维护经费", ["claimed_score", "claimed_source", "recomputed_score"]].tolist() == [
        92.8, "自评综述", 92.8]
    assert (scores["gap"].abs() < 0.05).sum() == 4
    funds = a.funds.set_index("project")
    assert funds.loc["区政府重要活动保障经费", "adjustment_wan"] == -36.73
    assert funds.loc["区政府门户网站维护经费", "execution_pct"] == 28.0
    too_low = a.indicators[a.indicators["target_too_low"]]["indicator"].tolist()
    assert too_low == ["举办重要活动次数", "慰问值守单位", "档案整理页数", "档案录入条数"]
    assert a.indicators.set_index("indicator").loc["档案录入条数", "achievement"] == 40.0
    zero = a.qualitative[a.qualitative["concern"].str.startswith("实际值为 0")]
    assert zero[["project", "indicator"]].values.tolist() == [["区政府重要活动保障经费", "工作人员满意度"]]
