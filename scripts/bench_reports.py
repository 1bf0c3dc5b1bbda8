"""Throughput of the Working Group report reader on the real corpus (target: 243 in < 2 min).

Runs what ``read_report`` runs (PDF open, lazy page text, parse) over every PDF of
``../shared/data/wg-reports`` in N processes and prints wall time, reports per second and
how many pages had to be extracted. ``--full N`` also times pypdf extracting *every* page of
the first N reports, the baseline the lazy reader avoids. ``--compare N`` parses N reports
from the page texts of pypdf and of pdfplumber (when importable; it is not a dependency) and
prints time and recommendations found, the measurement behind choosing pypdf.

Usage: python scripts/bench_reports.py [--data DIR] [--jobs 2] [--full 0] [--compare 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from uprlens.errors import UprlensError
from uprlens.ingest.pdf import PdfPages, document_pages
from uprlens.ingest.report import parse_report_text

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / ".." / "shared" / "data"


def _one(path: str) -> tuple[str, int, int, int, float, str]:
    t0 = time.perf_counter()
    try:
        pages = document_pages(path)
        report = parse_report_text(pages, source=path)
        n_items = len(report.items)
        err = ""
    except UprlensError as exc:
        return path, 0, 0, 0, time.perf_counter() - t0, str(exc)
    read = pages.extracted if isinstance(pages, PdfPages) else len(pages)
    return path, len(pages), read, n_items, time.perf_counter() - t0, err


def _full(path: str) -> tuple[int, float]:
    t0 = time.perf_counter()
    pages = PdfPages(path)
    for _ in pages:
        pass
    return len(pages), time.perf_counter() - t0


def _compare(files: list[str]) -> None:
    try:
        import pdfplumber
    except ImportError:
        print("pdfplumber is not importable: comparison skipped")
        return
    for name, extract in (
        ("pypdf", lambda f: list(PdfPages(f))),
        (
            "pdfplumber",
            lambda f: [p.extract_text() or "" for p in pdfplumber.open(f).pages],
        ),
    ):
        t0 = time.perf_counter()
        n_pages = n_items = errors = 0
        for f in files:
            pages = extract(f)
            n_pages += len(pages)
            try:
                n_items += len(parse_report_text(pages, source=f).items)
            except UprlensError:
                errors += 1
        secs = time.perf_counter() - t0
        print(
            f"{name}: {len(files)} reports, {n_pages} pages in {secs:.1f}s "
            f"({n_pages / secs:.1f} pages/s), recommendations {n_items}, errors {errors}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--full", type=int, default=0, help="also extract all pages of N reports")
    ap.add_argument("--compare", type=int, default=0, help="pypdf vs pdfplumber on N reports")
    ns = ap.parse_args(argv)
    folder = (ns.data / "wg-reports").resolve()
    files = sorted(str(p) for p in folder.glob("*.pdf"))
    if not files:
        print(f"no PDFs in {folder}; give --data", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=ns.jobs) as pool:
        results = list(pool.map(_one, files, chunksize=4))
    wall = time.perf_counter() - t0
    pages = sum(r[1] for r in results)
    read = sum(r[2] for r in results)
    items = sum(r[3] for r in results)
    errors = [r for r in results if r[5]]
    slowest = sorted(results, key=lambda r: -r[4])[:3]
    print(
        f"reports: {len(files)}  processes: {ns.jobs}  wall: {wall:.1f}s  "
        f"({len(files) / wall:.2f} reports/s)"
    )
    print(
        f"pages: {pages}  extracted: {read} ({read / pages:.0%})  "
        f"extracted pages/s (wall): {read / wall:.1f}"
    )
    print(f"recommendations: {items}  errors: {len(errors)}")
    for r in slowest:
        print(f"  slowest: {Path(r[0]).name} {r[4]:.1f}s ({r[2]}/{r[1]} pages)")
    for r in errors:
        print(f"  error: {r[5]}")
    if ns.full:
        t1 = time.perf_counter()
        done = [_full(f) for f in files[: ns.full]]
        secs = time.perf_counter() - t1
        n = sum(d[0] for d in done)
        print(
            f"pypdf, every page of {ns.full} reports in one process: {n} pages in "
            f"{secs:.1f}s = {n / secs:.1f} pages/s"
        )
    if ns.compare:
        step = max(1, len(files) // ns.compare)
        _compare(files[::step][: ns.compare])
    print("target: under 120 s" + (" - met" if wall < 120 else " - NOT met"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
