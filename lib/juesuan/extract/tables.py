"""Flattened tables: rows of a label and numeric cells, and the claims their layout asserts.

Web pages and PDF text print a disclosure table in one of three flattened layouts:

* one cell per line, each ending with `` |`` (a lone ``|`` between rows)::

      项 目 |  预 算 数 |  决 算 数 |  合 计 |  30.8 |  25.7 |  公务接待费 |  14.8 | …

* one row per line, cells separated by `` | ``: ``总额 | 0.00 | 3.36 | 3.36 | 100.00%``;
* one row per line, whitespace-separated columns after the label:
  ``(一) 收入总计 58596771.09 117154424.7 58557653.59 99.93%`` (a row whose label is long may
  put its numbers alone on the next line).

:func:`read_tables` rebuilds rows (label + numeric cells) and the column names printed above
them. The claims a table makes are read from its layout only, never from whether the numbers
happen to fit:

* a total row (合计/总计/小计/总额, or a numbered row such as ``(一) 收入总计``) equals the rows
  below it at the next level (``1.`` ``2.`` under ``(一)``; every unnumbered row under an
  unnumbered 合计) — per amount column;
* a row followed by ``其中:`` rows contains them (an open list: only an excess is an error);
* columns headed by two years and a change (``2016年度 2017年度 增减值 增减%``) state a
  year-on-year change per row;
* columns ``预算数 … 执行数 执行率`` state an execution rate per row.

Every amount cell is also returned as a :class:`~.narrative.Figure` (label = row label +
column name) so that the text can refer to it (``与年初预算相比``, ``占…%``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations, pairwise
from math import comb

from ..claims import Claim, Kind, Printed

__all__ = ["Row", "Table", "read_tables", "table_claims"]

_NUMCELL = re.compile(r"^[-+]?\d+(?:\.\d+)?\s*%?$")
_DASH = {"-", "—", "－", "/", "——", "--", "–", "-- "}
_TOTAL = re.compile(r"合\s*计|总\s*计|小\s*计|总\s*额|共\s*计")
_SUB = re.compile(r"^\s*其\s*中\s*[:：]?\s*")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|亿元|千元|元)")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_CHANGE_HEAD = re.compile(r"增减|变动|增长|比上年|较上年|同比")
_LEVELS = [
    (re.compile(r"^[一二三四五六七八九十]{1,3}[、.．]"), 1),
    (re.compile(r"^[(（][一二三四五六七八九十]{1,3}[)）]"), 2),
    (re.compile(r"^\d{1,2}\s*[.、．](?!\d)"), 3),
    (re.compile(r"^[(（]\d{1,2}[)）]"), 4),
]


@dataclass
class Row:
    label: str
    cells: list[str]
    """Numeric cells as printed (``"30.8"``, ``"99.93%"``); dashes read as ``"0"``."""
    line: int
    quote: str

    @property
    def level(self) -> int:
        for pat, lv in _LEVELS:
            if pat.match(self.label):
                return lv
        return 0

    @property
    def is_total(self) -> bool:
        return bool(_TOTAL.search(self.label))

    @property
    def is_sub(self) -> bool:
        return bool(_SUB.match(self.label))

    @property
    def name(self) -> str:
        s = _SUB.sub("", self.label)
        for pat, _ in _LEVELS:
            s = pat.sub("", s)
        return re.sub(r"\s+", "", s)


@dataclass
class Table:
    header: list[str]
    """Column names over the numeric cells (may be empty when not printed or not aligned)."""
    head_text: str
    """All header words (for year and change detection)."""
    unit: str
    rows: list[Row] = field(default_factory=list)
    given: list[tuple[Printed, list[Printed], Row]] | None = None
    """Sums already read from a header that spans several rows (:func:`_spanned`): total, parts
    and the value row they sit on. When set, they are the table's only layout claims."""


def _kind(cell: str) -> str:
    c = cell.strip()
    if not c:
        return ""
    if _NUMCELL.match(c):
        return "num"
    if c in _DASH:
        return "dash"
    return "text"


def _num(cell: str) -> str:
    c = re.sub(r"\s+", "", cell)
    return "0" if c in _DASH or not c else c


def _unit_before(lines: tuple[str, ...] | list[str], i: int) -> str:
    for j in range(i, max(-1, i - 12), -1):
        m = _UNIT_LINE.search(lines[j])
        if m:
            return m.group(1)
    return "万元"


def _vertical(lines, i: int) -> tuple[Table | None, int]:
    """One cell per line, each ending with ``|``. Returns the table and the next line index."""
    cells: list[tuple[str, int]] = []
    j = i
    while j < len(lines) and lines[j].strip().endswith("|") and lines[j].count("|") == 1:
        c = lines[j].strip()[:-1].strip()
        if c:
            cells.append((c, j + 1))
        j += 1
    if len(cells) < 4:
        return None, max(j, i + 1)
    head: list[str] = []
    rows: list[Row] = []
    cur: Row | None = None
    for c, ln in cells:
        k = _kind(c)
        if k == "text":
            if cur is not None and cur.cells:
                rows.append(cur)
                cur = None
            if cur is not None and not rows:  # still in the header
                head.append(cur.label)
            cur = Row(c, [], ln, c)
        elif cur is not None:
            cur.cells.append(_num(c))
            cur.quote += f" |\n{c}"
    if cur is not None and cur.cells:
        rows.append(cur)
    for r in rows:
        r.quote += " |"
    t = Table([re.sub(r"\s+", "", h) for h in head[1:]], " ".join(head), _unit_before(lines, i), rows)
    return (t if rows else None), j


def _split_pipes(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _inline(lines, i: int) -> tuple[list[Table], int]:
    """One row per line, cells separated by ``|``; a header line after rows starts a new table."""
    j = i
    out: list[Table] = []
    head: list[str] = []
    head_text: list[str] = []
    rows: list[Row] = []
    unit = _unit_before(lines, i)

    def close() -> None:
        if rows:
            out.append(Table(head[1:] if head else [], " ".join(head_text), unit, list(rows)))

    stacked: list[list[str]] = []  # consecutive header lines (a header spanning several rows)
    while j < len(lines) and lines[j].count("|") >= 2:
        cells = _split_pipes(lines[j])
        kinds = [_kind(c) for c in cells]
        nonempty = [(c, k) for c, k in zip(cells, kinds) if k]
        texts = [c for c, k in nonempty if k == "text"]
        if len(nonempty) >= 2 and all(k in ("num", "dash") for _, k in nonempty):
            # a value row without a label under a stacked header: align it with the header's columns
            if stacked:
                t = _spanned(stacked, [_num(c) for c, _ in nonempty], j + 1, lines[j].strip(), unit)
                if t is not None:
                    out.append(t)
            j += 1
            continue
        if texts and all(k == "text" for _, k in nonempty[: len(texts)]) and len(texts) >= 2:
            stacked.append([re.sub(r"\s+", "", c) for c in texts])
        else:
            stacked.clear()
        if nonempty and nonempty[0][1] == "text" and any(k == "num" for _, k in nonempty[1:]):
            vals = []
            for c, k in nonempty[1:]:
                if k == "text":
                    break
                vals.append(_num(c))
            if vals:
                rows.append(Row(nonempty[0][0], vals, j + 1, lines[j].strip()))
        elif len(nonempty) >= 2 and all(k == "text" for _, k in nonempty):
            if rows:
                close()
                rows.clear(), head_text.clear()
            head = [re.sub(r"\s+", "", c) for c, _ in nonempty]
            head_text.append(" ".join(c for c, _ in nonempty))
        j += 1
    close()
    return out, max(j, i + 1)


_SUBTOTAL = re.compile(r"^(?:小计|合计|总计)$")
_NOT_PART = re.compile(r"机关运行|人次|批次|团组|辆|个数|人数|次数|数量|率|%|行次|栏次")


def _period(names: list[str]) -> int:
    """The length of the repeated unit of a leaf header row (``预算数 决算数`` × 6 → 2); 0 when none."""
    for p in (1, 2, 3, 4):
        if len(names) >= 2 * p and len(names) % p == 0 and all(names[i] == names[i % p] for i in range(len(names))):
            return p
    return 0


def _bigram_set(s: str) -> set[str]:
    s = re.sub(r"[()（）\s]", "", s)
    return {s[i: i + 2] for i in range(len(s) - 1)}


def _groups(rows: list[list[str]], want: int) -> list[tuple[str, str]] | None:
    """Column groups of a stacked header, left to right: (top name, sub-name or "").

    The lowest row names the sub-columns of one group of the row above (``小计 | 公务用车购置费 |
    公务用车运行费`` under ``合计 | 因公出国(境)费 | 公务用车购置及运行费 | 公务接待费``): the
    group whose words the sub-columns share. Rows are combined upwards until there are
    ``want`` groups; None when the header does not give that many.
    """
    if not rows:
        return None
    cur = [(n, "") for n in rows[-1]]
    if len(cur) == want:
        return cur
    for above in reversed(rows[:-1]):
        if len(above) + len(cur) - 1 != want:
            return None
        subs = [n for n, _ in cur if not _SUBTOTAL.match(n)]
        if not subs:
            return None
        score = [min(len(_bigram_set(a) & _bigram_set(x)) for x in subs) for a in above]
        best = max(score)
        if best < 2 or score.count(best) != 1:
            return None  # the sub-columns do not name one group
        k = score.index(best)
        return [(a, "") for a in above[:k]] + [(above[k], n) for n, _ in cur] + [(a, "") for a in above[k + 1:]]
    return None


def _spanned(stacked: list[list[str]], values: list[str], line: int, quote: str, unit: str) -> Table | None:
    """A value row printed without its label under a header spanning several rows.

    ``合计 | 因公出国(境)费 | 公务用车购置及运行费 | 公务接待费`` / ``小计 | 公务用车购置费 | 公务
    用车运行费`` / ``预算数 | 决算数`` × 6, then ``22.00 | 8.77 | 14.00 | 8.47 | …``. The header
    gives the columns (group × leaf) and what adds up: the 合计 group is the sum of the other
    top groups (a group with sub-columns counted by its 小计), and a 小计 is the sum of its
    sibling sub-columns. Web pages leave empty cells out of the value row; then every way of
    placing the printed values in order is tried, and only what all placements satisfying the
    header's sums agree on is read (none satisfying it, or the sums differing: no claim).
    """
    leaf = stacked[-1]
    p = _period(leaf)
    if p and len(leaf) // p >= 2 and len(stacked) >= 2:
        subs = leaf[:p]
        groups = _groups(stacked[:-1], len(leaf) // p)
    else:
        subs = [""]
        groups = _groups(stacked, len(values))
    if not groups or len(groups) < 3:
        return None
    n_slots = len(groups) * len(subs)
    if len(values) > n_slots or len(values) < 2:
        return None
    # the sums the header states, over group indices
    tops: list[int] = []
    relations: list[tuple[int, list[int]]] = []
    total = None
    children: dict[str, list[int]] = {}
    for g, (top, sub) in enumerate(groups):
        if sub:
            children.setdefault(top, []).append(g)
    for g, (top, sub) in enumerate(groups):
        if not sub:
            if _SUBTOTAL.match(top) or _TOTAL.fullmatch(top):
                total = g if total is None else -1
            else:
                tops.append(g)
        elif _SUBTOTAL.match(sub):
            kids = [x for x in children[top] if x != g]
            if len(kids) >= 2:
                relations.append((g, kids))
            if g == children[top][0]:
                tops.append(g)
    if any(not any(_SUBTOTAL.match(groups[x][1]) for x in xs) for xs in children.values()):
        total = -1  # a group with sub-columns but no 小计: the top sum is not printed as such
    if any(_NOT_PART.search(top + sub) for top, sub in groups):
        total = -1  # counts, rates or 机关运行经费 beside the amounts: 合计 is not the sum of every group
    if total is not None and total >= 0 and len(tops) >= 2:
        relations.insert(0, (total, tops))
    if not relations:
        return None
    if comb(n_slots, len(values)) > 20000:
        return None
    placements = [tuple(range(n_slots))] if len(values) == n_slots else combinations(range(n_slots), len(values))

    def cell(pl: tuple[int, ...], slot: int) -> str:
        return values[pl.index(slot)] if slot in pl else "0"

    def holds(pl: tuple[int, ...]) -> bool:
        for t, parts in relations:
            for s in range(len(subs)):
                tv = Printed(cell(pl, t * len(subs) + s), unit).interval()
                acc_lo = sum(Printed(cell(pl, q * len(subs) + s), unit).interval().lo for q in parts)
                acc_hi = sum(Printed(cell(pl, q * len(subs) + s), unit).interval().hi for q in parts)
                if acc_hi < tv.lo or acc_lo > tv.hi:
                    return False
        return True

    if len(values) == n_slots:
        fitting = [tuple(range(n_slots))]  # every cell printed: the layout alone says where each is
    else:
        fitting = [pl for pl in placements if holds(pl)]
    if not fitting:
        return None
    name = [top if not sub or _SUBTOTAL.match(sub) else sub for top, sub in groups]
    # the note travels on the value row: whether its cells were placed by the header's sums
    row = Row("" if len(values) == n_slots else "placed", values, line, quote)
    given: list[tuple[Printed, list[Printed], Row]] = []
    for t, parts in relations:
        for s in range(len(subs)):
            seen = {tuple([cell(pl, t * len(subs) + s)] + sorted(cell(pl, q * len(subs) + s) for q in parts))
                    for pl in fitting}
            if len(seen) != 1:
                continue
            pl = fitting[0]
            given.append((Printed(cell(pl, t * len(subs) + s), unit, line, name[t] + subs[s]),
                          [Printed(cell(pl, q * len(subs) + s), unit, line, name[q] + subs[s]) for q in parts], row))
    # rows for the figures: the groups whose cells all placements agree on
    rows = []
    for g in range(len(groups)):
        cells = []
        for s in range(len(subs)):
            got = {cell(pl, g * len(subs) + s) for pl in fitting}
            cells.append(got.pop() if len(got) == 1 else None)
        if all(c is not None for c in cells) and any(float(c) != 0 for c in cells):
            rows.append(Row(name[g], cells, line, quote))
    return Table([x for x in subs if x], " ".join(" ".join(r) for r in stacked), unit, rows, given)


_WS_ROW = re.compile(r"^(?P<label>.*?[\u4e00-\u9fff)）])\s+(?P<nums>[-+]?\d[\d.]*\s*%?(?:\s+[-+]?\d[\d.]*\s*%?)*)\s*$")
_WS_NUMS = re.compile(r"^[-+]?\d[\d.]*\s*%?(?:\s+[-+]?\d[\d.]*\s*%?)+\s*$")


def _ws_cells(s: str) -> list[str]:
    return re.findall(r"[-+]?\d+(?:\.\d+)?(?:\s*%)?", s)


def _last_item(label: str) -> str:
    """``一、收入支出情况对比 (一) 收入总计`` → ``(一) 收入总计`` (a heading printed on the row's line)."""
    label = label.strip()
    parts = re.split(r"\s+(?=[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．])", label)
    return parts[-1] if len(parts) > 1 else label


def _whitespace(lines, i: int) -> tuple[Table | None, int]:
    """Label followed by whitespace-separated numbers (or the numbers on the next line)."""
    rows: list[Row] = []
    j = i
    while j < len(lines):
        s = lines[j].strip()
        m = _WS_ROW.match(s)
        if m and "|" not in s and len(m.group("label")) <= 40:
            rows.append(Row(_last_item(m.group("label")), [re.sub(r"\s+", "", c) for c in _ws_cells(m.group("nums"))],
                            j + 1, s))
            j += 1
            continue
        if (s and len(s) <= 40 and re.search(r"[\u4e00-\u9fff]", s) and not re.search(r"\d", s[-1:])
                and j + 1 < len(lines) and _WS_NUMS.match(lines[j + 1].strip()) and rows):
            nxt = lines[j + 1].strip()
            rows.append(Row(s, [re.sub(r"\s+", "", c) for c in _ws_cells(nxt)], j + 1, s + "\n" + nxt))
            j += 2
            continue
        break
    # a table needs several rows with at least two numbers each
    if sum(1 for r in rows if len(r.cells) >= 2) < 2:
        return None, i + 1
    head_lines = [lines[k] for k in range(max(0, i - 3), i)]
    head_text = " ".join(head_lines)
    return Table([], head_text, _unit_before(lines, i), rows), j


def read_tables(lines: tuple[str, ...] | list[str]) -> list[Table]:
    out: list[Table] = []
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        t = None
        if s.endswith("|") and s.count("|") == 1:
            t, nxt = _vertical(lines, i)
        elif s.count("|") >= 2:
            ts, nxt = _inline(lines, i)
            out.extend(ts)
        elif _WS_ROW.match(s) and len(_ws_cells(s)) >= 2:
            t, nxt = _whitespace(lines, i)
        else:
            nxt = i + 1
        if t is not None:
            out.append(t)
        i = max(nxt, i + 1)
    return out


# --------------------------------------------------------------------------- claims


def _is_pct(c: str) -> bool:
    return c.endswith("%")


def _printed(row: Row, k: int, unit: str, col: str = "") -> Printed:
    c = row.cells[k]
    if _is_pct(c):
        return Printed(c.rstrip("%").strip(), "%", row.line, row.name + col)
    return Printed(c, unit, row.line, row.name + col)


def _amount_columns(rows: list[Row]) -> int:
    return max((len(r.cells) for r in rows), default=0)


def _sum_claims(t: Table, section: str) -> list[Claim]:
    out: list[Claim] = []
    rows = t.rows
    n = len(rows)

    def emit(total: Row, parts: list[Row], open_: bool) -> None:
        if len(parts) < 1 or (not open_ and len(parts) < 2):
            return
        width = len(total.cells)
        for k in range(width):
            if _is_pct(total.cells[k]):
                break  # columns after a rate are weights and scores, not amounts
            ps = []
            for p in parts:
                if len(p.cells) == width:
                    if _is_pct(p.cells[k]):
                        return
                    ps.append(_printed(p, k, t.unit, _col(t, k)))
                elif all(float(c.rstrip("%")) == 0 for c in p.cells):  # a row printed as a single 0
                    ps.append(Printed("0", t.unit, p.line, p.name))
                else:
                    return
            words = {"open": "其中"} if open_ else {}
            out.append(Claim(Kind.SUM, section, total.line, total.quote,
                             {"total": _printed(total, k, t.unit, _col(t, k)), "parts": ps}, words,
                             rule="arithmetic.sum", note="table"))

    # rows listed under a 其中 row belong to the row above it, not to the table total
    groups: dict[int, list[Row]] = {}
    in_group: set[int] = set()
    for i, r in enumerate(rows):
        if i + 1 < n and rows[i + 1].is_sub and not r.is_sub:
            group = [rows[i + 1]]
            for q in rows[i + 2:]:
                if q.is_sub or (not q.level and not q.is_total
                                and (r.is_total or (r.name[:2] and q.name.startswith(r.name[:2])))):
                    group.append(q)
                else:
                    break
            groups[i] = group
            in_group.update(id(q) for q in group)

    for i, r in enumerate(rows):
        if not r.cells:
            continue
        lv = r.level
        if lv:
            # numbered row: its children are the following rows one level deeper
            kids: list[Row] = []
            child_lv = 0
            for q in rows[i + 1:]:
                ql = q.level
                if id(q) in in_group:
                    continue
                if not ql or ql <= lv:
                    break
                child_lv = child_lv or ql
                if ql == child_lv:
                    kids.append(q)
            if len(kids) >= 2:
                emit(r, kids, open_=not r.is_total)
        elif r.is_total and id(r) not in in_group:
            kids = []
            for q in rows[i + 1:]:
                if q.is_total or q.level:
                    break
                if id(q) not in in_group:
                    kids.append(q)
            emit(r, kids, open_=False)
        if i in groups:
            emit(r, groups[i], open_=True)
    out += _bottom_total(t, section)
    return out


_NOT_AMOUNT = re.compile(r"行次|栏次|序号|编码|代码|编号|人数|个数|数量|%|率")


def _bottom_total(t: Table, section: str) -> list[Claim]:
    """``货物 | 8.50 | … / 工程 | … / 服务 | … / 合计 | 47.93 | …``: a pipe table whose only total
    row is its last row, printed right under rows that follow the header line by line (none
    left unread), and whose columns are all named amounts, states that row = Σ the rows above."""
    rows = t.rows
    if len(rows) < 3 or not rows[-1].is_total or sum(r.is_total for r in rows) != 1:
        return []
    if any(r.level or r.is_sub for r in rows) or "|" not in rows[0].quote:
        return []
    width = len(rows[-1].cells)
    if len(t.header) != width:
        return []
    names = [_bigram_set(r.name) for r in rows[:-1]]
    if any(a and b and len(a & b) >= 0.75 * min(len(a), len(b)) for n, a in enumerate(names) for b in names[n + 1:]):
        return []  # 公务用车购置及运行费 over 公务用车购置费: rows nested without 其中, not a flat list
    if any(b.line != a.line + 1 for a, b in pairwise(rows)) or any(len(r.cells) != width for r in rows):
        return []
    out = []
    for k in range(width):
        if any(_is_pct(r.cells[k]) for r in rows) or re.search(r"率|%|比例|比重", t.header[k]):
            break
        if _NOT_AMOUNT.search(t.header[k]):
            continue
        out.append(Claim(Kind.SUM, section, rows[-1].line, rows[-1].quote,
                         {"total": _printed(rows[-1], k, t.unit, _col(t, k)),
                          "parts": [_printed(r, k, t.unit, _col(t, k)) for r in rows[:-1]]},
                         rule="arithmetic.sum", note="table (total row under its parts)"))
    return out


def _col(t: Table, k: int) -> str:
    return t.header[k] if k < len(t.header) else ""


def _yoy_claims(t: Table, section: str) -> list[Claim]:
    """Columns headed by two years (or 上年/本年) and a change: prior, current, change, rate."""
    years = [int(y) for y in _YEAR.findall(t.head_text)]
    order = None
    if len(set(years)) >= 2 and _CHANGE_HEAD.search(t.head_text):
        a, b = years[0], next(y for y in years if y != years[0])
        order = "prior_first" if a < b else "current_first"
    else:
        m1, m2 = re.search(r"上年", t.head_text), re.search(r"本年", t.head_text)
        if m1 and m2 and _CHANGE_HEAD.search(t.head_text):
            order = "prior_first" if m1.start() < m2.start() else "current_first"
    if order is None:
        return []
    out = []
    for r in t.rows:
        c = r.cells
        if len(c) != 4 or any(_is_pct(x) for x in c[:3]) or not _is_pct(c[3]):
            continue
        pi, ci = (0, 1) if order == "prior_first" else (1, 0)
        ch, pct = c[2], c[3].rstrip("%").strip()
        neg = ch.startswith("-") or pct.startswith("-")
        direction = "dec" if neg else "inc"
        if float(ch) == 0:
            direction = "flat" if float(pct) == 0 else direction
        nums = {"current": _printed(r, ci, t.unit), "prior": _printed(r, pi, t.unit),
                "change": Printed(ch.lstrip("+-"), t.unit, r.line, r.name),
                "pct": Printed(pct.lstrip("+-"), "%", r.line, r.name)}
        words = {"direction": direction}
        if ch.startswith("-") != pct.startswith("-") and float(ch) != 0 and float(pct) != 0:
            words["pct_direction"] = "dec" if pct.startswith("-") else "inc"
        out.append(Claim(Kind.YOY, section, r.line, r.quote, nums, words, rule="arithmetic.yoy", note="table"))
    return out


_EXEC_RATE = re.compile(r"执行率|完成率|完成(?:年初|调整后?|全年)?预算(?:数)?(?:的)?(?:%|比例|百分比)")
_EXEC_ACTUAL = re.compile(r"执行数|决算数|完成数|实际支出")
_EXEC_BUDGET = re.compile(r"预算")


def _exec_claims(t: Table, section: str) -> list[Claim]:
    """``… 预算数 | 执行数 | 执行率``: the rate column against the two before it."""
    h = t.header
    hr = next((k for k, x in enumerate(h) if _EXEC_RATE.search(x)), None)
    if hr is None or hr < 2 or not _EXEC_ACTUAL.search(h[hr - 1]) or not _EXEC_BUDGET.search(h[hr - 2]):
        return []
    out = []
    for r in t.rows:
        pr = next((k for k, x in enumerate(r.cells) if _is_pct(x)), None)
        if pr is None or pr < 2:
            continue
        nums = {"actual": _printed(r, pr - 1, t.unit), "budget": _printed(r, pr - 2, t.unit),
                "pct": _printed(r, pr, t.unit)}
        if pr >= 3 and hr >= 3 and _EXEC_BUDGET.search(h[hr - 3]) and not _is_pct(r.cells[pr - 3]):
            if "年初" in h[hr] and "年初" in h[hr - 3] and "年初" not in h[hr - 2]:
                nums["budget"] = _printed(r, pr - 3, t.unit)  # 完成年初预算%: the 年初 column
            elif not re.search(r"年初|调整|全年", h[hr]):
                # 年初预算数 | 调整预算数 | 决算数 | 完成率: the rate does not say which budget it is of
                nums["budget_alt"] = _printed(r, pr - 3, t.unit)
        out.append(Claim(Kind.EXECUTION, section, r.line, r.quote, nums, rule="arithmetic.execution",
                         note="table"))
    return out


def table_claims(t: Table, section: str) -> list[Claim]:
    if t.given is not None:
        return [Claim(Kind.SUM, section, row.line, row.quote, {"total": tot, "parts": parts},
                      rule="arithmetic.sum",
                      note="table (header over several rows)" if not row.label else
                      "table (header over several rows; empty cells left out, placed where the header's sums hold)")
                for tot, parts, row in t.given]
    return _sum_claims(t, section) + _yoy_claims(t, section) + _exec_claims(t, section)
