"""项目支出绩效自评表: rows rebuilt from both layouts, and every performance rule's should / should-not.

Each rule gets a minimal inline table that must trigger it and a near-identical one that must
not, in both printed layouts: one cell per line (tab-indented, rows separated by blank lines,
as in the seed) and one row per line with ``" | "`` between cells (web pages, .docx).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from juesuan.checks import check_claims
from juesuan.claims import Verdict
from juesuan.extract.performance import (
    FUNDS_COLUMNS,
    INDICATOR_COLUMNS,
    PROJECT_COLUMNS,
    PerformanceTables,
    read_performance,
    read_performance_lines,
)
from juesuan.ingest import normalise_line, read_document
from juesuan.intervals import exact
from juesuan.scoring import RULES, grades_for, indicator_score_range, qualitative_band

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "songshan-gov-office" / "2024.txt"
LAYOUTS = ("cells", "pipe")

# (一级, 二级, 三级, 性质, 方向, 指标值, 完成值, 单位, 分值, 得分, 偏差原因): Σ 分值 90, all full.
INDICATORS = [
    ("产出指标", "数量指标", "培训人数", "正向", "大于等于", "100", "100.00", "人", "30", "30", ""),
    ("产出指标", "成本指标", "项目总成本", "反向", "小于等于", "10", "10.00", "万元", "20", "20", ""),
    ("效益指标", "社会效益指标", "服务水平", "定性", "", "提升", "提升", "", "30", "30", ""),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "正向", "大于等于", "90", "95.00", "%", "10", "10", ""),
]
_SYMBOL = {"大于等于": "≥", "小于等于": "≤", "等于": "="}


def _table(layout: str, *, name: str = "测试培训", budget: str = "10", actual: str = "10",
           rate: str = "100", exec_weight: str = "10", exec_score: str = "10",
           indicators: list[tuple[str, ...]] | None = None, total: tuple[str, str] | None = ("100", "100.00"),
           narrative: str | None = "", funds_unit: str = "万元", tail: str = "(三)部门项目绩效评价结果。") -> list[str]:
    """Raw lines of a narrative line (unless None) and one self-evaluation table in ``layout``."""
    inds = INDICATORS if indicators is None else indicators
    if narrative == "":
        narrative = (f"1.{name}项目自评综述:根据年初设定的绩效目标,项目自评得分{total[1] if total else '100'}分。"
                     f"全年预算数为{budget}万元,执行数为{actual}万元,完成预算的{rate}%。")
    rows: list[list[str]] = [["项目支出绩效自评表\n(2024年度)"], ["项目名称", name],
                             ["主管部门", "测试局(部门)", "实施单位", "测试局"]]
    if layout == "cells":
        rows.append([f"项目资金\n({funds_unit})", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分"])
        rows.append(["", "年度资金总额", budget, budget, actual, exec_weight, rate, exec_score])
        rows.append(["", "其中:财政拨款", budget, budget, actual, "——", rate, "——"])
        rows.append(["", "上年结转资金", "", "", "", "——", "", "——"])
        rows.append(["年度总体目标", "预期目标", "实际完成情况"])
        rows.append(["", "完成培训。", "已完成培训。"])
        rows.append(["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "年度指标值", "实际完成值",
                     "计量单位", "分值", "得分", "偏差原因分析及改进措施"])
        prev = ("", "")
        for k, (l1, l2, n, nat, d, t, a, u, w, s, why) in enumerate(inds):
            c1 = "" if l1 == prev[0] else l1            # merged cells print once: carried down
            c2 = "" if (l1, l2) == prev else l2
            rows.append(["绩效指标" if k == 0 else "", c1, c2, n, nat, d, t, a, u, w, s, why or "\u3000"])
            prev = (l1, l2)
        if total:
            rows.append(["总分", total[0], total[1], "\u3000"])
        out = [narrative] if narrative is not None else []
        for row in rows:
            out.append("")
            for cell in row:
                first, _, cont = cell.partition("\n")
                out.append("\t" + first)
                if cont:
                    out.append(cont)
        return out + ["", tail]
    rows.append(["预算执行情况(10分)", f"年度预算数({funds_unit})", "年初预算", "调整后预算数", "预算执行数", "预算执行率",
                 "权重", "得分", "原因"])
    rows.append(["总额", budget, budget, actual, f"{rate}%", exec_weight, exec_score, ""])
    rows.append(["其中:财政资金", budget, budget, actual, f"{rate}%", "/", "/", ""])
    rows.append(["绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重",
                 "得分", "未完成原因分析"])
    for l1, l2, n, nat, d, t, a, u, w, s, why in inds:
        rows.append([l1, l2, n, _SYMBOL.get(d, nat), t, u, a, w, s, why])
    if total:
        rows.append(["总分", total[0], total[1]])
    lines = [" | ".join(c.replace("\n", "") for c in row) + " |" for row in rows]
    return ([narrative] if narrative is not None else []) + lines + [tail]


def _read(raw: list[str]) -> PerformanceTables:
    return read_performance_lines([normalise_line(r) for r in raw], raw)


def _verdicts(raw: list[str], **params: object) -> dict[str, set[str]]:
    """rule → the verdicts its claims got."""
    out: dict[str, set[str]] = {}
    for c in check_claims(_read(raw).claims(**params)):
        out.setdefault(c.rule, set()).add(str(c.verdict))
    return out


def _flagged(raw: list[str], **params: object) -> set[str]:
    return {rule for rule, vs in _verdicts(raw, **params).items() if "inconsistent" in vs}


def _with(row: int, **changes: str) -> list[tuple[str, ...]]:
    """INDICATORS with row ``row`` changed (keys: target, actual, unit, weight, score, reason, …)."""
    keys = ("level1", "level2", "name", "nature", "direction", "target", "actual", "unit", "weight", "score",
            "reason")
    out = [list(r) for r in INDICATORS]
    for k, v in changes.items():
        out[row][keys.index(k)] = v
    return [tuple(r) for r in out]


# --------------------------------------------------------------------------------------------
# Rows: one model for both layouts


@pytest.mark.parametrize("layout", LAYOUTS)
def test_both_layouts_read_the_same_rows(layout):
    t = _read(_table(layout))
    assert [p.name for p in t.projects] == ["测试培训"]
    p = t.projects[0]
    assert (p.department, p.implementing_unit, p.name_source) == ("测试局(部门)", "测试局", "table")
    ind = t.indicators_frame()
    assert list(ind.columns) == list(INDICATOR_COLUMNS)
    assert ind[["level1", "level2", "level3", "nature", "direction", "target", "actual", "unit", "weight",
                "score"]].values.tolist() == [
        ["产出指标", "数量指标", "培训人数", "正向", "大于等于", "100", "100.00", "人", 30.0, 30.0],
        ["产出指标", "成本指标", "项目总成本", "反向", "小于等于", "10", "10.00", "万元", 20.0, 20.0],
        ["效益指标", "社会效益指标", "服务水平", "定性", "", "提升", "提升", "", 30.0, 30.0],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "正向", "大于等于", "90", "95.00", "%", 10.0, 10.0],
    ]
    assert ind["qualitative"].tolist() == [False, False, True, False]
    proj = t.projects_frame()
    assert list(proj.columns) == list(PROJECT_COLUMNS)
    assert proj.loc[0, ["budget", "actual", "execution_rate_pct", "execution_weight", "execution_score",
                        "indicator_weight", "total_score", "narrative_score", "n_indicators"]].tolist() == \
        [10.0, 10.0, 100.0, 10.0, 10.0, 90.0, 100.0, 100.0, 4]
    funds = t.funds_frame()
    assert list(funds.columns) == list(FUNDS_COLUMNS)
    assert funds["kind"].tolist()[:2] == ["total", "fiscal"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_row_carries_its_source_line(layout):
    raw = _table(layout)
    t = _read(raw)
    for line, name in zip(t.indicators_frame()["line"], t.indicators_frame()["level3"]):
        window = "".join(raw[line - 1:line + 4])
        assert name in window
    assert "总分" in raw[t.projects[0].total_line - 1] or "总分" in raw[t.projects[0].total_line]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_consistent_table_raises_nothing(layout):
    v = _verdicts(_table(layout))
    assert not {r for r, vs in v.items() if "inconsistent" in vs} - {"performance.qualitative_full"}
    assert v["performance.total"] == {"consistent"}
    assert v["performance.indicator_score"] >= {"consistent"}
    assert set(v) <= set(RULES)


def test_unnamed_table_takes_its_name_from_the_narrative_by_funds():
    raw = _table("cells", name="法律顾问经费")
    raw = [ln for ln in raw if ln not in ("\t项目名称", "\t法律顾问经费")]
    t = _read(raw)
    assert (t.projects[0].name, t.projects[0].name_source) == ("法律顾问经费项目", "narrative")


def test_blank_direction_and_dashes_and_yuan():
    inds = _with(0, direction="", target="——") + [
        ("产出指标", "时效指标", "完成时限", "反向", "", "30", "20", "天", "0", "0", "")]
    t = _read(_table("cells", indicators=inds[:4], budget="100000", actual="100000", funds_unit="元"))
    ind = t.indicators_frame()
    assert ind.loc[0, "direction"] == "大于等于" and ind.loc[0, "target"] == "——"
    assert ind.loc[0, "target_value"] != ind.loc[0, "target_value"]  # NaN: "——" is no value
    assert t.projects[0].funds_unit == "元"
    # 10万元 cost against 100000元 executed: equal once converted
    assert "performance.cost_exceeds_execution" not in _flagged(
        _table("cells", budget="100000", actual="100000", funds_unit="元"))


# --------------------------------------------------------------------------------------------
# Should flag / should not flag, per rule and layout


CASES = [
    # rule, changes that trigger it, near-identical changes that must not
    ("performance.total", {"total": ("100", "95.00")}, {"total": ("100", "100.00")}),
    ("performance.execution_score", {"exec_score": "8"}, {"exec_score": "10"}),
    ("performance.execution_score", {"budget": "6", "actual": "1.68", "rate": "28", "exec_score": "10",
                                         "total": ("100", "100")},
     {"budget": "6", "actual": "1.68", "rate": "28", "exec_score": "2.8", "total": ("100", "92.8")}),
    # "10"/"10" could be 9.5/10.5 = 90.5%: two decimals make 90% impossible
    ("performance.execution_rate", {"budget": "10.00", "actual": "10.00", "rate": "90"},
     {"budget": "10.00", "actual": "10.00", "rate": "100"}),
    ("performance.weights", {"indicators": _with(0, weight="35", score="35"), "total": ("100", "105")},
     {"indicators": _with(0, weight="30", score="30")}),
    ("performance.weights", {"indicators": _with(0, score="32"), "total": ("100", "102")},
     {"indicators": _with(0, score="30")}),
    ("performance.weights", {"exec_weight": "0", "exec_score": "0", "total": ("100", "90")},
     {"exec_weight": "10", "exec_score": "10"}),
    ("performance.indicator_score", {"indicators": _with(0, actual="80", score="30", reason="未达标")},
     {"indicators": _with(0, actual="80", score="24", reason="未达标"), "total": ("100", "94")}),
    ("performance.indicator_score", {"indicators": _with(1, actual="12.5", score="20")},
     {"indicators": _with(1, actual="12.5", score="16", reason="超支"), "total": ("100", "96")}),
    ("performance.indicator_score", {"indicators": _with(2, actual="未完成", score="30")},
     {"indicators": _with(2, actual="未完成", score="10", reason="未完成"), "total": ("100", "80")}),
    ("performance.target_too_low", {"indicators": _with(0, actual="200")},
     {"indicators": _with(0, actual="140")}),
    ("performance.satisfaction_missing", {"indicators": _with(3, actual="0", score="0", reason="未调查"),
                                              "total": ("100", "90")},
     {"indicators": _with(3, actual="95", score="10")}),
    ("performance.satisfaction_missing", {"indicators": _with(3, actual="——", score="10")},
     {"indicators": _with(3, actual="95", score="10")}),
    ("performance.unexplained_shortfall", {"indicators": _with(0, actual="90", score="27"), "total": ("100", "97")},
     {"indicators": _with(0, actual="90", score="27", reason="报名人数不足"), "total": ("100", "97")}),
    ("performance.cost_exceeds_execution", {"indicators": _with(1, actual="12.00", score="16.7", reason="超支"),
                                                "total": ("100", "96.7")},
     {"indicators": _with(1, actual="10.00")}),
    ("performance.qualitative_full", {}, {"indicators": _with(2, actual="基本达成", score="24",
                                                                     reason="部分达成"), "total": ("100", "94")}),
    ("performance.narrative_score", {"narrative": "1.测试培训项目自评综述:项目自评得分95分。"},
     {"narrative": "1.测试培训项目自评综述:项目自评得分100分。"}),
    ("performance.narrative_funds", {"narrative": "1.测试培训项目自评综述:项目自评得分100分。全年预算数为10万元,执行数为8万元。"},
     {"narrative": "1.测试培训项目自评综述:项目自评得分100分。全年预算数为10万元,执行数为10万元。"}),
    ("performance.grade", {"narrative": "1.测试培训项目自评综述:项目自评得分100分,等级为良。"},
     {"narrative": "1.测试培训项目自评综述:项目自评得分100分,等级为优。"}),
    ("performance.total_missing", {"total": None}, {}),
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(("rule", "bad", "good"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_should_flag_and_should_not(layout, rule, bad, good):
    assert rule in _flagged(_table(layout, **bad)), f"{rule} should flag"
    assert rule not in _flagged(_table(layout, **good)), f"{rule} should not flag"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reverse_formula_is_a_parameter(layout):
    # target ≤ 10.00, actual 12.50: ratio gives 20 × 10/12.5 = 16; deviation gives 20 × (1 − 0.25) = 15
    raw = _table(layout, indicators=_with(1, target="10.00", actual="12.50", score="15.0", reason="超支"),
                 total=("100", "95"))
    assert "performance.indicator_score" in _flagged(raw)
    assert "performance.indicator_score" not in _flagged(raw, reverse_formula="deviation")
    with pytest.raises(ValueError, match="deviation"):
        _read(raw).claims(reverse_formula="steps")


def test_target_ratio_limit_is_a_parameter():
    raw = _table("pipe", indicators=_with(0, actual="140"))
    assert "performance.target_too_low" not in _flagged(raw)
    assert "performance.target_too_low" in _flagged(raw, target_ratio_limit="1.2")


def test_total_falls_back_on_the_narrative_score_and_says_so():
    raw = _table("cells", total=None, narrative="1.测试培训项目自评综述:项目自评得分92.8分。")
    claims = [c for c in check_claims(_read(raw).claims()) if c.rule == "performance.total"]
    assert [str(c.verdict) for c in claims] == ["inconsistent"]
    assert "narrative 自评得分 92.8" in claims[0].note
    ok = _table("cells", total=None, narrative="1.测试培训项目自评综述:项目自评得分100分。")
    assert "performance.total" not in _flagged(ok)


def test_a_table_cut_off_by_the_end_of_the_text_is_not_missing_its_total():
    raw = _table("pipe", total=None, tail="")[:-1]
    assert "performance.total_missing" not in _flagged(raw)


def test_rounding_never_raises_an_error():
    # 2.8 = 28% × 10 printed as "3" (rounded to a whole point): consistent within rounding.
    raw = _table("cells", budget="6", actual="1.68", rate="28", exec_score="3", total=("100", "93"),
                 indicators=_with(1, target="6", actual="1.68"))
    assert not _flagged(raw) - {"performance.qualitative_full"}


# --------------------------------------------------------------------------------------------
# Formulas


def test_formulas():
    w = 10
    assert indicator_score_range(">=", exact(100), exact(80), w) == exact(8)
    assert indicator_score_range(">=", exact(100), exact(120), w) == exact(10)
    assert indicator_score_range("<=", exact(10), exact(20), w) == exact(5)
    assert indicator_score_range("<=", exact(10), exact(20), w, reverse_formula="deviation") == exact(0)
    assert indicator_score_range("=", exact(100), exact(80), w) == exact(8)
    assert indicator_score_range("=", exact(80), exact(100), w) == exact(8)
    assert qualitative_band("提升", "提升") == (pytest.approx(0.8), 1)
    assert qualitative_band("优良中低差", "优秀")[0] == pytest.approx(0.8)
    assert qualitative_band("提升", "未完成")[1] == pytest.approx(0.6)
    assert qualitative_band("提升", "效果一般，有待观察") is None
    assert grades_for(exact(90)) == {"优"} and grades_for(exact(89)) == {"良"}


# --------------------------------------------------------------------------------------------
# The seed


@pytest.fixture(scope="module")
def seed() -> PerformanceTables:
    return read_performance(read_document(SEED))


@pytest.fixture(scope="module")
def seed_claims(seed):
    return check_claims(seed.claims())


def test_seed_has_five_projects_with_all_their_indicators(seed):
    frame = seed.projects_frame()
    assert frame["project"].tolist() == ["法律顾问经费项目", "区政府重要活动保障经费", "档案整理经费",
                                         "区政府门户网站维护经费", "2024年度招商引资经费"]
    assert frame["name_source"].tolist() == ["narrative", "table", "table", "table", "table"]
    assert frame["n_indicators"].tolist() == [11, 11, 12, 12, 13]
    assert frame["indicator_weight"].tolist() == [90.0] * 5
    assert frame["total_score"].fillna(-1).tolist() == [100.0, 90.0, 100.0, -1, 100.0]
    ind = seed.indicators_frame()
    assert len(ind) == 59 and not (ind["level1"] == "").any() and not (ind["level2"] == "").any()
    row = ind[ind["level3"] == "档案录入条数"].iloc[0]
    assert (row["target_value"], row["actual_value"], row["unit"], row["line"]) == (3000.0, 120000.0, "条", 661)


def test_seed_narrative_agrees_with_the_tables(seed_claims):
    by_rule: dict[str, list[tuple[str, str]]] = {}
    for c in seed_claims:
        by_rule.setdefault(c.rule, []).append((c.section, str(c.verdict)))
    # 门户网站 prints no 总分, so its narrative score has no table total to match
    assert sorted(by_rule["performance.narrative_score"]) == sorted(
        [("法律顾问经费项目", "consistent")] * 2 + [(p, "consistent") for p in
                                               ("区政府重要活动保障经费", "档案整理经费", "2024年度招商引资经费")])
    assert {v for _, v in by_rule["performance.narrative_funds"]} == {"consistent"}
    assert len({s for s, _ in by_rule["performance.narrative_funds"]}) == 5


def test_seed_findings(seed_claims):
    bad = {(c.rule, c.section, c.line) for c in seed_claims if c.verdict == Verdict.INCONSISTENT}
    assert ("performance.total", "法律顾问经费项目", 335) in bad          # 100.00 printed, 0 + 90 scored
    assert ("performance.weights", "法律顾问经费项目", 335) in bad        # 0 + 90 分值 (P5)
    assert ("performance.target_too_low", "档案整理经费", 661) in bad      # 3000 vs 120000
    assert ("performance.cost_exceeds_execution", "区政府门户网站维护经费", 967) in bad  # 5.60 vs 1.68
    assert ("performance.satisfaction_missing", "区政府重要活动保障经费", 550) in bad
    assert ("performance.unexplained_shortfall", "区政府重要活动保障经费", 550) in bad
    assert ("performance.total_missing", "区政府门户网站维护经费", 1032) in bad
    errors = {r for r, (sev, _) in RULES.items() if sev == "error"}
    assert {(r, s) for r, s, _ in bad if r in errors} == {("performance.total", "法律顾问经费项目"),
                                                          ("performance.weights", "法律顾问经费项目")}
    portal = next(c for c in seed_claims if c.rule == "performance.total" and c.section == "区政府门户网站维护经费")
    assert portal.verdict == Verdict.CONSISTENT and "92.8" in portal.note   # 2.8 + 90 = 92.8


# --------------------------------------------------------------------------------------------
# The suite


def test_suite_has_one_expectation_per_rule():
    from juesuan.suites import load_suite

    doc = json.loads((ROOT / "expectations" / "performance.json").read_text(encoding="utf-8"))
    metas = {e["meta"]["check_id"]: e["meta"]["severity"] for e in doc["expectations"]}
    assert metas == {rule: sev for rule, (sev, _) in RULES.items()}
    assert all(e["kwargs"]["row_condition"]["parameter"] == e["meta"]["check_id"] for e in doc["expectations"])
    assert len({e["id"] for e in doc["expectations"]}) == len(RULES)
    assert len(load_suite(ROOT / "expectations" / "performance.json").expectations) == len(RULES)


def _cut_budget(initial: str) -> list[str]:
    raw = _table("cells", budget="53.27", actual="53.27")
    i = raw.index("\t年度资金总额")
    raw[i + 1] = "\t" + initial  # 年初预算数; 全年预算数 and 全年执行数 stay 53.27
    return raw


def _cut_observations(raw: list[str]) -> list[str]:
    return [c.rule for c in check_claims(_read(raw).claims()) if c.rule == "observation.budget_cut_execution"]


def test_full_execution_reached_by_cutting_the_budget_is_observed():
    assert _cut_observations(_cut_budget("90")) == ["observation.budget_cut_execution"]
    assert _cut_observations(_cut_budget("53.27")) == []   # no cut
    assert _cut_observations(_cut_budget("53.3")) == []    # a cut rounding can explain


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_summary_broken_over_lines_is_read_as_one_statement(layout):
    """PDF text breaks the 自评综述 inside its sentences: its score and funds are on later lines."""
    def broken(narrative: str) -> list[str]:
        raw = _table(layout, narrative=narrative)
        return [narrative[:20], narrative[20:41], narrative[41:]] + raw[1:]
    bad = broken("1.测试培训项目自评综述:根据年初设定的绩效目标,项目自评得分95分。全年预算数为10万元,执行数为8万元,完成预算的80%。")
    st = _read(bad).statements
    assert [(s.score.text, s.score.line, s.actual.text, s.actual.line) for s in st] == [("95", 2, "8", 3)]
    assert {"performance.narrative_score", "performance.narrative_funds"} <= _flagged(bad)
    good = broken("1.测试培训项目自评综述:根据年初设定的绩效目标,项目自评得分100分。全年预算数为10万元,执行数为10万元,完成预算的100%。")
    assert not {"performance.narrative_score", "performance.narrative_funds"} & _flagged(good)
