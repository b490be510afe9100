"""Extraction: a normalised document → claims (with provenance) and figures.

``extract(document)`` is the one entry point. Narrative sentences are read by
:mod:`.narrative`; segments and headings by :mod:`.text`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..claims import Claim, Kind
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from ..ingest import Document
from .narrative import Figure, extract_narrative
from .text import Segment, heading_level, segments

__all__ = ["Extraction", "extract"]


@dataclass
class Extraction:
    """What was read from one disclosure."""

    claims: list[Claim]
    figures: list[Figure]

    def figures_frame(self) -> pd.DataFrame:
        """Every amount printed, one row each: label, value as printed, unit, 万元, line, section."""
        rows = [{"label": f.label, "reported": f.printed.value, "unit": f.printed.unit,
                 "amount_wan": float(f.printed.interval().mid), "line": f.line, "section": f.section,
                 "is_change": f.is_change} for f in self.figures]
        return pd.DataFrame(rows, columns=["label", "reported", "unit", "amount_wan", "line", "section",
                                           "is_change"])

    def composition(self, word: str) -> pd.DataFrame:
        """Items of the first itemised total whose words name ``word`` (收入 or 支出), with shares."""
        shares = {(c.numbers["part"].line, c.numbers["part"].text): c.numbers["pct"].value  # type: ignore[union-attr]
                  for c in self.claims if c.kind == Kind.SHARE}
        for c in self.claims:
            if c.kind != Kind.SUM:
                continue
            total = c.numbers["total"]
            if word not in (total.label + c.section) or "合计" not in total.label + c.quote:  # type: ignore[union-attr]
                continue
            rows = [{"item": p.label or "?", "amount_wan": float(p.interval().mid),
                     "share_pct": shares.get((p.line, p.text), float("nan"))}
                    for p in c.numbers["parts"]]  # type: ignore[union-attr]
            return pd.DataFrame(rows, columns=["item", "amount_wan", "share_pct"])
        return pd.DataFrame(columns=["item", "amount_wan", "share_pct"])


def _sectioned(doc: "Document") -> list[tuple[Segment, str]]:
    out = []
    section = ""
    for seg in segments(doc.lines):
        first = seg.text.split("\n", 1)[0]
        level = heading_level(first)
        if level in (1, 2):
            section = first[:40].rstrip("。:：")
        out.append((seg, section))
    return out


def extract(doc: "Document") -> Extraction:
    """Read every claim and figure of a document."""
    claims, figures = extract_narrative(_sectioned(doc))
    return Extraction(claims, figures)
