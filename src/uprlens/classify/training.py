"""Fit the shipped models from ``../shared/data`` (what ``make train`` runs).

Protocol (never touches UPR Info sessions 17-20, the reported test split):
- tune on sessions 1-14 vs 15-16 (C, issue threshold, score temperature), then refit on 1-16;
- themes on all six OHCHR matrices (their evaluation is leave-one-document-out, in eval).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.metrics import accuracy_score, f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from uprlens.classify.lexicon import lexicon_dir, load_uhri_crosswalk
from uprlens.classify.model import (
    SEED,
    CategoryModel,
    MultiLabelModel,
    build_category_pipeline,
    from_ovr,
    strip_for_shipping,
)
from uprlens.errors import SourceNotFound, WrongColumns

__all__ = [
    "TRAIN_SESSIONS",
    "TEST_SESSIONS",
    "fit_issues",
    "fit_category",
    "fit_themes",
    "load_matrices",
    "load_uprinfo",
    "normalise_uhri",
    "split_issues",
]

TRAIN_SESSIONS = range(1, 17)
TUNE_SESSIONS = range(15, 17)  # validation inside the training sessions
TEST_SESSIONS = range(17, 21)


def load_uprinfo(data_dir: Path) -> pd.DataFrame:
    path = data_dir / "uprinfo" / "recommendations_s1-20.csv"
    if not path.is_file():
        raise SourceNotFound(
            "UPR Info export not found; pass --data pointing at the shared data folder",
            path=path,
        )
    df = pd.read_csv(path)
    need = {"recommendation", "action_category", "issues", "session"}
    if need - set(df.columns):
        raise WrongColumns(
            f"missing column(s) {sorted(need - set(df.columns))} (found: {list(df.columns)})",
            path=path,
        )
    df["action_category"] = df["action_category"].astype(str)
    return df


def split_issues(s: object) -> list[str]:
    if not isinstance(s, str):
        return []
    return [x.strip() for x in s.split(",") if x.strip()]


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(dec: np.ndarray, y_idx: np.ndarray) -> float:
    """Scale the decision values so their softmax is a calibrated probability (NLL)."""

    def nll(t: float) -> float:
        p = _softmax(dec * t)
        return float(-np.log(p[np.arange(len(y_idx)), y_idx] + 1e-12).mean())

    return float(minimize_scalar(nll, bounds=(0.05, 50), method="bounded").x)


def _fit_bias(dec: np.ndarray, y_idx: np.ndarray, rounds: int = 2) -> np.ndarray:
    """Per-class offsets maximising validation accuracy (coordinate search on a grid);
    an offset is kept only if it gains at least one validation example in a thousand."""
    bias = np.zeros(dec.shape[1])
    best = float((np.argmax(dec, axis=1) == y_idx).mean())
    for _ in range(rounds):
        for c in range(dec.shape[1]):
            for delta in np.arange(-0.5, 0.51, 0.05):
                trial = bias.copy()
                trial[c] = delta
                acc = float((np.argmax(dec + trial, axis=1) == y_idx).mean())
                if acc > best + 0.001:
                    best, bias = acc, trial
    return bias


@dataclass
class FitReport:
    lines: list[str]

    def add(self, msg: str) -> None:
        print(msg, flush=True)
        self.lines.append(msg)


CYCLE2_FIRST_SESSION = 13


def _cycle_weights(sessions: pd.Series, w: float) -> np.ndarray:
    """Second-cycle rows weigh ``w``: UPR Info's second-cycle coding (which the held-out
    sessions 17-20 belong to) calls more recommendations category 5."""
    return np.where(sessions.to_numpy() >= CYCLE2_FIRST_SESSION, w, 1.0)


def fit_category(
    df: pd.DataFrame,
    version: str,
    Cs: tuple[float, ...] = (0.1, 0.2, 0.4),
    log: Any = print,
    cycle2_weights: tuple[float, ...] = (1.0, 2.0, 4.0),
) -> CategoryModel:
    train = df[df.session.isin(TRAIN_SESSIONS)]
    tune_mask = train.session.isin(TUNE_SESSIONS)
    fit_part, val = train[~tune_mask], train[tune_mask]
    best: tuple[float, float, float, Any] | None = None
    for C in Cs:
        for w in cycle2_weights:
            pipe = build_category_pipeline(C=C).fit(
                fit_part.recommendation.tolist(),
                fit_part.action_category,
                svc__sample_weight=_cycle_weights(fit_part.session, w),
            )
            pred = pipe.predict(val.recommendation.tolist())
            acc = accuracy_score(val.action_category, pred)
            mf1 = f1_score(val.action_category, pred, average="macro")
            log(
                f"category  C={C:<5} cycle-2 weight={w:<4} validation (sessions 15-16) "
                f"acc={acc:.4f} macro-F1={mf1:.4f}"
            )
            if best is None or acc > best[1]:
                best = (C, acc, w, pipe)
    assert best is not None
    C, acc0, w2, pipe = best
    dec = pipe.decision_function(val.recommendation.tolist())
    classes = list(pipe.named_steps["svc"].classes_)
    y_idx = np.array([classes.index(c) for c in val.action_category])
    bias = _fit_bias(dec, y_idx)
    acc_b = float((np.argmax(dec + bias, axis=1) == y_idx).mean())
    log(
        f"category  class offsets {np.round(bias, 2).tolist()}: validation acc {acc0:.4f} -> "
        f"{acc_b:.4f}"
    )
    temp = _fit_temperature(dec + bias, y_idx)
    log(
        f"category  chosen C={C}, cycle-2 weight={w2}, temperature={temp:.3f}; "
        "refitting on sessions 1-16"
    )
    final = build_category_pipeline(C=C).fit(
        train.recommendation.tolist(),
        train.action_category,
        svc__sample_weight=_cycle_weights(train.session, w2),
    )
    strip_for_shipping(final.named_steps["features"])
    final.named_steps["svc"].coef_ = final.named_steps["svc"].coef_.astype(np.float32)
    return CategoryModel(
        final,
        version,
        temp,
        bias=bias,
        meta={
            "C": C,
            "cycle2_weight": w2,
            "train_sessions": "1-16",
            "n_train": len(train),
            "seed": SEED,
        },
    )


def _ovr(X: Any, Y: np.ndarray, C: float) -> OneVsRestClassifier:
    return OneVsRestClassifier(LinearSVC(C=C, random_state=SEED)).fit(X, Y)


def _choose_threshold(Y: np.ndarray, dec: np.ndarray) -> tuple[float, float]:
    best = (0.0, -1.0)
    for th in np.arange(-0.5, 0.31, 0.05):
        pred = dec > th
        empty = ~pred.any(axis=1)
        pred[np.where(empty)[0], dec[empty].argmax(axis=1)] = True
        f = f1_score(Y, pred, average="micro", zero_division=0)
        if f > best[1]:
            best = (float(round(th, 2)), float(f))
    return best


# Views of the shared features the issues model does not read: the verb-object pairs help the
# category (4 vs 5) but cost issues 0.003 micro-F1 on the validation sessions (0.8972 vs 0.8999).
ISSUES_SKIP_VIEWS = ("vo",)


def _without_views(X: Any, features: Any, views: tuple[str, ...]) -> Any:
    """X with the columns of the named FeatureUnion views set to zero (so the linear model
    learns no weight for them and pruning drops them)."""
    keep = []
    for name, trans in features.transformer_list:
        vec = trans.steps[-1][1] if hasattr(trans, "steps") else trans
        keep.append(np.full(len(vec.vocabulary_), name not in views, dtype=np.float32))
    mask = np.concatenate(keep)
    return (X @ sparse.diags(mask)).tocsr()


def fit_issues(
    df: pd.DataFrame,
    category: CategoryModel,
    version: str,
    Cs: tuple[float, ...] = (0.5, 1.0),
    log: Any = print,
) -> MultiLabelModel:
    """Issues on the category model's features: tuning on 1-14 vs 15-16 uses features fitted
    on 1-14 only (a fresh pipeline), the final model reuses the shipped features."""
    train = df[df.session.isin(TRAIN_SESSIONS)]
    tune_mask = train.session.isin(TUNE_SESSIONS)
    mlb = MultiLabelBinarizer()
    Y = mlb.fit_transform(train.issues.map(split_issues))
    feats = build_category_pipeline().named_steps["features"]
    Xfit = feats.fit_transform(train[~tune_mask].recommendation.tolist())
    Xval = feats.transform(train[tune_mask].recommendation.tolist())
    Xfit = _without_views(Xfit, feats, ISSUES_SKIP_VIEWS)
    Xval = _without_views(Xval, feats, ISSUES_SKIP_VIEWS)
    best: tuple[float, float, float, Any] | None = None
    Yval = Y[tune_mask.to_numpy()]
    for C in Cs:
        ovr = _ovr(Xfit, Y[~tune_mask.to_numpy()], C)
        th, f = _choose_threshold(Yval, ovr.decision_function(Xval))
        log(f"issues    C={C:<5} validation micro-F1={f:.4f} at threshold {th}")
        if best is None or f > best[1]:
            best = (C, f, th, ovr)
    assert best is not None
    C, f_full, th, ovr = best
    # Small weights cost file size, not accuracy: keep the strongest pruning that loses at
    # most 0.003 micro-F1 on the validation sessions.
    prune = 0.0
    for level in (0.02, 0.05, 0.1, 0.15, 0.2):
        pruned = from_ovr("issues", ovr, [], None, np.full(Y.shape[1], th), version, prune=level)
        dec = pruned.decision(Xval.tocsr())
        pred = dec > th
        empty = ~pred.any(axis=1)
        pred[np.where(empty)[0], dec[empty].argmax(axis=1)] = True
        f = f1_score(Yval, pred, average="micro", zero_division=0)
        log(
            f"issues    prune |w|<{level}: validation micro-F1={f:.4f}, "
            f"{pruned.coef.nnz} weights kept"
        )
        if f < f_full - 0.003:
            break
        prune = level
    log(f"issues    chosen C={C}, threshold={th}, prune={prune}; refitting on sessions 1-16")
    Xall = _without_views(
        category.transform(train.recommendation.tolist()),
        category.pipeline.named_steps["features"],
        ISSUES_SKIP_VIEWS,
    )
    ovr = _ovr(Xall, Y, C)
    model = from_ovr(
        "issues",
        ovr,
        [str(c) for c in mlb.classes_],
        None,
        np.full(len(mlb.classes_), th),
        version,
        prune=prune,
        meta={"C": C, "train_sessions": "1-16", "n_train": len(train), "prune": prune},
    )
    return model


# ---------------------------------------------------------------- OHCHR matrices (UHRI)

_CODE = re.compile(r"^\s*(?:[A-Z]\d+|\d+(?:\.\d+)*\.?)\s+")


def normalise_uhri(label: str) -> str:
    """One spelling per UHRI term across matrix vintages ("B31 Equality & ..." ->
    "equality and ..."; "12.4. Death penalty" -> "death penalty"), then one name per term
    where the vintages name it differently (``lexicons/uhri_crosswalk.csv``: "access to
    justice and remedy", UHRI 2023, is "right to an effective remedy")."""
    s = _CODE.sub("", label.strip())
    s = s.replace("&", " and ").replace("andresources", "and resources")
    s = re.sub(r"\s+", " ", s).strip().lower()
    s = s.replace(
        "lesbian, gay, bisexual and transgender and intersex",
        "lesbian, gay, bisexual, transgender and intersex",
    )
    return _uhri_crosswalk().get(s, s)


@cache
def _uhri_crosswalk() -> dict[str, str]:
    return load_uhri_crosswalk(lexicon_dir() / "uhri_crosswalk.csv")


def load_matrices(data_dir: Path) -> pd.DataFrame:
    path = data_dir / "ohchr" / "matrices_expected.csv"
    if not path.is_file():
        raise SourceNotFound("OHCHR matrices table not found", path=path)
    df = pd.read_csv(path)

    def labels(s: object) -> list[str]:
        if not isinstance(s, str):
            return []
        return sorted({normalise_uhri(x) for x in s.split(";") if x.strip()})

    df["theme_list"] = df["themes"].map(labels)
    df["person_list"] = df["affected_persons"].map(labels)
    return df


def fit_themes(
    texts: list[str],
    labels: list[list[str]],
    category: CategoryModel,
    version: str,
    min_count: int = 3,
    C: float = 0.5,
    threshold: float = -0.3,
    name: str = "themes",
    prune: float = 0.05,
) -> MultiLabelModel:
    """UHRI themes on the category features; labels seen fewer than min_count times dropped."""
    counts: dict[str, int] = {}
    for ls in labels:
        for x in ls:
            counts[x] = counts.get(x, 0) + 1
    keep = sorted(k for k, v in counts.items() if v >= min_count)
    mlb = MultiLabelBinarizer(classes=keep)
    Y = mlb.fit_transform(
        [[x for x in ls if x in counts and counts[x] >= min_count] for ls in labels]
    )
    X = category.transform(texts)
    ovr = _ovr(X, Y, C)
    return from_ovr(
        name,
        ovr,
        keep,
        None,
        np.full(len(keep), threshold),
        version,
        prune=prune,
        meta={"C": C, "min_count": min_count, "n_train": len(texts), "prune": prune},
    )
