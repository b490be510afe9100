"""Run one department's audit: execute ``notebooks/audit.ipynb`` with papermill, render the report.

``run_audit`` validates the params before any kernel starts, executes the notebook in a
fresh kernel of *this* interpreter, and leaves in ``OUTDIR/<department-id>/``:

- ``report.ipynb``: the executed notebook, the audit record an auditor can rerun;
- ``report.html``: the same, code hidden, readable offline;
- ``findings.json`` / ``findings.csv``: written by the notebook through the library.

A failing notebook still leaves report.ipynb (executed up to the failure) and a
report.html that says what failed, then raises :class:`~juesuan.errors.JuesuanError`.
"""

from __future__ import annotations

import copy
import dataclasses
import html
import json
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from ipykernel.kernelspec import RESOURCES, get_kernel_dict
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

import juesuan

from .errors import JuesuanError
from .params import AuditParams, load_params
from .report import notebook_to_html

__all__ = ["AuditRun", "KernelError", "run_audit"]

_KERNEL_NAME = "python3"
_START_TIMEOUT = 120  # seconds; a cold kernel on a loaded 2-core machine can take a while


@dataclass(frozen=True)
class AuditRun:
    """Where one department's audit wrote its outputs, and what it found."""

    department_id: str
    """The params' ``department_id``; also the name of ``out_dir``."""
    out_dir: Path
    """``OUTDIR/<department-id>``, absolute."""
    report_html: Path
    """The report, code hidden, self-contained."""
    report_ipynb: Path
    """The executed notebook."""
    findings_json: Path
    """The findings document (interface.md)."""
    findings_csv: Path
    """One row per finding."""
    inconsistent: int
    """Claims whose printed numbers cannot all be true (``summary.inconsistent``)."""
    errors: int
    """Findings of severity ``error`` (``summary.errors``)."""


class _ThisInterpreterKernelManager(AsyncKernelManager):
    """A kernel manager that always launches ipykernel on ``sys.executable``.

    The name ``python3`` is resolved through Jupyter's data path, where a user-level or
    system kernelspec (``ipykernel install --user`` from another environment) may point
    at another interpreter that lacks juesuan or has other versions of its dependencies.
    The audit must run on the interpreter that ``run_audit`` runs on, so the spec is built
    from ipykernel itself, which needs no ``ipykernel install`` in a fresh venv.
    """

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
        return self._kernel_spec

    # IPC sockets instead of TCP ports: no port races between parallel runs (papermill#511)
    # and no "running over TCP without encryption" warning from ipykernel on stderr.
    @default("transport")
    def _default_transport(self) -> str:
        return "ipc" if os.name == "posix" else "tcp"

    @default("ip")
    def _default_ip(self) -> str:
        if self.transport == "ipc":
            return os.path.join(tempfile.gettempdir(), f"juesuan-kernel-{os.getpid()}")
        return "127.0.0.1"


def _notebook_path() -> Path:
    """The audit notebook of the source tree that juesuan is installed from."""
    return Path(juesuan.__file__).resolve().parents[2] / "notebooks" / "audit.ipynb"


def _title(params: AuditParams) -> str:
    return f"{params.department_name} {params.year} 年度部门决算审计报告"


def _temp_sibling(path: Path, suffix: str = ".tmp") -> Path:
    """A fresh name next to ``path``: same filesystem, so ``os.replace`` onto it is atomic."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex}{suffix}")


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` so that readers see the old file or the new one, never half of one."""
    tmp = _temp_sibling(path)
    try:
        # open(), unlike mkstemp, honours the umask: reports stay readable by the team.
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_notebook(nb: nbformat.NotebookNode, path: Path) -> None:
    # papermill recorded the temp file as output_path; the record should name the real file.
    papermill_meta = nb.metadata.get("papermill")
    if papermill_meta is not None:
        papermill_meta["output_path"] = str(path)
    _atomic_write(path, nbformat.writes(nb))


class KernelError(JuesuanError):
    """The kernel died, hung past the timeout or never started: the notebook did not fail by itself.

    Worth one retry in a fresh kernel (``juesuan batch`` does that); a cell that raises is not.
    """


def _with_banner(nb: nbformat.NotebookNode, message: str, link: str | None = None) -> nbformat.NotebookNode:
    """A copy of ``nb`` that opens with a one-line statement of what went wrong."""
    more = f' <a href="{html.escape(link)}">查看执行到出错处的笔记本</a>' if link else ""
    banner = nbformat.v4.new_markdown_cell(
        f'<p style="color:#b00020;font-weight:bold">本报告未能完成：{html.escape(message)}{more}</p>')
    marked = copy.deepcopy(nb)
    marked.cells.insert(0, banner)
    return marked


def _failure_notebook(params: AuditParams, message: str) -> nbformat.NotebookNode:
    """A stand-in report for a run that left no notebook (the kernel died or never started)."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {html.escape(_title(params))}"))
    return _with_banner(nb, message)


def _summary_counts(run: AuditRun) -> tuple[int, int]:
    """``summary.inconsistent`` and ``summary.errors`` from the findings the notebook wrote."""
    try:
        if not run.findings_csv.is_file():
            raise FileNotFoundError("findings.csv was not written")
        summary = json.loads(run.findings_json.read_text(encoding="utf-8"))["summary"]
        return int(summary["inconsistent"]), int(summary["errors"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JuesuanError(f"audit of {run.department_id} ran but left no usable findings "
                           f"({type(exc).__name__}: {exc})", path=str(run.out_dir),
                           hint="the notebook must call result.write(output_dir)") from None


def _first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def run_audit(params_path: str, output_dir: str | None = None, *, engine_name: str | None = None,
              execution_timeout: float | None = None) -> AuditRun:
    """Audit one department: execute the audit notebook for a params file and render its report.

    ``output_dir`` defaults to ``reports``; outputs go to ``output_dir/<department-id>/``.
    The params are validated first (:class:`~juesuan.errors.InputError` before any kernel
    starts). Findings files left by an earlier run are removed, so everything in the folder
    afterwards comes from this run.

    Raises :class:`~juesuan.errors.JuesuanError` naming the department and the error when the
    notebook fails; report.html then says what failed and report.ipynb holds the notebook as
    far as it ran; :class:`KernelError` when the kernel died, hung or could not start.

    ``engine_name`` picks a papermill engine (``juesuan-warm`` reuses a kernel, see
    :mod:`juesuan.batch.engine`); ``execution_timeout`` (seconds per cell) turns a hang into
    a :class:`KernelError`.
    """
    params = load_params(params_path)  # bad params fail here, before any kernel starts
    params_file = Path(params_path).resolve()
    notebook = _notebook_path()
    if not notebook.is_file():
        raise JuesuanError(f"the audit notebook is missing: {notebook}",
                           hint="juesuan audit runs from a source checkout (pip install -e .)")

    out_dir = (Path(output_dir or "reports") / params.department_id).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    run = AuditRun(
        department_id=params.department_id, out_dir=out_dir,
        report_html=out_dir / "report.html", report_ipynb=out_dir / "report.ipynb",
        findings_json=out_dir / "findings.json", findings_csv=out_dir / "findings.csv",
        inconsistent=0, errors=0,
    )
    for stale in (run.findings_json, run.findings_csv):
        stale.unlink(missing_ok=True)

    tmp = _temp_sibling(run.report_ipynb, ".ipynb")  # papermill's output; becomes report.ipynb
    try:
        try:
            nb = papermill.execute_notebook(
                str(notebook), str(tmp),
                parameters={"params_path": str(params_file), "output_dir": str(out_dir)},
                kernel_name=_KERNEL_NAME,
                engine_name=engine_name,
                execution_timeout=execution_timeout,
                kernel_manager_class=_ThisInterpreterKernelManager,
                progress_bar=False,
                # cwd= chdirs the whole process (not thread-safe); the parameters are absolute.
                cwd=None,
                request_save_on_cell_execute=False,
                start_timeout=_START_TIMEOUT,
                # Every cell has finished and its files are written when the kernel stops; a
                # graceful shutdown only waits ~1.7 s for the process to exit.
                shutdown_kernel="immediate",
            )
        except papermill.PapermillExecutionError as exc:
            error = ": ".join(filter(None, (exc.ename, _first_line(exc.evalue))))
            message = f"audit of {params.department_id} failed in cell [{exc.exec_count}]: {error}"
            # papermill saved the notebook, with its error markers, before raising.
            partial = nbformat.read(tmp, as_version=4)
            _write_notebook(partial, run.report_ipynb)
            _atomic_write(run.report_html, notebook_to_html(_with_banner(partial, message, run.report_ipynb.name), _title(params)))
            raise JuesuanError(message, hint=f"see {run.report_html}") from None
        except Exception as exc:  # the kernel died, timed out or could not start
            message = f"audit of {params.department_id} could not run: {type(exc).__name__}: {_first_line(exc)}"
            run.report_ipynb.unlink(missing_ok=True)  # a stale record would pass for this run's
            _atomic_write(run.report_html, notebook_to_html(_failure_notebook(params, message), _title(params)))
            raise KernelError(message, hint=f"see {run.report_html}") from exc
        _write_notebook(nb, run.report_ipynb)
        _atomic_write(run.report_html, notebook_to_html(nb, _title(params)))
    finally:
        tmp.unlink(missing_ok=True)

    inconsistent, errors = _summary_counts(run)
    return dataclasses.replace(run, inconsistent=inconsistent, errors=errors)
