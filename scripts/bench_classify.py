"""Throughput of the classifier (``make bench``): all UPR Info recommendations, after load.

python scripts/bench_classify.py [--data ../shared/data] [--n N] [--jobs 2] [--repeat R]
                                 [--dump labels.jsonl]

Two paths are timed, both returning full Classifications with every label's evidence:

1. one process: ``classify_many`` over chunks of 4,000 (what ``uprlens classify --all`` did
   before it used every core);
2. the path ``uprlens classify --all`` takes now (``classify.stored.label_blocks``: blocks of
   50,000 over ``--jobs`` processes, this one included; store writes excluded).

CPU seconds (this process and its workers) are printed beside wall seconds: on a shared
machine the wall rate says as much about the neighbours as about the code. ``--repeat`` runs
each path R times and keeps the fastest wall time. ``--dump`` writes every result (labels,
evidence, exact confidences) as JSON lines, to diff two versions of the classifier.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from uprlens.classify.codebook import Classification, Classifier  # noqa: E402
from uprlens.classify.stored import label_blocks  # noqa: E402

CHUNK = 4000  # what `uprlens classify --all` sent per call in one process
TARGET = 4000  # recommendations per second (issue 4)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _dump(results: list[object], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in results:
            if isinstance(r, Classification):
                d = r.to_dict()
                labels = r._all_labels()
                d["exact_scores"] = [repr(float(lb.score)) for lb in labels]
            else:
                d = {"error": str(r)}
            fh.write(json.dumps(d, sort_keys=True, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data")
    ap.add_argument("--n", type=int, default=0, help="first N rows only (0 = all)")
    ap.add_argument("--jobs", type=int, default=2, help="processes (default 2 cores)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per path; the fastest is kept")
    ap.add_argument("--dump", type=Path, help="write the results as JSON lines here")
    args = ap.parse_args(argv)
    texts = pd.read_csv(args.data / "uprinfo" / "recommendations_s1-20.csv").recommendation
    texts = texts.tolist()[: args.n or None]
    t = time.perf_counter()
    clf = Classifier.load()
    clf.classify("Ratify the ICCPR")  # warm caches (feature names, regex compilation)
    print(f"loaded in {time.perf_counter() - t:.2f}s")
    print(f"cores: {os.cpu_count()}, load average (1 min) before: {os.getloadavg()[0]:.1f}")

    best = (float("inf"), 0.0)
    for _ in range(args.repeat):
        t, c = time.perf_counter(), _cpu()
        n = 0
        for start in range(0, len(texts), CHUNK):
            n += len(clf.classify_many(texts[start : start + CHUNK], on_error="return"))
        best = min(best, (time.perf_counter() - t, _cpu() - c))
    run_s, cpu_s = best
    print(
        f"1 process (chunks of {CHUNK}): {n} recommendations in {run_s:.2f}s wall = "
        f"{n / run_s:,.0f}/s; {cpu_s:.2f} CPU-s = {n / cpu_s:,.0f}/s per core"
    )

    best = (float("inf"), 0.0)
    results: list[object] = []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), _cpu()
        results = []
        for _offset, block in label_blocks(clf, texts, n_jobs=args.jobs):
            results.extend(block)
        best = min(best, (time.perf_counter() - t, _cpu() - c))
    run_s, cpu_s = best
    rate = len(results) / run_s
    # The rate depends on what else runs on the machine: print the load next to the figure.
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")
    print(
        f"`classify --all` path ({args.jobs} processes): classified {len(results)} "
        f"recommendations in {run_s:.2f}s wall = {rate:,.0f} per second "
        f"(target >= {TARGET:,}/s: {'met' if rate >= TARGET else 'MISSED'}); "
        f"{cpu_s:.2f} CPU-s in all = {len(results) / cpu_s:,.0f}/s per core, "
        f"projected {args.jobs * len(results) / cpu_s:,.0f}/s on {args.jobs} free cores"
    )
    if args.dump is not None:
        _dump(results, args.dump)
        print(f"results written to {args.dump}")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
