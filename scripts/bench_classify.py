"""Throughput of the classifier (``make bench``): all UPR Info recommendations, after load.

python scripts/bench_classify.py [--data ../shared/data] [--n N] [--jobs 2]

Two paths are timed: the one ``uprlens classify --all`` takes (``classify.stored.label_store``:
``classify_many`` over chunks of 4,000 in one process, store writes excluded), and one
``classify_many(texts, n_jobs=2)`` call over forked workers. Both return full Classifications
with evidence. CPU seconds are printed beside wall seconds: on a shared machine the wall rate
says as much about the neighbours as about the code.
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

CHUNK = 4000  # classify.stored._CHUNK: what `uprlens classify --all` sends per call


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
    print(f"loaded in {load_s:.2f}s")
    print(f"cores: {os.cpu_count()}, load average (1 min) before: {os.getloadavg()[0]:.1f}")

    t, c = time.perf_counter(), time.process_time()
    n = 0
    for start in range(0, len(texts), CHUNK):
        n += len(clf.classify_many(texts[start : start + CHUNK], on_error="return"))
    run_s, cpu_s = time.perf_counter() - t, time.process_time() - c
    print(
        f"`classify --all` path (chunks of {CHUNK}, 1 process): {n} recommendations in "
        f"{run_s:.2f}s wall = {n / run_s:,.0f}/s; {cpu_s:.2f} CPU-s = {n / cpu_s:,.0f}/s per core"
    )

    t = time.perf_counter()
    res = clf.classify_many(texts, n_jobs=args.jobs, on_error="return")
    run_s = time.perf_counter() - t
    rate = len(res) / run_s
    # The rate depends on what else runs on the machine: print the load next to the figure.
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    print(
        f"classify_many(n_jobs={args.jobs}): classified {len(res)} recommendations in "
        f"{run_s:.2f}s = {rate:,.0f} per second "
        f"(target >= 4,000/s: {'met' if rate >= 4000 else 'MISSED'})"
    )
    return 0 if rate >= 4000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
