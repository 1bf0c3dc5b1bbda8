"""The audit of one review: every analysis of issue 5 in one object of pandas DataFrames.

    >>> from uprlens.store import Store
    >>> from uprlens.analyse.audit import audit
    >>> a = audit(Store(".uprlens/uprlens.db", readonly=True), "CHN", 3)
    >>> a.by_verdict            # positions by verdict, a DataFrame
    >>> a.tables()              # every table by name, to go on in a notebook

What the audit cannot compute (no earlier cycle, no labels...) is said in ``notes``.
"""

from __future__ import annotations

import importlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from uprlens.analyse.acceptance import (
    LabelInfo,
    acceptance_by,
    acceptance_summary,
    global_rates,
    pairs_frame,
    position_by,
    review_frame,
)
from uprlens.analyse.cycles import LINK_KINDS, dropped, fate_of_noted, link_cycles
from uprlens.analyse.headline import Headline, headline
from uprlens.analyse.ledger import ledger
from uprlens.analyse.profiles import bloc_analysis, ranking, state_profiles
from uprlens.analyse.similarity import DEFAULT_THRESHOLD
from uprlens.analyse.similarity import METHOD as SIMILARITY_METHOD
from uprlens.lexicons.states import registry

__all__ = ["Audit", "audit", "classifier_info"]


@dataclass
class Audit:
    """Everything the report shows, as DataFrames and plain values."""

    headline: Headline
    recommendations: pd.DataFrame  # this review, one row per paragraph, with labels
    pairs: pd.DataFrame  # (recommendation, recommending state)
    summary: dict[str, Any]  # figures (label, n, ids) and rates
    by_category: pd.DataFrame  # acceptance by action category: review, global, earlier cycles
    by_verdict: pd.DataFrame
    position_by_category: pd.DataFrame
    position_by_verdict: pd.DataFrame
    global_source: str
    cycle_rates: pd.DataFrame  # per cycle of the SuR in the store
    profiles: pd.DataFrame
    endorsing_states: pd.DataFrame
    noted_specific_states: pd.DataFrame
    blocs: pd.DataFrame
    links: pd.DataFrame
    link_counts: pd.DataFrame
    dropped: pd.DataFrame
    fate_of_noted: pd.DataFrame
    ledger: pd.DataFrame
    earlier_cycles: list[int]
    labels: LabelInfo
    classifier: dict[str, Any]
    threshold: float
    similarity_method: str
    sur_group: str | None
    groups: dict[str, set[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    all_cycles: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (the XLSX export writes one sheet each)."""
        fig = self.summary.get("figures", {})
        summary = pd.DataFrame(
            [{"figure": k, "label": v["label"], "n": v["n"]} for k, v in fig.items()]
        )
        return {
            "summary": summary,
            "recommendations": self.recommendations,
            "position_by_category": self.position_by_category,
            "position_by_verdict": self.position_by_verdict,
            "acceptance_by_category": self.by_category,
            "acceptance_by_verdict": self.by_verdict,
            "cycles": self.cycle_rates,
            "state_profiles": self.profiles,
            "endorsing_states": self.endorsing_states,
            "noted_specific_states": self.noted_specific_states,
            "blocs": self.blocs,
            "links": self.links,
            "link_counts": self.link_counts,
            "dropped": self.dropped,
            "fate_of_noted": self.fate_of_noted,
            "ledger": self.ledger,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: scalars, the summary and every table as records."""
        return {
            "headline": self.headline.as_dict(),
            "summary": self.summary,
            "global_source": self.global_source,
            "earlier_cycles": self.earlier_cycles,
            "labels": {
                "source": self.labels.source,
                "classifier_version": self.labels.classifier_version,
                "n_overridden": self.labels.n_overridden,
            },
            "classifier": self.classifier,
            "similarity": {"method": self.similarity_method, "threshold": self.threshold},
            "sur_group": self.sur_group,
            "groups": {k: sorted(v) for k, v in self.groups.items()},
            "notes": self.notes,
            "tables": {k: _records(v) for k, v in self.tables().items()},
        }


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, list | tuple | dict | str):
        return value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def classifier_info() -> dict[str, Any]:
    """The classifier's version and measured accuracy, as far as the installed package says.

    The accuracy is read from ``uprlens.classify.EVALUATION`` (a mapping of measured figures)
    or ``uprlens/classify/models/evaluation.json`` when the package publishes either; nothing
    is made up when it does not.
    """
    try:
        mod = importlib.import_module("uprlens.classify")
    except ImportError:
        return {"available": False, "version": None, "evaluation": None,
                "note": "the classifier package uprlens.classify is not installed"}
    evaluation = getattr(mod, "EVALUATION", None)
    if not evaluation:
        try:
            from uprlens.classify.model import MODEL_DIR

            path = Path(MODEL_DIR) / "evaluation.json"
            evaluation = json.loads(path.read_text("utf-8")) if path.is_file() else None
        except (ImportError, ValueError, OSError):
            evaluation = None
    return {
        "available": True,
        "version": str(getattr(mod, "CLASSIFIER_VERSION", "") or "") or None,
        "evaluation": dict(evaluation) if evaluation else None,
        "summary": _evaluation_lines(evaluation) if evaluation else [],
        "note": "" if evaluation else (
            "the classifier publishes no measured accuracy (neither uprlens.classify."
            "EVALUATION nor models/evaluation.json); see `make eval`"
        ),
    }


_METRICS = (
    ("accuracy", "accuracy"), ("macro_f1", "macro-F1"), ("micro_f1", "micro-F1"),
    ("endorsing_precision", "endorsing precision"), ("endorsing_recall", "endorsing recall"),
)


def _evaluation_lines(evaluation: Any) -> list[str]:
    """Readable lines for the report's method section, one per evaluated label."""
    lines = []
    for label, figures in dict(evaluation).items():
        if not isinstance(figures, dict) or not any(k in figures for k, _ in _METRICS):
            continue
        parts = [f"{name} {figures[k]:.3f}" for k, name in _METRICS
                 if isinstance(figures.get(k), int | float)]
        where = f" (n={figures['n']}; {figures['split']})" if "split" in figures else ""
        lines.append(f"{label.replace('_', ' ')}: {', '.join(parts)}{where}")
    return lines


def _cycle_rates(all_frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for c, f in all_frame.groupby("cycle", sort=True):
        lab = f[f["labelled"]]
        sup = f[f["position"] == "supported"]
        rows.append(
            {
                "cycle": int(c),
                "year": _clean(f["year"].iloc[0]),
                "n": len(f),
                "supported": len(sup),
                "noted": int((f["position"] == "noted").sum()),
                "headline_rate": len(sup) / len(f) if len(f) else None,
                "labelled": len(lab),
                "substantive": int((sup["verdict"] == "specific").sum()),
                "substantive_rate": float((sup["verdict"] == "specific").sum()) / len(f)
                if len(lab) else None,
                "endorsing": int((f["verdict"] == "endorsing").sum()),
                "specific_share": float((lab["verdict"] == "specific").mean())
                if len(lab) else None,
            }
        )
    return pd.DataFrame(rows)


def audit(
    store: Any,
    sur: str,
    cycle: int,
    *,
    groups: dict[str, set[str]] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    classify_missing: bool = True,
) -> Audit:
    """Audit the review of ``sur`` in ``cycle`` against the codebook, the global UPR Info
    rates and the SuR's other cycles in the store. Raises RecordNotFound (a StoreError) when
    the review is not in the store."""
    sur = sur.upper()
    head = headline(store, sur, cycle)  # raises RecordNotFound with what the store holds
    all_frame, info = review_frame(store, sur, None, classify_missing=classify_missing)
    notes = list(info.notes)
    frames = {int(c): g.reset_index(drop=True) for c, g in all_frame.groupby("cycle")}
    frame = frames.get(cycle, pd.DataFrame(columns=all_frame.columns))
    earlier_cycles = sorted(c for c in frames if c < cycle)
    earlier = {c: frames[c] for c in earlier_cycles}
    if "labelled" not in frame or not frame["labelled"].any():
        notes.append(
            "no labels for this review: the verdict mix, substantive rate, flags and the "
            "state rankings cannot be computed (run `uprlens classify` or install the "
            "classifier)"
        )
    pairs = pairs_frame(store, frame)
    summary = acceptance_summary(frame)
    glob, glob_source = global_rates(store)
    by_category = acceptance_by(frame, "action_category", global_frame=glob, earlier=earlier)
    by_verdict = acceptance_by(frame, "verdict", earlier=earlier)
    reg = registry()
    sur_group = reg.get(sur).regional_group if sur in reg else None
    later_and_this = {c: f for c, f in frames.items() if c <= cycle}
    if earlier_cycles:
        links = link_cycles(later_and_this, cycle=cycle, threshold=threshold, store=store)
        # Links among earlier cycles too, so that the fate of a cycle-1 noted one can be
        # followed through cycle 2.
        between = (
            link_cycles(earlier, threshold=threshold, store=store) if len(earlier) > 1 else None
        )
        every = pd.concat([links, between], ignore_index=True) if between is not None else links
        fate = fate_of_noted(later_and_this, every, cycle=cycle)
        drop = dropped(later_and_this, links, cycle=cycle)
        best = links[links["best"]]
        link_counts = (
            pd.crosstab(best["earlier_cycle"], best["link"])
            .reindex(columns=list(LINK_KINDS), fill_value=0)
            .reset_index()
            if len(best)
            else pd.DataFrame(columns=["earlier_cycle", *LINK_KINDS])
        )
    else:
        have = ", ".join(f"cycle {c}" for c in sorted(frames)) or "nothing"
        notes.append(
            f"no earlier cycle of {head.sur_name} in the store (it holds {have}): no "
            "cross-cycle links, no fate of noted recommendations, no comparison with earlier "
            "cycles; import the earlier matrices or UPR Info rows to get them"
        )
        links = link_cycles({}, threshold=threshold)
        fate = fate_of_noted({}, links, cycle=cycle)
        drop = dropped({}, links, cycle=cycle)
        link_counts = pd.DataFrame(columns=["earlier_cycle", *LINK_KINDS])
    led = ledger(store, sur, frame=all_frame)
    cinfo = classifier_info()
    if cinfo["note"]:
        notes.append(cinfo["note"])
    return Audit(
        headline=head,
        recommendations=frame,
        pairs=pairs,
        summary=summary,
        by_category=by_category,
        by_verdict=by_verdict,
        position_by_category=position_by(frame, "action_category"),
        position_by_verdict=position_by(frame, "verdict"),
        global_source=glob_source,
        cycle_rates=_cycle_rates(all_frame) if len(all_frame) else pd.DataFrame(),
        profiles=state_profiles(pairs),
        endorsing_states=ranking(pairs, verdict="endorsing"),
        noted_specific_states=ranking(pairs, verdict="specific", position="noted"),
        blocs=bloc_analysis(pairs, sur_group=sur_group, groups=groups),
        links=links,
        link_counts=link_counts,
        dropped=drop,
        fate_of_noted=fate,
        ledger=led,
        earlier_cycles=earlier_cycles,
        labels=info,
        classifier=cinfo,
        threshold=threshold,
        similarity_method=links.attrs.get("similarity_method", SIMILARITY_METHOD),
        sur_group=sur_group,
        groups=dict(groups or {}),
        notes=notes,
        all_cycles=all_frame,
    )
