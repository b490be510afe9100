"""figures.json: what was read, reviewable and hand-correctable; coverage of unread numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from juesuan.audit import audit_document
from juesuan.errors import InputError
from juesuan.figures import load_figures_claims
from juesuan.params import load_params

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "songshan-gov-office" / "2024.txt"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "juesuan.cli", *args], check=False, capture_output=True, text=True, timeout=120)


def test_extract_writes_figures_with_printed_numbers_and_tables(tmp_path):
    out = tmp_path / "figures.json"
    p = _cli("extract", str(SEED), "-o", str(out))
    assert p.returncode == 0, p.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "juesuan/figures/1"
    assert {"amounts", "functional"} <= set(doc["tables"])
    assert len(doc["tables"]["functional"]) == 8  # the seed's eight 项 lines in section 五
    assert all("verdict" not in c for c in doc["claims"])
    first_sum = next(c for c in doc["claims"] if c["kind"] == "sum")
    assert first_sum["numbers"]["total"]["text"] == "885.90"  # as printed, trailing zero kept


def test_an_auditor_corrected_figures_file_is_audited_instead_of_the_text(tmp_path):
    out = tmp_path / "figures.json"
    assert _cli("extract", str(SEED), "-o", str(out)).returncode == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    # the auditor confirms with the unit that the SME total should read 47.93
    for c in doc["claims"]:
        if c["rule"] == "structure.procurement_sme":
            c["numbers"]["total"]["text"] = "47.93"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    params = tmp_path / "p.yaml"
    params.write_text(f"department_id: seed\ndepartment_name: 松山\nyear: 2024\nsource: {SEED}\n"
                      f"figures: {out}\n", encoding="utf-8")
    result = audit_document(load_params(params))
    assert not [f for f in result.findings if f.rule == "structure.procurement_sme"]
    assert result.findings_document()["source"]["sha256"]  # provenance still points at the text


def test_a_broken_figures_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "figures.json"
    bad.write_text('{"schema": "juesuan/figures/1", "claims": [{"kind": "sum", "numbers": {"total": {"text": "x"}}}]}',
                   encoding="utf-8")
    with pytest.raises(InputError, match="not a number"):
        load_figures_claims(bad)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        load_figures_claims(bad)


def test_coverage_lists_numbers_no_claim_used(tmp_path):
    f = tmp_path / "d.txt"
    f.write_text("本年支出合计100.00万元，其中：基本支出60.00万元，占60.00%；项目支出40.00万元，占40.00%。\n"
                 "全年共办理文件2235件。\n", encoding="utf-8")
    p = _cli("extract", str(f), "--coverage")
    assert p.returncode == 0, p.stderr
    listed = [line.split()[1] for line in p.stdout.splitlines()]
    assert listed == ["2235"]
