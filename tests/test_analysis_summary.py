"""Findings in plain Chinese: one sentence each, the top findings, and the conclusion that names the largest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from juesuan.analysis.summary import RULE_TITLES, TOP_COLUMNS, conclusion, rule_title, sentences, top_findings
from juesuan.audit import audit_document, audit_file
from juesuan.params import load_params
from juesuan.suites import suite_paths

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ROOT / "params" / "songshan-gov-office.yaml"


@pytest.fixture(scope="module")
def seed():
    return audit_document(load_params(PARAMS))


def test_every_rule_of_the_suites_has_a_chinese_title():
    import json

    ids = {e["meta"]["check_id"] for p in suite_paths().values()
           for e in json.loads(p.read_text(encoding="utf-8"))["expectations"]}
    assert ids and ids <= set(RULE_TITLES), sorted(ids - set(RULE_TITLES))
    assert rule_title("no.such_rule") == "no.such_rule"


def test_the_conclusion_names_the_largest_findings(seed):
    text = conclusion(seed)
    assert text.startswith("赤峰市松山区人民政府办公室 2024 年度决算公开文本中，共识别出 255 项")
    first, second = text.index("一是政府采购授予中小企业合同金额前后矛盾"), text.index("二是与年初预算相比减少的 430.14 万元")
    assert first < second
    assert "相差约 19.24 万元（第 143 行）" in text
    assert "其余 25.78 万元没有说明原因（第 49 行，第 97 行重复）" in text
    assert "政府工作督查督办系统建设项目预算 103 万元，年内未实施" in text
    assert not re.search(r"[a-z]{4,}", text)  # plain Chinese: no rule ids, no English messages


def test_top_findings_merge_restatements_and_rank_by_severity_then_amount(seed):
    top = top_findings(seed, None)
    assert tuple(top.columns) == TOP_COLUMNS
    assert top.iloc[0]["ids"] == "F001" and top.iloc[0]["rule"] == "structure.procurement_sme"
    unexplained = top[top["rule"] == "variance.unexplained"].iloc[0]
    assert (unexplained.ids, unexplained.lines, unexplained.amount_wan) == ("F010,F011", "49,97", 25.78)
    assert len(top) == len(seed.findings) - 1
    ranks = top["severity"].map({"error": 0, "warning": 1, "info": 2}).tolist()
    assert ranks == sorted(ranks)
    merged = top_findings(seed, None, merge=True)
    low = merged[merged["rule"] == "observation.low_execution"]
    assert len(low) == 1 and low.iloc[0]["sentence"].endswith("另有 10 处预算执行率低于阈值")
    assert len(top_findings(seed, 5)) == 5


def test_every_finding_gets_a_sentence_with_its_numbers(seed):
    said = sentences(seed)
    assert set(said) == {f.id for f in seed.findings}
    assert said["F001"].startswith("政府采购授予中小企业合同金额前后矛盾，文本写 28.69 万元")
    assert "47.93" in said["F001"]
    assert said["F002"] == "法律顾问经费项目自评表总分 100 分，而预算执行得分与各指标得分合计为 90 分"
    assert said["F005"].startswith("行政运行（项）预算执行率仅 75.22%，207.89 万元预算未使用")
    assert said["F017"].startswith("区政府门户网站维护经费预算执行率仅 28%")
    assert said["F025"].startswith("档案整理经费的“档案录入条数”实际完成 120000.00，是指标值 3000 的 40 倍")


def test_a_clean_disclosure_says_so(tmp_path):
    path = tmp_path / "clean.txt"
    path.write_text("本年收入决算合计 885.90万元，其中：本年一般公共预算财政拨款收入 885.90万元，占 100.00%。\n",
                    encoding="utf-8")
    result = audit_file(path)
    assert result.findings == []
    assert conclusion(result).endswith("未发现需要说明或更正的问题。")
    assert top_findings(result).empty
