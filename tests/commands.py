"""Run the ``juesuan`` command as a user does, and read its stderr as they would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``juesuan ARGS`` in a fresh process of this interpreter (``env`` adds to the environment)."""
    return subprocess.run([sys.executable, "-m", "juesuan.cli", *args], check=False, capture_output=True, text=True,
                          cwd=cwd, timeout=300, env={**os.environ, **(env or {})})


def one_line_error(p: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Assert exit 2 and exactly one stderr line holding every needle, no traceback; return the line."""
    assert p.returncode == 2, (p.returncode, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr and "internal error" not in p.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]
