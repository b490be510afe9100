"""How long running every suite on the seed takes once the libraries are imported (< 1 s).

Run: .venv/bin/python bench/suites_seed.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from juesuan import suites
from juesuan.checks import check_claims
from juesuan.extract import extract
from juesuan.findings import build_findings, reconciliation_frame
from juesuan.ingest import read_document

SEED = Path(__file__).resolve().parents[1] / "data" / "songshan-gov-office" / "2024.txt"


def main() -> None:
    t0 = time.perf_counter()
    import great_expectations  # noqa: F401
    print(f"import great_expectations: {time.perf_counter() - t0:.2f} s")
    claims = check_claims(extract(read_document(SEED)).claims)
    frame = reconciliation_frame(claims)
    t0 = time.perf_counter()
    suites.validate(frame)
    print(f"first validate (context + suites built): {time.perf_counter() - t0:.3f} s")
    times = []
    for _ in range(10):
        t0 = time.perf_counter()
        build_findings(claims, suites.validate(frame))
        times.append(time.perf_counter() - t0)
    print(f"validate + findings on {len(frame)} claims: median {statistics.median(times):.3f} s, "
          f"max {max(times):.3f} s over {len(times)} runs")


if __name__ == "__main__":
    main()
