"""The audit report: HTML fragments the notebook shows, and the self-contained page they become.

Two halves:

- **Fragments.** Each section of ``notebooks/audit.ipynb`` is one call here that turns an
  :class:`~juesuan.audit.AuditResult` (or one of its analyses) into an HTML fragment —
  :func:`header`, :func:`summary`, :func:`findings_table`, :func:`lines_table`, … — with every
  string that came from the disclosure HTML-escaped. They compute nothing: the numbers come
  from :mod:`juesuan.analysis`, the sentences from :mod:`juesuan.analysis.summary`.
- **The page.** :func:`notebook_to_html` renders the executed notebook with code hidden, in-process
  (about 10 ms per report once warm, against ~3 s for the ``jupyter nbconvert`` CLI), through
  the ``audit`` template shipped in ``juesuan/templates``: nbconvert's ``lab`` template minus
  every script it would load from a CDN and minus JupyterLab's editor CSS, plus ``report.css``
  (screen and A4 print). It then adds a table of contents linking every section heading and
  embeds the subset of the bundled OFL font (Noto Sans SC) that the page uses
  (:mod:`juesuan.fonts`), so Chinese reads the same on a machine without CJK fonts and the
  page loads nothing from any other host.

The same notebook always gives the same bytes: cell ids are renumbered, papermill's run
metadata (timestamps, durations, random ids) is dropped, and the font subset carries no
timestamp.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import math
import platform
import re
import threading
from collections.abc import Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from . import fonts

if TYPE_CHECKING:

    from .analysis import PerformanceAnalysis, VarianceAnalysis
    from .audit import AuditResult

__all__ = [
    "REMOVED_CELL_TAGS",
    "Fragment",
    "checks_table",
    "claims_table",
    "completeness_table",
    "execution_table",
    "explained_table",
    "findings_table",
    "funds_table",
    "header",
    "indicators_table",
    "lines_table",
    "notebook_to_html",
    "prior_table",
    "provenance",
    "qualitative_table",
    "scores_table",
    "section_of",
    "summary",
    "verdicts_by_kind",
    "yoy_table",
]

REMOVED_CELL_TAGS = ("remove_cell", "injected-parameters")
"""Cells with these tags are left out of the HTML (they stay in report.ipynb).

papermill's injected-parameters cell shows absolute paths, escaped as ``\\uXXXX`` for
Chinese; the report states the parameters in readable form instead.
"""

_TEMPLATES = Path(__file__).parent / "templates"
_TEMPLATE = "audit"

# The cached exporter holds per-conversion state (resources, metadata); one lock makes it
# safe for threaded batch executors.
_lock = threading.Lock()


class _StableIds(Preprocessor):
    """Make the rendered notebook independent of the run that produced it.

    papermill gives its injected cell a random id and stamps every cell with start/end
    times; nbformat gives new cells random ids. Renumber the cells ``c0000``… and drop
    the run metadata so two runs of the same department give byte-identical HTML.
    """

    def preprocess(self, nb: nbformat.NotebookNode, resources: dict) -> tuple[nbformat.NotebookNode, dict]:
        for i, cell in enumerate(nb.cells):
            cell.id = f"c{i:04d}"
            cell.metadata.pop("papermill", None)
            cell.metadata.pop("execution", None)
        nb.metadata.pop("papermill", None)
        # The lab template prefers a notebook's own title over ours; ours is the argument.
        nb.metadata.pop("title", None)
        return nb, resources


class _Exporter(HTMLExporter):
    """nbconvert's HTML exporter without its closing BeautifulSoup pass.

    ``HTMLExporter`` re-parses the finished page only to give images without one an alt text,
    cells and outputs a ``tabindex``, and (as a side effect of re-serialising) characters instead
    of the numeric references nbconvert writes in headings: more than half of the export's time
    (~0.1 s a report). :func:`_after_template` does the same on the page's text.
    """

    def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict | None = None,
                           **kw: Any) -> tuple[str, dict]:
        # HTMLExporter.from_notebook_node up to its soup (nbconvert 7.16/7.17)
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _after_template(body), resources


_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")
_FOCUSABLE_DIV = re.compile(r'(<div class="[^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*")')
_NUMERIC_REFERENCE = re.compile(r"&#(\d{3,7});")


def _character(match: re.Match[str]) -> str:
    # Only non-ASCII text characters: a reference to <, & or " must stay a reference.
    code = int(match[1])
    return chr(code) if 0x80 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match[0]


def _after_template(body: str) -> str:
    """Alt texts, tabindex for keyboard scrolling, and 摘要 rather than &#25688;&#35201; in headings."""
    body = _IMG_WITHOUT_ALT.sub('<img alt="图表"', body)
    body = _FOCUSABLE_DIV.sub(r'\1 tabindex="0"', body)
    return _NUMERIC_REFERENCE.sub(_character, body)


@functools.cache
def _exporter() -> HTMLExporter:
    """The configured exporter, built once per process (construction takes ~0.4 s)."""
    config = Config({"TagRemovePreprocessor": {"remove_cell_tags": list(REMOVED_CELL_TAGS)},
                     # pygments CSS is for code cells, and the report shows none
                     "CSSHTMLHeaderPreprocessor": {"enabled": False}})
    exporter = _Exporter(
        config=config,
        template_name=_TEMPLATE,
        language_code="zh-CN",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(_StableIds(), enabled=True)
    return exporter


def notebook_to_html(nb: nbformat.NotebookNode, title: str, *, embed_font: bool = True,
                     trusted_scripts: Sequence[str] = ()) -> str:
    """Render an (executed) notebook as the audit report's HTML page.

    Code inputs and prompts are hidden, cells tagged ``remove_cell`` or
    ``injected-parameters`` are left out, ``<title>`` is ``title``, every ``h2``/``h3`` heading
    is listed in a table of contents (at a :func:`header`'s placeholder, else after the first
    ``h1``), the glyphs the page uses are embedded from the bundled CJK font (``embed_font``),
    and the page loads nothing from any other host. The argument is not modified. Identical
    notebooks give identical bytes, whatever papermill recorded about the run.

    The page carries a Content-Security-Policy that lets the browser run no script at all, or
    only ``trusted_scripts`` (the exact text of juesuan's own inline scripts, allowed by hash):
    should anything from a disclosure ever escape the escaping, it still cannot run.
    """
    with _lock:
        body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = _with_toc(body)
    if embed_font:
        body = _with_font(body)
    return _with_policy(body, trusted_scripts)


def _with_policy(body: str, trusted_scripts: Sequence[str]) -> str:
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in trusted_scripts]
    scripts = " ".join(hashes) if hashes else "'none'"
    policy = ("default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
              f"script-src {scripts}; base-uri 'none'; form-action 'none'")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    head = body.find("<head>")
    if head < 0:
        return body
    end = head + len("<head>")
    return body[:end] + "\n" + meta + body[end:]


# --------------------------------------------------------------------------------------------
# Table of contents


_TOC_SLOT = '<nav class="toc" data-juesuan-toc=""></nav>'
_HEADING = re.compile(r'<h([23]) id="([^"]+)">(.*?)<a class="anchor-link"', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _with_toc(body: str) -> str:
    """List every h2/h3 heading (nbconvert gives markdown headings their ids) in a nav."""
    headings = [(int(level), anchor, _TAG.sub("", text).strip()) for level, anchor, text in _HEADING.findall(body)]
    if sum(1 for level, _, _ in headings if level == 2) < 2:
        return body.replace(_TOC_SLOT, "")
    parts = ['<nav class="toc" aria-label="目录"><p class="toc-title">目录</p><ol>']
    open_sub = False
    for level, anchor, text in headings:
        item = f'<li><a href="#{anchor}">{text}</a>'  # text is already escaped markup from nbconvert
        if level == 2:
            if open_sub:
                parts.append("</ol></li>")
                open_sub = False
            elif len(parts) > 1:
                parts.append("</li>")
            parts.append(item)
        else:
            if not open_sub:
                parts.append("<ol>")
                open_sub = True
            parts.append(item + "</li>")
    parts.append("</ol></li></ol></nav>" if open_sub else "</li></ol></nav>")
    nav = "".join(parts)
    if _TOC_SLOT in body:
        return body.replace(_TOC_SLOT, nav, 1)
    end = body.find("</h1>")
    if end < 0:
        return body
    # after the markdown cell that holds the h1
    close = body.find("</div>", end)
    return body[:close] + nav + body[close:] if close >= 0 else body


# --------------------------------------------------------------------------------------------
# The CJK font, embedded as a subset


_FONT_FAMILY = "Juesuan Noto Sans SC"


def _page_text(body: str) -> str:
    """What the reader sees: the page without its data: URIs, styles and tags."""
    text = re.sub(r"data:[^\"')\s]+", "", body)
    text = re.sub(r"<style.*?</style>", "", text, flags=re.DOTALL)
    return html.unescape(_TAG.sub("", text))


def _with_font(body: str) -> str:
    chars = "".join(sorted({c for c in _page_text(body) if ord(c) > 0x20} | set("0123456789.,%-+")))
    data = fonts.woff_subset(chars)
    if not data:
        return body
    face = (f'<style type="text/css">@font-face{{font-family:"{_FONT_FAMILY}";font-style:normal;'
            f'font-weight:400;src:url(data:font/woff;base64,{base64.b64encode(data).decode("ascii")}) '
            'format("woff");}</style>\n')
    return body.replace("</head>", face + "</head>", 1)


# --------------------------------------------------------------------------------------------
# Fragments: what each notebook cell shows


class Fragment(str):
    """An HTML fragment: a ``str`` that Jupyter displays as HTML (every input string escaped)."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        # The plain-text fallback of a displayed fragment: a line, not a second copy of the HTML
        # (it would double report.ipynb and every message between kernel and papermill).
        p.text(f"<HTML: {len(self):,} characters>")


_e = html.escape
_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
_VERDICT = {"consistent": "一致", "inconsistent": "不一致", "uncheckable": "无法核对", "not found": "未找到"}
_KIND = {"sum": "合计与分项", "share": "占比", "yoy": "同比增减", "execution": "预算完成率",
         "budget_diff": "与预算差额", "explained_variance": "变动原因", "direction": "增减方向",
         "cross_ref": "前后对照", "perf_score": "绩效总分与分值", "perf_indicator": "绩效指标",
         "narrative": "文字与表格", "completeness": "公开完整性"}
_GAP_UNITS = {"万元": "万元", "%": "个百分点", "分": "分", "×": "倍", "row": "行", "item": "项", "wording": ""}
_QUOTE_CHARS = 110
#: Which report section shows a rule's findings (rules not listed go to 数字是否前后一致).
_SECTIONS = (("variance.", "variance"), ("observation.low_execution", "variance"),
             ("observation.unimplemented", "variance"), ("observation.budget_cut_execution", "performance"),
             ("performance.", "performance"), ("completeness.", "completeness"))
#: Packages whose versions the provenance footer states (the ones that shape a report).
KEY_DEPENDENCIES: tuple[str, ...] = ("pandas", "numpy", "great-expectations", "matplotlib", "seaborn", "papermill",
                                     "nbconvert", "nbformat", "pydantic", "jsonschema", "fonttools",
                                     "pylopdf-fonts-zh-cn", "opencc", "charset-normalizer", "python-docx", "pypdf")


def section_of(rule: str) -> str:
    """``consistency``, ``variance``, ``performance`` or ``completeness``: where a rule's findings go."""
    for prefix, section in _SECTIONS:
        if rule.startswith(prefix):
            return section
    return "consistency"


def _isnan(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _amount(x: object, places: int = 2) -> str:
    return "—" if _isnan(x) else f"{float(x):,.{places}f}"  # type: ignore[arg-type]


def _signed(x: object, places: int = 2) -> str:
    return "—" if _isnan(x) else f"{float(x):+,.{places}f}"  # type: ignore[arg-type]


def _num(x: object) -> str:
    """A score or count without trailing zeros (``7.5``, ``100``)."""
    if _isnan(x):
        return "—"
    text = f"{float(x):.4f}".rstrip("0").rstrip(".")  # type: ignore[arg-type]
    return "0" if text in ("-0", "") else text


def _pct(x: object, places: int = 2) -> str:
    return "—" if _isnan(x) else f"{float(x):.{places}f}%"  # type: ignore[arg-type]


def _clip(text: object, chars: int = _QUOTE_CHARS) -> str:
    t = str(text or "").strip()
    return t if len(t) <= chars else t[:chars] + "…"


def _quote_cell(text: object, chars: int = _QUOTE_CHARS) -> str:
    t = _clip(text, chars)
    return f'<td class="quote">{_e(t)}</td>' if t else "<td></td>"


def _sev(severity: str) -> str:
    return f'<span class="sev sev-{_e(severity)}">{_e(_SEVERITY.get(severity, severity))}</span>'


def _verdict(verdict: str) -> str:
    cls = "v-" + re.sub(r"[^a-z]+", "-", verdict)
    return f'<span class="{cls}">{_e(_VERDICT.get(verdict, verdict))}</span>'


def _few(joined: object, unit: str = "处") -> str:
    """``99、102`` for two items; ``99 等 11 处`` for more (a merged row of the summary)."""
    items = [x for x in str(joined or "").split(",") if x]
    if len(items) <= 2:
        return "、".join(items)
    return f"{items[0]} 等 {len(items)} {unit}"


def _lines(text: object) -> str:
    return _e(str(text or "").replace(",", "、"))


def _table(headers: Sequence[tuple[str, str]], rows: Iterable[Sequence[str]], *, classes: str = "",
           row_classes: Sequence[str] | None = None, widths: Sequence[str] | None = None) -> str:
    """``headers`` are (label, css class); each row is a list of ready ``<td>`` cells.

    ``widths`` (CSS lengths, "" for the column that takes the rest) fix the layout, so a long
    quote cannot squeeze the column that carries the numbers.
    """
    head = "".join(f'<th class="{c}">{_e(h)}</th>' if c else f"<th>{_e(h)}</th>" for h, c in headers)
    cols = ""
    if widths:
        cols = "<colgroup>" + "".join(f'<col style="width:{w}">' if w else "<col>" for w in widths) + "</colgroup>"
        classes = f"{classes} fixed".strip()
    body = []
    for i, cells in enumerate(rows):
        cls = row_classes[i] if row_classes and i < len(row_classes) and row_classes[i] else ""
        body.append((f'<tr class="{cls}">' if cls else "<tr>") + "".join(cells) + "</tr>")
    cls = f"js {classes}".strip()
    return (f'<table class="{cls}">{cols}<thead><tr>{head}</tr></thead><tbody>' + "".join(body)
            + "</tbody></table>")


def _td(text: object, cls: str = "") -> str:
    return f'<td class="{cls}">{_e(str(text))}</td>' if cls else f"<td>{_e(str(text))}</td>"


def _raw_td(markup: str, cls: str = "") -> str:
    return f'<td class="{cls}">{markup}</td>' if cls else f"<td>{markup}</td>"


def _note(text: str) -> str:
    return f'<p class="note">{_e(text)}</p>'


# -- header and summary ----------------------------------------------------------------------


def header(result: AuditResult) -> Fragment:
    """Department, year, the disclosure read and the thresholds; the table of contents goes below."""
    dept = result.department
    name = str(dept.get("name") or dept.get("id") or "")
    year = dept.get("year")
    doc = result.findings_document()
    source = doc["source"]
    params = result.params
    rows = [("公开文本", f"{source['path']}（SHA-256 {str(source['sha256'])[:16]}…）"),
            ("审计工具", f"juesuan {doc['tool']['version']}，规则集 {len(result.suites)} 个（版本见文末）")]
    if params is not None:
        m, t = params.materiality, params.thresholds
        standard = (f"差异达 {m.amount_wan:g} 万元或 {m.share_pct:g}% 为重大；执行率低于 {t.execution_low_pct:g}% "
                    f"需说明原因；实际值超过目标 {t.target_too_low_ratio:g} 倍视为目标偏低")
        rows.append(("判断标准", standard))
        if params.prior_source is not None:
            rows.append(("上年公开文本", params.prior_source.name))
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    sub = f"{year} 年度部门决算公开 · 审计报告" if year else "部门决算公开 · 审计报告"
    return Fragment(f'<div class="report-meta"><p class="dept">{_e(name)}</p><p class="sub">{_e(sub)}</p>'
                    f"<dl>{dl}</dl></div>{_TOC_SLOT}")


def summary(result: AuditResult, *, top: int = 8) -> Fragment:
    """Verdict counts, the plain-Chinese conclusion and the top findings by severity and amount."""
    from .analysis.summary import conclusion, top_findings

    s = result.summary
    consistent = sum(str(c.verdict) == "consistent" for c in result.claims)
    info = sum(f.severity == "info" for f in result.findings)
    cards = [(s["claims"], "项数字关系", ""), (consistent, "一致", "good"), (s["inconsistent"], "不一致", "bad"),
             (s["uncheckable"], "无法核对", ""), (s["errors"], "错误", "bad"), (s["warnings"], "警告", "warn"),
             (info, "提示", "")]
    card_html = "".join(f'<div class="card {cls}"><span class="n">{n}</span><span class="l">{_e(label)}</span></div>'
                        for n, label, cls in cards)
    out = [f'<div class="cards">{card_html}</div>', f'<p class="conclusion">{_e(conclusion(result))}</p>']
    frame = top_findings(result, None, merge=True)
    if len(frame):
        shown = frame.head(top)
        rows = [[_raw_td(_sev(str(r.severity)), "nowrap"),
                 _raw_td(f"{_e(r.title)}<span class=\"msg\">{_e(r.sentence)}</span>"),
                 _td(_amount(r.amount_wan) if r.amount_wan else "—", "num"), _td(_few(r.lines)),
                 _td(_few(r.ids, "项"))] for r in shown.itertuples(index=False)]
        out.append('<p class="caption">主要问题（按严重程度，再按涉及金额排列；同一问题重复出现或同类问题多处出现时合为一行）</p>')
        out.append(_table([("级别", ""), ("问题", ""), ("金额（万元）", "num"), ("行", ""), ("编号", "")], rows,
                          widths=["3.4em", "", "6.5em", "6.5em", "6.5em"]))
        if len(frame) > top:
            out.append(_note(f"另有 {len(frame) - top} 项问题，见各节的问题表。"))
    return Fragment("".join(out))


# -- findings and claims -----------------------------------------------------------------------


def _gap_text(gap: float, unit: str) -> str:
    if unit == "wording":
        return "措辞矛盾"
    if not gap:
        return "—"
    shown = f"{gap:.2f}" if gap >= 0.01 else f"{gap:.2g}"
    return f"{shown} {_GAP_UNITS.get(unit, unit)}".strip()


def _message_numbers(message: str) -> str:
    """A finding's message without the quote it repeats (the table shows the quote)."""
    return message.split(" — “", 1)[0]


def findings_table(result: AuditResult, section: str | None = None) -> Fragment:
    """The findings (of one report section, or all): severity, rule, numbers, gap, line, quote."""
    from .analysis.summary import rule_title, sentences

    chosen = [f for f in result.findings if section is None or section_of(f.rule) == section]
    if not chosen:
        return Fragment(_note("本节没有发现问题。"))
    said = sentences(result)
    rows = []
    for f in chosen:
        sentence = said[f.id]
        rows.append([
            _td(f.id, "nowrap"), _raw_td(_sev(f.severity), "nowrap"),
            _raw_td(f'{_e(rule_title(f.rule))}<span class="rule-id">{_e(f.rule)}</span>'),
            _raw_td(f'{_e(sentence)}<span class="msg">{_e(_message_numbers(f.message))}</span>'),
            _td(_amount(f.amount_wan) if f.amount_wan else "—", "num"), _td(_gap_text(f.gap, f.gap_unit), "num"),
            _td(f.line or "—", "num"), _quote_cell(f.quote),
        ])
    headers = [("编号", ""), ("级别", ""), ("规则", ""), ("问题与数字", ""), ("金额（万元）", "num"),
               ("差距", "num"), ("行", "num"), ("原文", "")]
    return Fragment(_table(headers, rows, widths=["3.3em", "3.4em", "9.5em", "", "5.6em", "7.2em", "3.4em", "13.5em"]))


def verdicts_by_kind(result: AuditResult) -> Fragment:
    """How many claims of each kind were consistent, inconsistent or uncheckable."""
    counts: dict[str, dict[str, int]] = {}
    for c in result.claims:
        counts.setdefault(str(c.kind), {"consistent": 0, "inconsistent": 0, "uncheckable": 0})[str(c.verdict)] += 1
    rows = []
    for kind, n in sorted(counts.items(), key=lambda kv: -sum(kv[1].values())):
        rows.append([_raw_td(f'{_e(_KIND.get(kind, kind))}<span class="rule-id">{_e(kind)}</span>'),
                     _td(n["consistent"], "num"), _td(n["inconsistent"], "num"), _td(n["uncheckable"], "num"),
                     _td(sum(n.values()), "num")])
    headers = [("数字关系类型", ""), ("一致", "num"), ("不一致", "num"), ("无法核对", "num"), ("合计", "num")]
    return Fragment(_table(headers, rows, classes="compact"))


def _reported(values: dict[str, Any]) -> str:
    parts = []
    for k, v in values.items():
        if isinstance(v, list):
            shown = ", ".join(_num(x) if isinstance(x, (int, float)) else str(x) for x in v[:6])
            parts.append(f"{k}=[{shown}{', …' if len(v) > 6 else ''}]")
        elif isinstance(v, (int, float)):
            parts.append(f"{k}={_num(v)}")
        elif v:
            parts.append(f"{k}={_clip(v, 24)}")
    return "; ".join(parts)


def claims_table(result: AuditResult) -> Fragment:
    """Every claim: id, kind, rule, line, verdict, gap, the printed numbers and the quote."""
    rows, classes = [], []
    for c in result.claims:
        rows.append([_td(c.id, "nowrap"), _raw_td(f'{_e(_KIND.get(str(c.kind), str(c.kind)))}'
                                                  f'<span class="rule-id">{_e(c.rule)}</span>'),
                     _td(c.line, "num"), _raw_td(_verdict(str(c.verdict)), "nowrap"),
                     _td(_gap_text(c.gap, c.gap_unit) if str(c.verdict) == "inconsistent" else "—", "num"),
                     _raw_td(f'<span class="mono">{_e(_reported(c.reported()))}</span>'), _quote_cell(c.quote, 60)])
        classes.append("flag" if str(c.verdict) == "inconsistent" else "")
    headers = [("编号", ""), ("类型与规则", ""), ("行", "num"), ("结论", ""), ("差距", "num"), ("印出的数字", ""),
               ("原文", "")]
    return Fragment(_table(headers, rows, classes="compact", row_classes=classes,
                           widths=["4em", "13.5em", "3.3em", "4.2em", "5.5em", "", "15em"]))


def checks_table(result: AuditResult) -> Fragment:
    """Every expectation that ran: rule, suite, severity, rows looked at, rows rejected, status."""
    from .analysis.summary import rule_title

    if not result.outcomes:
        return Fragment(_note("没有记录检查计划。"))
    status = {"passed": "通过", "failed": "未通过", "errored": "检查出错"}
    rows = [[_raw_td(f'{_e(rule_title(o.check_id))}<span class="rule-id">{_e(o.check_id)}</span>'),
             _td(o.suite), _raw_td(_sev(o.severity), "nowrap"), _td(o.element_count, "num"),
             _td(len(o.unexpected_claim_ids), "num"), _td(status.get(o.status, o.status), "nowrap")]
            for o in sorted(result.outcomes, key=lambda o: (o.suite, o.check_id))]
    headers = [("规则", ""), ("规则集", ""), ("级别", ""), ("核对条数", "num"), ("未通过", "num"), ("状态", "")]
    return Fragment(_table(headers, rows, classes="compact",
                           row_classes=["flag" if o.status != "passed" else "" for o in
                                        sorted(result.outcomes, key=lambda o: (o.suite, o.check_id))]))


# -- variance ------------------------------------------------------------------------------------


def lines_table(variance: VarianceAnalysis) -> Fragment:
    """Budget vs actual per 项, grouped under its 类 with the 类 subtotal."""
    lines = variance.lines
    if lines.empty:
        return Fragment(_note("文本没有逐项列示功能分类科目的年初预算和决算。"))
    rows, classes = [], []
    by_class = variance.by_class.set_index("class")
    for cls, grp in lines.groupby("class", sort=False):
        c = by_class.loc[cls]
        rows.append([_td(f"{cls}（类）"), _td(_amount(c["budget_wan"]), "num"), _td(_amount(c["actual_wan"]), "num"),
                     _td(_signed(c["variance_wan"]), "num"), _td(_pct(c["execution_pct"], 1), "num"), _td(""),
                     _td("")])
        classes.append("group")
        for r in grp.itertuples(index=False):
            reason = _e(_clip(r.reason, 90)) if r.reason else '<span class="muted">未说明</span>'
            if r.boilerplate:
                reason += '<span class="tag">套话</span>'
            flag = "●" if r.material else ""
            rows.append([_td(f"{r.kuan} · {r.item}"), _td(_amount(r.budget_wan), "num"), _td(_amount(r.actual_wan), "num"),
                         _td(_signed(r.variance_wan), "num"),
                         _td(_pct(r.execution_pct, 1) if not _isnan(r.execution_pct) else "无预算", "num"),
                         _raw_td(f"{flag} {reason}".strip()), _td(r.line, "num")])
            classes.append("")
    m = variance.materiality
    headers = [("科目（款 · 项）", ""), ("年初预算", "num"), ("决算", "num"), ("差异", "num"), ("执行率", "num"),
               ("差异原因（● 为重大差异）", ""), ("行", "num")]
    note = (f"金额单位：万元。“类”行为其下各“项”之和。差异 = 决算 − 年初预算；差异达 {m.amount_wan:g} 万元或年初预算的 {m.share_pct:g}% 为重大差异"
            "（●），需要说明具体原因。“套话”指系统测算之类的通用说法，或在三处以上逐字重复的原因。")
    return Fragment(_table(headers, rows, row_classes=classes,
                           widths=["13em", "5.5em", "5.5em", "5.5em", "4.6em", "", "3em"]) + _note(note))


def explained_table(variance: VarianceAnalysis) -> Fragment:
    """Each variance whose reasons give amounts: the reasons, what they explain, what is left."""
    ex, reasons = variance.explained, variance.reasons
    if ex.empty:
        return Fragment(_note("文本没有给出带金额的变动原因。"))
    rows, classes = [], []
    basis = {"预算": "与年初预算相比", "上年": "与上年决算相比"}
    for r in ex.itertuples(index=False):
        parts = reasons[reasons["claim_id"] == r.claim_id]
        listed = "；".join(f"{p.reason} {_amount(p.amount_wan)}" for p in parts.itertuples(index=False))
        if r.beyond_rounding:
            verdict = f'<span class="v-inconsistent">{"未说明" if r.unexplained_wan > 0 else "多说明"} ' \
                      f'{_amount(abs(r.unexplained_wan))} 万元</span>'
        else:
            verdict = '<span class="v-consistent">已全部说明（四舍五入范围内）</span>'
        lines = str(r.line) + (f"（{_lines(r.restated_at)} 重复）" if r.restated_at else "")
        rows.append([_td(f"{basis.get(r.basis, '')}{r.direction} {_amount(r.variance_wan)}"), _td(listed),
                     _td(_amount(r.explained_wan), "num"), _raw_td(verdict), _td(lines),
                     _quote_cell(r.quote)])
        classes.append("flag" if r.beyond_rounding else "")
    headers = [("差异（万元）", ""), ("文本列出的原因（万元）", ""), ("原因合计", "num"), ("结论", ""), ("行", ""),
               ("原文", "")]
    return Fragment(_table(headers, rows, row_classes=classes, widths=["8em", "", "5em", "7em", "7em", "16em"]))


def yoy_table(variance: VarianceAnalysis) -> Fragment:
    """This year against last: the stated changes (and last year's disclosure, when given)."""
    yoy = variance.yoy
    if yoy.empty:
        return Fragment(_note("文本没有给出与上年的比较。"))
    zero = (yoy["current_wan"] == 0) & (yoy["change_wan"] == 0)
    shown = yoy[~zero]
    rows = []
    for r in shown.itertuples(index=False):
        source = "上年公开文本" if r.source == "prior_source" else "本年文本"
        rows.append([_td(r.group, "nowrap"), _td(r.item), _td(_amount(r.current_wan), "num"),
                     _td(_amount(r.prior_wan), "num"), _td(_signed(r.change_wan), "num"),
                     _td(_pct(r.change_pct) if not _isnan(r.change_pct) else "—", "num"),
                     _td(_pct(r.recomputed_pct) if not _isnan(r.recomputed_pct) else "上年无数据", "num"),
                     _raw_td(_verdict(r.verdict) if r.verdict else _e(source), "nowrap"),
                     _td(str(r.line) + (f"、{r.restated_at.replace(',', '、')}" if r.restated_at else ""), "nowrap")])
    headers = [("分组", ""), ("项目", ""), ("本年", "num"), ("上年", "num"), ("增减额", "num"), ("增减率（文本）", "num"),
               ("增减率（复算）", "num"), ("结论", ""), ("行", "")]
    out = _table(headers, rows, widths=["6.5em", "", "5.5em", "5.5em", "5.5em", "7em", "7em", "4.5em", "5em"])
    notes = ["金额单位：万元。上年数 = 本年数 − 文本所说的增减额；增减率（复算）= 增减额 ÷ 上年数。"]
    if int(zero.sum()):
        notes.append(f"另有 {int(zero.sum())} 项本年与上年均为 0（如“三公”中的出国、接待），未列出。")
    return Fragment(out + _note("".join(notes)))


def prior_table(variance: VarianceAnalysis) -> Fragment:
    """The 上年 figures this year states, against what last year's disclosure printed."""
    if variance.prior_source is None:
        return Fragment(_note("未提供上年决算公开文本（params 的 prior_source 为空），本年文本中的上年数字无法与上年"
                              "公开的数字核对；上表的上年数由本年文本推算。"))
    prior = variance.prior
    if prior.empty:
        return Fragment(_note(f"本年文本没有给出可与上年公开文本（{variance.prior_source}）核对的上年数字。"))
    rows = [[_td(r.item), _td(_amount(r.stated_prior_wan), "num"), _td(_amount(r.prior_wan), "num"),
             _td(_amount(r.gap_wan) if not _isnan(r.gap_wan) else "—", "num"), _raw_td(_verdict(r.verdict), "nowrap"),
             _td(r.line, "num"), _td(r.prior_line or "—", "num"), _quote_cell(r.prior_quote, 80)]
            for r in prior.itertuples(index=False)]
    headers = [("项目", ""), ("推算的上年数", "num"), ("上年文本所列", "num"), ("差距", "num"), ("结论", ""),
               ("本年行", "num"), ("上年行", "num"), ("上年原文", "")]
    return Fragment(_table(headers, rows, row_classes=["flag" if v == "inconsistent" else "" for v in prior["verdict"]],
                           widths=["", "6.5em", "6.5em", "5em", "4.5em", "3.6em", "3.6em", "15em"])
                    + _note(f"上年公开文本：{variance.prior_source}。金额单位：万元；差距为四舍五入范围之间的距离。"))


def execution_table(variance: VarianceAnalysis) -> Fragment:
    """How many 项 fall in each execution-rate band, and the money in each."""
    ex = variance.execution
    rows = [[_td(r.band), _td(r.n_lines, "num"), _td(_amount(r.budget_wan), "num"), _td(_amount(r.actual_wan), "num"),
             _td(_amount(r.unspent_wan), "num"), _td("是" if r.below_threshold else "", "nowrap")]
            for r in ex.itertuples(index=False)]
    headers = [("执行率", ""), ("科目数", "num"), ("年初预算", "num"), ("决算", "num"), ("未执行", "num"),
               (f"低于 {variance.execution_low_pct:g}%", "")]
    return Fragment(_table(headers, rows, classes="compact",
                           row_classes=["flag" if r.below_threshold and r.n_lines else "" for r in ex.itertuples()])
                    + _note("金额单位：万元；未执行 = 年初预算 − 决算（负数为超出预算）。"))


# -- performance ---------------------------------------------------------------------------------


def funds_table(performance: PerformanceAnalysis) -> Fragment:
    """Each project's funds path: 年初预算 → 全年预算 → 执行."""
    f = performance.funds
    if f.empty:
        return Fragment(_note("文本没有项目支出绩效自评表。"))
    rows = []
    for r in f.itertuples(index=False):
        notes = []
        if r.cut_then_full:
            notes.append("预算调减后全额执行")
        if not _isnan(r.printed_rate_pct) and not _isnan(r.execution_pct) and abs(r.printed_rate_pct - r.execution_pct) >= 0.5:
            notes.append(f"表中执行率 {_pct(r.printed_rate_pct)}")
        if _isnan(r.printed_rate_pct):
            notes.append("表中未填执行率")
        rows.append([_td(r.project), _td(_amount(r.budget_initial_wan), "num"), _td(_amount(r.budget_wan), "num"),
                     _td(_signed(r.adjustment_wan), "num"), _td(_amount(r.actual_wan), "num"),
                     _td(_amount(r.unspent_wan), "num"), _td(_pct(r.execution_pct, 1), "num"), _td("；".join(notes)),
                     _td(r.line, "num")])
    headers = [("项目", ""), ("年初预算", "num"), ("全年预算", "num"), ("年中调整", "num"), ("执行数", "num"),
               ("未执行", "num"), ("执行率", "num"), ("说明", ""), ("行", "num")]
    return Fragment(_table(headers, rows, row_classes=["flag" if x else "" for x in f["cut_then_full"]],
                           widths=["11em", "5em", "5em", "5em", "5em", "5em", "4.6em", "", "3.3em"])
                    + _note("金额单位：万元；执行率 = 执行数 ÷ 全年预算（复算）。"))


def scores_table(performance: PerformanceAnalysis) -> Fragment:
    """Claimed vs recomputed score and grade per project."""
    s = performance.scores
    if s.empty:
        return Fragment(_note("文本没有可复算的项目支出绩效自评表。"))
    rows = []
    for r in s.itertuples(index=False):
        gap = "—" if _isnan(r.gap) or abs(r.gap) < 0.05 else f"{r.gap:+.1f}"
        grade = f"{r.claimed_grade}{'（文中所述）' if r.grade_stated else ''}"
        rows.append([_td(r.project), _td(f"{_num(r.claimed_score)}（{r.claimed_source or '—'}）", "num"),
                     _td(_num(r.parts_score), "num"), _td(_num(r.execution_recomputed), "num"),
                     _td(_num(r.indicators_recomputed), "num"), _td(_num(r.recomputed_score), "num"), _td(gap, "num"),
                     _td(grade, "nowrap"), _td(r.recomputed_grade, "nowrap"), _td(r.line, "num")])
    headers = [("项目", ""), ("声称得分", "num"), ("分项合计", "num"), ("复算执行", "num"),
               ("复算指标", "num"), ("复算总分", "num"), ("差", "num"), ("声称等级", ""), ("复算等级", ""),
               ("行", "num")]
    note = (f"复算：预算执行得分 = min(执行率, 100%) × 分值；定量指标按正向、反向（{performance.reverse_formula}）、"
            "等于的规则由指标值与实际值计算；定性指标按“达成 / 部分达成 / 未达成”三档检查得分是否落在档内。"
            "等级：≥90 优，≥80 良，≥60 中，<60 差。")
    return Fragment(_table(headers, rows, row_classes=["flag" if not _isnan(g) and abs(g) >= 0.05 else ""
                                                       for g in s["gap"]],
                           widths=["", "8.5em", "5em", "5em", "5em", "5em", "4em", "7em", "4.5em", "3.3em"])
                    + _note(note))


def indicators_table(performance: PerformanceAnalysis, *, flagged_only: bool = True) -> Fragment:
    """Quantitative indicators that need a look: targets set too low, targets missed, scores that differ."""
    ind = performance.quantitative
    if ind.empty:
        return Fragment(_note("没有可计算完成比的定量指标。"))
    gap = ind["score_gap"].abs() >= 0.05
    flagged = ind["target_too_low"] | (ind["achievement"] < 1 - 1e-9) | gap
    shown = ind[flagged] if flagged_only else ind
    rows = []
    for r in shown.itertuples(index=False):
        problems = []
        if r.target_too_low:
            problems.append(f"目标偏低：实际为指标值的 {r.achievement:.3g} 倍")
        if r.achievement < 1 - 1e-9:
            problems.append("未完成目标" if r.achievement > 0 else "实际值为 0")
        if not _isnan(r.score_gap) and abs(r.score_gap) >= 0.05:
            problems.append(f"得分比复算{'高' if r.score_gap > 0 else '低'} {abs(r.score_gap):.2g} 分")
        sense = {">=": "≥", "<=": "≤", "=": "="}.get(r.sense, r.sense)
        rows.append([_td(r.project), _td(r.indicator), _td(sense, "nowrap"), _td(f"{r.target} {r.unit}".strip(), "num"),
                     _td(f"{r.actual} {r.unit}".strip(), "num"), _td(f"{r.achievement:.3g}×", "num"),
                     _td(f"{_num(r.score)} / {_num(r.weight)}", "num"), _td(_num(r.recomputed_score), "num"),
                     _td("；".join(problems)), _td(r.line, "num")])
    headers = [("项目", ""), ("指标", ""), ("方向", ""), ("指标值", "num"), ("实际值", "num"), ("完成比", "num"),
               ("得分/分值", "num"), ("复算", "num"), ("问题", ""), ("行", "num")]
    rest = len(ind) - len(shown)
    note = (f"完成比 = 实际值 ÷ 指标值（反向指标为 指标值 ÷ 实际值）。正向指标实际值超过目标 "
            f"{performance.target_ratio_limit:g} 倍视为目标设定偏低（财预〔2020〕10号要求按偏离程度扣分）。")
    if rest:
        note += f"其余 {rest} 个定量指标恰好或超额完成且得分与复算一致，未列出（见上图）。"
    if shown.empty:
        return Fragment(_note("所有定量指标都恰好或超额完成，得分与复算一致。") + _note(note))
    return Fragment(_table(headers, rows, row_classes=["flag" if x else "" for x in shown["target_too_low"]],
                           widths=["10em", "9em", "3em", "6em", "7em", "4.2em", "5.5em", "3.6em", "", "3.3em"])
                    + _note(note))


def qualitative_table(performance: PerformanceAnalysis) -> Fragment:
    """定性 and satisfaction indicators, the evidence the document gives, and what to doubt."""
    q = performance.qualitative
    if q.empty:
        return Fragment(_note("没有定性或满意度指标。"))
    rows = [[_td(r.project), _td(r.kind, "nowrap"), _td(r.indicator), _td(r.target), _td(r.actual),
             _td(f"{_num(r.score)} / {_num(r.weight)}", "num"),
             _raw_td(_e(_clip(r.evidence, 80)) if r.evidence else '<span class="muted">无</span>'),
             _td(r.concern), _td(r.line, "num")] for r in q.itertuples(index=False)]
    headers = [("项目", ""), ("类型", ""), ("指标", ""), ("指标值", ""), ("实际值", ""), ("得分/分值", "num"),
               ("文中佐证", ""), ("疑点", ""), ("行", "num")]
    return Fragment(_table(headers, rows, row_classes=["flag" if "实际值为 0" in c else "" for c in q["concern"]],
                           widths=["8.5em", "3.6em", "9em", "5.5em", "5.5em", "5em", "", "11em", "3.3em"])
                    + _note("佐证取自该行的偏差原因分析，或自评综述中提到该指标的句子；没有调查样本或量化完成值的满分，"
                            "只是单位自己的判断。"))


# -- completeness and provenance --------------------------------------------------------------


def completeness_table(result: AuditResult) -> Fragment:
    """The disclosure checklist (domain.md §3): each standard section, present or not, and where."""
    rows, classes = [], []
    for c in result.claims:
        if c.rule != "completeness.section_present":
            continue
        r = c.reported()
        present = str(r.get("present", "")) == "yes"
        rows.append([_td(r.get("item", "")), _td(r.get("source", ""), "nowrap"),
                     _raw_td('<span class="v-consistent">已公开</span>' if present
                             else '<span class="v-inconsistent">未公开</span>', "nowrap"),
                     _td(c.line if present and c.line else "—", "num"), _quote_cell(c.quote if present else "", 40)])
        classes.append("" if present else "flag")
    if not rows:
        return Fragment(_note("文本不像一份完整的部门决算公开（标准章节不足一半），未按清单检查完整性。"))
    headers = [("应公开的内容", ""), ("依据", ""), ("情况", ""), ("行", "num"), ("标题", "")]
    return Fragment(_table(headers, rows, classes="compact", row_classes=classes))


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "未安装"


def provenance(result: AuditResult, dependencies: Sequence[str] = KEY_DEPENDENCIES) -> Fragment:
    """Input sha256, juesuan version, suite hashes, key dependency versions: what made this report."""
    doc = result.findings_document()
    source, tool = doc["source"], doc["tool"]
    rows: list[tuple[str, str]] = [("公开文本", f"{source['path']}"), ("SHA-256", str(source["sha256"]))]
    params = result.params
    if params is not None:
        name = params.params_path.name if params.params_path else ""
        rows.append(("参数", f"{name}（department_id: {params.department_id}）"))
        settings = {**params.materiality.model_dump(), **params.thresholds.model_dump()}
        rows.append(("重要性与阈值", "，".join(f"{k} = {v}" for k, v in settings.items())))
    variance = result.variance
    if variance.prior_source is not None:
        rows.append(("上年公开文本", f"{variance.prior_source}（SHA-256 {variance.prior_sha256}）"))
    rows.append(("juesuan", str(tool["version"])))
    for name, sha in sorted(dict(tool["suites"]).items()):
        rows.append((f"规则集 {name}", str(sha)))
    rows.append(("Python", platform.python_version()))
    deps = "，".join(f"{d} {_version(d)}" for d in dependencies)
    rows.append(("依赖版本", deps))
    rows.append(("机器可读结论", "findings.json（全部数字关系与问题）、findings.csv（每个问题一行），与本报告在同一目录"))
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    return Fragment(f'<div class="provenance"><dl>{dl}</dl></div>')
