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
        """The breakdown of a total named with ``word`` (收入 or 支出): item, amount_wan, share_pct.

        The composition is the itemised total whose parts carry the most printed shares (the
        "本年收入合计 …，其中 … 占 …%" list), not a headline total with a couple of parts.
        """
        shares = {(c.numbers["part"].line, c.numbers["part"].text): c.numbers["pct"].value  # type: ignore[union-attr]
                  for c in self.claims if c.kind == Kind.SHARE}
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
