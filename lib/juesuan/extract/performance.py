"""项目支出绩效自评表: rebuild each self-evaluation table as typed rows, and the claims it makes.

Disclosures print the table (domain.md §4.1) flattened in one of two layouts, read into one
row model (:class:`TableRow`, a tuple of :class:`Cell` with their source lines):

* one cell per line, each line starting with a tab, rows separated by blank lines; a short
  line without the tab continues the cell above (``项目资金`` / ``（万元）``)::

      \\t项目名称
      \\t区政府重要活动保障经费
      <blank>
      \\t主管部门 …

* one row per line, cells joined by ``" | "`` (web pages, and .docx tables as ingest reads
  them): ``总额 | 0.00 | 3.36 | 3.36 | 100.00% | 10 | 10 | …``.

A table starts at its title (``项目支出绩效自评表``), its 项目名称 row or its funds header, and
ends at prose, at the next table, or after its 总分 row. Columns are found by their header
words, never by position: the funds values follow the row label in the order of the funds
header, and an indicator row is aligned to the indicator header on its 指标性质 cell (so a
leading ``绩效指标`` label column may be present or not). 一级/二级 cells left blank below a
merged cell are carried down from the row above.

The 自评综述 paragraphs (``1.XX项目自评综述：…项目自评得分92.8分。全年预算数为6万元，执行数为
1.68万元，完成预算的28.00%``) and 绩效自评报告 blocks are read as :class:`NarrativeStatement`
and matched to their table by name, or by funds when the table prints no name.

:func:`read_performance` returns a :class:`PerformanceTables`; its ``claims()`` are checked by
:mod:`juesuan.scoring` (rule ids in :data:`juesuan.scoring.RULES`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import pandas as pd

from ..claims import UNIT_FACTORS, Claim, Kind, Printed
from ..scoring import QUALITATIVE_FULL_MIN, REVERSE_FORMULA, TARGET_RATIO_LIMIT
from .text import segments

if TYPE_CHECKING:
    from ..ingest import Document

__all__ = [
    "FUNDS_COLUMNS",
    "INDICATOR_COLUMNS",
    "PROJECT_COLUMNS",
    "Cell",
    "FundsRow",
    "Indicator",
    "NarrativeStatement",
    "PerformanceTables",
    "Project",
    "TableRow",
    "performance_claims",
    "read_performance",
    "read_performance_lines",
    "read_rows",
]

#: Columns of :meth:`PerformanceTables.projects_frame`, in order.
PROJECT_COLUMNS: tuple[str, ...] = (
    "project", "name_source", "department", "implementing_unit", "funds_unit",
    "budget_initial", "budget", "actual", "execution_rate_pct", "execution_weight", "execution_score",
    "indicator_weight", "indicator_score", "total_weight", "total_score", "narrative_score",
    "n_indicators", "line", "last_line",
)
#: Columns of :meth:`PerformanceTables.indicators_frame`, in order.
INDICATOR_COLUMNS: tuple[str, ...] = (
    "project", "level1", "level2", "level3", "nature", "direction", "qualitative", "target", "actual",
    "unit", "target_value", "actual_value", "weight", "score", "reason", "line",
)
#: Columns of :meth:`PerformanceTables.funds_frame`, in order.
FUNDS_COLUMNS: tuple[str, ...] = (
    "project", "item", "kind", "budget_initial", "budget", "actual", "weight", "rate_pct", "score",
    "unit", "line",
)


# --------------------------------------------------------------------------------------------
# Rows: one model for both layouts


@dataclass(frozen=True)
class Cell:
    text: str
    """The normalised cell text (``""`` for a blank cell)."""
    line: int
    """1-based source line the cell starts on."""


@dataclass(frozen=True)
class TableRow:
    """One table row as printed, in either layout."""

    cells: tuple[Cell, ...]
    layout: str
    """``"cells"`` (one cell per line) or ``"pipe"`` (``a | b | c`` on one line)."""

    @property
    def line(self) -> int:
        return self.cells[0].line if self.cells else 0

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]

    @property
    def quote(self) -> str:
        return " | ".join(t for t in self.texts if t)


_TAB_CELL = re.compile(r"^[ \u3000]*\t")
_PAGE_NO = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$")
_SENTENCE_END = ("。", "；", ";", "：", ":")


def _is_continuation(text: str) -> bool:
    """A short non-tab line right under a cell continues it (``（万元）``, ``(2024年度）``)."""
    return (len(text) <= 16 and not text.endswith(_SENTENCE_END)
            and (text.startswith(("(", "（")) or len(text) <= 6))


def read_rows(lines: Sequence[str], raw_lines: Sequence[str] | None = None) -> list[TableRow | None]:
    """Table rows of a document in reading order, ``None`` where prose interrupts them.

    ``lines`` are the normalised lines; ``raw_lines`` (same length) keep the tabs that mark a
    cell in the one-cell-per-line layout (normalisation turns tabs into spaces).
    """
    raw = raw_lines if raw_lines is not None and len(raw_lines) == len(lines) else lines
    out: list[TableRow | None] = []
    cur: list[Cell] = []

    def flush() -> None:
        if cur:
            out.append(TableRow(tuple(cur), "cells"))
            cur.clear()

    after_cell = False
    for i, (r, text) in enumerate(zip(raw, lines), 1):
        if _TAB_CELL.match(r):
            cur.append(Cell(text.strip(), i))
            after_cell = True
            continue
        if not r.strip():
            flush()
            after_cell = False
            continue
        text = text.strip()
        if "|" in text and len([c for c in text.split("|") if c.strip()]) >= 2 or \
                text.startswith("|") or text.endswith("|") and "|" in text[:-1]:
            flush()
            out.append(TableRow(tuple(Cell(c.strip(), i) for c in text.split("|")), "pipe"))
            after_cell = False
            continue
        if after_cell and cur and _is_continuation(text):
            cur[-1] = Cell(cur[-1].text + text, cur[-1].line)
            continue
        if _PAGE_NO.match(text):
            continue
        flush()
        after_cell = False
        out.append(None)
    flush()
    return out


# --------------------------------------------------------------------------------------------
# Typed rows


@dataclass
class FundsRow:
    """One row of the funds block (项目资金): 年度资金总额 or one of its 其中 rows."""

    item: str
    """The row label as printed, 其中 stripped (``年度资金总额``, ``财政拨款``)."""
    kind: str
    """``total``, ``fiscal`` (财政拨款), ``carryover`` (上年结转), ``special`` (财政专户),
    ``unit`` (单位资金), ``other`` (其他资金) or ``""``."""
    budget_initial: Printed | None = None
    budget: Printed | None = None
    """全年预算数 / 调整后预算数."""
    actual: Printed | None = None
    """全年执行数 / 预算执行数."""
    weight: Printed | None = None
    rate: Printed | None = None
    """执行率 (%)."""
    score: Printed | None = None
    reason: str = ""
    line: int = 0
    quote: str = ""


@dataclass
class Indicator:
    """One indicator row (三级指标) with its 一级/二级 carried down."""

    level1: str
    level2: str
    name: str
    nature: str
    """``正向``, ``反向``, ``定性``, ``定量`` or ``""`` (as printed, symbols mapped)."""
    sense: str
    """``">="``, ``"<="``, ``"="`` or ``""``: how the actual is judged against the target."""
    target_text: str
    actual_text: str
    unit: str
    target: Printed | None = None
    actual: Printed | None = None
    weight: Printed | None = None
    score: Printed | None = None
    reason: str = ""
    line: int = 0
    quote: str = ""

    @property
    def qualitative(self) -> bool:
        """定性, or a target/actual that is not a number (提升, 优良中低差 …)."""
        return self.nature == "定性" or self.target is None or self.actual is None

    @property
    def direction(self) -> str:
        return {">=": "大于等于", "<=": "小于等于", "=": "等于"}.get(self.sense, "")


@dataclass
class NarrativeStatement:
    """What a 自评综述 paragraph or 绩效自评报告 says about one project."""

    name: str
    source: str
    """``summary`` (自评综述) or ``report`` (绩效自评报告)."""
    line: int
    quote: str
    score: Printed | None = None
    budget: Printed | None = None
    actual: Printed | None = None
    rate: Printed | None = None
    grade: str = ""
    grade_line: int = 0


@dataclass
class Project:
    """One self-evaluation table."""

    name: str = ""
    name_source: str = ""
    """``table`` (项目名称 cell), ``title`` (the table's title), ``narrative`` (the matching
    自评综述) or ``""`` (unnamed)."""
    department: str = ""
    implementing_unit: str = ""
    funds_unit: str = "万元"
    funds: list[FundsRow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    total_weight: Printed | None = None
    total_score: Printed | None = None
    total_line: int = 0
    total_quote: str = ""
    line: int = 0
    last_line: int = 0
    statements: list[NarrativeStatement] = field(default_factory=list)
    at_end: bool = False
    """The table runs to the end of the text (an excerpt may have cut it short)."""
    _funds_cols: list[str] = field(default_factory=list, repr=False)
    _ind_cols: dict[str, int] = field(default_factory=dict, repr=False)
    _ind_header_len: int = field(default=0, repr=False)

    @property
    def funds_total(self) -> FundsRow | None:
        for f in self.funds:
            if f.kind == "total":
                return f
        return self.funds[0] if len(self.funds) == 1 else None

    @property
    def label(self) -> str:
        """The project name, or where the table is when it has none."""
        return self.name or f"项目支出绩效自评表 (line {self.line})"

    @property
    def narrative_score(self) -> Printed | None:
        for s in self.statements:
            if s.score is not None:
                return s.score
        return None

    def has_content(self) -> bool:
        return bool(self.funds or self.indicators)


# --------------------------------------------------------------------------------------------
# Cell vocabulary

_NUM = r"[-+]?\d+(?:\.\d+)?"
_VALUE = re.compile(rf"^({_NUM})\s*(%?)$")
_DASHES = {"", "-", "—", "——", "--", "－", "/", "／", "–", "无", "\\"}
_TITLE = re.compile(r"绩效自评表")
_KEYS = {"项目名称": "name", "主管部门": "department", "实施单位": "unit", "项目单位": "unit",
         "预算单位": "unit"}
_KEY = re.compile(r"^(项目名称|主管部门|实施单位|项目单位|预算单位)(?:\(.*\))?$")
_ORG = re.compile(r"(办公室|局|委员会|委|院|中心|政府|部|所|站|队|处|厅|会|馆|校|公司)(\(部门\))?$")
_FUND_HEAD = [
    ("rate", re.compile(r"执行率")),
    ("budget_initial", re.compile(r"年初预算")),
    ("budget", re.compile(r"全年预算|调整后预算|调整预算|变动后预算")),
    ("actual", re.compile(r"执行数|实际支出|决算数")),
    ("weight", re.compile(r"分值|权重")),
    ("score", re.compile(r"得分")),
    ("reason", re.compile(r"原因|说明")),
]
_FUND_LABELS = [
    ("total", re.compile(r"资金总额|^总额$|^合计$|^总计$|^小计$")),
    ("fiscal", re.compile(r"财政拨款|财政资金")),
    ("carryover", re.compile(r"上年结转")),
    ("special", re.compile(r"财政专户")),
    ("unit", re.compile(r"单位资金|单位自有|自有资金")),
    ("other", re.compile(r"其他资金")),
]
_IND_HEAD = [
    ("level1", re.compile(r"一级指标")),
    ("level2", re.compile(r"二级指标")),
    ("level3", re.compile(r"三级指标")),
    ("nature", re.compile(r"指标性质|性质")),
    ("direction", re.compile(r"指标方向|方向")),
    ("actual", re.compile(r"实际完成值|完成值|实际值|实际完成")),
    ("target", re.compile(r"年度指标值|指标值|目标值")),
    ("unit", re.compile(r"计量单位|度量单位|^单位$")),
    ("weight", re.compile(r"分值|权重")),
    ("score", re.compile(r"得分")),
    ("reason", re.compile(r"原因|措施")),
]
_GE = ("≥", ">=", ">", "大于等于", "大于", "不低于", "不少于", "不小于")
_LE = ("≤", "<=", "<", "小于等于", "小于", "不高于", "不超过", "不大于")
_EQ = ("=", "＝", "等于")
_NATURE_CELL = re.compile(r"^(正向|反向|定性|定量|正向指标|反向指标|" + "|".join(map(re.escape, _GE + _LE + _EQ))
                          + r")$")
_TOTAL_ROW = re.compile(r"^(总分|合计|总计|总得分|综合得分|得分合计)$")
_GOALS = re.compile(r"年度总体目标|预期目标|总体目标")
_INLINE = re.compile(rf"^(?P<op>≥|≤|>=|<=|>|<|=|大于等于|小于等于|不低于|不少于|不高于|不超过)?\s*"
                     rf"(?P<num>{_NUM})\s*(?P<unit>%|‰|[^\d\s]{{1,8}})?$")
_SATISFACTION = re.compile(r"满意")
_TOTAL_COST = re.compile(r"^(项目|全年|年度)?(总成本|总支出|经费支出|成本总额|支出总额|总投入|总费用)(\(.*\))?$|^项目成本$")


def _value(text: str, unit: str, line: int, label: str) -> Printed | None:
    """A numeric amount/score/rate cell as printed; ``——``, ``/`` and blanks are no value."""
    t = text.strip().replace(" ", "")
    if t in _DASHES:
        return None
    m = _VALUE.match(t)
    if not m:
        return None
    return Printed(m.group(1), "%" if m.group(2) else unit, line, label)


def _sense_of(word: str) -> str:
    w = word.strip()
    if not w:
        return ""
    if w.startswith(_GE) or w in ("正向", "正向指标"):
        return ">="
    if w.startswith(_LE) or w in ("反向", "反向指标"):
        return "<="
    if w in _EQ:
        return "="
    return ""


def _nature(word: str) -> str:
    w = word.strip().removesuffix("指标")
    if w in ("正向", "反向", "定性", "定量"):
        return w
    s = _sense_of(word)
    return {">=": "正向", "<=": "反向"}.get(s, "")


def _first_label(texts: list[str]) -> tuple[int, str]:
    for j, t in enumerate(texts):
        if t and t not in _DASHES and not _VALUE.match(t.replace(" ", "")):
            return j, t
    return -1, ""


def _funds_unit(texts: list[str]) -> str:
    joined = "".join(texts)
    for unit in ("亿元", "千元", "万元", "元"):
        if unit in joined:
            return unit
    return "万元"


# --------------------------------------------------------------------------------------------
# Rows → projects


class _Reader:
    def __init__(self) -> None:
        self.projects: list[Project] = []
        self.cur: Project | None = None
        self.phase = ""
        self.prev_levels = ("", "")

    def close(self, *, at_end: bool = False) -> None:
        if self.cur is not None and self.cur.has_content():
            self.cur.at_end = at_end
            self.projects.append(self.cur)
        self.cur, self.phase, self.prev_levels = None, "", ("", "")

    def new(self, line: int) -> Project:
        self.close()
        self.cur = Project(line=line, last_line=line)
        return self.cur

    def feed(self, row: TableRow | None) -> None:
        if row is None:
            self.close()
            return
        texts = row.texts
        if not any(texts):
            return
        joined = "".join(texts)
        cur = self.cur
        if _TITLE.search(joined) and len([t for t in texts if t]) <= 2:
            p = self.new(row.line)
            name = _title_name(joined)
            if name:
                p.name, p.name_source = name, "title"
            return
        keys = _keyvals(texts)
        if keys:
            if cur is None or cur.has_content() or ("name" in keys and cur.name_source == "table"):
                cur = self.new(row.line)
            for k, v in keys.items():
                if k == "name":
                    cur.name, cur.name_source = v, "table"
                elif k == "department":
                    cur.department = v
                else:
                    cur.implementing_unit = v
            cur.last_line = row.line
            return
        if _is_funds_header(texts):
            if cur is None or cur.has_content() or cur._funds_cols:
                cur = self.new(row.line)
            cur._funds_cols = [name for t in texts if (name := _column(t, _FUND_HEAD))]
            cur.funds_unit = _funds_unit(texts)
            cur.last_line, self.phase = row.line, "funds"
            return
        if _is_indicator_header(texts):
            if cur is None or (cur.indicators and self.phase == "done"):
                cur = self.new(row.line)  # a header repeated after a page break keeps its table
            cur._ind_cols = {}
            for idx, t in enumerate(texts):
                name = _column(t, _IND_HEAD)
                if name and name not in cur._ind_cols:
                    cur._ind_cols[name] = idx
            cur._ind_header_len = len(texts)
            cur.last_line, self.phase = row.line, "indicators"
            self.prev_levels = ("", "")
            return
        if cur is None:
            cur = self.new(row.line)
        j, label = _first_label(texts)
        if self.phase == "indicators" and _TOTAL_ROW.match(label.replace(" ", "")):
            nums = [c for c in row.cells[j + 1:] if _value(c.text, "分", c.line, "") is not None]
            if len(nums) >= 2:
                cur.total_weight = _value(nums[0].text, "分", nums[0].line, "总分 分值")
                cur.total_score = _value(nums[1].text, "分", nums[1].line, "总分")
            elif nums:
                cur.total_score = _value(nums[0].text, "分", nums[0].line, "总分")
            cur.total_line, cur.total_quote = row.line, row.quote
            cur.last_line, self.phase = row.line, "done"
            return
        if self.phase == "funds":
            if _GOALS.match(label):
                self.phase = "goals"
                return
            kind = _fund_kind(label)
            if kind is not None:
                cur.funds.append(_funds_row(cur, row, j, label, kind))
                cur.last_line = row.line
            return
        if self.phase == "indicators":
            ind = self._indicator(cur, row)
            if ind is not None:
                cur.indicators.append(ind)
                cur.last_line = row.line
            return
        if self.phase == "" and len([t for t in texts if t]) == 1 and _ORG.search(label) \
                and not cur.implementing_unit:
            cur.implementing_unit = label  # an orphan 实施单位 cell left over from the header

    def _indicator(self, cur: Project, row: TableRow) -> Indicator | None:
        cols, texts = cur._ind_cols, row.texts
        shift = 0
        h = cols.get("nature")
        anchor = next((i for i, t in enumerate(texts) if _NATURE_CELL.match(t.replace(" ", ""))), None)
        if h is not None and anchor is not None:
            shift = h - anchor
        elif texts and cols.get("level1", 0) > 0 and len(texts) < cur._ind_header_len \
                and re.search(r"产出|效益|满意度|成本", texts[0]):
            shift = cols["level1"]

        def get(col: str) -> Cell | None:
            idx = cols.get(col)
            if idx is None or not 0 <= idx - shift < len(row.cells):
                return None
            return row.cells[idx - shift]

        def text(col: str) -> str:
            c = get(col)
            return c.text if c is not None else ""

        name = text("level3") or (text("level2") if "level3" not in cols else "")
        if not name or name in _DASHES or re.fullmatch(r"(一|二|三)级指标", name):
            return None
        level1 = text("level1") if "level1" in cols else ""
        level2 = text("level2") if "level3" in cols else ""
        if not level1:
            level1 = self.prev_levels[0]
            level2 = level2 or self.prev_levels[1]
        self.prev_levels = (level1, level2)
        nature_text, direction_text = text("nature"), text("direction")
        nature = _nature(nature_text)
        target_text, actual_text, unit = text("target"), text("actual"), text("unit")
        t_parsed, a_parsed = _inline(target_text), _inline(actual_text)
        if not unit or unit in _DASHES:
            unit = (t_parsed or a_parsed or ("", "", ""))[2]
        unit = "" if unit in _DASHES else unit
        sense = _sense_of(direction_text) or _sense_of(nature_text) or \
            (_sense_of(t_parsed[0]) if t_parsed and t_parsed[0] else "")
        if nature == "" and sense:
            nature = {">=": "正向", "<=": "反向"}.get(sense, "")
        tc, ac = get("target"), get("actual")
        wc, sc = get("weight"), get("score")
        ind = Indicator(
            level1=level1, level2=level2, name=name, nature=nature, sense=sense,
            target_text=target_text, actual_text=actual_text, unit=unit,
            target=Printed(t_parsed[1], unit, tc.line, f"{name} 年度指标值") if t_parsed and tc else None,
            actual=Printed(a_parsed[1], unit, ac.line, f"{name} 实际完成值") if a_parsed and ac else None,
            weight=_value(wc.text, "分", wc.line, f"{name} 分值") if wc else None,
            score=_value(sc.text, "分", sc.line, f"{name} 得分") if sc else None,
            reason="" if text("reason") in _DASHES else text("reason"),
            line=row.line, quote=row.quote,
        )
        if ind.weight is None and ind.score is None and ind.target is None and ind.actual is None \
                and not (target_text or actual_text):
            return None
        return ind


def _inline(text: str) -> tuple[str, str, str] | None:
    """``(operator, number, unit)`` of an indicator value such as ``≥95%`` or ``12个月``."""
    t = text.strip().replace(" ", "")
    if t in _DASHES:
        return None
    m = _INLINE.match(t)
    if not m:
        return None
    return m.group("op") or "", m.group("num"), m.group("unit") or ""


def _column(text: str, vocab: list[tuple[str, re.Pattern[str]]]) -> str:
    t = text.replace(" ", "")
    for name, pat in vocab:
        if pat.search(t):
            return name
    return ""


def _is_funds_header(texts: list[str]) -> bool:
    cols = [_column(t, _FUND_HEAD) for t in texts]
    return ("rate" in cols or "actual" in cols) and ("budget" in cols or "budget_initial" in cols) \
        and not any("指标" in t for t in texts)


def _is_indicator_header(texts: list[str]) -> bool:
    joined = "".join(texts).replace(" ", "")
    return "二级指标" in joined or "三级指标" in joined


def _keyvals(texts: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    cells = [t for t in texts if t]
    for i, t in enumerate(cells):
        m = _KEY.match(t.replace(" ", ""))
        if m and i + 1 < len(cells) and not _KEY.match(cells[i + 1].replace(" ", "")):
            out.setdefault(_KEYS[m.group(1)], cells[i + 1])
    return out


def _fund_kind(label: str) -> str | None:
    t = re.sub(r"^其\s*中\s*[:：]?\s*", "", label.replace(" ", ""))
    for kind, pat in _FUND_LABELS:
        if pat.search(t):
            return kind
    return None


def _funds_row(p: Project, row: TableRow, j: int, label: str, kind: str) -> FundsRow:
    item = re.sub(r"^其\s*中\s*[:：]?\s*", "", label)
    fr = FundsRow(item=item, kind=kind, line=row.line, quote=row.quote)
    values = row.cells[j + 1:]
    names = {"budget_initial": "年初预算数", "budget": "全年预算数", "actual": "全年执行数", "weight": "分值",
             "rate": "执行率", "score": "得分"}
    for col, cell in zip(p._funds_cols, values):
        if col == "reason":
            fr.reason = "" if cell.text in _DASHES else cell.text
            continue
        unit = {"weight": "分", "score": "分", "rate": "%"}.get(col, p.funds_unit)
        v = _value(cell.text, unit, cell.line, f"{item} {names[col]}")
        if v is not None and col == "rate":
            v = Printed(v.text, "%", v.line, v.label)
        setattr(fr, col, v)
    return fr


def _title_name(text: str) -> str:
    t = re.sub(r"[(（][^()（）]*年度?[)）]", "", text)
    t = re.sub(r"^(附件|附表)\s*\d*\s*[:：.、]?", "", t)
    t = re.sub(r"(部门预算)?(项目支出|项目)?绩效自评表.*$", "", t).strip(" :：-—")
    return t if len(re.findall(r"[\u4e00-\u9fff]", t)) >= 2 and t not in ("部门", "部门预算") else ""


# --------------------------------------------------------------------------------------------
# Narrative statements

_SUMMARY = re.compile(r"^(?:\d{1,2}\s*[.、．]\s*)?(?P<name>[^:：。,，]{2,60}?)(?:绩效)?自评综述\s*[:：]")
_SUMMARY_AT = re.compile(_SUMMARY.pattern.removeprefix("^"))  # at a line start inside a paragraph
_REPORT = re.compile(r"^(?P<name>[^:：。,，]{2,60}?)(?:项目)?(?:支出)?绩效自评报告$")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_N_SCORE = re.compile(rf"自评(?:综合)?得分(?:为)?\s*({_NUM})\s*分")
_N_BUDGET = re.compile(rf"(?:全年预算数?|调整后预算数?|变动后预算数?)(?:为)?\s*({_NUM})\s*(万元|元|亿元)")
_N_ACTUAL = re.compile(rf"执行数(?:为)?\s*({_NUM})\s*(万元|元|亿元)")
_N_RATE = re.compile(rf"(?:完成(?:全年)?预算的|执行率(?:为)?)\s*({_NUM})\s*%")
_N_GRADE = re.compile(r"(?:等级|等次|评价结果|自评结果)(?:为)?\s*[“\"'「]?(优秀|良好|中等|不合格|合格|优|良|中|差)")


def _statement(name: str, source: str, parts: list[tuple[int, str]],
               line_at: Callable[[int], int] | None = None) -> NarrativeStatement:
    """The statement read from ``parts`` ((line, text) each); with ``line_at`` there is one part,
    a joined paragraph, and a figure's line is that of its offset in the text."""
    st = NarrativeStatement(name=name, source=source, line=parts[0][0], quote=parts[0][1].replace("\n", "")[:200])
    for ln, text in parts:
        def at(m: re.Match[str], ln: int = ln) -> int:
            return line_at(m.start(1)) if line_at is not None else ln
        if st.score is None and (m := _N_SCORE.search(text)):
            st.score = Printed(m.group(1), "分", at(m), "自评得分")
        if st.budget is None and (m := _N_BUDGET.search(text)):
            st.budget = Printed(m.group(1), m.group(2), at(m), "全年预算数")
        if st.actual is None and (m := _N_ACTUAL.search(text)):
            st.actual = Printed(m.group(1), m.group(2), at(m), "执行数")
        if st.rate is None and (m := _N_RATE.search(text)):
            st.rate = Printed(m.group(1), "%", at(m), "执行率")
        if not st.grade and (m := _N_GRADE.search(text)):
            st.grade, st.grade_line = m.group(1), at(m)
    return st


def _summaries(lines: Sequence[str]) -> list[NarrativeStatement]:
    """The 自评综述 statements, each read across its paragraph (lines broken inside sentences, as
    PDF text leaves them, are joined): from its start to the next statement or the paragraph's end."""
    out: list[NarrativeStatement] = []
    for seg in segments(lines):
        text = seg.text
        starts = [(a, m) for a in seg.starts if (m := _SUMMARY_AT.match(text, a))]
        for n, (a, m) in enumerate(starts):
            b = starts[n + 1][0] if n + 1 < len(starts) else len(text)
            body = text[a:b].split("|")[0].rstrip("\n")  # not into a table row joined after it
            first = seg.line_at(a)
            out.append(_statement(m.group("name").strip(), "summary", [(first, body)],
                                  line_at=lambda off, a=a, seg=seg: seg.line_at(a + off)))
    return out


def read_statements(lines: Sequence[str]) -> list[NarrativeStatement]:
    """Every 自评综述 paragraph and 绩效自评报告 block of a document, in reading order."""
    out: list[NarrativeStatement] = _summaries(lines)
    i = 0
    n = len(lines)
    while i < n:
        text = lines[i].strip()
        if _SUMMARY.match(text):
            i += 1
            continue
        m = _REPORT.match(text)
        if m:
            parts = [(i + 1, text)]
            j = i + 1
            while j < n and not (_PART.match(lines[j].strip()) or _REPORT.match(lines[j].strip())
                                 or _SUMMARY.match(lines[j].strip())):
                parts.append((j + 1, lines[j].strip()))
                j += 1
            out.append(_statement(m.group("name").strip(), "report", parts))
            i = j
            continue
        i += 1
    return sorted(out, key=lambda st: st.line)


def _key(name: str) -> str:
    t = re.sub(r"^\d{1,2}\s*[.、．]\s*", "", name)
    t = re.sub(r"^[0-9A-Za-z]{8,}[-_—]", "", t)
    t = re.sub(r"(19|20)\d\d年度?", "", t)
    t = re.sub(r"项目|经费|资金|专项|的|[\s“”\"'()（）《》]", "", t)
    return t


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a)):
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def _funds_agree(p: Project, st: NarrativeStatement) -> bool:
    ft = p.funds_total
    if ft is None or st.actual is None or ft.actual is None:
        return False
    pairs = [(st.actual, ft.actual)] + ([(st.budget, ft.budget)] if st.budget is not None and ft.budget else [])
    return all(a.interval().overlaps(b.interval()) for a, b in pairs)


def _match(projects: list[Project], statements: list[NarrativeStatement]) -> None:
    """Attach each statement to the table it describes (by name; by funds for unnamed tables)."""
    for st in statements:
        k = _key(st.name)
        named = [p for p in projects if p.name and _similar(_key(p.name), k)]
        if len(named) > 1:
            exact_ = [p for p in named if _key(p.name) == k]
            named = exact_ or [p for p in named if _funds_agree(p, st)] or named[:1]
        if named:
            named[0].statements.append(st)
            continue
        unnamed = [p for p in projects if not p.name and _funds_agree(p, st)]
        if len(unnamed) == 1:
            unnamed[0].statements.append(st)
    for p in projects:
        if not p.name and p.statements:
            st = next((s for s in p.statements if s.source == "summary"), p.statements[0])
            p.name, p.name_source = st.name, "narrative"


# --------------------------------------------------------------------------------------------
# The result


def _f(p: Printed | None) -> float:
    return p.value if p is not None else float("nan")


@dataclass
class PerformanceTables:
    """Every self-evaluation table of a document, and the narrative statements about them."""

    projects: list[Project] = field(default_factory=list)
    statements: list[NarrativeStatement] = field(default_factory=list)

    def projects_frame(self) -> pd.DataFrame:
        """One row per table (columns :data:`PROJECT_COLUMNS`).

        Amounts are as printed in ``funds_unit`` (from the funds header, default 万元); rates in %;
        weights and scores in points; NaN where the table prints nothing. ``indicator_weight`` and
        ``indicator_score`` are the sums over the indicator rows (scores NaN if any is missing);
        ``narrative_score`` is the matching 自评综述's 自评得分; ``line``/``last_line`` bound the table.
        """
        rows = []
        for p in self.projects:
            ft = p.funds_total or FundsRow("", "")
            ws = [i.weight.value for i in p.indicators if i.weight is not None]
            ss = [i.score.value for i in p.indicators if i.score is not None]
            rows.append({
                "project": p.label, "name_source": p.name_source, "department": p.department,
                "implementing_unit": p.implementing_unit, "funds_unit": p.funds_unit,
                "budget_initial": _f(ft.budget_initial), "budget": _f(ft.budget), "actual": _f(ft.actual),
                "execution_rate_pct": _f(ft.rate), "execution_weight": _f(ft.weight),
                "execution_score": _f(ft.score), "indicator_weight": sum(ws) if ws else float("nan"),
                "indicator_score": sum(ss) if ss and len(ss) == len(p.indicators) else float("nan"),
                "total_weight": _f(p.total_weight), "total_score": _f(p.total_score),
                "narrative_score": _f(p.narrative_score), "n_indicators": len(p.indicators),
                "line": p.line, "last_line": p.last_line,
            })
        return pd.DataFrame(rows, columns=list(PROJECT_COLUMNS)).astype(
            {"n_indicators": "int64", "line": "int64", "last_line": "int64"})

    def indicators_frame(self) -> pd.DataFrame:
        """One row per indicator (columns :data:`INDICATOR_COLUMNS`).

        ``level1``/``level2`` carried down; ``nature`` 正向/反向/定性/定量/""; ``direction``
        大于等于/小于等于/等于/""; ``target``/``actual`` the cell text as printed (``——`` → ""),
        ``target_value``/``actual_value`` the number in it (NaN for 提升, 优良中低差 …);
        ``weight``/``score`` in points; ``line`` the row's first source line.
        """
        rows = [{
            "project": p.label, "level1": i.level1, "level2": i.level2, "level3": i.name,
            "nature": i.nature, "direction": i.direction, "qualitative": i.qualitative,
            "target": i.target_text, "actual": i.actual_text, "unit": i.unit,
            "target_value": _f(i.target), "actual_value": _f(i.actual), "weight": _f(i.weight),
            "score": _f(i.score), "reason": i.reason, "line": i.line,
        } for p in self.projects for i in p.indicators]
        return pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS)).astype(
            {"qualitative": "bool", "line": "int64"})

    def funds_frame(self) -> pd.DataFrame:
        """One row per funds-block row (columns :data:`FUNDS_COLUMNS`), amounts in ``unit``."""
        rows = [{
            "project": p.label, "item": f.item, "kind": f.kind, "budget_initial": _f(f.budget_initial),
            "budget": _f(f.budget), "actual": _f(f.actual), "weight": _f(f.weight), "rate_pct": _f(f.rate),
            "score": _f(f.score), "unit": p.funds_unit, "line": f.line,
        } for p in self.projects for f in p.funds]
        return pd.DataFrame(rows, columns=list(FUNDS_COLUMNS)).astype({"line": "int64"})

    def claims(self, **params: object) -> list[Claim]:
        """The claims of every table; see :func:`performance_claims` for ``params``."""
        return performance_claims(self, **params)  # type: ignore[arg-type]


def read_performance_lines(lines: Sequence[str], raw_lines: Sequence[str] | None = None) -> PerformanceTables:
    """Read the self-evaluation tables and statements from normalised (and raw) lines."""
    reader = _Reader()
    for row in read_rows(lines, raw_lines):
        reader.feed(row)
    reader.close(at_end=True)
    projects = [p for p in reader.projects if p.indicators or p.funds_total is not None]
    statements = read_statements(lines)
    _match(projects, statements)
    return PerformanceTables(projects, statements)


def read_performance(doc: Document) -> PerformanceTables:
    """Read the self-evaluation tables of a document (tabs are taken from ``raw_lines``)."""
    return read_performance_lines(doc.lines, getattr(doc, "raw_lines", None))


# --------------------------------------------------------------------------------------------
# Claims


def _numbers(**roles: Printed | list[Printed] | None) -> dict[str, Printed | list[Printed]]:
    return {k: v for k, v in roles.items() if v is not None and v != []}


def performance_claims(tables: PerformanceTables, *, reverse_formula: str = REVERSE_FORMULA,
                       target_ratio_limit: Fraction | float | str = TARGET_RATIO_LIMIT,
                       qualitative_full_min: int = QUALITATIVE_FULL_MIN) -> list[Claim]:
    """Every claim the tables make, one rule id each (see :data:`juesuan.scoring.RULES`).

    ``reverse_formula`` picks the 反向 formula (:data:`juesuan.scoring.REVERSE_FORMULAS`),
    ``target_ratio_limit`` the P9 actual/target limit, ``qualitative_full_min`` how many
    full-marks 定性 indicators P19 needs. Each is recorded in the claims' ``words``.
    """
    from ..scoring import REVERSE_FORMULAS

    if reverse_formula not in REVERSE_FORMULAS:
        raise ValueError(f"unknown 反向 formula {reverse_formula!r}; choose one of {', '.join(REVERSE_FORMULAS)}")
    limit = str(Fraction(str(target_ratio_limit)) if not isinstance(target_ratio_limit, Fraction)
                else target_ratio_limit)
    out: list[Claim] = []
    for p in tables.projects:
        out += _project_claims(p, reverse_formula, limit, qualitative_full_min)
    return out


def _project_claims(p: Project, formula: str, limit: str, qual_min: int) -> list[Claim]:
    sec = p.label
    out: list[Claim] = []

    def add(kind: Kind, rule: str, line: int, quote: str, numbers: dict, words: dict | None = None) -> None:
        out.append(Claim(kind=kind, section=sec, line=line, quote=quote, numbers=numbers,
                         words=words or {}, rule=rule))

    ft = p.funds_total
    # 100% execution reached by cutting the budget: 年初 > 全年预算 = 执行 (an observation)
    if ft is not None and ft.budget_initial is not None and ft.budget is not None and ft.actual is not None:
        b0, b, a = ft.budget_initial.interval(), ft.budget.interval(), ft.actual.interval()
        if b.hi < b0.lo and a.hi >= b.lo and b.mid > 0 and a.mid / b.mid >= Fraction(995, 1000):
            cut = float(b0.mid - b.mid)
            c = Claim(kind=Kind.NARRATIVE, section=sec, line=ft.line, quote=ft.quote,
                      numbers={"budget_initial": ft.budget_initial, "budget": ft.budget, "actual": ft.actual},
                      words={"explain": f"年初预算 {ft.budget_initial.text} was cut to {ft.budget.text} and then "
                                        f"executed in full ({ft.actual.text}): {cut:.2f} of the budget never reached "
                                        "the project, so its 100% execution says little"},
                      rule="observation.budget_cut_execution")
            c.observed, c.at_stake_wan = cut, cut
            out.append(c)
    # P3: 执行率 of every funds row that prints one
    for f in p.funds:
        budget = f.budget or f.budget_initial
        if f.rate is not None and budget is not None and f.actual is not None:
            add(Kind.EXECUTION, "performance.execution_rate", f.line, f.quote,
                {"actual": f.actual, "budget": budget, "pct": f.rate})
    # P4
    if ft is not None and (ft.score is not None or ft.weight is not None):
        add(Kind.PERF_SCORE, "performance.execution_score", ft.line, ft.quote,
            _numbers(score=ft.score, weight=ft.weight, budget=ft.budget or ft.budget_initial,
                     actual=ft.actual, rate=ft.rate))
    inds = p.indicators
    last_line = p.total_line or (inds[-1].line if inds else p.line)
    funds = {} if ft is None else _numbers(execution_score=ft.score, execution_weight=ft.weight,
                                           budget=ft.budget or ft.budget_initial, actual=ft.actual,
                                           rate=ft.rate)
    # P2
    if inds:
        pairs = [(i.score, i.weight, i.name) for i in inds if i.score is not None and i.weight is not None]
        if ft is not None and ft.score is not None and ft.weight is not None:
            pairs.insert(0, (ft.score, ft.weight, "预算执行率"))
        add(Kind.PERF_SCORE, "performance.weights", last_line, p.total_quote or p.label,
            _numbers(execution_weight=funds.get("execution_weight"),
                     weights=[i.weight for i in inds if i.weight is not None],
                     weight_total=p.total_weight,
                     scores=[s for s, _, _ in pairs], caps=[w for _, w, _ in pairs]),
            {"expected_total": "100", "cap_names": "\n".join(n for _, _, n in pairs)})
    # P14
    narrative = p.narrative_score
    if inds:
        total, source = (p.total_score, "table") if p.total_score is not None else (narrative, "narrative")
        if total is not None:
            add(Kind.PERF_SCORE, "performance.total", p.total_line or total.line,
                p.total_quote or (next((s.quote for s in p.statements if s.score is total), "")),
                _numbers(total=total, **funds,
                         scores=[i.score for i in inds if i.score is not None and i.weight is not None],
                         caps=[i.weight for i in inds if i.score is not None and i.weight is not None],
                         loose_scores=[i.score for i in inds if i.score is not None and i.weight is None],
                         weights=[i.weight for i in inds if i.weight is not None],
                         unscored_weights=[i.weight for i in inds if i.score is None and i.weight is not None]),
                {"total_source": source})
        if p.total_score is None and not p.at_end:
            add(Kind.PERF_SCORE, "performance.total_missing", last_line,
                inds[-1].quote if inds else p.label, _numbers(narrative_total=narrative))
    # indicators
    qual_full: list[Indicator] = []
    qual = 0
    for i in inds:
        words = {"indicator": i.name, "nature": i.nature, "sense": i.sense, "target_text": i.target_text,
                 "actual_text": i.actual_text, "qualitative": "1" if i.qualitative else "",
                 "reverse_formula": formula}
        if i.score is not None and i.weight is not None:
            add(Kind.PERF_INDICATOR, "performance.indicator_score", i.line, i.quote,
                _numbers(score=i.score, weight=i.weight, target=i.target, actual=i.actual), words)
        if not i.qualitative and i.sense == ">=" and i.target is not None and i.actual is not None:
            add(Kind.PERF_INDICATOR, "performance.target_too_low", i.line, i.quote,
                _numbers(target=i.target, actual=i.actual, score=i.score, weight=i.weight),
                {**words, "limit": limit})
        if _SATISFACTION.search(i.level1 + i.level2 + i.name) and (i.actual is not None or i.target is not None
                                                                 or not i.actual_text):
            add(Kind.PERF_INDICATOR, "performance.satisfaction_missing", i.line, i.quote,
                _numbers(actual=i.actual, target=i.target, score=i.score, weight=i.weight), words)
        if i.score is not None and i.weight is not None and Fraction(i.score.text) < Fraction(i.weight.text):
            add(Kind.PERF_INDICATOR, "performance.unexplained_shortfall", i.line, i.quote,
                _numbers(score=i.score, weight=i.weight), {**words, "reason": i.reason})
        if _TOTAL_COST.match(i.name) and i.actual is not None and i.unit in UNIT_FACTORS \
                and ft is not None and ft.actual is not None:
            add(Kind.PERF_INDICATOR, "performance.cost_exceeds_execution", i.line, i.quote,
                {"cost": i.actual, "actual": ft.actual}, words)
        if i.nature == "定性" or (i.qualitative and i.weight is not None):
            qual += 1
            if i.score is not None and i.weight is not None and \
                    Fraction(i.score.text) >= Fraction(i.weight.text):
                qual_full.append(i)
    if qual:
        first = qual_full[0] if qual_full else inds[0]
        add(Kind.PERF_INDICATOR, "performance.qualitative_full", first.line, first.quote,
            _numbers(full_weights=[i.weight for i in qual_full if i.weight is not None]),
            {"full_names": "\n".join(i.name for i in qual_full), "qualitative_count": str(qual),
             "min_count": str(qual_min)})
    # the narrative
    for st in p.statements:
        if st.score is not None and p.total_score is not None:
            add(Kind.NARRATIVE, "performance.narrative_score", st.score.line, st.quote,
                {"narrative": st.score, "table": p.total_score})
        if ft is not None:
            nums = _numbers(narrative_budget=st.budget if ft.budget or ft.budget_initial else None,
                            table_budget=(ft.budget or ft.budget_initial) if st.budget else None,
                            narrative_actual=st.actual if ft.actual else None,
                            table_actual=ft.actual if st.actual else None,
                            narrative_rate=st.rate if ft.rate else None,
                            table_rate=ft.rate if st.rate else None)
            if nums:
                # on the line of the narrative's funds (a statement broken over lines starts higher up)
                at = next((x.line for x in (st.actual, st.budget, st.rate) if x is not None), st.line)
                add(Kind.NARRATIVE, "performance.narrative_funds", at, st.quote, nums)
        if st.grade and st.score is not None:
            add(Kind.NARRATIVE, "performance.grade", st.grade_line or st.line, st.quote,
                {"score": st.score}, {"grade": st.grade})
    return out
