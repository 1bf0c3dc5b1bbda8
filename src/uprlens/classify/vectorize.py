"""The shipped TF-IDF views, computed faster than scikit-learn computes them, with the same result.

``FeatureUnion.transform`` runs five ``TfidfVectorizer``s, each re-reading the text through
layers of Python calls per n-gram. Here each view's tokens are produced by the very functions
the pipeline uses (``features.py`` and the vectoriser's own token pattern), n-grams are built
and counted with C-level ``map``/``Counter``, and only n-grams whose (n-1)-gram prefix and
suffix are in the vocabulary are built at all: with ``min_df`` the only pruning, an n-gram seen
in two training texts has both of its (n-1)-grams seen there too. The counts then go through
the fitted vectoriser's own ``TfidfTransformer`` (sublinear tf, idf, l2), so the matrix is the
one scikit-learn returns, bit for bit; ``tests/classify/test_vectorize.py`` holds it to that.

A fitted union this module does not recognise (another view, another analyzer, stop words...)
is used as it is: ``fast_features`` returns None and the pipeline transforms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain, compress, repeat
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from uprlens.classify import features as F

__all__ = ["FastFeatures", "fast_features"]

# Text views this module knows how to rebuild, by the function the pipeline applies first.
_VIEWS: dict[Callable[..., Any] | None, str] = {
    None: "raw",
    F.head_tokens: "head",
    F.clause_heads: "clause",
    F.stems: "stem",
    F.verb_objects: "vo",
}


@dataclass
class _View:
    name: str
    kind: str  # raw, head, clause, stem, vo
    vec: TfidfVectorizer
    vocab: dict[str, int]
    token: re.Pattern[str]
    n_max: int
    n_features: int


def _plain(vec: TfidfVectorizer) -> bool:
    """A vectoriser whose analyzer is: lower-case, token pattern, word n-grams from 1."""
    p = vec.get_params()
    return (
        p["analyzer"] == "word"
        and p["input"] == "content"
        and p["lowercase"] is True
        and p["preprocessor"] is None
        and p["tokenizer"] is None
        and p["stop_words"] is None
        and p["strip_accents"] is None
        and p["binary"] is False
        # The n-gram pruning below holds when min_df is the only cut on the vocabulary.
        and p["max_df"] in (1.0, None)
        and p["max_features"] is None
        and p["ngram_range"][0] == 1
        and p["ngram_range"][1] in (1, 2, 3)
        and isinstance(p["token_pattern"], str)
        and re.compile(p["token_pattern"]).groups == 0
        and hasattr(vec, "vocabulary_")
        and hasattr(vec, "_tfidf")
    )


def fast_features(union: Any) -> FastFeatures | None:
    """A fast equivalent of a fitted ``features`` union, or None if it is not one we know."""
    if not isinstance(union, FeatureUnion) or union.transformer_weights:
        return None
    views: list[_View] = []
    for name, trans in union.transformer_list:
        func: Callable[..., Any] | None = None
        if isinstance(trans, Pipeline):
            steps = [s for _, s in trans.steps]
            if len(steps) != 2 or not isinstance(steps[0], FunctionTransformer):
                return None
            ft = steps[0]
            if ft.kw_args or ft.func not in _VIEWS or ft.func is None:
                return None
            func, vec = ft.func, steps[1]
        else:
            vec = trans
        if not isinstance(vec, TfidfVectorizer) or not _plain(vec):
            return None
        views.append(
            _View(
                name=name,
                kind=_VIEWS[func],
                vec=vec,
                vocab=vec.vocabulary_,
                token=re.compile(vec.token_pattern),
                n_max=int(vec.ngram_range[1]),
                n_features=len(vec.vocabulary_),
            )
        )
    return FastFeatures(views)


_DEFAULT_TOKEN = r"(?u)\b\w\w+\b"
# ASCII characters that are not \w, and not [a-z0-9'] (features.TOKEN), as spaces: on an ASCII
# text, str.split after str.translate gives the same runs as the regular expressions, in C.
_NOT_WORD = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_NOT_TOKEN = {c: " " for c in range(128) if chr(c) not in _ALNUM + "'"}
_NOT_ALNUM = {c: " " for c in range(128) if chr(c) not in _ALNUM}


def _ascii_tokens(kind: str, text: str) -> list[str]:
    """The default token pattern's tokens of a view of an ASCII text, without the regex:
    that pattern finds the maximal word-character runs of two characters or more."""
    low = text.lower()
    if kind == "raw":
        return [w for w in low.translate(_NOT_WORD).split() if len(w) > 1]
    if kind == "head":
        # features.head_tokens: the first HEAD_TOKENS [a-z0-9']+ runs; "'" then splits words.
        head = low.translate(_NOT_TOKEN).split()[: F.HEAD_TOKENS]
        return [p for w in head for p in w.split("'") if len(p) > 1]
    # features.stems: the first STEM letters of every [a-z0-9]+ run.
    return [w[: F.STEM] for w in low.translate(_NOT_ALNUM).split() if len(w) > 1]


class FastFeatures:
    """``transform(texts)``: the union's matrix (csr, float32), computed without its overhead."""

    def __init__(self, views: Sequence[_View]) -> None:
        self.views = list(views)

    def _docs(self, kind: str, texts: list[str]) -> list[str]:
        # The vectorisers lower-case every view ("C_adopt" is "c_adopt" in the vocabulary).
        if kind == "raw":
            return [t.lower() for t in texts]
        if kind == "head":
            docs = F.head_tokens(texts)
        elif kind == "clause":
            docs = F.clause_heads(texts)
        elif kind == "stem":
            docs = F.stems(texts)
        else:
            docs = F.verb_objects(texts)
        return [d.lower() for d in docs]

    def _tokens(self, view: _View, texts: list[str]) -> list[list[str]]:
        """Each text's tokens as the view's vectoriser sees them."""
        if view.token.pattern == _DEFAULT_TOKEN and view.kind in ("raw", "head", "stem"):
            return [
                _ascii_tokens(view.kind, t)
                if t.isascii()
                else view.token.findall(self._docs(view.kind, [t])[0])
                for t in texts
            ]
        return list(map(view.token.findall, self._docs(view.kind, texts)))

    def _counts(self, view: _View, per_doc: list[list[str]]) -> sparse.csr_matrix:
        """Count matrix of one view, built over the whole batch in C-level passes over the
        concatenated token stream: an n-gram is looked up only where its two (n-1)-grams are
        known and in the same document; ``np.unique`` on (document, column) counts and sorts."""
        n_docs, n_feat = len(per_doc), view.n_features
        flat = list(chain.from_iterable(per_doc))
        doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), list(map(len, per_doc)))
        get, miss = view.vocab.get, repeat(-1)
        ids = np.fromiter(map(get, flat, miss), dtype=np.int64, count=len(flat))
        keys = [doc_of[ids >= 0] * n_feat + ids[ids >= 0]]
        for n in range(2, view.n_max + 1):
            # ids[p]: the (n-1)-gram starting at token p (-1: unknown or straddling documents)
            ok = (ids[:-1] >= 0) & (ids[1:] >= 0)
            if n == 2:
                ok &= doc_of[:-1] == doc_of[1:]
            mask = ok.tolist()
            grams = map(
                " ".join, zip(*(compress(flat[k:], mask) for k in range(n)), strict=True)
            )
            found = np.fromiter(map(get, grams, miss), dtype=np.int64, count=int(ok.sum()))
            ids = np.full(len(ok), -1, dtype=np.int64)
            ids[ok] = found
            keys.append(doc_of[: len(ids)][ids >= 0] * n_feat + ids[ids >= 0])
        uniq, counts = np.unique(np.concatenate(keys), return_counts=True)
        rows, cols = np.divmod(uniq, n_feat)
        indptr = np.searchsorted(rows, np.arange(n_docs + 1)).astype(np.int32)
        X = sparse.csr_matrix(
            (counts.astype(view.vec.dtype), cols.astype(np.int32), indptr),
            shape=(n_docs, n_feat),
        )
        X.has_sorted_indices = True
        return X

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        blocks = []
        for view in self.views:
            counts = self._counts(view, self._tokens(view, texts))
            blocks.append(view.vec._tfidf.transform(counts, copy=False))
        return sparse.hstack(blocks, format="csr")

