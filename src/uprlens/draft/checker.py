"""``check``: diagnose a draft recommendation, ground it in UN expert findings, offer stronger
wordings, show precedent and the chance the SuR supports it.

    from uprlens.draft import check
    result = check("Continue to protect the rights of vulnerable groups", sur="CHN", store=store)
    print(render_text(result))
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from uprlens.classify.codebook import default_classifier
from uprlens.draft.grounding import ExpertMatch, catalogue_size, citation, ground
from uprlens.draft.precedent import Precedent, precedents
from uprlens.draft.predict import (
    Prediction,
    ResponseModel,
    TextLabels,
    history_from_store,
    load_response_model,
    predict_support,
)
from uprlens.draft.rewrite import Rewrite, rewrite
from uprlens.errors import LexiconError, UprlensError
from uprlens.lexicons.states import registry

__all__ = ["CheckResult", "SmartItem", "check", "render_text", "smart_reasons"]

SMART = (
    ("specific_act", "Asks for a specific act (ratify, repeal, release, publish...)"),
    ("named_subject", "Names whose rights or which law or issue"),
    ("measurable", "Could be verified at the next review"),
    ("time_bound", "Has a deadline"),
    ("relevant", "Answers a concern documented by UN experts"),
)
# Least overlap with an expert entry's words that counts as answering a documented concern.
RELEVANT_OVERLAP = 0.25


@dataclass(frozen=True)
class SmartItem:
    key: str
    question: str
    passed: bool | None  # None: cannot tell (e.g. no catalogue)
    why: str


@dataclass
class CheckResult:
    text: str
    sur: str
    sur_name: str
    cycle: int | None
    from_state: str | None
    diagnosis: dict[str, Any]  # Classification.to_dict()
    smart: list[SmartItem]
    reasons: list[str]
    catalogue_size: int
    grounding: list[ExpertMatch]
    rewrites: list[Rewrite]
    precedents: list[Precedent]
    prediction: Prediction | None
    notes: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return str(self.diagnosis["labels"]["verdict"]["value"])

    def label(self, name: str) -> str:
        return str(self.diagnosis["labels"][name]["value"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "sur": self.sur,
            "sur_name": self.sur_name,
            "cycle": self.cycle,
            "from_state": self.from_state,
            "diagnosis": self.diagnosis,
            "smart": [vars(s) for s in self.smart],
            "reasons": self.reasons,
            "catalogue_size": self.catalogue_size,
            "grounding": [m.to_dict() for m in self.grounding],
            "rewrites": [r.to_dict() for r in self.rewrites],
            "precedents": [p.to_dict() for p in self.precedents],
            "prediction": self.prediction.to_dict() if self.prediction else None,
            "notes": self.notes,
        }


@lru_cache(maxsize=1)
def smart_reasons() -> tuple[dict[str, str], ...]:
    """Plain-language reasons, as data (``lexicons/smart_reasons.jsonl``)."""
    path = resources.files("uprlens.lexicons").joinpath("smart_reasons.jsonl")
    out = []
    for i, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            out.append({k: str(row[k]) for k in ("id", "label", "value", "text")})
        except (ValueError, KeyError) as exc:
            raise LexiconError(f"smart_reasons.jsonl line {i}: {exc}") from None
    return tuple(out)


def _first_evidence(d: dict[str, Any], name: str) -> str:
    ev = d["labels"].get(name, {}).get("evidence", [])
    return str(ev[0]["text"]) if ev else ""


def _smart(d: dict[str, Any], grounding: list[ExpertMatch], n_catalogue: int) -> list[SmartItem]:
    lab = {k: v["value"] for k, v in d["labels"].items()}
    verdict, cat = lab["verdict"], lab["action_category"]
    items = []
    ok = cat == "5" or verdict == "specific"
    items.append((ok, f"action category {cat}, verdict {verdict}"))
    ok = lab.get("unnamed_group") != "1" and verdict != "vague"
    items.append((ok, "generic right-holders" if lab.get("unnamed_group") == "1" else
                  f"verdict {verdict}"))
    ok = verdict == "specific" and cat != "3"
    items.append((ok, "'consider' cannot be checked" if cat == "3" else f"verdict {verdict}"))
    ok = lab.get("time_bound") == "1"
    items.append((ok, _first_evidence(d, "time_bound") or "no deadline found"))
    if n_catalogue == 0:
        items.append((None, "no UN expert recommendations for this SuR in the catalogue"))
    else:
        best = grounding[0] if grounding else None
        ok = lab.get("cites_un_expert") == "1" or (
            best is not None and best.overlap >= RELEVANT_OVERLAP
        )
        why = (f"closest: {citation(best)} ({best.overlap:.0%} of the draft's words)"
               if best else "no catalogue entry shares its words")
        items.append((ok, why))
    return [SmartItem(k, q, p, w) for (k, q), (p, w) in zip(SMART, items, strict=True)]


def _reasons(d: dict[str, Any], sur_name: str) -> list[str]:
    out = []
    for r in smart_reasons():
        lab = d["labels"].get(r["label"])
        if lab is None or lab["value"] != r["value"]:
            continue
        ev = _first_evidence(d, r["label"])
        if "{evidence}" in r["text"] and not ev:
            continue
        out.append(r["text"].format(evidence=ev, sur=sur_name))
    return out


def check(
    text: str,
    *,
    sur: str,
    cycle: int | None = None,
    store: Any = None,
    from_state: str | None = None,
    classifier: Any = None,
    response_model: ResponseModel | None = None,
    predict: bool = True,
    n_grounding: int = 5,
    n_precedents: int = 5,
) -> CheckResult:
    """Everything the drafting assistant says about ``text`` for State under Review ``sur``.

    ``store`` may be None (no catalogue, no precedent, no history): the draft is still
    diagnosed and the result says what it could not do.
    """
    reg = registry()
    sur_iso = reg.resolve(sur)
    rs_iso = reg.resolve(from_state) if from_state else None
    # The one the response model's history labelling uses too: loaded once per process.
    clf = classifier or default_classifier()
    c = clf.classify(text, sur=sur_iso)
    d = c.to_dict()
    notes: list[str] = []
    sur_name = reg.name(sur_iso)
    n_cat = catalogue_size(store, sur_iso) if store is not None else 0
    unnamed = c.labels.get("unnamed_group") is not None and c.labels["unnamed_group"].value == "1"
    grounding = (
        ground(store, text, sur_iso, limit=n_grounding, unnamed_group=unnamed) if n_cat else []
    )
    if store is None:
        notes.append("no store: nothing to ground the draft in, no precedent, no history; "
                     "create one with `uprlens ingest FILE` (or pass --db)")
    elif n_cat == 0:
        notes.append(
            f"cannot ground: the catalogue holds no UN expert recommendations on {sur_name}; "
            f"import them with `uprlens ingest FILE --sur {sur_iso}` (a CSV body,symbol,year,paragraph,topic,text or a UHRI export). Rewrites "
            "cannot name groups or cite experts without it."
        )
    elif not grounding:
        notes.append(f"no catalogue entry on {sur_name} shares words with the draft")
    if any(not m.verbatim for m in grounding):
        notes.append("entries marked second-hand are quoted by others, not the body's own "
                     "wording; rewrites cite them by topic only")
    rewrites = rewrite(text, c, grounding, classifier=clf)
    if not rewrites:
        notes.append("no rewrite: nothing the templates can fix from the draft and catalogue")
    precs = precedents(store, text, sur_iso, limit=n_precedents) if store is not None else []
    prediction = None
    if predict:
        try:
            model = response_model or load_response_model()
            hist = (history_from_store(store, sur_iso, before_cycle=cycle)
                    if store is not None else [])
            # The draft is classified once: the model takes the diagnosis's labels.
            prediction = predict_support(text, sur_iso, from_state=rs_iso, history=hist,
                                         model=model, labels=TextLabels.of(c))
        except UprlensError as exc:
            notes.append(f"no response prediction: {exc}")
    return CheckResult(
        text=text, sur=sur_iso, sur_name=sur_name, cycle=cycle, from_state=rs_iso,
        diagnosis=d, smart=_smart(d, grounding, n_cat), reasons=_reasons(d, sur_name),
        catalogue_size=n_cat, grounding=grounding, rewrites=rewrites, precedents=precs,
        prediction=prediction, notes=notes,
    )


def _mark(ok: bool | None) -> str:
    return {True: "[x]", False: "[ ]", None: "[?]"}[ok]


def render_text(r: CheckResult) -> str:
    """The report as plain text (the CLI's default format)."""
    L: list[str] = []
    lab = r.diagnosis["labels"]
    L.append(f"Draft for {r.sur_name} ({r.sur})" + (f", cycle {r.cycle}" if r.cycle else "")
             + (f", from {r.from_state}" if r.from_state else "") + ":")
    L.append(f"  {r.text}")
    L.append("")
    L.append("Diagnosis")
    for name in ("verdict", "action_category", *[k for k in lab if k not in
                                                  ("verdict", "action_category")]):
        v = lab[name]
        if name not in ("verdict", "action_category") and v["value"] == "0":
            continue
        ev = "; ".join(f"'{e['text']}' ({e['rule_id']})" for e in v["evidence"][:3])
        L.append(f"  {name}: {v['value']}" + (f"  <- {ev}" if ev else ""))
    L.append("")
    L.append("SMART checklist")
    for s in r.smart:
        L.append(f"  {_mark(s.passed)} {s.question}: {s.why}")
    if r.reasons:
        L.append("")
        L.append("Why")
        L.extend(f"  - {x}" for x in r.reasons)
    L.append("")
    L.append(f"Grounding ({r.catalogue_size} expert recommendations on {r.sur} in the catalogue)")
    for m in r.grounding:
        tag = "" if m.verbatim else " [second-hand]"
        L.append(f"  {m.score:.2f} {citation(m)}{tag}: {m.text[:200]}")
    if not r.grounding:
        L.append("  (none)")
    L.append("")
    L.append("Stronger wordings")
    for i, w in enumerate(r.rewrites, start=1):
        L.append(f"  {i}. {w.text}")
        L.append(f"     new verdict: {w.verdict} (category {w.action_category}); fixes: "
                 + "; ".join(w.fixes))
    if not r.rewrites:
        L.append("  (none)")
    L.append("")
    L.append("Precedent")
    for p in r.precedents:
        pos = p.position or "no position"
        if p.position_qualifier:
            pos += f" ({p.position_qualifier})"
        L.append(f"  {p.id} [{p.states or 'state unknown'}] {pos}: {p.text[:160]}")
    if not r.precedents:
        L.append("  (none in the store)")
    if r.prediction:
        L.append("")
        L.append(f"Chance {r.sur} supports it: {r.prediction.probability:.0%} "
                 f"({r.prediction.basis})")
        L.append("  Information about past reviews, not advice: a recommendation worth making "
                 "is often one the state will not accept.")
    if r.notes:
        L.append("")
        L.extend(f"Note: {n}" for n in r.notes)
    return "\n".join(L)
