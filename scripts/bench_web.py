"""Latency of the web app under concurrent clients on loopback (``make bench`` piece).

Loads the 41k UPR Info rows into a store (once; reused with --db), serves the app with uvicorn
in a separate process, and drives it with N concurrent clients (asyncio + httpx) over four
request kinds: list (pages of the table), filter (facet filters), search (FTS5) and detail
(one recommendation). Prints p50/p95/p99 per kind; the target is p95 < 50 ms.

    python scripts/bench_web.py                      # temp store from ../shared/data
    python scripts/bench_web.py --db /tmp/bench.db --clients 16 --requests 300
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CSV = REPO / ".." / "shared" / "data" / "uprinfo" / "recommendations_s1-20.csv"
TARGET_P95_MS = 50.0
SEARCH_WORDS = [
    "torture",
    "death penalty",
    "women",
    "child*",
    "freedom of expression",
    "disabilit*",
    "trafficking",
    "ratify",
    "migrants",
    "journalists",
    "education",
    "indigenous",
]


def ensure_store(db: Path, csv: Path) -> None:
    from uprlens.store import Store

    store = Store(db)
    try:
        have = store.query("SELECT count(*) FROM sources WHERE kind = 'upr_info'")[0][0]
        if have:
            return
        if not csv.exists():
            sys.exit(f"no store data and no {csv}: pass --csv PATH or --db with a loaded store")
        from uprlens.ingest import read_any

        t0 = time.perf_counter()
        batches = read_any(csv)
        report = store.import_batches(batches)
        print(f"loaded {csv.name}: {report.summary()} in {time.perf_counter() - t0:.1f} s")
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import uvicorn, sys; from uprlens.web import create_app; "
        f"uvicorn.run(create_app({str(db)!r}), host='127.0.0.1', port={port}, "
        "log_level='warning', access_log=False)"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    return subprocess.Popen([sys.executable, "-c", code], env=env)


def wait_up(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("the server exited at start")
        try:
            if httpx.get(f"{base}/api/labels", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit("the server did not come up within 60 s")


def plan(db: Path, n: int, seed: int) -> list[tuple[str, str]]:
    from uprlens.store import Store

    rng = random.Random(seed)
    store = Store(db, readonly=True)
    try:
        total = store.query(
            "SELECT count(*) FROM recommendations WHERE is_primary = 1 AND kind = 'recommendation'"
        )[0][0]
        ids = [r[0] for r in store.query("SELECT id FROM recommendations WHERE is_primary = 1")]
        surs = [r[0] for r in store.query("SELECT DISTINCT sur FROM reviews")]
        states = [
            r[0]
            for r in store.query(
                "SELECT state FROM recommendation_states GROUP BY state ORDER BY count(*) DESC "
                "LIMIT 40"
            )
        ]
    finally:
        store.close()
    pages = max(1, total // 50)
    groups = ["Africa", "Asia", "EEG", "GRULAC", "WEOG"]
    reqs: list[tuple[str, str]] = []
    for _ in range(n):
        reqs.append(("list", f"/recommendations?page={rng.randint(1, pages)}"))
        choice = rng.randrange(4)
        if choice == 0:
            q = f"sur={rng.choice(surs)}&position=noted"
        elif choice == 1:
            q = f"state={rng.choice(states)}&cycle={rng.choice([1, 2])}"
        elif choice == 2:
            q = f"category={rng.randint(1, 5)}&group={rng.choice(groups)}"
        else:
            q = f"sur={rng.choice(surs)}&category={rng.randint(1, 5)}&sort=position&order=desc"
        reqs.append(("filter", f"/recommendations?{q}"))
        word = rng.choice(SEARCH_WORDS).replace(" ", "+")
        reqs.append(("search", f"/recommendations?q={word}"))
        reqs.append(("detail", f"/recommendations/{rng.choice(ids)}"))
    rng.shuffle(reqs)
    return reqs


async def drive(base: str, reqs: list[tuple[str, str]], clients: int) -> dict[str, list[float]]:
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for r in reqs:
        queue.put_nowait(r)
    times: dict[str, list[float]] = {}
    failures: list[str] = []

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            while True:
                try:
                    kind, path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                r = await c.get(path)
                await r.aread()
                ms = (time.perf_counter() - t0) * 1000
                if r.status_code != 200:
                    failures.append(f"{r.status_code} {path}")
                times.setdefault(kind, []).append(ms)

    await asyncio.gather(*(client() for _ in range(clients)))
    if failures:
        print(f"{len(failures)} non-200 answers, e.g. {failures[:3]}")
    return times


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="store file (loaded with the CSV if it lacks it)")
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=200, help="requests per kind")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="uprlens-bench-")) / "bench.db"
    ensure_store(db, args.csv.resolve())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(db, port)
    try:
        wait_up(base, proc)
        reqs = plan(db, args.requests, args.seed)
        asyncio.run(drive(base, reqs[:40], args.clients))  # warm caches and threads
        t0 = time.perf_counter()
        times = asyncio.run(drive(base, reqs, args.clients))
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    n = sum(len(v) for v in times.values())
    print(f"{n} requests, {args.clients} concurrent clients, {wall:.1f} s, {n / wall:.0f} req/s")
    print(f"{'kind':8} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  target p95 < 50 ms")
    ok = True
    for kind in ("list", "filter", "search", "detail"):
        v = times.get(kind, [])
        if len(v) < 2:
            continue
        p95 = pct(v, 95)
        ok &= p95 < TARGET_P95_MS
        print(
            f"{kind:8} {len(v):5d} {statistics.median(v):8.1f} {p95:8.1f} {pct(v, 99):8.1f}  "
            f"{'met' if p95 < TARGET_P95_MS else 'MISSED'}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
