"""What the acceptance rate hides: positions against the codebook's labels.

Unit: the paragraph (one recommendation), as in the codebook; pair counts (recommendation,
recommending state) come from :func:`pairs_frame`. Labels are the classifier's machine labels
with researchers' overrides applied; when a review has no machine labels, :func:`review_frame`
classifies it in memory (and says so) instead of failing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pandas as pd

from uprlens.errors import UprlensError

__all__ = [
    "CATEGORIES",
    "FLAGS",
    "LabelInfo",
    "VERDICTS",
    "acceptance_by",
    "acceptance_summary",
    "global_rates",
    "pairs_frame",
    "position_by",
    "review_frame",
]

VERDICTS = ("specific", "general", "vague", "endorsing")
CATEGORIES = ("1", "2", "3", "4", "5")
FLAGS = (
    "continue_framing",
    "unnamed_group",
    "cites_un_expert",
    "time_bound",
    "assistance_or_sharing",
    "praise",
)
_SINGLE = ("action_category", "verdict", *FLAGS)
# Positions that count as accepted in an acceptance rate: only full support. A partly supported
# recommendation is not accepted as made (the codebook keeps the finer value).
ACCEPTED = ("supported",)
_CHUNK = 900  # SQLite's bound-parameter limit


@dataclass
class LabelInfo:
    """Where a frame's labels came from."""

    source: str  # store | on_the_fly | none
    classifier_version: str | None = None
    n_overridden: int = 0
    notes: list[str] = field(default_factory=list)


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _base_rows(store: Any, sur: str, cycle: int | None) -> list[dict[str, Any]]:
    sql = (
        "SELECT r.pk, r.id, r.review_id, r.sur, r.cycle, v.year, v.session, r.paragraph, "
        "r.text, r.states, r.n_states, r.position, r.position_qualifier, r.position_source, "
        "r.source_kind, r.file, r.page, r.row, r.locator FROM recommendations r "
        "JOIN reviews v ON v.id = r.review_id "
        "WHERE r.sur = ? AND r.is_primary = 1 AND r.kind = 'recommendation'"
    )
    params: list[Any] = [sur.upper()]
    if cycle is not None:
        sql += " AND r.cycle = ?"
        params.append(int(cycle))
    sql += " ORDER BY r.cycle, r.pk"
    return [dict(r) for r in store.query(sql, params)]


def _stored_labels(store: Any, pks: list[int]) -> tuple[dict[int, dict[str, Any]], set[str]]:
    out: dict[int, dict[str, Any]] = {}
    versions: set[str] = set()
    for part in _chunks(pks):
        marks = ",".join("?" * len(part))
        for r in store.query(
            "SELECT recommendation_pk, label, value, classifier_version FROM machine_labels "
            f"WHERE recommendation_pk IN ({marks}) ORDER BY recommendation_pk, label, value",
            part,
        ):
            pk, label, value, version = r[0], r[1], r[2], r[3]
            versions.add(version)
            slot = out.setdefault(pk, {})
            if label in _SINGLE:
                slot[label] = value
            else:
                slot.setdefault(label, []).append(value)
    return out, versions


def _classify(texts: list[str]) -> tuple[list[dict[str, Any] | None], str]:
    from uprlens.classify import CLASSIFIER_VERSION, Classifier  # late: optional stage

    clf = Classifier.load()
    out: list[dict[str, Any] | None] = []
    for c in clf.classify_many(texts, on_error="return"):
        if isinstance(c, UprlensError):  # a text the classifier cannot label stays unlabelled
            out.append(None)
            continue
        slot: dict[str, Any] = {k: lab.value for k, lab in c.labels.items()}
        slot["theme"] = [lab.value for lab in c.themes]
        slot["issue"] = [lab.value for lab in c.issues]
        out.append(slot)
    return out, str(CLASSIFIER_VERSION)


def _overrides(store: Any, ids: list[str]) -> dict[tuple[str, str], str]:
    # The latest change wins; the table keeps every earlier one as the audit trail.
    out: dict[tuple[str, str], str] = {}
    for part in _chunks(ids):
        marks = ",".join("?" * len(part))
        for r in store.query(
            "SELECT recommendation_id, label, new_value FROM overrides "
            f"WHERE recommendation_id IN ({marks}) ORDER BY id",
            part,
        ):
            out[(r[0], r[1])] = r[2]
    return out


def _tags(store: Any, pks: list[int]) -> dict[int, dict[str, list[str]]]:
    out: dict[int, dict[str, list[str]]] = {}
    for part in _chunks(pks):
        marks = ",".join("?" * len(part))
        for r in store.query(
            "SELECT recommendation_pk, scheme, value FROM tags "
            f"WHERE recommendation_pk IN ({marks}) ORDER BY recommendation_pk, scheme, value",
            part,
        ):
            out.setdefault(r[0], {}).setdefault(r[1], []).append(r[2])
    return out


def review_frame(
    store: Any, sur: str, cycle: int | None = None, *, classify_missing: bool = True
) -> tuple[pd.DataFrame, LabelInfo]:
    """One row per recommendation (primary source) of ``sur`` (one cycle, or all when None).

    Columns: pk, id, review_id, sur, cycle, year, paragraph, text, states (list of ISO3),
    position, position_qualifier, position_source, provenance columns, action_category,
    verdict, the codebook flags as bools (None when unlabelled), themes (source tags),
    affected_persons, labelled (bool).
    """
    rows = _base_rows(store, sur, cycle)
    info = LabelInfo(source="none")
    if not rows:
        return pd.DataFrame(), info
    pks = [r["pk"] for r in rows]
    labels, versions = _stored_labels(store, pks)
    missing = [i for i, r in enumerate(rows) if r["pk"] not in labels]
    if labels:
        info.source = "store"
        info.classifier_version = ", ".join(sorted(versions))
    if missing and classify_missing:
        try:
            computed, version = _classify([rows[i]["text"] for i in missing])
        except ImportError:
            info.notes.append(
                f"{len(missing)} recommendations have no machine labels and the classifier "
                "(uprlens.classify) is not installed: label-based figures leave them out"
            )
        except UprlensError as exc:
            info.notes.append(f"classifying on the fly failed ({exc}); label-based figures "
                              f"leave {len(missing)} recommendations out")
        else:
            failed = 0
            for i, slot in zip(missing, computed, strict=True):
                if slot is None:
                    failed += 1
                else:
                    labels[rows[i]["pk"]] = slot
            info.notes.append(
                f"{len(missing)} recommendations had no machine labels in the store: "
                f"classified on the fly with classifier {version} (not saved; "
                "`uprlens classify` stores them)"
                + (f"; {failed} could not be classified and stay unlabelled" if failed else "")
            )
            info.source = "store+on_the_fly" if info.source == "store" else "on_the_fly"
            info.classifier_version = ", ".join(
                sorted({*(versions or set()), version})
            )
    elif missing:
        info.notes.append(f"{len(missing)} recommendations have no machine labels")
    overrides = _overrides(store, [r["id"] for r in rows])
    tags = _tags(store, pks)
    for r in rows:
        slot = labels.get(r["pk"], {})
        r["labelled"] = bool(slot)
        for name in _SINGLE:
            value = overrides.get((r["id"], name), slot.get(name))
            if (r["id"], name) in overrides:
                info.n_overridden += 1
            if name in FLAGS:
                r[name] = None if value is None else value in ("1", "true", "True", True)
            else:
                r[name] = value
        r["states"] = [s for s in (r["states"] or "").split("; ") if s]
        t = tags.get(r["pk"], {})
        r["themes"] = t.get("theme", [])
        r["affected_persons"] = t.get("affected_persons", [])
        r["machine_themes"] = slot.get("theme", [])
        r["substantive"] = (
            None if r["verdict"] is None else r["verdict"] == "specific"
        )
    frame = pd.DataFrame(rows)
    return frame, info


def pairs_frame(store: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (recommendation, recommending state), UPR Info's unit, with the state's
    regional group and organisations and the recommendation's position and labels."""
    cols = ["pk", "id", "cycle", "position", "action_category", "verdict", "substantive"]
    if frame.empty:
        return pd.DataFrame(columns=[*cols, "state", "state_name", "regional_group",
                                     "organisations"])
    pks = frame["pk"].tolist()
    rows = []
    for part in _chunks(pks):
        marks = ",".join("?" * len(part))
        rows += [
            dict(r)
            for r in store.query(
                "SELECT DISTINCT rs.recommendation_pk AS pk, rs.state, s.name AS state_name, "
                "s.regional_group, s.organisations FROM recommendation_states rs "
                f"JOIN states s ON s.iso3 = rs.state WHERE rs.recommendation_pk IN ({marks})",
                part,
            )
        ]
    states = pd.DataFrame(rows, columns=["pk", "state", "state_name", "regional_group",
                                         "organisations"])
    return frame[cols].merge(states, on="pk", how="inner")


def _rate(sub: pd.DataFrame) -> float | None:
    if sub.empty:
        return None
    return float(sub["position"].isin(ACCEPTED).mean())


def acceptance_summary(frame: pd.DataFrame) -> dict[str, Any]:
    """The headline beside what it hides, each figure with the ids behind it.

    Returns {"figures": {key: {"label", "n", "ids"}}, "rates": {...}}; rates are shares of
    the paragraphs of the review (``headline_rate``) or of the labelled ones.
    """
    figures: dict[str, dict[str, Any]] = {}

    def put(key: str, label: str, sub: pd.DataFrame) -> None:
        figures[key] = {"label": label, "n": len(sub), "ids": sub["id"].tolist()}

    if frame.empty:
        return {"figures": figures, "rates": {}}
    supported = frame[frame["position"] == "supported"]
    put("all", "recommendations", frame)
    for pos in ("supported", "supported_in_part", "noted", "pending"):
        sub = frame[frame["position"] == pos]
        if len(sub) or pos in ("supported", "noted"):
            put(f"position.{pos}", pos, sub)
    unknown = frame[frame["position"].isna()]
    if len(unknown):
        put("position.unknown", "no position", unknown)
    labelled = frame[frame["labelled"]]
    sup_l = supported[supported["labelled"]]
    for v in VERDICTS:
        put(f"supported.{v}", f"supported and {v}", sup_l[sup_l["verdict"] == v])
    put("supported.substantive", "supported and substantive (specific, not endorsing)",
        sup_l[sup_l["verdict"] == "specific"])
    put("labelled", "labelled recommendations", labelled)
    put("continue_framing", '"continue"-framed', labelled[labelled["continue_framing"].eq(True)])
    put("continue_framing.supported", '"continue"-framed and supported',
        sup_l[sup_l["continue_framing"].eq(True)])
    put("cites_un_expert", "citing UN experts", labelled[labelled["cites_un_expert"].eq(True)])
    put("cites_un_expert.noted", "citing UN experts and noted",
        labelled[labelled["cites_un_expert"].eq(True) & (labelled["position"] == "noted")])
    put("endorsing", "endorsing", labelled[labelled["verdict"] == "endorsing"])
    put("noted.specific", "specific and noted",
        labelled[(labelled["verdict"] == "specific") & (labelled["position"] == "noted")])
    n = len(frame)
    rates: dict[str, float | None] = {
        "headline_rate": len(supported) / n if n else None,
        "substantive_rate": (len(figures["supported.substantive"]["ids"]) / n) if n else None,
        "labelled_share": len(labelled) / n if n else None,
    }
    if len(sup_l):
        for v in VERDICTS:
            rates[f"supported.{v}.share"] = len(figures[f"supported.{v}"]["ids"]) / len(sup_l)
    return {"figures": figures, "rates": rates}


def position_by(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Cross-tab: rows = values of ``label`` (action_category or verdict), columns = positions,
    plus n and accepted share. Unlabelled rows are left out."""
    order = CATEGORIES if label == "action_category" else VERDICTS
    if frame.empty or label not in frame:
        return pd.DataFrame(columns=[label, "n", "accepted_share"])
    sub = frame[frame[label].notna()]
    table = pd.crosstab(sub[label], sub["position"].fillna("unknown"))
    table = table.reindex([o for o in order], fill_value=0)
    for pos in ("supported", "noted"):
        if pos not in table:
            table[pos] = 0
    table["n"] = table.sum(axis=1)
    accepted = table[[c for c in table.columns if c in ACCEPTED]].sum(axis=1)
    table["accepted_share"] = (accepted / table["n"]).where(table["n"] > 0)
    table.index.name = label
    return table.reset_index()


def _published_rates() -> pd.DataFrame:
    text = resources.files("uprlens.lexicons").joinpath("upr_info_rates.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return pd.DataFrame(
        {
            "action_category": [r["action_category"] for r in rows],
            "global_share": [float(r["accepted_share"]) for r in rows],
            "global_n": [None] * len(rows),
        }
    )


def global_rates(store: Any) -> tuple[pd.DataFrame, str]:
    """Acceptance by action category across UPR Info's human-coded rows.

    Computed from the UPR Info rows in the store (unit: UPR Info row = (recommendation,
    state)) when there are any; else UPR Info's published figures from
    ``lexicons/upr_info_rates.csv``. The second value says which.
    """
    rows = store.query(
        "SELECT c.value AS action_category, sum(r.value = 'Accepted') AS accepted, "
        "count(*) AS n FROM human_labels c JOIN human_labels r "
        "ON r.recommendation_pk = c.recommendation_pk AND r.part = c.part "
        "AND r.label = 'response' AND r.source = c.source "
        "JOIN recommendations rec ON rec.pk = c.recommendation_pk "
        "WHERE c.label = 'action_category' AND c.source = 'upr_info' AND c.part > 0 "
        "AND rec.kind = 'recommendation' GROUP BY c.value ORDER BY c.value"
    )
    rows = [r for r in rows if r["action_category"] in CATEGORIES]
    if rows:
        total = sum(r["n"] for r in rows)
        frame = pd.DataFrame(
            {
                "action_category": [r["action_category"] for r in rows],
                "global_share": [r["accepted"] / r["n"] for r in rows],
                "global_n": [r["n"] for r in rows],
            }
        )
        return frame, (
            f"computed from the {total:,} human-coded UPR Info rows in the store "
            "(unit: recommendation x recommending state; Accepted vs Noted)"
        )
    return _published_rates(), (
        "UPR Info's published acceptance by category, sessions 1-20 (no UPR Info rows in the "
        "store to compute it from)"
    )


def acceptance_by(
    frame: pd.DataFrame,
    label: str,
    *,
    global_frame: pd.DataFrame | None = None,
    earlier: dict[int, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Accepted share per value of ``label`` in this review, beside the global UPR Info rate
    (action_category only) and this SuR's earlier cycles (``accepted_share_c<N>``)."""
    out = position_by(frame, label)[[label, "n", "accepted_share"]]
    if global_frame is not None and label == "action_category":
        out = out.merge(global_frame, on="action_category", how="left")
    for cyc, f in sorted((earlier or {}).items()):
        prev = position_by(f, label)[[label, "n", "accepted_share"]]
        prev = prev.rename(columns={"n": f"n_c{cyc}", "accepted_share": f"accepted_share_c{cyc}"})
        out = out.merge(prev, on=label, how="left")
    return out
