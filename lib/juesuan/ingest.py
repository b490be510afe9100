"""Ingest: read a disclosure file (.txt, .docx, .pdf) into normalised text with a line map.

Everything downstream (extract, checks, reports) quotes *line numbers*, so the one promise
this module keeps above all others is: ``Document.lines[i]`` is line ``i + 1`` of the
input, and normalisation never adds, drops, splits or merges a line. ``raw_lines`` keeps the
decoded original beside it for quoting the disclosure verbatim.

Normalisation (domain.md §7.3) makes disclosures from different sites look alike:
full-width ASCII → ASCII, odd spaces → one space, thousands separators removed, pinyin that
mirror sites insert after characters removed, quotes around 三公 unified, and traditional
characters converted to simplified when the text is traditional.

Every failure a user can cause (missing, empty, binary, corrupt, scanned, too large) raises
:class:`juesuan.errors.InputError` naming the file; nothing here should show a traceback.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import logging
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = ["DEFAULT_MAX_INPUT_MB", "MAX_BYTES", "Document", "max_input_bytes", "normalise_line", "read_document"]

#: Largest input accepted by default, in MB (2**20 bytes), for every format. Real disclosures
#: are well under 5 MB even as PDFs; anything bigger is almost certainly the wrong file (a scan,
#: an archive, a dump), and the limit keeps a batch from stalling on it. The environment
#: variable ``JUESUAN_MAX_INPUT_MB`` overrides it (see :func:`max_input_bytes`).
DEFAULT_MAX_INPUT_MB = 20
MAX_BYTES = DEFAULT_MAX_INPUT_MB * 1024 * 1024
_LIMIT_VAR = "JUESUAN_MAX_INPUT_MB"


def max_input_bytes() -> int:
    """The input size limit in bytes: ``$JUESUAN_MAX_INPUT_MB`` MB when set, else 20 MB.

    Read at every call, so a batch or a test can change it without re-importing. A value that
    is not a positive number is an :class:`InputError` (not silently ignored).
    """
    raw = os.environ.get(_LIMIT_VAR, "").strip()
    if not raw:
        return MAX_BYTES
    try:
        mb = float(raw)
    except ValueError:
        mb = math.nan
    if not (mb > 0 and math.isfinite(mb)):
        raise InputError(f"{_LIMIT_VAR}={raw!r} is not a positive number of MB",
                         hint=f"unset it for the default {DEFAULT_MAX_INPUT_MB} MB, or set e.g. {_LIMIT_VAR}=50")
    return int(mb * 1024 * 1024)


@dataclass(frozen=True)
class Document:
    """One disclosure, read and normalised.

    ``lines`` and ``raw_lines`` have the same length; index ``i`` is line ``i + 1`` of the
    input (for .docx: of its paragraphs and table rows; for .pdf: of its extracted text).
    Normalised lines are *not* character-aligned with raw lines (spaces collapse, pinyin
    and thousands separators disappear), so quote from ``raw_lines`` when a verbatim
    substring of the file is needed.
    """

    path: str
    sha256: str
    fmt: str
    encoding: str
    converted: bool
    lines: tuple[str, ...]
    raw_lines: tuple[str, ...]

    @property
    def text(self) -> str:
        """The normalised text, lines joined with ``"\\n"``."""
        return "\n".join(self.lines)


# --------------------------------------------------------------------------------------
# Per-line normalisation
# --------------------------------------------------------------------------------------


def _build_translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Full-width ASCII forms (！ … ～) sit exactly 0xFEE0 above their ASCII twins. The
    # full-width comma is left for later (see normalise_line): between half-width digits it
    # is a clause separator, and turning it into "," first would make "8，100%" look like a
    # thousands group.
    for cp in range(0xFF01, 0xFF5F):
        if cp != 0xFF0C:
            table[cp] = chr(cp - 0xFEE0)
    # Every kind of blank becomes a plain space; runs collapse afterwards.
    for cp in (0x3000, 0x00A0, 0x2007, 0x202F, 0x205F, *range(0x2000, 0x200B)):
        table[cp] = " "
    # Control characters (tabs, form feeds from PDFs, stray CR, NUL) would break matching
    # and printing; a space keeps the words apart.
    for cp in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029):
        table[cp] = " "
    # Zero-width characters and BOMs left inside the text carry nothing.
    for cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        table[cp] = None
    return table


_TRANSLATION = _build_translation()

# A full-width comma between full-width digits ("１，２３４") is a thousands separator in a
# full-width number, so it joins the ASCII commas before the thousands rule runs.
_FW_DIGIT_COMMA = re.compile("(?<=[０-９])，(?=[０-９])")

_SPACES = re.compile(" {2,}")

# A thousands-grouped number: 1–3 leading digits, then one or more ",ddd" groups. Not when
# the first digits continue a number to the left ("4125.49,414": the left part already has a
# decimal point or more than three digits, so the comma separates list items), and not when
# the grouping breaks on the right ("1,234,5" or "1,2345").
_THOUSANDS = re.compile(r"(?<![\d.])(?<!\d,)\d{1,3}(?:,\d{3})+(?!\d|,\d)")

# Pinyin inserted by mirror sites right after a character: "預(yù)算", "學(xué)院". Letters
# with tone marks are unambiguous; a toneless run (neutral tone: "的(de)") is stripped only
# when it is one pinyin syllable of two letters or more, so "(ltd)", "(pdf)", "(rmb)" and an
# item label like "(a)" survive. "(一)", "(含)"
# never match because they are not latin.
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèêếềīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = re.compile(rf"(?<=[{_CJK}])\(([a-zü{_TONED}]+)\)")
_TONE_MARK = re.compile(f"[{_TONED}]")
_SYLLABLE = re.compile(r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:[aeiouvü]{1,3})(?:ng|n|r)?")

# Quotes of any style around 三公 → the curly quotes most disclosures use (domain §7.3).
_SANGONG = re.compile("[\"“”「『'‘’]三公[\"“”」』'‘’]")


def _strip_pinyin(match: re.Match[str]) -> str:
    run = match.group(1)
    if _TONE_MARK.search(run) or (len(run) >= 2 and _SYLLABLE.fullmatch(run)):
        return ""
    return match.group(0)


def normalise_line(line: str) -> str:
    """Normalise one line of disclosure text; the result is always a single line.

    * full-width ASCII forms U+FF01–U+FF5E → ASCII (digits, ``%``, ``()``, ``,``, ``:``, ``.``);
      the full-width comma becomes ``,`` too, but is never read as a thousands separator
      unless it sits between full-width digits;
    * U+3000, U+00A0, other Unicode spaces, tabs and control characters → space; zero-width
      characters removed; runs of spaces collapsed; both ends stripped;
    * thousands separators removed inside real groups only (``"58,596,771.09"`` →
      ``"58596771.09"``, ``"4125.49,4143.91"`` unchanged), so any ``,`` left afterwards is a
      separator, never part of a number;
    * pinyin after a character removed (``"預(yù)算"`` → ``"預算"``);
    * quotes around 三公 unified to ``“三公”``.

    Traditional → simplified is *not* done here: it is decided once per document (see
    :func:`read_document`), because a single line is too short to tell.
    """
    s = _FW_DIGIT_COMMA.sub(",", line).translate(_TRANSLATION)
    if "(" in s:
        s = _PINYIN.sub(_strip_pinyin, s)
    # Thousands first, Chinese comma after: a "，" written between half-width digits is a
    # clause break ("增加8，100%用于…"), so it must not take part in a thousands group.
    if "," in s:
        s = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), s)
    s = s.replace("，", ",")
    if "三公" in s:
        s = _SANGONG.sub("“三公”", s)
    return _SPACES.sub(" ", s).strip()


# --------------------------------------------------------------------------------------
# Traditional → simplified
# --------------------------------------------------------------------------------------

_converter = None


def _t2s():
    """The OpenCC t2s converter, built on first use and kept (building it is the slow part)."""
    global _converter
    if _converter is None:
        import opencc  # imported lazily: only needed once a document is read

        _converter = opencc.OpenCC("t2s")
    return _converter


_CJK_CHAR = re.compile(f"[{_CJK}]")


def _to_simplified(lines: list[str]) -> tuple[list[str], bool]:
    """Convert ``lines`` to simplified characters when the text is traditional.

    A simplified text passes through t2s (almost) unchanged, so the number of characters
    t2s changes measures how traditional the text is. The threshold is at least 3 changed
    characters and at least 1% of the CJK characters: one stray 於 or 著 in a simplified
    document is a legitimate character, not a reason to rewrite the document.
    """
    text = "\n".join(lines)
    cjk = len(_CJK_CHAR.findall(text))
    if cjk == 0:
        return lines, False
    out = _t2s().convert(text)
    new = out.split("\n")
    if len(new) != len(lines):  # never expected; convert line by line to keep the line map
        new = [_t2s().convert(line) for line in lines]
    changed = 0
    for a, b in zip(lines, new):
        if a != b:
            changed += sum(x != y for x, y in zip(a, b)) if len(a) == len(b) else max(len(a), len(b))
    if changed >= max(3, math.ceil(0.01 * cjk)):
        return new, True
    return lines, False


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read_document(path: str | os.PathLike) -> Document:
    """Read a disclosure (.txt, .docx or .pdf) and return it normalised, line by line.

    The format comes from the file extension; a file with any other extension is read as
    text if it is text. Raises :class:`~juesuan.errors.InputError` (naming the file) when the
    file is missing, a directory, unreadable, empty, larger than :data:`MAX_BYTES`, not
    decodable as text, a corrupt .docx/.pdf, or a PDF without a text layer.
    """
    shown = os.fspath(path)
    if isinstance(shown, bytes):
        shown = os.fsdecode(shown)
    data = _read_bytes(Path(shown), shown)
    suffix = Path(shown).suffix.lower()
    if suffix == ".docx":
        fmt, encoding, raw = "docx", "docx", _docx_lines(data, shown)
    elif suffix == ".pdf":
        fmt, encoding, raw = "pdf", "pdf", _pdf_lines(data, shown)
    elif suffix in (".doc", ".xls", ".xlsx", ".wps", ".et", ".rtf", ".odt"):
        raise InputError(f"unsupported format {suffix}", path=shown, hint="save it as .docx, .pdf or .txt")
    else:
        encoding, decoded = _decode_text(data, shown)
        fmt, raw = "txt", _split_lines(decoded)
    if not any(line.strip() for line in raw):
        raise InputError("the file has no text (only blank lines)", path=shown)
    lines, converted = _to_simplified([normalise_line(line) for line in raw])
    return Document(
        path=shown,
        sha256=hashlib.sha256(data).hexdigest(),
        fmt=fmt,
        encoding=encoding,
        converted=converted,
        lines=tuple(lines),
        raw_lines=tuple(raw),
    )


def _read_bytes(p: Path, shown: str) -> bytes:
    """The file's bytes, or an InputError saying why they cannot be had."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError("no such file", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot access the file: {exc.strerror or exc}", path=shown) from None
    if p.is_dir():
        raise InputError("is a directory, not a file", path=shown, hint="pass the disclosure file itself")
    limit = max_input_bytes()
    # Refused from its size alone, before a byte is read: a 50 MB dump must fail at once.
    if st.st_size > limit:
        raise _too_large(shown, st.st_size, limit)
    try:
        with open(p, "rb") as fh:
            # Read one byte past the limit so a file that grew since stat() is still caught.
            data = fh.read(limit + 1)
    except PermissionError:
        raise InputError("cannot read the file: permission denied", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", path=shown) from None
    if len(data) > limit:
        raise _too_large(shown, len(data), limit)
    if not data:
        raise InputError("the file is empty", path=shown)
    return data


def _too_large(shown: str, size: int, limit: int) -> InputError:
    need = math.ceil(size / 2**20)
    return InputError(
        f"the file is too large ({size / 2**20:.1f} MB; the limit is {limit / 2**20:g} MB)",
        path=shown,
        hint=f"is this the right file? disclosures are a few MB at most; to read it anyway set {_LIMIT_VAR}={need}",
    )


def _split_lines(text: str) -> list[str]:
    """Split decoded text into lines the way editors and ``grep -n`` number them.

    Lines end at ``\\n`` (a ``\\r\\n`` pair counts once). A lone ``\\r`` ends a line only in
    a file that has no ``\\n`` at all (old Mac files); elsewhere it stays in the line and
    normalisation turns it into a space. A final line terminator does not start a new line,
    and neither does blank residue after it (the seed ends in ``"\\n "``): that matches
    ``wc -l`` and cannot shift any other line's number.
    """
    if "\n" in text:
        parts = text.replace("\r\n", "\n").split("\n")
    else:
        parts = text.split("\r")
    if len(parts) > 1 and not parts[-1].strip():
        parts.pop()
    return parts


# --- .txt -------------------------------------------------------------------------------

# Signatures of files that are not text, with the advice to give. Checked before decoding,
# because several of them (PDF in particular) start with plain ASCII and would "decode".
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "looks like a PDF", "rename it to .pdf"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "looks like an old Office file (.doc/.xls/.wps)",
        "save it as .docx, .pdf or .txt",
    ),
    (b"{\\rtf", "looks like an RTF document", "save it as .docx or .txt"),
    (b"\x89PNG\r\n\x1a\n", "looks like a PNG image", "run OCR first, e.g. tesseract"),
    (b"\xff\xd8\xff", "looks like a JPEG image", "run OCR first, e.g. tesseract"),
    (b"GIF8", "looks like a GIF image", "run OCR first"),
    (b"Rar!", "looks like a RAR archive", "extract the disclosure from it first"),
    (b"7z\xbc\xaf\x27\x1c", "looks like a 7z archive", "extract the disclosure from it first"),
    (b"\x1f\x8b", "looks like a gzip archive", "extract the disclosure from it first"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Mainland disclosures that are not UTF-8 are GB-encoded. For short texts charset_normalizer
# ranks look-alike East Asian codecs (cp949, big5, euc_jis) close together; when a GB codec
# is among its candidates it is the one to believe. GBK/GB2312 decode as GB18030, their
# superset, so a rare character outside GBK does not fail the whole file.
_GB_FAMILY = {"gb18030", "gbk", "gb2312", "hz", "cp936"}


def _decode_text(data: bytes, shown: str) -> tuple[str, str]:
    """Detect the encoding of a text file and decode it: ``(encoding, text)``."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return name, data.decode(name)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"not valid {name.upper()} despite its byte-order mark",
                    path=shown,
                    line=_line_of(data, exc.start),
                ) from None
    head = data[:1024]
    for sig, what, hint in _SIGNATURES:
        if head.startswith(sig):
            raise InputError(f"not a text file: {what}", path=shown, hint=hint)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if b"word/" in data:
            raise InputError(
                "not a text file: looks like a Word document (.docx)", path=shown, hint="rename it to .docx"
            )
        raise InputError(
            "not a text file: looks like a ZIP archive or Office file",
            path=shown,
            hint="extract the disclosure or save it as .docx/.txt",
        )
    if b"\x00" in data:
        raise InputError(
            "not a text file: it contains NUL bytes (binary data)",
            path=shown,
            line=_line_of(data, data.index(b"\x00")),
            hint="pass a .txt, .docx or .pdf disclosure",
        )
    # Valid UTF-8 is unambiguous: other multi-byte encodings almost never form valid UTF-8
    # for more than a few characters, so this is detection, not a guess.
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    from charset_normalizer import from_bytes  # lazy: most inputs are UTF-8

    matches = list(from_bytes(data))
    if not matches:
        # Nothing fits the whole file. The usual case is a UTF-8 file with a damaged or
        # pasted-in stretch; the first byte UTF-8 rejects is where to look.
        raise _utf8_problem(data, utf8_error, shown)
    chosen = next((m.encoding for m in matches if m.encoding in _GB_FAMILY), matches[0].encoding)
    name = codecs.lookup(chosen).name
    if name in ("gbk", "gb2312", "hz", "cp936"):
        name = "gb18030"
    try:
        text = data.decode(name)
    except (UnicodeDecodeError, LookupError) as exc:
        line = _line_of(data, exc.start) if isinstance(exc, UnicodeDecodeError) else None
        raise InputError(
            f"cannot decode the text as {name}", path=shown, line=line, hint="re-save the file as UTF-8"
        ) from None
    return name, text


def _utf8_problem(data: bytes, exc: UnicodeDecodeError, shown: str) -> InputError:
    """Say why a mostly-UTF-8 file does not decode, at the line where it stops."""
    line = _line_of(data, exc.start)
    if exc.end >= len(data) and exc.reason == "unexpected end of data":
        # the last character is cut short: the download or copy stopped early
        return InputError("the file ends in the middle of a UTF-8 character (truncated?)", path=shown, line=line,
                          hint="download or copy the disclosure again")
    start = data.rfind(b"\n", 0, exc.start) + 1
    end = data.find(b"\n", exc.start)
    stretch = data[start: end if end >= 0 else len(data)]
    try:
        stretch.decode("gb18030")
        gb = any(b >= 0x80 for b in stretch)
    except UnicodeDecodeError:
        gb = False
    if gb:
        return InputError("this line is GBK while the rest of the file is UTF-8 (text in two encodings)",
                          path=shown, line=line, hint="re-save the pasted text as UTF-8")
    return InputError("not valid UTF-8 here (a character cut in half, or binary data), and no other encoding "
                      "fits the whole file", path=shown, line=line, hint="re-save the file as UTF-8")


def _line_of(data: bytes, offset: int) -> int:
    """1-based line number of byte ``offset``."""
    return data.count(b"\n", 0, offset) + 1


# --- .docx ------------------------------------------------------------------------------


def _docx_lines(data: bytes, shown: str) -> list[str]:
    """Paragraphs and table rows of a .docx, in document order, one line each.

    A table row becomes its cells joined by ``" | "`` (a horizontally merged cell once), so
    a row stays one line as in the flattened tables of the text corpus. Paragraph line
    breaks (``<w:br/>``) start new lines, exactly as they would in a .txt export.
    """
    # A .docx is a ZIP package; say what the file is instead when it is something else.
    if data.startswith(b"%PDF-"):
        raise InputError("not a valid .docx: it looks like a PDF", path=shown, hint="rename it to .pdf")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            "not a valid .docx: it looks like an old Word file (.doc)",
            path=shown,
            hint="save it from Word/WPS as .docx",
        )
    if not data.startswith(b"PK"):
        raise InputError(
            "not a valid .docx: it is not a ZIP package",
            path=shown,
            hint="save it from Word/WPS as .docx, or rename a text file to .txt",
        )
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        out: list[str] = []

        def walk(container) -> None:
            for child in container.iterchildren():
                if child.tag == qn("w:p"):
                    out.extend(Paragraph(child, document).text.split("\n"))
                elif child.tag == qn("w:tbl"):
                    for row in Table(child, document).rows:
                        out.append(_docx_row(row))
                elif child.tag == qn("w:sdt"):  # content controls wrap paragraphs/tables
                    content = child.find(qn("w:sdtContent"))
                    if content is not None:
                        walk(content)

        walk(body)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 — python-docx raises many kinds on a damaged package
        raise InputError(
            f"cannot read the .docx (corrupt or not a Word document): {type(exc).__name__}: {exc}",
            path=shown,
            hint="open it in Word/WPS and save it again",
        ) from None
    return out


def _docx_row(row) -> str:
    cells: list[str] = []
    seen = None
    for cell in row.cells:
        # python-docx repeats a horizontally merged cell once per grid column.
        if cell._tc is seen:
            continue
        seen = cell._tc
        cells.append(" ".join(cell.text.split("\n")))
    return " | ".join(cells)


# --- .pdf -------------------------------------------------------------------------------

# Lines that are only a page number, in the styles Chinese documents print them.
_PAGE_DECORATED = re.compile(
    r"(?:[-—–_~·•]+ ?\d{1,4} ?[-—–_~·•]+"  # - 3 -   — 3 —
    r"|第 ?\d{1,4} ?页(?: ?[,/]? ?共 ?\d{1,4} ?页)?"  # 第 3 页 (共 12 页)
    r"|共 ?\d{1,4} ?页 ?[,/]? ?第 ?\d{1,4} ?页"  # 共 12 页 第 3 页
    r"|\d{1,4} ?/ ?\d{1,4}"  # 3/12
    r"|(?:page|p\.) ?\d{1,4}(?: ?(?:of|/) ?\d{1,4})?)",  # Page 3 of 12
    re.IGNORECASE,
)
_PAGE_BARE = re.compile(r"\d{1,4}")


def _pdf_lines(data: bytes, shown: str) -> list[str]:
    """The text of each page of a PDF, page after page, without page-number lines."""
    head = data[:1024]
    if b"%PDF-" not in head:
        hint = "rename it to .docx" if head.startswith(b"PK") else "check that it is the PDF itself"
        raise InputError("not a valid PDF: the %PDF header is missing", path=shown, hint=hint)
    try:
        from pypdf import PdfReader

        with _quiet("pypdf"):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise InputError(
                    "the PDF is password-protected", path=shown, hint="save an unprotected copy first"
                )
            pages = [(page.extract_text() or "") for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 — pypdf raises many kinds (PdfReadError, KeyError…)
        raise InputError(
            f"cannot read the PDF (corrupt or truncated): {type(exc).__name__}: {exc}",
            path=shown,
            hint="download it again or re-save it",
        ) from None
    if not pages:
        raise InputError(
            "the PDF has no pages (corrupt or truncated?)", path=shown, hint="download it again or re-save it"
        )
    if not any(text.strip() for text in pages):
        raise InputError(
            "the PDF has no text layer (scanned image?): run OCR first, e.g. ocrmypdf, and pass the result",
            path=shown,
        )
    return _drop_page_numbers([_split_lines(text) if text else [] for text in pages])


@contextlib.contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's warnings for a moment: pypdf logs "EOF marker not found" and the
    like on stderr, which would break the CLI's one-line error (its errors still raise)."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR + 10)
    try:
        yield
    finally:
        logger.setLevel(level)


def _drop_page_numbers(pages: list[list[str]]) -> list[str]:
    """Join the pages' lines, dropping the lines that are only a page number.

    Only the first and last non-blank line of a page can be its page number: a bare "3" in
    the middle of a page is a table cell. A decorated number ("- 3 -", "第 3 页", "3/12") at
    either edge is dropped. A bare number at an edge is dropped only when it counts up with
    the pages (the same number minus page index on at least two pages, or "1" on a one-page
    PDF), because a table can end a page with a number in its last cell.
    """
    edges: list[list[int]] = []  # per page, indices of its first and last non-blank lines
    bare_offsets: dict[int, int] = {}
    for i, lines in enumerate(pages):
        filled = [j for j, line in enumerate(lines) if line.strip()]
        idx = sorted({filled[0], filled[-1]}) if filled else []
        edges.append(idx)
        for j in idx:
            norm = normalise_line(lines[j])
            if _PAGE_BARE.fullmatch(norm):
                off = int(norm) - i
                bare_offsets[off] = bare_offsets.get(off, 0) + 1
    confirmed = {off for off, n in bare_offsets.items() if n >= 2}
    if len(pages) == 1:
        confirmed.add(1)
    out: list[str] = []
    for i, lines in enumerate(pages):
        drop = set()
        for j in edges[i]:
            norm = normalise_line(lines[j])
            if _PAGE_DECORATED.fullmatch(norm) or (_PAGE_BARE.fullmatch(norm) and int(norm) - i in confirmed):
                drop.add(j)
        out.extend(line for j, line in enumerate(lines) if j not in drop)
    return out
