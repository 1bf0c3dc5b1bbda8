"""The learned parts: action category (4 vs 5 turns on the object of the verb) and UPR Info
issues, plus UHRI themes and affected persons from the OHCHR matrices.

All are plain scikit-learn pipelines (TF-IDF views of the text + linear models), fitted by
``scripts/train.py`` with fixed seeds and shipped as joblib files in ``classify/models/``.
Model labels cite the top-weighted n-grams of the decision, found back in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
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
from uprlens.classify.objects import new_evidence
from uprlens.classify.vectorize import fast_features
from uprlens.errors import ClassifyError
from uprlens.types import Evidence

__all__ = [
    "CategoryModel",
    "MODEL_DIR",
    "MultiLabelModel",
    "build_category_pipeline",
    "build_multilabel_pipeline",
    "FeatureLocator",
    "find_ngram",
    "model_evidence",
    "ngram_regex",
    "parse_feature",
    "from_ovr",
    "row_of",
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

def parse_feature(
    feature: str, function_words: bool = False
) -> tuple[tuple[str, ...], bool] | None:
    """The words a model feature (``full__adopt a law``, ``clause__C_adopt_a``) stands for, and
    whether they are stems (prefixes); None if it has no words, or only function words (they
    explain little) unless ``function_words``."""
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
    if not want or (not function_words and all(w in _FUNCTION_WORDS for w in want)):
        return None
    return want, view == "stem"


@cache
def ngram_regex(parsed: tuple[tuple[str, ...], bool]) -> re.Pattern[str]:
    """Where the words occur as consecutive alphanumeric runs of a lower-cased text (a stem
    as the start of a run); the match is the evidence span, from the first word's start to
    the last word's end. Kept per word sequence: the views and the three models name the
    same words in many columns, and compiling is most of what finding evidence costs."""
    want, stem = parsed
    tail = "[a-z0-9]*" if stem else ""
    words = [re.escape(w) + tail for w in want]
    if stem and len(want[0]) < STEM:
        # A stem shorter than STEM letters is a whole word: "it" is not the stem of "its".
        words[0] = re.escape(want[0]) + "(?![a-z0-9])"
    return re.compile("(?<![a-z0-9])" + "[^a-z0-9]+".join(words) + "(?![a-z0-9])")


def find_ngram(text: str, feature: str) -> tuple[int, int] | None:
    """Where a model feature (``full__adopt a law``, ``clause__C_adopt_a``) occurs in text."""
    parsed = parse_feature(feature)
    if parsed is None:
        return None
    m = ngram_regex(parsed).search(text.lower())
    return None if m is None else (m.start(), m.end())


class FeatureLocator:
    """Per feature column, the compiled ``ngram_regex`` of its words (None: no words, or
    function words only unless ``function_words``), built on first use: a batch asks for the
    same few thousand columns over and over."""

    def __init__(self, names: np.ndarray, function_words: bool = False) -> None:
        self.names = names
        self.function_words = function_words
        self._cache: dict[int, re.Pattern[str] | None] = {}

    def __call__(self, col: int) -> re.Pattern[str] | None:
        try:
            return self._cache[col]
        except KeyError:
            parsed = parse_feature(str(self.names[col]), self.function_words)
            out = self._cache[col] = None if parsed is None else ngram_regex(parsed)
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
        fast = self.__dict__.get("_fast", False)
        if fast is False:
            # Converted at load time, never saved: the joblib file stays a plain pipeline.
            fast = self.__dict__["_fast"] = fast_features(self.pipeline.named_steps["features"])
        if fast is not None:
            return fast.transform(texts)
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
        k: int = 3,
        lows: list[str] | None = None,
    ) -> list[tuple[Evidence, ...]]:
        """For each row, the k n-grams with the largest positive contribution to its label's
        score, found back in the text (``lows``: the texts lower-cased, if already at hand)."""
        classes = self.classes()
        li = np.array([classes.index(lb) for lb in labels], dtype=np.int64)
        lows = lows if lows is not None else [t.lower() for t in texts]
        return model_evidence(self, texts, lows, X, np.arange(len(texts)), li, k)

    def evidence(
        self,
        text: str,
        x_row: sparse.csr_matrix,
        label: str,
        k: int = 3,
    ) -> tuple[Evidence, ...]:
        svc = self.pipeline.named_steps["svc"]
        ci = self.classes().index(label)
        return _top_evidence(text, x_row, svc.coef_[ci], self._names(), self.rule_id, k)


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
) -> tuple[Evidence, ...]:
    cols, data = _row_arrays(x_row)
    if len(cols) == 0:
        return ()
    contrib = data * coef[cols]
    order = np.argsort(-contrib)[: 3 * k]
    out: list[Evidence] = []
    seen: set[tuple[int, int]] = set()
    for j in order:
        if contrib[j] <= 0 or len(out) >= k:
            break
        span = find_ngram(text, str(names[cols[j]]))
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
    positive: bool = True,
) -> list[list[int]]:
    """For each (row, label) pair, the columns with the largest positive contribution
    ``X[row, j] * weight(label, j)``, best first, at most k, in a few array operations
    (``positive=False``: the largest contributions, whatever their sign).

    ``weight(labels, cols)`` returns the model weights for arrays of (label, column) pairs.
    """
    if len(rows) == 0:
        return []
    every = len(rows) == X.shape[0] and bool(np.array_equal(rows, np.arange(len(rows))))
    Xs = X if every else X[rows]  # the category model asks for every row: no copy
    seg = np.repeat(np.arange(len(rows)), np.diff(Xs.indptr))
    val = Xs.data * weight(labels[seg], Xs.indices)
    pos = val > 0 if positive else val != 0
    seg, val, ind = seg[pos], val[pos], Xs.indices[pos]
    # = np.lexsort((-val, seg)), in two stable passes: the second is a radix sort on small ints.
    order = np.argsort(-val, kind="stable")
    small = seg[order].astype(np.uint16) if len(rows) < 65536 else seg[order]
    order = order[np.argsort(small, kind="stable")]
    seg, ind = seg[order], ind[order]
    rank = np.arange(len(seg)) - np.searchsorted(seg, seg)
    keep = rank < k
    out: list[list[int]] = [[] for _ in range(len(rows))]
    for s_, f_ in zip(seg[keep].tolist(), ind[keep].tolist(), strict=True):
        out[s_].append(f_)
    return out


def spans_for(
    text: str,
    low: str,
    features: list[int],
    locate: FeatureLocator,
    rule_id: str,
    k: int,
) -> tuple[Evidence, ...]:
    """Find the first k of the given features back in the text (``low``: it lower-cased) as
    evidence spans; a span inside one already found adds nothing and is skipped."""
    out: list[Evidence] = []
    seen: list[tuple[int, int]] = []
    for f in features:
        if len(out) >= k:
            break
        rx = locate(f)
        if rx is None:
            continue
        m = rx.search(low)
        if m is None:
            continue
        span = m.span()
        if any(a <= span[0] and span[1] <= b for a, b in seen):
            continue
        seen.append(span)
        out.append(new_evidence(span[0], span[1], text[span[0] : span[1]], rule_id, "model"))
    if len(out) > 1:
        out.sort(key=lambda e: e.start)
    return tuple(out)


def _locator(model: Any, function_words: bool = False) -> FeatureLocator:
    key = "_locator_all" if function_words else "_locator"
    p = model.__dict__.get(key)
    if p is None:
        p = model.__dict__[key] = FeatureLocator(model._names(), function_words)
    return p


_ALL = 1 << 30  # "every feature" for top_features


def model_evidence(
    model: Any,
    texts: list[str],
    lows: list[str],
    X: sparse.csr_matrix,
    rows: np.ndarray,
    labels: np.ndarray,
    k: int,
) -> list[tuple[Evidence, ...]]:
    """Evidence of each (row, label) pair a linear model decided: the k n-grams of the row with
    the largest positive contribution to the label's score, found back in the text.

    Every label gets at least one span. Most find it among the top 3k features; for the rest
    (their top features are function words, or views with no words in the text such as
    ``vo_none``) every positive feature is tried, function words included; a label with no
    positive feature in the text at all (chosen as the best of bad scores) cites the features
    that weighed most for it, whatever their sign; one no word of the text weighs on at all
    cites the wording under the rule id ``<model>:prior``. The rule id is always the model's.
    """
    rid = model.rule_id
    feats = top_features(X, model._weight, rows, labels, 3 * k)
    locate = _locator(model)
    out = [
        spans_for(texts[r], lows[r], f, locate, rid, k)
        for r, f in zip(rows.tolist(), feats, strict=True)
    ]
    for positive in (True, False):
        missing = [j for j, ev in enumerate(out) if not ev]
        if not missing:
            break
        m = np.asarray(missing, dtype=np.int64)
        deep = top_features(X, model._weight, rows[m], labels[m], _ALL, positive=positive)
        locate_all = _locator(model, function_words=True)
        for j, f in zip(missing, deep, strict=True):
            r = int(rows[j])
            out[j] = spans_for(texts[r], lows[r], f, locate_all, rid, k)
    for j, ev in enumerate(out):
        if not ev:
            # No word of the text weighs toward the label (3 of 130,000 UPR Info labels): it is
            # the model's best guess from its prior. Say so, citing the wording it was made for.
            t = texts[int(rows[j])]
            a, b = len(t) - len(t.lstrip()), len(t.rstrip())
            out[j] = (new_evidence(a, b, t[a:b], f"{rid}:prior", "model"),)
    return out


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
        k: int = 1,
        lows: list[str] | None = None,
    ) -> list[list[tuple[Evidence, ...]]]:
        rows = np.array([i for i, c in enumerate(chosen) for _ in c], dtype=np.int64)
        labs = np.array([li for c in chosen for li in c], dtype=np.int64)
        lows = lows if lows is not None else [t.lower() for t in texts]
        out: list[list[tuple[Evidence, ...]]] = [[] for _ in chosen]
        spans = model_evidence(self, texts, lows, X, rows, labs, k)
        for r, ev in zip(rows.tolist(), spans, strict=True):
            out[r].append(ev)
        return out

    def evidence(
        self, text: str, x_row: RowLike, li: int, k: int = 2
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
        return _top_evidence(text, local, w, self._names()[cols], self.rule_id, k)


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
    model.__dict__.pop("_locator", None)
    model.__dict__.pop("_locator_all", None)
    model.__dict__.pop("_fast", None)
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
