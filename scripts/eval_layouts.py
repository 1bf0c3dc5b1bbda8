"""How much the report reader depends on the line layout of the 243 reports it was built on.

The reader will meet reports it has never seen, and another PDF producer (or a DOCX, or an
HTML page saved as text) breaks lines elsewhere. This check re-wraps every page of every
report at other line widths, as such a producer would, reads the re-wrapped pages, and
compares what comes out with what the reader extracts from the pages as printed: for each
(paragraph, part) the wording (letters and digits only, so that a hyphen the re-wrap moved
does not count) and its states.

Re-wrapping: a page's lines are grouped into paragraphs (a new one at a line that opens with a
paragraph number "114.3.", a letter "(a)", a Roman heading, a running header or a footer, and
after a blank or short line, < 60 characters); each paragraph is joined and wrapped again with
``textwrap`` at the width given. A line ending in a hyphen is kept as printed, so the re-wrap
adds no hyphenation the reader would have to repair.

Usage: python scripts/eval_layouts.py [--data DIR] [--cache DIR] [--widths 45,60,140,220]
       [--jobs 2]
Prints, per width, the share of parts identical after the re-wrap and the reports that differ.
The reports' own scores against UPR Info are ``eval_reports.py``'s job.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import textwrap
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_reports import CachedPages  # noqa: E402

from uprlens.errors import UprlensError  # noqa: E402
from uprlens.ingest.pdf import document_pages  # noqa: E402
from uprlens.ingest.report import parse_report_text  # noqa: E402

_STARTS_PARAGRAPH = re.compile(
    r"^(\d{1,3}(\.\d{1,3})*\.?\s|\(?[a-z]{1,2}\)\s|\(?[ivx]+\)\s|[IVX]+\.\s|[A-H]\.\s"
    r"|GE\.\d|A/HRC|Page \d|\d+\s*$)"
)
_SHORT = 60


def rewrap(page: str, width: int) -> str:
    out: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            text = " ".join(para)
            wrapped = textwrap.wrap(
                text, width=width, break_on_hyphens=False, break_long_words=False
            )
            out.extend(wrapped or [""])
            para.clear()

    for raw in page.split("\n"):
        line = raw.strip()
        if not line:
            flush()
            out.append("")
            continue
        if _STARTS_PARAGRAPH.match(line):
            flush()
        para.append(line)
        if line.endswith("-") or len(line) < _SHORT:
            flush()
    flush()
    return "\n".join(out)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


Parts = dict[tuple[str, int], tuple[str, tuple[str, ...]]]


def _parts(pages: Sequence[str], source: str) -> tuple[Parts | None, str]:
    try:
        report = parse_report_text(pages, source=source)
    except UprlensError as exc:
        return None, str(exc)
    return {
        (item.paragraph, k): (_key(part.text), tuple(part.states))
        for item in report.items
        for k, part in enumerate(item.parts)
    }, ""


def _one(args: tuple[str, str, str, list[int]]) -> tuple[str, int, dict[int, tuple[int, str]]]:
    """(file, parts as printed, {width: (parts identical after the re-wrap, error)})."""
    path, file, cache, widths = args
    try:
        pages: Sequence[str] = CachedPages(path, Path(cache)) if cache else document_pages(path)
        texts = [pages[i] for i in range(len(pages))]
    except UprlensError:
        return file, 0, {}
    if isinstance(pages, CachedPages):
        pages.save()
    base, err = _parts(texts, file)
    if base is None:
        return file, 0, {}  # refused as printed: eval_reports.py reports it
    out = {}
    for width in widths:
        got, err = _parts([rewrap(t, width) for t in texts], file)
        same = 0 if got is None else sum(1 for k, v in base.items() if got.get(k) == v)
        out[width] = (same, err)
    return file, len(base), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data")
    ap.add_argument("--cache", type=Path, default=None, help="keep extracted page texts here")
    ap.add_argument("--widths", default="45,60,140,220")
    ap.add_argument("--jobs", type=int, default=2)
    ns = ap.parse_args(argv)
    folder = ns.data / "wg-reports"
    if not (folder / "index.csv").exists():
        print(f"no reports at {folder}", file=sys.stderr)
        return 1
    if ns.cache:
        ns.cache.mkdir(parents=True, exist_ok=True)
    widths = [int(w) for w in ns.widths.split(",")]
    files = [row["file"] for row in csv.DictReader((folder / "index.csv").open(encoding="utf-8"))]
    cache = str(ns.cache.resolve()) if ns.cache else ""
    t0 = time.time()
    with ProcessPoolExecutor(ns.jobs) as ex:
        results = list(ex.map(_one, [(str(folder / f), f, cache, widths) for f in files]))
    total = sum(n for _, n, _ in results)
    print(f"{len(files)} reports, {total} parts as printed; pages re-wrapped at each width:")
    for width in widths:
        same = sum(r[width][0] for _, n, r in results if n)
        print(f"  width {width:>3}: {same} of {total} parts identical ({same / total:.2%})")
        for file, n, r in sorted(results, key=lambda x: x[2].get(width, (0, ""))[0] - x[1]):
            if n and r[width][0] < n:
                err = f"  refused: {r[width][1]}" if r[width][1] else ""
                print(f"      {file:<34} {r[width][0]:>4} of {n:>4}{err}")
    print(f"time: {time.time() - t0:.1f}s with {ns.jobs} processes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
