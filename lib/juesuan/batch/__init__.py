"""Many departments at once: ``juesuan batch`` (warm kernels, incremental, a portfolio page).

:func:`run_batch` is the entry point; :mod:`.engine` is the warm-kernel papermill engine,
:mod:`.portfolio` builds ``OUTDIR/index.html``. Importing this package is cheap.
"""

from __future__ import annotations

from .core import BatchResult, DeptResult, discover, run_batch, run_department

__all__ = ["BatchResult", "DeptResult", "discover", "run_batch", "run_department"]
