"""Tests for juesuan.ingest: decoding, line map, normalisation, formats and input errors."""

from __future__ import annotations

import hashlib
import io
import os
import time
from pathlib import Path

import pytest

from juesuan.errors import InputError
from juesuan.ingest import MAX_BYTES, Document, normalise_line, read_document

SEED = Path(__file__).parents[1] / "data" / "songshan-gov-office" / "2024.txt"

PARAGRAPH = (
    "赤峰市松山区人民政府办公室2024年度收入、支出决算总计均为885.90万元。\n"
    "与年初预算相比，收、支总计各减少430.14万元，下降32.68%。\n"
    "\n"
    "本年收入决算合计885.90万元，其中：一般公共预算财政拨款收入885.90万元，占100.00%。\n"
    "政府采购支出总额47.93万元，授予中小企业合同金额28.69万元。\n"
)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _error(path) -> InputError:
    with pytest.raises(InputError) as info:
        read_document(path)
    return info.value


# --- text decoding and the line map ----------------------------------------------------------


def test_utf8_bom_and_gbk_decode_to_the_same_lines(tmp_path):
    utf8 = read_document(_write(tmp_path, "a.txt", PARAGRAPH.encode("utf-8")))
    bom = read_document(_write(tmp_path, "b.txt", PARAGRAPH.encode("utf-8-sig")))
    gbk = read_document(_write(tmp_path, "c.txt", PARAGRAPH.encode("gbk")))
    assert (utf8.encoding, bom.encoding, gbk.encoding) == ("utf-8", "utf-8-sig", "gb18030")
    assert utf8.lines == bom.lines == gbk.lines
    assert utf8.raw_lines == bom.raw_lines == gbk.raw_lines
    assert len(utf8.lines) == PARAGRAPH.count("\n")
    assert utf8.lines[2] == ""  # blank lines keep their place
    assert not utf8.converted


def test_gb18030_only_characters_decode(tmp_path):
    # 𠀀 (U+20000) is outside GBK: only GB18030 can encode it.
    text = PARAGRAPH + "生僻字𠀀出现在单位名称中。\n"
    doc = read_document(_write(tmp_path, "a.txt", text.encode("gb18030")))
    assert doc.encoding == "gb18030"
    assert doc.lines[-1] == "生僻字𠀀出现在单位名称中。"


def test_document_fields(tmp_path):
    data = PARAGRAPH.encode("utf-8")
    path = _write(tmp_path, "a.txt", data)
    doc = read_document(path)
    assert isinstance(doc, Document)
    assert doc.path == str(path)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.fmt == "txt"
    assert doc.text == "\n".join(doc.lines)
    assert len(doc.raw_lines) == len(doc.lines)
    with pytest.raises(AttributeError):
        doc.path = "x"  # frozen


def test_path_is_kept_as_given(tmp_path, monkeypatch):
    _write(tmp_path, "a.txt", b"x\n")
    monkeypatch.chdir(tmp_path)
    assert read_document("a.txt").path == "a.txt"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_keep_the_line_count(tmp_path, newline):
    text = newline.join(["第一行", "", "第三行 885.90万元", "第四行"]) + newline
    doc = read_document(_write(tmp_path, "a.txt", text.encode("utf-8")))
    assert doc.lines == ("第一行", "", "第三行 885.90万元", "第四行")


def test_no_final_newline_and_trailing_blank_residue(tmp_path):
    assert len(read_document(_write(tmp_path, "a.txt", b"one\ntwo")).lines) == 2
    # The seed ends with "\n " — residue after the last newline is not a line (like wc -l).
    assert len(read_document(_write(tmp_path, "b.txt", b"one\ntwo\n ")).lines) == 2


def test_stray_carriage_return_does_not_split_a_line(tmp_path):
    doc = read_document(_write(tmp_path, "a.txt", b"a\rb\nc\n"))
    assert doc.lines == ("a b", "c")
    assert doc.raw_lines == ("a\rb", "c")


def test_normalisation_keeps_one_line_per_line(tmp_path):
    raw = "全角：８８５．９０万元\n預(yù)算\n\t\n1,234.56\n"
    doc = read_document(_write(tmp_path, "a.txt", raw.encode("utf-8")))
    assert len(doc.lines) == len(doc.raw_lines) == 4
    assert doc.raw_lines[0] == "全角：８８５．９０万元"


# --- normalise_line --------------------------------------------------------------------------


def test_full_width_digits_percent_and_comma():
    # Decision: the full-width comma becomes ",", like the half-width text of mirror sites.
    assert normalise_line("８８５．９０万元，占１００．００％") == "885.90万元,占100.00%"
    assert normalise_line("政府办公厅（室）及相关机构事务：") == "政府办公厅(室)及相关机构事务:"
    assert normalise_line("因公出国（境）费") == normalise_line("因公出国(境)费")


def test_blanks_tabs_and_controls():
    assert normalise_line("\u3000 合计\u00a0\t885.90\t\t万元 \u3000") == "合计 885.90 万元"
    assert normalise_line("a\x0cb\u200bc\ufeff") == "a bc"
    assert "\n" not in normalise_line("a\nb")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1,234.56", "1234.56"),
        ("58,596,771.09", "58596771.09"),
        ("1,234", "1234"),
        ("合计 6,400.00 元", "合计 6400.00 元"),
        ("-12,345.6", "-12345.6"),
        ("1,000元,2,000元", "1000元,2000元"),
        ("１，２３４万元", "1234万元"),
        # lists, not thousands groups
        ("4125.49,4143.91万元", "4125.49,4143.91万元"),
        ("4125.49,414万元", "4125.49,414万元"),
        ("2023,2024年", "2023,2024年"),
        ("1,2345", "1,2345"),
        ("1,234,5", "1,234,5"),
        ("12,34", "12,34"),
        # a Chinese comma between half-width digits is a clause break, never a thousands group
        ("车辆8，100%用于", "车辆8,100%用于"),
    ],
)
def test_thousands_separators(raw, expected):
    assert normalise_line(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("預(yù)算", "預算"),
        ("山東科技職業(yè)學(xué)院", "山東科技職業學院"),
        ("財(cái)政廳", "財政廳"),
        ("我们的(de)工作", "我们的工作"),
        ("（一）收入决算", "(一)收入决算"),
        ("单价100万元（含）以上", "单价100万元(含)以上"),
        ("附表(a)", "附表(a)"),
        ("某公司(ltd)", "某公司(ltd)"),
        ("见附件(pdf)", "见附件(pdf)"),
        ("word (yù)", "word (yù)"),  # only after a Chinese character
    ],
)
def test_pinyin_stripping(raw, expected):
    assert normalise_line(raw) == expected


def test_sangong_quotes_unified():
    for raw in ('"三公"经费', "“三公”经费", "＂三公＂经费", "‘三公’经费", "「三公」经费"):
        assert normalise_line(raw) == "“三公”经费"
    assert normalise_line("三公经费") == "三公经费"


def test_normalise_is_idempotent():
    for raw in PARAGRAPH.splitlines() + ["８８５．９０万元，占１００．００％", "58,596,771.09", "預(yù)算"]:
        once = normalise_line(raw)
        assert normalise_line(once) == once


# --- traditional → simplified ----------------------------------------------------------------


def test_traditional_text_is_converted(tmp_path):
    doc = read_document(_write(tmp_path, "a.txt", "本年收入決算合計885.90萬元\n".encode()))
    assert doc.converted
    assert "决算合计" in doc.text and "万元" in doc.text
    assert doc.raw_lines == ("本年收入決算合計885.90萬元",)


def test_traditional_with_pinyin_keeps_line_count(tmp_path):
    raw = (
        "九華山風(fēng)景區(qū)宗教事務(wù)局\n\n一般公共預(yù)算財政撥款“三公”經(jīng)費支出決算\n"
        "與上年相比減少0.28萬元,下降4.27%\n"
    )
    doc = read_document(_write(tmp_path, "a.txt", raw.encode("utf-8")))
    assert doc.converted
    assert doc.lines == (
        "九华山风景区宗教事务局",
        "",
        "一般公共预算财政拨款“三公”经费支出决算",
        "与上年相比减少0.28万元,下降4.27%",
    )


def test_big5_traditional_file(tmp_path):
    raw = (
        "本部門2019年度一般公共預算財政撥款收入決算合計885.90萬元，與上年相比增長12.5%。\n"
        "主要原因是人員經費增加，項目支出減少，結轉結餘資金已按規定使用。\n"
    ) * 3
    doc = read_document(_write(tmp_path, "a.txt", raw.encode("big5")))
    assert doc.encoding == "big5"
    assert doc.converted
    assert "财政拨款收入决算合计885.90万元" in doc.lines[0]


def test_simplified_text_untouched(tmp_path):
    doc = read_document(_write(tmp_path, "a.txt", PARAGRAPH.encode("utf-8")))
    assert not doc.converted
    assert doc.lines == tuple(normalise_line(line) for line in PARAGRAPH.splitlines())


def test_one_stray_traditional_character_does_not_convert(tmp_path):
    doc = read_document(_write(tmp_path, "a.txt", (PARAGRAPH + "於\n").encode("utf-8")))
    assert not doc.converted
    assert doc.lines[-1] == "於"


# --- .docx -----------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("一、收入决算情况说明")
    d.add_paragraph("本年收入决算合计８８５．９０万元。")
    table = d.add_table(rows=2, cols=3)
    for j, text in enumerate(["项目", "预算数", "决算数"]):
        table.rows[0].cells[j].text = text
    for j, text in enumerate(["合计", "1,316.04", "885.90"]):
        table.rows[1].cells[j].text = text
    d.add_paragraph("二、支出决算情况说明")
    path = tmp_path / "a.docx"
    d.save(path)
    doc = read_document(path)
    assert (doc.fmt, doc.encoding) == ("docx", "docx")
    assert doc.lines == (
        "一、收入决算情况说明",
        "本年收入决算合计885.90万元。",
        "项目 | 预算数 | 决算数",
        "合计 | 1316.04 | 885.90",
        "二、支出决算情况说明",
    )
    assert doc.raw_lines[3] == "合计 | 1,316.04 | 885.90"
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_docx_merged_cells_appear_once(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    table = d.add_table(rows=1, cols=3)
    merged = table.rows[0].cells[0].merge(table.rows[0].cells[1])
    merged.text = "一般公共预算财政拨款"
    table.rows[0].cells[2].text = "885.90"
    path = tmp_path / "a.docx"
    d.save(path)
    assert read_document(path).lines == ("一般公共预算财政拨款 | 885.90",)


def test_corrupt_docx(tmp_path):
    err = _error(_write(tmp_path, "broken.docx", b"PK\x03\x04" + b"\x00garbage" * 20))
    assert "broken.docx" in str(err) and ".docx" in err.problem


def test_docx_that_is_not_a_zip(tmp_path):
    err = _error(_write(tmp_path, "plain.docx", PARAGRAPH.encode("utf-8")))
    assert "plain.docx" in str(err)


# --- .pdf ------------------------------------------------------------------------------------


def _text_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with a real (Latin, Helvetica) text layer, one text line per list item."""
    pypdf = pytest.importorskip("pypdf")
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = pypdf.PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(width=595, height=842)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        ops = " ".join(f"({line}) Tj T*" for line in lines)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 14 TL 72 800 Td {ops} ET".encode("latin-1"))
        page.replace_contents(stream)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def test_pdf_text_layer_and_page_numbers(tmp_path):
    path = _text_pdf(
        tmp_path / "a.pdf",
        [
            ["Income total 1,234.56", "3", "Vehicles 8", "- 1 -"],
            ["2", "Second page", "Page 2 of 3"],
            ["Third page", "12"],  # a bare number that does not count with the pages: a cell
        ],
    )
    doc = read_document(path)
    assert (doc.fmt, doc.encoding) == ("pdf", "pdf")
    assert doc.lines == ("Income total 1234.56", "3", "Vehicles 8", "2", "Second page", "Third page", "12")


def test_pdf_bare_page_numbers_that_count_up_are_dropped(tmp_path):
    path = _text_pdf(tmp_path / "a.pdf", [["First", "7"], ["Second", "8"], ["Third", "9"]])
    assert read_document(path).lines == ("First", "Second", "Third")


def test_pdf_chinese_page_number_styles(tmp_path):
    from juesuan.ingest import _drop_page_numbers

    pages = [["第 1 页", "正文一", "1/2"], ["－２－", "正文二", "第2页 共2页"]]
    assert _drop_page_numbers(pages) == ["正文一", "正文二"]


def test_pdf_without_text_layer(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    err = _error(path)
    assert "text layer" in err.problem and "OCR" in err.problem
    assert "scan.pdf" in str(err)


def test_password_protected_pdf(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    err = _error(_write(tmp_path, "locked.pdf", buf.getvalue()))
    assert "password" in err.problem and "locked.pdf" in str(err)


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4\ngarbage", b"%PDF-1.4\n" + b"x" * 100 + b"\n%%EOF", b"not a pdf at all"]
)
def test_corrupt_pdf(tmp_path, data):
    err = _error(_write(tmp_path, "broken.pdf", data))
    assert "PDF" in err.problem and "broken.pdf" in str(err)


# --- input errors ----------------------------------------------------------------------------


def test_empty_file(tmp_path):
    err = _error(_write(tmp_path, "empty.txt", b""))
    assert err.problem == "the file is empty" and "empty.txt" in str(err)


def test_blank_only_file(tmp_path):
    err = _error(_write(tmp_path, "blank.txt", "\n \u3000\n".encode("utf-8")))
    assert "no text" in err.problem and "blank.txt" in str(err)


def test_binary_file(tmp_path):
    err = _error(_write(tmp_path, "blob.txt", b"abc\n\x00\x01\x02\xff" * 10))
    assert "not a text file" in err.problem and "blob.txt" in str(err)
    assert err.line == 2


def test_txt_that_is_a_pdf(tmp_path):
    err = _error(_write(tmp_path, "report.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"))
    assert "PDF" in err.problem and "rename it to .pdf" in str(err) and "report.txt" in str(err)


def test_txt_that_is_a_zip(tmp_path):
    err = _error(_write(tmp_path, "archive.txt", b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 40))
    assert "ZIP" in err.problem and "archive.txt" in str(err)


def test_txt_that_is_a_docx(tmp_path):
    docx = pytest.importorskip("docx")
    path = tmp_path / "a.docx"
    docx.Document().save(path)
    err = _error(_write(tmp_path, "word.txt", path.read_bytes()))
    assert "rename it to .docx" in str(err)


def test_undecodable_line_is_named(tmp_path):
    data = ("合计885.90万元\n" * 2).encode("utf-8") + "决算".encode("gbk") + b"\xff\n" + "尾\n".encode()
    err = _error(_write(tmp_path, "mixed.txt", data))
    assert err.line == 3 and "mixed.txt:3:" in str(err)


def test_missing_file(tmp_path):
    err = _error(tmp_path / "nope.txt")
    assert "no such file" in err.problem and "nope.txt" in str(err)


def test_directory(tmp_path):
    err = _error(tmp_path)
    assert "directory" in err.problem and str(tmp_path) in str(err)


def test_unreadable_file(tmp_path, monkeypatch):
    path = _write(tmp_path, "secret.txt", b"x\n")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # root reads a chmod-000 file anyway; make the open itself fail instead.
        def deny(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("juesuan.ingest.open", deny, raising=False)
    else:
        path.chmod(0)
    try:
        err = _error(path)
    finally:
        path.chmod(0o644)
    assert "permission" in err.problem and "secret.txt" in str(err)


def test_too_large(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: nothing written
    err = _error(path)
    assert "too large" in err.problem and "limit is 20 MB" in err.problem and "huge.txt" in str(err)
    assert "JUESUAN_MAX_INPUT_MB=21" in err.hint


def test_unsupported_office_format(tmp_path):
    err = _error(_write(tmp_path, "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50))
    assert "unsupported" in err.problem and "old.xls" in str(err)


# --- the seed --------------------------------------------------------------------------------


@pytest.mark.skipif(not SEED.exists(), reason="seed disclosure not in the tree")
def test_seed_lines_and_speed():
    read_document(SEED)  # warm: lazy imports and the OpenCC converter
    start = time.perf_counter()
    doc = read_document(SEED)
    elapsed = time.perf_counter() - start
    raw = SEED.read_text(encoding="utf-8").split("\n")
    assert len(doc.lines) == 1380
    assert (doc.fmt, doc.encoding, doc.converted) == ("txt", "utf-8", False)
    assert doc.raw_lines[141] == raw[141] == "十二、政府采购支出决算情况说明"
    assert doc.lines[141] == "十二、政府采购支出决算情况说明"
    assert doc.raw_lines == tuple(raw[:1380])
    assert elapsed < 0.1
