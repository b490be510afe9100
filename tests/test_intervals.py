"""The rounding-aware checker: rounding never raises an alarm, a real error always does."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.checks import check_claim
from juesuan.claims import Claim, Kind, Printed, Verdict
from juesuan.intervals import Interval, printed_interval, rate_of_change_pct, ratio_pct

AMOUNTS = st.integers(min_value=1, max_value=10**9).map(lambda n: Fraction(n, 1000))  # 万元, 3 decimals


def _print(value: Fraction, decimals: int = 2) -> str:
    q = Decimal(1).scaleb(-decimals)
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(q, rounding=ROUND_HALF_UP))


def _claim(kind: Kind, **numbers: object) -> Claim:
    words = {k: v for k, v in numbers.items() if isinstance(v, str)}
    nums = {k: v for k, v in numbers.items() if not isinstance(v, str)}
    return check_claim(Claim(kind, "s", 1, "q", nums, words))  # type: ignore[arg-type]


def test_printed_interval_is_half_the_last_digit() -> None:
    assert printed_interval("721.17") == Interval(Fraction("721.165"), Fraction("721.175"))
    assert printed_interval("16") == Interval(Fraction("15.5"), Fraction("16.5"))
    assert printed_interval("3", is_exact=True) == Interval(Fraction(3), Fraction(3))


def test_seed_tail_721_17_is_not_an_alarm() -> None:
    c = _claim(Kind.SUM, total=Printed("721.17", "万元"),
               parts=[Printed("631.01", "万元"), Printed("81.55", "万元"), Printed("8.60", "万元")])
    assert c.verdict == Verdict.CONSISTENT


def test_seed_rate_24_72_on_rounded_inputs_is_consistent() -> None:
    # 5.13 down from 20.76 can be 24.69–24.74 % once both are read as intervals (domain.md §7.2)
    c = _claim(Kind.YOY, current=Printed("15.63", "万元"), change=Printed("5.13", "万元"),
               pct=Printed("24.72", "%"), direction="dec")
    assert c.verdict == Verdict.CONSISTENT


@settings(max_examples=300, deadline=None)
@given(st.lists(AMOUNTS, min_size=2, max_size=12))
def test_rounded_exact_sums_are_always_consistent(parts: list[Fraction]) -> None:
    total = sum(parts, Fraction(0))
    c = _claim(Kind.SUM, total=Printed(_print(total), "万元"), parts=[Printed(_print(p), "万元") for p in parts])
    assert c.verdict == Verdict.CONSISTENT


@settings(max_examples=300, deadline=None)
@given(st.lists(AMOUNTS, min_size=2, max_size=12), st.integers(min_value=1, max_value=10**6), st.booleans())
def test_a_total_off_by_more_than_rounding_allows_is_inconsistent(parts: list[Fraction], extra: int,
                                                                 up: bool) -> None:
    printed = [_print(p) for p in parts]
    s = sum((Fraction(Decimal(t)) for t in printed), Fraction(0))
    # rounding explains at most half a cent per printed number (n parts + the total)
    allowed = Fraction(len(parts) + 1, 200)
    step = Fraction(-(-allowed * 100 // 1), 100) + Fraction(extra, 100)  # beyond it, on the cent grid
    wrong = s + step if up else s - step
    if wrong <= 0:
        return
    c = _claim(Kind.SUM, total=Printed(_print(wrong), "万元"), parts=[Printed(t, "万元") for t in printed])
    assert c.verdict == Verdict.INCONSISTENT
    assert c.gap > 0


@settings(max_examples=300, deadline=None)
@given(AMOUNTS, AMOUNTS)
def test_rounded_exact_shares_and_rates_are_consistent(part: Fraction, rest: Fraction) -> None:
    whole = part + rest
    pct = part / whole * 100
    share = _claim(Kind.SHARE, part=Printed(_print(part), "万元"), total=Printed(_print(whole), "万元"),
                   pct=Printed(_print(pct), "%"))
    assert share.verdict in (Verdict.CONSISTENT, Verdict.UNCHECKABLE)
    execution = _claim(Kind.EXECUTION, actual=Printed(_print(part), "万元"), budget=Printed(_print(whole), "万元"),
                       pct=Printed(_print(pct), "%"))
    assert execution.verdict in (Verdict.CONSISTENT, Verdict.UNCHECKABLE)


@settings(max_examples=300, deadline=None)
@given(AMOUNTS, AMOUNTS, st.booleans())
def test_rounded_exact_changes_are_consistent(prior: Fraction, delta: Fraction, up: bool) -> None:
    current = prior + delta if up else prior - delta
    if current <= 0:
        return
    pct = delta / prior * 100
    c = _claim(Kind.YOY, current=Printed(_print(current), "万元"), change=Printed(_print(delta), "万元"),
               pct=Printed(_print(pct), "%"), direction="inc" if up else "dec")
    assert c.verdict in (Verdict.CONSISTENT, Verdict.UNCHECKABLE)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=100, max_value=10**7), st.integers(min_value=1, max_value=99),
       st.integers(min_value=2, max_value=5000))
def test_a_share_off_by_more_than_the_interval_is_inconsistent(whole_cents: int, pct: int, bump: int) -> None:
    whole = Fraction(whole_cents, 100)
    part = whole * pct / 100
    p_whole, p_part = Printed(_print(whole), "万元"), Printed(_print(part), "万元")
    rng = ratio_pct(p_part.interval(), p_whole.interval())
    assert rng is not None
    wrong = rng.hi + Fraction(bump, 100)  # beyond what any values inside the intervals give
    c = _claim(Kind.SHARE, part=p_part, total=p_whole, pct=Printed(_print(wrong + Fraction(1, 200)), "%"))
    assert c.verdict == Verdict.INCONSISTENT


def test_rate_on_a_zero_base_is_uncheckable() -> None:
    c = _claim(Kind.YOY, current=Printed("0", "万元"), change=Printed("0", "万元"), pct=Printed("0", "%"),
               direction="inc")
    assert c.verdict == Verdict.UNCHECKABLE
    assert rate_of_change_pct(printed_interval("0", is_exact=True), printed_interval("0", is_exact=True),
                              rising=True) is None


def test_opposite_directions_are_a_wording_finding_not_an_arithmetic_one() -> None:
    from juesuan.extract.wording import wording_claims

    yoy = _claim(Kind.YOY, current=Printed("100", "万元"), change=Printed("10", "万元"), pct=Printed("11.11", "%"),
                 direction="inc", pct_direction="dec")
    assert yoy.verdict == Verdict.CONSISTENT  # 10 up from 90 is 11.11%: the numbers agree
    [word] = [check_claim(c) for c in wording_claims([yoy]) if c.rule == "wording.opposite_directions"]
    assert word.verdict == Verdict.INCONSISTENT
    same = _claim(Kind.YOY, current=Printed("100", "万元"), change=Printed("10", "万元"), pct=Printed("11.11", "%"),
                  direction="inc", pct_direction="inc")
    assert all(check_claim(c).verdict == Verdict.CONSISTENT for c in wording_claims([same]))


def test_change_word_against_the_two_amounts() -> None:
    from juesuan.extract.wording import wording_claims

    says_up = _claim(Kind.YOY, current=Printed("90.00", "万元"), prior=Printed("100.00", "万元"),
                     change=Printed("10.00", "万元"), direction="inc")
    [word] = [check_claim(c) for c in wording_claims([says_up])]
    assert word.verdict == Verdict.INCONSISTENT
    says_down = _claim(Kind.YOY, current=Printed("90.00", "万元"), prior=Printed("100.00", "万元"),
                       change=Printed("10.00", "万元"), direction="dec")
    assert [check_claim(c).verdict for c in wording_claims([says_down])] == [Verdict.CONSISTENT]
