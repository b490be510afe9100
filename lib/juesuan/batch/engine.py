"""A papermill engine that keeps one kernel warm between notebooks (tooling-notes §2.4, §7).

A cold audit kernel spends ~5 s importing pandas, matplotlib, seaborn and great-expectations
before the first line of the audit runs. ``WarmKernelEngine`` (registered as
``juesuan-warm``) starts the kernel once per process and thread and, before each further
notebook, resets what a notebook can leave behind:

* the user namespace (``%reset -f``) and the execution counter, so the executed notebook
  numbers its cells as a fresh kernel would;
* matplotlib's figures and rcParams (back to the rc file's values); the audit notebook's setup
  cell re-applies the font and the seaborn theme every run (``charts.use_cjk_font``).

``%reset`` ends in a full garbage collection, which over a heap holding pandas, matplotlib and
great-expectations took ~0.4 s per department; ``gc.freeze()`` right after it moves what
survived (imported modules, their caches) out of the collector's sight, so the next reset only
scans what the last notebook created (~0.07 s).

What still survives, by design: imported modules and their caches (the point of the engine).
The kernel is replaced after a cell raises, after it dies or times out, and every
``max_runs`` notebooks (papermill#478: memory and ZMQ threads creep up in long loops).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from typing import Any

from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args
from traitlets import default

from ..run import _ThisInterpreterKernelManager

__all__ = ["ENGINE_NAME", "WarmKernelEngine"]

ENGINE_NAME = "juesuan-warm"

#: Run in the kept kernel before each notebook after the first.
RESET = """\
%reset -f
import gc as _gc
_gc.freeze()
del _gc
import sys as _sys
if "matplotlib.pyplot" in _sys.modules:
    import matplotlib as _mpl, matplotlib.pyplot as _plt
    _plt.close("all")
    _mpl.rc_file_defaults()
    del _mpl, _plt
del _sys
get_ipython().execution_count = 1
"""


class _WarmKernelManager(_ThisInterpreterKernelManager):
    """One IPC socket prefix per process *and thread*: threaded executors keep a kernel each."""

    @default("ip")
    def _default_ip(self) -> str:
        if self.transport == "ipc":
            return os.path.join(tempfile.gettempdir(),
                                f"juesuan-warm-{os.getpid()}-{threading.get_ident()}")
        return "127.0.0.1"


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, but the kernel outlives the notebook (see the module doc)."""

    max_runs = 200
    _state = threading.local()  # .km, .runs: one kernel per thread (run_sync keeps a loop per thread)

    @classmethod
    def _get(cls) -> tuple[Any, int]:
        return getattr(cls._state, "km", None), getattr(cls._state, "runs", 0)

    @classmethod
    def kernel_pid(cls) -> int | None:
        """The pid of this thread's kept kernel, if one is running (for tests and the benchmark)."""
        km, _ = cls._get()
        if km is None or not km.has_kernel:
            return None
        provisioner = getattr(km, "provisioner", None)
        return getattr(getattr(provisioner, "process", None), "pid", None)

    @classmethod
    def shutdown(cls) -> None:
        """Stop this thread's kept kernel, if any."""
        km, _ = cls._get()
        cls._state.km, cls._state.runs = None, 0
        if km is not None and km.has_kernel:
            with contextlib.suppress(Exception):  # best effort: it may already be gone
                run_sync(km.shutdown_kernel)(now=True)

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout", "shutdown_kernel"], **kwargs)
        kwargs["kernel_manager_class"] = _WarmKernelManager
        final = merge_kwargs(kwargs, timeout=execution_timeout or None, startup_timeout=start_timeout,
                             kernel_name=kernel_name, log_output=log_output,
                             stdout_file=stdout_file, stderr_file=stderr_file)
        km, runs = cls._get()
        if km is not None and (runs >= cls.max_runs or not run_sync(km.is_alive)()):
            cls.shutdown()
            km, runs = None, 0
        reuse = km is not None
        client = PapermillNotebookClient(nb_man, km=km, **final)
        try:
            if reuse:
                with client.setup_kernel(cleanup_kc=False):
                    run_sync(client.kc._async_execute_interactive)(
                        RESET, timeout=30, store_history=False, output_hook=lambda msg: None)
            nb = client.execute(cleanup_kc=False)
        except BaseException:
            cls._state.km = client.km
            cls.shutdown()
            raise
        finally:
            if client.kc is not None:
                client.kc.stop_channels()
        cls._state.km, cls._state.runs = client.km, runs + 1
        if nb.metadata.get("papermill", {}).get("exception"):
            cls.shutdown()  # a cell raised: the next notebook gets a kernel nobody touched
        return nb


papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
