"""Run one department's audit: execute ``notebooks/audit.ipynb`` with papermill, render the report.

``run_audit`` validates the params before any kernel starts, executes the notebook in a
fresh kernel of *this* interpreter, and leaves in ``OUTDIR/<department-id>/``:

- ``report.ipynb``: the executed notebook, the audit record an auditor can rerun;
- ``report.html``: the same, code hidden, readable offline;
- ``findings.json`` / ``findings.csv``: written by the notebook through the library.

Everything a run writes goes first to a hidden staging folder inside ``OUTDIR/<id>/`` (same
file system) and is moved into place with ``os.replace`` only once it is all written, so a run
that cannot write (read-only or full disk), times out or is refused leaves the earlier outputs
byte-identical. A failing notebook still leaves report.ipynb (executed up to the failure) and a
report.html that says what failed; the earlier run's outputs, if it succeeded, move to
``OUTDIR/<id>/previous/`` at that moment rather than being deleted; then it raises
:class:`~juesuan.errors.JuesuanError`.
"""

from __future__ import annotations

import copy
import dataclasses
import errno
import html
import json
import os
import re
import shutil
import tempfile
import time
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

__all__ = ["DEFAULT_TIME_LIMIT", "OUTPUTS", "AuditRun", "KernelError", "run_audit"]

_KERNEL_NAME = "python3"
_START_TIMEOUT = 120  # seconds; a cold kernel on a loaded 2-core machine can take a while
DEFAULT_TIME_LIMIT = 600.0
"""Seconds one ``juesuan audit`` may take (``--timeout``); the bundled example takes ~8 s."""
OUTPUTS = ("report.html", "report.ipynb", "findings.json", "findings.csv")
PREVIOUS = "previous"
"""Where the outputs of the last successful run go when a later run fails in the notebook."""
_STAGE = re.compile(r"^\.juesuan-run-(\d+)-[0-9a-f]{32}$")


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
    from ipykernel itself, which needs no ``ipykernel install`` in a fresh venv. The launcher
    is :mod:`juesuan.kernel` (ipykernel's, after juesuan's start-up).
    """

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            spec = get_kernel_dict()
            spec["argv"] = [("juesuan.kernel" if arg == "ipykernel_launcher" else arg) for arg in spec["argv"]]
            self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **spec)
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


class KernelError(JuesuanError):
    """The kernel died, hung past the timeout or never started: the notebook did not fail by itself.

    Worth one retry in a fresh kernel (``juesuan batch`` does that); a cell that raises is not.
    """


_MARKDOWN_SYNTAX = re.compile(r"[\\`*_{}\[\]()#+!|~\-]")


def _md_text(text: str) -> str:
    """``text`` as inert markdown: HTML-escaped, one line, every markdown character an entity.

    A department name or an error message inside a markdown cell must not become a heading,
    a link (``[x](javascript:…)``) or raw HTML when nbconvert renders the cell.
    """
    one_line = " ".join(str(text).split())
    return _MARKDOWN_SYNTAX.sub(lambda m: f"&#{ord(m.group())};", html.escape(one_line))


def _with_banner(nb: nbformat.NotebookNode, message: str, link: str | None = None) -> nbformat.NotebookNode:
    """A copy of ``nb`` that opens with a one-line statement of what went wrong."""
    more = f' <a href="{html.escape(link)}">查看执行到出错处的笔记本</a>' if link else ""
    banner = nbformat.v4.new_markdown_cell(
        f'<p style="color:#b00020;font-weight:bold">本报告未能完成：{_md_text(message)}{more}</p>')
    marked = copy.deepcopy(nb)
    marked.cells.insert(0, banner)
    return marked


def _failure_notebook(params: AuditParams, message: str) -> nbformat.NotebookNode:
    """A stand-in report for a run that left no notebook (the kernel died or never started)."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {_md_text(_title(params))}"))
    return _with_banner(nb, message)


def _summary_counts(run: AuditRun) -> tuple[int, int]:
    """``summary.inconsistent`` and ``summary.errors`` from the findings the notebook wrote."""
    try:
        summary = json.loads(run.findings_json.read_text(encoding="utf-8"))["summary"]
        return int(summary["inconsistent"]), int(summary["errors"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise JuesuanError(f"audit of {run.department_id} ran but left no usable findings "
                           f"({type(exc).__name__}: {exc})", path=str(run.out_dir),
                           hint="the notebook must call result.write(output_dir)") from None


def _first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


# --------------------------------------------------------------------------------------------
# The output folder: checked before any kernel starts, written only through a staging folder


def _cannot_write(folder: Path, exc: OSError) -> JuesuanError:
    reason = exc.strerror or type(exc).__name__
    hint = ("free some space, then run again" if exc.errno in (errno.ENOSPC, errno.EDQUOT)
            else "choose a folder you can write with -o")
    return JuesuanError(f"cannot write the report folder: {reason}; earlier outputs there are unchanged",
                        path=str(folder), hint=hint)


def _output_folder(output_dir: str | None, department_id: str) -> Path:
    """``OUTDIR/<department_id>``, absolute and created; never a link, never outside OUTDIR.

    ``department_id`` is ``[a-z0-9-]+`` (params.py), so it cannot name ``..`` or a path; the
    check below keeps that true whatever the schema becomes. ``OUTDIR`` itself is the user's
    choice and may be a link; the department folder is juesuan's and must not be one, or the
    reports would land wherever the link points.
    """
    root = Path(output_dir or "reports")
    if not department_id or department_id in (".", "..") or Path(department_id).name != department_id:
        raise JuesuanError(f"department_id {department_id!r} cannot be a folder name", hint="use [a-z0-9-]+ only")
    folder = root / department_id
    if folder.is_symlink():
        raise JuesuanError("the department's report folder is a symbolic link; juesuan does not write through links",
                           path=str(folder), hint="remove the link or choose another -o folder")
    if folder.exists() and not folder.is_dir():
        raise JuesuanError("exists and is not a folder", path=str(folder), hint="move it away or choose another -o folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise JuesuanError("a part of the path exists and is not a folder", path=str(folder),
                           hint="choose another -o folder") from None
    except OSError as exc:
        raise _cannot_write(folder, exc) from None
    folder = folder.resolve()
    if folder.parent != root.resolve():  # a race with the checks above, or a link swapped in
        raise JuesuanError("the department's report folder resolves outside the output folder", path=str(folder),
                           hint="remove the link or choose another -o folder")
    return folder


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def _staging_folder(folder: Path) -> Path:
    """A fresh hidden folder inside ``folder`` (so ``os.replace`` out of it is atomic)."""
    for old in folder.iterdir():  # left by a run that was killed
        m = _STAGE.match(old.name)
        if m and old.is_dir() and not old.is_symlink() and not _pid_alive(int(m.group(1))):
            shutil.rmtree(old, ignore_errors=True)
    stage = folder / f".juesuan-run-{os.getpid()}-{uuid.uuid4().hex}"
    try:
        stage.mkdir()
        # Writable is not enough: a full disk lets mkdir through and fails the first block.
        probe = stage / ".probe"
        with open(probe, "wb") as fh:
            fh.write(b"\0" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
        probe.unlink()
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise _cannot_write(folder, exc) from None
    return stage


def _stage_text(folder: Path, path: Path, text: str) -> None:
    """Write one file into the staging folder; a failure names the report folder."""
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise _cannot_write(folder, exc) from None


def _publish(stage: Path, folder: Path, names: tuple[str, ...], *, success: bool) -> None:
    """Move ``names`` from ``stage`` into ``folder``; renames only, so no space is needed.

    On success the outputs replace the earlier ones and ``previous/`` (now older than
    what is there) is removed. On failure the earlier outputs of a *successful* run
    (findings.json is there) move to ``previous/`` instead of being deleted, and whatever
    else is left from earlier runs goes, so nothing in ``folder`` passes for this run's.
    """
    previous = folder / PREVIOUS
    try:
        if not success and (folder / "findings.json").is_file():
            if previous.is_symlink() or (previous.exists() and not previous.is_dir()):
                raise JuesuanError("exists and is not a plain folder; juesuan keeps earlier outputs there",
                                   path=str(previous), hint="move it away")
            previous.mkdir(exist_ok=True)
            for name in OUTPUTS:
                if (folder / name).exists():
                    os.replace(folder / name, previous / name)
        for name in OUTPUTS:
            if name not in names:
                (folder / name).unlink(missing_ok=True)
        for name in names:
            os.replace(stage / name, folder / name)
        if success and previous.is_dir() and not previous.is_symlink():
            for name in OUTPUTS:
                (previous / name).unlink(missing_ok=True)
            try:
                previous.rmdir()
            except OSError:  # something of the user's is in there: leave it
                pass
    except OSError as exc:
        raise _cannot_write(folder, exc) from None


def _point_record_at(nb: nbformat.NotebookNode, stage: Path, folder: Path) -> None:
    """The executed notebook names the report folder, not the staging folder it ran in.

    So an auditor who reruns report.ipynb writes next to it; the injected parameters cell is
    re-translated with papermill's own escaping.
    """
    from papermill.translators import PythonTranslator

    meta = nb.metadata.get("papermill")
    if meta is not None:
        meta["output_path"] = str(folder / "report.ipynb")
        if isinstance(meta.get("parameters"), dict) and "output_dir" in meta["parameters"]:
            meta["parameters"]["output_dir"] = str(folder)
    staged, final = PythonTranslator.translate_str(str(stage)), PythonTranslator.translate_str(str(folder))
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.source = cell.source.replace(staged, final)


def _deadline_timeout(deadline: float, per_cell: float | None):
    """nbclient's ``timeout_func``: the time left of the department's limit (and the per-cell one)."""

    def timeout(cell: object) -> float:
        left = max(deadline - time.monotonic(), 0.01)  # 0 would mean "no timeout" to nbclient
        return min(left, per_cell) if per_cell else left

    return timeout


def run_audit(params_path: str, output_dir: str | None = None, *, engine_name: str | None = None,
              execution_timeout: float | None = None, time_limit: float | None = None) -> AuditRun:
    """Audit one department: execute the audit notebook for a params file and render its report.

    ``output_dir`` defaults to ``reports``; outputs go to ``output_dir/<department-id>/``.
    The params and the output folder are checked first (:class:`~juesuan.errors.InputError` /
    :class:`~juesuan.errors.JuesuanError` before any kernel starts). The run writes into a
    staging folder and moves its files into place at the end, so a run that cannot finish
    writing leaves the earlier outputs as they were.

    Raises :class:`~juesuan.errors.JuesuanError` naming the department and the error when the
    notebook fails; report.html then says what failed and report.ipynb holds the notebook as
    far as it ran (an earlier successful run's outputs are in ``previous/``);
    :class:`KernelError` when the kernel died, hung, ran past ``time_limit`` or could not start.

    ``engine_name`` picks a papermill engine (``juesuan-warm`` reuses a kernel, see
    :mod:`juesuan.batch.engine`); ``execution_timeout`` (seconds per cell) and ``time_limit``
    (seconds for the whole run, counted from this call) turn a hang into a :class:`KernelError`.
    """
    started = time.monotonic()
    params = load_params(params_path)  # bad params fail here, before any kernel starts
    params_file = Path(params_path).resolve()
    notebook = _notebook_path()
    if not notebook.is_file():
        raise JuesuanError(f"the audit notebook is missing: {notebook}",
                           hint="juesuan audit runs from a source checkout (pip install -e .)")

    out_dir = _output_folder(output_dir, params.department_id)
    run = AuditRun(
        department_id=params.department_id, out_dir=out_dir,
        report_html=out_dir / "report.html", report_ipynb=out_dir / "report.ipynb",
        findings_json=out_dir / "findings.json", findings_csv=out_dir / "findings.csv",
        inconsistent=0, errors=0,
    )
    stage = _staging_folder(out_dir)
    try:
        _execute(params, params_file, notebook, run, stage, engine_name=engine_name,
                 execution_timeout=execution_timeout, time_limit=time_limit, started=started)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    inconsistent, errors = _summary_counts(run)
    return dataclasses.replace(run, inconsistent=inconsistent, errors=errors)


def _execute(params: AuditParams, params_file: Path, notebook: Path, run: AuditRun, stage: Path, *,
             engine_name: str | None, execution_timeout: float | None, time_limit: float | None,
             started: float) -> None:
    out_dir = run.out_dir
    staged_nb = stage / "report.ipynb"  # papermill's output; becomes report.ipynb
    extra: dict[str, object] = {}
    if time_limit:
        extra["timeout_func"] = _deadline_timeout(started + time_limit, execution_timeout)
    try:
        nb = papermill.execute_notebook(
            str(notebook), str(staged_nb),
            parameters={"params_path": str(params_file), "output_dir": str(stage)},
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
            **extra,
        )
    except papermill.PapermillExecutionError as exc:
        error = ": ".join(filter(None, (exc.ename, _first_line(exc.evalue))))
        message = f"audit of {params.department_id} failed in cell [{exc.exec_count}]: {error}"
        # papermill saved the notebook, with its error markers, before raising.
        partial = nbformat.read(staged_nb, as_version=4)
        _point_record_at(partial, stage, out_dir)
        _stage_text(out_dir, staged_nb, nbformat.writes(partial))
        _stage_text(out_dir, stage / "report.html",
                    notebook_to_html(_with_banner(partial, message, run.report_ipynb.name), _title(params)))
        _publish(stage, out_dir, ("report.ipynb", "report.html"), success=False)
        raise JuesuanError(message, hint=f"see {run.report_html}") from None
    except Exception as exc:  # the kernel died, timed out or could not start
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES):
            raise _cannot_write(out_dir, exc) from None  # papermill could not save the notebook
        from nbclient.exceptions import CellTimeoutError

        if isinstance(exc, CellTimeoutError) and time_limit and time.monotonic() - started >= time_limit - 0.5:
            message = f"audit of {params.department_id} took longer than the limit of {time_limit:g} s"
            hint = f"raise it with --timeout; see {run.report_html}"
        else:
            message = f"audit of {params.department_id} could not run: {type(exc).__name__}: {_first_line(exc)}"
            hint = f"see {run.report_html}"
        _stage_text(out_dir, stage / "report.html",
                    notebook_to_html(_failure_notebook(params, message), _title(params)))
        _publish(stage, out_dir, ("report.html",), success=False)
        raise KernelError(message, hint=hint) from exc
    _point_record_at(nb, stage, out_dir)
    missing = [n for n in ("findings.json", "findings.csv") if not (stage / n).is_file()]
    if missing:  # nothing is replaced: the folder keeps the last complete set of outputs
        raise JuesuanError(f"audit of {params.department_id} ran but did not write {', '.join(missing)}",
                           path=str(out_dir), hint="the notebook must call result.write(output_dir)")
    _stage_text(out_dir, staged_nb, nbformat.writes(nb))
    _stage_text(out_dir, stage / "report.html", notebook_to_html(nb, _title(params)))
    _publish(stage, out_dir, OUTPUTS, success=True)
