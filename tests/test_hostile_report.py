"""Issue 8, report half: markup from the disclosure or the params never becomes markup in a report.

One full audit (module fixture) of the bundled disclosure with payloads injected into a sentence
that the extractor quotes and into department_name; every assertion reads that one report.
Failure pages (a notebook that raises, a kernel that dies) use stub notebooks.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from commands import run_cli
from stubs import stub_notebook

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "songshan-gov-office" / "2024.txt"
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>')
MARKDOWN = "[点我](javascript:alert(1))"  # in the name only: the extractor splits sentences at its colon
FORMULA = "=1+1+cmd|' /C calc'"  # no colon or '!' either: both end a quoted sentence
SENTENCE = "行政运行（项）。"  # the next sentence (line 102) is quoted by a low-execution finding
NAME = "松山" + "".join(PAYLOADS) + MARKDOWN


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def assert_inert(page: str) -> _Elements:
    """No script element, no on*= attribute, no javascript: URL, no payload as raw markup."""
    parsed = _Elements()
    parsed.feed(page)
    assert not [t for t, _ in parsed.tags if t == "script"]
    handlers = [(t, a) for t, attrs in parsed.tags for a, _ in attrs if a.lower().startswith("on")]
    assert not handlers, handlers
    urls = [(t, v) for t, attrs in parsed.tags for _, v in attrs if v and v.strip().lower().startswith("javascript:")]
    assert not urls, urls
    for raw in PAYLOADS:
        assert raw not in page
    return parsed




@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report folder of one audit of a disclosure and params carrying every payload."""
    d = tmp_path_factory.mktemp("hostile")
    text = SEED.read_text(encoding="utf-8")
    assert SENTENCE + "年初预算838.90万元" in text
    text = text.replace(SENTENCE, SENTENCE + FORMULA + "".join(PAYLOADS), 1)
    (d / "d.txt").write_text(text, encoding="utf-8")
    (d / "p.yaml").write_text(f"department_id: hostile\ndepartment_name: {json.dumps(NAME, ensure_ascii=False)}\nyear: 2024\nsource: d.txt\n",
                              encoding="utf-8")
    proc = run_cli("audit", str(d / "p.yaml"), "-o", str(d / "out"))
    assert proc.returncode in (0, 1), proc.stderr
    return d / "out" / "hostile"


@pytest.mark.slow
def test_the_payloads_reached_the_findings_exactly(hostile: Path) -> None:
    """The JSON stays exact: what the disclosure printed, byte for byte (so the report test means something)."""
    doc = json.loads((hostile / "findings.json").read_text(encoding="utf-8"))
    assert doc["department"]["name"] == NAME
    quoted = [f for f in doc["findings"] if PAYLOADS[0] in f["quote"]]
    assert quoted and all(p in quoted[0]["quote"] for p in PAYLOADS)
    assert quoted[0]["quote"].startswith(FORMULA)


@pytest.mark.slow
def test_the_report_has_no_script_and_no_handler_anywhere(hostile: Path) -> None:
    page = (hostile / "report.html").read_text(encoding="utf-8")
    parsed = assert_inert(page)
    assert parsed.title.startswith(NAME)  # <title> shows the name as text
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # header, quote in findings, appendix
    toc = page[page.index('<nav class="toc"'):page.index("</nav>")]
    assert {t for t, _ in _tags(toc)} <= {"nav", "p", "ol", "li", "a"}


def _tags(fragment: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    p = _Elements()
    p.feed(fragment)
    return p.tags


@pytest.mark.slow
def test_no_csv_cell_starts_a_spreadsheet_formula(hostile: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((hostile / "findings.csv").read_text(encoding="utf-8"))))
    assert any(FORMULA in (r.get("quote") or "") for r in rows)
    for r in rows:
        for key in ("message", "quote", "rule", "id"):
            assert not str(r.get(key) or "").startswith(("=", "+", "-", "@", "\t", "\r")), (key, r[key][:40])


# -- failure pages ------------------------------------------------------------------------------




def _params(d: Path) -> Path:
    p = d / "p.yaml"
    p.write_text(f"department_id: hostile\ndepartment_name: {json.dumps(NAME, ensure_ascii=False)}\nyear: 2024\nsource: {SEED}\n", encoding="utf-8")
    return p


@pytest.mark.slow
@pytest.mark.parametrize("code", [
    "raise ValueError(" + repr("".join(PAYLOADS) + "\n\n# 标题\n[x](javascript:alert(1))") + ")",
    "import os\nos._exit(1)",  # no notebook left: the stand-in page carries the department's name as its title
], ids=["notebook raises the payload", "kernel dies"])
def test_a_failed_audit_page_is_inert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    import juesuan.run
    from juesuan.errors import JuesuanError

    monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub_notebook(tmp_path / "stub.ipynb", code))
    with pytest.raises(JuesuanError) as caught:
        juesuan.run.run_audit(str(_params(tmp_path)), str(tmp_path / "out"))
    assert "\n" not in str(caught.value)
    page = (tmp_path / "out" / "hostile" / "report.html").read_text(encoding="utf-8")
    assert "本报告未能完成" in page
    parsed = assert_inert(page)
    assert parsed.title.startswith(NAME)
    assert "标题</h1>" not in page  # "# 标题" in the message is not a heading


def test_the_batch_failure_page_is_inert(tmp_path: Path) -> None:
    from juesuan.batch.core import _failure_page

    _failure_page(tmp_path / "d", "t[x](javascript:alert(1))", "could not read /p\n\n[x](javascript:alert(1)) "
                  + "".join(PAYLOADS))
    assert_inert((tmp_path / "d" / "report.html").read_text(encoding="utf-8"))
