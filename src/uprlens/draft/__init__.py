"""The drafting assistant: diagnose a draft UPR recommendation, ground it in UN expert
findings, propose stronger wordings, show precedent and the chance it is supported."""

from uprlens.draft.checker import CheckResult, SmartItem, check, render_text
from uprlens.draft.grounding import ExpertMatch, catalogue_size, ground
from uprlens.draft.precedent import Precedent, precedents
from uprlens.draft.predict import Prediction, ResponseModel, predict_support
from uprlens.draft.rewrite import Rewrite, rewrite

__all__ = [
    "CheckResult",
    "ExpertMatch",
    "Precedent",
    "Prediction",
    "ResponseModel",
    "Rewrite",
    "SmartItem",
    "catalogue_size",
    "check",
    "ground",
    "precedents",
    "predict_support",
    "render_text",
    "rewrite",
]
