"""How long reading and extracting the bundled seed takes (issue target: < 0.5 s).

Run: .venv/bin/python bench/extract_seed.py
Prints the median and worst of 20 runs after one warm-up (imports excluded).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from juesuan.checks import check_claims
from juesuan.extract import extract
from juesuan.ingest import read_document

SEED = Path(__file__).resolve().parents[1] / "data" / "songshan-gov-office" / "2024.txt"


def main() -> None:
    extract(read_document(SEED))  # warm-up: regex compilation, OpenCC, pandas
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        ex = extract(read_document(SEED))
        check_claims(ex.claims)
        times.append(time.perf_counter() - t0)
    print(f"read+extract+check seed: median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms over {len(times)} runs; {len(ex.claims)} claims")


if __name__ == "__main__":
    main()
