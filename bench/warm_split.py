"""Where a warm department's time goes: wall clock, and CPU in the papermill process vs its kernel.

    .venv/bin/python bench/warm_split.py PARAMS_DIR [N]

Runs N departments (default 8) one after another through ``run_audit`` with the ``juesuan-warm``
engine in this process, after one warm-up department, and prints per department the wall time,
this process's CPU (papermill, nbclient, HTML export, font subset) and the kernel's CPU (the
notebook: audit, suites, analyses, charts). Compare with ``bench/batch.py``'s floor.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import psutil

from juesuan.batch.engine import WarmKernelEngine
from juesuan.run import run_audit


def _cpu() -> tuple[float, float]:
    me = psutil.Process()
    own = me.cpu_times()
    kernel = 0.0
    for child in me.children(recursive=True):
        try:
            t = child.cpu_times()
            kernel += t.user + t.system
        except psutil.Error:
            pass
    return own.user + own.system, kernel


def main() -> None:
    folder, n = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 8
    params = sorted(folder.glob("*.yaml"))[: n + 1]
    out = tempfile.mkdtemp(prefix="juesuan-warm-split-")
    run_audit(str(params[0]), out, engine_name="juesuan-warm")  # imports and kernel start, off the clock
    own0, kernel0 = _cpu()
    start = time.perf_counter()
    for p in params[1:]:
        run_audit(str(p), out, engine_name="juesuan-warm")
    own1, kernel1 = _cpu()
    k = len(params) - 1
    print(f"{k} departments: wall {(time.perf_counter() - start) / k:.2f} s/dept; CPU papermill process "
          f"{(own1 - own0) / k:.2f} s, kernel {(kernel1 - kernel0) / k:.2f} s per department")
    WarmKernelEngine.shutdown()


if __name__ == "__main__":
    main()
