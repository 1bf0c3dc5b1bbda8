"""Benchmark the audit (issue 5): the audit of one review once the store is built, and the
cross-cycle linking of every UPR Info row.

    .venv/bin/python scripts/bench_audit.py [--shared ../shared/data] [--db STORE]
        [--sur CHN --cycle 3] [--skip-linking]

Without --db, builds a throwaway store from the OHCHR matrices of ../shared/data and the
bundled China cycle-1 file, and stores the classifier's labels; building is not timed.
Prints the seconds for: the audit (analyses only), the HTML report of it, and the linking of
all UPR Info rows (lexical + semantic similarity, per SuR, cycle 2 against cycle 1; sentence
vectors cached in --cache-db, so the first run also pays for embedding every text once).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _build(db: Path, shared: Path) -> None:
    from uprlens.ingest.matrices import read_matrix
    from uprlens.store import Store

    batches = []
    for path in sorted((shared / "ohchr").glob("*.docx")):
        batches += read_matrix(path)
    try:
        from uprlens.ingest import read_any  # the importers' front door, once it exists
        from uprlens.ingest.bundled import bundled_sources

        for path, opts in bundled_sources():
            if path.name == "cycle1_2009.csv":
                batches += read_any(path, **opts)
    except ImportError:
        print("note: no reader for the China 2009 file yet; the store has cycles 2-4 only")
    with Store(db) as store:
        print(store.import_batches(batches).summary())
        _label(store)


def _label(store) -> None:  # type: ignore[no-untyped-def]
    """Store machine labels, as `uprlens classify` does, so that the audit reads them."""
    try:
        from uprlens.classify import CLASSIFIER_VERSION, Classifier

        clf = Classifier.load()
    except Exception as exc:  # no classifier or no model files: the audit says so itself
        print(f"note: no machine labels stored ({exc})")
        return
    rows = list(store.iter_recommendations(primary_only=True))
    results = clf.classify_many([r["text"] for r in rows], on_error="return")
    pairs = [(r["pk"], c) for r, c in zip(rows, results, strict=True)
             if not isinstance(c, Exception)]
    store.save_machine_labels(pairs, classifier_version=CLASSIFIER_VERSION)
    print(f"stored machine labels of {len(pairs)} recommendations")


def _upr_info_frame(shared: Path):  # -> pd.DataFrame
    import pandas as pd

    raw = pd.read_csv(shared / "uprinfo" / "recommendations_s1-20.csv", dtype=str)
    return pd.DataFrame(
        {
            "sur": raw["state_under_review"],
            "cycle": raw["cycle"].astype(int),
            "id": "u" + raw["row_id"],
            "text": raw["recommendation"].fillna(""),
            "position": raw["response"].str.lower().map(
                {"accepted": "supported", "noted": "noted"}
            ),
            "action_category": raw["action_category"],
            "verdict": None,
        }
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO / ".." / "shared" / "data")
    ap.add_argument("--db", type=Path)
    ap.add_argument("--sur", default="CHN")
    ap.add_argument("--cycle", type=int, default=3)
    ap.add_argument("--skip-linking", action="store_true")
    ap.add_argument(
        "--cache-db", type=Path, default=REPO / ".uprlens" / "bench-vectors.db",
        help="store that keeps the sentence vectors of the UPR Info texts between runs",
    )
    args = ap.parse_args(argv)
    if not args.shared.exists():
        print(f"no shared data at {args.shared}", file=sys.stderr)
        return 2
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from uprlens.analyse.audit import audit
    from uprlens.analyse.cycles import link_all
    from uprlens.present.report import render_html
    from uprlens.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if args.db is None:
            _build(db, args.shared)
        store = Store(db, readonly=True)
        audit(store, args.sur, args.cycle)  # warm: imports, lexicon, classifier load
        t0 = time.perf_counter()
        a = audit(store, args.sur, args.cycle)
        t1 = time.perf_counter()
        html = render_html(a)
        t2 = time.perf_counter()
        print(f"audit {a.headline.review_id}: {t1 - t0:.2f} s (analyses), "
              f"{t2 - t1:.2f} s (HTML report, {len(html) // 1024} KiB); "
              f"{a.headline.paragraphs} recommendations, {len(a.links)} links, "
              f"{len(a.ledger)} ledger rows")
        store.close()
    if args.skip_linking:
        return 0
    frame = _upr_info_frame(args.shared)
    surs = frame["sur"].nunique()
    t0 = time.perf_counter()
    with Progress("linking UPR Info", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True) as progress:
        task = progress.add_task("", total=surs)
        cache = Store(args.cache_db)  # the first run embeds every text once; later runs reuse
        links = link_all(frame, store=cache, progress=lambda _s: progress.advance(task))
        cache.close()
    t1 = time.perf_counter()
    kinds = links["link"].value_counts().to_dict() if len(links) else {}
    print(f"linked {len(frame):,} UPR Info rows of {surs} states under review in "
          f"{t1 - t0:.1f} s: {len(links):,} links at threshold "
          f"{links['threshold'].iloc[0] if len(links) else '-'} ({kinds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
