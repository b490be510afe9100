"""Recompute every claim from its own printed numbers, rounding-aware.

Each ``_check_<kind>`` function evaluates the relations a claim asserts over the intervals its
printed numbers stand for (:mod:`juesuan.intervals`) and records, per relation, the recomputed
interval and its distance from the reported one. The claim's gap is the largest distance; its
verdict is *inconsistent* when some relation cannot hold for any values inside the intervals,
*uncheckable* when no relation could be evaluated (a missing base, a rate on a zero base).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction

from .claims import Claim, Kind, Printed, Verdict
from .intervals import Interval, exact, ratio_pct, rate_of_change_pct

__all__ = ["check_claims", "check_claim"]


class _Relations:
    """Accumulates the relations evaluated for one claim."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.gaps: list[tuple[Fraction, str, Fraction]] = []  # (gap, unit, money at stake in 万元)
        self.notes: list[str] = []

    def compare(self, name: str, reported: Interval, recomputed: Interval, unit: str,
                money_per_unit: Fraction = Fraction(1)) -> None:
        self.claim.recomputed[name] = recomputed.as_floats()
        gap = reported.distance(recomputed)
        # the money involved is the plain difference of the printed and recomputed values
        money = abs(recomputed.mid - reported.mid) * money_per_unit if gap > 0 else Fraction(0)
        self.gaps.append((gap, unit, money))

    def note(self, text: str) -> None:
        self.notes.append(text)

    def finish(self) -> Claim:
        c = self.claim
        if self.notes:
            c.note = "; ".join(dict.fromkeys([*filter(None, [c.note]), *self.notes]))
        if not self.gaps:
            c.verdict, c.gap, c.amount_wan = Verdict.UNCHECKABLE, 0.0, 0.0
            return c
        gap, unit, money = max(self.gaps, key=lambda g: (g[0] > 0, g[2], g[0]))
        c.verdict = Verdict.INCONSISTENT if gap > 0 else Verdict.CONSISTENT
        c.gap, c.gap_unit, c.amount_wan = float(gap), unit, float(money)
        return c


def _one(claim: Claim, role: str) -> Printed | None:
    v = claim.numbers.get(role)
    return v if isinstance(v, Printed) else None


def _pct(p: Printed | None) -> Interval | None:
    return p.interval() if p is not None else None


def _signed(iv: Interval, direction: str) -> Interval:
    return -iv if direction == "dec" else iv


def _check_sum(claim: Claim, r: _Relations) -> None:
    total = _one(claim, "total")
    parts = claim.numbers.get("parts")
    if total is None or not isinstance(parts, list) or not parts:
        return
    acc = exact(0)
    for p in parts:
        acc = acc + p.interval()
    t = total.interval()
    if claim.words.get("open") and acc.hi < t.lo:
        # "其中" may list only some parts: a shortfall is not an error, an excess is.
        r.note("the parts may not be the whole list (其中): only an excess over the total is checked")
        if acc.hi >= t.lo:
            r.compare("total", t, acc, "万元")
        return
    r.compare("total", t, acc, "万元")


def _check_share(claim: Claim, r: _Relations) -> None:
    part, whole, pct = _one(claim, "part"), _one(claim, "total"), _one(claim, "pct")
    if part is None or whole is None or pct is None:
        return
    rec = ratio_pct(part.interval(), whole.interval())
    if rec is None:
        r.note("share of a zero total")
        return
    r.compare("pct", pct.interval(), rec, "%", whole.interval().mid / 100)


def _check_change(claim: Claim, r: _Relations) -> None:
    """yoy and budget_diff: current vs prior (or budget), change amount and rate."""
    cur, prior, change, pct = (_one(claim, k) for k in ("current", "prior", "change", "pct"))
    direction = claim.words.get("direction", "")
    budget_parts = claim.numbers.get("budget_parts")
    if prior is None and isinstance(budget_parts, list) and budget_parts and cur is not None and change is not None:
        # 类 budget = Σ 项 budgets (the text prints the 项 lines, not the 类 budget)
        base = exact(0)
        for b in budget_parts:
            base = base + b.interval()
        delta = cur.interval() - base
        rep = _signed(change.interval(), direction) if direction else change.interval()
        r.compare("change", rep, delta, "万元")
        return
    direction = claim.words.get("direction", "")
    pct_direction = claim.words.get("pct_direction", direction)
    if direction and pct_direction and {direction, pct_direction} == {"inc", "dec"}:
        r.compare("direction", exact(1), exact(0), "wording")
        r.note("the amount and the rate are described in opposite directions")
    if direction == "flat":
        if change is None:
            change = Printed("0", "万元")
        if pct is None:
            pct = Printed("0", "%")
    if cur is not None and prior is not None:
        delta = cur.interval() - prior.interval()
        if direction in ("inc", "dec") and not delta.contains_zero():
            says_up = direction == "inc"
            if (delta.lo > 0) != says_up:
                r.compare("direction", exact(1), exact(0), "wording", abs(delta.mid))
                r.note("the direction word contradicts the two amounts")
        if change is not None:
            rep = _signed(change.interval(), direction) if direction else change.interval()
            rec = delta if direction else Interval(abs(delta.lo), abs(delta.hi)) if delta.lo >= 0 else \
                Interval(Fraction(0) if delta.contains_zero() else min(abs(delta.lo), abs(delta.hi)),
                         max(abs(delta.lo), abs(delta.hi)))
            r.compare("change", rep, rec, "万元")
        if pct is not None:
            p = prior.interval()
            if p.lo <= 0:
                r.note("rate of change on a zero base (R7)")
            else:
                corners = [(c - q) / q * 100 for c in (cur.interval().lo, cur.interval().hi)
                           for q in (p.lo, p.hi)]
                rec = Interval(min(corners), max(corners))
                rep = _signed(pct.interval(), pct_direction) if pct_direction else pct.interval()
                if not pct_direction:
                    rec = Interval(Fraction(0) if rec.contains_zero() else min(abs(rec.lo), abs(rec.hi)),
                                   max(abs(rec.lo), abs(rec.hi)))
                r.compare("pct", rep, rec, "%", p.mid / 100)
        return
    if change is not None and pct is not None:
        base_known = cur is not None or prior is not None
        if not base_known:
            return
        if Interval(change.interval().lo, change.interval().hi).hi == 0 and change.interval().lo == 0:
            r.note("no change: a rate on it says nothing (R7)")
            if pct.interval().contains_zero():
                return
        if cur is not None:
            if direction not in ("inc", "dec"):
                return
            rec = rate_of_change_pct(cur.interval(), change.interval(), rising=direction == "inc")
            base_mid = cur.interval().mid
        else:
            rec = ratio_pct(change.interval(), prior.interval())  # type: ignore[union-attr]
            base_mid = prior.interval().mid  # type: ignore[union-attr]
        if rec is None:
            r.note("rate of change on a zero base (R7)")
            return
        r.compare("pct", pct.interval(), rec, "%", base_mid / 100)


def _check_weighted_sum(claim: Claim, r: _Relations) -> None:
    """A total stated once and implied again by amounts × percentages (SME share of each category)."""
    total = _one(claim, "total")
    amounts, pcts = claim.numbers.get("amounts"), claim.numbers.get("pcts")
    if total is None or not isinstance(amounts, list) or not isinstance(pcts, list):
        return
    acc = exact(0)
    for a, p in zip(amounts, pcts):
        ai, pi = a.interval(), p.interval().scale(Fraction(1, 100))
        corners = [x * y for x in (ai.lo, ai.hi) for y in (pi.lo, pi.hi)]
        acc = acc + Interval(min(corners), max(corners))
    r.compare("total", total.interval(), acc, "万元")
    terms = " + ".join(f"{a.label or a.text} {a.text}×{p.text}%" for a, p in zip(amounts, pcts))
    claim.explanation = (f"{total.label or 'the total'} is printed as {total.text}{total.unit}, but {terms} "
                         f"= {float(acc.mid):.2f}{total.unit}")


def _check_at_most(claim: Claim, r: _Relations) -> None:
    """``part ≤ whole`` (a subset stated next to its superset): only an excess is a gap."""
    part, whole = _one(claim, "part"), _one(claim, "whole")
    if part is None or whole is None:
        return
    p, w = part.interval(), whole.interval()
    r.compare("part", p, Interval(min(p.lo, w.hi), w.hi) if p.lo <= w.hi else w, part.unit or "万元")


def _check_explained(claim: Claim, r: _Relations) -> None:
    """Amounts given as reasons vs the variance they explain: the unexplained remainder is the gap."""
    total = _one(claim, "total")
    parts = claim.numbers.get("parts")
    if total is None or not isinstance(parts, list) or not parts:
        return
    acc = exact(0)
    for p in parts:
        acc = acc + p.interval()
    t = total.interval()
    if acc.lo > t.hi:
        r.note("the reasons add up to more than the variance (offsetting changes not stated)")
        r.compare("unexplained", t, t, "万元")
        return
    r.compare("unexplained", t, acc, "万元")
    if t.lo > acc.hi:
        claim.explanation = (f"the reasons given add up to {float(acc.mid):.2f} of a {float(t.mid):.2f}万元 "
                             f"variance: {float(t.mid - acc.mid):.2f}万元 is left unexplained")
        r.note(f"reasons explain {float(acc.mid):.2f} of {float(t.mid):.2f} 万元; "
               f"{float(t.mid - acc.mid):.2f} 万元 unexplained")


def _check_execution(claim: Claim, r: _Relations) -> None:
    actual, budget, pct = _one(claim, "actual"), _one(claim, "budget"), _one(claim, "pct")
    if actual is None or budget is None or pct is None:
        return
    rec = ratio_pct(actual.interval(), budget.interval())
    if rec is None:
        r.note("execution rate against a zero budget")
        return
    r.compare("pct", pct.interval(), rec, "%", budget.interval().mid / 100)


def _check_direction(claim: Claim, r: _Relations) -> None:
    """'决算数大于/小于预算数' (or 增加/减少) against the numbers it describes."""
    says = claim.words.get("says", "")
    pct, actual, budget = _one(claim, "pct"), _one(claim, "actual"), _one(claim, "budget")
    if pct is not None:
        delta = pct.interval() - exact(100)
    elif actual is not None and budget is not None:
        delta = actual.interval() - budget.interval()
    else:
        return
    if says in ("greater", "less"):
        holds = (delta.hi > 0) if says == "greater" else (delta.lo < 0)
        r.compare("direction", exact(1), exact(1 if holds else 0), "wording")
        if not holds:
            r.note("the wording contradicts the numbers")


_CHECKS: dict[Kind, Callable[[Claim, _Relations], None]] = {
    Kind.SUM: _check_sum,
    Kind.CROSS_REF: _check_sum,
    Kind.SHARE: _check_share,
    Kind.YOY: _check_change,
    Kind.BUDGET_DIFF: _check_change,
    Kind.EXECUTION: _check_execution,
    Kind.DIRECTION: _check_direction,
    Kind.EXPLAINED_VARIANCE: _check_explained,
}


#: Rules whose relation is not the default one of their kind.
_RULE_CHECKS: dict[str, Callable[[Claim, _Relations], None]] = {
    "structure.procurement_sme": _check_weighted_sum,
    "structure.procurement_small_le_sme": _check_at_most,
    "structure.running_costs_le_public": _check_at_most,
    "cross_reference.vehicle_count": _check_at_most,
    "cross_reference.vehicle_running_cost": _check_at_most,
}


def check_claim(claim: Claim) -> Claim:
    """Recompute one claim in place and return it."""
    claim.recomputed = {}
    claim.explanation = ""
    r = _Relations(claim)
    fn = _RULE_CHECKS.get(claim.rule) or _CHECKS.get(claim.kind)
    if fn is not None:
        fn(claim, r)
    return r.finish()


def check_claims(claims: Iterable[Claim]) -> list[Claim]:
    """Check every claim and number them ``C0001``… in document order."""
    out = [check_claim(c) for c in claims]
    out.sort(key=lambda c: (c.line, c.kind))
    for i, c in enumerate(out, 1):
        c.id = f"C{i:04d}"
    return out
