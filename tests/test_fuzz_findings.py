"""Property: whatever text comes in, the findings document that comes out validates.

Realistic fragments (headings, amounts with units, 合计/其中/占/增长/减少 phrases, ` | ` tables,
random unicode, control characters) are written as UTF-8 and, where encodable, GBK bytes, then
go ingest → extract → checks → suites' findings → the findings document, which must validate
against the published schema ``schemas/findings-1.json`` (``$id`` ``juesuan/findings/1``) with
jsonschema and serialise as strict JSON. Nothing may raise but :class:`InputError`.

Bounded by the ``default`` profile (tests/conftest.py); the long run:
    JUESUAN_FUZZ_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_findings.py
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from conftest import LONG
from juesuan import __version__
from juesuan.checks import check_claims
from juesuan.errors import InputError
from juesuan.extract import extract
from juesuan.findings import SCHEMA_ID, build_findings, findings_document, reconciliation_frame
from juesuan.ingest import read_document

SCHEMA = json.loads((resources.files("juesuan") / "schemas" / "findings-1.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)

HEADINGS = ["一、收入支出决算总体情况说明", "二、收入决算情况说明", "三、支出决算情况说明", "（一）基本支出",
            "四、“三公”经费支出决算情况说明", "第二部分 部门决算情况说明", "五、政府采购支出情况", "三、支出决算情况说明"]
NUMBERS = st.one_of(
    st.decimals(min_value=-10**6, max_value=10**9, places=2, allow_nan=False).map(str),
    st.integers(-10**25, 10**25).map(str),
    st.sampled_from(["0", "-0", "0.00", "1e308", "NaN", "inf", "１２３．４５", "1,234.56", "1,2,3", "百分之三十",
                     "99999999999999999999", "9" * 320, ".5", "5.", "--3", "1.2.3"]),
)
UNITS = st.sampled_from(["万元", "元", "亿元", "千元", "%", "个百分点", "辆", "个", "", "万"])
AMOUNT = st.builds(lambda n, u: n + u, NUMBERS, UNITS)
PHRASES = st.sampled_from(["合计", "其中:", "其中：", "占", "增长", "减少", "增加", "下降", "与上年相比", "完成年初预算的",
                           "比年初预算", "主要原因是", "一是", "二是", "本年收入合计", "本年支出合计", "基本支出",
                           "项目支出", "财政拨款收入", "，", "。", "；", "、", "(类)", "(项)", "决算数为", "年初预算为"])
TABLE_ROW = st.lists(st.one_of(AMOUNT, NUMBERS, PHRASES), min_size=1, max_size=6).map(" | ".join)
JUNK = st.one_of(st.text(max_size=8), st.sampled_from(["\x00", "\x07", "\r", "\t", "\x0c", "\u2028", "\ufeff", "\u200b",
                                                      "\ud7ff", "\U0001f600", "\u3000"]))
LINE = st.lists(st.one_of(st.sampled_from(HEADINGS), AMOUNT, PHRASES, TABLE_ROW, JUNK), max_size=14).map("".join)
TEXT = st.lists(LINE, min_size=1, max_size=25).map("\n".join)


def _bytes_variants(text: str) -> list[tuple[str, bytes]]:
    out = [("utf-8", text.encode("utf-8", errors="surrogatepass"))]
    try:
        out.append(("gbk", text.encode("gbk")))
    except UnicodeEncodeError:
        pass
    return out


def _document(path: Path) -> dict | None:
    """The findings document of one file, built by the functions audit uses; None on InputError.

    The suites (great-expectations, ~0.4 s a call) are left out here: their outcomes only
    select which claims become findings, so every claim is offered as a finding instead
    (a fake failed outcome per rule), which covers more of build_findings, not less.
    """
    try:
        doc = read_document(path)
        ex = extract(doc)
    except InputError as exc:
        assert exc.path == str(path) and "\n" not in exc.one_line()
        return None
    claims = check_claims(ex.claims)
    reconciliation_frame(claims)
    findings = build_findings(claims, _all_rejected(claims))
    return findings_document(department={"id": path.stem, "name": path.stem, "year": None},
                             source={"path": path.name, "sha256": doc.sha256},
                             tool={"version": __version__, "suites": {}}, claims=claims, findings=findings)


class _Rejected:
    """An outcome shaped like suites.Outcome that rejects every claim of one rule."""

    def __init__(self, rule: str, ids: list[str], severity: str) -> None:
        self.check_id, self.unexpected_claim_ids, self.severity = rule, ids, severity
        self.error, self.success, self.suite, self.why = None, False, "fuzz", "fuzz"


def _all_rejected(claims) -> list[_Rejected]:
    rules: dict[str, list[str]] = {}
    for c in claims:
        rules.setdefault(c.rule, []).append(c.id)
    return [_Rejected(r, ids, ("error", "warning", "info")[i % 3]) for i, (r, ids) in enumerate(sorted(rules.items()))]


def _assert_valid(doc: dict) -> None:
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: e.json_path)
    assert not errors, [(e.json_path, e.message) for e in errors[:3]]
    json.dumps(doc, ensure_ascii=False, allow_nan=False)  # strict JSON: no NaN or inf anywhere


def test_the_schema_is_the_published_one_and_ships_with_the_package() -> None:
    assert SCHEMA["$id"] == SCHEMA_ID == "juesuan/findings/1"
    Draft202012Validator.check_schema(SCHEMA)
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"schemas/*.json"' in pyproject  # package data: found by importlib.resources when installed


@settings(max_examples=5000 if LONG else 40)
@given(TEXT)
@example("一、收入决算情况说明\n本年收入合计" + "9" * 400 + "万元，其中财政拨款收入" + "9" * 400 + "万元，占100%。")
@example("0元其中:1.0")  # found by this test: "1.0" taken for a list item "1."
@example("\x00")
@example("1" * 20000)
def test_findings_document_always_validates(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    for encoding, data in _bytes_variants(text):
        f = folder / f"{encoding}.txt"
        f.write_bytes(data)
        doc = _document(f)
        if doc is not None:
            _assert_valid(doc)


@pytest.mark.slow
@settings(max_examples=200 if LONG else 4)
@given(TEXT)
def test_audit_file_findings_validate(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """The same property through audit_file, great-expectations suites included (slow: few examples)."""
    from juesuan.audit import audit_file

    f = tmp_path_factory.mktemp("audit") / "d.txt"
    f.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        result = audit_file(f)
    except InputError:
        return
    _assert_valid(result.findings_document())


def test_regression_an_amount_after_qizhong_is_not_a_numbered_list(tmp_path: Path) -> None:
    """Hypothesis found "0元其中:1.0" crashing the list reader (an assert on "1." + digit)."""
    f = tmp_path / "r.txt"
    f.write_text("0元其中:1.0\n本年支出合计3.00万元，其中：1.50万元用于A，1.50万元用于B。\n", encoding="utf-8")
    doc = _document(f)
    assert doc is not None
    _assert_valid(doc)
