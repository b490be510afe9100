"""Model → disclosure text in the seed's template, and the claims that text asserts.

:func:`render` writes a :class:`~.model.Department` the way the sample disclosure
(``data/songshan-gov-office/2024.txt``) is written: 第一部分 部门概况, 第二部分 with the
sections 一…十四 in the seed's sentence patterns, the 项目支出绩效自评表 flattened one cell per line
(tab-indented, blank lines between rows) or one row per line with ``" | "`` between cells,
第三部分 名词解释 and the closing parts.

Every number is written through an *anchor* with a stable key (``income.total``,
``fn.1.2.actual``…). Anchors let the renderer

* apply overrides (the injected faults of :mod:`.faults`) by key, and
* report, after every variant has been applied (PDF-like line breaks, traditional characters,
  .docx paragraphs), the line each number landed on.

While writing, the renderer records each relation the text asserts as a :class:`ClaimSpec`
(a rule id and the keys of its numbers): the truth's claim list and the sites faults pick from.

Variants (:class:`Variant`) are drawn per department: traditional characters (OpenCC s2t),
amounts in 元 (optionally with thousands separators), GBK encoding, .docx, PDF-like line breaks
inside sentences, and the two table layouts.
"""

from __future__ import annotations

import io
import itertools
import random
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape

from .model import VEHICLE_CATEGORIES, Department, Money, fmt_money, ratio_pct

__all__ = ["CN_NUM", "ClaimSpec", "Rendered", "Variant", "draw_variant", "render"]

_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"
_SENTENCE_END = tuple("。；;：:！？!?")
CN_NUM = ("", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五",
          "十六", "十七", "十八", "十九", "二十")


@dataclass(frozen=True)
class Variant:
    """How one department's disclosure is published."""

    fmt: str = "txt"
    """``txt`` or ``docx``."""
    encoding: str = "utf-8"
    """``utf-8`` or ``gbk`` (txt only)."""
    script: str = "simplified"
    """``simplified`` or ``traditional`` (OpenCC s2t)."""
    unit: str = "万元"
    """``万元`` or ``元``."""
    thousands: bool = False
    """Amounts in 元 printed with thousands separators."""
    pdf_breaks: bool = False
    """Prose lines broken inside sentences, as PDF text extraction leaves them (txt only)."""
    table_layout: str = "cells"
    """``cells`` (one cell per line, tab-indented) or ``pipe`` (``a | b | c``); .docx tables read as pipe."""
    wording_seed: int = 0
    """Seeds the per-sentence wording choices (a prior year's amount printed or not, …)."""

    @property
    def ext(self) -> str:
        return self.fmt

    def to_dict(self) -> dict[str, object]:
        return {"fmt": self.fmt, "encoding": self.encoding, "script": self.script, "unit": self.unit,
                "thousands": self.thousands, "pdf_breaks": self.pdf_breaks, "table_layout": self.table_layout}


def draw_variant(rng: random.Random) -> Variant:
    """A random publication variant."""
    fmt = "docx" if rng.random() < 0.15 else "txt"
    unit = "元" if rng.random() < 0.2 else "万元"
    return Variant(
        fmt=fmt,
        encoding="gbk" if fmt == "txt" and rng.random() < 0.25 else "utf-8",
        script="traditional" if rng.random() < 0.2 else "simplified",
        unit=unit,
        thousands=unit == "元" and rng.random() < 0.5,
        pdf_breaks=fmt == "txt" and rng.random() < 0.3,
        table_layout="pipe" if fmt == "docx" or rng.random() < 0.35 else "cells",
        wording_seed=rng.getrandbits(32),
    )


@dataclass
class ClaimSpec:
    """One relation the rendered text asserts: its rule and the anchors of its numbers."""

    id: str
    kind: str
    rule: str
    section: str
    roles: dict[str, str | list[str]]
    """Role → anchor key(s): ``total``/``parts``, ``part``/``total``/``pct``, ``current``/``change``/``pct``…"""
    line_role: str
    """The role whose line the extractor reports the claim on."""
    words: dict[str, str] = field(default_factory=dict)
    """Wording the claim rests on (``direction``), and facts faults need (``prior_printed``)."""


@dataclass
class Rendered:
    """A rendered disclosure: its lines, the anchors' printed text and lines, and the claims."""

    lines: list[str]
    """Physical lines (for .docx: paragraphs and table rows, as ingest reads them)."""
    rows: dict[int, list[str]]
    """0-based line index → the cells of a .docx table row printed on that line."""
    printed: dict[str, str]
    """Anchor key → text as printed (after overrides, before script conversion)."""
    true: dict[str, object]
    """Anchor key → the model's value (万元 for amounts, % for rates, counts, words)."""
    units: dict[str, str]
    anchor_lines: dict[str, int]
    """Anchor key → 1-based line."""
    row_lines: dict[str, int]
    """Anchor key of a table cell → 1-based line of its row's first cell (where readers report the row)."""
    claims: list[ClaimSpec]
    variant: Variant

    def data(self) -> bytes:
        """The file's bytes in the variant's format and encoding."""
        if self.variant.fmt == "docx":
            return _docx_bytes(self.lines, self.rows)
        text = "\n".join(self.lines) + "\n"
        return text.encode("gbk" if self.variant.encoding == "gbk" else "utf-8")


# --------------------------------------------------------------------------------------------
# The writer: blocks of text with anchors


class _Writer:
    def __init__(self, variant: Variant, overrides: dict[str, object]) -> None:
        self.v = variant
        self.overrides = overrides
        self.rng = random.Random(variant.wording_seed)
        self.blocks: list[tuple[str, object, bool]] = []
        """("line", text, breakable) | ("row", cells, False) | ("blank", "", False)"""
        self.printed: dict[str, str] = {}
        self.true: dict[str, object] = {}
        self.units: dict[str, str] = {}
        self.claims: list[ClaimSpec] = []
        self.section = ""

    # ---- anchors

    def _anchor(self, key: str, text: str) -> str:
        if key in self.printed:
            raise ValueError(f"anchor {key} written twice")
        self.printed[key] = text
        return f"{_OPEN}{key}{_MID}{text}{_CLOSE}"

    def money_text(self, v: Money) -> str:
        if v == 0:
            return "0"
        if self.v.unit == "元":
            yuan = v * 100
            return (f"{yuan:,}" if self.v.thousands else str(yuan)) + ".00"
        return fmt_money(v)

    def money(self, key: str, v: Money, *, unit: bool = True) -> str:
        """An amount (万元 or 元 by the variant), anchored; the unit word follows outside the anchor."""
        self.true[key] = v / 100
        self.units[key] = self.v.unit
        o = self.overrides.get(key)
        text = self.money_text(o) if isinstance(o, int) else (o if isinstance(o, str) else self.money_text(v))
        return self._anchor(key, text) + (self.v.unit if unit else "")

    def pct(self, key: str, value: Decimal | None, places: int = 2) -> str:
        """A rate or share, anchored (the caller writes the ``%``); ``None`` (a zero base) prints 0."""
        if value is None or value == 0:
            text = "0"
        else:
            text = f"{value:.{places}f}"
        self.true[key] = float(value) if value is not None else None
        self.units[key] = "%"
        o = self.overrides.get(key)
        return self._anchor(key, o if isinstance(o, str) else text)

    def text(self, key: str, value: str, unit: str = "", true: object = None) -> str:
        """Any other printed token: a count, a score, a direction word."""
        self.true[key] = value if true is None else true
        self.units[key] = unit
        o = self.overrides.get(key)
        return self._anchor(key, o if isinstance(o, str) else value)

    # ---- blocks

    def line(self, text: str, breakable: bool = True) -> None:
        self.blocks.append(("line", text, breakable))

    def heading(self, text: str, level: int = 2) -> None:
        if level == 2:
            self.section = text
        self.blocks.append(("line", text, False))

    def row(self, cells: list[str]) -> None:
        self.blocks.append(("row", cells, False))

    def blank(self) -> None:
        self.blocks.append(("blank", "", False))

    def claim(self, kind: str, rule: str, line_role: str, words: dict[str, str] | None = None,
              **roles: str | list[str]) -> ClaimSpec:
        c = ClaimSpec(f"T{len(self.claims) + 1:04d}", kind, rule, self.section, dict(roles), line_role,
                      dict(words or {}))
        self.claims.append(c)
        return c


def _strip(text: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Text without anchor marks, and (key, start, end) of each anchor in it."""
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    i = 0
    while True:
        j = text.find(_OPEN, i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        pos += j - i
        k = text.index(_MID, j)
        e = text.index(_CLOSE, k)
        key, body = text[j + 1: k], text[k + 1: e]
        out.append(body)
        spans.append((key, pos, pos + len(body)))
        pos += len(body)
        i = e + 1
    return "".join(out), spans


# --------------------------------------------------------------------------------------------
# Script conversion and line breaking


_S2T = None


def _s2t(text: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc

        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(text)


def _convert(text: str, spans: list[tuple[str, int, int]]) -> str:
    """Traditional characters, keeping every anchor's offsets (converted piece by piece if needed)."""
    out = _s2t(text)
    if len(out) == len(text):
        return out
    cuts = sorted({0, len(text), *(s for _, s, _ in spans), *(e for _, _, e in spans)})
    pieces = [_s2t(text[a:b]) for a, b in itertools.pairwise(cuts)]
    if any(len(p) != b - a for p, (a, b) in zip(pieces, itertools.pairwise(cuts))):
        return text  # a conversion that changes lengths: leave this line simplified
    return "".join(pieces)


def _breaks(text: str, spans: list[tuple[str, int, int]], rng: random.Random) -> list[int]:
    """Where PDF text extraction would break this line: every piece but the last ≥ 20 characters,
    never inside a number (a break right after a full stop, a semicolon or a colon may happen)."""
    if len(text) < 50 or not text.endswith(_SENTENCE_END):
        return []
    inside = set()
    for _, s, e in spans:
        inside.update(range(s, e + 1))
    cuts: list[int] = []
    pos = 0
    while True:
        want = pos + rng.randint(22, 46)
        if want >= len(text) - 8:
            break
        c = want
        while c < len(text) - 8 and (c in inside or text[c - 1].isdigit()
                                     or text[c].isdigit() or text[c] in "%.万元"):
            c += 1
        if c >= len(text) - 8:
            break
        cuts.append(c)
        pos = c
    return cuts


def _finish(w: _Writer) -> Rendered:
    v = w.v
    brk = random.Random(v.wording_seed ^ 0x5EED)
    lines: list[str] = []
    rows: dict[int, list[str]] = {}
    anchor_lines: dict[str, int] = {}
    row_lines: dict[str, int] = {}

    def emit(text: str) -> int:
        lines.append(text)
        return len(lines)

    for kind, payload, breakable in w.blocks:
        if kind == "blank":
            emit("")
            continue
        if kind == "line":
            text, spans = _strip(str(payload))
            if v.script == "traditional":
                text = _convert(text, spans)
            cuts = _breaks(text, spans, brk) if v.pdf_breaks and breakable else []
            bounds = [0, *cuts, len(text)]
            first = len(lines) + 1
            for a, b in itertools.pairwise(bounds):
                emit(text[a:b])
            for key, s, _e in spans:
                anchor_lines[key] = first + sum(1 for c in cuts if c <= s)
            continue
        cells = [_strip(c) for c in payload]  # type: ignore[union-attr]
        texts = []
        for t, spans in cells:
            texts.append(_convert(t, spans) if v.script == "traditional" else t)
        first = len(lines) + 1
        if v.fmt == "docx" or v.table_layout == "pipe":
            ln = emit(" | ".join(t.replace("\n", "") for t in texts))
            if v.fmt == "docx":
                rows[ln - 1] = [t.replace("\n", "") for t in texts]
            for _t, spans in cells:
                for key, _s, _e in spans:
                    anchor_lines[key] = ln
                    row_lines[key] = first
        else:
            for t, (_t0, spans) in zip(texts, cells):
                head, *cont = t.split("\n")
                ln = emit("\t" + head)
                for key, _s, _e in spans:
                    anchor_lines[key] = ln
                    row_lines[key] = first
                for c in cont:
                    emit(c)
            emit("")
    return Rendered(lines, rows, w.printed, w.true, w.units, anchor_lines, row_lines, w.claims, v)


# --------------------------------------------------------------------------------------------
# .docx


_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _para(text: str) -> str:
    if not text:
        return "<w:p/>"
    return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _docx_bytes(lines: list[str], rows: dict[int, list[str]]) -> bytes:
    """A minimal WordprocessingML package (paragraphs and tables), byte-identical for equal input."""
    body: list[str] = []
    i = 0
    while i < len(lines):
        if i not in rows:
            body.append(_para(lines[i]))
            i += 1
            continue
        run = []
        while i in rows:
            run.append(rows[i])
            i += 1
        n = max(len(r) for r in run)
        grid = "".join('<w:gridCol w:w="900"/>' for _ in range(n))
        trs = "".join("<w:tr>" + "".join(f"<w:tc>{_para(c)}</w:tc>" for c in r + [""] * (n - len(r))) + "</w:tr>"
                      for r in run)
        body.append(f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{trs}</w:tbl>")
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W}"><w:body>'
           + "".join(body) + "<w:sectPr/></w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("word/document.xml", doc)):
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8"))
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Sentences


def _dir(delta: int, words: tuple[str, str] = ("增加", "减少")) -> str:
    return words[1] if delta < 0 else words[0]


def _change(w: _Writer, key: str, current: Money, prior: Money, *, section_words: str = "",
            reason: str = "", explicit_prior: bool | None = None, budget: bool = False,
            current_key: str = "") -> str:
    """"与上年决算相比，增加A万元，增长B%，变动原因：…" (or 与年初预算相比), anchored, with its claims.

    ``current_key`` is the anchor of the amount the change is of (already written).
    """
    delta = current - prior
    if explicit_prior is None:
        explicit_prior = w.rng.random() < 0.3 and prior != 0
    base_word = "年初预算" if budget else "上年决算"
    cmp_ = (f"与{base_word}{w.money(key + '.prior', prior)}相比" if explicit_prior else f"与{base_word}相比")
    d1 = w.text(key + ".dir", _dir(delta))
    amount = w.money(key + ".change", abs(delta))
    roles: dict[str, str | list[str]] = {"current": current_key, "change": key + ".change"}
    if prior == 0 and delta != 0:
        # no rate on a zero base (R7): say so instead of printing one
        s = f"{cmp_}，{section_words}{d1}{amount}，上年无此项{'预算' if budget else '支出'}"
    else:
        d2 = w.text(key + ".dir2", _dir(delta, ("增长", "下降")))
        pct = w.pct(key + ".pct", ratio_pct(abs(delta), prior) if prior else None)
        s = f"{cmp_}，{section_words}{d1}{amount}，{d2}{pct}%"
        roles["pct"] = key + ".pct"
    if reason:
        s += f"，变动原因：{reason}"
    rule = "arithmetic.budget_diff" if budget else "arithmetic.yoy"
    kind = "budget_diff" if budget else "yoy"
    if explicit_prior:
        roles["prior"] = key + ".prior"
    words = {"direction": "inc" if delta > 0 else ("dec" if delta < 0 else "flat"),
             "prior_printed": "1" if explicit_prior else "", "zero_base": "" if prior else "1",
             "dir": key + ".dir", "dir2": key + ".dir2"}
    w.true[key + ".current"] = current / 100
    w.true[key + ".prior_value"] = prior / 100
    w.claim(kind, rule, "change", words, **roles)
    return s


_REASON_UP = ("业务量增加，相关支出相应增加", "新增重点工作任务，支出相应增加", "人员增加及工资标准调整")
_REASON_DOWN = ("严格落实过紧日子要求，压减一般性支出", "部分项目完成后支出减少", "人员减少及支出结构调整")


def _reason(w: _Writer, delta: int) -> str:
    return w.rng.choice(_REASON_UP if delta > 0 else _REASON_DOWN)


# --------------------------------------------------------------------------------------------
# The document


def render(d: Department, variant: Variant, overrides: dict[str, object] | None = None) -> Rendered:
    """Write the disclosure of ``d`` in ``variant``; ``overrides`` (anchor key → printed value) inject faults."""
    w = _Writer(variant, dict(overrides or {}))
    _part_one(w, d)
    w.line("第二部分 部门决算情况说明", breakable=False)
    _totals(w, d)
    _income(w, d)
    _expenditure(w, d)
    _fiscal(w, d)
    _functional(w, d)
    _basic(w, d)
    _project(w, d)
    _sangong(w, d)
    _funds_zero(w, d)
    _running(w, d)
    _procurement(w, d)
    _assets(w, d)
    _performance(w, d)
    _closing(w, d)
    return _finish(w)


def _part_one(w: _Writer, d: Department) -> None:
    w.line("第一部分 部门概况", breakable=False)
    w.line("一、主要职能、职责", breakable=False)
    w.line("（一）部门职能", breakable=False)
    w.line(f"{d.name}是本级人民政府主管的{'综合办事' if '办公室' in d.name else '行政管理'}部门。")
    w.line("（二）部门主要职责", breakable=False)
    for i, duty in enumerate(d.duties, 1):
        w.line(f"{i}.{duty}。")
    w.line("二、部门机构设置及决算单位构成情况", breakable=False)
    subs = [u for u in d.units[1:]]
    if subs:
        w.line("1.根据部门职责分工，本部门内设机构包括综合室、财务室、业务室和督查室。本部门下属单位包括：" +
               "、".join(f"{n}，为{k}" for n, k in subs) + "。")
    else:
        w.line("1.根据部门职责分工，本部门内设机构包括综合室、财务室、业务室和督查室，无下属单位。")
    n = len(d.units)
    w.line(f"2.从决算单位构成看，纳入本部门决算编制范围的预算单位共计{'一两三四五'[n - 1]}家，具体包括：" +
           "、".join(u for u, _ in d.units) + "。")
    w.line(f"三、{d.year}年度部门主要工作完成情况", breakable=False)
    w.line(f"一年来，{d.name}坚持以习近平新时代中国特色社会主义思想为指导，紧紧围绕中心工作，服务大局，认真履职，"
           "较好地完成了各项工作任务。严格执行财务制度，规范政府采购行为和财务审核程序，严控“三公”经费支出，"
           "进一步降低了行政成本，提高了资金使用效率。")


def _variance_reason_text(w: _Writer, d: Department, prefix: str) -> str:
    delta = d.total - d.total_budget
    if not d.variance_reasons:
        return ("主要是严格执行预算，压减一般性支出" if delta < 0 else "主要是年中追加预算，支出相应增加")
    parts = []
    word = _dir(delta)
    for k, (what, amount) in enumerate(d.variance_reasons):
        a = w.money(f"{prefix}.reason.{k}", amount)
        if k == 0:
            parts.append(f"{CN_NUM[k + 1]}是{what}决算数比年初预算数{word}{a}")
        else:
            parts.append(f"{CN_NUM[k + 1]}是{what}{word}{a}")
    w.claim("explained_variance", "variance.unexplained", "total", {"open": "reasons"},
            total=f"{prefix}.bd.change", parts=[f"{prefix}.reason.{k}" for k in range(len(d.variance_reasons))])
    return "。".join(parts)


def _totals(w: _Writer, d: Department) -> None:
    w.heading("一、收入支出决算总体情况说明")
    total = w.money("t.total", d.total)
    bd = _change(w, "t.bd", d.total, d.total_budget, section_words="收、支总计各", budget=True,
                 explicit_prior=False, current_key="t.total")
    reasons = _variance_reason_text(w, d, "t")
    yy = _change(w, "t.yy", d.total, d.prior.total, section_words="收、支总计各", explicit_prior=False,
                 current_key="t.total")
    w.line(f"{d.name}{d.year}年度收入、支出决算总计均为{total}。{bd}，变动原因：{reasons}；{yy}。其中：")
    # (一) income side
    w.line(f"（一）收入决算总计 {w.money('t.in_total', d.total)}。包括：", breakable=False)
    w.line(f"1.本年收入决算合计 {w.money('t.income', d.income)}。"
           + _change(w, "t.income.yy", d.income, d.prior.income, reason=_reason(w, d.income - d.prior.income),
                     current_key="t.income") + "。")
    w.line(f"2.使用非财政拨款结余（含专用结余）{w.money('t.surplus_used', 0)}。"
           + _change(w, "t.surplus_used.yy", 0, 0, reason="部门不存在非财政拨款结余", explicit_prior=False,
                     current_key="t.surplus_used") + "。")
    carry_reason = "部门不存在年初结转和结余" if not d.carry_start else _reason(w, d.carry_start - d.prior.carry_start)
    w.line(f"3.年初结转和结余 {w.money('t.carry_start', d.carry_start)}。"
           + _change(w, "t.carry_start.yy", d.carry_start, d.prior.carry_start, reason=carry_reason,
                     current_key="t.carry_start") + "。")
    w.claim("sum", "arithmetic.sum", "total", total="t.in_total", parts=["t.income", "t.surplus_used", "t.carry_start"])
    # (二) expenditure side
    w.line(f"（二）支出决算总计 {w.money('t.out_total', d.total)}。包括：", breakable=False)
    w.line(f"1.本年支出决算合计 {w.money('t.expenditure', d.expenditure)}。"
           + _change(w, "t.expenditure.yy", d.expenditure, d.prior.expenditure,
                     reason=_reason(w, d.expenditure - d.prior.expenditure), current_key="t.expenditure") + "。")
    w.line(f"2.结余分配 {w.money('t.distribution', 0)}。结转和结余事项：无。"
           + _change(w, "t.distribution.yy", 0, 0, reason="部门不存在结余分配", explicit_prior=False,
                     current_key="t.distribution") + "。")
    end_reason = "部门不存在年末结转和结余" if not d.carry_end else _reason(w, d.carry_end - d.prior.carry_end)
    w.line(f"3.年末结转和结余 {w.money('t.carry_end', d.carry_end)}。结转和结余事项："
           f"{'项目资金结转' if d.carry_end else '无'}。"
           + _change(w, "t.carry_end.yy", d.carry_end, d.prior.carry_end, reason=end_reason,
                     current_key="t.carry_end") + "。")
    w.claim("sum", "arithmetic.sum", "total", total="t.out_total",
            parts=["t.expenditure", "t.distribution", "t.carry_end"])


_INCOME_LINES = ("一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入", "上级补助收入",
                 "事业收入", "经营收入", "附属单位上缴收入", "其他收入")


def _share_list(w: _Writer, prefix: str, head: str, total: Money, items: list[tuple[str, Money]]) -> None:
    w.line(f"{head}{w.money(prefix + '.total', total)}，其中：", breakable=False)
    keys = []
    for k, (name, amount) in enumerate(items):
        key = f"{prefix}.{k}"
        end = "。" if k == len(items) - 1 else "；"
        w.line(f"本年{name} {w.money(key, amount)}，占 {w.pct(key + '.pct', ratio_pct(amount, total))}%{end}")
        w.claim("share", "arithmetic.share", "pct", part=key, total=prefix + ".total", pct=key + ".pct")
        keys.append(key)
    w.claim("sum", "arithmetic.sum", "total", total=prefix + ".total", parts=keys)


def _income(w: _Writer, d: Department) -> None:
    w.heading("二、收入决算情况说明")
    amounts = dict.fromkeys(_INCOME_LINES, 0)
    amounts["一般公共预算财政拨款收入"] = d.fiscal_income
    amounts["事业收入"] = d.business_income
    amounts["其他收入"] = d.other_income
    _share_list(w, "in", f"{d.name} {d.year}年度本年收入决算合计 ", d.income, list(amounts.items()))


def _expenditure(w: _Writer, d: Department) -> None:
    w.heading("三、支出决算情况说明")
    items = [("基本支出", d.basic_all), ("项目支出", d.project_total), ("上缴上级支出", 0), ("经营支出", 0),
             ("对附属单位补助支出", 0)]
    _share_list(w, "out", f"{d.name}{d.year}年度本年支出决算合计 ", d.expenditure, items)


def _fiscal(w: _Writer, d: Department) -> None:
    w.heading("四、财政拨款收入支出决算总体情况说明")
    total = w.money("f.total", d.fiscal_total)
    bd = _change(w, "f.bd", d.fiscal_total, d.fiscal_total_budget, section_words="收、支总计各", budget=True,
                 explicit_prior=False, current_key="f.total")
    reasons = _variance_reason_text(w, d, "f")
    yy = _change(w, "f.yy", d.fiscal_total, d.prior.fiscal_total, section_words="收、支总计各", current_key="f.total")
    w.line(f"{d.name} {d.year}年度财政拨款收入、支出决算总计均为{total}，{bd}，变动原因：{reasons}；{yy}，"
           f"变动原因：{_reason(w, d.fiscal_total - d.prior.fiscal_total)}。")


def _execution(w: _Writer, key: str, actual_key: str, budget_key: str, actual: Money, budget: Money,
               places: int = 2) -> str:
    pct = w.pct(key, ratio_pct(actual, budget, places), places)
    w.claim("execution", "arithmetic.execution", "pct", actual=actual_key, budget=budget_key, pct=key)
    return pct


def _functional(w: _Writer, d: Department) -> None:
    w.heading("五、一般公共预算财政拨款支出决算情况说明")
    total = w.money("fn.total", d.fiscal_spending)
    budget = w.money("fn.budget", d.fiscal_budget)
    rate = _execution(w, "fn.rate", "fn.total", "fn.budget", d.fiscal_spending, d.fiscal_budget)
    w.line(f"{d.name} {d.year}年度一般公共预算财政拨款支出决算 {total}。与年初预算{budget}相比，"
           f"完成年初预算的{rate}%。其中：")
    for ci, cls in enumerate(d.functional, 1):
        ck = f"fn.{ci}"
        w.line(f"（{CN_NUM[ci]}）{cls.name}（类）", breakable=False)
        delta = cls.actual - cls.budget
        actual = w.money(ck + ".actual", cls.actual)
        if delta:
            d1 = w.text(ck + ".dir", _dir(delta))
            change = w.money(ck + ".change", abs(delta))
            w.line(f"{cls.name}（类）决算数为 {actual}，与年初预算相比{d1}{change}。其中：")
            w.claim("budget_diff", "arithmetic.budget_diff", "change",
                    {"direction": "inc" if delta > 0 else "dec", "dir": ck + ".dir"}, current=ck + ".actual",
                    change=ck + ".change", budget_parts=[f"{ck}.{ii}.budget" for ii in range(1, len(cls.items) + 1)])
        else:
            w.line(f"{cls.name}（类）决算数为 {actual}，与年初预算持平。其中：")
        parts = []
        for ii, item in enumerate(cls.items, 1):
            ik = f"{ck}.{ii}"
            b = w.money(ik + ".budget", item.budget)
            a = w.money(ik + ".actual", item.actual)
            head = f"{ii}.{item.kuan}（款）{item.name}（项）。年初预算{b}，支出决算{a}"
            if item.budget == 0:
                w.line(head + "。决算数与年初预算数的差异原因：年中根据实际发生情况追加预算。")
            else:
                rate = _execution(w, ik + ".rate", ik + ".actual", ik + ".budget", item.actual, item.budget)
                tail = ""
                if item.actual != item.budget and w.rng.random() < 0.35:
                    word = w.text(ik + ".cmp", "大于" if item.actual > item.budget else "小于")
                    tail = f"，决算数{word}年初预算数"
                    w.claim("direction", "wording.execution_direction", "pct",
                            {"says": "greater" if item.actual > item.budget else "less", "word": ik + ".cmp"},
                            pct=ik + ".rate")
                reason = ("年初预算数是系统自动测算生成，决算数按照全年实际应缴金额进行缴费" if item.project == 0
                          else "根据实际工作需要据实列支")
                w.line(f"{head}，完成年初预算的{rate}%{tail}。决算数与年初预算数的差异原因：{reason}。")
            parts.append(ik + ".actual")
        w.claim("sum", "structure.functional_sum", "total", {"class": cls.name}, total=ck + ".actual", parts=parts)


def _basic(w: _Writer, d: Department) -> None:
    w.heading("六、一般公共预算财政拨款基本支出决算情况说明")
    w.line(f" {d.name}{d.year}年度一般公共预算财政拨款基本支出决算 {w.money('b.total', d.basic_fiscal)}，其中：",
           breakable=False)
    for key, label, items in (("b.personnel", "人员经费", d.personnel), ("b.public", "公用经费", d.public)):
        head = f"（{'一' if label == '人员经费' else '二'}）{label} {w.money(key, sum(i.amount for i in items))}。主要包括："
        listed = "、".join(f"{i.name}{w.money(f'{key}.{i.code}', i.amount)}" for i in items)
        w.line(head + listed + "。")
        w.claim("sum", "arithmetic.sum", "total", {"open": "其中"}, total=key, parts=[f"{key}.{i.code}" for i in items])
    w.claim("sum", "structure.basic_split", "total", total="b.total", parts=["b.personnel", "b.public"])
    w.claim("sum", "arithmetic.sum", "total", {"list": "numbered headings"}, total="b.total",
            parts=["b.personnel", "b.public"])
    # X9: the insurance items and their functional lines
    pairs = (("30108", ("2080505",)), ("30109", ("2080506",)), ("30110", ("2101101", "2101102", "2101103")),
             ("30113", ("2210201",)))
    where = {it.code: f"fn.{ci}.{ii}.actual" for ci, c in enumerate(d.functional, 1)
             for ii, it in enumerate(c.items, 1)}
    for econ, codes in pairs:
        keys = [where[c] for c in codes if c in where]
        if keys:
            w.claim("cross_ref", "cross_reference.social_insurance", "total", total=f"b.personnel.{econ}", parts=keys)


def _project(w: _Writer, d: Department) -> None:
    w.heading("七、一般公共预算财政拨款项目支出决算情况说明")
    w.line(f"{d.name} {d.year}年度一般公共预算财政拨款项目支出决算{w.money('p.total', d.project_total)}，其中：",
           breakable=False)
    keys = []
    for k, cls in enumerate(d.project_econ, 1):
        key = f"p.{k}"
        head = f"（{CN_NUM[k]}）{cls.name}{w.money(key, cls.amount)}。"
        keys.append(key)
        if cls.items:
            listed = "、".join(f"{i.name}{w.money(f'{key}.{j}', i.amount)}" for j, i in enumerate(cls.items))
            w.line(head + "主要包括：" + listed + "。")
            if len(cls.items) >= 2:
                w.claim("sum", "arithmetic.sum", "total", {"open": "其中"}, total=key,
                        parts=[f"{key}.{j}" for j in range(len(cls.items))])
        else:
            w.line(head, breakable=False)
    w.claim("sum", "arithmetic.sum", "total", {"list": "numbered headings"}, total="p.total", parts=keys)


def _sangong(w: _Writer, d: Department) -> None:
    s = d.sangong
    w.heading("八、财政拨款“三公”经费支出决算情况说明")
    w.line("（一）财政拨款“三公”经费支出总体情况说明。", breakable=False)
    places = 1 if w.rng.random() < 0.4 else 2
    items = (("abroad", "因公出国（境）费", s.abroad_budget, s.abroad),
             ("car", "公务用车购置及运行维护费", s.car_budget, s.car),
             ("reception", "公务接待费", s.reception_budget, s.reception))
    tb = w.money("sg.total_budget", s.total_budget)
    ta = w.money("sg.total", s.total)
    tr = _execution(w, "sg.total.rate", "sg.total", "sg.total_budget", s.total, s.total_budget, places)
    parts = []
    for key, name, budget, actual in items:
        b = w.money(f"sg.{key}_budget", budget)
        a = w.money(f"sg.{key}", actual)
        r = _execution(w, f"sg.{key}.rate", f"sg.{key}", f"sg.{key}_budget", actual, budget, places)
        parts.append(f"{name}全年预算{b}，支出决算{a}，完成预算的{r}%")
    w.claim("sum", "structure.sangong", "total", {"column": "预算"}, total="sg.total_budget",
            parts=[f"sg.{k}_budget" for k, *_ in items])
    w.claim("sum", "structure.sangong", "total", {"column": "决算"}, total="sg.total", parts=[f"sg.{k}" for k, *_ in items])
    diff = ("加强了车辆日常使用管理，减少了车辆维修费用支出" if s.total <= s.total_budget else "公务用车更新购置，支出增加")
    w.line(f"{d.name} {d.year}年度财政拨款“三公”经费全年预算{tb}，支出决算{ta}，完成预算的{tr}%。其中："
           + "；".join(parts) + f"。{d.year}年度一般公共预算财政拨款“三公”经费全年预算"
           f"{w.money('sg.total_budget2', s.total_budget)}，支出决算{w.money('sg.total2', s.total)}，与预算差异原因主要是{diff}。")
    w.line("（二）财政拨款“三公”经费支出具体情况说明。", breakable=False)
    share_parts = []
    for key, name, _b, actual in items:
        a = w.money(f"sg2.{key}", actual)
        p = w.pct(f"sg2.{key}.pct", ratio_pct(actual, s.total))
        share_parts.append(f"{name}支出{a}，占{p}%")
        w.claim("share", "arithmetic.share", "pct", part=f"sg2.{key}", total="sg2.total", pct=f"sg2.{key}.pct")
    w.line(f"{d.name} {d.year}年度财政拨款“三公”经费支出{w.money('sg2.total', s.total)}。" + "；".join(share_parts)
           + "。其中：")
    none = "本部门没有此项业务费用支出"
    w.line(f"1.因公出国（境）费支出{w.money('sg3.abroad', s.abroad)}，全年出国（境）团组"
           f"{w.text('sg3.groups', str(s.abroad_groups), '个')}个，累计{w.text('sg3.people', str(s.abroad_people), '人次')}人次。"
           + _change(w, "sg3.abroad.yy", s.abroad, s.abroad_prev, current_key="sg3.abroad",
                     reason=none if not s.abroad and not s.abroad_prev else _reason(w, s.abroad - s.abroad_prev)) + "。")
    w.line(f"2.公务用车购置及运行维护费支出{w.money('sg3.car', s.car)}。其中：", breakable=False)
    w.line(f"（1）公务用车购置支出{w.money('sg3.car_buy', s.car_buy)}。本年度使用财政拨款购置公务用车"
           f"{w.text('sg3.cars_bought', str(s.cars_bought), '辆')}辆。"
           + _change(w, "sg3.car_buy.yy", s.car_buy, s.car_buy_prev, current_key="sg3.car_buy",
                     reason=(f"本部门{d.year}年度没有发生车辆购置业务" if not s.car_buy and not s.car_buy_prev
                             else _reason(w, s.car_buy - s.car_buy_prev))) + "。")
    w.line(f"（2）公务用车运行维护费支出{w.money('sg3.car_run', s.car_run)}。公务用车运行维护费主要用于按规定保留的公务用车的"
           f"燃料费、维修费、过桥过路费、保险费等支出。截至{d.year}年12月31日，使用财政拨款开支的公务用车保有量为"
           f"{w.text('sg3.stock', str(s.car_stock), '辆', true=s.car_stock)}辆。"
           + _change(w, "sg3.car_run.yy", s.car_run, s.car_run_prev, current_key="sg3.car_run",
                     reason=_reason(w, s.car_run - s.car_run_prev)) + "。")
    w.line(f"3.公务接待费支出{w.money('sg3.reception', s.reception)}。其中：国内公务接待支出"
           f"{w.money('sg3.reception_domestic', s.reception)}，接待{w.text('sg3.batches', str(s.reception_batches), '批次')}"
           f"批次，{w.text('sg3.guests', str(s.reception_people), '人次')}人次；国（境）外公务接待支出0万元，接待0批次，0人次。"
           + _change(w, "sg3.reception.yy", s.reception, s.reception_prev, current_key="sg3.reception",
                     reason=(f"本部门{d.year}年度没有公务接待费用支出" if not s.reception and not s.reception_prev
                             else _reason(w, s.reception - s.reception_prev))) + "。")
    w.claim("sum", "arithmetic.sum", "total", {"open": "其中"}, total="sg3.car", parts=["sg3.car_buy", "sg3.car_run"])
    # X8: the basic spending's running-cost item is part of the “三公” running cost
    w.claim("cross_ref", "cross_reference.vehicle_running_cost", "whole", {"relation": "≤"},
            part="b.public.30231", whole="sg3.car_run")


def _funds_zero(w: _Writer, d: Department) -> None:
    for head, name, key in (("九、政府性基金预算财政拨款支出决算情况说明", "政府性基金", "gf"),
                            ("十、国有资本经营预算财政拨款支出决算情况说明", "国有资本经营", "sc")):
        w.heading(head)
        amount = w.money(f"{key}.total", 0)
        w.line(f"{d.name} {d.year}年度{name}预算财政拨款支出决算 {amount}。"
               + _change(w, f"{key}.yy", 0, 0, explicit_prior=False, current_key=f"{key}.total",
                         reason=f"本部门{d.year}年度无{name}预算财政拨款收、支、余") + "。")


def _running(w: _Writer, d: Department) -> None:
    w.heading("十一、机关运行经费（公用经费）支出决算情况说明")
    public = w.money("r.public", d.public_total)
    yy = _change(w, "r.public.yy", d.public_total, d.prior.public, current_key="r.public",
                 reason=_reason(w, d.public_total - d.prior.public))
    running = w.money("r.running", d.running_costs)
    yy2 = _change(w, "r.running.yy", d.running_costs, d.prior.running_costs, current_key="r.running",
                  reason=_reason(w, d.running_costs - d.prior.running_costs))
    yy2 = yy2.replace("与上年决算", "比上年决算", 1)
    w.line(f"{d.name}{d.year}年度公用经费支出决算{public}，{yy}。其中，机关运行经费支出决算{running}。{yy2}。")
    w.claim("cross_ref", "structure.running_costs_le_public", "part", {"relation": "≤"}, part="r.running",
            whole="b.public")


def _procurement(w: _Writer, d: Department) -> None:
    p = d.procurement
    w.heading("十二、政府采购支出决算情况说明")
    total = w.money("pr.total", p.total)
    cats = (("goods", "货物", p.goods, p.sme_goods), ("works", "工程", p.works, p.sme_works),
            ("services", "服务", p.services, p.sme_services))
    amounts = "、".join(f"政府采购{nm}支出 {w.money(f'pr.{k}', a)}" for k, nm, a, _s in cats)
    sme = w.money("pr.sme", p.sme)
    sme_pct = w.pct("pr.sme.pct", ratio_pct(p.sme, p.total))
    small = w.money("pr.small", p.small)
    small_pct = w.pct("pr.small.pct", ratio_pct(p.small, p.total))
    shares = "，".join(f"{nm}采购授予中小企业合同金额占{nm}支出金额的"
                      f"{w.pct(f'pr.{k}.sme_pct', ratio_pct(s, a) if a else Decimal(0))}%" for k, nm, a, s in cats)
    w.line(f"{d.name} {d.year}年度政府采购支出总额 {total}，其中：{amounts}。政府采购授予中小企业合同金额 {sme}，"
           f"占政府采购支出总额的{sme_pct}%，其中：授予小微企业合同金额 {small}，占政府采购支出总额的{small_pct}%；"
           f"{shares}。")
    w.claim("sum", "arithmetic.sum", "total", {"open": "其中"}, total="pr.total", parts=[f"pr.{k}" for k, *_ in cats])
    w.claim("share", "arithmetic.share", "pct", part="pr.sme", total="pr.total", pct="pr.sme.pct")
    w.claim("share", "arithmetic.share", "pct", part="pr.small", total="pr.total", pct="pr.small.pct")
    w.claim("cross_ref", "structure.procurement_sme", "total", total="pr.sme",
            amounts=[f"pr.{k}" for k, *_ in cats], pcts=[f"pr.{k}.sme_pct" for k, *_ in cats])
    w.claim("cross_ref", "structure.procurement_small_le_sme", "part", {"relation": "≤"}, part="pr.small", whole="pr.sme")


def _assets(w: _Writer, d: Department) -> None:
    w.heading("十三、国有资产占用情况说明")
    vs = d.vehicles
    cats = []
    for k, (name, n) in enumerate(zip(VEHICLE_CATEGORIES, vs.counts)):
        cats.append(f"{name}{' ' if k % 3 == 1 else ''}{w.text(f'v.{k}', str(n), '辆')}辆")
    w.line(f"{d.name}截至{d.year}年12月31日，本部门共有车辆 {w.text('v.total', str(vs.total), '辆')}辆，其中："
           + "、".join(cats[:-1]) + f"，{cats[-1]}；单价100万元（含）以上的设备（不含车辆） "
           f"{w.text('v.equipment', str(vs.equipment), '台（套）')}台（套）。")
    w.claim("sum", "structure.vehicles", "total", total="v.total", parts=[f"v.{k}" for k in range(len(vs.counts))])
    w.claim("cross_ref", "cross_reference.vehicle_count", "whole", {"relation": "≤"}, part="sg3.stock", whole="v.total")


def _performance(w: _Writer, d: Department) -> None:
    w.heading("十四、预算绩效情况说明")
    w.line("（一）预算绩效管理工作开展情况。", breakable=False)
    n = len(d.projects)
    covered = w.money("pf.covered", d.covered)
    cov = w.pct("pf.coverage", ratio_pct(d.covered, d.project_total))
    w.line(f"{d.name}根据预算绩效管理要求组织对{d.year}年一般公共预算项目支出全面开展绩效自评，其中一级项目0个，二级项目{n}个，"
           f"共涉及资金{covered}，占一般公共预算项目支出总额的{cov}%；政府性基金预算项目0个，其中，一级项目0个，二级项目0个，"
           "共涉及资金0万元，占应纳入绩效自评的政府性基金预算项目支出总额的100.00%。")
    w.claim("share", "cross_reference.performance_coverage", "pct", part="pf.covered", total="out.1", pct="pf.coverage")
    w.line("（二）部门决算中项目绩效自评结果。", breakable=False)
    w.line(f"{d.name} {d.year}年度在决算中反映{n}个一般公共预算项目，以及0个政府性基金项目，共{n}个项目的绩效自评结果。")
    with_grade = w.rng.random() < 0.5
    for k, p in enumerate(d.projects, 1):
        key = f"pf.{k}"
        score = w.text(key + ".narrative", _short(p.total), "分", true=float(p.total))
        grade = ""
        if with_grade:
            grade = f"，自评等级为{w.text(key + '.grade', p.grade, true=p.grade)}"
            w.claim("narrative", "performance.grade", "score", {"grade": key + ".grade"}, score=key + ".narrative")
        b = w.money(key + ".n_budget", p.budget)
        a = w.money(key + ".n_actual", p.actual)
        r = _execution(w, key + ".n_rate", key + ".n_actual", key + ".n_budget", p.actual, p.budget)
        w.line(f"{k}.{p.name}项目自评综述：根据年初设定的绩效目标，项目自评得分{score}分{grade}。全年预算数为{b}，"
               f"执行数为{a}，完成预算的{r}%。项目绩效目标完成情况：{p.outcome}。发现的主要问题及原因：{p.problem}。"
               f"下一步改进措施：{p.measure}。")
        w.claim("narrative", "performance.narrative_score", "narrative", narrative=key + ".narrative", table=key + ".total")
        w.claim("narrative", "performance.narrative_funds", "narrative_actual", narrative_budget=key + ".n_budget",
                table_budget=key + ".budget", narrative_actual=key + ".n_actual", table_actual=key + ".actual",
                narrative_rate=key + ".n_rate", table_rate=key + ".rate")
    for k, p in enumerate(d.projects, 1):
        _table(w, d, k, p)


def _short(score: str) -> str:
    """A narrative score as people write it: 92.80 → 92.8, 100.00 → 100."""
    return score.rstrip("0").rstrip(".") if "." in score else score


def _table(w: _Writer, d: Department, k: int, p) -> None:
    key = f"pf.{k}"
    unit = w.v.unit
    pipe = w.v.table_layout == "pipe" or w.v.fmt == "docx"
    if w.v.table_layout == "cells" and w.v.fmt != "docx":
        w.row([f"项目支出绩效自评表\n({d.year}年度）"])
    else:
        w.row([f"项目支出绩效自评表({d.year}年度)"])
    w.row(["项目名称", f"{p.name}项目"])
    w.row(["主管部门", f"{d.name}（部门）", "实施单位", d.units[-1][0] if len(d.units) > 1 and k % 2 == 0 else d.name])
    w.row([f"项目资金\n（{unit}）", "　", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率（%）", "得分"])
    b0 = w.money(key + ".budget_initial", p.budget_initial, unit=False)
    b = w.money(key + ".budget", p.budget, unit=False)
    a = w.money(key + ".actual", p.actual, unit=False)
    rate = w.text(key + ".rate", p.rate, "%", true=float(p.rate))
    ex = w.text(key + ".exec_score", p.execution_score, "分", true=float(p.execution_score))
    ew = w.text(key + ".exec_weight", p.execution_weight, "分", true=float(p.execution_weight))
    w.row(["", "年度资金总额", b0, b, a, ew, rate, ex])
    w.claim("execution", "performance.execution_rate", "pct", actual=key + ".actual", budget=key + ".budget",
            pct=key + ".rate")
    w.claim("perf_score", "performance.execution_score", "score", score=key + ".exec_score",
            weight=key + ".exec_weight", actual=key + ".actual", budget=key + ".budget", rate=key + ".rate")
    f0 = w.money(key + ".f_budget_initial", p.budget_initial, unit=False)
    f1 = w.money(key + ".f_budget", p.budget, unit=False)
    f2 = w.money(key + ".f_actual", p.actual, unit=False)
    w.row(["", "其中：财政拨款", f0, f1, f2, "——", w.text(key + ".f_rate", p.rate, "%", true=float(p.rate)), "——"])
    w.claim("execution", "performance.execution_rate", "pct", actual=key + ".f_actual", budget=key + ".f_budget",
            pct=key + ".f_rate")
    w.row(["", "上年结转资金", "　", "　", "　", "——", "　", "——"])
    w.row(["", "其他资金", "0", "0", "0", "——", "0", "——"])
    w.row(["年度总体目标", "预期目标", "实际完成情况"])
    w.row(["", p.goal + "。", p.outcome + "。"])
    w.row(["绩效指标", "一级指标", "二级指标", "三级指标", "指标性质", "指标方向", "年度指标值", "实际完成值", "计量单位", "分值",
           "得分", "偏差原因分析及改进措施"])
    prev1 = prev2 = ""
    score_keys = []
    for j, ind in enumerate(p.indicators):
        ik = f"{key}.ind.{j}"
        l1 = ind.level1 if ind.level1 != prev1 else ""
        l2 = ind.level2 if (ind.level2 != prev2 or l1) else ""
        prev1, prev2 = ind.level1, ind.level2
        target, actual, iu = ind.target, ind.actual, ind.unit
        if iu == "万元" and unit == "元":
            target = w.money_text(round(float(target) * 100))
            actual = w.money_text(round(float(actual) * 100))
            iu = "元"
        t = w.text(ik + ".target", target, iu)
        a_ = w.text(ik + ".actual", actual, iu)
        wt = w.text(ik + ".weight", ind.weight, "分", true=float(ind.weight))
        sc = w.text(ik + ".score", ind.score, "分", true=float(ind.score))
        w.row(["绩效指标" if j == 0 else "", l1, l2, ind.name, ind.nature, ind.direction or "　", t, a_, iu or "　", wt,
               sc, ind.reason or "　"])
        w.claim("perf_indicator", "performance.indicator_score", "score",
                {"nature": ind.nature, "sense": {"大于等于": ">=", "小于等于": "<=", "等于": "="}.get(ind.direction, ""),
                 "qualitative": "" if ind.quantitative else "1", "indicator": ind.name},
                score=ik + ".score", weight=ik + ".weight", target=ik + ".target", actual=ik + ".actual")
        score_keys.append(ik + ".score")
    total = w.text(key + ".total", p.total, "分", true=float(p.total))
    w.row(["总分", w.text(key + ".weight_total", "100", "分", true=100.0), total, "　"])
    w.claim("perf_score", "performance.total", "total", total=key + ".total", execution_score=key + ".exec_score",
            scores=score_keys)
    w.claim("perf_score", "performance.weights", "weight_total", weight_total=key + ".weight_total",
            execution_weight=key + ".exec_weight", weights=[f"{key}.ind.{j}.weight" for j in range(len(p.indicators))])
    if not pipe:
        w.blank()
        w.blank()


def _closing(w: _Writer, d: Department) -> None:
    w.line("第三部分 名词解释", breakable=False)
    terms = (
        "财政拨款收入：从同级财政部门取得的各类财政拨款，包括一般公共预算财政拨款、政府性基金预算财政拨款、国有资本经营预算财政拨款。",
        "上级补助收入：指事业单位从主管部门和上级单位取得的非财政补助收入。",
        "事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",
        "经营收入：指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。",
        "附属单位上缴收入：指事业单位取得附属独立核算单位按照有关规定上缴的收入。",
        "其他收入：取得的除上述财政拨款收入、上级补助收入、事业收入、经营收入、附属单位上缴收入等以外的各项收入。",
        "使用非财政拨款结余（含专用结余）：指事业单位按照预算管理要求使用非财政拨款结余弥补收支差额的金额，以及使用专用结余安排支出的金额。",
        "年初结转和结余：指单位上年结转本年使用的基本支出结转、项目支出结转和结余、经营结余。",
        "结余分配：指单位按规定缴纳企业所得税以及从非财政拨款结余或经营结余中提取各类结余的情况。",
        "年末结转和结余资金：指单位结转下年的基本支出结转、项目支出结转和结余、经营结余。",
        "基本支出：指为保障机构正常运转、完成日常工作任务所发生的支出，包括人员经费和公用经费。",
        "项目支出：指在为完成特定的行政工作任务或事业发展目标所发生的支出。",
        "“三公”经费：指部门（单位）用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。",
        "机关运行经费：指行政单位和参照公务员法管理的事业单位财政拨款基本支出中的公用经费支出。",
    )
    for i, t in enumerate(terms, 1):
        w.line(f"{CN_NUM[i]}、{t}")
    w.line("第四部分 决算公开联系方式及信息反馈渠道", breakable=False)
    w.line("本部门（单位）决算公开信息反馈和联系方式：", breakable=False)
    w.line(f"联系人：{'王李张刘陈杨'[len(d.name) % 6]}同志 联系电话：0476-{8400000 + len(d.name) * 137 % 99999}", breakable=False)
    w.line("第五部分 部门决算表", breakable=False)
    w.line("见附件。", breakable=False)
