"""Classify recommendations by the CODEBOOK: action category, strength verdict, flags, themes,
affected persons and UPR Info issues, each label with its evidence and what decided it.

    from uprlens.classify import Classifier, classify
    clf = Classifier.load()
    c = clf.classify("Ratify the ICCPR")
    c.labels["verdict"].value, c.labels["verdict"].evidence
"""

import json as _json

from uprlens.classify.codebook import (
    CLASSIFIER_VERSION,
    Classification,
    Classifier,
    classify,
    endorsing_wins,
)
from uprlens.classify.csvio import BatchSummary, classify_csv, classify_records
from uprlens.classify.explain import explain_terminal, explain_text
from uprlens.classify.model import MODEL_DIR as _MODEL_DIR


def _evaluation() -> dict[str, object]:
    # Written by scripts/eval_classify.py; the audit report's method section quotes it.
    try:
        return dict(_json.loads((_MODEL_DIR / "evaluation.json").read_text("utf-8")))
    except (OSError, ValueError):
        return {}


#: What ``scripts/eval_classify.py`` last measured (category accuracy/macro-F1 on UPR Info
#: sessions 17-20, issues micro/macro-F1, verdict on the China 2013 DEVELOPMENT set, date,
#: version, split); empty if the file is missing.
EVALUATION: dict[str, object] = _evaluation()

__all__ = [
    "CLASSIFIER_VERSION",
    "EVALUATION",
    "BatchSummary",
    "Classification",
    "Classifier",
    "classify",
    "classify_csv",
    "classify_records",
    "endorsing_wins",
    "explain_terminal",
    "explain_text",
]
