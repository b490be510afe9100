"""``juesuan batch``: warm kernels, failures that stay local, resumption, the lock, Dask, the portfolio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import papermill
import pytest
from click.testing import CliRunner

import juesuan.run
from juesuan.batch import run_batch, run_department
from juesuan.batch.core import LOCK_NAME, batch_lock
from juesuan.cli import main
from juesuan.run import run_audit
from juesuan.synth import synthesize
from stubs import stub_notebook

ROOT = Path(__file__).resolve().parents[1]
JUESUAN = Path(sys.executable).with_name("juesuan")

pytestmark = pytest.mark.slow


def _bad_department(folder: Path) -> Path:
    """A params file whose disclosure is binary junk: the notebook's audit cell raises."""
    data = folder / "data" / "broken"
    data.mkdir(parents=True, exist_ok=True)
    (data / "2024.txt").write_bytes(b"\x00\x01junk\xff")
    params = folder / "params" / "broken.yaml"
    params.write_text("department_id: broken\ndepartment_name: 某某局\nyear: 2024\n"
                      "source: ../data/broken/2024.txt\n", encoding="utf-8")
    return params


@pytest.fixture(scope="module")
def departments(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("depts")
    synthesize(2, root, seed=7)
    return root


@pytest.fixture(scope="module")
def failing_batch(tmp_path_factory, departments):
    """Two good departments and a broken one, through the CLI, warm kernel, one worker."""
    root = tmp_path_factory.mktemp("with-broken")
    synthesize(2, root, seed=7)
    _bad_department(root)
    out = root / "out"
    result = CliRunner().invoke(main, ["batch", str(root / "params"), "-o", str(out), "-j", "1"])
    return root, out, result


def test_a_failing_department_fails_alone_and_the_batch_exits_3(failing_batch):
    _, out, result = failing_batch
    assert result.exit_code == 3, result.output
    assert "failed: broken" in result.output
    page = (out / "broken" / "report.html").read_text(encoding="utf-8")
    assert "本报告未能完成" in page and "NUL" in page  # says what failed …
    assert 'href="report.ipynb"' in page  # … and links the notebook as far as it ran
    assert (out / "broken" / "report.ipynb").is_file()
    assert json.loads((out / "broken" / "manifest.json").read_text())["status"] == "failed"
    for dept in ("synth-0001", "synth-0002"):
        for name in ("report.html", "report.ipynb", "findings.json", "findings.csv"):
            assert (out / dept / name).is_file(), (dept, name)
        assert json.loads((out / dept / "manifest.json").read_text())["status"] == "ok"


def test_the_portfolio_page_lists_every_department_self_contained(failing_batch):
    _, out, _ = failing_batch
    index = (out / "index.html").read_text(encoding="utf-8")
    for dept in ("synth-0001", "synth-0002", "broken"):
        assert f'href="{dept}/report.html"' in index
    assert "未能完成" in index
    assert 'src="data:image/png;base64,' in index  # the seaborn chart, inline
    assert "<script src=" not in index and "http://" not in index.replace("http://www.w3.org", "")
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.ipynb"))


def test_a_warm_kernel_gives_the_same_bytes_as_a_cold_run(failing_batch, tmp_path):
    """synth-0002 ran second in the batch's kept kernel, after synth-0001 (and maybe broken)."""
    root, out, _ = failing_batch
    cold = run_audit(str(root / "params" / "synth-0002.yaml"), str(tmp_path))
    for name in ("findings.json", "report.html", "findings.csv"):
        assert (out / "synth-0002" / name).read_bytes() == (cold.out_dir / name).read_bytes(), name


def test_an_interrupted_batch_resumes_where_it_stopped(departments, tmp_path):
    out = tmp_path / "out"

    def stop_after_first(res, done, total):
        if done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch([departments / "params"], out, workers=1, progress=stop_after_first)
    done = [d for d in ("synth-0001", "synth-0002") if (out / d / "manifest.json").is_file()]
    assert len(done) == 1
    first_report = (out / done[0] / "report.html").stat().st_mtime_ns

    again = run_batch([departments / "params"], out, workers=1)
    status = {d.department_id: d.status for d in again.departments}
    assert status[done[0]] == "skipped"
    assert list(status.values()).count("ok") == 1
    assert (out / done[0] / "report.html").stat().st_mtime_ns == first_report
    assert (out / "index.html").is_file()

    # a changed disclosure is audited again; --force redoes everything
    params = juesuan.load_params(departments / "params" / f"{done[0]}.yaml")
    source_copy = tmp_path / "copy.txt"
    source_copy.write_bytes(params.source.read_bytes() + b"\n")
    edited = tmp_path / "params"
    edited.mkdir()
    text = (departments / "params" / f"{done[0]}.yaml").read_text(encoding="utf-8")
    (edited / f"{done[0]}.yaml").write_text(
        "\n".join(f"source: {source_copy}" if line.startswith("source:") else line
                  for line in text.splitlines()) + "\n", encoding="utf-8")
    third = run_batch([edited], out, workers=1, index=False)
    assert [d.status for d in third.departments] == ["ok"]


def test_a_second_concurrent_batch_is_refused(departments, tmp_path):
    out = tmp_path / "out"
    with batch_lock(out):
        proc = subprocess.run([str(JUESUAN), "batch", str(departments / "params"), "-o", str(out)],
                              check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "another juesuan batch is already writing to this folder" in proc.stderr
    assert f"pid {os.getpid()}" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # nothing was written


# -- kernels that die or hang: replaced, that department retried once ------------------------




DIE_ONCE = """\
import json, os, pathlib
out = pathlib.Path(output_dir)
flag = pathlib.Path(FLAG)  # not in output_dir: each attempt may get a fresh one
if not flag.exists():
    flag.write_text("x")
    os._exit(1)
(out / "findings.json").write_text(json.dumps({"summary": {"inconsistent": 0, "errors": 0}}))
(out / "findings.csv").write_text("id\\n")
"""


def test_a_kernel_that_dies_is_replaced_and_the_department_retried_once(departments, tmp_path, monkeypatch):
    body = DIE_ONCE.replace("FLAG", repr(str(tmp_path / "died-once")))
    monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub_notebook(tmp_path / "stub.ipynb", body))
    res = run_department(departments / "params" / "synth-0001.yaml", tmp_path / "out")
    assert (res.status, res.attempts) == ("ok", 2), res.message


def test_a_kernel_that_hangs_is_replaced_and_then_the_department_fails(departments, tmp_path, monkeypatch):
    from juesuan.batch.engine import WarmKernelEngine

    monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub_notebook(tmp_path / "stub.ipynb", "import time\ntime.sleep(600)"))
    res = run_department(departments / "params" / "synth-0001.yaml", tmp_path / "out", execution_timeout=2)
    assert (res.status, res.attempts) == ("failed", 2)
    assert "could not run" in res.message and "Timeout" in res.message
    assert WarmKernelEngine.kernel_pid() is None  # the hung kernel was stopped
    page = (tmp_path / "out" / "synth-0001" / "report.html").read_text(encoding="utf-8")
    assert "本报告未能完成" in page


# -- Dask ------------------------------------------------------------------------------------


def test_the_dask_executor_runs_departments_on_a_local_cluster(departments, tmp_path):
    """No --scheduler: juesuan starts a LocalCluster of worker processes, each with its warm kernel."""
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(departments / "params"), "-o", str(out), "-j", "1",
                                       "--executor", "dask"])
    assert result.exit_code == 0, result.output
    for dept in ("synth-0001", "synth-0002"):
        assert json.loads((out / dept / "findings.json").read_text())["department"]["id"] == dept
        assert json.loads((out / dept / "manifest.json").read_text())["status"] == "ok"
    assert (out / "index.html").is_file()


# -- the committed portfolio notebook ---------------------------------------------------------


def test_the_portfolio_notebook_takes_output_dir_and_is_committed_without_outputs():
    path = ROOT / "notebooks" / "portfolio.ipynb"
    assert set(papermill.inspect_notebook(str(path))) == {"output_dir"}
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


# -- a worker process killed from outside; the portfolio page only when something changed ------


def test_a_worker_killed_by_the_os_costs_one_retry_of_its_department_only(departments, tmp_path):
    import threading

    import psutil

    out = tmp_path / "out"
    killed: list[int] = []

    def kill_first_busy_worker() -> None:
        """SIGKILL the first worker seen running a kernel, as the OOM killer would."""
        me = psutil.Process()
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            for proc in me.children(recursive=True):
                try:
                    if "juesuan.kernel" in " ".join(proc.cmdline()):
                        worker = proc.parent()
                        killed.append(worker.pid)
                        worker.kill()
                        return
                except psutil.Error:
                    continue
            time.sleep(0.2)

    killer = threading.Thread(target=kill_first_busy_worker)
    killer.start()
    result = run_batch([departments / "params"], out, workers=1, index=False)
    killer.join()
    assert killed, "no worker was seen running a department"
    assert sorted((d.department_id, d.status) for d in result.departments) == [
        ("synth-0001", "ok"), ("synth-0002", "ok")]
    assert sorted(d.attempts for d in result.departments) == [1, 2]  # only the killed one ran twice
    for dept in ("synth-0001", "synth-0002"):
        names = sorted(p.name for p in (out / dept).iterdir())
        assert names == ["findings.csv", "findings.json", "manifest.json", "report.html", "report.ipynb"], names


def test_the_portfolio_page_is_rebuilt_only_when_a_department_changed(departments, tmp_path):
    out = tmp_path / "out"
    run_batch([departments / "params"], out, workers=1)
    index = out / "index.html"
    first = index.stat().st_mtime_ns
    again = run_batch([departments / "params"], out, workers=1)
    assert [d.status for d in again.departments] == ["skipped", "skipped"]
    assert index.stat().st_mtime_ns == first  # nothing changed: not rebuilt
    (out / "synth-0001" / "manifest.json").unlink()  # as if that department's run was interrupted
    third = run_batch([departments / "params"], out, workers=1)
    assert sorted(d.status for d in third.departments) == ["ok", "skipped"]
    assert index.stat().st_mtime_ns != first


def test_outputs_can_go_to_an_fsspec_url(departments, tmp_path):
    """A file:// URL takes the same path as s3:// or gcs://: staged locally, uploaded, manifest last."""
    target = tmp_path / "remote"
    url = target.as_uri()
    first = run_batch([departments / "params"], url, workers=1)
    assert sorted(d.status for d in first.departments) == ["ok", "ok"]
    assert first.index_html == f"{url}/index.html" and not first.index_error
    for dept in ("synth-0001", "synth-0002"):
        assert sorted(p.name for p in (target / dept).iterdir()) == [
            "findings.csv", "findings.json", "manifest.json", "report.html", "report.ipynb"]
    assert 'href="synth-0001/report.html"' in (target / "index.html").read_text(encoding="utf-8")
    assert not (target / LOCK_NAME).exists()  # the advisory lock is removed at the end

    again = run_batch([departments / "params"], url, workers=1)
    assert [d.status for d in again.departments] == ["skipped", "skipped"]

    (target / LOCK_NAME).write_text("pid 1, started yesterday\n")
    with pytest.raises(juesuan.errors.JuesuanError, match="already writing to this folder"):
        run_batch([departments / "params"], url, workers=1)
