"""Injected faults: one printed number or word changed so that one claim no longer holds.

Each fault kind of issue 5 picks a site among the claims a clean rendering asserts
(:class:`~.render.ClaimSpec`) and returns the override (anchor key → printed value) that breaks
it, with the rule id that must catch it. Every change is larger than rounding can explain:
amounts move by at least 1万元 (and at least 5% of the part), rates and shares by at least one
percentage point, scores by at least two points, counts by at least one.

A department's faults never share a claim: a fault may not change a number that another fault's
claim rests on, nor target a claim whose numbers another fault changed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .model import Department, grade_of, ratio_pct, round_half_up
from .render import ClaimSpec, Rendered

__all__ = ["FAULT_KINDS", "Fault", "choose_faults"]

#: Fault kind → one line saying what is wrong (issue 5's list, in its order).
FAULT_KINDS: dict[str, str] = {
    "sum_part": "a part changed so its total no longer adds up",
    "wrong_share": "a share (占 X%) that is not the part's share of the total",
    "yoy_wrong_base": "a rate of change computed on the wrong base (this year instead of the comparison year)",
    "flipped_direction": "a direction word flipped (增加 for a fall, 大于 for less)",
    "execution_shortfall": "an execution rate that is really the shortfall (100% − rate)",
    "pct_equals_amount": "a percentage equal to the amount printed next to it",
    "perf_total": "a self-evaluation 总分 that is not the sum of its scores",
    "indicator_full_marks": "an indicator given full marks while missing its target",
    "narrative_score": "a narrative 自评得分 that differs from the table's 总分",
    "procurement_sme": "a category's SME share that contradicts the SME total",
    "vehicle_count": "a vehicle count that differs between the “三公” and asset sections",
}


@dataclass(frozen=True)
class Fault:
    """One injected fault: what was changed, and the rule that must catch it."""

    kind: str
    rule: str
    claim: str
    """Id of the truth claim it breaks (``T0042``)."""
    changes: tuple[tuple[str, str, str], ...]
    """(anchor key, printed before, printed after) for every token changed."""
    description: str

    @property
    def overrides(self) -> dict[str, str]:
        return {k: after for k, _before, after in self.changes}


def _keys(c: ClaimSpec) -> set[str]:
    out: set[str] = set()
    for v in c.roles.values():
        out.update(v if isinstance(v, list) else [v])
    return out


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _places(text: str) -> int:
    t = text.replace(",", "")
    return len(t.split(".")[1]) if "." in t else 0


def _fmt(x: Decimal | Fraction | float, places: int) -> str:
    return f"{round_half_up(Fraction(x), places):.{places}f}"


class _Sites:
    """Candidate sites of each kind, from the claims of a clean rendering."""

    def __init__(self, r: Rendered, d: Department, rng: random.Random) -> None:
        self.r, self.d, self.rng = r, d, rng

    def printed(self, key: str) -> str:
        return self.r.printed[key]

    def value(self, key: str) -> Decimal:
        return _dec(self.r.printed[key])

    def money_text(self, key: str, wan: Decimal) -> str:
        """An amount in 万元 printed the way the anchor ``key`` prints amounts."""
        if self.r.units.get(key) == "元":
            yuan = int(round_half_up(Fraction(wan) * 10000, 0))
            return (f"{yuan:,}" if "," in self.printed(key) or self.r.variant.thousands else str(yuan)) + ".00"
        return f"{round_half_up(Fraction(wan), 2):.2f}"

    def wan(self, key: str) -> Decimal:
        v = self.value(key)
        return v / 10000 if self.r.units.get(key) == "元" else v

    # ---- one generator per kind: yields (claim, rule, [(key, new text)], description)

    def sum_part(self):
        for c in self.r.claims:
            if c.rule not in ("arithmetic.sum", "structure.functional_sum", "structure.sangong", "structure.vehicles",
                              "structure.basic_split"):
                continue
            parts = c.roles["parts"]
            assert isinstance(parts, list)
            if len(parts) < 2 and c.rule != "structure.functional_sum":
                continue
            key = self.rng.choice(parts)
            if self.r.units.get(key) == "辆":
                new = str(int(self.printed(key)) + self.rng.randint(1, 2))
            else:
                old = self.wan(key)
                delta = max(Decimal(1), round_half_up(Fraction(old) * Fraction(self.rng.randint(5, 25), 100), 2))
                new = self.money_text(key, old + delta)
            yield c, c.rule, [(key, new)], (f"{key} printed {new} instead of {self.printed(key)}: its total "
                                            f"{self.printed(str(c.roles['total']))} no longer adds up")

    def wrong_share(self):
        for c in self.r.claims:
            if c.rule != "arithmetic.share" or "pct" not in c.roles:
                continue
            pk = str(c.roles["pct"])
            p = self.value(pk)
            if self.wan(str(c.roles["part"])) == 0:
                continue
            step = Decimal(self.rng.randint(200, 1200)) / 100
            new = p - step if p - step > 0 and (p + step > 100 or self.rng.random() < 0.5) else p + step
            if not 0 < new < 100:
                continue
            yield c, c.rule, [(pk, _fmt(new, max(2, _places(self.printed(pk)))))], \
                f"share printed {_fmt(new, 2)}% instead of {self.printed(pk)}%"

    def _changes(self):
        for c in self.r.claims:
            if c.rule not in ("arithmetic.yoy", "arithmetic.budget_diff") or "pct" not in c.roles \
                    or c.words.get("zero_base"):
                continue
            yield c

    def yoy_wrong_base(self):
        for c in self._changes():
            cur = Decimal(str(self.r.true[f"{str(c.roles['change']).rsplit('.', 1)[0]}.current"]))
            prior = Decimal(str(self.r.true[f"{str(c.roles['change']).rsplit('.', 1)[0]}.prior_value"]))
            change = abs(cur - prior)
            if cur <= 0 or prior <= 0 or change == 0:
                continue
            wrong = ratio_pct(Fraction(change), Fraction(cur))
            right = ratio_pct(Fraction(change), Fraction(prior))
            if wrong is None or right is None or abs(wrong - right) < 1:
                continue
            pk = str(c.roles["pct"])
            yield c, c.rule, [(pk, f"{wrong:.2f}")], \
                f"rate {wrong:.2f}% = change / this year's {cur} instead of / the comparison base {prior} ({right:.2f}%)"

    def flipped_direction(self):
        flip = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长", "大于": "小于", "小于": "大于"}
        for c in self._changes():
            if c.words.get("direction") not in ("inc", "dec"):
                continue
            d1, d2 = c.words["dir"], c.words["dir2"]
            if c.words.get("prior_printed"):
                yield c, "wording.change_sign", [(d1, flip[self.printed(d1)]), (d2, flip[self.printed(d2)])], \
                    f"{self.printed(d1)}/{self.printed(d2)} printed as {flip[self.printed(d1)]}/{flip[self.printed(d2)]}"
            else:
                yield c, "wording.opposite_directions", [(d1, flip[self.printed(d1)])], \
                    f"{self.printed(d1)} printed as {flip[self.printed(d1)]} (the rate still says {self.printed(d2)})"
        for c in self.r.claims:
            if c.rule == "wording.execution_direction":
                k = c.words["word"]
                yield c, c.rule, [(k, flip[self.printed(k)])], f"决算数{self.printed(k)}预算数 printed as {flip[self.printed(k)]}"

    def execution_shortfall(self):
        for c in self.r.claims:
            if c.rule not in ("arithmetic.execution", "performance.execution_rate"):
                continue
            pk = str(c.roles["pct"])
            if self.wan(str(c.roles["budget"])) == 0 or self.wan(str(c.roles["actual"])) == 0:
                continue
            rate = self.value(pk)
            if rate > 100 or abs(rate - 50) < 1:
                continue
            places = _places(self.printed(pk))
            new = 100 - rate
            yield c, c.rule, [(pk, "0" if new == 0 else _fmt(new, places))], \
                f"execution rate printed {_fmt(new, places)}% (the shortfall) instead of {self.printed(pk)}%"

    def pct_equals_amount(self):
        for c in self._changes():
            ck = str(c.roles["change"])
            amount = self.printed(ck).replace(",", "")
            pk = str(c.roles["pct"])
            if _dec(amount) == 0 or abs(_dec(amount) - self.value(pk)) < 1:
                continue
            yield c, c.rule, [(pk, amount)], f"rate printed {amount}% — the amount — instead of {self.printed(pk)}%"
        for c in self.r.claims:
            if c.rule != "arithmetic.share":
                continue
            part = self.printed(str(c.roles["part"])).replace(",", "")
            pk = str(c.roles["pct"])
            if _dec(part) == 0 or abs(_dec(part) - self.value(pk)) < 1:
                continue
            yield c, c.rule, [(pk, part)], f"share printed {part}% — the amount — instead of {self.printed(pk)}%"

    def _project_of(self, key: str) -> int:
        return int(key.split(".")[1])

    def perf_total(self):
        for c in self.r.claims:
            if c.rule != "performance.total":
                continue
            tk = str(c.roles["total"])
            k = self._project_of(tk)
            old = self.value(tk)
            step = Decimal(self.rng.randint(200, 800)) / 100
            new = old - step if old - step >= 0 and (old + step > 100 or self.rng.random() < 0.5) else old + step
            changes = [(tk, _fmt(new, 2)), (f"pf.{k}.narrative", _short(_fmt(new, 2)))]
            if f"pf.{k}.grade" in self.r.printed:
                changes.append((f"pf.{k}.grade", grade_of(round_half_up(Fraction(new), 2))))
            yield c, c.rule, changes, f"总分 printed {_fmt(new, 2)} instead of {self.printed(tk)} (the narrative follows it)"

    def indicator_full_marks(self):
        for c in self.r.claims:
            if c.rule != "performance.indicator_score" or c.words.get("qualitative"):
                continue
            sk, wk, tk, ak = (str(c.roles[r]) for r in ("score", "weight", "target", "actual"))
            if self.value(sk) != self.value(wk) or self.value(tk) <= 0:
                continue
            target = self.value(tk)
            sense = c.words.get("sense")
            if sense == "<=":
                new = target * Decimal(self.rng.randint(125, 180)) / 100
            else:
                new = Decimal(int(target * Decimal(self.rng.randint(50, 85)) / 100))
                if new >= target:
                    continue
            text = _fmt(new, 2)
            yield c, c.rule, [(ak, text)], (f"actual {text} misses the target {self.printed(tk)} but 得分 stays "
                                            f"{self.printed(sk)} of {self.printed(wk)}")

    def narrative_score(self):
        for c in self.r.claims:
            if c.rule != "performance.narrative_score":
                continue
            nk = str(c.roles["narrative"])
            k = self._project_of(nk)
            old = _dec(self.printed(str(c.roles["table"])))
            step = Decimal(self.rng.randint(2, 10))
            new = old - step if old - step >= 0 and (old + step > 100 or self.rng.random() < 0.5) else old + step
            changes = [(nk, _short(_fmt(new, 2)))]
            if f"pf.{k}.grade" in self.r.printed:
                changes.append((f"pf.{k}.grade", grade_of(round_half_up(Fraction(new), 2))))
            yield c, c.rule, changes, f"自评得分 printed {_short(_fmt(new, 2))} while the table's 总分 is {old}"

    def procurement_sme(self):
        for c in self.r.claims:
            if c.rule != "structure.procurement_sme":
                continue
            for ak, pk in zip(c.roles["amounts"], c.roles["pcts"]):  # type: ignore[arg-type]
                amount = self.wan(ak)
                if amount < 2:
                    continue
                share = self.value(pk)
                least = max(Decimal(10), Decimal(100) / amount)  # ≥ 1万元 of SME money
                if share - least >= 0 and (share + least > 100 or self.rng.random() < 0.5):
                    new = share - least - Decimal(self.rng.randint(0, int(max(0, share - least))))
                elif share + least <= 100:
                    new = share + least + Decimal(self.rng.randint(0, int(100 - share - least)))
                else:
                    continue
                yield c, c.rule, [(pk, _fmt(new, 2))], f"SME share printed {_fmt(new, 2)}% instead of {self.printed(pk)}%"

    def vehicle_count(self):
        for c in self.r.claims:
            if c.rule != "cross_reference.vehicle_count":
                continue
            whole = int(self.printed(str(c.roles["whole"])))
            new = whole + self.rng.randint(1, 3)
            yield c, c.rule, [(str(c.roles["part"]), str(new))], \
                f"“三公” vehicle stock printed {new} while the asset section counts {whole} vehicles"


def _short(score: str) -> str:
    return score.rstrip("0").rstrip(".") if "." in score else score


def choose_faults(r: Rendered, d: Department, rng: random.Random, count: int) -> list[Fault]:
    """Up to ``count`` faults of distinct kinds at independent sites of the clean rendering ``r``."""
    sites = _Sites(r, d, rng)
    claims = {c.id: c for c in r.claims}
    kinds = list(FAULT_KINDS)
    rng.shuffle(kinds)
    altered: set[str] = set()
    involved: set[str] = set()
    out: list[Fault] = []
    for kind in kinds:
        if len(out) >= count:
            break
        candidates = list(getattr(sites, kind)())
        rng.shuffle(candidates)
        for c, rule, changes, description in candidates:
            keys = {k for k, _ in changes}
            if keys & involved or _keys(claims[c.id]) & altered or keys & altered:
                continue
            altered |= keys
            involved |= _keys(c)
            out.append(Fault(kind, rule, c.id, tuple((k, r.printed[k], new) for k, new in changes), description))
            break
    return out
