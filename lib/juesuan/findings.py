"""Findings: the claims a suite rejected, ranked, and the findings document users script against.

The flow is ``claims → reconciliation_frame → suites.validate → build_findings →
findings_document → write_findings``. Only :mod:`juesuan.suites` knows great_expectations;
this module turns its :class:`~juesuan.suites.Outcome` records back into readable findings
(the numbers, the gap, the quote) and writes ``findings.json`` / ``findings.csv`` exactly as
interface.md describes them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .claims import Claim, Kind, Printed, Verdict
from .intervals import Interval

if TYPE_CHECKING:  # pragma: no cover - typing only; pandas is imported where a frame is built
    import pandas as pd

    from .suites import Outcome

__all__ = [
    "CSV_COLUMNS",
    "FRAME_COLUMNS",
    "SCHEMA_ID",
    "Finding",
    "atomic_write_bytes",
    "atomic_write_text",
    "build_findings",
    "findings_document",
    "reconciliation_frame",
    "summary_counts",
    "validate_document",
    "write_findings",
]

#: The ``schema`` value of every findings document (and the JSON Schema's ``$id``).
SCHEMA_ID = "juesuan/findings/1"
#: Columns of :func:`reconciliation_frame`, in order (suites' row conditions use ``rule``).
FRAME_COLUMNS: tuple[str, ...] = ("claim_id", "kind", "rule", "section", "line", "gap", "verdict", "amount_wan",
                                  "observed")
#: Columns of ``findings.csv``, in order: the findings[] fields, ``claim_ids`` joined by ``;``.
CSV_COLUMNS: tuple[str, ...] = ("id", "rule", "severity", "message", "claim_ids", "amount_wan", "line",
                                "quote", "section", "gap", "gap_unit")

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_QUOTE_CHARS = 40  # how much of the quote a message repeats; the full quote is its own field
# Float noise from converting exact Fractions: a distance below this is an overlap, not a gap.
_EPS = Fraction(1, 10**9)


@dataclass(frozen=True)
class Finding:
    """One problem a reader should look at: a rejected claim, or a check that errored."""

    id: str
    """``F001``…, assigned after ranking."""
    rule: str
    """The check id that raised it (``arithmetic.sum``)."""
    severity: str
    """``error``, ``warning`` or ``info`` (from the expectation's meta)."""
    message: str
    """The reported and recomputed numbers, the gap and the start of the quote."""
    claim_ids: tuple[str, ...]
    amount_wan: float
    """Money the discrepancy involves, in 万元 (ranks findings of equal severity)."""
    line: int
    quote: str
    section: str
    gap: float
    gap_unit: str

    def to_dict(self) -> dict[str, object]:
        """The finding as interface.md's ``findings[]`` entry (plus section, gap, gap_unit)."""
        return {
            "id": self.id,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "claim_ids": list(self.claim_ids),
            "amount_wan": round(self.amount_wan, 6),
            "line": self.line,
            "quote": self.quote,
            "section": self.section,
            "gap": round(self.gap, 6),
            "gap_unit": self.gap_unit,
        }


# --------------------------------------------------------------------------------------------
# The frame the suites run over


def reconciliation_frame(claims: Iterable[Claim]) -> pd.DataFrame:
    """One row per claim with the columns of :data:`FRAME_COLUMNS`.

    ``gap`` is NaN for uncheckable claims, so the suites' map expectations skip them instead
    of counting a meaningless 0 as a pass.
    """
    import pandas as pd

    rows = [
        {
            "claim_id": c.id,
            "kind": str(c.kind),
            "rule": c.rule,
            "section": c.section,
            "line": int(c.line),
            "gap": math.nan if c.verdict == Verdict.UNCHECKABLE else float(c.gap),
            "verdict": str(c.verdict),
            "amount_wan": float(c.amount_wan),
            "observed": math.nan if c.observed is None else float(c.observed),
        }
        for c in claims
    ]
    frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
    # Fixed dtypes even for an empty list, so suites see the same schema every time.
    return frame.astype({"claim_id": str, "kind": str, "rule": str, "section": str, "verdict": str,
                         "line": "int64", "gap": "float64", "amount_wan": "float64", "observed": "float64"})


# --------------------------------------------------------------------------------------------
# Outcomes → findings


def build_findings(claims: Sequence[Claim], outcomes: Iterable[Outcome]) -> list[Finding]:
    """One finding per unexpected claim of every failed expectation, plus one per errored check.

    Ranked by severity (error, warning, info), then ``amount_wan`` descending, then line;
    ids ``F001``… follow that order.
    """
    by_id = {c.id: c for c in claims}
    drafts: list[dict[str, Any]] = []
    for o in outcomes:
        if o.error is not None:
            drafts.append({
                "rule": o.check_id, "severity": "error",
                "message": f"check errored: {o.error} (suite {o.suite}; no claim was judged by this rule)",
                "claim_ids": (), "amount_wan": 0.0, "line": 0, "quote": "", "section": "",
                "gap": 0.0, "gap_unit": "",
            })
            continue
        if o.success:
            continue
        for claim_id in o.unexpected_claim_ids:
            claim = by_id.get(claim_id)
            if claim is None:
                raise ValueError(f"{o.check_id} rejected claim {claim_id}, which is not among the claims given "
                                 "(build the frame and the findings from the same claims)")
            observation = o.check_id != claim.rule  # a threshold on a claim, not the claim's own relation
            drafts.append({
                "rule": o.check_id, "severity": o.severity,
                "message": _observation_message(o, claim) if observation else _message(claim),
                "claim_ids": (claim.id,),
                "amount_wan": float(claim.at_stake_wan if observation or not claim.amount_wan else claim.amount_wan),
                "line": claim.line,
                "quote": claim.quote, "section": claim.section, "gap": float(claim.gap),
                "gap_unit": claim.gap_unit,
            })
    drafts.sort(key=lambda d: (_SEVERITY_RANK.get(d["severity"], len(_SEVERITY_RANK)), -d["amount_wan"],
                               d["line"], d["rule"], d["claim_ids"]))
    return [Finding(id=f"F{i:03d}", **d) for i, d in enumerate(drafts, 1)]


def _fmt(x: float | Fraction, places: int = 4) -> str:
    """A number for a message: at most ``places`` decimals, no trailing zeros."""
    text = f"{float(x):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _span(lo_hi: Sequence[float], unit: str) -> str:
    lo, hi = lo_hi
    if _fmt(lo) == _fmt(hi):
        return f"{_fmt(lo)}{unit}"
    sep = "–" if lo >= 0 else " to "  # "-3 to -1" reads better than "-3–-1"
    return f"{_fmt(lo)}{sep}{_fmt(hi)}{unit}"


def _unit(unit: str) -> str:
    return unit if unit in ("%", "") else f" {unit}"


def _gap_text(claim: Claim) -> str:
    if claim.gap_unit == "wording":
        return "wording contradicts the numbers"
    unit = "pp" if claim.gap_unit == "%" else claim.gap_unit  # a gap between two rates is in points
    places = 4
    if 0 < claim.gap < 0.001:  # two significant digits: a tiny gap must not print as "0"
        places = 1 - math.floor(math.log10(claim.gap))
    return f"gap {_fmt(claim.gap, places)} {unit}".rstrip()


# What each recomputed quantity was recomputed *from*, per claim kind (see checks.py).
_FROM = {
    (Kind.SUM, "total"): "sum of parts",
    (Kind.CROSS_REF, "total"): "the figure it restates",
    (Kind.SHARE, "pct"): "part / total",
    (Kind.EXECUTION, "pct"): "actual / budget",
    (Kind.YOY, "change"): "this year − last year",
    (Kind.YOY, "pct"): "change / last year",
    (Kind.BUDGET_DIFF, "change"): "actual − budget",
    (Kind.BUDGET_DIFF, "pct"): "change / budget",
}
_ROLE_NAMES = {"total": "total", "pct": "rate", "change": "change"}
_WORDS = {"inc": "增加", "dec": "减少", "flat": "持平", "greater": "greater than", "less": "less than"}


def _reported(claim: Claim, role: str) -> tuple[str, Interval] | None:
    """The printed value of ``role`` as the check compared it (signed by the wording)."""
    p = claim.number(role)
    direction = claim.words.get("direction", "")
    if p is None:
        if direction != "flat":  # "持平" states a zero change and rate without printing them
            return None
        p = Printed("0", "%" if role == "pct" else "万元")
    sign_word = claim.words.get("pct_direction", direction) if role == "pct" else direction
    signed = claim.kind in (Kind.YOY, Kind.BUDGET_DIFF) and role in ("change", "pct") and sign_word == "dec"
    iv = p.interval()
    text = f"{'-' if signed else ''}{p.text}{_unit(p.unit)}"
    return text, (-iv if signed else iv)


def _relation_text(claim: Claim, role: str, recomputed: Sequence[float]) -> tuple[str, bool]:
    """``("<what> <reported> ≠ <from> <lo–hi>", failed)`` for one recomputed quantity."""
    if role == "direction":
        return _direction_text(claim), list(recomputed) != [1.0, 1.0]
    rep = _reported(claim, role)
    if rep is None:
        return "", False
    text, iv = rep
    p = claim.number(role)
    label = (p.label if p is not None and p.label else "") or _ROLE_NAMES.get(role, role)
    rec = Interval(Fraction(min(recomputed)), Fraction(max(recomputed)))
    failed = iv.distance(rec) > _EPS
    unit = "%" if role == "pct" else " 万元"  # recomputed amounts are always in 万元
    source = _FROM.get((claim.kind, role), "recomputed")
    return f"{label} {text} {'≠' if failed else '='} {source} {_span(recomputed, unit)}", failed


def _direction_text(claim: Claim) -> str:
    says = claim.words.get("says", "")
    if says:  # a direction claim: "决算数大于/小于预算数"
        pct, actual, budget = (claim.number(r) for r in ("pct", "actual", "budget"))
        if pct is not None:
            shown = f"the rate is {pct.text}%"
        elif actual is not None and budget is not None:
            shown = f"actual {actual.text} vs budget {budget.text}{_unit(budget.unit)}"
        else:
            shown = "the numbers say otherwise"
        return f"wording says actual is {_WORDS.get(says, says)} budget, but {shown}"
    direction = claim.words.get("direction", "")
    pct_direction = claim.words.get("pct_direction", direction)
    if direction and pct_direction and {direction, pct_direction} == {"inc", "dec"}:
        return (f"the amount is said to {_WORDS[direction]} but the rate to "
                f"{_WORDS[pct_direction]}")
    cur, prior = claim.number("current"), claim.number("prior")
    if cur is not None and prior is not None:
        now, base = ("actual", "budget") if claim.kind == Kind.BUDGET_DIFF else ("this year", "last year")
        return (f"wording says {_WORDS.get(direction, direction)} but {now} {cur.text} vs {base} "
                f"{prior.text}{_unit(prior.unit)}")
    return "wording contradicts the numbers"


def _observation_message(outcome: Outcome, claim: Claim) -> str:
    """What an observation expectation saw on a claim: its reason, the observed value, the quote."""
    quote = claim.quote.strip()
    if len(quote) > _QUOTE_CHARS:
        quote = quote[:_QUOTE_CHARS] + "…"
    seen = "" if claim.observed is None else f" (observed {_fmt(claim.observed)})"
    money = f"; {claim.at_stake_wan:.2f} 万元 concerned" if claim.at_stake_wan else ""
    return f"{outcome.why}{seen}{money} — “{quote}”"


def _message(claim: Claim) -> str:
    """The reported and recomputed values, the gap and the start of the quote, on one line."""
    relations = [_relation_text(claim, role, rec) for role, rec in claim.recomputed.items()]
    failed = [text for text, bad in relations if bad and text]
    # Should the float check disagree with the exact one, show every relation rather than none.
    parts = ([claim.explanation] if claim.explanation else failed) or \
        [text for text, _ in relations if text] or [claim.note or "inconsistent"]
    quote = claim.quote.strip()
    if len(quote) > _QUOTE_CHARS:
        quote = quote[:_QUOTE_CHARS] + "…"
    tail = f" — “{quote}”" if quote else ""
    return f"{claim.kind!s}: {'; '.join(parts)} ({_gap_text(claim)}){tail}"


# --------------------------------------------------------------------------------------------
# The findings document


def summary_counts(claims: Sequence[Claim], findings: Sequence[Finding]) -> dict[str, int]:
    """The findings document's ``summary``.

    ``inconsistent`` counts the claims that cannot hold, except those judged only by
    info-severity rules (a note such as "every 定性 indicator scored full"), so the exit code
    of ``check``/``audit`` reflects errors and warnings, never a note.
    """
    severities: dict[str, set[str]] = {}
    for f in findings:
        for cid in f.claim_ids:
            severities.setdefault(cid, set()).add(f.severity)
    noted_only = {cid for cid, sev in severities.items() if sev == {"info"}}
    return {
        "claims": len(claims),
        "inconsistent": sum(c.verdict == Verdict.INCONSISTENT and c.id not in noted_only for c in claims),
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
        "uncheckable": sum(c.verdict == Verdict.UNCHECKABLE for c in claims),
    }


def findings_document(*, department: dict[str, Any], source: dict[str, Any], tool: dict[str, Any],
                      claims: Sequence[Claim], findings: Sequence[Finding]) -> dict[str, Any]:
    """The ``juesuan/findings/1`` document of interface.md, keys in the documented order."""
    return {
        "schema": SCHEMA_ID,
        "department": dict(department),
        "source": dict(source),
        "tool": dict(tool),
        "claims": [c.to_dict() for c in claims],
        "findings": [f.to_dict() for f in findings],
        "summary": summary_counts(claims, findings),
    }


@cache
def _validator() -> Any:
    # jsonschema is imported here: with format checkers it costs ~1 s (tooling-notes §1.1).
    from jsonschema import Draft202012Validator

    schema = json.loads((resources.files("juesuan") / "schemas" / "findings-1.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate_document(doc: dict[str, Any]) -> None:
    """Check ``doc`` against ``schemas/findings-1.json``; ValueError names the first problem."""
    errors = sorted(_validator().iter_errors(doc), key=lambda e: (e.json_path, e.message))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ValueError(f"findings document does not match {SCHEMA_ID} at {first.json_path}: "
                         f"{first.message}{more}")


#: What a spreadsheet takes for the start of a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert_cell(value: Any) -> Any:
    """A text cell that would start a formula in a spreadsheet gets a leading apostrophe.

    Spreadsheets show the apostrophe-prefixed text as text; findings.json keeps the exact text.
    Numbers (a negative gap) are left alone: they are values, not formulas.
    """
    return f"'{value}" if isinstance(value, str) and value.startswith(_FORMULA_START) else value


def _csv_text(findings: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    # "\n" rather than csv's default "\r\n": the same bytes on every platform and in git.
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for f in findings:
        row = {k: _inert_cell(v) for k, v in f.items()}
        writer.writerow({**row, "claim_ids": ";".join(f.get("claim_ids", []))})
    return buf.getvalue()


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` so readers see the old file or the new one, never half."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temp file in the same folder (os.replace is atomic only within one file system).
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file owner-only; reports are meant to be read by others too.
        os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_findings(doc: dict[str, Any], out_dir: str | os.PathLike[str]) -> None:
    """Write ``findings.json`` and ``findings.csv`` into ``out_dir`` (created), atomically.

    Same document → same bytes: UTF-8, keys in document order, two-space indent, a trailing
    newline. NaN is refused rather than written as invalid JSON.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False) + "\n"
    atomic_write_text(out / "findings.json", text)
    atomic_write_text(out / "findings.csv", _csv_text(doc.get("findings", [])))
