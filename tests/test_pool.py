"""The batch's worker pool: a dead, slow or greedy worker costs only its own job."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from juesuan.batch import pool as pool_module
from juesuan.batch.pool import Limits, WorkerPool


def echo(n: int, attempt: int = 1) -> tuple[int, int]:
    return n, attempt


def die_once(n: int, flag: str, attempt: int = 1) -> tuple[int, int]:
    """SIGKILL this worker the first time (as the OOM killer would); answer on the retry."""
    if not Path(flag).exists():
        Path(flag).write_text("died")
        os.kill(os.getpid(), signal.SIGKILL)
    return n, attempt


def always_die(n: int, attempt: int = 1) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def sleep_long(n: int, attempt: int = 1) -> None:
    time.sleep(60)


def hog(n: int, attempt: int = 1) -> int:
    block = bytearray(400 * 2**20)  # touched below, so it is resident
    for i in range(0, len(block), 4096):
        block[i] = 1
    time.sleep(30)
    return len(block)


def raise_bug(n: int, attempt: int = 1) -> None:
    raise ValueError("a bug, not a department's failure")


def _fail(job, message):
    return ("failed", job["n"], message)


def test_every_job_runs_once_and_results_come_back():
    with WorkerPool(2) as pool:
        results = sorted(pool.map(echo, [{"n": i} for i in range(6)], _fail))
    assert results == [(i, 1) for i in range(6)]


def test_a_worker_killed_mid_job_is_replaced_and_only_its_job_retried(tmp_path):
    flag = tmp_path / "flag"
    jobs = [{"n": 0}, {"n": 1, "flag": str(flag)}, {"n": 2}]
    with WorkerPool(2) as pool:
        results = sorted(pool.map(die_once_or_echo, jobs, _fail))
    assert results == [(0, 1), (1, 2), (2, 1)]  # job 1 ran twice, the others once
    assert flag.read_text() == "died"


def die_once_or_echo(n: int, flag: str | None = None, attempt: int = 1) -> tuple[int, int]:
    return die_once(n, flag, attempt) if flag else echo(n, attempt)


def test_a_job_that_kills_its_worker_twice_fails_alone():
    with WorkerPool(1) as pool:
        results = list(pool.map(always_die, [{"n": 7}], _fail))
        assert results[0][:2] == ("failed", 7)
        assert "worker process died" in results[0][2] and "signal 9" in results[0][2]
        assert list(pool.map(echo, [{"n": 8}], _fail)) == [(8, 1)]  # the pool still works


def test_a_job_past_the_time_limit_is_stopped_retried_then_failed(monkeypatch):
    monkeypatch.setattr(pool_module, "_GRACE", 0.0)
    start = time.monotonic()
    with WorkerPool(2, Limits(timeout=1.0)) as pool:
        results = sorted(pool.map(die_or_sleep, [{"n": 1}, {"n": 2}], _fail), key=str)
    assert (2, 1) in results
    failed = [r for r in results if r[0] == "failed"]
    assert len(failed) == 1 and "longer than the limit of 1 s" in failed[0][2] and "--timeout" in failed[0][2]
    assert time.monotonic() - start < 30


def die_or_sleep(n: int, attempt: int = 1):
    return sleep_long(n, attempt) if n == 1 else echo(n, attempt)


def test_a_job_past_the_memory_limit_fails_without_a_retry():
    with WorkerPool(1, Limits(max_memory_mb=300)) as pool:
        results = list(pool.map(hog, [{"n": 3}], _fail))
    assert results[0][:2] == ("failed", 3)
    assert "more than the limit of 300 MB" in results[0][2] and "--max-memory" in results[0][2]


def test_a_function_that_raises_is_reported_as_a_failure_not_a_crash():
    with WorkerPool(1) as pool:
        (result,) = pool.map(raise_bug, [{"n": 4}], _fail)
    assert result[0] == "failed" and "ValueError: a bug" in result[2]


def test_call_runs_on_a_kept_worker():
    with WorkerPool(1) as pool:
        assert pool.call(echo, n=5) == (5, 1)
        first = pool._pool[0].proc.pid
        assert pool.call(echo, n=6) == (6, 1)
        assert pool._pool[0].proc.pid == first
        with pytest.raises(RuntimeError, match="ValueError"):
            pool.call(raise_bug, n=0)
