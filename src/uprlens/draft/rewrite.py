"""Stronger wordings: templates that fix what the diagnosis found, filled only with words from
the draft and the expert catalogue, each re-checked by the classifier.

No invented facts: a group is named only when a catalogue entry for the SuR names it, a body,
document or paragraph only as the catalogue records it (an entry's paragraph is cited only when
the catalogue does not mark it inferred or unverified), and a second-hand entry is referred to
by its topic, never quoted as the body's wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from uprlens.draft.grounding import ExpertMatch, citation, named_groups_in

__all__ = ["Rewrite", "rewrite"]

_CONTINUE = re.compile(
    r"^\s*(?:continue|keep|maintain|pursue|persevere)\s+"
    r"(?:(?:its|their|the)\s+(?:efforts|work|endeavou?rs)\s+)?to\s+",
    re.I,
)
_FURTHER = re.compile(r"\b(?:further|continued|continuing)\s+(?=\w)", re.I)
_IMPERATIVE = re.compile(
    r"^(?:release|repeal|ratify|accede|investigate|guarantee|establish|abolish|end|halt|cease|"
    r"allow|grant|undertake|adopt|amend|publish|invite|close|stop|prohibit|provide|disclose|"
    r"clarify|ensure)\b",
    re.I,
)
DEADLINE = "before the next review"


@dataclass
class Rewrite:
    text: str
    fixes: list[str]
    cites: list[dict[str, Any]] = field(default_factory=list)  # catalogue entries used
    groups: list[dict[str, Any]] = field(default_factory=list)  # group, entry that names it
    verdict: str = ""
    action_category: str = ""
    flags: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "fixes": self.fixes,
            "cites": self.cites,
            "groups": self.groups,
            "verdict": self.verdict,
            "action_category": self.action_category,
            "flags": self.flags,
        }


def _cap(s: str) -> str:
    s = s.strip()
    return s[:1].upper() + s[1:] if s else s


def _sentence(s: str) -> str:
    s = s.strip().rstrip(".;, ")
    return _cap(s) + "."


def _topic(m: ExpertMatch) -> str:
    bits = [b.strip() for b in re.split(r"[;,]", m.topic) if b.strip()][:2]
    return " and ".join(bits) if bits else "the concerns it raised"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cite(m: ExpertMatch) -> dict[str, Any]:
    return {"id": m.id, "citation": citation(m), "body": m.body, "symbol": m.symbol,
            "year": m.year, "paragraph": m.paragraph, "verbatim": m.verbatim}


def _groups_from(matches: list[ExpertMatch], limit: int = 3) -> list[tuple[str, ExpertMatch]]:
    out: list[tuple[str, ExpertMatch]] = []
    for m in matches:
        for g in named_groups_in(f"{m.text} {m.topic}"):
            if g.name not in {n for n, _ in out}:
                out.append((g.name, m))
    return out[:limit]


def _evidence(c: Any, label: str) -> str | None:
    lab = c.labels.get(label)
    if lab is None or lab.value in ("0", "") or not lab.evidence:
        return None
    return str(lab.evidence[0].text)


def rewrite(
    text: str, c: Any, matches: list[ExpertMatch], *, classifier: Any, limit: int = 3
) -> list[Rewrite]:
    """Up to ``limit`` rewrites of ``text`` (diagnosed as ``c``), re-classified."""
    verdict = c.labels["verdict"].value
    core = text.strip().rstrip(".")
    fixes_core: list[str] = []
    if c.labels.get("continue_framing") and c.labels["continue_framing"].value == "1":
        stripped = _CONTINUE.sub("", core, count=1)
        stripped = _FURTHER.sub("", stripped)
        if stripped != core:
            core = _cap(stripped)
            fixes_core.append("asks for the act instead of presuming it ('continue' removed)")
    group_list = _groups_from(matches)
    named = [n for n, _ in group_list]
    groups_meta = [{"group": n, "named_by": citation(m), "entry": m.id} for n, m in group_list]
    unnamed = _evidence(c, "unnamed_group")
    core_named = core
    if unnamed and named and unnamed in core:
        core_named = core.replace(unnamed, _join(named), 1)

    candidates: list[Rewrite] = []
    top = matches[0] if matches else None
    second = next((m for m in matches[1:] if top and citation(m) != citation(top)), None)
    if verdict != "endorsing":
        if core_named != core or fixes_core:
            fixes = list(fixes_core)
            if core_named != core:
                fixes.append(f"names {_join(named)} instead of '{unnamed}' (from the catalogue)")
            if top is not None:
                body = (f"{core_named}, in particular by implementing the recommendations of "
                        f"{citation(top)} on {_topic(top)}")
                fixes.append(f"a verifiable act: implement {citation(top)}")
                candidates.append(Rewrite(_sentence(body), fixes, [_cite(top)],
                                          groups_meta if core_named != core else []))
            else:
                candidates.append(
                    Rewrite(_sentence(f"{core_named} {DEADLINE}"),
                            fixes + ["a deadline"], [], groups_meta if core_named != core else [])
                )
        if top is not None and top.verbatim and _IMPERATIVE.match(top.text.strip()):
            quoted = top.text.strip().rstrip(".")
            candidates.append(
                Rewrite(
                    _sentence(f"{quoted}, as recommended by {citation(top)}, {DEADLINE}"),
                    ["the expert body's own wording, attributed", "a deadline"],
                    [_cite(top)],
                )
            )
    if top is not None:
        cited = [top] + ([second] if second is not None else [])
        refs = " and of ".join(f"{citation(m)} on {_topic(m)}" for m in cited)
        tail = f", including for {_join(named)}" if named else ""
        fixes = ["a verifiable act: implement named UN expert recommendations", "a deadline"]
        if verdict == "endorsing":
            fixes.insert(0, "an alternative grounded in UN experts' findings, not a rewording "
                            "of the endorsement")
        candidates.append(
            Rewrite(
                _sentence(f"Implement, {DEADLINE}, the recommendations of {refs}{tail}"),
                fixes, [_cite(m) for m in cited], groups_meta if named else [],
            )
        )
    no_deadline = c.labels.get("time_bound") is not None and c.labels["time_bound"].value == "0"
    if verdict != "endorsing" and (fixes_core or (no_deadline and not candidates)):
        candidates.append(Rewrite(_sentence(f"{core_named} {DEADLINE}"),
                                  fixes_core + ["a deadline"]))

    seen: set[str] = set()
    unique = []
    for r in candidates:
        if r.text.lower() not in seen and r.text.strip(".").lower() != text.strip(".").lower():
            seen.add(r.text.lower())
            unique.append(r)
    unique = unique[:limit]
    if unique:
        for r, rc in zip(unique, classifier.classify_many([r.text for r in unique]), strict=True):
            r.verdict = rc.labels["verdict"].value
            r.action_category = rc.labels["action_category"].value
            r.flags = {k: v.value for k, v in rc.labels.items()
                       if k not in ("verdict", "action_category")}
    return unique
