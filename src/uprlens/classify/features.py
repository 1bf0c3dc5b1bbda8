"""Text views the learned models read: the whole text, its head, and its clause openings.

They are module-level functions (not lambdas) so that fitted pipelines pickle and load by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["TOKEN", "clause_heads", "head_tokens", "normalise", "stems"]

TOKEN = re.compile(r"[a-z0-9']+")

# The lead verb and its object sit in the first dozen tokens; the category turns on them.
HEAD_TOKENS = 12

# Where a new action can start inside a recommendation: after a comma or semicolon, after
# "and", and after "including by ..." / "through ..." clauses, which is where UPR Info's coders
# find the concrete act that makes a "continue" or "strengthen" recommendation category 5.
_CLAUSE_SPLIT = re.compile(
    r"[;,.:()]| and | including | inter alia | by | through | in order to | with a view to "
)


def normalise(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def head_tokens(texts: Iterable[str]) -> list[str]:
    return [" ".join(TOKEN.findall(normalise(t))[:HEAD_TOKENS]) for t in texts]


def clause_heads(texts: Iterable[str]) -> list[str]:
    out = []
    for t in texts:
        feats = []
        for clause in _CLAUSE_SPLIT.split(" " + normalise(t) + " "):
            w = TOKEN.findall(clause)[:3]
            if not w:
                continue
            feats.append("C_" + w[0])
            if len(w) > 1:
                feats.append("C_" + w[0] + "_" + w[1])
            if len(w) > 2:
                feats.append("C_" + "_".join(w))
        out.append(" ".join(feats))
    return out


_ALNUM = re.compile(r"[a-z0-9]+")
STEM = 5


def stems(texts: Iterable[str]) -> list[str]:
    """Crude stems (the first five letters) so "child", "children's" and "childhood" meet:
    worth about two points of issue micro-F1 on the validation sessions."""
    return [" ".join(w[:STEM] for w in _ALNUM.findall(normalise(t))) for t in texts]
