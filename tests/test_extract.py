"""Reading rules of Chinese fiscal text: each pattern should give a claim, a near-identical text should not.

Every test reads a minimal inline text through the real pipeline (ingest → extract → check)
and looks for a claim by its printed numbers, the way the corpus scorer does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan.checks import check_claims
from juesuan.extract import extract
from juesuan.ingest import read_document


def _claims(tmp_path: Path, text: str) -> list[dict]:
    f = tmp_path / "d.txt"
    f.write_text(text, encoding="utf-8")
    return [c.to_dict() for c in check_claims(extract(read_document(f)).claims)]


def _nums(c: dict) -> list[float]:
    out: list[float] = []
    for v in c["reported"].values():
        if isinstance(v, list):
            out += [abs(x) for x in v]
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(abs(v))
    return out


def _find(claims: list[dict], *numbers: float) -> list[dict]:
    def covers(c: dict) -> bool:
        pool = _nums(c)
        for n in numbers:
            hit = next((i for i, m in enumerate(pool) if abs(m - n) < 1e-9), None)
            if hit is None:
                return False
            pool.pop(hit)
        return True
    return [c for c in claims if covers(c)]


def _verdicts(claims: list[dict], *numbers: float) -> set[str]:
    return {c["verdict"] for c in _find(claims, *numbers)}


# ------------------------------------------------------------------ flattened tables

VERTICAL = """单位:万元
项 目 |
预 算 数 |
决 算 数 |
|
合 计 |
30.8 |
25.7 |
|
因公出国(境)费 |
0 |
0 |
|
公务接待费 |
14.8 |
16.3 |
|
公务用车购置及运行维护费 |
16 |
9.4 |
|
其中:公务用车运行维护费 |
16 |
9.4 |
|
公务用车购置费 |
0 |
0 |
"""


def test_should_extract_vertical_table_total(tmp_path: Path) -> None:
    c = _claims(tmp_path, VERTICAL)
    assert _verdicts(c, 30.8, 14.8, 16) == {"consistent"}
    assert _verdicts(c, 25.7, 16.3, 9.4) == {"consistent"}


def test_should_flag_vertical_table_total_that_does_not_add_up(tmp_path: Path) -> None:
    c = _claims(tmp_path, VERTICAL.replace("25.7 |", "27.7 |"))
    assert _verdicts(c, 27.7, 16.3, 9.4) == {"inconsistent"}


def test_should_not_count_qizhong_rows_in_the_table_total(tmp_path: Path) -> None:
    # the 其中 rows are parts of 公务用车购置及运行维护费, not of 合计: 14.8+16+16 would exceed 30.8
    c = _claims(tmp_path, VERTICAL)
    assert not any(v == "inconsistent" for v in _verdicts(c, 30.8))


def test_should_not_flag_a_partial_qizhong_group(tmp_path: Path) -> None:
    text = VERTICAL.replace("公务用车购置费 |\n0 |\n0 |", "公务用车购置费 |\n— |\n— |").replace(
        "其中:公务用车运行维护费 |\n16 |\n9.4 |", "其中:公务用车运行维护费 |\n12 |\n5.4 |")
    c = _claims(tmp_path, text)
    assert "inconsistent" not in _verdicts(c, 16, 12)


WHITESPACE = """单位:元
项目 2016年度 2017年度 2017比2016增减
增减值 增减%
(一) 收入总计 100.00 150.00 50.00 50.00%
1. 财政补助收入 60.00 70.00 10.00 16.67%
2. 其他收入 40.00 80.00 40.00 100.00%
"""


def test_should_extract_whitespace_table_yoy_and_sum(tmp_path: Path) -> None:
    c = _claims(tmp_path, WHITESPACE)
    assert _verdicts(c, 70, 60, 10, 16.67) == {"consistent"}
    assert "consistent" in _verdicts(c, 150, 70, 80)


def test_should_flag_whitespace_table_wrong_rate(tmp_path: Path) -> None:
    c = _claims(tmp_path, WHITESPACE.replace("16.67%", "14.29%"))
    assert _verdicts(c, 70, 60, 10, 14.29) == {"inconsistent"}


def test_should_not_read_table_years_without_a_change_header(tmp_path: Path) -> None:
    text = WHITESPACE.replace("2017比2016增减\n增减值 增减%", "说明")
    assert not [x for x in _claims(tmp_path, text) if x["kind"] == "yoy"]


INLINE_EXEC = """预算执行情况(10分) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 |
总额 | 0.00 | 3.36 | 3.36 | 100.00% | 10 | 10 |
"""


def test_should_extract_inline_table_execution(tmp_path: Path) -> None:
    assert _verdicts(_claims(tmp_path, INLINE_EXEC), 3.36, 3.36, 100) == {"consistent"}


def test_should_not_read_execution_without_rate_header(tmp_path: Path) -> None:
    text = INLINE_EXEC.replace("预算执行率", "备注")
    assert not [x for x in _claims(tmp_path, text) if x["kind"] == "execution"]


# ------------------------------------------------------------------ narrative references

def test_should_take_budget_of_the_item_from_the_table(tmp_path: Path) -> None:
    text = VERTICAL + "\n2.公务接待费支出16.3万元, 与2020年度预算相比,增加1.5万元,增长10.14%。\n"
    assert _verdicts(_claims(tmp_path, text), 16.3, 14.8, 1.5, 10.14) == {"consistent"}


def test_should_not_take_a_budget_of_another_item(tmp_path: Path) -> None:
    text = VERTICAL + "\n2.会议费支出16.3万元, 与2020年度预算相比,增加1.5万元。\n"
    assert not _find(_claims(tmp_path, text), 16.3, 14.8, 1.5)


FRAME = ("单位2021年度“三公”经费支出预算为246万元,支出决算为167.37万元。\n"
         "单位2021年度“三公”经费支出决算中,因公出国(境)费支出决算0万元,占0%;"
         "公务接待费支出决算2.14万元,占1.3%;公务用车购置及运行维护费支出决算165.23万元,占98.7%。\n")


def test_should_read_share_whole_from_the_frame(tmp_path: Path) -> None:
    c = _claims(tmp_path, FRAME)
    assert _verdicts(c, 2.14, 167.37, 1.3) == {"consistent"}


def test_should_flag_share_against_the_frame_total(tmp_path: Path) -> None:
    c = _claims(tmp_path, FRAME.replace("占1.3%", "占0.87%"))
    assert _verdicts(c, 2.14, 167.37, 0.87) == {"inconsistent"}


PARALLEL = ("2022年度“三公”经费预算总计21.8万元,其中:因公出国(境)经费0万元,公务接待11.8万元。\n"
            "2021年度“三公”经费合计支出20.12万元,其中:因公出国(境)经费0万元,公务接待12.39万元。\n"
            "2022年度“三公”经费预算较2021年度增加1.68万元,其中公务接待较上年同期减少0.58万元,减少4.68%。\n")


def test_should_pair_parallel_year_figures(tmp_path: Path) -> None:
    c = _claims(tmp_path, PARALLEL)
    assert _verdicts(c, 21.8, 20.12, 1.68) == {"consistent"}
    assert _verdicts(c, 11.8, 12.39, 0.58, 4.68) == {"consistent"}


def test_should_not_pair_without_a_prior_year_list(tmp_path: Path) -> None:
    text = PARALLEL.replace("2021年度“三公”经费合计支出20.12万元,其中:因公出国(境)经费0万元,公务接待12.39万元。\n", "")
    assert not _find(_claims(tmp_path, text), 11.8, 12.39)


# ------------------------------------------------------------------ sums after a sentence

CHANGES = ("“三公”经费支出决算数比2016年度减少0.28万元,降低3.09%,其中:因公出国(境)费支出决算减少0万元,降低0%;"
           "公务用车购置及运行维护费支出决算减少0.29万元,降低3.31%;公务接待费支出决算增加0.01万元,增长3.45%。\n")


def test_should_sum_item_changes_of_a_complete_list(tmp_path: Path) -> None:
    assert _verdicts(_claims(tmp_path, CHANGES), 0.28, 0.29, 0.01) == {"consistent"}


def test_should_not_sum_changes_of_a_partial_mixed_list(tmp_path: Path) -> None:
    text = CHANGES.replace("因公出国(境)费支出决算减少0万元,降低0%;", "")
    assert not [x for x in _find(_claims(tmp_path, text), 0.28, 0.29, 0.01) if x["kind"] == "sum"]


SENTENCE_LIST = ("累计完成总收入67949万元,比上年同期增加6517万元,增长10.61%。其中:地方收入完成51653万元,"
                 "增加6455万元,增长14.28%;上划中央收入完成12133万元,减少282万元,下降2.27%;"
                 "上划省级收入完成4163万元,增加344万元,增长9.01%。\n")


def test_should_read_qizhong_after_a_sentence(tmp_path: Path) -> None:
    c = _claims(tmp_path, SENTENCE_LIST)
    assert "consistent" in _verdicts(c, 67949, 51653, 12133, 4163)
    assert "consistent" in _verdicts(c, 6517, 6455, 282, 344)


def test_should_not_flag_a_partial_qizhong_after_a_sentence(tmp_path: Path) -> None:
    text = SENTENCE_LIST.replace(";上划省级收入完成4163万元,增加344万元,增长9.01%", "")
    c = _claims(tmp_path, text)
    assert "inconsistent" not in _verdicts(c, 67949, 51653, 12133)
    assert not _find(c, 6517, 6455, 282)  # a partial list of mixed-sign changes says nothing


SAVING = "本年度采购计划金额共计100.00万元,实际采购金额共计80.00万元,共节约资金20.00万元,节约率为20%。\n"


def test_should_read_savings(tmp_path: Path) -> None:
    c = _claims(tmp_path, SAVING)
    assert _verdicts(c, 100, 80, 20) >= {"consistent"}
    assert "consistent" in _verdicts(c, 20, 100, 20)


def test_should_flag_a_wrong_saving_rate(tmp_path: Path) -> None:
    c = _claims(tmp_path, SAVING.replace("节约率为20%", "节约率为25%"))
    assert "inconsistent" in _verdicts(c, 20, 100, 25)


def test_should_not_read_savings_without_planned_amount(tmp_path: Path) -> None:
    assert not _find(_claims(tmp_path, "实际采购金额共计80.00万元,共节约资金20.00万元。\n"), 80, 20)


@pytest.mark.parametrize("text,numbers", [
    ("项目支出预算较上年增 5.00万元,增幅 25.00%,预算数为25.00万元。\n", (5, 25)),
    ("三公经费合计为1000.86万,其中:公务接待费43.77万元、培训费957.09万元。\n", (1000.86, 43.77, 957.09)),
])
def test_should_read_wording_variants(tmp_path: Path, text: str, numbers: tuple[float, ...]) -> None:
    assert _find(_claims(tmp_path, text), *numbers)


def test_should_not_read_bare_zeng_as_a_change(tmp_path: Path) -> None:
    # "增" alone is a change word only right after a comparison (较上年增…)
    assert not [x for x in _claims(tmp_path, "本年新增 5.00万元用于设备购置。\n") if x["kind"] == "yoy"]


# ------------------------------------------------------------------ counts, averages, cross references

COUNTS = ("抽审的41个项目审核等级为:1个项目评为优,占评定项目的2.44%;3个项目评为良,占评定项目的7.32%;"
          "35个项目评为中,占评定项目的85.36%;2个项目评为差,占评定项目的4.88%。\n")


def test_should_read_a_count_list_and_its_shares(tmp_path: Path) -> None:
    c = _claims(tmp_path, COUNTS)
    assert "consistent" in _verdicts(c, 41, 1, 3, 35, 2)
    assert _verdicts(c, 3, 41, 7.32) == {"consistent"}
    assert _verdicts(c, 35, 41, 85.36) == {"inconsistent"}  # 35/41 = 85.37%


def test_should_not_add_nested_project_levels(tmp_path: Path) -> None:
    # 二级项目 sit under 一级项目: the two counts are not parts of one total
    c = _claims(tmp_path, "纳入绩效自评的项目5个,其中:一级项目2个,二级项目5个。\n")
    assert not [x for x in _find(c, 5, 2, 5) if x["kind"] == "sum"]


BOTH_TOTALS = ("2023年度收入总计434.72万元。\n2023年度支出总计434.72万元。\n"
               "收入支出总体与上年相比,增加58.21万元,增长15.46%。\n")


def test_should_read_the_income_and_expenditure_total_as_subject(tmp_path: Path) -> None:
    assert _verdicts(_claims(tmp_path, BOTH_TOTALS), 434.72, 58.21, 15.46) == {"consistent"}


def test_should_not_take_a_subject_when_the_two_totals_differ(tmp_path: Path) -> None:
    c = _claims(tmp_path, BOTH_TOTALS.replace("支出总计434.72", "支出总计430.00"))
    assert not [x for x in _find(c, 58.21, 15.46) if x["kind"] == "yoy" and x["verdict"] != "uncheckable"]


HEAD_KIND = ("“三公”经费财政拨款支出年初预算为22.00万元,支出决算为8.77万元,完成预算的39.86%,其中:"
             "因公出国(境)费决算为0万元;公务用车购置及运行维护费支出决算为8.47万元;公务接待费支出决算为0.30万元。\n")


def test_should_take_the_total_of_the_items_kind(tmp_path: Path) -> None:
    c = _claims(tmp_path, HEAD_KIND)
    assert "consistent" in _verdicts(c, 8.77, 8.47, 0.30)


def test_should_not_add_actual_items_to_the_budget(tmp_path: Path) -> None:
    assert not [x for x in _find(_claims(tmp_path, HEAD_KIND), 22.00, 8.47, 0.30) if x["kind"] == "sum"]


APPROPRIATIONS = ("本年收入合计3765.66万元,其中:一般公共预算财政拨款收入1008.64万元;政府性基金预算财政拨款收入605.99万元;"
                  "事业收入2148.69万元;其他收入2.34万元。\n\n2020年财政拨款收入总计1614.63万元。\n")


def test_should_cross_reference_appropriation_income(tmp_path: Path) -> None:
    c = _claims(tmp_path, APPROPRIATIONS)
    assert "consistent" in _verdicts(c, 1614.63, 1008.64, 605.99)
    c = _claims(tmp_path, APPROPRIATIONS.replace("1614.63", "1600.00"))
    assert "inconsistent" in _verdicts(c, 1600.00, 1008.64, 605.99)


def test_should_not_flag_appropriations_carried_over(tmp_path: Path) -> None:
    # a 总计 may add last year's appropriations carried over: a larger total is not an error
    c = _claims(tmp_path, APPROPRIATIONS.replace("1614.63", "1700.00"))
    assert "inconsistent" not in _verdicts(c, 1700.00, 1008.64, 605.99)
    one = APPROPRIATIONS.replace("政府性基金预算财政拨款收入605.99万元;", "")
    assert not [x for x in _claims(tmp_path, one) if x["kind"] == "cross_ref"]


AVERAGE = "公务车辆实有数为206辆,全年车辆运行费1114.65万元,平均每辆车运行维护费5.41万元。\n"


def test_should_check_an_average_per_vehicle(tmp_path: Path) -> None:
    assert _verdicts(_claims(tmp_path, AVERAGE), 1114.65, 206, 5.41) == {"consistent"}
    assert _verdicts(_claims(tmp_path, AVERAGE.replace("5.41", "5.51")), 1114.65, 206, 5.51) == {"inconsistent"}


def test_should_not_read_a_unit_price_as_an_average(tmp_path: Path) -> None:
    c = _claims(tmp_path, "车辆购置支出115万元,全年购置轿车2辆(每辆25万元)。\n")
    assert not _find(c, 115, 2, 25)


# ------------------------------------------------------------------ a total change and the items given as reasons

REASONS = ("2022年“三公”经费决算数相较于上年增加275.76万元,主要原因是:\n\n1、公务用车购置增加126.72万元,更换车辆。\n\n"
           "2、公务用车运行维护费增加144.71万元,维修费上升。\n\n3、公务接待费增加4.34万元;会议费减少87.51万元。\n")
BASIC = ("2018年基本支出预算较上年增17.1万元,增幅17.18%。主要变动原因如下:\n1.工资福利支出较上年增18.67万元,增21.86%。\n"
         "2.商品和服务支出较上年减0.04万元,增0.01%。\n3.对个人和家庭补助支出较上年增加0.11万元,增幅0.01%。\n")


def test_should_sum_item_changes_given_as_reasons(tmp_path: Path) -> None:
    assert "consistent" in _verdicts(_claims(tmp_path, REASONS), 275.76, 126.72, 144.71, 4.34)
    # 基本支出 = 工资福利 + 商品和服务 + 对个人和家庭的补助: a complete list, so a shortfall is an error too
    assert "inconsistent" in _verdicts(_claims(tmp_path, BASIC), 17.1, 18.67, 0.04, 0.11)


def test_should_not_sum_reasons_outside_a_known_breakdown(tmp_path: Path) -> None:
    # 工资福利/商品和服务 are not the 基本支出 + 项目支出 split of an expenditure total
    c = _claims(tmp_path, "本年支出合计比上年增加10.00万元,主要原因:1.工资福利支出增加8.00万元;2.商品和服务支出减少3.00万元。\n")
    assert not [x for x in _find(c, 10, 8, 3) if x["kind"] == "sum"]
    # a partial 三公 list with a rise and a fall says nothing
    mixed = REASONS.replace("增加144.71", "减少144.71").replace("1、公务用车购置增加126.72万元,更换车辆。\n\n", "")
    assert not [x for x in _find(_claims(tmp_path, mixed), 275.76, 144.71, 4.34) if x["kind"] == "sum"]


# ------------------------------------------------------------------ headers over several rows

STACKED = """单位:万元
“三公”经费 | 机关运行经费 | ||||
合计 | 因公出国(境)费 | 公务用车购置及运行费 | 公务接待费 | ||||
小计 | 公务用车购置费 | 公务用车运行费 | ||||
预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 325.88 |
22.00 | 8.77 | 14.00 | 8.47 | 14.00 | 8.47 | 8.00 | 0.30 |
公务用车购置及运行维护费支出决算为8.47万元,完成预算的60.50%;公务接待费支出决算为0.30万元,完成预算的3.75%。
"""


def test_should_align_a_value_row_under_a_stacked_header(tmp_path: Path) -> None:
    # empty cells left out of the value row: the only placements that fit the header's sums agree
    c = _claims(tmp_path, STACKED)
    assert _verdicts(c, 22, 14, 8) == {"consistent"}
    assert _verdicts(c, 8.77, 8.47, 0.3) == {"consistent"}
    # the narrative rates take their budgets from the aligned table
    assert _verdicts(c, 8.47, 14, 60.5) == {"consistent"}
    assert _verdicts(c, 0.3, 8, 3.75) == {"consistent"}


def test_should_not_align_a_value_row_that_fits_no_placement(tmp_path: Path) -> None:
    c = _claims(tmp_path, STACKED.replace("22.00 | 8.77", "40.00 | 8.77"))
    assert not [x for x in c if x["kind"] == "sum" and 40 in _nums(x)]
    assert not [x for x in _find(c, 8.47, 14, 60.5) if x["verdict"] != "uncheckable"]


def test_should_not_take_an_adjusted_budget_for_a_rate_of_the_initial_budget(tmp_path: Path) -> None:
    text = ("单位:万元\n项目 | 调整预算数 | 决算数 |\n公务接待费 | 8.00 | 0.30 |\n"
            "公务接待费支出决算为0.30万元,完成年初预算的3.75%。\n")
    assert not [x for x in _find(_claims(tmp_path, text), 0.3, 8, 3.75) if x["kind"] == "execution"]


# ------------------------------------------------------------------ totals carried across sentences

SUBTOTAL = ("(一)本单位2021年度总收入581.45万元,其中本年收入390.55万元,较2020年度决算数减少175.26万元,下降31%。\n"
            "收入具体情况如下。\n1.一般公共预算财政拨款收入382.17万元,较2020年度决算数减少157.86万元,下降29.2%。\n"
            "2.上级补助收入8.38万元,较2020年度决算数减少17.40万元,下降67.5%。\n"
            "3.上年结转和结余190.89万元,较2020年度决算数减少7.63万元,下降3.8%。\n")


def test_should_read_grand_total_as_this_year_plus_carried_over(tmp_path: Path) -> None:
    c = _claims(tmp_path, SUBTOTAL)
    assert _verdicts(c, 581.45, 390.55, 190.89) == {"consistent"}
    assert "consistent" in _verdicts(c, 390.55, 382.17, 8.38)
    assert "consistent" in _verdicts(c, 175.26, 157.86, 17.4)
    c = _claims(tmp_path, SUBTOTAL.replace("190.89", "199.89"))
    assert "inconsistent" in _verdicts(c, 581.45, 390.55, 199.89)


def test_should_not_add_carried_over_funds_to_this_years_income(tmp_path: Path) -> None:
    c = _claims(tmp_path, SUBTOTAL)
    assert not [x for x in _find(c, 390.55, 190.89) if x["kind"] == "sum" and x["reported"]["total"] == 390.55]
    # without a "总收入…其中本年收入" head the numbered items are not read as its parts
    c = _claims(tmp_path, SUBTOTAL.replace("总收入581.45万元,其中本年收入", "本年收入"))
    assert not [x for x in _find(c, 390.55, 382.17, 8.38) if x["kind"] == "sum"]


BREAKDOWN = ("一、累计完成公共财政预算总收入67949万元,比上年同期增加6517万元,增长10.61%。\n"
             "二、分征收部门完成情况为:国税局完成13040万元,减少201万元,下降1.52%;地税局完成24307万元,"
             "增加2635万元,增长12.16%;财政局完成30602万元,增加4083万元,增长15.4%。\n")


def test_should_read_a_breakdown_of_an_earlier_total(tmp_path: Path) -> None:
    c = _claims(tmp_path, BREAKDOWN)
    assert _verdicts(c, 67949, 13040, 24307, 30602) == {"consistent"}
    assert _verdicts(c, 6517, 201, 2635, 4083) == {"consistent"}
    c = _claims(tmp_path, BREAKDOWN.replace("30602", "36602"))
    assert "inconsistent" in _verdicts(c, 67949, 13040, 24307, 36602)


def test_should_not_read_a_breakdown_without_a_grand_total(tmp_path: Path) -> None:
    text = BREAKDOWN.replace("公共财政预算总收入", "地方税收")
    assert not [x for x in _find(_claims(tmp_path, text), 67949, 13040) if x["kind"] == "sum"]
    # a paragraph that does not say it breaks a total down is not read as one
    text = BREAKDOWN.replace("分征收部门完成情况为:", "")
    assert not [x for x in _find(_claims(tmp_path, text), 67949, 13040) if x["kind"] == "sum"]


BUDGETS_TABLE = """单位:万元
项目 | 年初预算数 | 调整预算数 | 决算数 | 完成率 |
一般公共预算财政拨款收入 | 100.00 | 120.00 | 118.00 | 118.00% |
"""


def test_should_read_a_bare_rate_against_either_budget_column(tmp_path: Path) -> None:
    # 完成率 under 年初预算数 and 调整预算数: 118/100 fits the 年初 column
    assert "consistent" in _verdicts(_claims(tmp_path, BUDGETS_TABLE), 118, 118, 100)
    c = _claims(tmp_path, BUDGETS_TABLE.replace("118.00%", "90.00%"))
    assert _verdicts(c, 118, 90, 120) == {"inconsistent"}


def test_should_not_read_a_named_rate_against_the_other_budget(tmp_path: Path) -> None:
    # 完成年初预算% names its base: 118/120 = 98.33% is not what it says
    text = BUDGETS_TABLE.replace("完成率", "完成年初预算%").replace("118.00%", "98.33%")
    assert _verdicts(_claims(tmp_path, text), 118, 98.33, 100) == {"inconsistent"}


def test_should_read_a_total_row_under_its_parts(tmp_path: Path) -> None:
    text = "单位:万元\n项目 | 年初预算数 | 决算数 |\n货物 | 10.00 | 8.50 |\n服务 | 40.00 | 39.43 |\n合计 | 50.00 | 47.93 |\n"
    c = _claims(tmp_path, text)
    assert _verdicts(c, 50, 10, 40) == {"consistent"}
    assert _verdicts(_claims(tmp_path, text.replace("47.93", "28.69")), 28.69, 8.5, 39.43) == {"inconsistent"}


def test_should_not_add_nested_rows_into_a_bottom_total(tmp_path: Path) -> None:
    text = ("单位:万元\n项目 | 预算数 | 决算数 |\n公务接待费 | 8.00 | 0.30 |\n公务用车购置及运行费 | 14.00 | 8.47 |\n"
            "公务用车购置费 | 0.00 | 0.00 |\n公务用车运行费 | 14.00 | 8.47 |\n合计 | 22.00 | 8.77 |\n")
    assert not [x for x in _claims(tmp_path, text) if x["kind"] == "sum" and x["reported"]["total"] in (22, 8.77)]
    # a 行次 column is not an amount
    text = "单位:万元\n项目 | 行次 | 决算数 |\n货物 | 1 | 8.50 |\n服务 | 2 | 39.43 |\n合计 | 3 | 47.93 |\n"
    assert not [x for x in _claims(tmp_path, text) if x["kind"] == "sum" and x["reported"]["total"] == 3]


NEWS = ("公务用车1229.65万元\n养206辆车花1114万\n"
        "审计署表示,2010年公务用车购置及运作费主要包括两方面的支出。\n其一,车辆购置支出115万元。\n"
        "其二,车辆运作维护支出。全年车辆运作费1114.65万元,平均每辆车运作维护费5.41万元。\n\n"
        "公务接待657.42万元\n涉外接待支出140万\n审计署表示,其中涉外的公务接待费支出140万元。\n"
        "而其他公务接待费支出517.42万元,主要用于交换审计情况。\n")


def test_should_split_a_news_title_amount_by_the_text_below(tmp_path: Path) -> None:
    c = _claims(tmp_path, NEWS)
    assert _verdicts(c, 1229.65, 115, 1114.65) == {"consistent"}
    assert _verdicts(c, 657.42, 140, 517.42) == {"consistent"}
    assert "inconsistent" in _verdicts(_claims(tmp_path, NEWS.replace("1229.65", "1029.65")), 1029.65, 115, 1114.65)


def test_should_not_split_a_subtitle_or_a_different_item(tmp_path: Path) -> None:
    c = _claims(tmp_path, NEWS)
    # the subtitle (养206辆车花1114万) is not the total of the items
    assert not [x for x in c if x["kind"] == "sum" and x["reported"]["total"] in (1114, 140)]
    # "其他" of another item than the one named after 其中
    text = NEWS.replace("而其他公务接待费支出517.42万元", "而其他会议费支出517.42万元")
    assert not _find(_claims(tmp_path, text), 657.42, 140, 517.42)
    # the number of items said beforehand (三方面) does not match the items found
    text = NEWS.replace("两方面", "三方面")
    assert not _find(_claims(tmp_path, text), 1229.65, 115, 1114.65)


def test_should_not_sum_counts_beside_amounts_under_a_stacked_header(tmp_path: Path) -> None:
    text = ("单位:万元\n“三公”经费 | ||||\n合计 | 因公出国(境)费 | 公务接待费 | 接待批次 | ||||\n"
            "预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 | 预算数 | 决算数 |\n"
            "22.00 | 8.77 | 0.00 | 0.00 | 8.00 | 0.30 | 14.00 | 8.47 |\n")
    assert not [x for x in _claims(tmp_path, text) if x["kind"] == "sum" and x["reported"]["total"] in (22, 8.77)]


# ------------------------------------------------------------------ the seed's “三公” items and PDF breaks

SANGONG_ITEMS = ("2.公务用车购置及运行维护费支出15.63万元。其中:\n"
                 "(1)公务用车购置支出0万元。本年度使用财政拨款购置公务用车0辆。与上年决算相比,增加0万元,增长0%。\n"
                 "(2)公务用车运行维护费支出15.63万元。截至2024年12月31日,公务用车保有量为8辆。"
                 "与上年决算相比,减少5.13万元,下降24.72%。\n"
                 "3.公务接待费支出10万元。其中:国内公务接待支出10万元,接待5批次,40人次;"
                 "国(境)外公务接待支出0万元,接待0批次,0人次。与上年决算相比,减少2万元,下降16.67%。\n")


def test_should_end_a_sub_item_list_where_the_enclosing_numbering_goes_on(tmp_path: Path) -> None:
    c = _claims(tmp_path, SANGONG_ITEMS)
    sums = [x for x in c if x["kind"] == "sum" and x["reported"]["total"] == 15.63]
    assert [sorted(x["reported"]["parts"]) for x in sums] == [[0, 15.63]]
    assert {x["verdict"] for x in sums} == {"consistent"}
    # a wrong sub-item is still caught
    c = _claims(tmp_path, SANGONG_ITEMS.replace("(2)公务用车运行维护费支出15.63", "(2)公务用车运行维护费支出19.63"))
    assert _verdicts(c, 15.63, 0, 19.63) == {"inconsistent"}


def test_should_not_add_the_next_numbered_item_to_a_sub_item_list(tmp_path: Path) -> None:
    c = _claims(tmp_path, SANGONG_ITEMS)
    assert not [x for x in c if x["kind"] == "sum" and x["reported"]["total"] == 15.63 and 10 in x["reported"]["parts"]]


def test_should_pin_a_change_after_a_breakdown_on_its_head(tmp_path: Path) -> None:
    c = _claims(tmp_path, SANGONG_ITEMS)
    yoy = [x for x in c if x["rule"] == "arithmetic.yoy" and x["reported"]["change"] == 2]
    assert [(x["reported"].get("current"), x["verdict"]) for x in yoy] == [(10, "consistent")]
    # the changes inside a numbered sub-item stay with that sub-item
    assert [x["reported"].get("current") for x in c if x["rule"] == "arithmetic.yoy"
            and x["line"] == 2] == [0]


def test_should_not_pin_a_change_on_the_last_part_of_a_breakdown(tmp_path: Path) -> None:
    c = _claims(tmp_path, SANGONG_ITEMS.replace("减少2万元,下降16.67%", "减少2万元,下降26.67%"))
    yoy = [x for x in c if x["rule"] == "arithmetic.yoy" and x["reported"]["change"] == 2]
    assert [(x["reported"].get("current"), x["verdict"]) for x in yoy] == [(10, "inconsistent")]


BROKEN_AFTER_STOP = ("二、支出决算情况说明\n本部门2024年度支出决算1570.35万元。\n"
                     "与年初预算1834.70万元相比,减少264.35万元,完成年初预算的85.59%。\n")


def test_should_read_an_execution_across_a_break_after_a_full_stop(tmp_path: Path) -> None:
    c = _claims(tmp_path, BROKEN_AFTER_STOP)
    assert [x["verdict"] for x in c if x["kind"] == "execution" and _find([x], 1570.35, 1834.7, 85.59)] == ["consistent"]
    c = _claims(tmp_path, BROKEN_AFTER_STOP.replace("85.59", "95.59"))
    assert _verdicts([x for x in c if x["kind"] == "execution"], 1570.35, 1834.7, 95.59) == {"inconsistent"}


def test_should_not_reach_back_two_sentences_across_a_break(tmp_path: Path) -> None:
    text = ("二、支出决算情况说明\n本部门2024年度支出决算1570.35万元。\n本年度项目较多,支出进度有所加快。\n"
            "完成年初预算的85.59%。\n")
    assert not [x for x in _claims(tmp_path, text) if x["kind"] == "execution"]
