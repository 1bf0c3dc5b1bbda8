"""The learned parts: action category (4 vs 5 turns on the object of the verb) and UPR Info
issues, plus UHRI themes and affected persons from the OHCHR matrices.

All are plain scikit-learn pipelines (TF-IDF views of the text + linear models), fitted by
``scripts/train.py`` with fixed seeds and shipped as joblib files in ``classify/models/``.
Model labels cite the top-weighted n-grams of the decision, found back in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from uprlens.classify.features import STEM, clause_heads, head_tokens, stems, verb_objects
from uprlens.errors import ClassifyError
from uprlens.types import Evidence

__all__ = [
    "CategoryModel",
    "MODEL_DIR",
    "MultiLabelModel",
    "build_category_pipeline",
    "build_multilabel_pipeline",
    "FeatureParser",
    "find_ngram",
    "parse_feature",
    "word_index",
    "from_ovr",
    "row_of",
    "tokens_of",
    "load",
    "save",
    "strip_for_shipping",
]

MODEL_DIR = Path(__file__).parent / "models"
SEED = 0


def _tfidf(**kw: Any) -> TfidfVectorizer:
    kw.setdefault("min_df", 2)
    return TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **kw)


def build_features(min_df: int = 2) -> FeatureUnion:
    """Five views: all words, the head (lead verb + object), every clause opening, stems, and
    verb-object pairs (the lead verb's and each "including by ..." clause's)."""
    return FeatureUnion(
        [
            ("full", _tfidf(ngram_range=(1, 3), min_df=min_df)),
            (
                "head",
                make_pipeline(
                    FunctionTransformer(head_tokens), _tfidf(ngram_range=(1, 3), min_df=min_df)
                ),
            ),
            (
                "clause",
                make_pipeline(
                    FunctionTransformer(clause_heads),
                    _tfidf(token_pattern=r"\S+", min_df=min_df),
                ),
            ),
            (
                "stem",
                make_pipeline(
                    FunctionTransformer(stems), _tfidf(ngram_range=(1, 2), min_df=min_df)
                ),
            ),
            (
                "vo",
                make_pipeline(
                    FunctionTransformer(verb_objects),
                    _tfidf(token_pattern=r"\S+", min_df=min_df),
                ),
            ),
        ]
    )


def build_category_pipeline(C: float = 0.2) -> Pipeline:
    return Pipeline([("features", build_features()), ("svc", LinearSVC(C=C, random_state=SEED))])


def build_multilabel_pipeline(C: float = 0.5, min_df: int = 2) -> Pipeline:
    return Pipeline(
        [
            ("features", build_features(min_df=min_df)),
            ("ovr", OneVsRestClassifier(LinearSVC(C=C, random_state=SEED))),
        ]
    )


def _feature_names(features: FeatureUnion) -> np.ndarray:
    names: list[str] = []
    for name, trans in features.transformer_list:
        vec = trans if isinstance(trans, TfidfVectorizer) else trans.steps[-1][1]
        names.extend(f"{name}__{f}" for f in vec.get_feature_names_out())
    return np.asarray(names, dtype=object)


_TOKENS = re.compile(r"[a-z0-9]+")
# N-grams made only of these explain nothing to a reader; they are skipped as evidence.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "its",
        "of",
        "on",
        "or",
        "the",
        "their",
        "to",
        "with",
        "that",
        "this",
        "all",
    ]
)

Tokens = tuple[list[str], list[int], list[int]]


def tokens_of(text: str) -> Tokens:
    """Lower-cased alphanumeric runs of the text with their offsets (for evidence spans)."""
    low = text.lower()
    words, starts, ends = [], [], []
    for m in _TOKENS.finditer(low):
        words.append(m.group(0))
        starts.append(m.start())
        ends.append(m.end())
    return words, starts, ends


def parse_feature(feature: str) -> tuple[tuple[str, ...], bool] | None:
    """The words a model feature (``full__adopt a law``, ``clause__C_adopt_a``) stands for, and
    whether they are stems (prefixes); None if it is only function words (no evidence)."""
    view, _, gram = feature.partition("__")
    if gram.startswith("C_"):
        gram = gram[2:].replace("_", " ")
    elif view == "vo":
        # "vo_adopt_law": the object ("law") is what decided; verb and object need not touch.
        # "inc_establishing": the clause's verb.
        last = gram.split("_")[-1] if "_" in gram else ""
        gram = "" if last == "none" else last
    # Features were built on tokens that may keep an apostrophe; spans use alphanumeric runs.
    want = tuple(_TOKENS.findall(gram))
    if not want or all(w in _FUNCTION_WORDS for w in want):
        return None
    return want, view == "stem"


def _match_at(words: list[str], i: int, want: tuple[str, ...], stem: bool) -> bool:
    if i + len(want) > len(words):
        return False
    if stem:
        return all(words[i + k].startswith(want[k]) for k in range(len(want)))
    return all(words[i + k] == want[k] for k in range(len(want)))


def _locate(
    parsed: tuple[tuple[str, ...], bool], toks: Tokens, index: dict[str, list[int]] | None
) -> tuple[int, int] | None:
    want, stem = parsed
    words, starts, ends = toks
    n = len(want)
    if index is not None:
        # Only the positions of the first word (or of its stem) need checking.
        cands: Iterable[int] = index.get(_STEM_KEY + want[0] if stem else want[0], ())
    else:
        cands = range(len(words) - n + 1)
    for i in cands:
        if _match_at(words, i, want, stem):
            return starts[i], ends[i + n - 1]
    return None


def find_ngram(text: str, feature: str, toks: Tokens | None = None) -> tuple[int, int] | None:
    """Where a model feature (``full__adopt a law``, ``clause__C_adopt_a``) occurs in text."""
    parsed = parse_feature(feature)
    if parsed is None:
        return None
    return _locate(parsed, toks if toks is not None else tokens_of(text), None)


_STEM_KEY = "\x00"  # stems share the index with words under this prefix


def word_index(toks: Tokens) -> dict[str, list[int]]:
    """Positions of each word, and of each word's stem (features.STEM letters), of a text;
    built once per text and shared by every label's evidence."""
    index: dict[str, list[int]] = {}
    for i, w in enumerate(toks[0]):
        index.setdefault(w, []).append(i)
        index.setdefault(_STEM_KEY + w[:STEM], []).append(i)
    return index


class FeatureParser:
    """``parse_feature`` memoised per feature column: a batch asks for the same few thousand
    columns over and over."""

    def __init__(self, names: np.ndarray) -> None:
        self.names = names
        self._cache: dict[int, tuple[tuple[str, ...], bool] | None] = {}

    def __call__(self, col: int) -> tuple[tuple[str, ...], bool] | None:
        try:
            return self._cache[col]
        except KeyError:
            out = self._cache[col] = parse_feature(str(self.names[col]))
            return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class CategoryModel:
    """The fitted category pipeline with what it needs to explain itself."""

    pipeline: Pipeline
    version: str
    temperature: float = 1.0  # fitted on a validation split so scores read as probabilities
    meta: dict[str, Any] = field(default_factory=dict)
    feature_names_: np.ndarray | None = None
    # Per-class offsets on the decision values, tuned on the validation sessions (the
    # SVM's one-vs-rest margins are not comparable across classes as they come).
    bias: np.ndarray | None = None

    @property
    def rule_id(self) -> str:
        return f"model:category@{self.version}"

    def _names(self) -> np.ndarray:
        if self.feature_names_ is None:
            self.feature_names_ = _feature_names(self.pipeline.named_steps["features"])
        return self.feature_names_

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        return self.pipeline.named_steps["features"].transform(texts).tocsr()

    def predict(self, X: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (labels, scores of the label, full probability matrix)."""
        svc = self.pipeline.named_steps["svc"]
        dec = svc.decision_function(X)
        bias = getattr(self, "bias", None)
        if bias is not None:
            dec = dec + bias
        proba = _softmax(dec * self.temperature)
        idx = proba.argmax(axis=1)
        return svc.classes_[idx].astype(str), proba[np.arange(len(idx)), idx], proba

    def classes(self) -> list[str]:
        return [str(c) for c in self.pipeline.named_steps["svc"].classes_]

    def _weight(self, labels: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return self.pipeline.named_steps["svc"].coef_[labels, cols]

    def batch_evidence(
        self,
        texts: list[str],
        X: sparse.csr_matrix,
        labels: list[str],
        toks: list[Tokens],
        k: int = 3,
        indexes: list[dict[str, list[int]] | None] | None = None,
    ) -> list[tuple[Evidence, ...]]:
        classes = self.classes()
        li = np.array([classes.index(lb) for lb in labels])
        feats = top_features(X, self._weight, np.arange(len(texts)), li, 3 * k)
        parse = _parser(self)
        indexes = indexes if indexes is not None else [None] * len(texts)
        return [
            spans_for(t, f, parse, self.rule_id, k, tk, ix)
            for t, f, tk, ix in zip(texts, feats, toks, indexes, strict=True)
        ]

    def evidence(
        self,
        text: str,
        x_row: sparse.csr_matrix,
        label: str,
        k: int = 3,
        toks: Tokens | None = None,
    ) -> tuple[Evidence, ...]:
        svc = self.pipeline.named_steps["svc"]
        ci = self.classes().index(label)
        return _top_evidence(text, x_row, svc.coef_[ci], self._names(), self.rule_id, k, toks)


RowLike = sparse.csr_matrix | tuple[np.ndarray, np.ndarray]


def _row_arrays(x_row: RowLike) -> tuple[np.ndarray, np.ndarray]:
    """(column indices, values) of one row; a tuple passes through (no scipy slicing cost)."""
    if isinstance(x_row, tuple):
        return x_row
    row = x_row.tocsr()
    return row.indices, row.data


def row_of(X: sparse.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    a, b = X.indptr[i], X.indptr[i + 1]
    return X.indices[a:b], X.data[a:b]


def _top_evidence(
    text: str,
    x_row: RowLike,
    coef: np.ndarray,
    names: np.ndarray,
    rule_id: str,
    k: int,
    toks: Tokens | None = None,
) -> tuple[Evidence, ...]:
    cols, data = _row_arrays(x_row)
    if len(cols) == 0:
        return ()
    contrib = data * coef[cols]
    order = np.argsort(-contrib)[: 3 * k]
    toks = toks if toks is not None else tokens_of(text)
    out: list[Evidence] = []
    seen: set[tuple[int, int]] = set()
    for j in order:
        if contrib[j] <= 0 or len(out) >= k:
            break
        span = find_ngram(text, str(names[cols[j]]), toks)
        if span is None or any(a <= span[0] and span[1] <= b for a, b in seen):
            continue
        seen.add(span)
        out.append(Evidence(span[0], span[1], text[span[0] : span[1]], rule_id, "model"))
    return tuple(sorted(out, key=lambda e: e.start))


def top_features(
    X: sparse.csr_matrix,
    weight: Any,
    rows: np.ndarray,
    labels: np.ndarray,
    k: int,
) -> list[list[int]]:
    """For each (row, label) pair, the columns with the largest positive contribution
    ``X[row, j] * weight(label, j)``, best first, at most k, in a few array operations.

    ``weight(labels, cols)`` returns the model weights for arrays of (label, column) pairs.
    """
    if len(rows) == 0:
        return []
    Xs = X[rows]
    seg = np.repeat(np.arange(len(rows)), np.diff(Xs.indptr))
    val = Xs.data * weight(labels[seg], Xs.indices)
    pos = val > 0
    seg, val, ind = seg[pos], val[pos], Xs.indices[pos]
    order = np.lexsort((-val, seg))
    seg, ind = seg[order], ind[order]
    rank = np.arange(len(seg)) - np.searchsorted(seg, seg)
    keep = rank < k
    out: list[list[int]] = [[] for _ in range(len(rows))]
    for s_, f_ in zip(seg[keep].tolist(), ind[keep].tolist(), strict=True):
        out[s_].append(f_)
    return out


def spans_for(
    text: str,
    features: list[int],
    parse: FeatureParser,
    rule_id: str,
    k: int,
    toks: Tokens,
    index: dict[str, list[int]] | None = None,
) -> tuple[Evidence, ...]:
    """Find the first k of the given features back in the text as evidence spans."""
    out: list[Evidence] = []
    seen: list[tuple[int, int]] = []
    for f in features:
        if len(out) >= k:
            break
        parsed = parse(f)
        if parsed is None:
            continue
        span = _locate(parsed, toks, index)
        if span is None or any(a <= span[0] and span[1] <= b for a, b in seen):
            continue
        seen.append(span)
        out.append(Evidence(span[0], span[1], text[span[0] : span[1]], rule_id, "model"))
    if len(out) > 1:
        out.sort(key=lambda e: e.start)
    return tuple(out)


def _parser(model: Any) -> FeatureParser:
    p = model.__dict__.get("_parser")
    if p is None:
        p = model.__dict__["_parser"] = FeatureParser(model._names())
    return p


@dataclass
class MultiLabelModel:
    """One-vs-rest linear tagger (UPR Info issues, UHRI themes).

    Trained with scikit-learn (``OneVsRestClassifier(LinearSVC)``); shipped as its pruned
    sparse weights so the file stays small. ``features is None`` means it reads the category
    model's features (same vocabulary, fitted on the same texts), so a batch is vectorised once.
    """

    name: str  # issues, themes
    features: FeatureUnion | None
    coef: sparse.csr_matrix  # (n_labels, n_features)
    intercept: np.ndarray
    classes: list[str]
    thresholds: np.ndarray  # per label, on the decision function; tuned on a validation split
    version: str
    temperature: float = 1.0
    meta: dict[str, Any] = field(default_factory=dict)
    feature_names_: np.ndarray | None = None

    @property
    def rule_id(self) -> str:
        return f"model:{self.name}@{self.version}"

    def set_feature_names(self, names: np.ndarray) -> None:
        self.feature_names_ = names

    def _names(self) -> np.ndarray:
        if self.feature_names_ is None:
            if self.features is None:
                raise ClassifyError(f"{self.name} model needs the category model's feature names")
            self.feature_names_ = _feature_names(self.features)
        return self.feature_names_

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        if self.features is None:
            raise ClassifyError(f"{self.name} model reads the category model's features")
        return self.features.transform(texts).tocsr()

    def decision(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray((X @ self.coef.T).todense()) + self.intercept

    def predict(self, X: sparse.csr_matrix) -> tuple[list[list[int]], np.ndarray]:
        """Per row the chosen label indices (at least one), and scores in [0, 1]."""
        dec = self.decision(X)
        chosen = dec > self.thresholds
        # A recommendation always concerns something: fall back to the best label.
        empty = ~chosen.any(axis=1)
        if empty.any():
            rows = np.where(empty)[0]
            chosen[rows, dec[rows].argmax(axis=1)] = True
        scores = 1.0 / (1.0 + np.exp(-(dec - self.thresholds) * self.temperature))
        return [list(np.flatnonzero(r)) for r in chosen], scores

    def labels(self) -> list[str]:
        return list(self.classes)

    def _weight(self, labels: np.ndarray, cols: np.ndarray) -> np.ndarray:
        # Dense over the columns any label uses (pruning leaves few): fast lookups, small memory.
        if self.__dict__.get("_dense") is None:
            used = np.unique(self.coef.indices)
            colmap = np.full(self.coef.shape[1], -1, dtype=np.int64)
            colmap[used] = np.arange(len(used))
            dense = np.zeros((self.coef.shape[0], len(used) + 1), dtype=np.float32)
            dense[:, : len(used)] = self.coef[:, used].toarray()
            self.__dict__["_dense"] = (colmap, dense)
        colmap, dense = self.__dict__["_dense"]
        return dense[labels, colmap[cols]]  # column -1 is the all-zero spare column

    def batch_evidence(
        self,
        texts: list[str],
        X: sparse.csr_matrix,
        chosen: list[list[int]],
        toks: list[Tokens],
        k: int = 1,
        indexes: list[dict[str, list[int]] | None] | None = None,
    ) -> list[list[tuple[Evidence, ...]]]:
        rows = np.array([i for i, c in enumerate(chosen) for _ in c], dtype=np.int64)
        labs = np.array([li for c in chosen for li in c], dtype=np.int64)
        feats = top_features(X, self._weight, rows, labs, 3 * k)
        parse = _parser(self)
        indexes = indexes if indexes is not None else [None] * len(texts)
        out: list[list[tuple[Evidence, ...]]] = [[] for _ in chosen]
        for r, f in zip(rows.tolist(), feats, strict=True):
            out[r].append(spans_for(texts[r], f, parse, self.rule_id, k, toks[r], indexes[r]))
        return out

    def evidence(
        self, text: str, x_row: RowLike, li: int, k: int = 2, toks: Tokens | None = None
    ) -> tuple[Evidence, ...]:
        cols, data = _row_arrays(x_row)
        if len(cols) == 0:
            return ()
        # Weights of label li at this row's columns, read from the sparse matrix directly.
        a, b = self.coef.indptr[li], self.coef.indptr[li + 1]
        ind, val = self.coef.indices[a:b], self.coef.data[a:b]
        if len(ind) == 0:
            return ()
        pos = np.minimum(np.searchsorted(ind, cols), len(ind) - 1)
        w = np.where(ind[pos] == cols, val[pos], 0.0)
        local = (np.arange(len(cols)), data)
        return _top_evidence(text, local, w, self._names()[cols], self.rule_id, k, toks)


def from_ovr(
    name: str,
    ovr: OneVsRestClassifier,
    classes: list[str],
    features: FeatureUnion | None,
    thresholds: np.ndarray,
    version: str,
    prune: float = 0.0,
    meta: dict[str, Any] | None = None,
) -> MultiLabelModel:
    """Keep a fitted OvR's weights, dropping those below ``prune`` in absolute value."""
    coef = np.vstack([e.coef_.ravel() for e in ovr.estimators_]).astype(np.float32)
    coef[np.abs(coef) < prune] = 0.0
    intercept = np.array([float(e.intercept_[0]) for e in ovr.estimators_])
    csr = sparse.csr_matrix(coef)
    csr.sort_indices()  # evidence looks weights up by binary search
    return MultiLabelModel(
        name=name,
        features=features,
        coef=csr,
        intercept=intercept,
        classes=classes,
        thresholds=np.asarray(thresholds, dtype=float),
        version=version,
        meta=dict(meta or {}),
    )


def strip_for_shipping(features: FeatureUnion) -> None:
    """Drop what a fitted TfidfVectorizer keeps only for introspection (``stop_words_`` holds
    every pruned n-gram and would dwarf the model)."""
    for _, trans in features.transformer_list:
        vec = trans if isinstance(trans, TfidfVectorizer) else trans.steps[-1][1]
        if hasattr(vec, "stop_words_"):
            delattr(vec, "stop_words_")


def save(model: CategoryModel | MultiLabelModel, path: Path) -> None:
    model.feature_names_ = None
    model.__dict__.pop("_dense", None)
    model.__dict__.pop("_parser", None)
    joblib.dump(model, path, compress=3)


def load(path: Path) -> Any:
    if not path.is_file():
        raise ClassifyError(
            f"model file {path} is missing; run `make train` (scripts/train.py) to build it"
        )
    try:
        return joblib.load(path)
    except Exception as exc:  # a truncated or foreign pickle: any error means "rebuild"
        raise ClassifyError(
            f"model file {path} cannot be loaded ({type(exc).__name__}: {exc}); "
            "rebuild it with `make train`"
        ) from exc
