"""notebooks/audit.ipynb keeps its contract, and run_audit turns it into a department's report folder."""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from jupyter_client.kernelspec import KernelSpecManager

import juesuan.run
from juesuan.errors import InputError, JuesuanError
from juesuan.run import AuditRun, run_audit

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "audit.ipynb"
PARAMS = ROOT / "params" / "songshan-gov-office.yaml"
HAVE_AUDIT = (ROOT / "lib" / "juesuan" / "audit.py").is_file()


# -- the committed notebook ----------------------------------------------------------------


def test_the_notebook_takes_exactly_params_path_and_output_dir():
    params = papermill.inspect_notebook(str(NOTEBOOK))
    assert set(params) == {"params_path", "output_dir"}
    assert params["params_path"]["default"] == '"../params/songshan-gov-office.yaml"'
    assert params["output_dir"]["default"] == '"../reports/songshan-gov-office"'


def test_the_parameters_cell_holds_two_strings_and_nothing_else():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert tagged[0].source.splitlines() == ['params_path = "../params/songshan-gov-office.yaml"',
                                             'output_dir = "../reports/songshan-gov-office"']


def test_the_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.id
    assert nb.metadata.kernelspec.name == "python3"
    assert "papermill" not in nb.metadata


def test_the_notebook_leaves_the_backend_to_the_kernel():
    """matplotlib.use("agg") would silently drop every chart from the report."""
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells)
    assert not re.search(r"matplotlib\.use\(|\buse\(\s*[\"']agg", source, re.IGNORECASE)
    assert "plt.show()" in source


def test_code_cells_are_thin_calls_into_the_library():
    """The library does the work: a cell is one or two calls (a chart and plt.show()), no logic."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "%" in cell.source:  # the setup cell holds the inline-backend magic
            continue
        tree = ast.parse(cell.source)
        assert len(tree.body) <= 2, cell.id
        assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef, ast.For,
                                                                  ast.While, ast.If, ast.With, ast.Try))], cell.id


def test_the_report_reads_summary_first_then_the_sections():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    headings = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()
                if line.startswith("## ")]
    assert headings == ["## 摘要", "## 一、数字是否前后一致", "## 二、预算执行与变动", "## 三、绩效自评",
                        "## 四、公开完整性", "## 附录", "## 来源与版本"]
    for cell in nb.cells:  # a sentence of narrative under every heading
        if cell.cell_type == "markdown" and cell.source.startswith("##"):
            assert len(cell.source.splitlines()) >= 3, cell.source


# -- run_audit without a kernel ------------------------------------------------------------


def test_bad_params_fail_before_any_kernel_starts(tmp_path, monkeypatch):
    def no_kernel(*args, **kwargs):
        raise AssertionError("papermill must not run for bad params")

    monkeypatch.setattr(juesuan.run.papermill, "execute_notebook", no_kernel)
    bad = tmp_path / "bad.yaml"
    bad.write_text("department_id: Not Valid!\n", encoding="utf-8")
    with pytest.raises(InputError):
        run_audit(str(bad), str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_the_kernel_is_this_interpreter_whatever_kernelspec_python3_says(tmp_path, monkeypatch):
    """A python3 kernelspec from another environment must not be the one that audits."""
    spec_dir = tmp_path / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps(
        {"argv": ["/opt/other/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "another Python", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == "/opt/other/bin/python"
    km = juesuan.run._ThisInterpreterKernelManager(kernel_name="python3")
    assert km.kernel_spec.argv[0] == sys.executable
    assert km.kernel_spec.argv[1:3] == ["-m", "juesuan.kernel"]  # ipykernel, after juesuan.startup


# -- run_audit with a kernel ---------------------------------------------------------------


def _stub_notebook(path: Path, body: str) -> Path:
    """A stand-in for notebooks/audit.ipynb: the same parameters, then ``body``."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# stub"),
        nbformat.v4.new_code_cell('params_path = "x"\noutput_dir = "y"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, path)
    return path


WRITE_FINDINGS = """\
import json, pathlib, sys
out = pathlib.Path(output_dir)
doc = {"summary": {"claims": 3, "inconsistent": 2, "errors": 1, "warnings": 0}, "python": sys.executable}
(out / "findings.json").write_text(json.dumps(doc), encoding="utf-8")
(out / "findings.csv").write_text("id\\n", encoding="utf-8")
print("wrote findings for", pathlib.Path(params_path).name)
"""


@pytest.mark.slow
def test_run_audit_writes_the_folder_and_reads_the_counts(tmp_path, monkeypatch):
    stub = _stub_notebook(tmp_path / "stub.ipynb", WRITE_FINDINGS)
    monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub)
    run = run_audit(str(PARAMS), str(tmp_path / "out"))
    out = (tmp_path / "out" / "songshan-gov-office").resolve()
    assert isinstance(run, AuditRun)
    assert (run.department_id, run.out_dir, run.inconsistent, run.errors) == ("songshan-gov-office", out, 2, 1)
    assert sorted(p.name for p in out.iterdir()) == ["findings.csv", "findings.json", "report.html",
                                                     "report.ipynb"]  # no temp files left behind
    # The kernel ran on this interpreter, with absolute parameters.
    assert json.loads(run.findings_json.read_text())["python"] == sys.executable
    executed = nbformat.read(run.report_ipynb, as_version=4)
    assert executed.metadata.papermill.parameters == {"params_path": str(PARAMS), "output_dir": str(out)}
    assert executed.metadata.papermill.output_path == str(run.report_ipynb)
    html = run.report_html.read_text(encoding="utf-8")
    assert "wrote findings for songshan-gov-office.yaml" in html
    assert str(out) not in html  # the injected-parameters cell is not in the report


@pytest.mark.slow
def test_a_failing_notebook_leaves_a_report_saying_what_failed(tmp_path, monkeypatch):
    stub = _stub_notebook(tmp_path / "stub.ipynb", 'raise ValueError("账目无法读取")')
    monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub)
    out = tmp_path / "out" / "songshan-gov-office"
    out.mkdir(parents=True)
    (out / "findings.json").write_text("{}", encoding="utf-8")  # from an earlier run

    with pytest.raises(JuesuanError) as caught:
        run_audit(str(PARAMS), str(tmp_path / "out"))
    message = str(caught.value)
    assert "\n" not in message
    assert "songshan-gov-office" in message and "ValueError: 账目无法读取" in message

    assert not (out / "findings.json").exists()  # a stale result must not pass for this run's
    partial = nbformat.read(out / "report.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in partial.cells for o in c.get("outputs", []))
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "本报告未能完成" in html and "账目无法读取" in html


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_AUDIT, reason="lib/juesuan/audit.py (audit_document) has not landed yet")
def test_the_bundled_department_runs_end_to_end(tmp_path):
    run = run_audit(str(PARAMS), str(tmp_path))
    for path in (run.report_html, run.report_ipynb, run.findings_json, run.findings_csv):
        assert path.is_file() and path.parent == tmp_path.resolve() / "songshan-gov-office"
    html = run.report_html.read_text(encoding="utf-8")
    assert "赤峰市松山区人民政府办公室" in html
    assert re.search(r'<img [^>]*src="data:image/png;base64,', html)
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert str(tmp_path) not in html
    summary = json.loads(run.findings_json.read_text(encoding="utf-8"))["summary"]
    assert (run.inconsistent, run.errors) == (summary["inconsistent"], summary["errors"])


@pytest.mark.slow
def test_a_dead_kernel_still_leaves_a_report_page(tmp_path, monkeypatch):
    stub = _stub_notebook(tmp_path / "stub.ipynb", "import os\nos._exit(1)")
    monkeypatch.setattr(juesuan.run, "_notebook_path", lambda: stub)
    with pytest.raises(JuesuanError, match=r"songshan-gov-office could not run: DeadKernelError"):
        run_audit(str(PARAMS), str(tmp_path / "out"))
    out = tmp_path / "out" / "songshan-gov-office"
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]
    assert "DeadKernelError" in (out / "report.html").read_text(encoding="utf-8")
