"""Grounding: the UN expert recommendations most relevant to a draft, from the store catalogue.

Ranking mixes lexical and semantic similarity. Lexical: SQLite FTS5 BM25 over the catalogue's
text and topic, re-weighted by the share of the draft's content words an entry shares.
Semantic (when the embedding model is installed, :mod:`uprlens.analyse.similarity`): the
cosine of sentence vectors, so that "families do not know where their relatives are held"
finds an entry on enforced disappearance that shares none of its words. The catalogue of one
SuR is small, so every entry is scored, not only those FTS finds; their vectors are cached in
the store. Named groups (``lexicons/group_names.csv``) widen the query: a draft that says "Uyghurs" also
finds entries on "Xinjiang"; a draft that names nobody looks for entries that name someone.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from uprlens.analyse.similarity import SEMANTIC_FLOOR, SEMANTIC_WEIGHT, text_vectors
from uprlens.errors import LexiconError

__all__ = [
    "ExpertMatch",
    "GroupName",
    "catalogue_size",
    "citation",
    "group_names",
    "ground",
    "named_groups_in",
]

_WORD = re.compile(r"[a-z][a-z'-]+")
# Words every UPR text shares: they would make BM25 rank by length instead of topic.
_COMMON = frozenset(
    {"rights", "human", "ensure", "state", "states", "country", "take", "measures", "efforts",
     "continue", "further", "government", "including", "order", "particular", "relevant"}
)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z]+$")
_SYMBOL = re.compile(r"^[A-Z]+(?:[./][A-Za-z0-9.()-]+)+(?:/[A-Za-z0-9.()-]+)*$")
_UNSURE = re.compile(r"inferred|unverified|probably|not seen|not verified", re.I)


@dataclass(frozen=True)
class GroupName:
    name: str
    pattern: re.Pattern[str]
    search_terms: tuple[str, ...]


@lru_cache(maxsize=1)
def group_names() -> tuple[GroupName, ...]:
    """The named groups a rewrite may use, when the catalogue names them too."""
    path = resources.files("uprlens.lexicons").joinpath("group_names.csv")
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=1):
            try:
                pat = re.compile(row["pattern"], re.I)
            except (re.error, KeyError) as exc:
                raise LexiconError(f"group_names.csv row {i}: bad pattern ({exc})") from None
            out.append(GroupName(row["name"], pat, tuple(row["search_terms"].split())))
    return tuple(out)


def named_groups_in(text: str) -> list[GroupName]:
    return [g for g in group_names() if g.pattern.search(text)]


@dataclass(frozen=True)
class ExpertMatch:
    id: int
    body: str
    symbol: str
    year: int | None
    paragraph: str
    topic: str
    text: str
    verbatim: bool
    source: str
    note: str
    score: float  # 0..1, higher is closer
    bm25: float  # SQLite's BM25 (more negative is better)
    overlap: float  # share of the draft's content words found in the entry
    semantic: float | None = None  # sentence-vector cosine; None when scored lexically only

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["citation"] = citation(self)
        return d

    @property
    def groups(self) -> list[str]:
        return [g.name for g in named_groups_in(f"{self.text} {self.topic}")]


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "s", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for w in _WORD.findall(text.lower()):
        w = w.strip("'-")
        if len(w) > 2 and w not in ENGLISH_STOP_WORDS and w not in _COMMON:
            seen.setdefault(w, None)
    return list(seen)


def _fts_or(words: list[str]) -> str:
    return " OR ".join(f'"{w}"' for w in words if '"' not in w)


def catalogue_size(store: Any, sur: str) -> int:
    return int(
        store.query("SELECT count(*) FROM expert_recommendations WHERE sur = ?", (sur.upper(),))[
            0
        ][0]
    )


# Above this many entries for one SuR, only FTS hits are scored semantically (embedding a
# huge imported catalogue on a first check would take minutes).
_SEMANTIC_ALL_MAX = 2000
_COLUMNS = "e.id, e.body, e.symbol, e.year, e.paragraph, e.topic, e.text, e.verbatim, " \
    "e.source, e.note"


def _semantic_scores(
    store: Any, text: str, entries: list[Any]
) -> dict[int, float] | None:
    """Raw cosine of the draft with each entry (keyed by id), or None without vectors."""
    if not entries:
        return {}
    tv = text_vectors([text] + [f"{r['text']} {r['topic'] or ''}".strip() for r in entries],
                      store=store)
    if tv.vectors is None:
        return None
    cos = tv.vectors[1:] @ tv.vectors[0]
    return {int(r["id"]): float(c) for r, c in zip(entries, cos, strict=True)}


def ground(
    store: Any,
    text: str,
    sur: str,
    *,
    limit: int = 5,
    unnamed_group: bool = False,
    semantic: bool = True,
    weight: float = SEMANTIC_WEIGHT,
) -> list[ExpertMatch]:
    """The catalogue entries for ``sur`` closest to ``text``, best first.

    ``unnamed_group``: the draft names nobody; prefer entries that name a group.
    ``semantic``: mix in sentence-vector cosine (share ``weight``) when vectors can be had;
    ``ExpertMatch.semantic`` is None when they could not.
    """
    sur = sur.upper()
    words = content_words(text)
    for g in named_groups_in(text):
        words += [w for w in g.search_terms if w not in words]
    if unnamed_group:
        for g in group_names():
            words += [w for w in g.search_terms if w not in words]
    rows = []
    if words:
        rows = store.query(
            f"SELECT {_COLUMNS}, bm25(experts_fts, 1.0, 0.6) AS rank "
            "FROM experts_fts JOIN expert_recommendations e ON e.id = experts_fts.rowid "
            "WHERE experts_fts MATCH ? AND e.sur = ? ORDER BY rank LIMIT ?",
            (_fts_or(words), sur, max(limit * 8, 40)),
        )
    ranks = {int(r["id"]): float(r["rank"]) for r in rows}
    entries: list[Any] = list(rows)
    sem: dict[int, float] | None = None
    if semantic and weight > 0 and text.strip():
        if catalogue_size(store, sur) <= _SEMANTIC_ALL_MAX:
            entries = store.query(
                f"SELECT {_COLUMNS} FROM expert_recommendations e WHERE e.sur = ? ORDER BY e.id",
                (sur,),
            )
        sem = _semantic_scores(store, text, entries)
    if sem is None:
        entries = list(rows)
    if not entries:
        return []
    best = min(ranks.values(), default=-1.0) or -1.0
    draft = {_stem(w) for w in content_words(text)}
    w = weight if sem is not None else 0.0
    out = []
    for r in entries:
        rank = ranks.get(int(r["id"]), 0.0)
        entry = {_stem(x) for x in content_words(f"{r['text']} {r['topic']}")}
        overlap = len(draft & entry) / len(draft) if draft else 0.0
        lexical = 0.7 * (rank / best if best < 0 else 0.0) + 0.3 * overlap
        cos = sem.get(int(r["id"])) if sem is not None else None
        scaled = 0.0 if cos is None else max(0.0, (cos - SEMANTIC_FLOOR) / (1 - SEMANTIC_FLOOR))
        if rank == 0.0 and scaled == 0.0:
            continue  # shares no word and no meaning beyond what any two UPR texts share
        out.append(
            ExpertMatch(
                id=r["id"], body=r["body"], symbol=r["symbol"], year=r["year"],
                paragraph=r["paragraph"], topic=r["topic"], text=r["text"],
                verbatim=bool(r["verbatim"]), source=r["source"], note=r["note"],
                score=round((1 - w) * lexical + w * scaled, 4), bm25=rank,
                overlap=round(overlap, 3), semantic=None if cos is None else round(cos, 4),
            )
        )
    out.sort(key=lambda m: (-m.score, m.id))
    return out[:limit]


def short_body(body: str) -> str:
    """'CERD (Committee on ...)' -> 'CERD'; 'Working Group on X (with ...)' -> 'the Working
    Group on X'."""
    head = re.split(r"\s*[(:,]", body.strip(), maxsplit=1)[0].strip()
    if _ACRONYM.match(head):
        return head
    m = re.search(r"\(([A-Z]{3,6})\)", body)
    if head.lower().startswith("human rights committee"):
        return "the Human Rights Committee"
    if m and not head:
        return m.group(1)
    if head.lower().startswith("special procedures"):
        return "UN special procedures"
    return f"the {head}" if head and head[0].isupper() and " " in head else head


def clean_paragraph(paragraph: str) -> str | None:
    """The paragraph number when the catalogue states it as fact, else None."""
    if not paragraph or _UNSURE.search(paragraph):
        return None
    m = re.match(r"^\s*(\d+(?:\.\d+)?(?:\s*\([a-z]\))?)", paragraph)
    return m.group(1) if m else None


def citation(m: ExpertMatch) -> str:
    """How a rewrite names the entry: body, document, year and paragraph, as catalogued."""
    bits = []
    if m.symbol and _SYMBOL.match(m.symbol):
        bits.append(m.symbol)
    if m.year:
        bits.append(str(m.year))
    para = clean_paragraph(m.paragraph)
    if para:
        bits.append(f"para. {para}")
    inner = ", ".join(bits)
    return f"{short_body(m.body)} ({inner})" if inner else short_body(m.body)
