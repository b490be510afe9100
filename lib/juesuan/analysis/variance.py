"""Where money deviated from plan, and why: budget vs actual, year on year, reasons vs gaps.

:func:`variance_analysis` lays out one disclosure's figures as tidy frames (domain.md §6):

- ``lines`` — budget against actual for every functional 项 (section 五), with the variance, the
  execution rate, whether the variance is material under ``params.materiality`` and the reason
  the text gives on that line;
- ``by_class`` — the same, summed per 类;
- ``yoy`` — this year against last for every figure whose change the text states (totals, “三公”,
  机关运行经费 …), and, when last year's disclosure is given, for every 项 and the “三公” and
  机关运行经费 totals;
- ``explained`` / ``reasons`` — every variance whose reasons give amounts: how much of the gap
  the reasons explain and how much is left unexplained (the ``variance.unexplained`` claims);
- ``execution`` — how the 项 spread over execution-rate bands;
- ``prior`` — when ``params.prior_source`` is set, every 上年 figure this year states, checked
  against what last year's disclosure printed.

Amounts are 万元 and rates %, as floats rounded to the printed precision's arithmetic (amounts
to 0.01 万元 sums exactly; rates to 4 decimals). Each row keeps its source ``line`` and a
``quote`` so a reader can find it in the disclosure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..claims import Claim, Kind, Printed, Verdict
from ..intervals import Interval, exact
from ..params import Materiality

if TYPE_CHECKING:
    from ..audit import AuditResult
    from ..extract import Extraction
    from ..params import Thresholds

__all__ = [
    "BY_CLASS_COLUMNS",
    "EXECUTION_COLUMNS",
    "EXPLAINED_COLUMNS",
    "LINE_COLUMNS",
    "PRIOR_COLUMNS",
    "REASON_COLUMNS",
    "YOY_COLUMNS",
    "PriorYear",
    "VarianceAnalysis",
    "load_prior",
    "variance_analysis",
    "variance_of",
]

#: Columns of ``VarianceAnalysis.lines``: one row per functional 项, in the order printed.
#: ``class``/``kuan``/``item`` the 类, 款 and 项 names; ``budget_wan`` 年初预算, ``actual_wan`` 决算;
#: ``variance_wan`` actual − budget (negative: under budget); ``execution_pct`` actual / budget × 100
#: and ``variance_pct`` variance / budget × 100 (NaN when the budget is 0); ``material`` the
#: variance reaches ``materiality.amount_wan`` or ``materiality.share_pct``; ``reason`` the text
#: after 原因： on the line ("" if none); ``boilerplate`` the reason is the system-estimate formula
#: (系统自动测算) or repeated word for word on three or more lines (R9); ``line``/``quote`` the source.
LINE_COLUMNS: tuple[str, ...] = ("class", "kuan", "item", "budget_wan", "actual_wan", "variance_wan",
                                 "execution_pct", "variance_pct", "material", "reason", "boilerplate",
                                 "line", "quote")
#: Columns of ``VarianceAnalysis.by_class``: the ``lines`` summed per 类 (``n_items`` 项 each).
BY_CLASS_COLUMNS: tuple[str, ...] = ("class", "n_items", "budget_wan", "actual_wan", "variance_wan",
                                     "execution_pct", "material", "line")
#: Columns of ``VarianceAnalysis.yoy``. ``group`` 收支总计 / “三公”经费 / 机关运行经费 / 支出功能分类 /
#: 其他; ``item`` the figure's name as printed (department and year stripped); ``current_wan`` this
#: year; ``prior_wan`` last year (stated, or current − change); ``change_wan`` signed; ``change_pct``
#: the printed rate, signed (NaN if none); ``recomputed_pct`` change / prior × 100 (NaN on a zero
#: base); ``verdict`` of the yoy claim ("" for rows built from ``prior_source``); ``source``
#: ``stated`` (this year's text) or ``prior_source`` (last year's disclosure); ``claim_id``,
#: ``line``, ``quote``; ``restated_at`` other lines that print the same change ("" if none).
YOY_COLUMNS: tuple[str, ...] = ("group", "item", "current_wan", "prior_wan", "change_wan", "change_pct",
                                "recomputed_pct", "verdict", "source", "claim_id", "line", "quote",
                                "restated_at")
#: Columns of ``VarianceAnalysis.explained``: one row per variance whose reasons give amounts.
#: ``basis`` 预算 (against the 年初预算) or 上年 (against last year) or ""; ``direction`` 增加/减少;
#: ``variance_wan`` the gap as printed (positive); ``explained_wan`` Σ the reasons' amounts;
#: ``unexplained_wan`` variance − explained (negative: the reasons add up to more);
#: ``unexplained_pct`` unexplained / variance × 100; ``n_reasons``; ``beyond_rounding`` the claim is
#: inconsistent, i.e. no rounding of the printed amounts closes the gap; ``claim_id``, ``line``,
#: ``quote``; ``restated_at``/``restated_ids`` the lines and claims that repeat it ("" if none).
EXPLAINED_COLUMNS: tuple[str, ...] = ("basis", "direction", "variance_wan", "explained_wan", "unexplained_wan",
                                      "unexplained_pct", "n_reasons", "beyond_rounding", "claim_id", "line",
                                      "quote", "restated_at", "restated_ids")
#: Columns of ``VarianceAnalysis.reasons``: one row per reason amount of an ``explained`` row
#: (``claim_id`` links them); ``order`` 1, 2 …; ``reason`` a short name of what moved
#: (工资福利支出); ``amount_wan``; ``line``.
REASON_COLUMNS: tuple[str, ...] = ("claim_id", "order", "reason", "amount_wan", "line")
#: Columns of ``VarianceAnalysis.execution``: the 项 per execution-rate band, lowest first; the
#: last band, 无年初预算, holds lines with no 年初预算. ``unspent_wan`` budget − actual;
#: ``below_threshold`` the band lies under ``thresholds.execution_low_pct``.
EXECUTION_COLUMNS: tuple[str, ...] = ("band", "n_lines", "budget_wan", "actual_wan", "unspent_wan",
                                      "below_threshold")
#: Columns of ``VarianceAnalysis.prior``: one row per 上年 figure this year's text states.
#: ``stated_prior_wan`` (and its rounding range ``stated_low_wan``–``stated_high_wan``) is what this
#: year's text implies for last year (current − change); ``prior_wan`` what last year's disclosure
#: printed (NaN when not found); ``gap_wan`` the distance between the two ranges; ``verdict``
#: consistent / inconsistent / not found; ``prior_line``/``prior_quote`` where last year printed it.
PRIOR_COLUMNS: tuple[str, ...] = ("item", "stated_prior_wan", "stated_low_wan", "stated_high_wan", "prior_wan",
                                  "gap_wan", "verdict", "prior_line", "prior_quote", "claim_id", "line", "quote")

_QUOTE_CHARS = 160
_REASON_TEXT = re.compile(r"原因(?:是|为|主要是|如下)?[:：]\s*(.+)$")
_BOILERPLATE = re.compile(r"系统(?:自动)?测算")
_REPEATED = 3  # a reason printed word for word on this many lines is a formula, not a reason
_YEAR = re.compile(r"^.*\d{4}\s*年度?")
_DROP = re.compile(r"本年|决算|数|为|均|[\s,，、:：.。“”\"'()（）]")
_ORDINAL = re.compile(r"(?:^|[。;；,，.:：\s])(?:[一二三四五六七八九十]是|其[一二三四五])")
_AMOUNT = re.compile(r"(-?\d+(?:\.\d+)?)\s*(万元|亿元|千元|元)")


@dataclass(frozen=True)
class PriorYear:
    """Last year's disclosure, read and extracted (``params.prior_source``)."""

    name: str
    """The file name (no folder: reports carry no absolute paths)."""
    sha256: str
    extraction: Extraction
    lines: tuple[str, ...]


@dataclass(frozen=True)
class VarianceAnalysis:
    """Budget vs actual, year on year and explained variance of one disclosure (frames above)."""

    lines: pd.DataFrame
    """Budget vs actual per functional 项 (:data:`LINE_COLUMNS`)."""
    by_class: pd.DataFrame
    """The same per 类 (:data:`BY_CLASS_COLUMNS`)."""
    yoy: pd.DataFrame
    """This year against last (:data:`YOY_COLUMNS`)."""
    explained: pd.DataFrame
    """Variances whose reasons give amounts (:data:`EXPLAINED_COLUMNS`)."""
    reasons: pd.DataFrame
    """The reasons' amounts (:data:`REASON_COLUMNS`)."""
    execution: pd.DataFrame
    """项 per execution-rate band (:data:`EXECUTION_COLUMNS`)."""
    prior: pd.DataFrame
    """上年 figures checked against last year's disclosure (:data:`PRIOR_COLUMNS`); empty without one."""
    materiality: Materiality = field(default_factory=Materiality)
    execution_low_pct: float = 80.0
    prior_source: str | None = None
    """Name of last year's disclosure when one was given (``prior`` is then meaningful)."""
    prior_sha256: str | None = None
    """sha256 of last year's disclosure, for the report's provenance."""

    @property
    def material_lines(self) -> pd.DataFrame:
        """The ``lines`` whose variance is material, largest first."""
        out = self.lines[self.lines["material"]]
        return out.reindex(out["variance_wan"].abs().sort_values(ascending=False, kind="stable").index)

    def basis_of(self) -> dict[str, str]:
        """Claim id → basis (预算/上年) of every explained-variance claim, restatements included."""
        out: dict[str, str] = {}
        for row in self.explained.itertuples(index=False):
            for cid in [row.claim_id, *str(row.restated_ids).split(",")]:
                if cid:
                    out[cid] = str(row.basis)
        return out

    @property
    def unexplained_wan(self) -> float:
        """The largest amount a variance's reasons leave unexplained beyond rounding (0 if none)."""
        rows = self.explained[self.explained["beyond_rounding"]]
        return float(rows["unexplained_wan"].abs().max()) if len(rows) else 0.0


# --------------------------------------------------------------------------------------------
# helpers


def _mid(p: Printed) -> float:
    return float(p.interval().mid)


def _round(x: float, places: int = 2) -> float:
    return x if math.isnan(x) else round(x, places) + 0.0  # + 0.0: no "-0.0" in frames


def _pct(part: float, whole: float) -> float:
    return _round(part / whole * 100, 4) if whole else math.nan


def _line_text(lines: Sequence[str], line: int) -> str:
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _short(text: str, chars: int = _QUOTE_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= chars else text[:chars] + "…"


def _item_name(label: str, department_name: str = "") -> str:
    """A printed label without the department, the year and the section heading before them."""
    text = label.replace(department_name, " ") if department_name else label
    text = _YEAR.sub("", text).strip()
    text = re.sub(r"^.*情况说明", "", text).strip()  # a section heading run into the sentence
    text = re.sub(r"^(?:\d+[.．、]|[(（][一二三四五六七八九十\d]+[)）])", "", text)
    text = re.sub(r"(?:均为|均|为)$", "", text.strip(" ,，:：。"))
    return text or label.strip()


def _key(label: str, department_name: str = "") -> str:
    """A label reduced to what stays the same from one year's disclosure to the next."""
    return _DROP.sub("", _item_name(label, department_name))


def _group(item: str) -> str:
    if re.search(r"三公|因公出国|公务用车|公务接待", item):
        return "“三公”经费"
    if re.search(r"机关运行经费|公用经费", item):
        return "机关运行经费"
    if re.search(r"总计|合计", item):
        return "收支总计"
    return "其他"


def _frame(rows: list[dict[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


# --------------------------------------------------------------------------------------------
# budget vs actual per 项


def _material(variance: float, budget: float, m: Materiality) -> bool:
    if variance == 0:
        return False
    if abs(variance) >= m.amount_wan:
        return True
    return budget > 0 and abs(variance) / budget * 100 >= m.share_pct


def _lines(ex: Extraction, lines: Sequence[str], m: Materiality) -> pd.DataFrame:
    func = ex.functional_frame()
    rows = []
    for r in func.itertuples(index=False):
        budget, actual = float(r.budget_wan), float(r.actual_wan)
        variance = _round(actual - budget)
        text = _line_text(lines, int(r.line))
        rm = _REASON_TEXT.search(text)
        rows.append({
            "class": r[0], "kuan": r.kuan, "item": r.xiang, "budget_wan": budget, "actual_wan": actual,
            "variance_wan": variance, "execution_pct": _pct(actual, budget), "variance_pct": _pct(variance, budget),
            "material": _material(variance, budget, m), "reason": rm.group(1).strip() if rm else "",
            "boilerplate": False, "line": int(r.line), "quote": _short(text),
        })
    frame = _frame(rows, LINE_COLUMNS)
    if len(frame):
        counts = frame["reason"].value_counts()
        frame["boilerplate"] = [bool(reason) and (bool(_BOILERPLATE.search(reason)) or counts[reason] >= _REPEATED)
                                for reason in frame["reason"]]
    return frame.astype({"material": bool, "boilerplate": bool, "line": "int64"})


def _by_class(lines: pd.DataFrame, m: Materiality) -> pd.DataFrame:
    rows = []
    for cls, grp in lines.groupby("class", sort=False):
        budget, actual = _round(float(grp["budget_wan"].sum())), _round(float(grp["actual_wan"].sum()))
        variance = _round(actual - budget)
        rows.append({"class": cls, "n_items": len(grp), "budget_wan": budget, "actual_wan": actual,
                     "variance_wan": variance, "execution_pct": _pct(actual, budget),
                     "material": _material(variance, budget, m), "line": int(grp["line"].min())})
    return _frame(rows, BY_CLASS_COLUMNS).astype({"material": bool, "n_items": "int64", "line": "int64"})


def _bands(low: float) -> list[tuple[float, float, str]]:
    edges = sorted({50.0, float(low), 100.0} - {0.0})
    out, start = [], 0.0
    for e in edges:
        if e <= start:
            continue
        out.append((start, e, f"<{e:g}%" if start == 0 else f"{start:g}%–{e:g}%"))
        start = e
    out.append((start, math.inf, f"≥{start:g}%"))
    return out


def _execution(lines: pd.DataFrame, low: float) -> pd.DataFrame:
    rows = []
    budgeted = lines[lines["budget_wan"] > 0]
    for lo, hi, label in _bands(low):
        grp = budgeted[(budgeted["execution_pct"] >= lo) & (budgeted["execution_pct"] < hi)]
        rows.append((label, grp, hi <= low))
    rows.append(("无年初预算", lines[lines["budget_wan"] <= 0], False))
    out = [{"band": label, "n_lines": len(grp), "budget_wan": _round(float(grp["budget_wan"].sum())),
            "actual_wan": _round(float(grp["actual_wan"].sum())),
            "unspent_wan": _round(float((grp["budget_wan"] - grp["actual_wan"]).sum())), "below_threshold": below}
           for label, grp, below in rows]
    return _frame(out, EXECUTION_COLUMNS).astype({"n_lines": "int64", "below_threshold": bool})


# --------------------------------------------------------------------------------------------
# year on year


@dataclass(frozen=True)
class _Stated:
    """One stated year-on-year change, with the prior value it implies as a rounding range."""

    claim: Claim
    item: str
    current: Printed
    change_wan: float
    prior: Interval


def _signed(iv: Interval, direction: str) -> Interval:
    if direction == "dec":
        return -iv
    if direction == "flat":
        return exact(0)
    return iv


def _stated_changes(claims: Sequence[Claim], department_name: str) -> list[_Stated]:
    out = []
    for c in claims:
        if c.kind != Kind.YOY:
            continue
        cur, change, prior = (c.numbers.get(k) for k in ("current", "change", "prior"))
        if not isinstance(cur, Printed) or not cur.is_amount:
            continue
        direction = c.words.get("direction", "")
        if isinstance(prior, Printed) and prior.is_amount:
            prior_iv = prior.interval()
            change_iv = cur.interval() - prior_iv
        elif isinstance(change, Printed) and change.is_amount:
            change_iv = _signed(change.interval(), direction)
            prior_iv = cur.interval() - change_iv
        elif direction == "flat":
            change_iv, prior_iv = exact(0), cur.interval()
        else:
            continue
        out.append(_Stated(c, _item_name(cur.label, department_name), cur, _round(float(change_iv.mid)), prior_iv))
    return out


def _yoy_rows(stated: list[_Stated]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    seen: dict[tuple[str, float, float], dict[str, object]] = {}
    for s in stated:
        c = s.claim
        current = _mid(s.current)
        key = (_key(s.item), current, s.change_wan)
        if key in seen:  # the same change restated in another section is one row
            first = seen[key]
            first["restated_at"] = ",".join(filter(None, [str(first["restated_at"]), str(c.line)]))
            continue
        pct = c.numbers.get("pct")
        pct_signed = math.nan
        if isinstance(pct, Printed):
            sign = -1 if c.words.get("pct_direction", c.words.get("direction", "")) == "dec" else 1
            pct_signed = _round(sign * pct.value, 4)
        prior = _round(current - s.change_wan)
        row = {"group": _group(s.item), "item": s.item, "current_wan": current, "prior_wan": prior,
               "change_wan": s.change_wan, "change_pct": pct_signed, "recomputed_pct": _pct(s.change_wan, prior),
               "verdict": str(c.verdict), "source": "stated", "claim_id": c.id, "line": c.line,
               "quote": _short(c.quote), "restated_at": ""}
        seen[key] = row
        rows.append(row)
    return rows


def _prior_rows(ex: Extraction, prior: PriorYear) -> list[dict[str, object]]:
    """This year against last for what both disclosures print in the template (no stated change)."""
    rows: list[dict[str, object]] = []
    pf = prior.extraction.functional_frame()
    last = {(r[0], r.kuan, r.xiang): (float(r.actual_wan), int(r.line)) for r in pf.itertuples(index=False)}
    for r in ex.functional_frame().itertuples(index=False):
        hit = last.get((r[0], r.kuan, r.xiang))
        if hit is None:
            continue
        current, (before, _line) = float(r.actual_wan), hit
        change = _round(current - before)
        rows.append({"group": "支出功能分类", "item": f"{r[0]} · {r.xiang}", "current_wan": current,
                     "prior_wan": before, "change_wan": change, "change_pct": math.nan,
                     "recomputed_pct": _pct(change, before), "verdict": "", "source": "prior_source",
                     "claim_id": "", "line": int(r.line), "quote": "", "restated_at": ""})
    pairs = (("“三公”经费", "“三公”经费合计", ex.template.sangong.get("total_actual"),
              prior.extraction.template.sangong.get("total_actual")),
             ("机关运行经费", "机关运行经费", ex.template.econ.get("running_costs"),
              prior.extraction.template.econ.get("running_costs")))
    for group, item, now, before in pairs:
        if now is None or before is None:
            continue
        change = _round(_mid(now) - _mid(before))
        rows.append({"group": group, "item": item, "current_wan": _mid(now), "prior_wan": _mid(before),
                     "change_wan": change, "change_pct": math.nan, "recomputed_pct": _pct(change, _mid(before)),
                     "verdict": "", "source": "prior_source", "claim_id": "", "line": now.line, "quote": "",
                     "restated_at": ""})
    return rows


# --------------------------------------------------------------------------------------------
# explained vs unexplained


def _basis(c: Claim, lines: Sequence[str]) -> str:
    text = _line_text(lines, c.line)
    at = text.find(c.quote[:12]) if c.quote else -1
    before = text[max(0, at - 40): at] if at >= 0 else text
    if "预算" in before:
        return "预算"
    if "上年" in before:
        return "上年"
    return ""


def _reason_name(chunk: str, amount_at: int, order: int) -> str:
    """工资福利支出 from '工资福利支出年初预算数是系统自动测算生成,决算数比年初预算数减少167.71万元'."""
    clauses = re.split(r"[,，;；]", chunk[:amount_at])
    name = re.sub(r"(?:增加|减少|节约|压减|下降|增长|共计|合计|为)$", "", clauses[-1].strip())
    if len(name) < 2 or re.match(r"^(?:决算数|其中|这|主要)", name) or "比" in name:
        name = clauses[0].strip()
    name = re.split(r"年初|预算|决算|是|主要", name)[0].strip() or name
    name = re.sub(r"^\d{4}年(?:度)?", "", name) or name
    if len(name) > 14:
        name = name[:13] + "…"
    return name if len(name) >= 2 else f"原因{order}"


def _reasons_of(c: Claim) -> list[dict[str, object]]:
    parts = c.numbers.get("parts")
    if not isinstance(parts, list):
        return []
    quote = c.quote
    marks = [m.end() for m in _ORDINAL.finditer(quote)]
    chunks = [quote[a:b] for a, b in zip(marks, marks[1:] + [len(quote)])]
    rows = []
    for order, p in enumerate(parts, 1):
        name = f"原因{order}"
        for chunk in chunks:
            am = next((m for m in _AMOUNT.finditer(chunk) if m.group(1) == p.text), None)
            if am is not None:
                name = _reason_name(chunk, am.start(), order)
                chunks.remove(chunk)
                break
        rows.append({"claim_id": c.id, "order": order, "reason": name, "amount_wan": _mid(p), "line": p.line})
    return rows


def _explained(claims: Sequence[Claim], lines: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows: list[dict[str, object]] = []
    reasons: list[dict[str, object]] = []
    seen: dict[tuple[str, tuple[str, ...]], dict[str, object]] = {}
    for c in claims:
        if c.kind != Kind.EXPLAINED_VARIANCE:
            continue
        total, parts = c.numbers.get("total"), c.numbers.get("parts")
        if not isinstance(total, Printed) or not isinstance(parts, list) or not parts:
            continue
        key = (total.text, tuple(p.text for p in parts))
        if key in seen:
            first = seen[key]
            if str(c.line) not in str(first["restated_at"]).split(",") and c.line != first["line"]:
                first["restated_at"] = ",".join(filter(None, [str(first["restated_at"]), str(c.line)]))
            first["restated_ids"] = ",".join(filter(None, [str(first["restated_ids"]), c.id]))
            continue
        variance = _mid(total)
        explained = _round(sum(_mid(p) for p in parts))
        unexplained = _round(variance - explained)
        m = re.match(r"\s*(增加|减少)", c.quote)
        row = {"basis": _basis(c, lines), "direction": m.group(1) if m else "", "variance_wan": variance,
               "explained_wan": explained, "unexplained_wan": unexplained,
               "unexplained_pct": _pct(unexplained, variance), "n_reasons": len(parts),
               "beyond_rounding": c.verdict == Verdict.INCONSISTENT, "claim_id": c.id, "line": c.line,
               "quote": _short(c.quote), "restated_at": "", "restated_ids": ""}
        seen[key] = row
        rows.append(row)
        reasons += _reasons_of(c)
    explained_frame = _frame(rows, EXPLAINED_COLUMNS).astype(
        {"n_reasons": "int64", "beyond_rounding": bool, "line": "int64"})
    return explained_frame, _frame(reasons, REASON_COLUMNS).astype({"order": "int64", "line": "int64"})


# --------------------------------------------------------------------------------------------
# 上年 figures against last year's disclosure


def load_prior(path: str | Path, thresholds: Thresholds | None = None) -> PriorYear:
    """Read and extract last year's disclosure (``params.prior_source``)."""
    from ..extract import extract
    from ..ingest import read_document

    doc = read_document(path)
    return PriorYear(Path(path).name, doc.sha256, extract(doc, thresholds), doc.lines)


def _prior_candidates(prior: PriorYear, department_name: str) -> dict[str, tuple[Printed, int, str]]:
    """Key of a label → (printed amount, line, quote), first print wins; stated totals before figures."""
    out: dict[str, tuple[Printed, int, str]] = {}
    for c in prior.extraction.claims:
        cur = c.numbers.get("current") if c.kind == Kind.YOY else None
        if isinstance(cur, Printed) and cur.is_amount:
            out.setdefault(_key(cur.label, department_name), (cur, cur.line, c.quote))
    for f in prior.extraction.figures:
        if f.is_change or not f.printed.is_amount:
            continue
        out.setdefault(_key(f.label, department_name), (f.printed, f.line, _line_text(prior.lines, f.line)))
    out.pop("", None)
    return out


def _prior_check(stated: list[_Stated], prior: PriorYear, department_name: str) -> pd.DataFrame:
    candidates = _prior_candidates(prior, department_name)
    rows = []
    seen: set[tuple[str, str]] = set()
    for s in stated:
        key = _key(s.item, department_name)
        if (key, str(s.prior)) in seen:
            continue
        seen.add((key, str(s.prior)))
        hit = candidates.get(key)
        row = {"item": s.item, "stated_prior_wan": _round(float(s.prior.mid)),
               "stated_low_wan": _round(float(s.prior.lo), 4), "stated_high_wan": _round(float(s.prior.hi), 4),
               "prior_wan": math.nan, "gap_wan": math.nan, "verdict": "not found", "prior_line": 0,
               "prior_quote": "", "claim_id": s.claim.id, "line": s.claim.line, "quote": _short(s.claim.quote)}
        if hit is not None:
            printed, line, quote = hit
            gap = float(s.prior.distance(printed.interval()))
            row.update({"prior_wan": _mid(printed), "gap_wan": _round(gap, 4),
                        "verdict": "consistent" if gap == 0 else "inconsistent", "prior_line": line,
                        "prior_quote": _short(quote)})
        rows.append(row)
    return _frame(rows, PRIOR_COLUMNS).astype({"prior_line": "int64", "line": "int64"})


# --------------------------------------------------------------------------------------------
# entry point


def variance_analysis(extraction: Extraction, claims: Sequence[Claim], *, lines: Sequence[str] = (),
                      materiality: Materiality | None = None, execution_low_pct: float = 80.0,
                      department_name: str = "", prior: PriorYear | None = None) -> VarianceAnalysis:
    """Lay out the variances of one disclosure (see the module docstring for the frames).

    ``claims`` are the checked claims (their verdicts say whether a gap survives rounding);
    ``lines`` the document's normalised lines, for quotes and the reasons printed beside each
    项; ``department_name`` is stripped from item names; ``prior`` is last year's disclosure
    (:func:`load_prior`), which adds year-on-year rows for the template figures and fills
    ``prior``.
    """
    m = materiality if materiality is not None else Materiality()
    line_frame = _lines(extraction, lines, m)
    stated = _stated_changes(claims, department_name)
    yoy_rows = _yoy_rows(stated)
    if prior is not None:
        yoy_rows += _prior_rows(extraction, prior)
    yoy = _frame(yoy_rows, YOY_COLUMNS).astype({"line": "int64"})
    explained, reasons = _explained(claims, lines)
    prior_frame = (_prior_check(stated, prior, department_name) if prior is not None
                   else _frame([], PRIOR_COLUMNS).astype({"prior_line": "int64", "line": "int64"}))
    return VarianceAnalysis(
        lines=line_frame, by_class=_by_class(line_frame, m), yoy=yoy, explained=explained, reasons=reasons,
        execution=_execution(line_frame, execution_low_pct), prior=prior_frame, materiality=m,
        execution_low_pct=execution_low_pct, prior_source=prior.name if prior is not None else None,
        prior_sha256=prior.sha256 if prior is not None else None)


def variance_of(result: AuditResult) -> VarianceAnalysis:
    """:func:`variance_analysis` of an audit, with its params' materiality, thresholds and prior year."""
    params = result.params
    ex = result.extraction
    if ex is None:
        from ..extract import Extraction

        ex = Extraction(list(result.claims), [])
    prior = None
    if params is not None and params.prior_source is not None:
        prior = load_prior(params.prior_source, params.thresholds)
    return variance_analysis(
        ex, result.claims, lines=result.document.lines,
        materiality=params.materiality if params is not None else None,
        execution_low_pct=params.thresholds.execution_low_pct if params is not None else 80.0,
        department_name=str(result.department.get("name") or ""), prior=prior)
