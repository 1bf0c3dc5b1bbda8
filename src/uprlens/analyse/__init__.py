"""Analyses over the store: records in, pandas DataFrames and plain dataclasses out."""

from uprlens.analyse.audit import Audit, audit
from uprlens.analyse.headline import Headline, headline

__all__ = ["Audit", "Headline", "audit", "headline"]
