"""Extraction: a normalised document → claims (with provenance) and figures.

``extract(document)`` is the one entry point. Narrative sentences are read by
:mod:`.narrative`; segments and headings by :mod:`.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ..claims import Claim, Kind, Printed

if TYPE_CHECKING:
    from ..ingest import Document
    from ..params import Thresholds
from .completeness import completeness_claims
from .narrative import Figure, extract_narrative
from .performance import PerformanceTables, read_performance
from .tables import read_tables, table_claims
from .template import TemplateFigures, extract_template
from .text import Segment, heading_level, segments
from .wording import wording_claims

__all__ = ["Extraction", "extract"]


@dataclass
class Extraction:
    """What was read from one disclosure."""

    claims: list[Claim]
    figures: list[Figure]
    template: TemplateFigures = field(default_factory=TemplateFigures)
    """Typed figures of the template sections (政府采购, vehicles, “三公”, 类/项, 基本支出)."""
    sections: dict[int, str] = field(default_factory=dict)
    """Source line → the section heading it sits under."""
    performance: PerformanceTables = field(default_factory=PerformanceTables)
    """The 项目支出绩效自评表 as typed rows (``projects_frame()``, ``indicators_frame()``); their
    claims are among ``claims``."""

    def line_sections(self) -> dict[int, str]:
        return self.sections

    def functional_frame(self) -> pd.DataFrame:
        """One row per functional 项 (section 五): class (类), kuan (款), xiang (项), budget_wan, actual_wan, line."""
        rows = []
        for r in self.template.functional:
            kuan, _, xiang = str(r["name"]).rpartition("(款)")
            rows.append({"class": r["class"], "kuan": kuan, "xiang": xiang.removesuffix("(项)"),
                         "budget_wan": float(r["budget"].interval().mid),
                         "actual_wan": float(r["actual"].interval().mid), "line": r["actual"].line})
        return pd.DataFrame(rows, columns=["class", "kuan", "xiang", "budget_wan", "actual_wan", "line"])

    def economic_frame(self) -> pd.DataFrame:
        """One row per economic item of basic spending: group (人员经费/公用经费), item, amount_wan, line."""
        rows = [{"group": r["group"], "item": r["item"], "amount_wan": float(r["amount"].interval().mid),
                 "line": r["amount"].line} for r in self.template.economic_items]
        return pd.DataFrame(rows, columns=["group", "item", "amount_wan", "line"])

    def tables(self) -> dict[str, list[dict[str, object]]]:
        """The typed tables as JSON-ready records (figures.json ``tables``)."""
        out = {"amounts": self.figures_frame().to_dict(orient="records"),
               "functional": self.functional_frame().to_dict(orient="records"),
               "economic": self.economic_frame().to_dict(orient="records")}
        perf = getattr(self, "performance", None)
        for name in ("projects", "indicators"):
            frame = getattr(perf, f"{name}_frame", None)
            if callable(frame):
                out[name] = frame().to_dict(orient="records")
        return out

    def figures_frame(self) -> pd.DataFrame:
        """Every amount printed, one row each: label, value as printed, unit, 万元, line, section."""
        rows = [{"label": f.label, "reported": f.printed.value, "unit": f.printed.unit,
                 "amount_wan": float(f.printed.interval().mid), "line": f.line, "section": f.section,
                 "is_change": f.is_change} for f in self.figures]
        return pd.DataFrame(rows, columns=["label", "reported", "unit", "amount_wan", "line", "section",
                                           "is_change"])

    def composition(self, word: str) -> pd.DataFrame:
        """The breakdown of a total named with ``word`` (收入 or 支出): item, amount_wan, share_pct.

        The composition is the itemised total whose parts carry the most printed shares (the
        "本年收入合计 …，其中 … 占 …%" list), not a headline total with a couple of parts.
        """
        shares = {(c.numbers["part"].line, c.numbers["part"].text): c.numbers["pct"].value  # type: ignore[union-attr]
                  for c in self.claims if c.kind == Kind.SHARE and "part" in c.numbers and "pct" in c.numbers}
        best, best_score = None, -1
        for c in self.claims:
            if c.kind != Kind.SUM or word not in c.numbers["total"].label:  # type: ignore[union-attr]
                continue
            score = sum((p.line, p.text) in shares for p in c.numbers["parts"])  # type: ignore[union-attr]
            if score > best_score:
                best, best_score = c, score
        if best is None:
            return pd.DataFrame(columns=["item", "amount_wan", "share_pct"])
        rows = [{"item": p.label or "?", "amount_wan": float(p.interval().mid),
                 "share_pct": shares.get((p.line, p.text), float("nan"))}
                for p in best.numbers["parts"]]  # type: ignore[union-attr]
        return pd.DataFrame(rows, columns=["item", "amount_wan", "share_pct"])


def _sectioned(doc: Document) -> list[tuple[Segment, str]]:
    out = []
    section = ""
    for seg in segments(doc.lines):
        first = seg.text.split("\n", 1)[0]
        level = heading_level(first)
        if level in (1, 2):
            section = first[:40].rstrip("。:：")
        out.append((seg, section))
    return out


def _table_figures(doc: Document, segs: list[tuple[Segment, str]]) -> tuple[list[Claim], list[Figure]]:
    """Claims of the flattened tables, and their amount cells as figures in reading order."""
    where: dict[int, tuple[int, str]] = {}
    for k, (seg, section) in enumerate(segs):
        for ln in seg.lines:
            where[ln] = (k, section)
    claims: list[Claim] = []
    figures: list[Figure] = []
    last = (0, "")
    for t in read_tables(doc.lines):
        for r in t.rows:
            k, section = where.get(r.line, last)
            last = (k, section)
        k0, section = where.get(t.rows[0].line, last)
        claims += table_claims(t, section)
        for r in t.rows:
            k, sec = where.get(r.line, (k0, section))
            for j, c in enumerate(r.cells):
                if c.endswith("%"):
                    continue
                col = t.header[j] if j < len(t.header) else ""
                p = Printed(c, t.unit, r.line, r.name + col)
                figures.append(Figure(p, r.name + col, f"{t.head_text} {r.name}{col}", sec, r.line,
                                      k * 10_000_000 + j, is_change=bool(re.search("增减|变动", col))))
    return claims, figures


def extract(doc: Document, thresholds: Thresholds | None = None) -> Extraction:
    """Read every claim and figure of a document.

    ``thresholds`` (params) sets the judgement calls the performance claims record: the 反向
    scoring formula and the actual/target ratio above which a target looks set too low.
    """
    doc = _without_absurd_numbers(doc)
    segs = _sectioned(doc)
    t_claims, t_figures = _table_figures(doc, segs)
    claims, figures = extract_narrative(segs, t_figures)
    tpl_claims, tpl = extract_template(segs)
    sections = {ln: sec for seg, sec in segs for ln in seg.lines}
    perf = read_performance(doc)
    judged = {} if thresholds is None else {"reverse_formula": thresholds.reverse_formula,
                                            "target_ratio_limit": str(thresholds.target_too_low_ratio)}
    perf_claims = perf.claims(**judged)  # the 绩效自评表 reader knows its funds rows: it subsumes their rates
    found = _without_subsumed(_without_subsumed(t_claims + claims, tpl_claims) + tpl_claims, perf_claims)
    return Extraction(found + wording_claims(found) + completeness_claims(doc.lines) + perf_claims, figures,
                      tpl, sections, perf)


# A run of more than 15 digits is no amount (10^15 万元 is a thousand times the world's GDP): an
# account or document number, or garbage. Such runs become "#" (same length, so offsets and
# line numbers hold) and no reader takes them for a figure — deliberately unread rather than
# misread, and never a float overflow (a 400-digit "amount" used to crash the checks).
_ABSURD = re.compile(r"\d{16,}")


def _without_absurd_numbers(doc: Document) -> Document:
    if not any(_ABSURD.search(line) for line in doc.lines):
        return doc
    from dataclasses import replace

    return replace(doc, lines=tuple(_ABSURD.sub(lambda m: "#" * len(m.group()), line) for line in doc.lines))


def _numbers(c: Claim) -> set[tuple[int, str, str]]:
    out = set()
    for v in c.numbers.values():
        for p in v if isinstance(v, list) else [v]:
            out.add((p.line, p.text, p.unit))
    return out


def _without_subsumed(claims: list[Claim], stronger: list[Claim]) -> list[Claim]:
    """Drop claims whose printed numbers all sit in a template claim of the same kind.

    The template reader knows more (e.g. the 类 budget is the sum of its 项 budgets), so its
    claim replaces the sentence-level one that could not find the base.
    """
    keys = [(c.kind, _numbers(c)) for c in stronger]
    return [c for c in claims if not any(k == c.kind and _numbers(c) <= nums for k, nums in keys)]
