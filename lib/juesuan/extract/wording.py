"""Direction words as claims of their own (the ``wording`` suite).

A change sentence says two things: how much (judged by ``arithmetic.yoy``/``budget_diff`` on
magnitudes) and which way (增加/减少, 增长/下降). The second becomes a ``direction`` claim here,
so a wrong word is one finding with its own rule, not an arithmetic error.
"""

from __future__ import annotations

from ..claims import Claim, Kind, Printed

__all__ = ["wording_claims"]


def wording_claims(claims: list[Claim]) -> list[Claim]:
    """Direction claims derived from the change claims in ``claims``."""
    out: list[Claim] = []
    for c in claims:
        if c.kind not in (Kind.YOY, Kind.BUDGET_DIFF):
            continue
        says = c.words.get("direction", "")
        pct_says = c.words.get("pct_direction", "")
        if says not in ("inc", "dec"):
            continue
        change = c.numbers.get("change")
        pct = c.numbers.get("pct")
        if pct_says in ("inc", "dec") and isinstance(change, Printed) and isinstance(pct, Printed) and \
                not (change.value == 0 and pct.value == 0):
            out.append(Claim(Kind.DIRECTION, c.section, c.line, c.quote, {"change": change, "pct": pct},
                             {"says": says, "pct_says": pct_says}, rule="wording.opposite_directions"))
        cur, prior = c.numbers.get("current"), c.numbers.get("prior")
        if isinstance(cur, Printed) and isinstance(prior, Printed):
            out.append(Claim(Kind.DIRECTION, c.section, c.line, c.quote, {"current": cur, "prior": prior},
                             {"says": says}, rule="wording.change_sign"))
    return out
