"""Throughput of the classifier (``make bench``): all UPR Info recommendations, after load.

python scripts/bench_classify.py [--data ../shared/data] [--n N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from uprlens.classify.codebook import Classifier  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data")
    ap.add_argument("--n", type=int, default=0, help="first N rows only (0 = all)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2 cores)")
    args = ap.parse_args(argv)
    texts = pd.read_csv(args.data / "uprinfo" / "recommendations_s1-20.csv").recommendation
    texts = texts.tolist()[: args.n or None]
    t = time.perf_counter()
    clf = Classifier.load()
    clf.classify("Ratify the ICCPR")  # warm caches (feature names, regex compilation)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    res = clf.classify_many(texts, n_jobs=args.jobs)
    run_s = time.perf_counter() - t
    rate = len(res) / run_s
    # The rate depends on what else runs on the machine: print the load next to the figure.
    print(f"cores: {os.cpu_count()}, load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    print(
        f"loaded in {load_s:.2f}s; classified {len(res)} recommendations in {run_s:.2f}s "
        f"= {rate:,.0f} per second (target >= 4,000/s: {'met' if rate >= 4000 else 'MISSED'})"
    )
    return 0 if rate >= 4000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
