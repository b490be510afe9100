"""Synthetic departments (issue 5): every injected fault is caught, clean ones raise no alarm,
and extraction recovers the model's figures — over 200 departments of a fixed seed.

The 200 departments are generated once per module in a temporary folder and each is read,
extracted and checked once. The suites run once over the claims of all of them (claim ids are
prefixed with the department id): every expectation is row-wise, so a claim's outcome does not
depend on the other rows, and one validation costs what one department's does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from juesuan import suites
from juesuan.checks import check_claims
from juesuan.extract import extract
from juesuan.findings import build_findings, reconciliation_frame
from juesuan.ingest import read_document
from juesuan.suites import Outcome
from juesuan.synth import FAULT_KINDS, synthesize

N = 200
SEED = 20240
RATE = 0.5


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """id → {truth, extraction, findings} for N departments."""
    out = tmp_path_factory.mktemp("synth")
    params = synthesize(N, out, seed=SEED, faults=RATE)
    assert len(params) == N
    depts: dict[str, dict] = {}
    frames = []
    for p in params:
        did = p.stem
        truth = json.loads((out / "truth" / f"{did}.json").read_text(encoding="utf-8"))
        ex = extract(read_document(out / truth["source"]["path"]))
        claims = check_claims(ex.claims)
        for c in claims:
            c.id = f"{did}:{c.id}"
        frames.append(reconciliation_frame(claims))
        depts[did] = {"truth": truth, "extraction": ex, "claims": claims}
    outcomes = suites.validate(pd.concat(frames, ignore_index=True))
    for did, d in depts.items():
        prefix = did + ":"
        mine = [Outcome(o.suite, o.check_id, o.severity, o.why,
                        o.success or not any(i.startswith(prefix) for i in o.unexpected_claim_ids),
                        o.element_count, tuple(i for i in o.unexpected_claim_ids if i.startswith(prefix)), o.error)
                for o in outcomes]
        d["findings"] = build_findings(d["claims"], mine)
    return depts


def _faults(batch: dict[str, dict]) -> list[tuple[str, dict]]:
    return [(did, f) for did, d in batch.items() for f in d["truth"]["faults"]]


def test_the_batch_has_every_fault_kind_and_variant(batch):
    kinds = Counter(f["kind"] for _, f in _faults(batch))
    assert set(kinds) == set(FAULT_KINDS), kinds
    clean = [d for d in batch.values() if d["truth"]["clean"]]
    assert N * 0.3 < len(clean) < N * 0.7
    variants = [d["truth"]["variant"] for d in batch.values()]
    for key, value in (("fmt", "docx"), ("fmt", "txt"), ("encoding", "gbk"), ("script", "traditional"),
                       ("unit", "元"), ("thousands", True), ("pdf_breaks", True), ("table_layout", "cells"),
                       ("table_layout", "pipe")):
        assert any(v[key] == value for v in variants), (key, value)


def test_every_injected_fault_is_found_by_its_rule(batch):
    missed = []
    for did, f in _faults(batch):
        hits = [x for x in batch[did]["findings"] if x.rule == f["rule"] and x.line in f["lines"]]
        if not hits:
            missed.append((did, f["kind"], f["rule"], f["lines"], f["description"]))
    total = len(_faults(batch))
    assert total > 100
    assert not missed, f"recall {1 - len(missed) / total:.1%}: {missed[:5]}"


def test_clean_departments_raise_no_error(batch):
    alarms = [(did, f.rule, f.line, f.message) for did, d in batch.items() if d["truth"]["clean"]
              for f in d["findings"] if f.severity == "error"]
    assert not alarms, alarms[:5]


def test_clean_departments_raise_no_warning_but_observations(batch):
    """Observations (execution below the threshold, a budget cut to reach 100%) are true of the
    model; any other warning on a clean department is a misreading."""
    alarms = [(did, f.rule, f.line, f.message) for did, d in batch.items() if d["truth"]["clean"]
              for f in d["findings"] if f.severity == "warning" and not f.rule.startswith("observation.")]
    assert not alarms, alarms[:5]


def _numbers(reported: dict) -> list[float]:
    out: list[float] = []
    for v in reported.values():
        for x in v if isinstance(v, list) else [v]:
            if isinstance(x, (int, float)) and not isinstance(x, bool):
                out.append(round(float(x), 4))
    return sorted(out)


def test_every_claim_of_a_clean_department_is_extracted(batch):
    """Round trip: each claim the model asserts is read back with its printed numbers, on its line.

    Performance claims carry more numbers when read (weights, caps, the funds block): for them the
    model's numbers must be among the ones read."""
    unmatched = []
    for did, d in batch.items():
        if not d["truth"]["clean"]:
            continue
        by_rule: dict[str, list] = {}
        for c in d["extraction"].claims:
            by_rule.setdefault(c.rule, []).append(c)
        used: set[int] = set()
        for t in d["truth"]["claims"]:
            want = _numbers(t["reported"])
            lo, hi = min(t["lines"]) - 1, max(t["lines"])  # a PDF break may put a sentence's start a line up
            found = None
            for c in by_rule.get(t["rule"], []):
                if id(c) in used or not lo <= c.line <= hi:
                    continue
                got = _numbers(c.reported())
                ok = not (Counter(want) - Counter(got)) if t["rule"].startswith("performance.") else got == want
                if ok:
                    found = c
                    break
            if found is None:
                unmatched.append((did, t["id"], t["rule"], t["line"], t["reported"]))
            else:
                used.add(id(found))
    assert not unmatched, unmatched[:5]


def _norm(s: str) -> str:
    return s.replace("（", "(").replace("）", ")")


def test_extraction_recovers_the_model_figures(batch):
    """Functional lines, economic items, basic spending, “三公”, procurement, vehicles and every
    self-evaluation table (funds, scores, indicators) equal the model's (clean departments)."""
    checked = 0
    for did, d in batch.items():
        truth = d["truth"]
        if not truth["clean"]:
            continue
        checked += 1
        fig, ex = truth["figures"], d["extraction"]
        tpl = ex.template

        def wan(p):
            return round(float(p.interval().mid), 2) if p is not None else None

        got = [(r["class"], r["xiang"], round(r["budget_wan"], 2), round(r["actual_wan"], 2))
               for r in ex.functional_frame().to_dict("records")]
        assert got == [(f["class"], _norm(f["xiang"]), f["budget"], f["actual"]) for f in fig["functional"]], did
        got = [(r["group"], r["item"], round(r["amount_wan"], 2)) for r in ex.economic_frame().to_dict("records")]
        assert got == [(e["group"], _norm(e["item"]), e["amount"]) for e in fig["economic"]], did
        assert {k: wan(tpl.econ.get(k)) for k in fig["basic"]} == fig["basic"], did
        pr = fig["procurement"]
        assert {k: wan(tpl.procurement.get(k)) for k in ("total", "goods", "works", "services", "sme", "small")} == \
            {k: pr[k] for k in ("total", "goods", "works", "services", "sme", "small")}, did
        assert {k: tpl.procurement[f"sme_share_{k}"].value for k in ("goods", "works", "services")} == \
            {k: pr[f"sme_share_{k}"] for k in ("goods", "works", "services")}, did
        veh = {_norm(k): v for k, v in fig["vehicles"].items()}
        assert {k: int(p.value) for k, p in tpl.vehicles.items()} == veh, did
        sg = fig["sangong"]
        keys = {"total_budget": "total_budget", "total_actual": "total_actual", "abroad_budget": "abroad_budget",
                "abroad_actual": "abroad_actual", "vehicle_budget": "vehicle_budget",
                "vehicle_actual": "vehicle_actual", "reception_budget": "reception_budget",
                "reception_actual": "reception_actual", "vehicle_running": "vehicle_running"}
        assert {k: wan(tpl.sangong.get(k)) for k in keys} == {k: sg[v] for k, v in keys.items()}, did
        assert tpl.sangong["vehicle_stock"].value == sg["vehicle_stock"], did
        scale = 10_000 if truth["variant"]["unit"] == "元" else 1
        got = [(r["project"], round(r["budget"] / scale, 2), round(r["actual"] / scale, 2), r["execution_rate_pct"],
                r["execution_score"], r["total_score"], r["narrative_score"], r["n_indicators"])
               for r in ex.performance.projects_frame().to_dict("records")]
        assert got == [(p["name"], p["budget"], p["actual"], p["execution_rate"], p["execution_score"], p["total"],
                        p["total"], len(p["indicators"])) for p in fig["projects"]], did
        got = [(r["level3"], r["nature"], r["weight"], r["score"])
               for r in ex.performance.indicators_frame().to_dict("records")]
        assert got == [(i["name"], i["nature"], i["weight"], i["score"]) for p in fig["projects"]
                       for i in p["indicators"]], did
        income = ex.composition("收入")
        assert round(float(income["amount_wan"].sum()), 2) == fig["totals"]["income"], did
    assert checked > N * 0.3


def test_same_seed_same_files(tmp_path: Path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synthesize(12, a, seed=5, faults=0.5)
    synthesize(12, b, seed=5, faults=0.5)
    synthesize(12, c, seed=6, faults=0.5)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert len(files) == 36
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert any((a / rel).read_bytes() != (c / rel).read_bytes() for rel in files if (c / rel).exists())


def test_a_pdf_break_after_the_item_or_the_list_intro_is_still_read(tmp_path: Path):
    """template.py: a line broken right after "（项）。" or "主要包括：" (joined with a newline)."""
    text = ("五、一般公共预算财政拨款支出决算情况说明\n"
            "（一）一般公共服务支出（类）\n"
            "一般公共服务支出（类）决算数为 30.00万元，与年初预算相比减少5.00万元。其中：\n"
            "1.财政事务（款）行政运行（项）。\n"
            "年初预算35.00万元，支出决算30.00万元，完成年初预算的85.71%。\n"
            "六、一般公共预算财政拨款基本支出决算情况说明\n"
            "本部门2024年度一般公共预算财政拨款基本支出决算 30.00万元，其中：\n"
            "（一）人员经费 20.00万元。主要包括：\n"
            "基本工资12.00万元、津贴补贴8.00万元。\n"
            "（二）公用经费 10.00万元。主要包括：办公费10.00万元。\n")
    f = tmp_path / "d.txt"
    f.write_text(text, encoding="utf-8")
    ex = extract(read_document(f))
    assert [(r["xiang"], r["budget_wan"], r["actual_wan"]) for r in ex.functional_frame().to_dict("records")] == \
        [("行政运行", 35.0, 30.0)]
    assert [(r["item"], r["amount_wan"]) for r in ex.economic_frame().to_dict("records")] == \
        [("基本工资", 12.0), ("津贴补贴", 8.0), ("办公费", 10.0)]


def _juesuan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "juesuan.cli", *args], check=False, capture_output=True, text=True,
                          timeout=300)


def test_cli_writes_params_data_and_truth(tmp_path: Path):
    from juesuan.audit import audit_document
    from juesuan.params import load_params

    out = tmp_path / "x"
    p = _juesuan("synth", "3", str(out), "--seed", "3", "--faults", "1")
    assert p.returncode == 0, p.stderr
    assert "3 departments" in p.stdout
    ids = sorted(q.stem for q in (out / "params").glob("*.yaml"))
    assert ids == ["synth-0001", "synth-0002", "synth-0003"]
    truth = json.loads((out / "truth" / "synth-0001.json").read_text(encoding="utf-8"))
    assert truth["schema"] == "juesuan/synth-truth/1" and truth["faults"]
    # the params file is one `juesuan audit` accepts, and the library path finds the faults
    result = audit_document(load_params(out / "params" / "synth-0001.yaml"))
    for f in truth["faults"]:
        assert any(x.rule == f["rule"] and x.line in f["lines"] for x in result.findings), f


@pytest.mark.parametrize("args, needle", [
    (["synth", "many", "OUT"], "N must be"),
    (["synth", "2", "OUT", "--faults", "1.5"], "--faults"),
    (["synth", "2", "OUT", "--seed", "x"], "--seed"),
    (["synth", "2", "FILE"], "not a folder"),
])
def test_cli_bad_arguments_are_one_line(tmp_path: Path, args: list[str], needle: str):
    (tmp_path / "FILE").write_text("x", encoding="utf-8")
    args = [a.replace("OUT", str(tmp_path / "out")).replace("FILE", str(tmp_path / "FILE")) for a in args]
    p = _juesuan(*args)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], p.stderr
    assert not (tmp_path / "out").exists()
