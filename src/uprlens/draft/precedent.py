"""Precedent: past recommendations to the same SuR most like the draft, with who made them and
how the SuR answered (every cycle the store holds; one record per review and wording)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

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
    bm25: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def precedents(store: Any, text: str, sur: str, *, limit: int = 5) -> list[Precedent]:
    words = content_words(text)
    for g in named_groups_in(text):
        words += [w for w in g.search_terms if w not in words]
    if not words:
        return []
    rows = store.query(
        "SELECT r.id, r.sur, r.cycle, r.paragraph, r.text, r.states, r.position, "
        "r.position_qualifier, r.source_kind, r.review_id, r.is_primary, "
        "bm25(recommendations_fts) AS rank "
        "FROM recommendations_fts f JOIN recommendations r ON r.pk = f.rowid "
        "WHERE recommendations_fts MATCH ? AND r.sur = ? AND r.kind = 'recommendation' "
        "ORDER BY rank LIMIT ?",
        (_fts_or(words), sur.upper(), limit * 10),
    )
    out: list[Precedent] = []
    seen: set[tuple[str, str]] = set()
    # A review held by several sources repeats its wordings; keep the authoritative one.
    for r in sorted(rows, key=lambda r: (r["rank"], -r["is_primary"])):
        key = (r["review_id"], r["text"].strip().lower())
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Precedent(
                id=r["id"], sur=r["sur"], cycle=r["cycle"], paragraph=r["paragraph"],
                text=r["text"], states=r["states"], position=r["position"],
                position_qualifier=r["position_qualifier"], source_kind=r["source_kind"],
                bm25=float(r["rank"]),
            )
        )
        if len(out) >= limit:
            break
    return out
