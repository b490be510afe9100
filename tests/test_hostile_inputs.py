"""Issue 8, the disclosure-input half: hostile inputs through the real CLI.

Every entry of the catalogue is a file built here in ``tmp_path`` and run through ``juesuan
check FILE`` and ``juesuan extract FILE -o OUT`` (click's runner, in process: the same
``main`` and ``_endpoint`` as the console script, without paying the ~4 s start-up per call).
An unreadable input must give exit 2, exactly one stderr line naming the file (and the line
where there is one) and the problem, no traceback and no "internal error", and must leave an
earlier ``-o`` output untouched. An input that is a legitimate, if odd, disclosure must be
audited (exit 0/1) with its numbers read correctly or deliberately left unread.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from juesuan.cli import main
from juesuan.extract import extract
from juesuan.ingest import DEFAULT_MAX_INPUT_MB, normalise_line, read_document

SENT = "本年支出合计100.00万元，其中：基本支出60.00万元，占60.00%；项目支出40.00万元，占40.00%。\n"
HEAD = "一、支出决算情况说明\n"


def _docx_bytes(*paragraphs: str) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("disclosure.txt", SENT)
    return buf.getvalue()


def _random_bytes(n: int, *, nul: bool) -> bytes:
    rnd = random.Random(8)
    alphabet = range(256) if nul else range(1, 256)
    data = bytes(rnd.choice(alphabet) for _ in range(n))
    return data if not nul or b"\x00" in data else data + b"\x00"


def _run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def _one_line_error(code: int, err: str, *needles: str) -> str:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


# --------------------------------------------------------------------------------------------
# Entries 1–6: refused, exit 2, one line naming the file (and line) and what to do

UTF8 = (HEAD + SENT * 5).encode("utf-8")
CUT = "预".encode()[:2]  # the first two of three bytes

REFUSED: dict[str, tuple[str, Callable[[], bytes], tuple[str, ...]]] = {
    # name: (file name, bytes, what the line must say)
    "empty": ("empty.txt", lambda: b"", ("the file is empty",)),
    "whitespace_only": ("blank.txt", lambda: b" \n\t\n\r\n\xe3\x80\x80\n", ("no text",)),
    "binary_with_nul": ("blob.txt", lambda: _random_bytes(4000, nul=True), ("NUL bytes", "blob.txt:")),
    "binary_without_nul": ("noise.txt", lambda: _random_bytes(4000, nul=False), ("not valid UTF-8",)),
    "pdf_renamed_txt": ("a.txt", lambda: b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", ("looks like a PDF", "rename it to .pdf")),
    "zip_renamed_txt": ("b.txt", _zip_bytes, ("ZIP archive",)),
    "docx_renamed_txt": ("c.txt", lambda: _docx_bytes("本年支出合计100.00万元"), ("Word document", "rename it to .docx")),
    "text_named_pdf": ("d.pdf", lambda: SENT.encode(), ("not a valid PDF",)),
    "text_named_docx": ("e.docx", lambda: SENT.encode(), ("not a valid .docx", ".txt")),
    "corrupt_pdf": ("f.pdf", lambda: b"%PDF-1.4\n" + _random_bytes(3000, nul=True), ("cannot read the PDF",)),
    "truncated_docx": ("g.docx", lambda: _docx_bytes(SENT)[:700], ("cannot read the .docx",)),
    "utf8_cut_at_end": ("h.txt", lambda: UTF8 + CUT, ("h.txt:7:", "ends in the middle of a UTF-8 character")),
    "utf8_cut_in_middle": ("i.txt", lambda: UTF8 + CUT + UTF8, ("i.txt:7:", "not valid UTF-8")),
    "gbk_paragraph_in_utf8": (
        "j.txt",
        lambda: UTF8 + "本年收入合计100.00万元，其中财政拨款收入60.00万元。\n".encode("gbk") + UTF8,
        ("j.txt:7:", "GBK", "UTF-8"),
    ),
}


@pytest.mark.parametrize("command", ["check", "extract"])
@pytest.mark.parametrize("entry", list(REFUSED))
def test_refused_with_one_line(tmp_path: Path, entry: str, command: str) -> None:
    name, make, needles = REFUSED[entry]
    f = tmp_path / name
    f.write_bytes(make())
    out = tmp_path / "figures.json"
    out.write_text("earlier work\n", encoding="utf-8")
    args = ["check", str(f)] if command == "check" else ["extract", str(f), "-o", str(out)]
    code, stdout, err = _run(*args)
    line = _one_line_error(code, err, str(f), *needles)
    assert line.startswith("juesuan: ")
    assert not stdout.strip()
    assert out.read_text(encoding="utf-8") == "earlier work\n"  # no earlier output modified


def test_refusal_through_the_console_script_has_no_traceback(tmp_path: Path) -> None:
    """One entry through a real process too: stderr is exactly what a user sees."""
    f = tmp_path / "noise.txt"
    f.write_bytes(_random_bytes(2000, nul=True))
    p = subprocess.run([sys.executable, "-m", "juesuan.cli", "check", str(f)], capture_output=True, text=True,
                       timeout=300, check=False)
    _one_line_error(p.returncode, p.stderr, str(f), "NUL bytes")


# --- 6: size limit ------------------------------------------------------------------------


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.write(SENT.encode())
        fh.truncate(size)  # sparse: nothing like 50 MB is written (or read)
    return path


@pytest.mark.parametrize("command", ["check", "extract"])
def test_a_50_mb_text_is_refused_by_size_before_reading(tmp_path: Path, command: str) -> None:
    f = _sparse(tmp_path / "dump.txt", 50 * 2**20)
    t = time.perf_counter()
    code, _out, err = _run(command, str(f))
    line = _one_line_error(code, err, str(f), "too large", f"limit is {DEFAULT_MAX_INPUT_MB} MB",
                           "JUESUAN_MAX_INPUT_MB=50")
    assert "50.0 MB" in line
    # Refused from stat() alone: reading and decoding 50 MB of NULs takes far longer than this.
    assert time.perf_counter() - t < 5


def test_the_size_limit_is_raised_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = _sparse(tmp_path / "big.txt", 21 * 2**20)
    assert "too large" in _run("check", str(f))[2]
    monkeypatch.setenv("JUESUAN_MAX_INPUT_MB", "22")
    # past the size check, the file is read: its NUL padding is what is refused now
    code, _out, err = _run("check", str(f))
    _one_line_error(code, err, "NUL bytes")
    monkeypatch.setenv("JUESUAN_MAX_INPUT_MB", "lots")
    code, _out, err = _run("check", str(f))
    _one_line_error(code, err, "JUESUAN_MAX_INPUT_MB", "positive number")


# --------------------------------------------------------------------------------------------
# Entry 7: a 1 MB line is read, in linear time


@pytest.mark.parametrize("fill", ["letters", "digits", "prose_with_figures"])
def test_a_one_megabyte_line_is_read_not_hung(tmp_path: Path, fill: str) -> None:
    size = 2**20
    body = {"letters": "a" * size, "digits": "1" * size,
            "prose_with_figures": (SENT.strip() * (size // len(SENT)))}[fill]
    f = tmp_path / "long.txt"
    f.write_text(HEAD + SENT + body + "\n", encoding="utf-8")
    doc = read_document(f)
    assert len(doc.lines) == 3 and len(doc.lines[2]) > size // 2  # one line, not split
    ex = extract(doc)  # in process: returns (a quadratic reader took minutes on this)
    on_line_2 = [c for c in ex.claims if c.line == 2]
    assert {str(c.kind) for c in on_line_2} >= {"sum", "share"}
    if fill == "prose_with_figures":
        # every sentence of the long line is read, each as its own sum
        sums = [c for c in ex.claims if c.line == 3 and str(c.kind) == "sum"]
        assert len(sums) >= size // len(SENT) * 0.9
    else:
        assert not [c for c in ex.claims if c.line == 3]  # a run of letters or digits is not a figure


# --------------------------------------------------------------------------------------------
# Entry 8: odd numbers inside a real disclosure are read right or deliberately left unread


def _check_json(tmp_path: Path, text: str) -> tuple[int, dict]:
    f = tmp_path / "odd.txt"
    f.write_text(text, encoding="utf-8")
    code, out, err = _run("check", str(f), "--json")
    assert code in (0, 1), err
    assert not err.strip(), err
    return code, json.loads(out)


def _reported_numbers(doc: dict) -> list[float]:
    out: list[float] = []
    for c in doc["claims"]:
        for v in c["reported"].values():
            out += [x for x in (v if isinstance(v, list) else [v]) if isinstance(x, (int, float))]
    return out


def test_full_width_digits_are_read_after_normalisation(tmp_path: Path) -> None:
    _code, doc = _check_json(tmp_path, HEAD + "本年支出合计１２３．４５万元，其中：基本支出１００．００万元，"
                                              "占８１．００％；项目支出２３．４５万元，占１９．００％。\n")
    assert 123.45 in _reported_numbers(doc)
    sums = [c for c in doc["claims"] if c["kind"] == "sum"]
    assert sums and sums[0]["reported"]["total"] == 123.45 and sums[0]["verdict"] == "consistent"


def test_a_comma_list_is_three_numbers_not_one_thousands_group(tmp_path: Path) -> None:
    _code, doc = _check_json(tmp_path, HEAD + SENT + "其他事项编号为1,2,3万元。\n")
    assert 123.0 not in _reported_numbers(doc)
    assert normalise_line("1,2,3") == "1,2,3"


def test_chinese_word_percentages_are_left_unclaimed_not_misread(tmp_path: Path) -> None:
    _code, doc = _check_json(tmp_path, HEAD + "本年支出合计100.00万元，其中基本支出30.00万元，占百分之三十。\n" + SENT)
    assert 30.0 not in [v for c in doc["claims"] if c["kind"] == "share" for v in [c["reported"].get("pct")]]
    assert 3.0 not in _reported_numbers(doc) and 10.0 not in _reported_numbers(doc)


@pytest.mark.parametrize("odd", ["1e308", "-0", "99999999999999999999", "9" * 400, "NaN", "inf", "Infinity"])
def test_absurd_numbers_are_deliberately_unread(tmp_path: Path, odd: str) -> None:
    """1e308, 400-digit and 20-digit "amounts", NaN and inf: no claim uses them, no crash, and the
    sentence beside them is still read. (-0 is a legitimate zero: read as 0.)"""
    text = HEAD + f"本年收入合计{odd}万元，其中财政拨款收入{odd}万元，占100%；与上年相比增加{odd}万元。\n" + SENT
    _code, doc = _check_json(tmp_path, text)
    numbers = _reported_numbers(doc)
    assert 100.0 in numbers and 60.0 in numbers  # the ordinary sentence is read
    if odd == "-0":  # read as zero amounts (the 100% beside them is read too)
        assert set(_reported_numbers({"claims": [c for c in doc["claims"] if c["line"] == 2]})) <= {0.0, 100.0}
    else:
        assert not [c for c in doc["claims"] if c["line"] == 2]
        assert all(abs(x) < 1e15 for x in numbers)


# --------------------------------------------------------------------------------------------
# Entry 9: no recognisable section


@pytest.mark.parametrize("text", [
    "The department's annual report.\nTotal income was 100 dollars, up 5% on last year.\n" * 20,
    "今天天气很好，我们去公园散步。\n大家都很开心。\n" * 20,
])
def test_a_text_with_no_disclosure_in_it_reports_nothing_found(tmp_path: Path, text: str) -> None:
    """Not exit 2: a real disclosure juesuan cannot read yet (Chinese-numeral news, corpus 058)
    looks the same, and the scorer and schedulers treat 2 as "could not run". The table says
    "0 claims" and one stderr line asks whether this is the disclosure; the JSON has no claims
    and no findings."""
    f = tmp_path / "prose.txt"
    f.write_text(text, encoding="utf-8")
    code, out, err = _run("check", str(f))
    assert code == 0, err
    expected = (f"juesuan: {f}: no 部门决算 claim recognised — is this the disclosure? "
                "(see juesuan extract --coverage for the numbers it saw)")
    assert err.strip().splitlines() == [expected]
    assert "0 claims" in out
    code, out, _err = _run("check", str(f), "--json")
    doc = json.loads(out)
    assert doc["claims"] == [] and doc["findings"] == [] and doc["summary"]["claims"] == 0
    code, out, _err = _run("extract", str(f))
    assert code == 0 and json.loads(out)["claims"] == []


# --------------------------------------------------------------------------------------------
# Entry 10: sections duplicated or out of order

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "songshan-gov-office" / "2024.txt"


def _seed_sections() -> tuple[list[str], int, int, int, int]:
    """The seed's lines and the starts of its sections 三、四、五、六 of 第二部分 (0-based)."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    heads = ("三、支出决算情况说明", "四、财政拨款收入支出决算总体情况说明", "五、一般公共预算财政拨款支出决算情况", "六、")
    at = []
    for h in heads:
        at.append(next(i for i, ln in enumerate(lines) if ln.strip().startswith(h) and (not at or i > at[-1])))
    return lines, *at


def _numbering(doc: dict) -> list[dict]:
    return [c for c in doc["claims"] if c.get("rule") == "completeness.numbering"]


def test_a_duplicated_section_is_flagged_and_not_double_counted(tmp_path: Path) -> None:
    lines, _three, four, five, _six = _seed_sections()
    dup = lines[:five] + lines[four:five] + lines[five:]  # 四、 pasted in twice
    _code, base = _check_json(tmp_path, "\n".join(lines))
    _code, doc = _check_json(tmp_path, "\n".join(dup))
    shift = five - four
    before = {(c["line"], c["quote"]) for c in _numbering(base)}
    new = [c for c in _numbering(doc) if (c["line"] - (shift if c["line"] > five else 0), c["quote"]) not in before]
    assert [c["line"] for c in new] == [five + 1], new  # the copy's heading, and nothing else
    assert [f for f in doc["findings"] if f["line"] == five + 1 and "appears twice" in f["message"]]
    # the copy's sentences are claims of their own lines: the original claims keep their
    # numbers and verdicts, nothing from the copy is added into them
    orig = {(c["line"], c["quote"]): (c["reported"], c["verdict"]) for c in base["claims"] if c["line"] <= five}
    again = {(c["line"], c["quote"]): (c["reported"], c["verdict"]) for c in doc["claims"] if c["line"] <= five}
    assert again == orig
    copies = [c for c in doc["claims"] if five < c["line"] <= five + shift and c["kind"] != "completeness"]
    assert sorted((c["quote"], c["verdict"]) for c in copies) == sorted(
        (c["quote"], c["verdict"]) for c in base["claims"] if four < c["line"] <= five and c["kind"] != "completeness")


def test_sections_out_of_order_are_flagged(tmp_path: Path) -> None:
    lines, _three, four, five, six = _seed_sections()
    swapped = lines[:four] + lines[five:six] + lines[four:five] + lines[six:]  # 三、五、四、六
    _code, doc = _check_json(tmp_path, "\n".join(swapped))
    notes = [f["message"] for f in doc["findings"] if f["rule"] == "completeness.numbering"]
    assert any("goes back from 5 to 4" in m for m in notes), notes


# --------------------------------------------------------------------------------------------
# Entry 11: table rows with more cells than headers, and fewer

TABLE_HEAD = "项目 | 年初预算 | 决算数\n"


@pytest.mark.parametrize("rows", [
    "基本支出 | 60.00 | 60.00 | 99.00 | 7\n项目支出 | 40.00 | 40.00 | 1.00\n合计 | 100.00 | 100.00 | 3 | 4 | 5\n",
    "基本支出 | 60.00\n项目支出 | 40.00 | 40.00\n合计 | 100.00\n",
], ids=["more_cells_than_headers", "fewer_cells_than_headers"])
def test_ragged_tables_are_read_without_crashing(tmp_path: Path, rows: str) -> None:
    code, doc = _check_json(tmp_path, HEAD + SENT + "表1 支出决算表 单位：万元\n" + TABLE_HEAD + rows)
    assert code in (0, 1)
    # the sentence is still read, and no table claim invents a value from a missing cell
    assert any(c["kind"] == "sum" and c["reported"]["total"] == 100.0 for c in doc["claims"])
    f = tmp_path / "odd.txt"
    out = tmp_path / "figures.json"
    assert _run("extract", str(f), "-o", str(out))[0] == 0
    assert json.loads(out.read_text(encoding="utf-8"))["schema"] == "juesuan/figures/1"

