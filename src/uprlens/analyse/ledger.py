"""The evidence ledger: every noted or rejected recommendation about cooperation with UN
mechanisms, across all cycles of a SuR, with its reply.

"About cooperation with UN mechanisms" is decided by the readable lexicon
``uprlens/lexicons/un_cooperation.jsonl`` (one rule a line: ``id``, ``label``, ``pattern`` (a
regular expression, case-insensitive), ``note``), whose hits are kept as evidence spans, and by
the source's own UHRI themes where it has them (:data:`COOPERATION_THEMES`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from uprlens.analyse.acceptance import review_frame
from uprlens.errors import LexiconError, RecordNotFound
from uprlens.types import Evidence

__all__ = [
    "COOPERATION_THEMES",
    "LEDGER_POSITIONS",
    "Rule",
    "cooperation_evidence",
    "ledger",
    "load_rules",
]

# UHRI themes (and the cycle-4 matrix wordings) that are about UN mechanisms by definition.
COOPERATION_THEMES = re.compile(
    r"^(?:A12\b|A2[1-8]\b|Acceptance of international norms|Cooperation (?:&|and) follow[- ]up "
    r"with treaty bodies|Cooperation with (?:human rights mechanisms|treaty bodies|special "
    r"procedures|other international mechanisms)|Follow[- ]up to treaty bodies)",
    re.IGNORECASE,
)
# A "rejected" reply is a noted position in OHCHR's terms; a partly supported one is partly
# noted. Both are kept so that nothing the SuR declined goes missing.
LEDGER_POSITIONS = ("noted", "supported_in_part")
_LABELS = {"special_procedures", "access", "ohchr", "treaty_ratification", "treaty_bodies",
           "un_mechanisms", "reprisals"}


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    pattern: re.Pattern[str]
    note: str


def load_rules(path: str | Path | None = None) -> tuple[Rule, ...]:
    """The lexicon's rules; every problem in the file reported at once as a LexiconError."""
    if path is None:
        text = resources.files("uprlens.lexicons").joinpath("un_cooperation.jsonl").read_text(
            "utf-8"
        )
        where = "uprlens/lexicons/un_cooperation.jsonl"
    else:
        text = Path(path).read_text("utf-8")
        where = str(path)
    return _parse_rules(text, where)


@lru_cache(maxsize=4)
def _parse_rules(text: str, where: str) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    problems: list[str] = []
    ids: set[str] = set()
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {i}: not JSON ({exc.msg})")
            continue
        missing = [k for k in ("id", "label", "pattern") if not d.get(k)]
        if missing:
            problems.append(f"line {i}: missing {', '.join(missing)}")
            continue
        if d["label"] not in _LABELS:
            problems.append(
                f"line {i} ({d['id']}): unknown label {d['label']!r} "
                f"(one of {', '.join(sorted(_LABELS))})"
            )
            continue
        if d["id"] in ids:
            problems.append(f"line {i}: duplicate id {d['id']!r}")
            continue
        try:
            pattern = re.compile(d["pattern"], re.IGNORECASE)
        except re.error as exc:
            problems.append(f"line {i} ({d['id']}): bad pattern ({exc})")
            continue
        ids.add(d["id"])
        rules.append(Rule(d["id"], d["label"], pattern, d.get("note", "")))
    if problems:
        raise LexiconError(f"{where}: " + "; ".join(problems))
    if not rules:
        raise LexiconError(f"{where}: no rules")
    return tuple(rules)


def cooperation_evidence(text: str, rules: tuple[Rule, ...] | None = None) -> list[Evidence]:
    """The spans of ``text`` that make it about cooperation with UN mechanisms."""
    out = []
    for rule in rules or load_rules():
        for m in rule.pattern.finditer(text):
            out.append(Evidence(m.start(), m.end(), m.group(0), rule.id, "rule"))
    return sorted(out, key=lambda e: (e.start, e.end))


def ledger(
    store: Any,
    sur: str,
    *,
    positions: tuple[str, ...] = LEDGER_POSITIONS,
    rules: tuple[Rule, ...] | None = None,
    frame: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every recommendation to ``sur`` (all cycles in the store) with a position in
    ``positions`` that is about cooperation with UN mechanisms.

    Columns: id, cycle, year, paragraph, text, states, position, reply (the SuR's own words),
    reply_source, topics, rules, evidence (the matched words), themes (matching UHRI themes),
    decided_by (lexicon, themes or both), file, locator.
    """
    rules = rules or load_rules()
    label_of = {r.id: r.label for r in rules}
    if frame is None:
        frame, _ = review_frame(store, sur, None, classify_missing=False)
        if frame.empty:
            raise RecordNotFound(
                f"no recommendations to {sur.upper()} in the store; import its matrices, "
                "reports or UPR Info rows first with `uprlens ingest FILE`"
            )
    cols = ["id", "cycle", "year", "paragraph", "text", "states", "position", "reply",
            "reply_source", "topics", "rules", "evidence", "themes", "decided_by", "file",
            "locator"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for rec in frame[frame["position"].isin(positions)].to_dict("records"):
        ev = cooperation_evidence(rec["text"], rules)
        themes = [t for t in rec.get("themes") or [] if COOPERATION_THEMES.match(t)]
        if not ev and not themes:
            continue
        topics = sorted({label_of[e.rule_id] for e in ev})
        if themes and not topics:
            topics = ["un_mechanisms"]
        rows.append(
            {
                "id": rec["id"],
                "cycle": rec["cycle"],
                "year": rec["year"],
                "paragraph": rec["paragraph"],
                "text": rec["text"],
                "states": "; ".join(rec["states"]),
                "position": rec["position"],
                "reply": rec.get("position_qualifier") or "",
                "reply_source": rec.get("position_source") or "",
                "topics": "; ".join(topics),
                "rules": "; ".join(dict.fromkeys(e.rule_id for e in ev)),
                "evidence": " | ".join(f"{e.text} [{e.start}:{e.end}]" for e in ev),
                "themes": "; ".join(themes),
                "decided_by": "lexicon+themes" if ev and themes else
                ("lexicon" if ev else "themes"),
                "file": rec.get("file"),
                "locator": rec.get("locator") or "",
            }
        )
    # the frame is in cycle, then document order: keep it
    return pd.DataFrame(rows, columns=cols)
