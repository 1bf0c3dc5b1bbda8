"""Text views the learned models read: the whole text, its head, and its clause openings.

They are module-level functions (not lambdas) so that fitted pipelines pickle and load by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["TOKEN", "clause_heads", "head_tokens", "normalise", "stems", "verb_objects"]

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


# Words between a verb and its object that say nothing about 4 vs 5 ("adopt [the necessary
# legislative] measures", "adopt [a comprehensive] law"): skipped to reach the object itself.
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "its",
        "all",
        "any",
        "necessary",
        "appropriate",
        "further",
        "effective",
        "concrete",
        "specific",
        "comprehensive",
        "new",
        "additional",
        "more",
        "relevant",
        "adequate",
        "urgent",
        "practical",
        "legislative",
        "legal",
        "national",
        "public",
        "and",
        "of",
        "to",
        "in",
        "for",
        "on",
        "with",
        "their",
        "his",
        "her",
        "those",
        "these",
        "this",
        "that",
        "such",
        "both",
        "other",
        "every",
    ]
)
# Openings before the lead verb ("That the Government should continue its efforts to ...").
_OPENING = frozenset(
    [
        "to",
        "that",
        "the",
        "government",
        "should",
        "shall",
        "must",
        "also",
        "further",
        "urgently",
        "effectively",
        "continue",
        "its",
        "efforts",
    ]
)
_INCLUDING = re.compile(
    r"\b(?:including|inter alia|in particular|notably|such as|through|by)\s+(?:by\s+)?"
    r"([a-z]+ing)\b([^;,.]*)"
)


def verb_objects(texts: Iterable[str]) -> list[str]:
    """The lead verb paired with the first two content words of its object ("vo_adopt_law",
    "vo_adopt_measures"), and each "including by <verb>ing <object>" clause likewise
    ("inc_adopting_law"): the object of the verb decides 4 vs 5 (CODEBOOK). Worth +0.3 to
    +0.4 points of category accuracy on the validation sessions 15-16."""
    out = []
    for t in texts:
        low = normalise(t)
        w = TOKEN.findall(low)
        feats = []
        i = 0
        while i < len(w) and w[i] in _OPENING:
            i += 1
        if i < len(w):
            verb, objs = w[i], []
            for x in w[i + 1 :]:
                if len(objs) == 2:
                    break
                if x not in _FILLER:
                    objs.append(x)
            feats += [f"vo_{verb}_{o}" for o in objs]
        for m in _INCLUDING.finditer(low):
            verb = m.group(1)
            feats.append(f"inc_{verb}")
            objs = [x for x in TOKEN.findall(m.group(2)) if x not in _FILLER][:2]
            feats += [f"inc_{verb}_{o}" for o in objs]
        out.append(" ".join(feats) or "vo_none")
    return out
