"""How likely the State under Review is to support a recommendation: a logistic model.

Trained on UPR Info sessions 1-16 (``scripts/train_response.py``), evaluated on 17-20
(``scripts/eval_response.py``). Features: the opening words (they carry the action category),
a TF-IDF of the text (words and characters), the words seen through the SuR's regional group and
organisations (an OIC state answers "sexual orientation" differently from a WEOG state), the
recommending state, their regional groups and shared organisations, and the SuR's own history in
*earlier* reviews: how it answered the most similar recommendations, and its answer rate per
action category, verdict, UPR issue and theme (the classifier's labels), per opening word, per
recommending state and per recommending regional group. The review being predicted never
enters its own features, so no answer leaks into them.

The probability is information about how reviews went in the past. It is not advice: a
recommendation worth making is often one the SuR will not accept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from uprlens.errors import UprlensError
from uprlens.lexicons.states import registry

__all__ = [
    "HISTORY_FEATURES",
    "MODEL_FILE",
    "HistoryRow",
    "Prediction",
    "ResponseModel",
    "TextLabels",
    "history_from_frame",
    "history_from_store",
    "label_texts",
    "load_response_model",
    "predict_support",
    "read_upr_info",
]

MODEL_FILE = Path(__file__).parent / "models" / "response.joblib"
MODEL_NAME = "response"

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

_NEAR_DUPLICATE = 0.8  # cosine above which an earlier recommendation is the same one repeated

HISTORY_FEATURES = (
    "has_history",
    "sur_rate",
    "rate_opening_word",
    "rate_recommending_state",
    "rate_recommending_group",
    "knn",
    "top_similarity",
    "top_answer",
    "knn_sharp",
    "near_duplicate_answer",
    "rate_category",
    "rate_verdict",
    "rate_issues_mean",
    "rate_issues_min",
    "rate_themes_mean",
    "rate_themes_min",
    "top_answer_if_similar",
    "knn_x_similarity",
)


@dataclass(frozen=True)
class TextLabels:
    """The classifier's labels the model uses (``uprlens.classify``)."""

    category: str = ""
    verdict: str = ""
    issues: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    @classmethod
    def of(cls, c: Any) -> TextLabels:
        """The labels of a ``uprlens.classify.Classification``."""
        return cls(
            category=c.labels["action_category"].value,
            verdict=c.labels["verdict"].value,
            issues=tuple(lb.value for lb in c.issues),
            themes=tuple(lb.value for lb in c.themes),
        )


@dataclass(frozen=True)
class HistoryRow:
    """One past recommendation to a SuR with its answer (1 supported, 0 noted)."""

    sur: str
    review: str  # any key that tells reviews apart: "CHN|17", "CHN-c2"
    text: str
    supported: int
    rs: str | None = None  # the recommending state (ISO3), one row per state
    labels: TextLabels | None = None  # None: labelled by the classifier when needed
    when: int | None = None  # session or cycle; only answers from earlier reviews are used


@dataclass
class Prediction:
    probability: float
    sur: str
    from_state: str | None
    n_history: int  # past answers of this SuR the model could compare the draft with
    basis: str  # plain words on what the number rests on
    model: str
    neighbours: list[dict[str, Any]] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "probability": round(self.probability, 3),
            "sur": self.sur,
            "from_state": self.from_state,
            "n_history": self.n_history,
            "basis": self.basis,
            "model": self.model,
            "neighbours": self.neighbours,
            "features": {k: round(v, 3) for k, v in self.features.items()},
        }


def _iso(name: str) -> str:
    iso = registry().lookup(name)
    return iso if iso else name.strip().upper()


def _group_orgs(iso: str | None) -> tuple[str, frozenset[str]]:
    if not iso or iso not in registry():
        return "unknown", frozenset()
    s = registry().get(iso)
    return s.regional_group, frozenset(s.organisations)


def _opening(text: str) -> tuple[str, str]:
    words = _WORD.findall(text.lower())
    return (words[0] if words else "", " ".join(words[:2]))


def _meta(text: str, sur: str, rs: str | None) -> dict[str, float]:
    # No one-hot of the SuR itself: fitted on a SuR's earlier review it overfits that review
    # (validation AUC 0.816 with it, 0.855 without, fit 1-12 -> 13-16); what the SuR did
    # before enters through the history features instead.
    fw, fw2 = _opening(text)
    sg, so = _group_orgs(sur)
    feats: dict[str, float] = {
        f"fw={fw}": 1.0,
        f"fw2={fw2}": 1.0,
        f"sur_group={sg}": 1.0,
        f"sur_group_fw={sg}|{fw}": 1.0,
    }
    if rs:
        rg, ro = _group_orgs(rs)
        feats.update(
            {
                f"rs={rs}": 1.0,
                f"rs_group={rg}": 1.0,
                f"pair={sg}|{rg}": 1.0,
                "same_group": float(sg == rg),
                "shared_orgs": float(len(so & ro)),
            }
        )
        for org in so & ro:
            feats[f"both_in={org}"] = 1.0
    return feats


def _context_doc(text: str, sur: str) -> str:
    g, orgs = _group_orgs(sur)
    return " ".join([g, *sorted(orgs)]) + "\t" + text


def _context_terms(doc: str) -> list[str]:
    """Words and word pairs of the text, each prefixed by the SuR's group and organisations."""
    head, text = doc.split("\t", 1)
    words = _WORD.findall(text.lower())
    terms = words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]
    return [f"{c}|{t}" for c in head.split() for t in terms]


def label_texts(texts: Sequence[str], classifier: Any = None) -> list[TextLabels]:
    """The classifier's category, verdict, issues and themes for each text (each distinct
    text labelled once)."""
    memo = classifier is None
    if classifier is None:
        from uprlens.classify.codebook import default_classifier

        classifier = default_classifier()
    done: dict[str, TextLabels] = {}
    if memo:
        done = {t: _LABEL_MEMO[t] for t in texts if t in _LABEL_MEMO}
    uniq = [t for t in dict.fromkeys(texts) if t not in done]
    for t, c in zip(uniq, classifier.classify_many(uniq, on_error="return"), strict=True):
        if not hasattr(c, "labels"):
            done[t] = TextLabels()  # unlabellable (empty, garbled): no label-based evidence
            continue
        done[t] = TextLabels.of(c)
    if memo:
        if len(_LABEL_MEMO) > _LABEL_MEMO_MAX:
            _LABEL_MEMO.clear()
        _LABEL_MEMO.update(done)
    return [done[t] for t in texts]


# A long-lived process (the web app) checks many drafts against the same SuR histories: label
# each history text once.
_LABEL_MEMO: dict[str, TextLabels] = {}
_LABEL_MEMO_MAX = 200_000


def read_upr_info(path: str | Path) -> pd.DataFrame:
    """The UPR Info export as training rows: text, sur, rs (ISO3), supported, session, review."""
    p = Path(path)
    if not p.is_file():
        raise UprlensError(
            f"{p}: no such file; the response model is trained from UPR Info's "
            "recommendations_s1-20.csv (see ../shared/data/uprinfo)"
        )
    d = pd.read_csv(p)
    need = {"state_under_review", "recommendation", "recommending_state", "response", "session"}
    missing = need - set(d.columns)
    if missing:
        raise UprlensError(f"{p}: missing columns {sorted(missing)} (found {list(d.columns)})")
    d = d[d.response.isin(["Accepted", "Noted"])]
    out = pd.DataFrame(
        {
            "text": d.recommendation.fillna("").astype(str),
            "sur": d.state_under_review.map(_iso),
            "rs": d.recommending_state.map(_iso),
            "supported": (d.response == "Accepted").astype(int),
            "session": d.session.astype(int),
        }
    )
    out["review"] = out.sur + "|" + out.session.astype(str)
    return out.reset_index(drop=True)


class _Rates:
    """Answer counts of one SuR's usable earlier answers, by key."""

    def __init__(self, smoothing: float) -> None:
        self.a = smoothing
        self.s: dict[tuple[str, str], float] = defaultdict(float)
        self.n: dict[tuple[str, str], int] = defaultdict(int)

    def add(self, kind: str, value: str | None, y: float) -> None:
        if value is None:
            return
        self.s[kind, value] += y
        self.n[kind, value] += 1

    def dev(self, kind: str, value: str | None, prior: float) -> float:
        """Smoothed rate for ``value`` minus the prior (0 when never seen)."""
        n = self.n.get((kind, value or ""), 0) if value is not None else 0
        if not n:
            return 0.0
        return (self.s[kind, value or ""] + self.a * prior) / (n + self.a) - prior


def _multi(values: tuple[str, ...]) -> tuple[str, ...]:
    return values or ("-",)  # "no issue found" is itself informative


class ResponseModel(BaseEstimator):  # type: ignore[misc]
    """Logistic regression over opening words, TF-IDF, state pair and SuR history."""

    def __init__(
        self,
        *,
        C: float = 0.1,
        k: int = 10,
        max_features: int = 60000,
        char_features: int = 100000,
        context_features: int = 100000,
        context_weight: float = 2.0,
        use_history: bool = True,
        use_labels: bool = True,
        # pseudo-count pulling a rate seen on few earlier answers towards the SuR's overall rate
        smoothing: float = 2.0,
    ) -> None:
        self.C = C
        self.k = k
        self.max_features = max_features
        self.char_features = char_features
        self.context_features = context_features
        self.context_weight = context_weight
        self.use_history = use_history
        self.use_labels = use_labels
        self.smoothing = smoothing

    # -- history ---------------------------------------------------------------------------

    def _history_features(
        self,
        T: sparse.csr_matrix,
        texts: Sequence[str],
        surs: Sequence[str],
        rss: Sequence[str | None],
        reviews: Sequence[str],
        whens: Sequence[int | None],
        labels: Sequence[TextLabels],
        history: Sequence[HistoryRow],
        hlabels: Sequence[TextLabels],
        *,
        keep_neighbours: bool = False,
    ) -> tuple[np.ndarray, list[list[tuple[int, float]]]]:
        """One row of HISTORY_FEATURES per text, from the SuR's answers in other, earlier
        reviews; zeros where there are none."""
        base = self.base_rate_
        out = np.zeros((T.shape[0], len(HISTORY_FEATURES)))
        neigh: list[list[tuple[int, float]]] = [[] for _ in range(T.shape[0])]
        by_sur: dict[str, list[int]] = defaultdict(list)
        for i, h in enumerate(history):
            by_sur[h.sur].append(i)
        groups: dict[tuple[str, str, int | None], list[int]] = defaultdict(list)
        for i, key in enumerate(zip(surs, reviews, whens, strict=True)):
            groups[key].append(i)
        sur_cache: dict[str, tuple[Any, ...]] = {}
        for (sur, review, when), rows in groups.items():
            hist = by_sur.get(sur)
            if not hist:
                continue
            if sur not in sur_cache:
                H = self.tfidf_.transform([history[j].text for j in hist]).tocsr()
                sur_cache[sur] = (
                    H,
                    np.array([history[j].supported for j in hist], dtype=float),
                    np.array([history[j].review for j in hist], dtype=object),
                    np.array([-1 if history[j].when is None else history[j].when for j in hist]),
                )
            H, y, hrev, hwhen = sur_cache[sur]
            ok = hrev != review
            if when is not None:
                # in training a cycle-1 row must not learn from its SuR's later review
                ok &= hwhen < when
            if not ok.any():
                continue
            rates = _Rates(self.smoothing)
            for j in np.flatnonzero(ok):
                h, lab, yj = history[hist[j]], hlabels[hist[j]], y[j]
                rates.add("fw", _opening(h.text)[0], yj)
                rates.add("rs", h.rs, yj)
                rates.add("rg", _group_orgs(h.rs)[0] if h.rs else None, yj)
                rates.add("cat", lab.category, yj)
                rates.add("verdict", lab.verdict, yj)
                for v in _multi(lab.issues):
                    rates.add("issue", v, yj)
                for v in _multi(lab.themes):
                    rates.add("theme", v, yj)
            n = int(ok.sum())
            sur_rate = (float(y[ok].sum()) + self.smoothing * base) / (n + self.smoothing)
            S = (T[rows] @ H.T).toarray()
            for r, i in enumerate(rows):
                s = np.where(ok, S[r], -1.0)
                order = np.argsort(-s)[: self.k]
                order = order[s[order] >= 0]
                w = s[order] + 1e-3
                knn = float((w * y[order]).sum() / w.sum())
                w4 = w**4
                knn_sharp = float((w4 * y[order]).sum() / w4.sum())
                top_sim, top_y = float(s[order[0]]), float(y[order[0]])
                near = s >= _NEAR_DUPLICATE
                near_y = float(y[near].mean()) - base if near.any() else 0.0
                lab = labels[i]
                iss = [rates.dev("issue", v, sur_rate) for v in _multi(lab.issues)]
                thm = [rates.dev("theme", v, sur_rate) for v in _multi(lab.themes)]
                rs = rss[i]
                out[i] = [
                    1.0,
                    sur_rate - base,
                    rates.dev("fw", _opening(texts[i])[0], sur_rate),
                    rates.dev("rs", rs, sur_rate),
                    rates.dev("rg", _group_orgs(rs)[0] if rs else None, sur_rate),
                    knn - base,
                    top_sim,
                    top_y - base,
                    knn_sharp - base,
                    near_y,
                    rates.dev("cat", lab.category, sur_rate),
                    rates.dev("verdict", lab.verdict, sur_rate),
                    float(np.mean(iss)),
                    float(np.min(iss)),
                    float(np.mean(thm)),
                    float(np.min(thm)),
                    float(top_sim > 0.5) * (top_y - base),
                    (knn - base) * top_sim,
                ]
                if keep_neighbours:
                    neigh[i] = [(hist[j], float(s[j])) for j in order]
        if not self.use_labels:
            for name in ("rate_category", "rate_verdict", "rate_issues_mean",
                         "rate_issues_min", "rate_themes_mean", "rate_themes_min"):
                out[:, HISTORY_FEATURES.index(name)] = 0.0
        return out, neigh

    def _labels(self, texts: Sequence[str], given: Sequence[TextLabels | None] | None
                ) -> list[TextLabels]:
        if not (self.use_history and self.use_labels):
            return [TextLabels()] * len(texts)
        got = list(given) if given is not None else [None] * len(texts)
        todo = [t for t, lb in zip(texts, got, strict=True) if lb is None]
        fresh = iter(label_texts(todo) if todo else [])
        return [lb if lb is not None else next(fresh) for lb in got]

    def _matrix(
        self,
        texts: Sequence[str],
        surs: Sequence[str],
        rss: Sequence[str | None],
        reviews: Sequence[str],
        history: Sequence[HistoryRow],
        *,
        whens: Sequence[int | None] | None = None,
        labels: Sequence[TextLabels] | None = None,
        keep_neighbours: bool = False,
    ) -> tuple[sparse.csr_matrix, np.ndarray, list[list[tuple[int, float]]]]:
        # a draft scored against every frequent recommending state repeats one text: transform
        # each distinct text (and text-SuR pair) once
        first: dict[tuple[str, str], int] = {}
        where = np.array([first.setdefault((t, s), len(first))
                          for t, s in zip(texts, surs, strict=True)])
        pairs = list(first)
        utexts = [t for t, _ in pairs]
        T = self.tfidf_.transform(utexts).tocsr()[where]
        M = self.meta_.transform([_meta(t, s, r) for t, s, r in zip(texts, surs, rss, strict=True)])
        blocks = [M, T]
        if self.char_features:
            blocks.append(self.chars_.transform(utexts)[where])
        if self.context_features:
            docs = [_context_doc(t, s) for t, s in pairs]
            blocks.append(self.context_weight * self.context_.transform(docs)[where])
        neigh: list[list[tuple[int, float]]] = [[] for _ in texts]
        Hf = np.zeros((len(texts), len(HISTORY_FEATURES)))
        if self.use_history:
            lab = self._labels(texts, labels)
            hlab = self._labels([h.text for h in history], [h.labels for h in history])
            Hf, neigh = self._history_features(
                T, texts, surs, rss, reviews, whens or [None] * len(texts), lab, history, hlab,
                keep_neighbours=keep_neighbours,
            )
            blocks.append(sparse.csr_matrix(Hf))
        X = sparse.hstack(blocks).tocsr()
        # liblinear/lbfgs refuse int64 indices, which hstack may produce
        X.indices = X.indices.astype(np.int32)
        X.indptr = X.indptr.astype(np.int32)
        return X, Hf, neigh

    # -- estimator -------------------------------------------------------------------------

    def fit(self, rows: pd.DataFrame, *, labels: Sequence[TextLabels] | None = None
            ) -> ResponseModel:
        """``rows``: text, sur, rs, supported, review and, if known, session (see
        :func:`read_upr_info`). With a session, a row's history features come only from its
        SuR's earlier reviews, as they will when a draft is checked. ``labels``: the
        classifier's labels of ``rows.text`` if already computed."""
        self.base_rate_ = float(rows.supported.mean())
        self.tfidf_ = TfidfVectorizer(
            ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=self.max_features,
            dtype=np.float32,
        ).fit(rows.text)
        if self.char_features:
            # character n-grams catch inflections and compounds the word model splits
            self.chars_ = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True,
                max_features=self.char_features, dtype=np.float32,
            ).fit(rows.text)
            self.chars_.stop_words_ = None  # pruned-term list: megabytes not needed to predict
        if self.context_features:
            self.context_ = TfidfVectorizer(
                analyzer=_context_terms, min_df=3, sublinear_tf=True,
                max_features=self.context_features, dtype=np.float32,
            ).fit([_context_doc(t, s) for t, s in zip(rows.text, rows.sur, strict=True)])
            self.context_.stop_words_ = None
        self.tfidf_.stop_words_ = None
        self.meta_ = DictVectorizer().fit(
            _meta(t, s, r) for t, s, r in zip(rows.text, rows.sur, rows.rs, strict=True)
        )
        lab = self._labels(list(rows.text), labels)
        history = history_from_frame(rows, labels=lab)
        whens = list(rows.session) if "session" in rows else None
        X, _, _ = self._matrix(
            list(rows.text), list(rows.sur), list(rows.rs), list(rows.review), history,
            whens=whens, labels=lab,
        )
        self.clf_ = LogisticRegression(C=self.C, max_iter=5000).fit(X, rows.supported)
        counts = rows.rs.value_counts()
        frequent = counts[counts >= 50]
        self.recommenders_ = sorted((frequent if len(frequent) else counts).index)
        return self

    def predict_proba(
        self,
        texts: Sequence[str],
        surs: Sequence[str],
        rss: Sequence[str | None],
        history: Sequence[HistoryRow],
        *,
        reviews: Sequence[str] | None = None,
        labels: Sequence[TextLabels] | None = None,
    ) -> np.ndarray:
        """P(supported) per row. A row without a recommending state is averaged over the
        states that often made recommendations in training."""
        check_is_fitted(self)
        reviews = list(reviews) if reviews is not None else ["<draft>"] * len(texts)
        lab = self._labels(texts, labels)
        if self.use_history and history and any(h.labels is None for h in history):
            hl = self._labels([h.text for h in history], [h.labels for h in history])
            history = [_with_labels(h, x) for h, x in zip(history, hl, strict=True)]
        out = np.empty(len(texts))
        known = [i for i, r in enumerate(rss) if r]
        if known:
            X, _, _ = self._matrix(
                [texts[i] for i in known], [surs[i] for i in known],
                [rss[i] for i in known], [reviews[i] for i in known], history,
                labels=[lab[i] for i in known],
            )
            out[known] = self.clf_.predict_proba(X)[:, 1]
        for i, r in enumerate(rss):
            if r:
                continue
            n = len(self.recommenders_)
            X, _, _ = self._matrix(
                [texts[i]] * n, [surs[i]] * n, self.recommenders_, [reviews[i]] * n, history,
                labels=[lab[i]] * n,
            )
            out[i] = float(self.clf_.predict_proba(X)[:, 1].mean())
        return out

    def explain(
        self, text: str, sur: str, rs: str | None, history: Sequence[HistoryRow],
        *, labels: TextLabels | None = None,
    ) -> tuple[list[tuple[HistoryRow, float]], dict[str, float]]:
        """The draft's nearest earlier answers of the SuR and its history features."""
        check_is_fitted(self)
        if not self.use_history:
            return [], {}
        _, Hf, neigh = self._matrix([text], [sur], [rs], ["<draft>"], history,
                                    labels=None if labels is None else [labels],
                                    keep_neighbours=True)
        return _explanation(Hf[0], neigh[0], history)

    def neighbours(
        self, text: str, sur: str, history: Sequence[HistoryRow]
    ) -> list[tuple[HistoryRow, float]]:
        return self.explain(text, sur, None, history)[0]

    def save(self, path: str | Path) -> None:
        import joblib

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # zlib loads twice as fast as xz here (the vocabularies dominate); the file is 3 MB
        joblib.dump(self, path, compress=("zlib", 3))


def _explanation(
    feats: np.ndarray, neigh: list[tuple[int, float]], history: Sequence[HistoryRow]
) -> tuple[list[tuple[HistoryRow, float]], dict[str, float]]:
    seen: set[tuple[str, str]] = set()
    near: list[tuple[HistoryRow, float]] = []
    for j, s in neigh:
        key = (history[j].review, history[j].text)
        if key not in seen:  # one row per recommending state: show each wording once
            seen.add(key)
            near.append((history[j], s))
    return near[:3], dict(zip(HISTORY_FEATURES, map(float, feats), strict=True))


def _with_labels(h: HistoryRow, lab: TextLabels) -> HistoryRow:
    if h.labels is not None:
        return h
    return HistoryRow(h.sur, h.review, h.text, h.supported, h.rs, lab, h.when)


def history_from_frame(
    rows: pd.DataFrame, *, labels: Sequence[TextLabels] | None = None
) -> list[HistoryRow]:
    """History rows from a frame like :func:`read_upr_info`'s (labels optional)."""
    n = len(rows)
    rss = list(rows.rs) if "rs" in rows else [None] * n
    whens = [int(x) for x in rows.session] if "session" in rows else [None] * n
    labs: Sequence[TextLabels | None] = labels if labels is not None else [None] * n
    return [
        HistoryRow(s, r, t, int(y), rs, lb, w)
        for s, r, t, y, rs, lb, w in zip(
            rows.sur, rows.review, rows.text, rows.supported, rss, labs, whens, strict=True
        )
    ]


def history_from_store(
    store: Any, sur: str, *, before_cycle: int | None = None
) -> list[HistoryRow]:
    """The SuR's past answers as the store holds them: one row per distinct wording and
    recommending state (as in UPR Info's data the model learnt from), with the classifier's
    labels where ``uprlens classify --all`` stored them."""
    sql = (
        "SELECT r.pk, r.review_id, r.cycle, r.text, r.position, r.states "
        "FROM recommendations r "
        "WHERE r.sur = ? AND r.kind = 'recommendation' "
        "AND r.position IN ('supported', 'noted')"
    )
    params: list[Any] = [sur.upper()]
    if before_cycle is not None:
        sql += " AND r.cycle < ?"
        params.append(before_cycle)
    seen: set[tuple[str, str]] = set()
    picked: list[Any] = []
    for row in store.query(sql, params):
        key = (row["review_id"], row["text"])
        if key in seen:
            continue
        seen.add(key)
        picked.append(row)
    labels = _stored_labels(store, [row["pk"] for row in picked])
    out: list[HistoryRow] = []
    for row in picked:
        states = [s.strip() for s in (row["states"] or "").split(";") if s.strip()] or [None]
        for st in states:
            out.append(
                HistoryRow(sur.upper(), row["review_id"], row["text"],
                           int(row["position"] == "supported"), st, labels.get(row["pk"]),
                           row["cycle"])
            )
    return out


def _stored_labels(store: Any, pks: Sequence[int]) -> dict[int, TextLabels]:
    if not pks:
        return {}
    got: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for start in range(0, len(pks), 900):  # SQLite's limit on bound parameters
        chunk = list(pks[start : start + 900])
        marks = ",".join("?" * len(chunk))
        for row in store.query(
            "SELECT recommendation_pk, label, value FROM machine_labels WHERE label IN "
            f"('action_category','verdict','issues','themes') AND recommendation_pk IN ({marks})",
            chunk,
        ):
            got[row["recommendation_pk"]][row["label"]].append(row["value"])
    out: dict[int, TextLabels] = {}
    for pk, d in got.items():
        if "action_category" not in d:
            continue
        out[pk] = TextLabels(
            category=d["action_category"][0],
            verdict=(d.get("verdict") or [""])[0],
            issues=tuple(sorted(d.get("issues", []))),
            themes=tuple(sorted(d.get("themes", []))),
        )
    return out


_MODEL_CACHE: dict[str, ResponseModel] = {}


def load_response_model(path: str | Path | None = None) -> ResponseModel:
    """The shipped model (trained by ``scripts/train_response.py``)."""
    p = Path(path) if path else MODEL_FILE
    key = str(p)
    if key not in _MODEL_CACHE:
        if not p.is_file():
            raise UprlensError(
                f"no response model at {p}; train it with `python scripts/train_response.py`"
            )
        import joblib

        model = joblib.load(p)
        if not isinstance(model, ResponseModel):
            raise UprlensError(f"{p} does not hold an uprlens response model; retrain it")
        _MODEL_CACHE[key] = model
    return _MODEL_CACHE[key]


def predict_support(
    text: str,
    sur: str,
    *,
    from_state: str | None = None,
    history: Iterable[HistoryRow] = (),
    model: ResponseModel | None = None,
    labels: TextLabels | None = None,
) -> Prediction:
    """P(the SuR supports ``text``), with what the figure rests on."""
    m = model or load_response_model()
    sur = sur.upper()
    hist = [h for h in history if h.sur == sur]
    if m.use_history and any(h.labels is None for h in hist):
        hl = m._labels([h.text for h in hist], [h.labels for h in hist])
        hist = [_with_labels(h, x) for h, x in zip(hist, hl, strict=True)]
    # label the draft once: the probability and its explanation share the labels
    lab = labels if labels is not None else m._labels([text], None)[0]
    near: list[tuple[HistoryRow, float]] = []
    feats: dict[str, float] = {}
    if from_state:
        X, Hf, neigh = m._matrix([text], [sur], [from_state], ["<draft>"], hist, labels=[lab],
                                 keep_neighbours=True)
        p = float(m.clf_.predict_proba(X)[0, 1])
        if hist and m.use_history:
            near, feats = _explanation(Hf[0], neigh[0], hist)
    else:
        p = float(m.predict_proba([text], [sur], [None], hist, labels=[lab])[0])
        if hist:
            near, feats = m.explain(text, sur, None, hist, labels=lab)
    bits = ["the wording", f"how often {sur} supported such recommendations"]
    bits.append(f"{from_state} as recommending state" if from_state else
                "averaged over recommending states (none given; pass --from ISO3)")
    if hist:
        n_answers = len({(h.review, h.text) for h in hist})
        bits.append(f"{n_answers} earlier answers of {sur} compared with the draft")
    else:
        bits.append(f"no earlier answers of {sur} in the store to compare with")
    neighbours = [
        {"review": h.review, "text": h.text, "supported": bool(h.supported),
         "similarity": round(s, 3)}
        for h, s in near
    ]
    return Prediction(
        probability=p,
        sur=sur,
        from_state=from_state,
        n_history=len({(h.review, h.text) for h in hist}),
        basis="; ".join(bits),
        model=f"model:{MODEL_NAME}@{getattr(m, 'version_', 'dev')}",
        neighbours=neighbours,
        features=feats,
    )

