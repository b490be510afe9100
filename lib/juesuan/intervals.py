"""Rounding-aware arithmetic on printed figures (domain.md §7.2).

A printed number stands for every value that rounds to it: ``721.17`` is any value in
``[721.165, 721.175]``, ``52.1%`` any value in ``[52.05, 52.15]``. A relation between printed
numbers is *inconsistent* only when no choice of values inside those intervals makes it true —
the GRIM idea applied to accounts. No fixed tolerance appears anywhere: the slack always comes
from how many decimals were printed.

Endpoints are exact :class:`fractions.Fraction` values, so a boundary case (a gap of exactly
half a unit) is decided exactly instead of by binary floating-point noise. The standard
library's ``fractions`` is the interval maths library here: every relation we check is a sum,
a difference or a monotone ratio of independent printed values, which exact endpoints
evaluate without the overestimation that general interval packages add for repeated variables.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

__all__ = ["Interval", "exact", "printed_interval", "rate_of_change_pct", "ratio_pct"]

_HUNDRED = Fraction(100)


@dataclass(frozen=True)
class Interval:
    """A closed interval ``[lo, hi]`` of exact rationals."""

    lo: Fraction
    hi: Fraction

    def __post_init__(self) -> None:
        if self.lo > self.hi:
            raise ValueError(f"empty interval [{self.lo}, {self.hi}]")

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def __mul__(self, other: Interval) -> Interval:
        corners = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(corners), max(corners))

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo)

    def scale(self, factor: Fraction) -> Interval:
        """Multiply by a constant (unit conversion: 元 → 万元 is ``Fraction(1, 10000)``)."""
        a, b = self.lo * factor, self.hi * factor
        return Interval(min(a, b), max(a, b))

    def contains_zero(self) -> bool:
        return self.lo <= 0 <= self.hi

    def distance(self, other: Interval) -> Fraction:
        """How far apart two intervals are: 0 when they overlap."""
        return max(Fraction(0), other.lo - self.hi, self.lo - other.hi)

    def overlaps(self, other: Interval) -> bool:
        return self.distance(other) == 0

    @property
    def mid(self) -> Fraction:
        return (self.lo + self.hi) / 2

    def as_floats(self) -> list[float]:
        """``[lo, hi]`` as floats, for JSON."""
        return [float(self.lo), float(self.hi)]


def exact(value: Fraction | int) -> Interval:
    """A value known exactly (a count, or a constant such as 100%)."""
    v = Fraction(value)
    return Interval(v, v)


def sum_of(intervals: Iterable[Interval]) -> Interval:
    """The interval of a sum (0 for none)."""
    acc = exact(0)
    for iv in intervals:
        acc = acc + iv
    return acc


def at_most(part: Interval, whole: Interval) -> Interval:
    """Where ``part`` may lie if it cannot exceed ``whole``: its distance from ``part`` is the excess."""
    return Interval(min(part.lo, whole.hi), whole.hi) if part.lo <= whole.hi else whole


def printed_interval(text: str, *, is_exact: bool = False) -> Interval:
    """The interval a printed decimal stands for.

    ``"721.17"`` → ``[721.165, 721.175]``; ``"16"`` → ``[15.5, 16.5]``; with ``is_exact`` (counts,
    or a printed zero that means "nothing at all") the interval is the single value.
    """
    d = Decimal(text)
    v = Fraction(d)
    if is_exact:
        return Interval(v, v)
    exponent = d.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    half = Fraction(1, 2 * 10**decimals)
    return Interval(v - half, v + half)


def ratio_pct(part: Interval, whole: Interval) -> Interval | None:
    """``100 · part / whole`` over the intervals; ``None`` when the whole may be zero."""
    if whole.contains_zero():
        return None
    corners = [a / b * _HUNDRED for a in (part.lo, part.hi) for b in (whole.lo, whole.hi)]
    return Interval(min(corners), max(corners))


def rate_of_change_pct(current: Interval, change: Interval, *, rising: bool) -> Interval | None:
    """``100 · change / base`` where the base is ``current ∓ change``, each value used once.

    For a rise the base (prior value) is ``current − change``; for a fall it is
    ``current + change``. Writing the rate through the independent printed values keeps the
    range exact: ``change / (current − change)`` increases with ``change`` and decreases with
    ``current`` (the mirror holds for a fall), so its extremes sit at the corners.
    ``None`` when the base interval reaches zero (a rate on a zero base is undefined).
    """
    base = current - change if rising else current + change
    if base.lo <= 0:
        return None
    lo = change.lo / ((current.hi - change.lo) if rising else (current.hi + change.lo))
    hi = change.hi / ((current.lo - change.hi) if rising else (current.lo + change.hi))
    lo, hi = min(lo, hi), max(lo, hi)
    return Interval(lo * _HUNDRED, hi * _HUNDRED)
