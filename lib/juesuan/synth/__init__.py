"""Synthetic departments with injected faults: disclosures whose truth is known (issue 5).

``synthesize(n, outdir, seed=0, faults=0.3)`` writes, for each of ``n`` departments:

* ``params/<id>.yaml`` — a params file ``juesuan audit`` / ``batch`` accept;
* ``data/<id>/<year>.<ext>`` — the disclosure in the seed's template, in a random publication
  variant (.txt UTF-8/GBK or .docx; simplified or traditional; 万元 or 元; PDF-like line breaks;
  tables one cell per line or ``" | "``-joined);
* ``truth/<id>.json`` — the variant, the accounts, every claim the text asserts (rule, line,
  the model's numbers and the printed ones) and every injected fault (kind, rule, the line it
  lands on, the lines of the claim it breaks, the numbers before and after).

A department is faulty with probability ``faults``; a faulty one gets one to three faults of
distinct kinds (:data:`FAULT_KINDS`) at independent claims. The same ``seed`` always writes the
same bytes.

The pieces: :mod:`.model` (the accounts, drawn from ``random.Random``), :mod:`.render` (model →
text, with the claims it asserts), :mod:`.faults` (the sites and overrides).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict
from pathlib import Path

from .faults import FAULT_KINDS, Fault, choose_faults
from .model import Department, generate
from .render import Rendered, Variant, draw_variant, render

__all__ = ["FAULT_KINDS", "TRUTH_SCHEMA", "Synthetic", "dumps_truth", "figures", "make_department", "synthesize",
           "truth_document"]

#: The ``schema`` value of every truth file.
TRUTH_SCHEMA = "juesuan/synth-truth/1"


class Synthetic:
    """One generated department: its accounts, publication variant, rendering and faults."""

    def __init__(self, model: Department, variant: Variant, rendered: Rendered, faults: list[Fault],
                 seed: int) -> None:
        self.model = model
        self.variant = variant
        self.rendered = rendered
        self.faults = faults
        self.seed = seed

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def data_name(self) -> str:
        return f"{self.model.year}.{self.variant.ext}"


def make_department(seed: int, index: int, faults: float = 0.3, year: int = 2024) -> Synthetic:
    """Department number ``index`` of the batch drawn with ``seed``."""
    rng_model = random.Random(f"juesuan-synth/{seed}/{index}/model")
    rng_variant = random.Random(f"juesuan-synth/{seed}/{index}/variant")
    rng_faults = random.Random(f"juesuan-synth/{seed}/{index}/faults")
    model = generate(rng_model, index, year)
    variant = draw_variant(rng_variant)
    clean = render(model, variant)
    chosen: list[Fault] = []
    if rng_faults.random() < faults:
        chosen = choose_faults(clean, model, rng_faults, rng_faults.randint(1, 3))
    if not chosen:
        return Synthetic(model, variant, clean, [], seed)
    overrides: dict[str, object] = {}
    for f in chosen:
        overrides.update(f.overrides)
    return Synthetic(model, variant, render(model, variant, overrides), chosen, seed)


def _number(text: str) -> float | str:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text


def _resolve(r: Rendered, value: str | list[str], what: str) -> object:
    if isinstance(value, list):
        return [_resolve(r, v, what) for v in value]
    if what == "printed":
        return _number(r.printed[value]) if value in r.printed else None
    if what == "line":
        return r.anchor_lines.get(value)
    if what == "row":
        return r.row_lines.get(value)
    return r.true.get(value)


def _claims(r: Rendered, faults: list[Fault]) -> list[dict[str, object]]:
    broken = {f.claim: f.kind for f in faults}
    out = []
    for c in r.claims:
        lines_by_role = {role: _resolve(r, keys, "line") for role, keys in c.roles.items()}
        rows_by_role = {role: _resolve(r, keys, "row") for role, keys in c.roles.items()}
        flat: list[int] = []
        for v in [*lines_by_role.values(), *rows_by_role.values()]:
            flat.extend(v if isinstance(v, list) else [v])  # type: ignore[arg-type]
        # a word the claim rests on (the grade after a score) may be printed a line further down
        flat.extend(r.anchor_lines[w] for w in c.words.values() if w in r.anchor_lines)
        main = rows_by_role[c.line_role] if rows_by_role[c.line_role] not in (None, [None]) else \
            lines_by_role[c.line_role]
        out.append({
            "id": c.id, "kind": c.kind, "rule": c.rule, "section": c.section,
            "line": main[-1] if isinstance(main, list) else main,
            "lines": sorted({x for x in flat if x is not None}),
            "reported": {role: _resolve(r, keys, "printed") for role, keys in c.roles.items()},
            "true": {role: _resolve(r, keys, "true") for role, keys in c.roles.items()},
            "units": {role: r.units.get(keys[0] if isinstance(keys, list) and keys else keys, "")  # type: ignore[arg-type]
                      for role, keys in c.roles.items()},
            "words": {k: v for k, v in c.words.items() if not k.startswith("dir") and k != "word"},
            "fault": broken.get(c.id),
        })
    return out


def _faults(r: Rendered, faults: list[Fault], claims: list[dict[str, object]]) -> list[dict[str, object]]:
    by_id = {c["id"]: c for c in claims}
    out = []
    for f in faults:
        claim = by_id[f.claim]
        changes = [{"key": k, "line": r.anchor_lines.get(k), "printed_before": before, "printed_after": after}
                   for k, before, after in f.changes]
        out.append({
            "kind": f.kind, "rule": f.rule, "what": FAULT_KINDS[f.kind], "claim": f.claim,
            "line": changes[0]["line"],
            "claim_line": claim["line"],
            "lines": sorted({claim["line"], *(ch["line"] for ch in changes if ch["line"])}),  # type: ignore[misc]
            "changes": changes, "description": f.description,
        })
    return out


def _wan(v: int) -> float:
    return round(v / 100, 2)


def figures(d: Department) -> dict[str, object]:
    """The model's typed figures in 万元 (what extraction should recover from a clean disclosure)."""
    s, p, v = d.sangong, d.procurement, d.vehicles
    from .model import VEHICLE_CATEGORIES, ratio_pct

    return {
        "totals": {"total": _wan(d.total), "income": _wan(d.income), "expenditure": _wan(d.expenditure),
                   "carry_start": _wan(d.carry_start), "carry_end": _wan(d.carry_end),
                   "fiscal_total": _wan(d.fiscal_total), "fiscal_spending": _wan(d.fiscal_spending),
                   "fiscal_budget": _wan(d.fiscal_budget), "basic": _wan(d.basic_all), "project": _wan(d.project_total)},
        "functional": [{"code": i.code, "class": c.name, "kuan": i.kuan, "xiang": i.name, "budget": _wan(i.budget),
                        "actual": _wan(i.actual)} for c in d.functional for i in c.items],
        "economic": [{"group": g, "code": i.code, "item": i.name, "amount": _wan(i.amount)}
                     for g, items in (("人员经费", d.personnel), ("公用经费", d.public)) for i in items],
        "basic": {"basic": _wan(d.basic_fiscal), "personnel": _wan(d.personnel_total), "public": _wan(d.public_total),
                  "running_costs": _wan(d.running_costs)},
        "sangong": {"total_budget": _wan(s.total_budget), "total_actual": _wan(s.total),
                    "abroad_budget": _wan(s.abroad_budget), "abroad_actual": _wan(s.abroad),
                    "vehicle_budget": _wan(s.car_budget), "vehicle_actual": _wan(s.car),
                    "reception_budget": _wan(s.reception_budget), "reception_actual": _wan(s.reception),
                    "vehicle_stock": s.car_stock, "vehicle_running": _wan(s.car_run)},
        "procurement": {"total": _wan(p.total), "goods": _wan(p.goods), "works": _wan(p.works),
                        "services": _wan(p.services), "sme": _wan(p.sme), "small": _wan(p.small),
                        **{f"sme_share_{k}": float(ratio_pct(sme, a) or 0) for k, a, sme in
                           (("goods", p.goods, p.sme_goods), ("works", p.works, p.sme_works),
                            ("services", p.services, p.sme_services))}},
        "vehicles": {"total": v.total, **dict(zip(VEHICLE_CATEGORIES, v.counts))},
        "projects": [{"name": f"{q.name}项目", "budget_initial": _wan(q.budget_initial), "budget": _wan(q.budget),
                      "actual": _wan(q.actual), "execution_rate": float(q.rate),
                      "execution_score": float(q.execution_score), "total": float(q.total),
                      "indicators": [{"name": i.name, "nature": i.nature, "target": i.target, "actual": i.actual,
                                      "unit": i.unit, "weight": float(i.weight), "score": float(i.score)}
                                     for i in q.indicators]} for q in d.projects],
    }


def truth_document(s: Synthetic, source: str, data: bytes, faults_rate: float) -> dict[str, object]:
    """The truth file of one synthetic department."""
    claims = _claims(s.rendered, s.faults)
    return {
        "schema": TRUTH_SCHEMA,
        "department": {"id": s.model.id, "name": s.model.name, "year": s.model.year},
        "generator": {"seed": s.seed, "faults_rate": faults_rate},
        "source": {"path": source, "sha256": hashlib.sha256(data).hexdigest(), "lines": len(s.rendered.lines)},
        "variant": s.variant.to_dict(),
        "clean": not s.faults,
        "faults": _faults(s.rendered, s.faults, claims),
        "claims": claims,
        "figures": figures(s.model),
        "model": asdict(s.model),
    }


def dumps_truth(doc: dict[str, object]) -> str:
    """The truth as JSON text: one top-level key per line, one list entry (a claim, a fault) per line."""
    def compact(v: object) -> str:
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"))

    out = ["{"]
    items = list(doc.items())
    for i, (k, v) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if isinstance(v, list) and v:
            out.append(f" {compact(k)}: [")
            out.extend(f"  {compact(x)}{',' if j < len(v) - 1 else ''}" for j, x in enumerate(v))
            out.append(f" ]{comma}")
        else:
            out.append(f" {compact(k)}: {compact(v)}{comma}")
    out.append("}")
    return "\n".join(out) + "\n"


def _params_yaml(s: Synthetic) -> str:
    return (f"department_id: {s.id}\n"
            f"department_name: {s.model.name}\n"
            f"year: {s.model.year}\n"
            f"source: ../data/{s.id}/{s.data_name}\n"
            "prior_source: null\n"
            "materiality: {amount_wan: 10.0, share_pct: 10.0}\n")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def synthesize(n: int, outdir: str | Path, seed: int = 0, faults: float = 0.3) -> list[Path]:
    """Generate ``n`` departments under ``outdir``; return their params files, in order.

    ``faults`` is the share of departments that get injected faults (0 to 1).
    """
    if n < 0:
        raise ValueError("the number of departments must be ≥ 0")
    if not 0 <= faults <= 1:
        raise ValueError("faults must be a rate between 0 and 1")
    out = Path(outdir)
    paths = []
    for index in range(1, n + 1):
        s = make_department(seed, index, faults)
        data = s.rendered.data()
        source = f"data/{s.id}/{s.data_name}"
        _write(out / source, data)
        truth = truth_document(s, source, data, faults)
        _write(out / "truth" / f"{s.id}.json", dumps_truth(truth).encode("utf-8"))
        params = out / "params" / f"{s.id}.yaml"
        _write(params, _params_yaml(s).encode("utf-8"))
        paths.append(params)
    return paths
