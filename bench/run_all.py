"""Run every benchmark in bench/ (``make bench``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    for script in ("extract_seed.py", "suites_seed.py"):
        print(f"== {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script)], check=True)
    corpus = HERE.parent.parent / "shared" / "corpus" / "real"
    if corpus.is_dir():
        print("== corpus.sh", flush=True)
        subprocess.run(["bash", str(HERE / "corpus.sh")], check=False)
    else:
        print(f"== corpus.sh skipped: {corpus} not found")
