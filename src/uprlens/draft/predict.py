"""How likely the State under Review is to support a recommendation: a logistic model.

Trained on UPR Info sessions 1-16 (``scripts/train_response.py``), evaluated on 17-20
(``scripts/eval_response.py``). Features: the opening words (they carry the action category),
a TF-IDF of the text, the SuR, the recommending state, their regional groups and shared
organisations, and the SuR's own history: how it answered the most similar recommendations it
received in *other* reviews (never the review being predicted, so no answer leaks into its own
features).

The probability is information about how reviews went in the past. It is not advice: a
recommendation worth making is often one the SuR will not accept.
"""

from __future__ import annotations

import re
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
    "MODEL_FILE",
    "HistoryRow",
    "Prediction",
    "ResponseModel",
    "history_from_store",
    "load_response_model",
    "predict_support",
    "read_upr_info",
]

MODEL_FILE = Path(__file__).parent / "models" / "response.joblib"
MODEL_NAME = "response"

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class HistoryRow:
    """One past recommendation to a SuR with its answer (1 supported, 0 noted)."""

    sur: str
    review: str  # any key that tells reviews apart: "CHN|17", "CHN-c2"
    text: str
    supported: int


@dataclass
class Prediction:
    probability: float
    sur: str
    from_state: str | None
    n_history: int  # past answers of this SuR the model could compare the draft with
    basis: str  # plain words on what the number rests on
    model: str
    neighbours: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "probability": round(self.probability, 3),
            "sur": self.sur,
            "from_state": self.from_state,
            "n_history": self.n_history,
            "basis": self.basis,
            "model": self.model,
            "neighbours": self.neighbours,
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


class ResponseModel(BaseEstimator):  # type: ignore[misc]
    """Logistic regression over opening words, TF-IDF, state pair and SuR history."""

    def __init__(
        self,
        *,
        C: float = 0.1,
        k: int = 10,
        max_features: int = 60000,
        char_features: int = 100000,
        use_history: bool = True,
    ) -> None:
        self.C = C
        self.k = k
        self.max_features = max_features
        self.char_features = char_features
        self.use_history = use_history

    # -- history ---------------------------------------------------------------------------

    def _history_features(
        self,
        T: sparse.csr_matrix,
        surs: Sequence[str],
        reviews: Sequence[str],
        history: Sequence[HistoryRow],
        *,
        keep_neighbours: bool = False,
    ) -> tuple[np.ndarray, list[list[tuple[int, float]]]]:
        """For each row, how the SuR answered its k most similar recommendations elsewhere."""
        base = self.base_rate_
        out = np.zeros((T.shape[0], 7))
        neigh: list[list[tuple[int, float]]] = [[] for _ in range(T.shape[0])]
        by_sur: dict[str, list[int]] = {}
        for i, h in enumerate(history):
            by_sur.setdefault(h.sur, []).append(i)
        rows_by_sur: dict[str, list[int]] = {}
        for i, s in enumerate(surs):
            rows_by_sur.setdefault(s, []).append(i)
        for sur, rows in rows_by_sur.items():
            hist = by_sur.get(sur)
            if not hist:
                continue
            H = self.tfidf_.transform([history[j].text for j in hist])
            y = np.array([history[j].supported for j in hist], dtype=float)
            hrev = np.array([history[j].review for j in hist], dtype=object)
            S = (T[rows] @ H.T).toarray()
            for r, i in enumerate(rows):
                ok = hrev != reviews[i]
                if not ok.any():
                    continue
                s = np.where(ok, S[r], -1.0)
                order = np.argsort(-s)[: self.k]
                order = order[s[order] >= 0]
                w = s[order] + 1e-3
                knn = float((w * y[order]).sum() / w.sum())
                top_sim, top_y = float(s[order[0]]), float(y[order[0]])
                out[i] = [
                    1.0,
                    knn - base,
                    top_sim,
                    top_y - base,
                    float(y[ok].mean()) - base,
                    (knn - base) * top_sim,
                    float(top_sim > 0.5) * (top_y - base),
                ]
                if keep_neighbours:
                    neigh[i] = [(hist[j], float(s[j])) for j in order[:3]]
        return out, neigh

    def _matrix(
        self,
        texts: Sequence[str],
        surs: Sequence[str],
        rss: Sequence[str | None],
        reviews: Sequence[str],
        history: Sequence[HistoryRow],
        *,
        keep_neighbours: bool = False,
    ) -> tuple[sparse.csr_matrix, list[list[tuple[int, float]]]]:
        T = self.tfidf_.transform(texts).tocsr()
        M = self.meta_.transform([_meta(t, s, r) for t, s, r in zip(texts, surs, rss, strict=True)])
        blocks = [M, T]
        if self.char_features:
            blocks.append(self.chars_.transform(texts))
        neigh: list[list[tuple[int, float]]] = [[] for _ in texts]
        if self.use_history:
            H, neigh = self._history_features(
                T, surs, reviews, history, keep_neighbours=keep_neighbours
            )
            blocks.append(sparse.csr_matrix(H))
        X = sparse.hstack(blocks).tocsr()
        # liblinear/lbfgs refuse int64 indices, which hstack may produce
        X.indices = X.indices.astype(np.int32)
        X.indptr = X.indptr.astype(np.int32)
        return X, neigh

    # -- estimator -------------------------------------------------------------------------

    def fit(self, rows: pd.DataFrame) -> ResponseModel:
        """``rows``: text, sur, rs, supported, review (see :func:`read_upr_info`)."""
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
        self.tfidf_.stop_words_ = None
        self.meta_ = DictVectorizer().fit(
            _meta(t, s, r) for t, s, r in zip(rows.text, rows.sur, rows.rs, strict=True)
        )
        history = history_from_frame(rows)
        X, _ = self._matrix(
            list(rows.text), list(rows.sur), list(rows.rs), list(rows.review), history
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
    ) -> np.ndarray:
        """P(supported) per row. A row without a recommending state is averaged over the
        states that often made recommendations in training."""
        check_is_fitted(self)
        reviews = list(reviews) if reviews is not None else ["<draft>"] * len(texts)
        out = np.empty(len(texts))
        known = [i for i, r in enumerate(rss) if r]
        if known:
            X, _ = self._matrix(
                [texts[i] for i in known], [surs[i] for i in known],
                [rss[i] for i in known], [reviews[i] for i in known], history,
            )
            out[known] = self.clf_.predict_proba(X)[:, 1]
        for i, r in enumerate(rss):
            if r:
                continue
            n = len(self.recommenders_)
            X, _ = self._matrix(
                [texts[i]] * n, [surs[i]] * n, self.recommenders_, [reviews[i]] * n, history
            )
            out[i] = float(self.clf_.predict_proba(X)[:, 1].mean())
        return out

    def neighbours(
        self, text: str, sur: str, history: Sequence[HistoryRow]
    ) -> list[tuple[HistoryRow, float]]:
        check_is_fitted(self)
        T = self.tfidf_.transform([text]).tocsr()
        _, neigh = self._history_features(T, [sur], ["<draft>"], history, keep_neighbours=True)
        return [(history[j], s) for j, s in neigh[0]]

    def save(self, path: str | Path) -> None:
        import joblib

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path, compress=("xz", 6))


def history_from_frame(rows: pd.DataFrame) -> list[HistoryRow]:
    return [
        HistoryRow(s, r, t, int(y))
        for s, r, t, y in zip(rows.sur, rows.review, rows.text, rows.supported, strict=True)
    ]


def history_from_store(
    store: Any, sur: str, *, before_cycle: int | None = None
) -> list[HistoryRow]:
    """The SuR's past answers as the store holds them (one row per distinct wording)."""
    sql = (
        "SELECT r.review_id, r.cycle, r.text, r.position FROM recommendations r "
        "WHERE r.sur = ? AND r.kind = 'recommendation' "
        "AND r.position IN ('supported', 'noted')"
    )
    params: list[Any] = [sur.upper()]
    if before_cycle is not None:
        sql += " AND r.cycle < ?"
        params.append(before_cycle)
    seen: set[tuple[str, str]] = set()
    out: list[HistoryRow] = []
    for row in store.query(sql, params):
        key = (row["review_id"], row["text"])
        if key in seen:
            continue
        seen.add(key)
        out.append(
            HistoryRow(sur.upper(), row["review_id"], row["text"],
                       int(row["position"] == "supported"))
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
) -> Prediction:
    """P(the SuR supports ``text``), with what the figure rests on."""
    m = model or load_response_model()
    sur = sur.upper()
    hist = [h for h in history if h.sur == sur]
    p = float(m.predict_proba([text], [sur], [from_state], hist)[0])
    bits = ["the wording", f"how often {sur} supported such recommendations"]
    bits.append(f"{from_state} as recommending state" if from_state else
                "averaged over recommending states (none given; pass --from ISO3)")
    if hist:
        bits.append(f"{len(hist)} earlier answers of {sur} compared with the draft")
    else:
        bits.append(f"no earlier answers of {sur} in the store to compare with")
    neighbours = [
        {"review": h.review, "text": h.text, "supported": bool(h.supported),
         "similarity": round(s, 3)}
        for h, s in (m.neighbours(text, sur, hist) if hist else [])
    ]
    return Prediction(
        probability=p,
        sur=sur,
        from_state=from_state,
        n_history=len(hist),
        basis="; ".join(bits),
        model=f"model:{MODEL_NAME}@{getattr(m, 'version_', 'dev')}",
        neighbours=neighbours,
    )
