"""Worker processes for ``juesuan batch``: each keeps a warm kernel and runs one department at a time.

``concurrent.futures.ProcessPoolExecutor`` cannot say which job a dead worker was running: when
the OS kills one (out of memory, a segfault in a C extension) every queued future fails with
``BrokenProcessPool``. Here the parent hands each worker one department over a pipe and knows,
at every moment, who runs what, so it can:

* replace a worker that died and give *only its* department one more try;
* stop a department that runs past ``timeout`` seconds (kill the worker and its kernel; one
  more try, since a hang may be transient);
* stop a worker whose resident memory, with its kernel's, passes ``max_memory_mb`` (no retry:
  the same department would need the same memory again);
* on Ctrl-C, stop handing out departments and let the ones in progress finish, so every report
  on disk is whole; a second Ctrl-C stops at once (outputs are written atomically either way).

Workers ignore SIGINT (the terminal sends it to the whole process group); jupyter_client starts
each kernel in its own session, so a Ctrl-C never interrupts a cell half-way.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Self

__all__ = ["Limits", "WorkerPool", "tree_rss_mb"]

_POLL = 0.5  # seconds between checks of deadlines and memory
_GRACE = 30.0  # seconds past the timeout before the worker is killed: its own cell timeout acts first
_STARTUP = 300.0  # seconds a new worker may take to import and report that it started the job


@dataclass(frozen=True)
class Limits:
    """Bounds on one department's run in a worker."""

    timeout: float | None = None
    """Seconds one attempt may take, wall clock (None: no bound)."""
    max_memory_mb: float | None = None
    """Resident memory of a worker plus its kernel, in MB (None: no bound)."""


def _serve(conn: Connection) -> None:
    """A worker: run each ``(function, kwargs)`` received, send back its result, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from ..startup import defer_iri_grammar

    defer_iri_grammar()  # before papermill imports jsonschema
    from .engine import WarmKernelEngine

    try:
        while True:
            try:
                task = conn.recv()
            except EOFError:  # the parent went away
                break
            if task is None:
                break
            fn, kwargs = task
            conn.send(("started", None))  # the time limit counts from here, not from the worker's start-up
            try:
                conn.send(("ok", fn(**kwargs)))
            except Exception as exc:  # noqa: BLE001 - a department's own failures never raise; this is a bug
                conn.send(("raised", f"{type(exc).__name__}: {exc}"))
    finally:
        WarmKernelEngine.shutdown()


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (a worker and its kernel), in MB."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total / 2**20


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [*proc.children(recursive=True), proc]
    except psutil.Error:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=10)


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child,), daemon=True, name="juesuan-worker")
        self.proc.start()
        child.close()
        self.job: dict[str, Any] | None = None
        self.attempt = 0
        self.given = 0.0
        self.started: float | None = None
        self.asked = False

    def give(self, fn: Callable[..., Any], job: dict[str, Any], attempt: int) -> None:
        self.job, self.attempt, self.given, self.started = job, attempt, time.monotonic(), None
        self.conn.send((fn, job))

    def receive(self) -> tuple[str, Any]:
        """The next message: ``started`` (which starts the job's clock), then ``ok`` or ``raised``."""
        status, value = self.conn.recv()
        if status == "started":
            self.started = time.monotonic()
        return status, value

    def death(self) -> str:
        """What to say about a worker that died."""
        self.proc.join(timeout=5)
        code = self.proc.exitcode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return f"the worker process died twice ({how}; out of memory?)"

    def overdue(self, timeout: float) -> bool:
        if self.started is None:  # still starting up (imports): a generous bound, but a bound
            return time.monotonic() - self.given > timeout + _STARTUP
        return time.monotonic() - self.started > timeout + _GRACE

    def ask_to_stop(self) -> None:
        if not self.asked:
            self.asked = True
            try:
                self.conn.send(None)
            except OSError:
                pass

    def stop(self) -> None:
        """Ask an idle worker to exit (it stops its kernel first) and wait for it."""
        self.ask_to_stop()
        self.proc.join(timeout=15)
        if self.proc.is_alive():
            _kill_tree(self.proc.pid)
        self.conn.close()

    def kill(self) -> None:
        _kill_tree(self.proc.pid)
        self.proc.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Up to ``workers`` processes, started on demand and kept (with their kernels) until closed."""

    def __init__(self, workers: int, limits: Limits = Limits()) -> None:
        self.workers = max(1, workers)
        self.limits = limits
        self._ctx = multiprocessing.get_context("spawn")  # no fork of a process that has threads
        self._pool: list[_Worker] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(now=kind is not None)

    def close(self, now: bool = False) -> None:
        if now:
            for worker in self._pool:
                worker.kill()
        else:  # ask all first, then wait: the workers stop their kernels side by side
            for worker in self._pool:
                worker.ask_to_stop()
            for worker in self._pool:
                worker.stop()
        self._pool.clear()

    def call(self, fn: Callable[..., Any], **kwargs: Any) -> Any:
        """``fn(**kwargs)`` on one (warm) worker; RuntimeError if it raised or the worker died."""
        if not self._pool:
            self._pool.append(_Worker(self._ctx))
        worker = self._pool[0]
        worker.give(fn, kwargs, 1)
        try:
            status, value = worker.receive()
            while status == "started":
                status, value = worker.receive()
        except (EOFError, OSError):
            self._pool.remove(worker)
            worker.kill()
            raise RuntimeError("the worker process died") from None
        worker.job = None
        if status != "ok":
            raise RuntimeError(value)
        return value

    def map(self, run: Callable[..., Any], jobs: list[dict[str, Any]],
            fail: Callable[[dict[str, Any], str], Any]) -> Iterator[Any]:
        """``run(**job)`` for every job; yield each result as it comes (see the module doc).

        ``run`` must be a module-level function (it is pickled to spawned workers) that never
        raises for a job's own failure. A job whose worker died, or that passed a limit, is retried
        once (as ``run(**job, attempt=2)``) where that can help, else ``fail(job, message)``
        (called in this process) gives its result.
        """
        limits, pool = self.limits, self._pool
        queue: deque[tuple[dict[str, Any], int]] = deque((job, 1) for job in jobs)
        stopping = False

        def lost(worker: _Worker, why: str, retry: bool) -> Iterator[Any]:
            job, attempt = worker.job, worker.attempt
            pool.remove(worker)
            worker.kill()
            if job is None:
                return
            if retry and attempt == 1 and not stopping:
                queue.appendleft(({**job, "attempt": 2}, 2))
            else:
                yield fail(job, why)

        while queue or any(w.job is not None for w in pool):
            # Start workers as needed and hand out jobs, unless Ctrl-C asked to stop.
            if not stopping:
                while queue and len(pool) < min(self.workers, len(queue) + sum(w.job is not None for w in pool)):
                    pool.append(_Worker(self._ctx))
                for worker in pool:
                    if worker.job is None and queue:
                        worker.give(run, *queue.popleft())
            busy = [w for w in pool if w.job is not None]
            if not busy:
                break
            try:
                ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=_POLL)
            except KeyboardInterrupt:
                if stopping:
                    raise
                stopping = True
                queue.clear()
                print("juesuan: stopping after the departments in progress (Ctrl-C again to stop now)",
                      file=sys.stderr)
                continue
            for worker in busy:
                if worker.conn in ready:
                    try:
                        status, value = worker.receive()
                    except (EOFError, OSError):  # the pipe closed: the worker died
                        yield from lost(worker, worker.death(), retry=True)
                        continue
                    if status == "started":
                        continue
                    job, worker.job = worker.job, None
                    yield value if status == "ok" else fail(job, f"juesuan failed: {value}")
                elif worker.proc.sentinel in ready or not worker.proc.is_alive():
                    yield from lost(worker, worker.death(), retry=True)
                elif limits.timeout and worker.overdue(limits.timeout):
                    yield from lost(worker, f"took longer than the limit of {limits.timeout:g} s per department "
                                    "(raise it with --timeout)", retry=True)
                elif limits.max_memory_mb and tree_rss_mb(worker.proc.pid) > limits.max_memory_mb:
                    yield from lost(worker, f"used more than the limit of {limits.max_memory_mb:g} MB per worker "
                                    "(raise it with --max-memory)", retry=False)
        if stopping:
            raise KeyboardInterrupt
