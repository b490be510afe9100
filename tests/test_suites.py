"""Suites load strictly, carry their meta, and report exactly the rows that break them."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from juesuan import suites
from juesuan.errors import InputError

ARITHMETIC_KINDS = ("sum", "share", "yoy", "execution", "budget_diff", "direction", "cross_ref")


def _arithmetic() -> dict:
    return json.loads(suites.suite_paths()["arithmetic"].read_text(encoding="utf-8"))


def _write(tmp_path: Path, doc: dict, name: str = "mutant") -> Path:
    doc = {**doc, "name": name}
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["claim_id", "rule", "gap"])
    frame["observed"] = float("nan")  # the column observation expectations read (reconciliation_frame)
    return frame


@pytest.mark.parametrize("name", sorted(suites.suite_paths()))
def test_every_suite_loads_strictly_with_meta(name):
    path = suites.suite_paths()[name]
    raw = json.loads(path.read_text(encoding="utf-8"))["expectations"]
    suite = suites.load_suite(path)
    assert len(suite.expectations) == len(raw)
    for exp in suite.expectations:
        assert set(suites.REQUIRED_META) <= set(exp.meta)
        assert exp.meta["severity"] in suites.SEVERITIES
        assert exp.meta["why"].strip()
        assert exp.id, "pin an id so results are reproducible"


def test_arithmetic_suite_covers_every_arithmetic_kind():
    exps = _arithmetic()["expectations"]
    assert [e["meta"]["check_id"] for e in exps] == [f"arithmetic.{k}" for k in ARITHMETIC_KINDS]
    for e in exps:
        rule = e["meta"]["check_id"]
        assert e["kwargs"]["row_condition"] == {"type": "comparison", "column": {"name": "rule"},
                                                "operator": "==", "parameter": rule}
        assert (e["kwargs"]["min_value"], e["kwargs"]["max_value"]) == (0, 0)
        expected = "error" if rule in ("arithmetic.sum", "arithmetic.cross_ref") else "warning"
        assert e["meta"]["severity"] == expected


def test_suite_hashes_are_sha256_of_the_files():
    hashes = suites.suite_hashes()
    assert set(hashes) == set(suites.suite_paths())
    assert all(len(h) == 64 for h in hashes.values())


@pytest.mark.parametrize(
    ("mutate", "says"),
    [
        (lambda e: e.update(type="expect_column_values_to_be_betwen"), "unknown expectation type"),
        (lambda e: e["kwargs"].update(mostlyy=0.5), "bad kwargs"),
        (lambda e: e["meta"].pop("why"), "meta is missing why"),
        (lambda e: e["meta"].pop("check_id"), "meta is missing check_id"),
        (lambda e: e["meta"].update(severity="critical"), "severity 'critical'"),
    ],
    ids=["unknown-type", "bad-kwarg", "no-why", "no-check-id", "bad-severity"],
)
def test_a_broken_expectation_raises_instead_of_being_dropped(tmp_path, mutate, says):
    doc = copy.deepcopy(_arithmetic())
    mutate(doc["expectations"][2])
    path = _write(tmp_path, doc)
    with pytest.raises(InputError, match=says) as info:
        suites.load_suite(path)
    assert info.value.path == str(path)
    assert "expectation #3" in info.value.problem


def test_bad_json_raises_with_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"name": "broken",\n "expectations": [}', encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON") as info:
        suites.load_suite(path)
    assert info.value.line == 2


def test_name_must_match_the_file(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps(_arithmetic()), encoding="utf-8")
    with pytest.raises(InputError, match="differs from the file name"):
        suites.load_suite(path)


def test_expectations_without_ids_get_stable_ones(tmp_path):
    doc = copy.deepcopy(_arithmetic())
    for e in doc["expectations"]:
        del e["id"]
    path = _write(tmp_path, doc)
    first = [e.id for e in suites.load_suite(path).expectations]
    assert first == [e.id for e in suites.load_suite(path).expectations]
    assert len(set(first)) == len(first)


def test_validate_names_exactly_the_inconsistent_claim():
    frame = _frame([("C0001", "arithmetic.sum", 0.02), ("C0002", "arithmetic.share", 0.0)])
    outcomes = {o.check_id: o for o in suites.validate(frame)}
    assert set(outcomes) >= {f"arithmetic.{k}" for k in ARITHMETIC_KINDS}
    failed = {o.check_id: o.unexpected_claim_ids for o in outcomes.values() if not o.success}
    assert failed == {"arithmetic.sum": ("C0001",)}
    assert outcomes["arithmetic.sum"].severity == "error"
    assert outcomes["arithmetic.sum"].status == "failed"
    assert outcomes["arithmetic.share"].element_count == 1
    assert outcomes["arithmetic.share"].status == "passed"
    assert all(o.error is None for o in outcomes.values())


def test_uncheckable_rows_are_never_unexpected():
    frame = _frame([("C0001", "arithmetic.sum", math.nan), ("C0002", "arithmetic.yoy", math.nan),
                    ("C0003", "arithmetic.yoy", 0.0)])
    outcomes = suites.validate(frame)
    assert all(o.success and not o.unexpected_claim_ids for o in outcomes)


def test_outcomes_follow_the_suite_file_order():
    outcomes = suites.validate(_frame([]))
    assert [o.check_id for o in outcomes if o.suite == "arithmetic"] == [
        f"arithmetic.{k}" for k in ARITHMETIC_KINDS]


def test_an_expectation_that_raises_is_an_errored_outcome():
    # Without a gap column every expectation raises inside GX: "check errored", not "data failed".
    outcomes = suites.validate(pd.DataFrame({"claim_id": ["C0001"], "rule": ["arithmetic.sum"]}))
    assert outcomes
    assert all(o.status == "errored" and not o.success for o in outcomes)
    assert all("gap" in (o.error or "") or "observed" in (o.error or "") for o in outcomes)


def test_frame_without_claim_ids_is_refused():
    with pytest.raises(ValueError, match="claim_id"):
        suites.validate(pd.DataFrame({"rule": ["arithmetic.sum"], "gap": [0.0]}))


def test_no_suites_at_all_is_an_error_not_a_clean_audit(tmp_path, monkeypatch):
    monkeypatch.setattr(suites, "_expectations_dir", lambda: tmp_path)
    with pytest.raises(InputError, match="no suites found"):
        suites.validate(_frame([("C0001", "arithmetic.sum", 0.0)]))


def test_every_rule_the_extractor_emits_is_judged_by_a_suite():
    """A claim whose rule no suite covers would never become a finding: fail loudly instead."""
    import re
    from pathlib import Path

    src = Path(suites.__file__).parent
    emitted = set()
    for py in src.rglob("*.py"):
        emitted |= set(re.findall(r'rule=f?"((?:arithmetic|structure|cross_reference|variance|performance|'
                                  r'completeness|wording)\.[a-z_]+)"', py.read_text(encoding="utf-8")))
    emitted |= {f"arithmetic.{k}" for k in ARITHMETIC_KINDS}
    covered = {e.meta["check_id"] for p in suites.suite_paths().values() for e in suites.load_suite(p).expectations}
    assert emitted, "no rule ids found in the sources"
    assert emitted <= covered, f"rules with no expectation: {sorted(emitted - covered)}"


def test_the_two_pass_run_equals_a_complete_run_of_every_suite(tmp_path):
    """validate()'s shortcuts (BOOLEAN_ONLY first, empty conditions skipped) change no outcome."""
    from juesuan.audit import audit_document
    from juesuan.findings import reconciliation_frame
    from juesuan.params import load_params
    from juesuan.synth import synthesize

    engine = suites._engine()
    frames = [reconciliation_frame(audit_document(load_params(p)).claims)
              for p in synthesize(4, tmp_path, seed=11, faults=1.0)]
    frames.append(_frame([("C0001", "arithmetic.sum", 0.5), ("C0002", "arithmetic.yoy", math.nan)]))
    failed = 0
    for frame in frames:
        batch = engine.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        reference = []
        for suite in engine.suites():
            result = batch.validate(suite, result_format=suites._RESULT_FORMAT,
                                    expectation_parameters=suites._parameters(None)).to_json_dict()
            by_id = {r["expectation_config"]["id"]: r for r in result["results"]}
            reference += [suites._outcome(suite.name, e.meta, by_id[e.id]) for e in suite.expectations]
        assert suites.validate(frame) == reference
        failed += sum(not o.success for o in reference)
    assert failed >= 4, "the comparison must include failing expectations"
