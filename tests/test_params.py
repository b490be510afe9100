"""Params: documented defaults, judgement calls that reach the checks, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from juesuan.errors import InputError
from juesuan.params import Thresholds, load_params

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "songshan-gov-office" / "2024.txt"


def _params(tmp_path: Path, extra: str = "") -> Path:
    p = tmp_path / "p.yaml"
    p.write_text(f"department_id: seed\ndepartment_name: 松山\nyear: 2024\nsource: {SEED}\n{extra}", encoding="utf-8")
    return p


def test_defaults_are_the_documented_ones(tmp_path):
    params = load_params(_params(tmp_path))
    assert params.thresholds == Thresholds()
    assert (params.thresholds.execution_low_pct, params.thresholds.target_too_low_ratio,
            params.thresholds.reverse_formula) == (80.0, 1.5, "ratio")
    assert (params.materiality.amount_wan, params.materiality.share_pct) == (10.0, 10.0)
    assert "execution_low_pct" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("extra, needle", [
    ("thresholds: {execution_low_pct: 120}\n", "execution_low_pct"),
    ("thresholds: {reverse_formula: guess}\n", "reverse_formula"),
    ("thresholds: {target_too_low_ratio: 0.5}\n", "target_too_low_ratio"),
    ("thresholds: {unknown: 1}\n", "unknown"),
])
def test_bad_thresholds_name_the_key(tmp_path, extra, needle):
    with pytest.raises(InputError, match=needle):
        load_params(_params(tmp_path, extra))


def test_the_target_ratio_threshold_reaches_the_performance_checks(tmp_path):
    from juesuan.audit import audit_document

    def too_low(extra: str) -> int:
        result = audit_document(load_params(_params(tmp_path, extra)))
        return sum(f.rule == "performance.target_too_low" for f in result.findings)

    strict, lenient = too_low(""), too_low("thresholds: {target_too_low_ratio: 50}\n")
    assert strict >= 1  # 档案录入条数: target 3000, actual 120000 (40×)
    assert lenient == 0
