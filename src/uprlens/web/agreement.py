"""Agreement per label: between each pair of coders, and between each coder and the classifier
(Cohen's kappa over the recommendations both have coded)."""

from __future__ import annotations

import math
import warnings
from itertools import combinations
from typing import Any

from sklearn.metrics import cohen_kappa_score

from uprlens.store import Store
from uprlens.store.coding import CODABLE, coder_values, machine_values

__all__ = ["CLASSIFIER", "agreement", "kappa"]

CLASSIFIER = "classifier"


def kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa, or None where it is undefined (fewer than two items, or both raters
    used one and the same value throughout)."""
    if len(a) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(cohen_kappa_score(a, b))
    return None if math.isnan(value) else value


def _pair(label: str, x: str, xs: dict[str, str], y: str, ys: dict[str, str]) -> dict[str, Any]:
    common = sorted(set(xs) & set(ys))
    a = [xs[i] for i in common]
    b = [ys[i] for i in common]
    same = sum(p == q for p, q in zip(a, b, strict=True))
    return {
        "label": label,
        "a": x,
        "b": y,
        "n": len(common),
        "observed": same / len(common) if common else None,
        "kappa": kappa(a, b),
    }


def agreement(store: Store) -> list[dict[str, Any]]:
    """One row per (label, pair of raters) with n, observed agreement and kappa."""
    out: list[dict[str, Any]] = []
    for label in CODABLE:
        coders = coder_values(store, label)
        if not coders:
            continue
        for x, y in combinations(sorted(coders), 2):
            out.append(_pair(label, x, coders[x], y, coders[y]))
        ids = sorted({i for values in coders.values() for i in values})
        machine = machine_values(store, label, ids)
        for x in sorted(coders):
            out.append(_pair(label, x, coders[x], CLASSIFIER, machine))
    return out
