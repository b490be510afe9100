"""Claims → frame → suites → ranked findings → the findings document and its files."""

from __future__ import annotations

import copy
import csv
import json
import math

import pytest

from juesuan import suites
from juesuan.checks import check_claims
from juesuan.claims import Claim, Kind, Printed
from juesuan.findings import (
    CSV_COLUMNS,
    FRAME_COLUMNS,
    SCHEMA_ID,
    build_findings,
    findings_document,
    reconciliation_frame,
    validate_document,
    write_findings,
)
from juesuan.suites import Outcome


def _wan(text: str, label: str = "") -> Printed:
    return Printed(text, "万元", label=label)


def _pct(text: str) -> Printed:
    return Printed(text, "%")


def _claims() -> list[Claim]:
    """A consistent sum, two broken sums, a broken and a fine share, a broken yoy, an uncheckable share."""
    return check_claims([
        Claim(kind=Kind.SUM, section="二、收入决算情况说明", line=12,
              quote="本年收入决算合计 721.17万元，其中财政拨款收入 631.01万元，其他收入 90.16万元",
              numbers={"total": _wan("721.17"), "parts": [_wan("631.01"), _wan("90.16")]},
              rule="arithmetic.sum"),
        Claim(kind=Kind.SUM, section="七、三公经费", line=60,
              quote="三公经费 15.63万元，其中公务接待费 5.00万元，公务用车运行费 10.60万元",
              numbers={"total": _wan("15.63", "三公经费"), "parts": [_wan("5.00"), _wan("10.60")]},
              rule="arithmetic.sum"),
        Claim(kind=Kind.SUM, section="三、支出决算情况说明", line=30,
              quote="本年支出合计 900.00万元，其中基本支出 700.00万元，项目支出 150.00万元",
              numbers={"total": _wan("900.00"), "parts": [_wan("700.00"), _wan("150.00")]},
              rule="arithmetic.sum"),
        Claim(kind=Kind.SHARE, section="二、收入决算情况说明", line=13, quote="财政拨款收入占 90.0%",
              numbers={"part": _wan("631.01"), "total": _wan("721.17"), "pct": _pct("90.0")},
              rule="arithmetic.share"),
        Claim(kind=Kind.SHARE, section="二、收入决算情况说明", line=14, quote="财政拨款收入占 87.5%",
              numbers={"part": _wan("631.01"), "total": _wan("721.17"), "pct": _pct("87.5")},
              rule="arithmetic.share"),
        Claim(kind=Kind.YOY, section="二、收入决算情况说明", line=15,
              quote="与上年相比减少 12.30万元，下降 10.9%",
              numbers={"current": _wan("100.00"), "prior": _wan("112.50"), "change": _wan("12.30"),
                       "pct": _pct("10.9")},
              words={"direction": "dec"}, rule="arithmetic.yoy"),
        Claim(kind=Kind.SHARE, section="九、其他", line=90, quote="占 0%",
              numbers={"part": Printed("0", "万元"), "total": Printed("0", "万元"), "pct": _pct("0")},
              rule="arithmetic.share"),
    ])


@pytest.fixture(scope="module")
def checked():
    claims = _claims()
    outcomes = suites.validate(reconciliation_frame(claims))
    return claims, outcomes, build_findings(claims, outcomes)


def _document(claims, findings) -> dict:
    return findings_document(
        department={"id": "songshan-gov-office", "name": "赤峰市松山区人民政府办公室", "year": 2024},
        source={"path": "2024.txt", "sha256": "ab" * 32},
        tool={"version": "0.1.0", "suites": suites.suite_hashes()},
        claims=claims, findings=findings)


def test_frame_has_one_typed_row_per_claim():
    claims = _claims()
    frame = reconciliation_frame(claims)
    assert tuple(frame.columns) == FRAME_COLUMNS
    assert list(frame["claim_id"]) == [c.id for c in claims]
    assert str(frame["gap"].dtype) == "float64" and str(frame["line"].dtype) == "int64"
    uncheckable = frame[frame["verdict"] == "uncheckable"]
    assert len(uncheckable) == 1 and math.isnan(uncheckable["gap"].iloc[0])


def test_empty_frame_keeps_its_columns():
    frame = reconciliation_frame([])
    assert tuple(frame.columns) == FRAME_COLUMNS and frame.empty


def test_findings_are_ranked_by_severity_then_amount_then_line(checked):
    _, _, findings = checked
    assert [f.id for f in findings] == ["F001", "F002", "F003", "F004"]
    assert [(f.severity, f.rule, f.line) for f in findings] == [
        ("error", "arithmetic.sum", 30),     # 50 万元 missing from the parts
        ("error", "arithmetic.sum", 60),     # 0.015 万元
        ("warning", "arithmetic.share", 13),  # ≈17.7 万元 of share misstatement
        ("warning", "arithmetic.yoy", 15),    # 0.185 万元
    ]
    amounts = [f.amount_wan for f in findings if f.severity == "error"]
    assert amounts == sorted(amounts, reverse=True)


def test_a_message_shows_the_numbers_the_gap_and_the_quote(checked):
    claims, _, findings = checked
    f = next(f for f in findings if f.line == 60)
    assert f.claim_ids == (next(c.id for c in claims if c.line == 60),)
    assert f.message.startswith("sum: 三公经费 15.63 万元 ≠ sum of parts 15.59–15.61 万元")
    assert "gap 0.015 万元" in f.message and "三公经费 15.63万元" in f.message
    assert (f.gap, f.gap_unit, f.section) == (pytest.approx(0.015), "万元", "七、三公经费")


def test_an_errored_check_becomes_an_error_finding(checked):
    claims, outcomes, _ = checked
    broken = Outcome(suite="arithmetic", check_id="arithmetic.cross_ref", severity="warning", why="-",
                     success=False, element_count=0, unexpected_claim_ids=(), error="column gap missing")
    findings = build_findings(claims, [*outcomes, broken])
    errored = [f for f in findings if f.message.startswith("check errored: column gap missing")]
    assert len(errored) == 1
    assert (errored[0].rule, errored[0].severity, errored[0].claim_ids) == ("arithmetic.cross_ref", "error", ())


def test_document_matches_the_schema_and_counts(checked):
    claims, _, findings = checked
    doc = _document(claims, findings)
    validate_document(doc)
    assert list(doc) == ["schema", "department", "source", "tool", "claims", "findings", "summary"]
    assert doc["schema"] == SCHEMA_ID
    assert doc["summary"] == {"claims": 7, "inconsistent": 4, "errors": 2, "warnings": 2, "uncheckable": 1}
    assert doc["findings"][0]["claim_ids"] == list(findings[0].claim_ids)


def test_schema_rejects_a_bad_severity(checked):
    claims, _, findings = checked
    doc = copy.deepcopy(_document(claims, findings))
    doc["findings"][0]["severity"] = "fatal"
    with pytest.raises(ValueError, match=r"\$\.findings\[0\]\.severity"):
        validate_document(doc)


def test_write_findings_writes_json_and_csv_reproducibly(checked, tmp_path):
    claims, _, findings = checked
    doc = _document(claims, findings)
    out = tmp_path / "reports" / "songshan-gov-office"
    write_findings(doc, out)
    json_bytes = (out / "findings.json").read_bytes()
    csv_bytes = (out / "findings.csv").read_bytes()
    assert json.loads(json_bytes.decode("utf-8")) == doc
    assert json_bytes.endswith(b"}\n") and "赤峰市".encode() in json_bytes  # not \u-escaped
    rows = list(csv.DictReader(csv_bytes.decode("utf-8").splitlines()))
    assert len(rows) == len(findings)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["id"] for r in rows] == [f.id for f in findings]
    assert rows[0]["claim_ids"] == ";".join(findings[0].claim_ids)

    write_findings(doc, out)
    assert (out / "findings.json").read_bytes() == json_bytes
    assert (out / "findings.csv").read_bytes() == csv_bytes
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "findings.json"]  # no temp files left


def test_low_execution_threshold_comes_from_params():
    """observation.low_execution reads thresholds.execution_low_pct through a GX $PARAMETER."""
    from juesuan import suites
    from juesuan.checks import check_claims as _check
    from juesuan.claims import Claim as _Claim
    from juesuan.claims import Kind as _Kind
    from juesuan.claims import Printed as _P

    claims = _check([_Claim(_Kind.EXECUTION, "s", 3, "年初预算226万元,支出决算81.55万元,完成年初预算的36.08%",
                            {"actual": _P("81.55", "万元"), "budget": _P("226", "万元"), "pct": _P("36.08", "%")},
                            rule="arithmetic.execution")])
    frame = reconciliation_frame(claims)

    def flagged(threshold: float) -> list[str]:
        outs = suites.validate(frame, {"execution_low_pct": threshold})
        return [f.rule for f in build_findings(claims, outs)]

    assert flagged(80.0) == ["observation.low_execution"]
    assert flagged(30.0) == []
    [finding] = build_findings(claims, suites.validate(frame, {"execution_low_pct": 80.0}))
    assert round(finding.amount_wan, 2) == 144.45  # the unspent budget


def test_a_claim_judged_only_by_an_info_rule_does_not_count_as_inconsistent():
    from juesuan import suites
    from juesuan.checks import check_claims as _check
    from juesuan.claims import Claim as _Claim
    from juesuan.claims import Kind as _Kind

    gap = _Claim(_Kind.COMPLETENESS, "五", 105, "(三)社会保障和就业支出(类)", {},
                 {"item": "section numbering", "expected": "2", "found": "3", "present": "no"},
                 rule="completeness.numbering")
    claims = _check([gap])
    found = build_findings(claims, suites.validate(reconciliation_frame(claims)))
    assert [(f.rule, f.severity) for f in found] == [("completeness.numbering", "info")]
    doc = findings_document(department={"id": "x", "name": "x", "year": 2024}, source={"path": "x", "sha256": "0"},
                            tool={"version": "0", "suites": {}}, claims=claims, findings=found)
    assert claims[0].verdict == "inconsistent" and doc["summary"]["inconsistent"] == 0
