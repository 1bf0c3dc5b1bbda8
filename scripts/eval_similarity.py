"""Measure what semantic similarity adds to the lexical matcher (uprlens.analyse.similarity).

    .venv/bin/python scripts/eval_similarity.py [--data ../shared/data] [--db .uprlens/uprlens.db]

(a) check: the 9 oral wordings of ``china/statement_vs_report_crosswalk.csv`` ranked against
    every paragraph of the review they were made at (cycle 1: ``china/cycle1_2009.csv``,
    cycle 2: ``china/cycle2_2013.csv``); top-1 / top-3 hit rate per method.
(b) choice of weight and threshold: the 28 oral recommendations of China's 2018 review
    (``china/cycle3_2018_statements.csv``) against the 346 paragraphs of the 2018 OHCHR matrix
    (``ohchr/matrices_expected.csv``); how often the best match is a paragraph made by the same
    recommending state (a proxy of being the right paragraph), per method and weight; and how
    the best-match score of right and wrong matches spreads, to set the threshold.
(c) grounding and precedent: a few drafts with their best UN expert entries and past
    recommendations, lexical vs combined, to be checked by hand (needs ``--db`` with the
    catalogue; skipped otherwise).

Nothing here feeds back into the code automatically: the weight and threshold in
similarity.py were set by reading (b).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from uprlens.analyse.similarity import (
    DEFAULT_THRESHOLD,
    SEMANTIC_WEIGHT,
    match_texts,
    semantic_available,
    text_vectors,
)
from uprlens.lexicons.states import registry

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _method_name(w: float) -> str:
    return {0.0: "lexical", 1.0: "semantic"}.get(w, f"combined w={w:.2f}")


def ranked(query: list[str], cands: list[str], w: float, qv: np.ndarray | None,
           cv: np.ndarray | None, k: int = 3) -> list[list[tuple[int, float]]]:
    """Top-k candidate indices (with scores) per query text."""
    ms = match_texts(query, cands, threshold=-1.0, top_k=k, semantic=w > 0, weight=w,
                     later_vectors=qv, earlier_vectors=cv)
    out: list[list[tuple[int, float]]] = [[] for _ in query]
    for m in ms:
        out[m.i].append((m.j, m.score))
    for row in out:
        row.sort(key=lambda x: -x[1])
    return out


def check_a(data: Path, have_vectors: bool) -> None:
    cw = pd.read_csv(data / "china" / "statement_vs_report_crosswalk.csv", dtype=str)
    reviews = {
        "1": pd.read_csv(data / "china" / "cycle1_2009.csv", dtype=str),
        "2": pd.read_csv(data / "china" / "cycle2_2013.csv", dtype=str),
    }
    print(f"\n(a) crosswalk: oral wording -> report paragraph it became (check set, n={len(cw)})")
    print(f"{'method':<20} {'top-1':>7} {'top-3':>7}")
    weights = WEIGHTS if have_vectors else (0.0,)
    for w in weights:
        top1 = top3 = 0
        for cyc, grp in cw.groupby("cycle"):
            rev = reviews[str(cyc)]
            cands = rev["text"].tolist()
            q = grp["statement_text"].tolist()
            qv = cv = None
            if w > 0:
                qv, cv = text_vectors(q).vectors, text_vectors(cands).vectors
            for row, hits in zip(grp.itertuples(), ranked(q, cands, w, qv, cv), strict=True):
                nums = [rev["number"].iloc[j] for j, _ in hits]
                top1 += bool(nums) and nums[0] == row.report_number
                top3 += row.report_number in nums[:3]
        print(f"{_method_name(w):<20} {top1:>4}/{len(cw)} {top3:>4}/{len(cw)}")


def check_b(data: Path, have_vectors: bool) -> None:
    reg = registry()
    st = pd.read_csv(data / "china" / "cycle3_2018_statements.csv", dtype=str)
    mx = pd.read_csv(data / "ohchr" / "matrices_expected.csv", dtype=str)
    mx = mx[mx["source_doc"] == "CHN_2018_s31_c3.docx"].reset_index(drop=True)
    states = [{reg.lookup(s.strip()) for s in str(v).split(";")} for v in
              mx["recommending_states"]]
    q = st["text"].tolist()
    want = [reg.lookup(s) for s in st["recommending_state"]]
    cands = mx["recommendation"].tolist()
    qv = cv = None
    if have_vectors:
        qv, cv = text_vectors(q).vectors, text_vectors(cands).vectors
    print(f"\n(b) 2018 oral statements (n={len(q)}) -> 2018 matrix ({len(cands)} paragraphs): "
          "best match made by the same state")
    print(f"{'method':<20} {'top-1 same state':>17} {'in top-3':>9} "
          f"{'median score right':>19} {'median score wrong':>19}")
    weights = WEIGHTS if have_vectors else (0.0,)
    best_scores: dict[float, list[tuple[float, bool]]] = {}
    for w in weights:
        hits = ranked(q, cands, w, qv, cv)
        ok1 = ok3 = 0
        scored = []
        for iso, h in zip(want, hits, strict=True):
            right = bool(h) and iso in states[h[0][0]]
            ok1 += right
            ok3 += any(iso in states[j] for j, _ in h[:3])
            if h:
                scored.append((h[0][1], right))
        best_scores[w] = scored
        r = [s for s, ok in scored if ok]
        x = [s for s, ok in scored if not ok]
        print(f"{_method_name(w):<20} {ok1:>12}/{len(q)} {ok3:>6}/{len(q)} "
              f"{np.median(r) if r else float('nan'):>19.3f} "
              f"{np.median(x) if x else float('nan'):>19.3f}")
    w = SEMANTIC_WEIGHT if have_vectors else 0.0
    print(f"\n    threshold sweep for {_method_name(w)} (best match only): kept / of them right")
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        kept = [ok for s, ok in best_scores[w] if s >= t]
        mark = "  <- DEFAULT_THRESHOLD" if abs(t - DEFAULT_THRESHOLD) < 1e-9 else ""
        print(f"    >= {t:.2f}: {len(kept):>2} kept, {sum(kept):>2} right{mark}")


def cross_cycle(data: Path, have_vectors: bool) -> None:
    """How many China 2018 paragraphs get a link to 2013 at the default threshold."""
    mx = pd.read_csv(data / "ohchr" / "matrices_expected.csv", dtype=str)
    later = mx[mx["source_doc"] == "CHN_2018_s31_c3.docx"]["recommendation"].tolist()
    earlier = mx[mx["source_doc"] == "CHN_2013_s17_c2.docx"]["recommendation"].tolist()
    print(f"\n    China 2018 ({len(later)}) -> 2013 ({len(earlier)}), threshold "
          f"{DEFAULT_THRESHOLD}: paragraphs with a link")
    for sem in ([False, True] if have_vectors else [False]):
        t0 = time.perf_counter()
        ms = match_texts(later, earlier, top_k=1, semantic=sem)
        print(f"    {'combined' if sem else 'lexical':<9} {len({m.i for m in ms}):>4} "
              f"({time.perf_counter() - t0:.2f} s)")


def check_c(db: Path | None) -> None:
    drafts = [
        ("CHN", "Release Uyghurs detained in Xinjiang camps"),
        ("CHN", "Stop forcing people from Xinjiang to work in factories far from home"),
        ("CHN", "Let families know where their missing relatives are held"),
        ("CHN", "Allow lawyers to meet clients accused of subverting state power"),
    ]
    if db is None or not db.exists():
        print("\n(c) grounding/precedent examples: skipped (no --db store with a catalogue)")
        return
    from uprlens.draft.grounding import ground
    from uprlens.draft.precedent import precedents
    from uprlens.store import Store

    store = Store(db, readonly=True)
    print("\n(c) grounding and precedent, lexical vs combined (check by hand)")
    for sur, text in drafts:
        print(f"\n  draft: {text}")
        for sem in (False, True):
            g = ground(store, text, sur, limit=2, semantic=sem)
            p = precedents(store, text, sur, limit=2, semantic=sem)
            tag = "combined" if sem else "lexical "
            for m in g:
                print(f"    {tag} expert {m.score:.2f}: {m.text[:110]}")
            for x in p:
                print(f"    {tag} preced. {x.score:.2f} {x.id}: {x.text[:100]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / ".." / "shared" / "data")
    ap.add_argument("--db", type=Path, default=None)
    args = ap.parse_args()
    ok, why = semantic_available()
    print(f"semantic similarity: {'available' if ok else 'UNAVAILABLE: ' + why}; "
          f"weight {SEMANTIC_WEIGHT}, threshold {DEFAULT_THRESHOLD}")
    check_a(args.data, ok)
    check_b(args.data, ok)
    cross_cycle(args.data, ok)
    check_c(args.db)


if __name__ == "__main__":
    main()
