"""Variance analysis: budget vs actual per 项, year on year, reasons vs gaps, last year's disclosure."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from juesuan.analysis import (
    EXECUTION_COLUMNS,
    EXPLAINED_COLUMNS,
    LINE_COLUMNS,
    PRIOR_COLUMNS,
    REASON_COLUMNS,
    YOY_COLUMNS,
    load_prior,
    variance_analysis,
)
from juesuan.checks import check_claims
from juesuan.extract import extract
from juesuan.ingest import read_document
from juesuan.params import Materiality, load_params

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params" / "songshan-gov-office.yaml"

FUNCTIONAL = ("五、一般公共预算财政拨款支出决算情况说明\n"
              "（一）一般公共服务（类）\n"
              "一般公共服务（类）决算数为 721.17万元，与年初预算相比减少343.73万元。其中：\n"
              "1.政府办公厅（室）及相关机构事务（款）行政运行（项）。年初预算838.90万元，支出决算631.01万元，"
              "完成年初预算的75.22%。决算数与年初预算数的差异原因：年初预算数是系统自动测算生成。\n"
              "2.政府办公厅（室）及相关机构事务（款）一般行政管理事务（项）。年初预算226万元，支出决算81.55万元，"
              "完成年初预算的36.08%。决算数与年初预算数的差异原因：督查督办系统建设项目年内未实施。\n"
              "3.商贸事务（款）招商引资（项）。年初预算0万元，支出决算8.6万元。决算数与年初预算数的差异原因：年中追加预算。\n"
              "（二）住房保障支出（类）\n"
              "住房保障支出（类）决算数为 71.98万元，与年初预算相比减少0万元。其中：\n"
              "1．住房改革支出（款）住房公积金（项）。年初预算80.00万元，支出决算71.98万元，完成年初预算的89.98%。"
              "决算数与年初预算数的差异原因：年初预算数是系统自动测算生成。\n")

VARIANCE = ("收入、支出决算总计均为885.90万元。与年初预算相比，收、支总计各减少430.14万元，下降32.68%，变动原因："
            "一是工资福利支出年初预算数是系统自动测算生成，决算数比年初预算数减少167.71万元。二是商品和服务支出减少133.65万元。"
            "三是督查督办系统建设项目预算{third}万元，该项目年内未实施；与上年决算相比，收、支总计各减少279.11万元，下降23.96%。\n")

YOY = ("一、收入支出决算总体情况说明\n"
       "1.本年收入决算合计 885.90万元。与上年决算相比，减少279.11万元，下降23.96%。\n"
       "八、财政拨款“三公”经费支出决算情况说明\n"
       "（2）公务用车运行维护费支出15.63万元。与上年决算相比，减少5.13万元，下降24.72%。\n"
       "十一、机关运行经费（公用经费）支出决算情况说明\n"
       "本部门2024年度机关运行经费支出决算163.34万元，与上年决算相比，减少85.54万元，下降34.37%。\n")

# last year's disclosure: the 收入 total and the vehicle cost agree with what 2024 implies, 机关运行经费 does not
PRIOR = ("一、收入支出决算总体情况说明\n"
         "1.本年收入决算合计 1165.01万元。与上年决算相比，增加65.01万元，增长5.91%。\n"
         "八、财政拨款“三公”经费支出决算情况说明\n"
         "（2）公务用车运行维护费支出20.76万元。与上年决算相比，增加0.76万元，增长3.80%。\n"
         "十一、机关运行经费（公用经费）支出决算情况说明\n"
         "本部门2023年度机关运行经费支出决算238.88万元，与上年决算相比，减少1.12万元，下降0.47%。\n")


def _analyse(tmp_path: Path, text: str, **kwargs):
    path = tmp_path / "2024.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    ex = extract(doc)
    return variance_analysis(ex, check_claims(ex.claims), lines=doc.lines, **kwargs)


def test_frames_have_the_documented_columns(tmp_path):
    v = _analyse(tmp_path, FUNCTIONAL + VARIANCE.format(third="103") + YOY)
    assert tuple(v.lines.columns) == LINE_COLUMNS
    assert tuple(v.yoy.columns) == YOY_COLUMNS
    assert tuple(v.explained.columns) == EXPLAINED_COLUMNS
    assert tuple(v.reasons.columns) == REASON_COLUMNS
    assert tuple(v.execution.columns) == EXECUTION_COLUMNS
    assert tuple(v.prior.columns) == PRIOR_COLUMNS
    assert v.prior.empty and v.prior_source is None


def test_budget_vs_actual_for_every_functional_item(tmp_path):
    v = _analyse(tmp_path, FUNCTIONAL)
    rows = v.lines.set_index("item")
    assert list(v.lines["item"]) == ["行政运行", "一般行政管理事务", "招商引资", "住房公积金"]
    assert rows.loc["行政运行", ["budget_wan", "actual_wan", "variance_wan"]].tolist() == [838.90, 631.01, -207.89]
    assert rows.loc["行政运行", "execution_pct"] == pytest.approx(75.2187, abs=1e-4)
    assert rows.loc["一般行政管理事务", "variance_pct"] == pytest.approx(-63.9159, abs=1e-4)
    assert math.isnan(rows.loc["招商引资", "execution_pct"])  # no 年初预算: no rate
    assert rows.loc["行政运行", "reason"] == "年初预算数是系统自动测算生成。"
    assert rows.loc["行政运行", "boilerplate"] and not rows.loc["一般行政管理事务", "boilerplate"]
    assert rows.loc["行政运行", "line"] == 4
    by_class = v.by_class.set_index("class")
    assert by_class.loc["一般公共服务", ["n_items", "budget_wan", "actual_wan"]].tolist() == [3, 1064.90, 721.16]


@pytest.mark.parametrize("materiality, material", [
    (Materiality(amount_wan=10, share_pct=10), {"行政运行": True, "一般行政管理事务": True, "招商引资": False,
                                               "住房公积金": True}),   # 8.02 is 10.03% of 80
    (Materiality(amount_wan=150, share_pct=50), {"行政运行": True, "一般行政管理事务": True, "招商引资": False,
                                                "住房公积金": False}),   # 207.89 ≥ 150; 144.45 is 63.9%
    (Materiality(amount_wan=1000, share_pct=100), {"行政运行": False, "一般行政管理事务": False, "招商引资": False,
                                                  "住房公积金": False}),
])
def test_materiality_comes_from_params(tmp_path, materiality, material):
    v = _analyse(tmp_path, FUNCTIONAL, materiality=materiality)
    assert dict(zip(v.lines["item"], v.lines["material"], strict=True)) == material
    assert v.materiality == materiality


def test_execution_rate_distribution_uses_the_threshold(tmp_path):
    v = _analyse(tmp_path, FUNCTIONAL, execution_low_pct=80)
    bands = v.execution.set_index("band")
    assert list(bands.index) == ["<50%", "50%–80%", "80%–100%", "≥100%", "无年初预算"]
    assert bands["n_lines"].tolist() == [1, 1, 1, 0, 1]
    assert bands.loc["<50%", "unspent_wan"] == 144.45
    assert bands["below_threshold"].tolist() == [True, True, False, False, False]
    assert list(_analyse(tmp_path, FUNCTIONAL, execution_low_pct=90).execution["band"])[:3] == [
        "<50%", "50%–90%", "90%–100%"]


def test_reasons_explain_part_of_the_shortfall(tmp_path):
    v = _analyse(tmp_path, VARIANCE.format(third="103"))
    row = v.explained.iloc[0]
    assert (row.basis, row.direction, row.variance_wan, row.explained_wan, row.unexplained_wan) == (
        "预算", "减少", 430.14, 404.36, 25.78)
    assert row.beyond_rounding and row.n_reasons == 3
    assert v.unexplained_wan == 25.78
    assert v.reasons[["order", "reason", "amount_wan"]].values.tolist() == [
        [1, "工资福利支出", 167.71], [2, "商品和服务支出", 133.65], [3, "督查督办系统建设项目", 103.0]]


def test_reasons_that_add_up_leave_nothing_unexplained(tmp_path):
    v = _analyse(tmp_path, VARIANCE.format(third="128.78"))
    row = v.explained.iloc[0]
    assert row.unexplained_wan == 0 and not row.beyond_rounding
    assert v.unexplained_wan == 0


def test_year_on_year_from_the_stated_changes(tmp_path):
    v = _analyse(tmp_path, YOY)
    yoy = v.yoy.set_index("item")
    assert list(yoy.index) == ["本年收入决算合计", "公务用车运行维护费支出", "机关运行经费支出决算"]
    assert yoy["group"].tolist() == ["收支总计", "“三公”经费", "机关运行经费"]
    assert yoy.loc["本年收入决算合计", ["current_wan", "prior_wan", "change_wan", "change_pct"]].tolist() == [
        885.90, 1165.01, -279.11, -23.96]
    assert yoy.loc["公务用车运行维护费支出", "recomputed_pct"] == pytest.approx(-24.711, abs=1e-3)
    assert set(yoy["verdict"]) == {"consistent"} and set(yoy["source"]) == {"stated"}


def test_a_change_restated_in_another_section_is_one_row(tmp_path):
    v = _analyse(tmp_path, YOY + YOY.splitlines(keepends=True)[1])
    assert v.yoy["item"].tolist().count("本年收入决算合计") == 1
    assert v.yoy.iloc[0]["restated_at"] == "7"


def test_prior_figures_are_checked_against_last_years_disclosure(tmp_path):
    prior_path = tmp_path / "2023.txt"
    prior_path.write_text(PRIOR, encoding="utf-8")
    v = _analyse(tmp_path, YOY, prior=load_prior(prior_path))
    assert v.prior_source == "2023.txt" and len(v.prior_sha256 or "") == 64
    prior = v.prior.set_index("item")
    assert prior["verdict"].to_dict() == {"本年收入决算合计": "consistent", "公务用车运行维护费支出": "consistent",
                                          "机关运行经费支出决算": "inconsistent"}
    bad = prior.loc["机关运行经费支出决算"]
    assert (bad.stated_prior_wan, bad.prior_wan, bad.prior_line, bad.line) == (248.88, 238.88, 6, 6)
    assert bad.gap_wan == pytest.approx(9.985)  # between [248.875, 248.885] and [238.875, 238.885]
    assert "238.88" in bad.prior_quote


def test_a_prior_figure_last_year_did_not_print_is_not_found(tmp_path):
    prior_path = tmp_path / "2023.txt"
    prior_path.write_text(PRIOR.split("八、")[0], encoding="utf-8")
    v = _analyse(tmp_path, YOY, prior=load_prior(prior_path))
    verdicts = v.prior.set_index("item")["verdict"].to_dict()
    assert verdicts["公务用车运行维护费支出"] == "not found"
    assert math.isnan(v.prior.set_index("item").loc["公务用车运行维护费支出", "prior_wan"])


def test_last_years_functional_lines_give_year_on_year_rows(tmp_path):
    prior_path = tmp_path / "2023.txt"
    prior_path.write_text(FUNCTIONAL.replace("631.01", "700.00"), encoding="utf-8")
    v = _analyse(tmp_path, FUNCTIONAL, prior=load_prior(prior_path))
    rows = v.yoy[v.yoy["source"] == "prior_source"].set_index("item")
    assert rows.loc["一般公共服务 · 行政运行", ["current_wan", "prior_wan", "change_wan"]].tolist() == [
        631.01, 700.00, -68.99]
    assert rows.loc["一般公共服务 · 行政运行", "group"] == "支出功能分类"


def test_the_seed(tmp_path):
    from juesuan.audit import audit_document

    result = audit_document(load_params(PARAMS))
    v = result.variance
    assert result.variance is v  # computed once
    assert len(v.lines) == 8 and v.lines["material"].sum() == 7
    assert v.lines["budget_wan"].sum() == pytest.approx(1316.04)
    shortfall = v.explained[v.explained["basis"] == "预算"].iloc[0]
    assert (shortfall.variance_wan, shortfall.unexplained_wan, shortfall.restated_at) == (430.14, 25.78, "97")
    assert v.basis_of()[shortfall.claim_id] == "预算"
    assert set(v.basis_of()) >= {"C0006", "C0042"}  # the restatement at line 97 too
    assert v.yoy.set_index("item").loc["公务用车运行维护费支出", "prior_wan"] == 20.76
