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

from .claims import UNIT_FACTORS, Claim, Kind, Printed, Verdict
from .intervals import Interval, at_most, exact, rate_of_change_pct, ratio_pct, sum_of
from .scoring import NARRATIVE_CHECKS, check_performance

__all__ = ["check_claim", "check_claims"]


class _Relations:
    """Accumulates the relations evaluated for one claim."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.gaps: list[tuple[Fraction, str, Fraction]] = []  # (gap, unit, money at stake in 万元)
        self.notes: list[str] = []

    def compare(self, name: str, reported: Interval, recomputed: Interval, unit: str,
                money_per_unit: Fraction | None = None) -> None:
        """Record one relation; ``money_per_unit`` turns a gap in ``unit`` into 万元 (amounts: 1)."""
        self.claim.recomputed[name] = recomputed.as_floats()
        gap = reported.distance(recomputed)
        if money_per_unit is None:
            money_per_unit = Fraction(1) if unit in UNIT_FACTORS else Fraction(0)
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


def _total_and_parts(claim: Claim) -> tuple[Interval, Interval] | None:
    """(total, Σ parts) of a claim with a ``total`` and a non-empty ``parts`` list."""
    total, parts = claim.number("total"), claim.numbers.get("parts")
    if total is None or not isinstance(parts, list) or not parts:
        return None
    return total.interval(), sum_of(p.interval() for p in parts)


def _check_sum(claim: Claim, r: _Relations) -> None:
    pair = _total_and_parts(claim)
    if pair is None:
        return
    t, acc = pair
    if claim.words.get("open") and acc.hi < t.lo:
        # "其中" may list only some parts: a shortfall is not an error, an excess is.
        r.note("the parts may not be the whole list (其中): only an excess over the total is checked")
        return
    r.compare("total", t, acc, "万元")


def _check_share(claim: Claim, r: _Relations) -> None:
    average, count = claim.number("average"), claim.number("count")
    if average is not None and count is not None:
        # "平均每辆车运行维护费C" = amount / count
        total = claim.number("total")
        rec = ratio_pct(total.interval(), count.interval()) if total is not None else None
        if rec is not None:
            r.compare("average", average.interval(), rec.scale(Fraction(1, 100)), "万元", count.interval().mid)
        return
    part, whole, pct = claim.number("part"), claim.number("total"), claim.number("pct")
    if part is None or whole is None or pct is None:
        return
    rec = ratio_pct(part.interval(), whole.interval())
    if rec is None:
        r.note("share of a zero total")
        return
    r.compare("pct", pct.interval(), rec, "%", whole.interval().mid / 100)


def _magnitude(iv: Interval) -> Interval:
    """``|x|`` over an interval."""
    if iv.lo >= 0:
        return iv
    if iv.hi <= 0:
        return -iv
    return Interval(Fraction(0), max(-iv.lo, iv.hi))


def _check_change(claim: Claim, r: _Relations) -> None:
    """yoy and budget_diff: the change amount and rate against the two values they compare.

    Magnitudes only: whether 增加/减少 matches the sign is a wording question, judged by the
    ``wording.*`` claims derived from this one, so one slip is not reported twice.
    """
    cur, prior, change, pct = (claim.number(k) for k in ("current", "prior", "change", "pct"))
    direction = claim.words.get("direction", "")
    if direction == "flat":
        change = change or Printed("0", "万元")
        pct = pct or Printed("0", "%")
    budget_parts = claim.numbers.get("budget_parts")
    if prior is None and isinstance(budget_parts, list) and budget_parts and cur is not None:
        # 类 budget = Σ 项 budgets (the text prints the 项 lines, not the 类 budget)
        base = sum_of(b.interval() for b in budget_parts)
        if change is not None:
            r.compare("change", change.interval(), _magnitude(cur.interval() - base), "万元")
        return
    if cur is not None and prior is not None:
        delta = cur.interval() - prior.interval()
        if change is not None:
            r.compare("change", change.interval(), _magnitude(delta), "万元")
        if pct is not None:
            p = prior.interval()
            if p.lo <= 0:
                r.note("rate of change on a zero base (R7)")
                return
            c = cur.interval()
            # (current − prior) / prior rises with current and falls with prior: corners are exact
            corners = [(x - q) / q * 100 for x in (c.lo, c.hi) for q in (p.lo, p.hi)]
            r.compare("pct", pct.interval(), _magnitude(Interval(min(corners), max(corners))), "%", p.mid / 100)
        return
    if change is None or pct is None or (cur is None and prior is None):
        return
    ch = change.interval()
    if ch.lo == ch.hi == 0:
        r.note("no change: a rate on it says nothing (R7)")
        if pct.interval().contains_zero():
            return
    if cur is not None:
        if direction not in ("inc", "dec"):
            return  # without the direction the base (current ∓ change) is unknown
        rec = rate_of_change_pct(cur.interval(), ch, rising=direction == "inc")
        base_mid = cur.interval().mid
    else:
        rec = ratio_pct(ch, prior.interval())  # type: ignore[union-attr]
        base_mid = prior.interval().mid  # type: ignore[union-attr]
    if rec is None:
        r.note("rate of change on a zero base (R7)")
        return
    r.compare("pct", pct.interval(), rec, "%", base_mid / 100)


def _check_direction(claim: Claim, r: _Relations) -> None:
    """Direction words against the numbers they describe (``wording.*`` rules).

    ``says`` is ``greater``/``less`` (决算数大于/小于预算数, judged against an execution rate or
    actual vs budget) or ``inc``/``dec`` (增加/减少, judged against current vs prior, or
    against the rate's own word ``pct_says``).
    """
    says = claim.words.get("says", "")
    pct_says = claim.words.get("pct_says", "")
    if pct_says and says in ("inc", "dec"):
        holds = pct_says == says
        r.compare("direction", exact(1), exact(1 if holds else 0), "wording")
        if not holds:
            claim.explanation = (f"the amount is said to {'rise' if says == 'inc' else 'fall'} "
                                 f"but its rate to {'rise' if pct_says == 'inc' else 'fall'}")
        return
    pct, actual, budget = claim.number("pct"), claim.number("actual"), claim.number("budget")
    cur, prior = claim.number("current"), claim.number("prior")
    if says in ("inc", "dec") and cur is not None and prior is not None:
        delta = cur.interval() - prior.interval()
        if delta.contains_zero():
            return
        holds = (delta.lo > 0) == (says == "inc")
        r.compare("direction", exact(1), exact(1 if holds else 0), "wording", abs(delta.mid))
        if not holds:
            claim.explanation = (f"the text says {'增加' if says == 'inc' else '减少'}, but {cur.text} vs "
                                 f"{prior.text}{prior.unit} is a {'fall' if delta.lo < 0 else 'rise'}")
        return
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
            claim.explanation = (f"the text says the actual is {'above' if says == 'greater' else 'below'} "
                                 f"the budget, but the numbers say otherwise")


def _check_weighted_sum(claim: Claim, r: _Relations) -> None:
    """A total stated once and implied again by amounts × percentages (SME share of each category)."""
    total = claim.number("total")
    amounts, pcts = claim.numbers.get("amounts"), claim.numbers.get("pcts")
    if total is None or not isinstance(amounts, list) or not isinstance(pcts, list):
        return
    acc = sum_of(a.interval() * p.interval().scale(Fraction(1, 100)) for a, p in zip(amounts, pcts))
    r.compare("total", total.interval(), acc, "万元")
    terms = " + ".join(f"{a.label or a.text} {a.text}×{p.text}%" for a, p in zip(amounts, pcts))
    claim.explanation = (f"{total.label or 'the total'} is printed as {total.text}{total.unit}, but {terms} "
                         f"= {float(acc.mid):.2f}{total.unit}")


def _check_at_most(claim: Claim, r: _Relations) -> None:
    """``part ≤ whole`` (a subset stated next to its superset): only an excess is a gap."""
    part, whole = claim.number("part"), claim.number("whole")
    if part is None or whole is None:
        return
    p, w = part.interval(), whole.interval()
    r.compare("part", p, at_most(p, w), part.unit or "万元")


def _check_explained(claim: Claim, r: _Relations) -> None:
    """Amounts given as reasons vs the variance they explain: the unexplained remainder is the gap."""
    pair = _total_and_parts(claim)
    if pair is None:
        return
    t, acc = pair
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


def _check_present(claim: Claim, r: _Relations) -> None:
    """A checklist item: present, or missing (the gap is one item)."""
    present = claim.words.get("present") == "yes"
    r.compare("present", exact(1), exact(1 if present else 0), "item")
    if not present:
        expected, found = claim.words.get("expected"), claim.words.get("found")
        problem = claim.words.get("problem", "gap")
        if not expected:
            claim.explanation = f"no section on {claim.words.get('item')} ({claim.words.get('source')})"
        elif problem == "duplicate":
            claim.explanation = f"section number {found} appears twice (expected {expected})"
        elif problem == "out_of_order":
            claim.explanation = f"numbering goes back from {int(expected) - 1} to {found}"
        else:
            claim.explanation = f"numbering jumps from {int(expected) - 1} to {found}"


def _describe_observation(claim: Claim, r: _Relations) -> None:
    """No relation to recompute: the observations suite flags it; say what was seen."""
    budget = claim.number("budget")
    if claim.words.get("explain"):
        claim.explanation = claim.words["explain"]
    elif budget is not None:
        claim.explanation = (f"{claim.words.get('project', 'a project')} was budgeted {budget.text}{budget.unit} "
                             "and reported as not carried out")


def _check_execution(claim: Claim, r: _Relations) -> None:
    actual, budget, pct = claim.number("actual"), claim.number("budget"), claim.number("pct")
    if actual is None or budget is None or pct is None:
        return
    rec = ratio_pct(actual.interval(), budget.interval())
    alt = claim.number("budget_alt")
    if alt is not None:
        # a table with both 年初预算 and 调整预算 columns and a bare 完成率: either may be the base
        rec_alt = ratio_pct(actual.interval(), alt.interval())
        if rec_alt is not None and (rec is None or (pct.interval().distance(rec_alt) < pct.interval().distance(rec))):
            budget, rec = alt, rec_alt
    if rec is None:
        r.note("execution rate against a zero budget")
        return
    # what the observations suite compares with the execution threshold (params)
    claim.observed = pct.value
    claim.at_stake_wan = max(float(budget.interval().mid - actual.interval().mid), 0.0)
    r.compare("pct", pct.interval(), rec, "%", budget.interval().mid / 100)


_CHECKS: dict[Kind, Callable[[Claim, _Relations], None]] = {
    Kind.SUM: _check_sum,
    Kind.CROSS_REF: _check_sum,
    Kind.SHARE: _check_share,
    Kind.YOY: _check_change,
    Kind.BUDGET_DIFF: _check_change,
    Kind.EXECUTION: _check_execution,
    Kind.DIRECTION: _check_direction,
    Kind.EXPLAINED_VARIANCE: _check_explained,
    Kind.COMPLETENESS: _check_present,
    Kind.PERF_SCORE: check_performance,  # 项目支出绩效自评 (scoring.py), by rule
    Kind.PERF_INDICATOR: check_performance,
}


#: Rules whose relation is not the default one of their kind.
_RULE_CHECKS: dict[str, Callable[[Claim, _Relations], None]] = {
    "observation.unimplemented": _describe_observation,
    "observation.budget_cut_execution": _describe_observation,
    "structure.procurement_sme": _check_weighted_sum,
    "structure.procurement_small_le_sme": _check_at_most,
    "structure.running_costs_le_public": _check_at_most,
    "cross_reference.vehicle_count": _check_at_most,
    "cross_reference.vehicle_running_cost": _check_at_most,
    **NARRATIVE_CHECKS,  # performance.narrative_* and performance.grade (scoring.py)
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
