"""Across cycles: link each recommendation to similar ones of the same SuR's earlier cycles,
say how it changed, and what became of the noted ones.

A link is kept when the similarity (:mod:`uprlens.analyse.similarity`: lexical mixed with
semantic when sentence vectors can be had) reaches the threshold, which every output carries
with the method actually used (``links.attrs["similarity_method"]``). Its kind compares the two recommendations' labels:

- ``repeated``: same action category and same verdict;
- ``strengthened``: the category or the verdict rose and neither fell (3 -> 5, general ->
  specific);
- ``watered_down``: the category or the verdict fell and neither rose (5 -> 4, specific ->
  general);
- ``mixed``: one rose while the other fell;
- ``unlabelled``: a side lacks the labels to compare.

Verdict rank: endorsing < vague < general < specific (an endorsing recommendation asks for the
least human-rights change). An earlier recommendation with no link from the next cycle is
``dropped``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from uprlens.analyse.similarity import (
    DEFAULT_THRESHOLD,
    TextVectors,
    match_texts,
    method,
    text_vectors,
)

__all__ = ["LINK_KINDS", "classify_link", "dropped", "fate_of_noted", "link_all", "link_cycles"]

LINK_KINDS = ("repeated", "strengthened", "watered_down", "mixed", "unlabelled")
_VERDICT_RANK = {"endorsing": 0, "vague": 1, "general": 2, "specific": 3}
LINK_COLUMNS = [
    "sur", "cycle", "id", "earlier_cycle", "earlier_id", "score", "cosine", "fuzzy", "lexical",
    "semantic", "best",
    "link", "position", "earlier_position", "action_category", "earlier_action_category",
    "verdict", "earlier_verdict", "text", "earlier_text", "threshold",
]  # fmt: skip


def _cmp(a: Any, b: Any, rank: dict[str, int] | None = None) -> int | None:
    if a is None or b is None or a != a or b != b:  # None or NaN
        return None
    if rank is not None:
        if a not in rank or b not in rank:
            return None
        a, b = rank[a], rank[b]
    else:
        try:
            a, b = int(a), int(b)
        except (TypeError, ValueError):
            return None
    return (a > b) - (a < b)


def classify_link(
    category: Any, earlier_category: Any, verdict: Any, earlier_verdict: Any
) -> str:
    """How a later recommendation relates to the earlier one it resembles."""
    moves = [
        m
        for m in (
            _cmp(category, earlier_category),
            _cmp(verdict, earlier_verdict, _VERDICT_RANK),
        )
        if m is not None
    ]
    if not moves:
        return "unlabelled"
    up, down = any(m > 0 for m in moves), any(m < 0 for m in moves)
    if up and down:
        return "mixed"
    if up:
        return "strengthened"
    if down:
        return "watered_down"
    return "repeated"


def _col(frame: pd.DataFrame, name: str) -> list[Any]:
    return frame[name].tolist() if name in frame else [None] * len(frame)


def _link_pair(
    later: pd.DataFrame,
    earlier: pd.DataFrame,
    *,
    threshold: float,
    top_k: int,
    vectors: tuple[np.ndarray, np.ndarray] | None,
) -> list[dict[str, Any]]:
    matches = match_texts(
        later["text"].tolist(), earlier["text"].tolist(), threshold=threshold, top_k=top_k,
        semantic=vectors is not None,
        later_vectors=vectors[0] if vectors else None,
        earlier_vectors=vectors[1] if vectors else None,
    )
    if not matches:
        return []
    lc = {k: _col(later, k) for k in ("id", "sur", "cycle", "position", "action_category",
                                       "verdict", "text")}
    ec = {k: _col(earlier, k) for k in ("id", "cycle", "position", "action_category",
                                         "verdict", "text")}
    rows = []
    seen: set[int] = set()
    for m in matches:  # best first within each i
        best = m.i not in seen
        seen.add(m.i)
        rows.append(
            {
                "sur": lc["sur"][m.i],
                "cycle": lc["cycle"][m.i],
                "id": lc["id"][m.i],
                "earlier_cycle": ec["cycle"][m.j],
                "earlier_id": ec["id"][m.j],
                "score": m.score,
                "cosine": m.cosine,
                "fuzzy": m.fuzzy,
                "lexical": m.lexical,
                "semantic": m.semantic,
                "best": best,
                "link": classify_link(
                    lc["action_category"][m.i], ec["action_category"][m.j],
                    lc["verdict"][m.i], ec["verdict"][m.j],
                ),
                "position": lc["position"][m.i],
                "earlier_position": ec["position"][m.j],
                "action_category": lc["action_category"][m.i],
                "earlier_action_category": ec["action_category"][m.j],
                "verdict": lc["verdict"][m.i],
                "earlier_verdict": ec["verdict"][m.j],
                "text": lc["text"][m.i],
                "earlier_text": ec["text"][m.j],
                "threshold": threshold,
            }
        )
    return rows


def _vectors(
    texts: list[str], semantic: bool, store: Any, progress: Callable[[int], None] | None
) -> TextVectors:
    if not semantic:
        return TextVectors(None, "semantic similarity not requested")
    return text_vectors(texts, store=store, progress=progress)


def link_cycles(
    frames: dict[int, pd.DataFrame],
    *,
    cycle: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    top_k: int = 3,
    semantic: bool = True,
    store: Any = None,
    vectors: TextVectors | None = None,
) -> pd.DataFrame:
    """Links from each cycle's recommendations (only ``cycle``'s when given) to every earlier
    cycle of the same SuR. ``frames`` maps cycle -> frame with columns id, sur, cycle, text,
    position and, when labelled, action_category and verdict. ``best`` marks the
    highest-scoring link per (recommendation, earlier cycle).

    ``semantic``: mix in sentence-vector similarity when vectors can be had; ``store`` caches
    them (pass it, or an audit re-embeds every text each run); ``vectors``: precomputed, one
    row per text of ``frames`` in cycle order. The result's ``attrs`` carry
    ``similarity_method`` (what was actually used) and ``threshold``."""
    order = sorted(frames)
    wanted = [c for c in order if cycle is None or c == cycle]
    used = [c for c in order if any(c <= w for w in wanted)]
    rows: list[dict[str, Any]] = []
    tv = vectors
    if tv is None:
        texts = [t for c in used for t in frames[c]["text"].tolist()]
        tv = _vectors(texts, semantic and bool(texts), store, None) if texts else TextVectors(
            None, "no texts")
    per_cycle: dict[int, np.ndarray] = {}
    if tv.vectors is not None:
        start = 0
        for c in (order if vectors is not None else used):
            n = len(frames[c])
            per_cycle[c] = tv.vectors[start : start + n]
            start += n
    for later_c in wanted:
        for earlier_c in sorted(c for c in frames if c < later_c):
            pair = (per_cycle[later_c], per_cycle[earlier_c]) if per_cycle else None
            rows += _link_pair(
                frames[later_c], frames[earlier_c], threshold=threshold, top_k=top_k,
                vectors=pair,
            )
    out = pd.DataFrame(rows, columns=LINK_COLUMNS)
    out.attrs["similarity_method"] = (
        tv.method if semantic else method(False, "semantic similarity not requested")
    )
    out.attrs["threshold"] = threshold
    return out


def dropped(frames: dict[int, pd.DataFrame], links: pd.DataFrame, *, cycle: int) -> pd.DataFrame:
    """Recommendations of the cycle before ``cycle`` that nothing in ``cycle`` resembles."""
    earlier = [c for c in frames if c < cycle]
    if not earlier:
        return pd.DataFrame(columns=["id", "cycle", "position", "text"])
    prev = frames[max(earlier)]
    linked = set(links.loc[links["cycle"] == cycle, "earlier_id"]) if len(links) else set()
    out = prev[~prev["id"].isin(linked)]
    cols = [c for c in ("id", "cycle", "position", "action_category", "verdict", "text")
            if c in out]
    return out[cols].reset_index(drop=True)


def fate_of_noted(
    frames: dict[int, pd.DataFrame], links: pd.DataFrame, *, cycle: int
) -> pd.DataFrame:
    """Each noted recommendation of the cycles before ``cycle``: what the following cycles
    (up to ``cycle``) made of it. ``fate`` is the kind of the best link from the first later
    cycle that has one, else ``dropped``; ``later_position`` says whether the SuR supported
    the later recommendation."""
    cols = ["id", "cycle", "text", "fate", "later_id", "later_cycle", "later_position",
            "score"]
    rows = []
    best = links[links["best"]] if len(links) else links
    # The first later cycle's best link per earlier recommendation, found once (a filter per
    # recommendation made this the slowest step of an audit).
    firsts: dict[str, Any] = {}
    if len(best):
        ordered = best[best["cycle"] <= cycle].sort_values(
            ["cycle", "score"], ascending=[True, False]
        )
        for row in ordered.itertuples(index=False):
            firsts.setdefault(row.earlier_id, row._asdict())
    for c in sorted(x for x in frames if x < cycle):
        f = frames[c]
        for rec in f[f["position"] == "noted"].itertuples():
            first = firsts.get(rec.id)
            if first is None:
                rows.append({"id": rec.id, "cycle": c, "text": rec.text, "fate": "dropped",
                             "later_id": None, "later_cycle": None, "later_position": None,
                             "score": None})
                continue
            rows.append({
                "id": rec.id, "cycle": c, "text": rec.text, "fate": first["link"],
                "later_id": first["id"], "later_cycle": first["cycle"],
                "later_position": first["position"], "score": first["score"],
            })
    return pd.DataFrame(rows, columns=cols)


def link_all(
    frame: pd.DataFrame,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    top_k: int = 1,
    progress: Callable[[str], None] | None = None,
    semantic: bool = True,
    store: Any = None,
    embed_progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Cross-cycle links for every SuR of ``frame`` (columns sur, cycle, id, text, and
    optionally position, action_category, verdict): each SuR's cycles linked to its earlier
    ones. ``progress(sur)`` is called after each SuR; ``embed_progress(n)`` after each chunk
    of texts embedded (all texts are embedded first, once, and cached in ``store`` when
    given). ``attrs["similarity_method"]`` says what was used."""
    frame = frame.reset_index(drop=True)
    tv = _vectors(frame["text"].tolist(), semantic and len(frame) > 0, store, embed_progress)
    parts = []
    for sur, sub in frame.groupby("sur", sort=True):
        frames = {int(c): g for c, g in sub.groupby("cycle")}
        if len(frames) > 1:
            sub_tv = TextVectors(None, tv.reason)
            if tv.vectors is not None:
                idx = np.concatenate([frames[c].index.to_numpy() for c in sorted(frames)])
                sub_tv = TextVectors(tv.vectors[idx])
            frames = {c: g.reset_index(drop=True) for c, g in frames.items()}
            parts.append(link_cycles(frames, threshold=threshold, top_k=top_k,
                                     semantic=semantic, vectors=sub_tv))
        if progress is not None:
            progress(str(sur))
    out = (pd.concat(parts, ignore_index=True) if parts
           else pd.DataFrame(columns=LINK_COLUMNS))
    out.attrs["similarity_method"] = tv.method if semantic else method(
        False, "semantic similarity not requested")
    out.attrs["threshold"] = threshold
    return out
