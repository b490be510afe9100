"""The juesuan command as a user and a scheduler see it: exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from commands import one_line_error, run_cli
from juesuan.findings import validate_document

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "songshan-gov-office" / "2024.txt"






def test_missing_file(tmp_path: Path) -> None:
    one_line_error(run_cli("check", str(tmp_path / "nope.txt")), "nope.txt", "no such file")


def test_binary_file(tmp_path: Path) -> None:
    f = tmp_path / "blob.txt"
    f.write_bytes(b"\x00\x01\x02binary\x00" * 100)
    one_line_error(run_cli("check", str(f)), "blob.txt")


def test_undecodable_file(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt"
    f.write_bytes(bytes(range(128, 256)) * 20)
    one_line_error(run_cli("check", str(f)), "bad.txt")


@pytest.mark.parametrize("body, needle", [
    ("department_id: Bad/Id\ndepartment_name: x\nyear: 2024\nsource: a.txt\n", "department_id"),
    ("department_id: x\ndepartment_name: x\nyear: twenty\nsource: a.txt\n", "year"),
    ("department_id: x\ndepartment_name: x\nyear: 2024\nsource: a.txt\ncolour: red\n", "colour"),
    ("department_id: x\ndepartment_name: x\nyear: 2024\nsource: missing.txt\n", "source"),
    ("department_id: [unclosed\n", "YAML"),
])
def test_params_that_break_the_schema(tmp_path: Path, body: str, needle: str) -> None:
    (tmp_path / "a.txt").write_text("收入合计 1.00万元", encoding="utf-8")
    p = tmp_path / "x.yaml"
    p.write_text(body, encoding="utf-8")
    one_line_error(run_cli("audit", str(p), "-o", str(tmp_path / "out")), "x.yaml", needle)
    assert not (tmp_path / "out").exists()  # nothing started before the params were valid


def test_check_json_on_the_seed_is_a_valid_findings_document() -> None:
    p = run_cli("check", str(SEED), "--json")
    assert p.returncode in (0, 1), p.stderr
    doc = json.loads(p.stdout)
    validate_document(doc)
    assert doc["schema"] == "juesuan/findings/1"
    assert doc["source"]["sha256"] and doc["source"]["path"] == "2024.txt"
    # the arithmetic of sections 一–五 of 第二部分 (reasons, wording and numbering are other suites)
    early = [c for c in doc["claims"] if c["line"] <= 116 and c["rule"].startswith(("arithmetic.", "structure."))]
    assert len(early) >= 30
    assert {c["kind"] for c in early} >= {"sum", "share", "yoy", "execution", "budget_diff"}
    assert all(c["verdict"] in ("consistent", "uncheckable") for c in early), \
        [c for c in early if c["verdict"] == "inconsistent"]
    for c in early:
        assert c["quote"] and c["section"]
    # a rate on a zero base is uncheckable, not consistent and not an alarm
    zero_base = [c for c in early if c["kind"] == "yoy" and c["reported"].get("change") == 0]
    assert zero_base and all(c["verdict"] == "uncheckable" for c in zero_base)


def test_check_exit_code_follows_inconsistencies(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("本年支出合计100.00万元,其中:基本支出60.00万元,占60.00%;项目支出40.00万元,占40.00%。\n",
                    encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("本年支出合计100.00万元,其中:基本支出60.00万元,占60.00%;项目支出45.00万元,占45.00%。\n",
                   encoding="utf-8")
    assert run_cli("check", str(good)).returncode == 0
    p = run_cli("check", str(bad))
    assert p.returncode == 1
    assert "arithmetic.sum" in p.stdout
    assert run_cli("check", str(bad), "--exit-zero").returncode == 0
