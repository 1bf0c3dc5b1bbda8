"""Classify recommendations by the CODEBOOK: action category, strength verdict, flags, themes,
affected persons and UPR Info issues, each label with its evidence and what decided it.

    from uprlens.classify import Classifier, classify
    clf = Classifier.load()
    c = clf.classify("Ratify the ICCPR")
    c.labels["verdict"].value, c.labels["verdict"].evidence
"""

from uprlens.classify.codebook import (
    CLASSIFIER_VERSION,
    Classification,
    Classifier,
    classify,
    endorsing_wins,
)
from uprlens.classify.csvio import BatchSummary, classify_csv, classify_records
from uprlens.classify.explain import explain_terminal, explain_text

__all__ = [
    "CLASSIFIER_VERSION",
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
