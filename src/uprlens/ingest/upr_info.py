"""UPR Info database exports (CSV in UTF-8 or MacRoman, or XLSX) -> one ImportBatch per review.

UPR Info has one row per (recommendation, recommending state) and no paragraph numbers. Rows of
the same review (State under Review, session) whose texts are equal once case, spacing and
final punctuation are folded become one Recommendation with one Part per row (its state and
its human labels: action_category, response, issues, row_id).

Record ids have the form ``<ISO3>-c<cycle>-u<row_id>`` where row_id is the smallest UPR Info
``row_id`` in the group (the 1-based data row when the export has no row_id column): stable
across re-imports of the same export, and visibly not a report paragraph.

Rows whose response is "Voluntary Pledge" are the SuR's own pledges: kind="pledge", no position.
A recommending state written "(Unknown)" gives a Part with no state and
human_labels["attribution"] = "unknown".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from uprlens.errors import BadRecord
from uprlens.ids import format_id
from uprlens.ingest.safety import DEFAULT_LIMITS, Limits, file_sha256
from uprlens.ingest.tables import (
    ColumnMapping,
    Table,
    clean_text,
    cycle_for_session,
    map_columns,
    map_position,
    read_mapped,
    year_for_session,
)
from uprlens.lexicons.states import registry
from uprlens.types import ImportBatch, Part, Provenance, Recommendation, Review

__all__ = ["OPTIONAL", "REQUIRED", "is_upr_info_header", "read_upr_info"]

KIND = "upr_info"
PLEDGE_KIND = "upr_info_pledges"
PLEDGE_RESPONSE = "voluntary pledge"

REQUIRED: dict[str, tuple[str, ...]] = {
    "state_under_review": ("state under review", "sur", "to", "country"),
    "recommendation": ("recommendation text", "text"),
    "recommending_state": ("recommending state", "from", "recommending"),
    "response": ("position", "response of the sur"),
    "action_category": ("action category", "action"),
    "issues": ("issue", "themes"),
    "session": ("session number", "upr session"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "row_id": ("id", "rowid"),
    "cycle": ("upr cycle",),
}


def is_upr_info_header(header: list[str]) -> bool:
    try:
        map_columns(header, required=REQUIRED, optional=OPTIONAL, path="-")
    except Exception:
        return False
    return True


@dataclass
class _Group:
    sur: str
    cycle: int
    session: int
    kind: str
    rows: list[tuple[int, int, Part, str]] = field(default_factory=list)  # row_id, row, part, text


def _fold(text: str) -> str:
    if "&" in text or "\u00a0" in text:
        text = clean_text(text)
    return " ".join(text.split()).casefold().rstrip(" .;,")


def read_upr_info(
    path: str | Path,
    *,
    column_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **_: object,
) -> list[ImportBatch]:
    """Read a whole UPR Info export into one ImportBatch per (SuR, session), or raise."""
    table, cols = read_mapped(
        path, required=REQUIRED, optional=OPTIONAL, column_map=column_map, encoding=encoding,
        sheet=sheet, limits=limits, what="UPR Info export",
    )
    return _batches(table, cols)


def _int(value: str, what: str, table: Table, row: int) -> int:
    v = value.strip()
    if v.isdigit():
        return int(v)
    if re.fullmatch(r"\d+\.0+", v):  # XLSX numbers read back as "12.0"
        return int(float(v))
    raise BadRecord(f"{what} {value!r} is not a whole number", path=table.path, row=row)


def _batches(table: Table, cols: ColumnMapping) -> list[ImportBatch]:
    reg = registry()
    p = table.path
    resolved: dict[str, str | None] = {}

    def state(name: str, row: int) -> str | None:
        if name not in resolved:
            resolved[name] = (
                None if reg.is_unattributed(name) else reg.resolve(name, path=p, row=row)
            )
        return resolved[name]

    groups: dict[tuple[str, int, int, str, str], _Group] = {}
    for row, cells in enumerate(table.rows, start=1):
        g = cols.get
        sur_name = g(cells, "state_under_review").strip()
        if not sur_name:
            raise BadRecord("empty state_under_review", path=p, row=row)
        sur = state(sur_name, row)
        if sur is None:
            raise BadRecord(f"state_under_review is {sur_name!r}", path=p, row=row)
        session = _int(g(cells, "session"), "session", table, row)
        raw_cycle = g(cells, "cycle").strip()
        cycle = _int(raw_cycle, "cycle", table, row) if raw_cycle else cycle_for_session(session)
        row_id = _int(g(cells, "row_id"), "row_id", table, row) if "row_id" in cols.index else row
        text = g(cells, "recommendation").strip()
        if not text:
            raise BadRecord("empty recommendation text", path=p, row=row)
        response = g(cells, "response").strip()
        kind = "pledge" if response.casefold() == PLEDGE_RESPONSE else "recommendation"
        if kind == "recommendation" and map_position(response) is None:
            raise BadRecord(
                f"unknown response {response!r} (expected Accepted, Noted or Voluntary Pledge)",
                path=p,
                row=row,
            )
        rs_name = g(cells, "recommending_state").strip()
        rs = state(rs_name, row) if rs_name else None
        labels = {
            "action_category": g(cells, "action_category").strip(),
            "response": response,
            "issues": g(cells, "issues").strip(),
            "row_id": str(row_id),
        }
        if rs is None:
            labels["attribution"] = "unknown"
        part = Part(text, (rs,) if rs else (), labels)
        key = (sur, cycle, session, kind, _fold(text))
        grp = groups.get(key)
        if grp is None:
            grp = groups[key] = _Group(sur, cycle, session, kind)
        grp.rows.append((row_id, row, part, text))

    sha = file_sha256(p)
    by_review: dict[tuple[str, int, int], list[Recommendation]] = {}
    for grp in groups.values():
        rec = _recommendation(grp, p.name, sha)
        by_review.setdefault((grp.sur, grp.cycle, grp.session), []).append(rec)

    note = f"{table.format}"
    if table.encoding:
        note += f", encoding {table.encoding}"
    if table.sheet:
        note += f", sheet {table.sheet!r}"
    if cols.unrecognised:
        note += f"; columns not used: {', '.join(cols.unrecognised)}"
    batches = []
    for (sur, _cycle, session), recs in sorted(by_review.items()):
        recs.sort(key=lambda r: int(r.id.rsplit("-u", 1)[1]))
        review = recs[0].review
        n_p = sum(r.kind == "pledge" for r in recs)
        title = (
            f"UPR Info {reg.name(sur)} session {session}: {len(recs) - n_p} recommendations"
            + (f", {n_p} pledges" if n_p else "")
            + f" from {sum(len(r.parts) for r in recs)} rows ({note})"
        )
        # Pledges travel in their own source so that importing the pledges file never
        # replaces the same review's recommendations (the store replaces per kind + review).
        for kind, members in (
            (KIND, [r for r in recs if r.kind != "pledge"]),
            (PLEDGE_KIND, [r for r in recs if r.kind == "pledge"]),
        ):
            if members:
                batches.append(
                    ImportBatch(
                        kind, review, members, Provenance(source=p.name, sha256=sha), title
                    )
                )
    return batches


def _mode(values: list[str]) -> str:
    # most frequent; ties go to the value seen first (rows are in file order)
    if len(values) == 1:
        return values[0]
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def _recommendation(grp: _Group, source: str, sha: str) -> Recommendation:
    grp.rows.sort(key=lambda t: t[0])
    first_id, first_row, _, text = grp.rows[0]
    parts = [part for _, _, part, _ in grp.rows]
    review = Review(grp.sur, grp.cycle, grp.session, year_for_session(grp.session))
    categories = [p.human_labels["action_category"] for p in parts]
    labels: dict[str, str] = {"action_category": _mode(categories)}
    if len(set(categories)) > 1:
        labels["action_category_disagreement"] = "; ".join(
            f"{k} x{v}" for k, v in sorted(Counter(categories).items())
        )
    issues: list[str] = []
    for p in parts:
        for issue in p.human_labels["issues"].split(","):
            issue = issue.strip()
            if issue and issue not in issues:
                issues.append(issue)
    position = qualifier = None
    if grp.kind == "recommendation":
        responses = [p.human_labels["response"] for p in parts]
        qualifier = _mode(responses)
        mapped = map_position(qualifier)
        position = mapped[0] if mapped else None
        if len(set(responses)) > 1:
            labels["response_disagreement"] = "; ".join(
                f"{k} x{v}" for k, v in sorted(Counter(responses).items())
            )
    return Recommendation(
        id=format_id(grp.sur, grp.cycle, f"u{first_id}"),
        review=review,
        paragraph=None,
        text=text,
        parts=parts,
        provenance=Provenance(
            source=source, sha256=sha, row=first_row, locator=f"row_id {first_id}"
        ),
        kind="pledge" if grp.kind == "pledge" else "recommendation",
        position=position,
        position_qualifier=qualifier,
        issues=issues,
        human_labels=labels,
    )
