"""Where machine and human labels differ.

Human labels come from the sources (UPR Info's action category and issues, kept per part)
and from researchers' overrides (the latest per coder); machine labels from the classifier.
"""

from __future__ import annotations

import pandas as pd

from uprlens.store import Store

__all__ = ["LABELS", "disagreements"]

# label name in machine_labels -> (human label name, where it lives)
LABELS = {
    "action_category": "action_category",
    "verdict": "verdict",
    "issue": "issues",
}


def disagreements(
    store: Store,
    *,
    label: str = "action_category",
    sur: str | None = None,
    cycle: int | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """One row per recommendation whose machine label differs from a human label.

    Columns: id, sur, cycle, text, human, human_source, machine, score, decided_by,
    classifier_version. For multi-valued labels (issues) the sets are compared.
    """
    human_name = LABELS.get(label, label)
    where = ["1=1"]
    params: list[object] = []
    if sur:
        where.append("r.sur = ?")
        params.append(sur.upper())
    if cycle is not None:
        where.append("r.cycle = ?")
        params.append(cycle)
    sql_where = " AND ".join(where)
    machine = store.query(
        f"SELECT r.pk, r.id, r.sur, r.cycle, r.text, group_concat(m.value, '; ') AS machine, "
        f"max(m.score) AS score, max(m.decided_by) AS decided_by, "
        f"max(m.classifier_version) AS classifier_version "
        f"FROM recommendations r JOIN machine_labels m ON m.recommendation_pk = r.pk "
        f"WHERE m.label = ? AND {sql_where} GROUP BY r.pk",
        [label, *params],
    )
    human: dict[int, tuple[str, str]] = {}
    for r in store.query(
        f"SELECT h.recommendation_pk, h.value, h.source FROM human_labels h "
        f"JOIN recommendations r ON r.pk = h.recommendation_pk "
        f"WHERE h.label = ? AND h.part = 0 AND {sql_where}",
        [human_name, *params],
    ):
        human[r[0]] = (r[1], r[2])
    if label == "issue":
        for r in store.query(
            f"SELECT t.recommendation_pk, group_concat(t.value, '; ') FROM tags t "
            f"JOIN recommendations r ON r.pk = t.recommendation_pk "
            f"WHERE t.scheme = 'issue' AND {sql_where} GROUP BY t.recommendation_pk",
            params,
        ):
            human[r[0]] = (r[1], "source")
    # Researchers' overrides are the most recent human word on a label.
    pks_by_id: dict[str, list[int]] = {}
    for m in machine:
        pks_by_id.setdefault(m["id"], []).append(m["pk"])
    for r in store.query(
        "SELECT o.recommendation_id, o.new_value, o.coder FROM overrides o "
        "WHERE o.label = ? ORDER BY o.id",
        [label],
    ):
        for pk in pks_by_id.get(r[0], []):
            human[pk] = (r[1], f"override by {r[2]}")
    rows = []
    for m in machine:
        h = human.get(m["pk"])
        if h is None:
            continue
        same = (
            {v.strip() for v in h[0].split(";") if v.strip()}
            == {v.strip() for v in (m["machine"] or "").split(";") if v.strip()}
            if label == "issue"
            else h[0].strip() == (m["machine"] or "").strip()
        )
        if same:
            continue
        rows.append(
            {
                "id": m["id"],
                "sur": m["sur"],
                "cycle": m["cycle"],
                "text": m["text"],
                "human": h[0],
                "human_source": h[1],
                "machine": m["machine"],
                "score": m["score"],
                "decided_by": m["decided_by"],
                "classifier_version": m["classifier_version"],
            }
        )
    frame = pd.DataFrame(rows)
    if len(frame):
        frame = frame.sort_values(["score", "id"], ascending=[False, True])
    return frame.head(limit) if limit else frame
