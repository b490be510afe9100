"""The extractor never raises: arbitrary Unicode, and real excerpts mutated at random.

Bounded here so `make test` stays fast; for a longer run:
    JUESUAN_FUZZ_PROFILE=long .venv/bin/pytest tests/test_extract_fuzz.py
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.checks import check_claims
from juesuan.extract import extract
from juesuan.findings import build_findings, reconciliation_frame
from juesuan.ingest import Document, normalise_line

# profiles (default / long) are registered in conftest.py

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
SAMPLES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
SAMPLES.append(ROOT / "data" / "songshan-gov-office" / "2024.txt")

# the characters disclosures are made of, so random text reaches the patterns
FISCAL = st.sampled_from(list("0123456789.,%，。；：、（）()|-\n\t 万元亿占增加减少下降增长其中合计总计预算决算完成相比与上年比较为的项类款")
                         + ["万元", "增加", "减少", "占", "%", "其中:", "合计", "与上年相比", "完成预算的", "一是",
                            "变动原因:", "(类)", "(项)", "年初预算", "支出决算", " | ", "“三公”经费", "政府采购支出总额"])


def _doc(text: str) -> Document:
    lines = tuple(normalise_line(x) for x in text.split("\n"))
    return Document(path="fuzz.txt", sha256="0" * 64, fmt="txt", encoding="utf-8", converted=False,
                    lines=lines, raw_lines=tuple(text.split("\n")))


def _run(text: str) -> None:
    ex = extract(_doc(text))
    claims = check_claims(ex.claims)
    reconciliation_frame(claims)
    build_findings(claims, [])
    for c in claims:
        c.to_dict()


@given(st.text())
def test_arbitrary_unicode_never_raises(text: str) -> None:
    _run(text)


@given(st.lists(FISCAL, max_size=200).map("".join))
def test_fiscal_alphabet_soup_never_raises(text: str) -> None:
    _run(text)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
@settings(max_examples=8)
@given(data=st.data())
def test_mutated_real_excerpts_never_raise(sample: Path, data: st.DataObject) -> None:
    text = sample.read_text(encoding="utf-8")[:6000]
    for _ in range(data.draw(st.integers(1, 12))):
        i = data.draw(st.integers(0, max(len(text) - 1, 0)))
        op = data.draw(st.sampled_from(["delete", "insert", "duplicate", "swap_digit"]))
        if op == "delete":
            text = text[:i] + text[i + data.draw(st.integers(1, 40)):]
        elif op == "insert":
            text = text[:i] + data.draw(st.one_of(FISCAL, st.text(max_size=5))) + text[i:]
        elif op == "duplicate":
            text = text[:i] + text[i:i + 80] + text[i:]
        else:
            text = text[:i] + data.draw(st.sampled_from("0123456789.")) + text[i + 1:]
    _run(text)
