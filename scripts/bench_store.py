"""Benchmark the store: import all UPR Info rows and the six matrices, re-import, search.

Prints rates and latencies; used by `make bench`. Needs ../shared/data.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from uprlens.ingest import read_any
from uprlens.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

QUERIES = [
    "death penalty",
    "torture",
    "human rights defenders",
    "ratify ICCPR",
    "women*",
    "freedom of expression journalists",
    "Xinjiang",
    "national human rights institution Paris Principles",
]


def main() -> int:
    files = [SHARED / "uprinfo" / "recommendations_s1-20.csv"]
    files += sorted((SHARED / "ohchr").glob("*.docx"))
    if not files[0].exists():
        print(f"needs {SHARED}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        t0 = time.perf_counter()
        batches = []
        for f in files:
            batches += read_any(f)
        t1 = time.perf_counter()
        report = store.import_batches(batches)
        t2 = time.perf_counter()
        n = store.counts()["recommendations"]
        print(f"read {len(files)} files: {t1 - t0:.2f} s; stored {n} records "
              f"({report.summary()}): {t2 - t1:.2f} s")
        again = store.import_batches(batches)
        t3 = time.perf_counter()
        print(f"re-import (idempotent): {t3 - t2:.2f} s; {again.summary()}")
        lat = []
        for _ in range(5):
            for q in QUERIES:
                s = time.perf_counter()
                store.search(q, limit=20)
                lat.append((time.perf_counter() - s) * 1000)
        lat.sort()
        print(
            f"search over {n} records, {len(lat)} queries: p50 {statistics.median(lat):.1f} ms, "
            f"p95 {lat[int(len(lat) * 0.95) - 1]:.1f} ms, max {lat[-1]:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
