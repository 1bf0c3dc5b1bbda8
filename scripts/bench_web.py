"""Latency of the web app under concurrent clients on loopback (``make bench`` piece).

Loads the 41k UPR Info rows into a store (once; reused with --db), serves the app in a separate
process exactly as ``uprlens serve`` does by default (``uprlens.web.serving.serve``: one worker
process per core), and drives it with N concurrent clients over four request kinds: list (pages
of the table), filter (facet filters), search (FTS5) and detail (one recommendation). Prints
p50/p95/p99 per kind; the target is p95 < 50 ms.

The clients run in this process, on the same cores as the server: every millisecond of CPU
they spend is taken from the server. By default they are a minimal HTTP/1.1 keep-alive client
on asyncio streams (about 0.1 ms of CPU per request); ``--client httpx`` uses httpx instead,
which costs about 3 ms of CPU per request on this kind of machine and so measures httpx as much
as the app. Latency is from writing the request to reading the last byte of the body.

    python scripts/bench_web.py                      # temp store from ../shared/data
    python scripts/bench_web.py --db /tmp/bench.db --clients 16 --requests 300
    python scripts/bench_web.py --workers 1 --client httpx   # the configuration before
    python scripts/bench_web.py --db /tmp/bench.db --cpu     # CPU per request, by kind

``--cpu`` measures what latency on a shared machine cannot: the CPU time (of this process
only) each kind of request costs the app, called in-process one at a time through its ASGI
interface (no HTTP parsing), after the same start-up as a served worker (caches warmed). With
16 closed-loop clients on 2 cores, p95 < 50 ms needs about 2 ms of server CPU a request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def start_server(db: Path, port: int, workers: int | None) -> subprocess.Popen[bytes]:
    # The guard matters: worker processes are spawned and re-import the main module.
    code = (
        "if __name__ == '__main__':\n"
        "    from uprlens.web.serving import serve\n"
        f"    serve({str(db)!r}, host='127.0.0.1', port={port}, workers={workers!r})\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    # A session of its own, so that stopping it stops its workers too.
    return subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


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


async def _raw_get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One GET on a keep-alive connection; the status. Reads the whole body."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode("ascii"))
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    length, chunked = 0, False
    for line in head[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        await reader.readexactly(length)
        return status
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return status


async def drive(
    base: str, reqs: list[tuple[str, str]], clients: int, kind: str = "raw"
) -> dict[str, list[float]]:
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for r in reqs:
        queue.put_nowait(r)
    times: dict[str, list[float]] = {}
    failures: list[str] = []

    async def raw_client() -> None:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while True:
                try:
                    what, path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                status = await _raw_get(reader, writer, path)
                ms = (time.perf_counter() - t0) * 1000
                if status != 200:
                    failures.append(f"{status} {path}")
                times.setdefault(what, []).append(ms)
        finally:
            writer.close()

    async def httpx_client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            while True:
                try:
                    what, path = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                t0 = time.perf_counter()
                r = await c.get(path)
                await r.aread()
                ms = (time.perf_counter() - t0) * 1000
                if r.status_code != 200:
                    failures.append(f"{r.status_code} {path}")
                times.setdefault(what, []).append(ms)

    client = raw_client if kind == "raw" else httpx_client
    await asyncio.gather(*(client() for _ in range(clients)))
    if failures:
        print(f"{len(failures)} non-200 answers, e.g. {failures[:3]}")
    return times


def server_cpu_seconds(pgid: int) -> float | None:
    """CPU time (user + system) used so far by the server's processes (its session's process
    group): how much work a request costs, whatever else the machine is doing. None off Linux."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for d in proc.iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        # After the name: state ppid pgrp session ... utime(14th field) stime(15th).
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def http_stack() -> str:
    """What uvicorn serves with: its "auto" choices take httptools and uvloop when installed
    (about 0.2 ms less CPU a request than h11 on asyncio)."""
    import importlib.util

    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{http} on {loop}"


async def _asgi_get(app: Any, path: str) -> int:
    """One GET through the app's ASGI interface; the status."""
    route, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    status = 0
    sent = False
    never = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


def cpu_by_kind(db: Path, requests: int, seed: int) -> int:
    """The ``--cpu`` mode: CPU ms per request of each kind, in-process, warmed as served."""
    from uprlens.web import create_app

    app = create_app(db, warm=True)
    reqs = plan(db, requests, seed)
    warm = plan(db, 10, seed + 1000)

    async def run() -> dict[str, list[float]]:
        times: dict[str, list[float]] = {}
        async with app.router.lifespan_context(app):
            for _, path in warm:
                await _asgi_get(app, path)
            for what, path in reqs:
                t0 = time.process_time()
                status = await _asgi_get(app, path)
                times.setdefault(what, []).append((time.process_time() - t0) * 1000)
                if status != 200:
                    print(f"{status} {path}")
        return times

    t0 = time.process_time()
    times = asyncio.run(run())
    total = time.process_time() - t0
    n = sum(len(v) for v in times.values())
    print(f"{n} requests in-process, one at a time; start-up and warm-up excluded below")
    print(f"{'kind':8} {'n':>5} {'mean ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  CPU")
    for kind in ("list", "filter", "search", "detail"):
        v = times.get(kind, [])
        if len(v) < 2:
            continue
        print(
            f"{kind:8} {len(v):5d} {statistics.fmean(v):8.2f} {statistics.median(v):8.2f} "
            f"{pct(v, 95):8.2f} {pct(v, 99):8.2f}"
        )
    every = [x for v in times.values() for x in v]
    print(
        f"all      {n:5d} {statistics.fmean(every):8.2f}   (whole run incl. warm-up: {total:.1f} s)"
    )
    return 0


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="store file (loaded with the CSV if it lacks it)")
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=200, help="requests per kind")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--workers", type=int, help="server processes (default: as `uprlens serve`, one per core)"
    )
    ap.add_argument("--client", choices=("raw", "httpx"), default="raw", help="load generator")
    ap.add_argument(
        "--cpu", action="store_true", help="CPU per request by kind, in-process (see above)"
    )
    args = ap.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="uprlens-bench-")) / "bench.db"
    ensure_store(db, args.csv.resolve())
    if args.cpu:
        return cpu_by_kind(db, args.requests, args.seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    from uprlens.web.serving import default_workers

    workers = args.workers or default_workers()
    proc = start_server(db, port, workers)
    try:
        wait_up(base, proc)
        reqs = plan(db, args.requests, args.seed)
        # Warm-up with other requests than the measured ones (another seed), so that what is
        # measured includes first-time (uncached) filters and searches as a user would meet them.
        warm = plan(db, 10, args.seed + 1000)
        asyncio.run(drive(base, warm, args.clients, args.client))
        load_before = load_average()
        cpu0 = os.times()
        server0 = server_cpu_seconds(proc.pid)
        t0 = time.perf_counter()
        times = asyncio.run(drive(base, reqs, args.clients, args.client))
        wall = time.perf_counter() - t0
        cpu1 = os.times()
        server1 = server_cpu_seconds(proc.pid)
    finally:
        stop_server(proc)
    n = sum(len(v) for v in times.values())
    client_cpu = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / max(n, 1) * 1000
    print(
        f"{n} requests, {args.clients} concurrent clients, {workers} server worker process"
        f"{'es' if workers > 1 else ''} ({http_stack()}), {os.cpu_count()} cores shared by "
        "server and clients"
    )
    print(
        f"{wall:.1f} s, {n / wall:.0f} req/s; client ({args.client}) CPU {client_cpu:.2f} ms "
        "per request"
    )
    if server0 is not None and server1 is not None:
        print(f"server CPU {(server1 - server0) / max(n, 1) * 1000:.2f} ms per request")
    print(f"load average before/after (1, 5, 15 min): {load_before} / {load_average()}")
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
