"""Issue 8, output half: a run that cannot finish never loses or half-replaces the earlier outputs.

Folder problems (a link, a file, read-only, full) are refused before any kernel starts or, when
they hit mid-run, leave the earlier report.html and findings.json byte-identical. Also: the time
limit of ``juesuan audit`` and malformed suites through the CLI.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import juesuan.run
from commands import one_line_error, run_cli
from juesuan.errors import JuesuanError
from stubs import stub_notebook

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "songshan-gov-office" / "2024.txt"
PARAMS = ROOT / "params" / "songshan-gov-office.yaml"
EARLIER = {"report.html": b"<p>earlier report</p>", "report.ipynb": b"{}", "findings.json": b'{"summary": {}}',
           "findings.csv": b"id\n"}






def _earlier(dept: Path) -> Path:
    dept.mkdir(parents=True, exist_ok=True)
    for name, data in EARLIER.items():
        (dept / name).write_bytes(data)
    return dept


def _unchanged(dept: Path) -> None:
    assert {n: (dept / n).read_bytes() for n in EARLIER} == EARLIER
    assert not [p.name for p in dept.iterdir() if p.name.startswith(".")]  # no staging or temp files left


# -- the department folder ----------------------------------------------------------------------


def test_a_department_folder_that_is_a_link_is_not_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "songshan-gov-office").symlink_to(elsewhere, target_is_directory=True)
    one_line_error(run_cli("audit", str(PARAMS), "-o", str(tmp_path / "out")), "songshan-gov-office",
                    "symbolic link", "remove the link")
    assert list(elsewhere.iterdir()) == []


def test_a_department_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "songshan-gov-office").write_bytes(b"mine")
    one_line_error(run_cli("audit", str(PARAMS), "-o", str(tmp_path / "out")), "songshan-gov-office", "not a folder")
    assert (tmp_path / "out" / "songshan-gov-office").read_bytes() == b"mine"


def test_an_output_folder_below_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    one_line_error(run_cli("audit", str(PARAMS), "-o", str(tmp_path / "file" / "out")), "Not a directory")


@pytest.fixture
def readonly(tmp_path: Path):
    """A department folder with earlier outputs that this process cannot write."""
    if os.geteuid() != 0:
        dept = _earlier(tmp_path / "out" / "songshan-gov-office")
        dept.chmod(0o555)
        yield tmp_path / "out"
        dept.chmod(0o755)
        return
    mnt = tmp_path / "out"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], check=False, capture_output=True).returncode:
        pytest.skip("root cannot make a read-only folder here (no chmod effect, no mount)")
    try:
        _earlier(mnt / "songshan-gov-office")
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True, capture_output=True)
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False, capture_output=True)


def test_a_read_only_folder_is_one_line_and_keeps_the_earlier_outputs(readonly: Path) -> None:
    line = one_line_error(run_cli("audit", str(PARAMS), "-o", str(readonly)), "songshan-gov-office",
                           "cannot write the report folder", "earlier outputs there are unchanged")
    assert "Read-only" in line or "Permission denied" in line
    _unchanged(readonly / "songshan-gov-office")


# -- a disk that fills up mid-run ---------------------------------------------------------------




WRITES_FINDINGS = """import json, pathlib
out = pathlib.Path(output_dir)
(out / "findings.json").write_text(json.dumps({"summary": {"inconsistent": 0, "errors": 0}}))
(out / "findings.csv").write_text("id\\n")
"""


@pytest.mark.slow
@pytest.mark.parametrize("full_at", ["report.html", "report.ipynb"])
def test_a_full_disk_after_the_notebook_ran_keeps_the_earlier_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      full_at: str) -> None:
    monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub_notebook(tmp_path / "stub.ipynb", WRITES_FINDINGS))
    real = juesuan.run._stage_text

    def enospc(folder: Path, path: Path, text: str) -> None:
        if path.name == full_at:
            try:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            except OSError as exc:
                raise juesuan.run._cannot_write(folder, exc) from None
        real(folder, path, text)

    monkeypatch.setattr(juesuan.run, "_stage_text", enospc)
    dept = _earlier(tmp_path / "out" / "songshan-gov-office")
    with pytest.raises(JuesuanError) as caught:
        juesuan.run.run_audit(str(PARAMS), str(tmp_path / "out"))
    line = caught.value.one_line()
    assert "\n" not in line and str(dept) in line and "No space left on device" in line and "free some space" in line
    _unchanged(dept)


@pytest.mark.slow
def test_a_disk_that_fills_in_the_kernel_keeps_the_earlier_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real full file system (a 1 MB tmpfs; needs root): the notebook's own write fails, then the failure page's."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount a small tmpfs")
    mnt = tmp_path / "out"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], check=False, capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        dept = _earlier(mnt / "songshan-gov-office")
        fill = "import pathlib\n(pathlib.Path(output_dir) / 'findings.json').write_bytes(b'x' * (1 << 20))"
        monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub_notebook(tmp_path / "stub.ipynb", fill))
        filler = mnt / "filler"
        filler.write_bytes(b"\0" * (1 << 19))  # room left for the write probe and the notebook, not the findings
        with pytest.raises(JuesuanError) as caught:
            juesuan.run.run_audit(str(PARAMS), str(mnt))
        assert "No space left on device" in caught.value.one_line()
        _unchanged(dept)
    finally:
        subprocess.run(["umount", str(mnt)], check=False, capture_output=True)


@pytest.mark.slow
def test_a_failing_notebook_keeps_the_earlier_success_in_previous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub_notebook(tmp_path / "stub.ipynb", "1/0"))
    dept = _earlier(tmp_path / "out" / "songshan-gov-office")
    with pytest.raises(JuesuanError, match="ZeroDivisionError"):
        juesuan.run.run_audit(str(PARAMS), str(tmp_path / "out"))
    _unchanged(dept / "previous")  # the earlier run's outputs, byte-identical
    assert sorted(p.name for p in dept.iterdir()) == ["previous", "report.html", "report.ipynb"]
    # the next success supersedes them
    monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub_notebook(tmp_path / "stub2.ipynb", WRITES_FINDINGS))
    juesuan.run.run_audit(str(PARAMS), str(tmp_path / "out"))
    assert sorted(p.name for p in dept.iterdir()) == sorted(EARLIER)


def test_a_staging_folder_left_by_a_killed_run_is_cleared(tmp_path: Path) -> None:
    dept = tmp_path / "songshan-gov-office"
    dead = dept / f".juesuan-run-{2**22 + 12345}-{'0' * 32}"  # above the usual pid_max: no such process
    dead.mkdir(parents=True)
    (dead / "findings.json").write_text("{}")
    mine = dept / f".juesuan-run-{os.getpid()}-{'1' * 32}"
    mine.mkdir()
    stage = juesuan.run._staging_folder(dept)
    assert not dead.exists() and mine.exists() and stage.is_dir()


# -- the time limit -----------------------------------------------------------------------------


@pytest.mark.slow
def test_an_audit_past_its_time_limit_stops_with_a_clear_line(tmp_path: Path) -> None:
    dept = _earlier(tmp_path / "out" / "songshan-gov-office")
    one_line_error(run_cli("audit", str(PARAMS), "-o", str(tmp_path / "out"), "--timeout", "1"),
                    "songshan-gov-office took longer than the limit of 1 s", "--timeout")
    _unchanged(dept / "previous")
    assert "took longer than the limit" in (dept / "report.html").read_text(encoding="utf-8")


def test_the_default_time_limit_is_bounded_and_documented() -> None:
    from click.testing import CliRunner

    from juesuan.cli import main

    help_text = CliRunner().invoke(main, ["audit", "--help"]).output
    assert "--timeout" in help_text and "600" in help_text
    assert juesuan.run.DEFAULT_TIME_LIMIT == 600.0


@pytest.mark.parametrize("value", ["abc", "0", "nan", "-5"])
def test_a_bad_time_limit_is_one_line(tmp_path: Path, value: str) -> None:
    one_line_error(run_cli("audit", str(PARAMS), "-o", str(tmp_path), "--timeout", value), "--timeout")
    assert list(tmp_path.iterdir()) == []


# -- suites that are broken (suites.py loads strictly; here through the CLI) ------------------------

_WITH_SUITES = """import sys, pathlib
import juesuan.suites as suites
folder = pathlib.Path(sys.argv.pop(1))
suites._expectations_dir = lambda: folder  # no env var for this yet: see the issue 8 report
from juesuan.cli import main
main()
"""


@pytest.mark.parametrize("damage, needles", [
    (lambda s: "{ not json", ("arithmetic.json", "not valid JSON")),
    (lambda s: s.replace('"expect_column_values_to_be_between"', '"expect_column_values_to_be_magic"', 1),
     ("arithmetic.json", "expect_column_values_to_be_magic")),
])
def test_a_broken_suite_fails_loudly_through_check(tmp_path: Path, damage, needles) -> None:
    suites_dir = tmp_path / "expectations"
    shutil.copytree(ROOT / "expectations", suites_dir)
    target = suites_dir / "arithmetic.json"
    text = target.read_text(encoding="utf-8")
    broken = damage(text)
    assert broken != text
    target.write_text(broken, encoding="utf-8")
    p = subprocess.run([sys.executable, "-c", _WITH_SUITES, str(suites_dir), "check", str(SEED)], check=False,
                       capture_output=True, text=True, timeout=300)
    one_line_error(p, *needles)
    assert json.loads((ROOT / "expectations" / "arithmetic.json").read_text(encoding="utf-8"))  # the real one untouched
