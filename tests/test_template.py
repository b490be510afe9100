"""Template identities: for every rule, a minimal text that must trigger it and a near twin that must not."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan.checks import check_claims
from juesuan.claims import Verdict
from juesuan.extract import extract
from juesuan.ingest import read_document


def _verdicts(tmp_path: Path, text: str, rule: str) -> list[Verdict]:
    f = tmp_path / "d.txt"
    f.write_text(text, encoding="utf-8")
    claims = check_claims(extract(read_document(f)).claims)
    return [c.verdict for c in claims if c.rule == rule]


PROCUREMENT = ("本部门2024年度政府采购支出总额 47.93万元，其中：政府采购货物支出 8.50万元、政府采购工程支出 0万元、"
               "政府采购服务支出 39.43万元。政府采购授予中小企业合同金额 {sme}万元，占政府采购支出总额的{share}%，"
               "其中：授予小微企业合同金额 {small}万元，占政府采购支出总额的{share}%；货物采购授予中小企业合同金额占货物支出金额的100.00%，"
               "工程采购授予中小企业合同金额占工程支出金额的0.00%，服务采购授予中小企业合同金额占服务支出金额的100.00%。\n")


@pytest.mark.parametrize("sme, share, small, expected", [
    ("28.69", "59.86", "28.69", Verdict.INCONSISTENT),   # the seed's contradiction: shares imply 47.93
    ("47.93", "100.00", "47.93", Verdict.CONSISTENT),
])
def test_procurement_sme_total_vs_category_shares(tmp_path, sme, share, small, expected):
    assert _verdicts(tmp_path, PROCUREMENT.format(sme=sme, share=share, small=small),
                     "structure.procurement_sme") == [expected]


def test_small_firms_cannot_exceed_sme(tmp_path):
    text = PROCUREMENT.format(sme="47.93", share="100.00", small="48.50")
    assert _verdicts(tmp_path, text, "structure.procurement_small_le_sme") == [Verdict.INCONSISTENT]
    text = PROCUREMENT.format(sme="47.93", share="100.00", small="40.00")
    assert _verdicts(tmp_path, text, "structure.procurement_small_le_sme") == [Verdict.CONSISTENT]


VEHICLES = ("截至2024年12月31日，本部门共有车辆 {total}辆，其中：主要负责人用车 1辆、机要通信用车 5辆、应急保障用车 2辆，"
            "其他用车 1辆；单价100万元（含）以上的设备（不含车辆） 0台（套）。\n")


def test_vehicle_categories_add_up_to_the_total(tmp_path):
    assert _verdicts(tmp_path, VEHICLES.format(total=9), "structure.vehicles") == [Verdict.CONSISTENT]
    assert _verdicts(tmp_path, VEHICLES.format(total=8), "structure.vehicles") == [Verdict.INCONSISTENT]


SANGONG = ("本部门2024年度财政拨款“三公”经费全年预算30万元，支出决算{total}万元，完成预算的52.1%。其中：因公出国（境）费全年预算0万元，"
           "支出决算0万元，完成预算的0%；公务用车购置及运行维护费全年预算30万元，支出决算15.63万元，完成预算的52.1%；"
           "公务接待费全年预算0万元，支出决算0万元，完成预算的0%。\n")


def test_sangong_total_is_the_sum_of_its_items(tmp_path):
    assert _verdicts(tmp_path, SANGONG.format(total="15.63"), "structure.sangong") == [Verdict.CONSISTENT] * 2
    assert Verdict.INCONSISTENT in _verdicts(tmp_path, SANGONG.format(total="17.63"), "structure.sangong")


FUNCTIONAL = ("五、一般公共预算财政拨款支出决算情况说明\n"
              "一般公共服务（类）决算数为 {actual}万元，与年初预算相比减少{diff}万元。其中：\n"
              "1.政府办公厅（室）及相关机构事务（款）行政运行（项）。年初预算838.90万元，支出决算631.01万元，完成年初预算的75.22%。\n"
              "2.政府办公厅（室）及相关机构事务（款）一般行政管理事务（项）。年初预算226万元，支出决算81.55万元，完成年初预算的36.08%。\n"
              "3.商贸事务（款）招商引资（项）。年初预算0万元，支出决算8.6万元。\n")


def test_functional_class_is_the_sum_of_its_items_and_rounding_is_no_alarm(tmp_path):
    # 631.01 + 81.55 + 8.60 = 721.16: a printed 721.17 is within rounding (R6)
    ok = FUNCTIONAL.format(actual="721.17", diff="343.73")
    assert _verdicts(tmp_path, ok, "structure.functional_sum") == [Verdict.CONSISTENT]
    assert _verdicts(tmp_path, ok, "arithmetic.budget_diff") == [Verdict.CONSISTENT]
    bad = FUNCTIONAL.format(actual="731.17", diff="343.73")
    assert _verdicts(tmp_path, bad, "structure.functional_sum") == [Verdict.INCONSISTENT]
    wrong_diff = FUNCTIONAL.format(actual="721.17", diff="353.73")
    assert _verdicts(tmp_path, wrong_diff, "arithmetic.budget_diff") == [Verdict.INCONSISTENT]


BASIC = ("本部门2024年度一般公共预算财政拨款基本支出决算 795.75万元，其中：\n（一）人员经费 {personnel}万元。主要包括：基本工资191.70万元。\n"
         "（二）公用经费 163.34万元。主要包括：办公费16.77万元、公务用车运行维护费15.63万元。\n")


def test_basic_is_personnel_plus_public(tmp_path):
    assert _verdicts(tmp_path, BASIC.format(personnel="632.41"), "structure.basic_split") == [Verdict.CONSISTENT]
    assert _verdicts(tmp_path, BASIC.format(personnel="642.41"), "structure.basic_split") == [Verdict.INCONSISTENT]


VARIANCE = ("收入、支出决算总计均为885.90万元。与年初预算相比，收、支总计各减少430.14万元，下降32.68%，变动原因："
            "一是工资福利支出决算数比年初预算数减少167.71万元。二是商品和服务支出减少133.65万元。三是建设项目预算{third}万元，该项目年内未实施；"
            "与上年决算相比，收、支总计各减少279.11万元，下降23.96%。\n")


def test_unexplained_part_of_a_variance(tmp_path):
    assert _verdicts(tmp_path, VARIANCE.format(third="103"), "variance.unexplained") == [Verdict.INCONSISTENT]
    assert _verdicts(tmp_path, VARIANCE.format(third="128.78"), "variance.unexplained") == [Verdict.CONSISTENT]


def test_single_reason_without_amounts_is_not_judged(tmp_path):
    text = "公用经费支出决算163.34万元，与上年决算相比，减少85.54万元，下降34.37%，变动原因：主要是部分支出单独列项目支出管理。\n"
    assert _verdicts(tmp_path, text, "variance.unexplained") == []


HEADINGS = ("本部门2024年度一般公共预算财政拨款项目支出决算90.15万元，其中：\n（一）工资福利支出0万元。\n"
            "（二）商品和服务支出59.85万元。主要包括：办公费12.60万元、咨询费47.25万元。\n（三）对个人和家庭的补助支出{third}万元。\n"
            "（四）资本性支出9.80万元。\n")


def test_total_over_numbered_headings(tmp_path):
    assert _verdicts(tmp_path, HEADINGS.format(third="20.50"), "arithmetic.sum")[0] == Verdict.CONSISTENT
    assert Verdict.INCONSISTENT in _verdicts(tmp_path, HEADINGS.format(third="25.50"), "arithmetic.sum")


def test_running_costs_cannot_exceed_public_funds(tmp_path):
    base = BASIC.format(personnel="632.41") + "本部门机关运行经费支出决算{run}万元。\n"
    assert _verdicts(tmp_path, base.format(run="163.34"), "structure.running_costs_le_public") == [Verdict.CONSISTENT]
    assert _verdicts(tmp_path, base.format(run="170.00"), "structure.running_costs_le_public") == [Verdict.INCONSISTENT]


def test_seed_template_findings(tmp_path):
    seed = Path(__file__).resolve().parents[1] / "data" / "songshan-gov-office" / "2024.txt"
    claims = check_claims(extract(read_document(seed)).claims)
    sme = [c for c in claims if c.rule == "structure.procurement_sme"]
    assert len(sme) == 1 and sme[0].verdict == Verdict.INCONSISTENT
    assert round(sme[0].amount_wan, 2) == 19.24  # 47.93 implied by the 100% shares vs 28.69 stated
    unexplained = [c for c in claims if c.rule == "variance.unexplained" and c.verdict == Verdict.INCONSISTENT]
    assert unexplained and all(round(c.amount_wan, 2) == 25.78 for c in unexplained)  # 430.14 − 404.36
    structural = [c for c in claims if c.rule.startswith(("structure.", "cross_reference."))
                  and c.rule != "structure.procurement_sme"]
    assert structural and all(c.verdict != Verdict.INCONSISTENT for c in structural)


SANGONG_VEHICLES = ("八、财政拨款“三公”经费支出决算情况说明\n（2）公务用车运行维护费支出{running}万元。截至2024年12月31日，"
                    "使用财政拨款开支的公务用车保有量为{stock}辆。\n"
                    "六、一般公共预算财政拨款基本支出决算情况说明\n本部门2024年度一般公共预算财政拨款基本支出决算 795.75万元，其中：\n"
                    "（一）人员经费 632.41万元。\n（二）公用经费 163.34万元。主要包括：办公费147.71万元、公务用车运行维护费15.63万元。\n"
                    "十三、国有资产占用情况说明\n本部门共有车辆 8辆，其中：机要通信用车 5辆、应急保障用车 2辆，其他用车 1辆。\n")


def test_vehicle_stock_cannot_exceed_the_vehicles_owned(tmp_path):
    assert _verdicts(tmp_path, SANGONG_VEHICLES.format(running="15.63", stock=8),
                     "cross_reference.vehicle_count") == [Verdict.CONSISTENT]
    assert _verdicts(tmp_path, SANGONG_VEHICLES.format(running="15.63", stock=9),
                     "cross_reference.vehicle_count") == [Verdict.INCONSISTENT]


def test_sangong_running_cost_covers_the_public_funds_item(tmp_path):
    assert _verdicts(tmp_path, SANGONG_VEHICLES.format(running="15.63", stock=8),
                     "cross_reference.vehicle_running_cost") == [Verdict.CONSISTENT]
    assert _verdicts(tmp_path, SANGONG_VEHICLES.format(running="12.00", stock=8),
                     "cross_reference.vehicle_running_cost") == [Verdict.INCONSISTENT]


COVERAGE = ("七、一般公共预算财政拨款项目支出决算情况说明\n本部门2024年度一般公共预算财政拨款项目支出决算90.15万元。\n"
            "十四、预算绩效情况说明\n组织对2024年一般公共预算项目支出全面开展绩效自评，二级项目5个，共涉及资金{covered}万元，"
            "占一般公共预算项目支出总额的{pct}%。\n")


def test_self_evaluation_coverage_follows_from_project_spending(tmp_path):
    assert _verdicts(tmp_path, COVERAGE.format(covered="90.15", pct="100"),
                     "cross_reference.performance_coverage") == [Verdict.CONSISTENT]
    assert _verdicts(tmp_path, COVERAGE.format(covered="60.15", pct="100"),
                     "cross_reference.performance_coverage") == [Verdict.INCONSISTENT]


def test_unimplemented_budgeted_work_is_observed_once(tmp_path):
    from juesuan import suites
    from juesuan.findings import build_findings, reconciliation_frame

    text = ("变动原因：一是商品和服务支出减少133.65万元。二是政府工作督查督办系统建设项目预算103万元，该项目年内未实施。\n"
            "差异原因：政府工作督查督办系统建设项目预算103万元，该项目年内未实施。\n")
    f = tmp_path / "d.txt"
    f.write_text(text, encoding="utf-8")
    claims = check_claims(extract(read_document(f)).claims)
    found = [x for x in build_findings(claims, suites.validate(reconciliation_frame(claims)))
             if x.rule == "observation.unimplemented"]
    assert len(found) == 1 and found[0].amount_wan == 103.0 and found[0].severity == "warning"
    done = tmp_path / "e.txt"
    done.write_text("政府工作督查督办系统建设项目预算103万元，该项目年内已实施完毕。\n", encoding="utf-8")
    assert not [c for c in extract(read_document(done)).claims if c.rule == "observation.unimplemented"]


SOCIAL = ("五、一般公共预算财政拨款支出决算情况说明\n社会保障和就业支出（类）决算数为 59.04万元，与年初预算相比减少29.66万元。其中：\n"
          "1．行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）。年初预算88.70万元，支出决算59.04万元，完成年初预算的66.56%。\n"
          "六、一般公共预算财政拨款基本支出决算情况说明\n本部门基本支出决算 100.00万元，其中：\n"
          "（一）人员经费 {pension}万元。主要包括：机关事业单位基本养老保险缴费{pension}万元。\n（二）公用经费 40.96万元。\n")


def test_social_insurance_item_matches_its_functional_line(tmp_path):
    assert _verdicts(tmp_path, SOCIAL.format(pension="59.04"), "cross_reference.social_insurance") == [Verdict.CONSISTENT]
    assert _verdicts(tmp_path, SOCIAL.format(pension="49.04"), "cross_reference.social_insurance") == [Verdict.INCONSISTENT]


def test_typed_tables_of_the_seed():
    seed = Path(__file__).resolve().parents[1] / "data" / "songshan-gov-office" / "2024.txt"
    ex = extract(read_document(seed))
    functional = ex.functional_frame()
    assert list(functional["xiang"])[:2] == ["行政运行", "一般行政管理事务"]
    assert round(functional["actual_wan"].sum(), 2) == 885.89  # 721.16 + 82.29 + 30.41 + 52.03 as printed per 项
    econ = ex.economic_frame()
    assert set(econ["group"]) == {"人员经费", "公用经费"}
    assert round(econ.groupby("group")["amount_wan"].sum()["人员经费"], 2) == 632.41
