"""Lexicons and taxonomies: data files a researcher can read and extend, and their loaders."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files


@cache
def recommendation_verbs() -> frozenset[str]:
    """The verbs a recommendation opens with ("ratify", "adopt", "ensure"), casefolded:
    ``recommendation_verbs.csv``."""
    text = files("uprlens.lexicons").joinpath("recommendation_verbs.csv").read_text("utf-8")
    return frozenset(row["word"].strip().casefold() for row in csv.DictReader(text.splitlines()))
