"""The figures document (``juesuan extract -o figures.json``): what was read, before judging.

An auditor can correct a misread number in this file and audit from it instead of the text
(params key ``figures``). Every claim keeps its numbers exactly as printed — text, unit, line
and the words before them — so the checks run on the corrected file exactly as on the text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .claims import Claim, Kind, Printed
from .errors import InputError

__all__ = ["SCHEMA_ID", "figures_document", "load_figures_claims"]

SCHEMA_ID = "juesuan/figures/1"


def _printed_dict(p: Printed) -> dict[str, Any]:
    return {"text": p.text, "unit": p.unit, "line": p.line, "label": p.label}


def _claim_dict(c: Claim) -> dict[str, Any]:
    return {
        "kind": str(c.kind), "rule": c.rule, "section": c.section, "line": c.line, "quote": c.quote,
        "numbers": {role: [_printed_dict(p) for p in v] if isinstance(v, list) else _printed_dict(v)
                    for role, v in c.numbers.items()},
        "words": dict(c.words),
    }


def figures_document(source: dict[str, Any], claims: list[Claim], tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The figures document: source, every claim with its printed numbers, and the typed tables."""
    return {"schema": SCHEMA_ID, "source": source, "claims": [_claim_dict(c) for c in claims], "tables": tables}


def _printed(path: str, where: str, d: Any) -> Printed:
    if not isinstance(d, dict) or not isinstance(d.get("text"), str):
        raise InputError(f"{where}: a number must be an object with a 'text' string", path=path)
    try:
        float(d["text"])
    except ValueError:
        raise InputError(f"{where}: '{d['text']}' is not a number", path=path,
                         hint="write the number as printed, e.g. \"885.90\"") from None
    return Printed(d["text"], str(d.get("unit", "")), int(d.get("line", 0)), str(d.get("label", "")))


def load_figures_claims(path: str | Path) -> tuple[dict[str, Any], list[Claim]]:
    """Read a (possibly hand-corrected) figures document back into claims."""
    p = str(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such figures file", path=p) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"not valid JSON: {getattr(exc, 'msg', exc)}", path=p, line=line) from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA_ID:
        raise InputError(f"not a figures document (schema must be {SCHEMA_ID})", path=p,
                         hint="write one with `juesuan extract FILE -o figures.json`")
    claims = []
    for i, c in enumerate(doc.get("claims", []), 1):
        where = f"claims[{i}]"
        try:
            kind = Kind(c["kind"])
        except (KeyError, ValueError, TypeError):
            raise InputError(f"{where}: unknown claim kind {c.get('kind')!r}", path=p,
                             hint="kinds: " + ", ".join(k.value for k in Kind)) from None
        numbers: dict[str, Printed | list[Printed]] = {}
        for role, v in (c.get("numbers") or {}).items():
            numbers[role] = [_printed(p, f"{where}.{role}", x) for x in v] if isinstance(v, list) \
                else _printed(p, f"{where}.{role}", v)
        claims.append(Claim(kind, str(c.get("section", "")), int(c.get("line", 0)), str(c.get("quote", "")),
                            numbers, {str(k): str(v) for k, v in (c.get("words") or {}).items()},
                            rule=str(c.get("rule") or f"arithmetic.{kind}")))
    return doc.get("source", {}), claims
