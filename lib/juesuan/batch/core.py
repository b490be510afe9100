"""``juesuan batch``: audit many departments, incrementally, in warm kernels, then a portfolio page.

One department = ``run_audit`` through the ``juesuan-warm`` papermill engine, in a worker
process (``-j``) or a Dask worker (``--executor dask``). Per department ``OUTDIR/<id>/`` gets
the four files of ``juesuan audit`` plus ``manifest.json``: the hashes of everything the
result depends on (params, sources, code, notebook, suites, version) and whether it ran. A
department whose manifest matches and says ``ok`` is skipped unless ``force``.

A kernel that dies or hangs (``execution_timeout`` per cell) is replaced and only that
department is retried, once; so is a worker process that dies or passes the time limit
(:mod:`juesuan.batch.pool`, which also enforces the memory limit). A department that fails
still gets ``report.html`` saying what failed; the batch goes on, and ``BatchResult.failed``
makes the CLI exit 3. ``OUTDIR/index.html`` is rebuilt, on a warm worker, only when some
department's manifest or findings changed (``OUTDIR/.index-key``).

``OUTDIR/.juesuan-batch.lock`` (an ``flock``) keeps two batches out of one folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import juesuan

from ..errors import JuesuanError
from ..findings import atomic_write_text
from .pool import Limits, WorkerPool, tree_rss_mb
from .store import LocalStore, open_store, staging

__all__ = ["BatchResult", "DeptResult", "discover", "run_batch", "run_department"]

LOCK_NAME = ".juesuan-batch.lock"
MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "juesuan/batch-manifest/1"
DEFAULT_TIMEOUT = 600.0  # seconds per department (and so per cell): a hung kernel, not a slow one
DEFAULT_MAX_MEMORY_MB = 4096.0  # per worker and its kernel; a department needs ~0.7 GB
INDEX_KEY = ".index-key"
OUTPUTS = ("report.html", "report.ipynb", "findings.json", "findings.csv")


@dataclass
class DeptResult:
    """What happened to one department in a batch."""

    params: str
    department_id: str
    status: str  # "ok", "skipped" or "failed"
    message: str = ""
    seconds: float = 0.0
    attempts: int = 0
    inconsistent: int = 0
    errors: int = 0
    worker: int = 0
    rss_mb: float = 0.0


@dataclass
class BatchResult:
    out_dir: Path | str
    """The output folder, or its fsspec URL."""
    departments: list[DeptResult] = field(default_factory=list)
    index_html: Path | str | None = None
    index_error: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> list[DeptResult]:
        return [d for d in self.departments if d.status == "failed"]

    def count(self, status: str) -> int:
        return sum(d.status == status for d in self.departments)


# --------------------------------------------------------------------------------------------
# What a department's result depends on


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """The params files named, and the ``*.yaml``/``*.yml`` in the folders named, sorted, unique."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += sorted(q for q in p.iterdir() if q.suffix in (".yaml", ".yml") and q.is_file())
        elif p.is_file():
            found.append(p)
        else:
            raise JuesuanError("no such params file or folder", path=str(p))
    seen: set[Path] = set()
    unique = []
    for p in found:
        r = p.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(r)
    return unique


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def code_hash() -> str:
    """sha256 over juesuan's code, templates and the audit notebook: 'the code' of a result."""
    root = Path(juesuan.__file__).resolve().parent
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".tpl", ".css",
                                                                              ".json", ".html"))
    notebook = root.parents[1] / "notebooks" / "audit.ipynb"
    h = hashlib.sha256()
    for p in [*files, notebook]:
        if p.is_file():
            h.update(str(p.relative_to(root.parents[1])).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def department_key(params_path: Path, code: str) -> dict[str, Any]:
    """Everything the department's outputs depend on, as hashes (raises InputError on bad params)."""
    from ..params import load_params
    from ..suites import suite_hashes

    params = load_params(params_path)
    inputs = {name: _sha256_file(getattr(params, name))
              for name in ("source", "prior_source", "figures") if getattr(params, name) is not None}
    return {
        "department_id": params.department_id,
        "params_sha256": _sha256_file(params_path),
        "params_path": str(params_path),
        "inputs": inputs,
        "version": juesuan.__version__,
        "code": code,
        "suites": suite_hashes(),
    }


def _fallback_id(params_path: Path) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", params_path.stem.lower()).strip("-") or "department"


def _write_manifest(dept_dir: Path, key: dict[str, Any] | None, result: DeptResult) -> None:
    doc = {"schema": MANIFEST_SCHEMA, "status": result.status, "message": result.message,
           "seconds": round(result.seconds, 3), "key": key}
    atomic_write_text(dept_dir / MANIFEST, json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n")


def _failure_page(dept_dir: Path, title: str, message: str) -> None:
    """report.html for a department that never reached a kernel (bad params, duplicate id, a dead worker).

    Written like ``juesuan audit``'s failure pages: staged, then renamed into place, an earlier
    successful run's outputs moved to ``previous/`` rather than deleted, and the title and
    message inert (escaped markdown: a params path can carry ``[x](javascript:…)``).
    """
    import shutil

    import nbformat

    from ..report import notebook_to_html
    from ..run import _md_text, _publish, _stage_text, _staging_folder

    _remove_temporaries(dept_dir)
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {_md_text(title)}"))
    nb.cells.append(nbformat.v4.new_markdown_cell(
        f'<p style="color:#b00020;font-weight:bold">本报告未能完成：{_md_text(message)}</p>'))
    dept_dir.mkdir(parents=True, exist_ok=True)
    stage = _staging_folder(dept_dir)
    try:
        _stage_text(dept_dir, stage / "report.html", notebook_to_html(nb, title, embed_font=False))
        _publish(stage, dept_dir, ("report.html",), success=False)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


# A manifest written by a worker killed mid-write (findings.atomic_write_text's temporary name);
# everything else a run writes goes through run.py's staging folder, which cleans up after itself.
_TEMPORARY = re.compile(r"^\.manifest\.json\..+\.tmp$")


def _remove_temporaries(dept_dir: Path) -> None:
    """Remove a half-written manifest left by a worker that was killed."""
    if dept_dir.is_dir():
        for f in dept_dir.iterdir():
            if _TEMPORARY.match(f.name):
                f.unlink(missing_ok=True)


def _up_to_date(store: Any, dept: str, key: dict[str, Any], result: DeptResult) -> bool:
    """True (and ``result`` marked skipped) when the last run of this key succeeded and its files are there."""
    try:
        old = json.loads(store.read_bytes(f"{dept}/{MANIFEST}") or b"null")
    except ValueError:
        return False
    if not isinstance(old, dict) or old.get("status") != "ok" or old.get("key") != key:
        return False
    if not all(store.exists(f"{dept}/{name}") for name in OUTPUTS):
        return False
    try:
        summary = json.loads(store.read_bytes(f"{dept}/findings.json") or b"null")["summary"]
        result.inconsistent, result.errors = int(summary["inconsistent"]), int(summary["errors"])
    except (ValueError, KeyError, TypeError):
        return False
    result.status, result.message = "skipped", "unchanged"
    return True


def _skipped(job: dict[str, Any], key: dict[str, Any] | None, store: Any) -> DeptResult | None:
    """The skip check of :func:`run_department`, done before any worker or kernel starts."""
    if key is None or job.get("force") or job.get("skip_error"):
        return None
    result = DeptResult(params=job["params_path"], department_id=key["department_id"], status="failed",
                        worker=os.getpid())
    return result if _up_to_date(store, key["department_id"], key, result) else None


# --------------------------------------------------------------------------------------------
# One department (runs in a worker)


def run_department(params_path: str | Path, out_dir: str | Path, *, force: bool = False, code: str | None = None,
                   engine: str | None = "juesuan-warm", execution_timeout: float | None = DEFAULT_TIMEOUT,
                   department_id: str | None = None, skip_error: str | None = None, attempt: int = 1) -> DeptResult:
    """Audit one department into ``out_dir/<id>/`` unless its manifest says it is up to date.

    ``out_dir`` is a folder or an fsspec URL (the department then runs in a local staging folder
    and is uploaded, see :mod:`juesuan.batch.store`). Never raises for a department's own
    failure: the result says ``failed`` and why, and ``report.html`` says so too.
    ``skip_error`` marks a department the caller already found unusable (a duplicate id) so it
    only gets its failure page. ``attempt`` 2 says the pool already tried once (its worker
    died): no further retry then.
    """
    store = open_store(out_dir)
    if not store.remote:
        return _run_department(Path(params_path), store, store.root, force=force, code=code, engine=engine,
                               execution_timeout=execution_timeout, department_id=department_id,
                               skip_error=skip_error, attempt=attempt)
    with staging() as stage:
        result = _run_department(Path(params_path), store, stage, force=force, code=code, engine=engine,
                                 execution_timeout=execution_timeout, department_id=department_id,
                                 skip_error=skip_error, attempt=attempt)
        if result.status != "skipped":
            store.publish(stage / result.department_id, result.department_id, last=MANIFEST)
    return result


def _run_department(params_path: Path, store: Any, out: Path, *, force: bool, code: str | None,
                    engine: str | None, execution_timeout: float | None, department_id: str | None,
                    skip_error: str | None, attempt: int) -> DeptResult:
    """:func:`run_department` with the outputs written under the local folder ``out``."""
    from ..run import KernelError, run_audit

    if engine == "juesuan-warm":
        from . import engine as _engine  # noqa: F401 - registers the engine in this process

    code = code or code_hash()
    start = time.perf_counter()
    result = DeptResult(params=str(params_path), department_id=department_id or _fallback_id(params_path),
                        status="failed", worker=os.getpid())

    def finish(key: dict[str, Any] | None) -> DeptResult:
        result.seconds = time.perf_counter() - start
        result.rss_mb = tree_rss_mb(os.getpid())  # this worker and its kept kernel
        if result.status != "skipped":
            _write_manifest(out / result.department_id, key, result)
        return result

    if skip_error:
        result.message = skip_error
        _failure_page(out / result.department_id, result.department_id, skip_error)
        return finish(None)
    try:
        key = department_key(params_path, code)
    except JuesuanError as exc:
        result.message = f"could not read the params: {exc.one_line()}"
        _failure_page(out / result.department_id, result.department_id, result.message)
        return finish(None)
    result.department_id = key["department_id"]
    dept_dir = out / result.department_id

    if not force and _up_to_date(store, result.department_id, key, result):
        return finish(key)
    if dept_dir.exists():
        (dept_dir / MANIFEST).unlink(missing_ok=True)  # an interrupted run must not look done
        _remove_temporaries(dept_dir)

    for attempt_no in range(attempt, 3):
        result.attempts = attempt_no
        try:
            run = run_audit(str(params_path), str(out), engine_name=engine, execution_timeout=execution_timeout)
        except KernelError as exc:  # died, hung or did not start: a fresh kernel gets one more go
            result.message = exc.one_line()
            if attempt_no == 1:
                continue
        except JuesuanError as exc:  # the notebook itself failed: the same again would fail again
            result.message = exc.one_line()
        else:
            result.status, result.message = "ok", ""
            result.inconsistent, result.errors = run.inconsistent, run.errors
        break
    return finish(key)


# --------------------------------------------------------------------------------------------
# Executors


def _fail(job: dict[str, Any], message: str) -> DeptResult:
    """The failure page and result of a department whose worker died or passed a limit."""
    return run_department(**{**job, "skip_error": message})


def _dask(jobs: list[dict[str, Any]], workers: int, scheduler: str | None, limits: Limits) -> Iterator[DeptResult]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise JuesuanError("--executor dask needs dask and distributed installed") from exc
    cluster_cm: Any = contextlib.nullcontext()
    if not scheduler:
        # The nanny restarts a worker past its memory limit; the department then fails here.
        cluster_cm = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1",
                                  memory_limit=f"{limits.max_memory_mb:g}MB" if limits.max_memory_mb else "auto")
    with cluster_cm as cluster, Client(scheduler or cluster, timeout="30s") as client:
        futures = [client.submit(run_department, pure=False, key=f"juesuan-{i}-{os.getpid()}-{time.time_ns()}", **job)
                   for i, job in enumerate(jobs)]
        for fut in as_completed(futures):
            try:
                yield fut.result()
            except Exception as exc:  # noqa: BLE001 - the worker died or the task could not run
                yield _fail(jobs[futures.index(fut)], f"the Dask task failed: {type(exc).__name__}: {exc}")
        # Stop the kept kernels (one per worker thread; with threads_per_worker=1 this reaches
        # them all) so workers exit quietly instead of kernels noticing an orphaned parent.
        with contextlib.suppress(Exception):
            stops = [client.submit(_stop_kernel, pure=False, workers=[addr], allow_other_workers=False)
                     for addr in client.scheduler_info()["workers"]]
            client.gather(stops, errors="skip")


def _stop_kernel() -> None:
    """Stop this process's kept kernel, if it ever started one (importing the engine costs ~1.5 s)."""
    engine = sys.modules.get(f"{__package__}.engine")
    if engine is not None:
        engine.WarmKernelEngine.shutdown()


# --------------------------------------------------------------------------------------------
# The batch


def batch_lock(out: Path) -> contextlib.AbstractContextManager[None]:
    """Hold ``OUTDIR/.juesuan-batch.lock`` (an ``flock``); a second holder gets a JuesuanError (exit 2)."""
    return LocalStore(out).lock(LOCK_NAME)


def _plan(params_files: list[Path], out: str, force: bool, code: str, execution_timeout: float | None,
          engine: str | None) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """One job per params file, with its department key (None when the params cannot be read:
    the worker writes the page saying why); a department id used twice fails the later files."""
    seen: dict[str, Path] = {}
    planned = []
    for p in params_files:
        job: dict[str, Any] = {"params_path": str(p), "out_dir": out, "force": force, "code": code,
                               "engine": engine, "execution_timeout": execution_timeout}
        try:
            key: dict[str, Any] | None = department_key(p, code)
        except JuesuanError:
            key = None
        if key is not None:
            dept = key["department_id"]
            if dept in seen:
                job["department_id"] = f"{dept}-duplicate-{_fallback_id(p)}"
                job["skip_error"] = f"department_id {dept} is also used by {seen[dept]}; ids must be unique"
            else:
                seen[dept] = p
                job["department_id"] = dept  # where a failure page goes if the worker dies
        planned.append((job, key))
    return planned


def run_batch(params: Iterable[str | Path] = ("params",), out_dir: str | Path = "reports", *, workers: int = 1,
              executor: str = "local", scheduler: str | None = None, force: bool = False,
              execution_timeout: float | None = DEFAULT_TIMEOUT, engine: str | None = "juesuan-warm",
              max_memory_mb: float | None = DEFAULT_MAX_MEMORY_MB,
              progress: Callable[[DeptResult, int, int], None] | None = None, index: bool = True) -> BatchResult:
    """Audit every department of ``params`` (files and folders) into ``out_dir``; see the module doc.

    ``execution_timeout`` bounds one attempt at a department (seconds; every cell gets the same
    bound, so a hung cell is caught inside the worker first); ``max_memory_mb`` bounds a worker
    and its kernel. The index page is rebuilt only when a department's outputs changed.
    """
    if executor not in ("local", "dask"):
        raise JuesuanError(f"unknown executor {executor!r}", hint="use local or dask")
    if scheduler and executor != "dask":
        raise JuesuanError("--scheduler needs --executor dask")
    files = discover(params)
    store = open_store(out_dir)
    started = time.perf_counter()
    limits = Limits(timeout=execution_timeout, max_memory_mb=max_memory_mb)
    code = code_hash()
    with store.lock(LOCK_NAME), contextlib.ExitStack() as stack:
        stack.callback(_stop_kernel)
        pool = stack.enter_context(WorkerPool(workers, limits)) if executor == "local" else None
        planned = _plan(files, store.url, force, code, execution_timeout, engine)
        batch = BatchResult(out_dir=store.location())
        total = len(planned)
        todo = []
        for job, key in planned:
            skipped = _skipped(job, key, store)
            if skipped is None:
                todo.append(job)
                continue
            batch.departments.append(skipped)
            if progress is not None:
                progress(skipped, len(batch.departments), total)
        if not todo:
            stream: Iterable[DeptResult] = ()
        elif pool is not None:
            stream = pool.map(run_department, todo, _fail)
        else:
            stream = _dask(todo, workers, scheduler, limits)
        for res in stream:
            batch.departments.append(res)
            if progress is not None:
                progress(res, len(batch.departments), total)
        batch.departments.sort(key=lambda d: d.department_id)
        if index:
            batch.index_html, batch.index_error = _index(store, code, engine, pool)
    batch.seconds = time.perf_counter() - started
    return batch


def _index_key(store: Any, code: str) -> str:
    """sha256 over what the portfolio page shows: every department's manifest and findings, and the code."""
    h = hashlib.sha256(code.encode())
    for dept in store.departments():
        for name in (MANIFEST, "findings.json"):
            data = store.read_bytes(f"{dept}/{name}")
            h.update(f"{dept}/{name}\0".encode())
            if data is not None:
                h.update(hashlib.sha256(data).hexdigest().encode())
    return h.hexdigest()


def _index(store: Any, code: str, engine: str | None, pool: WorkerPool | None) -> tuple[Path | str | None, str]:
    """Build ``index.html`` unless it already shows exactly these departments; (where, error)."""
    key = _index_key(store, code)
    if store.exists("index.html") and (store.read_bytes(INDEX_KEY) or b"").decode("utf-8", "replace").strip() == key:
        return store.location("index.html"), ""
    from .portfolio import build_index

    try:
        with store.local_copy((MANIFEST, "findings.json"), writes=("index.html", INDEX_KEY)) as folder:
            if pool is not None:  # on a worker: its kernel is warm
                pool.call(build_index, out_dir=folder, engine=engine)
            else:
                build_index(folder, engine=engine)
            atomic_write_text(folder / INDEX_KEY, key + "\n")
    except Exception as exc:  # noqa: BLE001 - the departments' reports are done; say so, exit 3
        return None, f"the portfolio page could not be built: {type(exc).__name__}: {exc}"
    return store.location("index.html"), ""


def log_line(res: DeptResult, done: int, total: int) -> str:
    tail = f": {res.message}" if res.message and res.status != "skipped" else ""
    retry = " (retried)" if res.attempts > 1 else ""
    return f"[{done}/{total}] {res.department_id} {res.status}{retry} in {res.seconds:.1f} s{tail}"


def stream_is_terminal() -> bool:
    return sys.stderr.isatty()
