"""Precedent: past recommendations to the same SuR most like the draft, with who made them and
how the SuR answered (every cycle the store holds; one record per review and wording).

Candidates are the FTS (BM25) hits on the draft's words plus, when semantic similarity is on,
every recommendation of the SuR whose sentence vector is already cached in the store (see
``uprlens.analyse.similarity.warm_embeddings``), so a paraphrase sharing no word can still
be found. Score = (1 - w) x lexical (BM25 relative to the best hit) + w x semantic cosine
rescaled as in :mod:`uprlens.analyse.similarity`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from uprlens.analyse.similarity import (
    SEMANTIC_FLOOR,
    SEMANTIC_WEIGHT,
    cached_vectors,
    text_vectors,
)
from uprlens.draft.grounding import _fts_or, content_words, named_groups_in

__all__ = ["Precedent", "precedents"]


@dataclass(frozen=True)
class Precedent:
    id: str
    sur: str
    cycle: int
    paragraph: str | None
    text: str
    states: str  # "DEU; FRA"
    position: str | None
    position_qualifier: str | None
    source_kind: str
    bm25: float  # 0.0 when found by meaning only
    score: float = 0.0  # combined, 0..1, higher is closer
    semantic: float | None = None  # sentence-vector cosine; None when scored lexically only

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLUMNS = (
    "r.pk, r.id, r.sur, r.cycle, r.paragraph, r.text, r.states, r.position, "
    "r.position_qualifier, r.source_kind, r.review_id, r.is_primary"
)


def precedents(
    store: Any,
    text: str,
    sur: str,
    *,
    limit: int = 5,
    semantic: bool = True,
    weight: float = SEMANTIC_WEIGHT,
) -> list[Precedent]:
    sur = sur.upper()
    words = content_words(text)
    for g in named_groups_in(text):
        words += [w for w in g.search_terms if w not in words]
    rows: list[Any] = []
    if words:
        rows = store.query(
            f"SELECT {_COLUMNS}, bm25(recommendations_fts) AS rank "
            "FROM recommendations_fts f JOIN recommendations r ON r.pk = f.rowid "
            "WHERE recommendations_fts MATCH ? AND r.sur = ? AND r.kind = 'recommendation' "
            "ORDER BY rank LIMIT ?",
            (_fts_or(words), sur, limit * 10),
        )
    ranks = {int(r["pk"]): float(r["rank"]) for r in rows}
    cands: dict[int, Any] = {int(r["pk"]): r for r in rows}
    sem: dict[int, float] = {}
    use_sem = False
    if semantic and weight > 0 and text.strip():
        draft = text_vectors([text], store=store)
        if draft.vectors is not None:
            use_sem = True
            hit = text_vectors([r["text"] for r in rows], store=store).vectors
            vecs = {int(r["pk"]): v for r, v in zip(rows, hit if hit is not None else [],
                                                    strict=False)}
            every = store.query(
                f"SELECT {_COLUMNS}, 0.0 AS rank FROM recommendations r "
                "WHERE r.sur = ? AND r.kind = 'recommendation'", (sur,))
            for i, v in cached_vectors([r["text"] for r in every], store).items():
                pk = int(every[i]["pk"])
                cands.setdefault(pk, every[i])
                vecs.setdefault(pk, v)
            if vecs:
                keys = list(vecs)
                cos = np.stack([vecs[k] for k in keys]) @ draft.vectors[0]
                sem = {k: float(c) for k, c in zip(keys, cos, strict=True)}
    if not cands:
        return []
    best = min(ranks.values(), default=-1.0) or -1.0
    w = weight if use_sem else 0.0
    scored = []
    for pk, r in cands.items():
        rank = ranks.get(pk, 0.0)
        lexical = rank / best if best < 0 else 0.0
        cos = sem.get(pk)
        scaled = 0.0 if cos is None else max(0.0, (cos - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR))
        if rank == 0.0 and scaled == 0.0:
            continue
        scored.append(((1 - w) * lexical + w * scaled, rank, cos, r))
    out: list[Precedent] = []
    seen: set[tuple[str, str]] = set()
    # A review held by several sources repeats its wordings; keep the authoritative one.
    for score, rank, cos, r in sorted(scored, key=lambda x: (-x[0], -x[3]["is_primary"],
                                                               x[3]["pk"])):
        key = (r["review_id"], r["text"].strip().lower())
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Precedent(
                id=r["id"], sur=r["sur"], cycle=r["cycle"], paragraph=r["paragraph"],
                text=r["text"], states=r["states"], position=r["position"],
                position_qualifier=r["position_qualifier"], source_kind=r["source_kind"],
                bm25=rank, score=round(score, 4),
                semantic=None if cos is None else round(cos, 4),
            )
        )
        if len(out) >= limit:
            break
    return out
