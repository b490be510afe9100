"""Claims: the relations a disclosure asserts between its printed numbers, as data.

Every claim is one row: what kind of relation it is, where it was printed (section, line,
quote), the numbers exactly as printed (``reported``), what juesuan recomputed from the
other numbers, and the verdict. Findings, charts, suites and the JSON all read these rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from .intervals import Interval, printed_interval

__all__ = ["UNIT_FACTORS", "Claim", "Kind", "Printed", "Verdict"]


class Kind(StrEnum):
    """Claim kinds of interface.md (values never change: users script against them)."""

    SUM = "sum"
    SHARE = "share"
    YOY = "yoy"
    EXECUTION = "execution"
    BUDGET_DIFF = "budget_diff"
    EXPLAINED_VARIANCE = "explained_variance"
    DIRECTION = "direction"
    CROSS_REF = "cross_ref"
    PERF_SCORE = "perf_score"
    PERF_INDICATOR = "perf_indicator"
    NARRATIVE = "narrative"
    COMPLETENESS = "completeness"
    """Extension: a checklist item of the disclosure (present or missing), not arithmetic."""


class Verdict(StrEnum):
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"
    UNCHECKABLE = "uncheckable"


#: How many 万元 one printed unit is worth. Analysis is in 万元; ``reported`` keeps the print.
UNIT_FACTORS: dict[str, Fraction] = {
    "万元": Fraction(1),
    "元": Fraction(1, 10_000),
    "千元": Fraction(1, 10),
    "亿元": Fraction(10_000),
}


@dataclass(frozen=True)
class Printed:
    """One number as printed: its text, unit and where it sits in the source."""

    text: str
    """The digits as printed, sign included, separators removed (``"885.90"``)."""
    unit: str = ""
    """``万元``, ``元``, ``亿元``, ``%``, ``个百分点``, a count unit (``辆``, ``个``…), or ``""``."""
    line: int = 0
    label: str = ""
    """The words printed just before the number (what it is the amount of)."""

    @property
    def value(self) -> float:
        return float(self.text)

    @property
    def is_amount(self) -> bool:
        return self.unit in UNIT_FACTORS

    @property
    def is_count(self) -> bool:
        return bool(self.unit) and not self.is_amount and self.unit not in ("%", "个百分点")

    def interval(self) -> Interval:
        """The values this print stands for, in 万元 for amounts.

        A bare ``0`` means "none at all" and counts are whole numbers: both are exact.
        """
        zero = Fraction(self.text) == 0 and "." not in self.text
        iv = printed_interval(self.text, is_exact=zero or self.is_count)
        factor = UNIT_FACTORS.get(self.unit)
        return iv.scale(factor) if factor is not None and factor != 1 else iv


@dataclass
class Claim:
    """One relation the text asserts, with its provenance and (after checking) its verdict."""

    kind: Kind
    section: str
    line: int
    quote: str
    numbers: dict[str, Printed | list[Printed]]
    """Role → printed number(s): ``total``/``parts``, ``part``/``whole``/``pct``, ``current``/
    ``change``/``pct``/``prior``, ``actual``/``budget``/``pct``."""
    words: dict[str, str] = field(default_factory=dict)
    """Wording the check needs: ``direction`` (``inc``/``dec``/``flat``), ``says`` …"""
    rule: str = ""
    """Stable check id of the rule that judges this claim (e.g. ``arithmetic.sum``)."""
    id: str = ""
    recomputed: dict[str, list[float]] = field(default_factory=dict)
    verdict: Verdict = Verdict.UNCHECKABLE
    gap: float = 0.0
    """Distance between reported and recomputed intervals, in the unit of the failing quantity."""
    gap_unit: str = ""
    amount_wan: float = 0.0
    """The money a discrepancy involves, in 万元 (for ranking findings)."""
    note: str = ""
    explanation: str = ""
    """Set by a check when it fails: the recomputation in words, for the finding's message."""
    observed: float | None = None
    """The value observation expectations compare with a params threshold (e.g. an execution rate)."""
    at_stake_wan: float = 0.0
    """Money an observation concerns, in 万元 (e.g. the unspent budget), for ranking."""

    def number(self, role: str) -> Printed | None:
        """The single number printed in ``role``, or None."""
        v = self.numbers.get(role)
        return v if isinstance(v, Printed) else None

    def number_list(self, role: str) -> list[Printed]:
        """The numbers printed in a list ``role`` (e.g. ``parts``), or an empty list."""
        v = self.numbers.get(role)
        return list(v) if isinstance(v, list) else []

    def reported(self) -> dict[str, object]:
        """The printed numbers as floats (no unit conversion), plus the wording."""
        out: dict[str, object] = {}
        for role, val in self.numbers.items():
            out[role] = [p.value for p in val] if isinstance(val, list) else val.value
        out.update(self.words)
        return out

    def units(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for role, val in self.numbers.items():
            out[role] = val[0].unit if isinstance(val, list) and val else getattr(val, "unit", "")
        return out

    def to_dict(self) -> dict[str, object]:
        """The claim as interface.md's ``claims[]`` entry."""
        return {
            "id": self.id,
            "kind": str(self.kind),
            "rule": self.rule,
            "section": self.section,
            "line": self.line,
            "quote": self.quote,
            "reported": self.reported(),
            "units": self.units(),
            "recomputed": self.recomputed,
            "verdict": str(self.verdict),
            "gap": round(self.gap, 6),
            "note": self.note,
        }
