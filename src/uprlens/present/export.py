"""Write tables as CSV, XLSX, JSON or Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from uprlens.errors import UprlensError

__all__ = ["FORMATS", "batches_frame", "export_rows", "recommendations_frame"]

FORMATS = ("csv", "xlsx", "json", "parquet")

# Excel cells hold at most this many characters; longer text is cut with a visible marker.
_XLSX_CELL_MAX = 32_767


def recommendations_frame(store: Any, **filters: Any) -> pd.DataFrame:
    """Recommendations with their states' names, human and machine labels, one row each."""
    rows = list(store.iter_recommendations(**filters))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    pks = frame["pk"].tolist()
    labels: dict[int, dict[str, str]] = {}
    chunk = 900  # SQLite's bound-parameter limit
    for i in range(0, len(pks), chunk):
        part = pks[i : i + chunk]
        marks = ",".join("?" * len(part))
        for r in store.query(
            f"SELECT recommendation_pk, label, group_concat(value, '; ') AS v FROM machine_labels "
            f"WHERE recommendation_pk IN ({marks}) GROUP BY recommendation_pk, label",
            part,
        ):
            labels.setdefault(r[0], {})[f"machine_{r[1]}"] = r[2]
        for r in store.query(
            f"SELECT recommendation_pk, scheme, group_concat(value, '; ') FROM tags "
            f"WHERE recommendation_pk IN ({marks}) GROUP BY recommendation_pk, scheme",
            part,
        ):
            labels.setdefault(r[0], {})[r[1]] = r[2]
        for r in store.query(
            f"SELECT recommendation_pk, label, value FROM human_labels "
            f"WHERE recommendation_pk IN ({marks}) AND part=0",
            part,
        ):
            labels.setdefault(r[0], {})[f"human_{r[1]}"] = r[2]
    extra = pd.DataFrame.from_dict(labels, orient="index")
    if not extra.empty:
        frame = frame.join(extra, on="pk")
    return frame.drop(columns=["pk"])


def _note(locator: str | None) -> str:
    if not locator or "note:" not in locator:
        return ""
    return locator.split("note:", 1)[1].strip()


def batches_frame(batches: list[Any]) -> pd.DataFrame:
    """What a reader extracted, one row per part (a paragraph's wording with its states)."""
    from uprlens.lexicons.states import registry

    reg = registry()
    rows = []
    for batch in batches:
        for rec in batch.recommendations:
            for i, part in enumerate(rec.parts, start=1):
                rows.append(
                    {
                        "id": rec.id,
                        "paragraph": rec.paragraph or "",
                        "part": i,
                        "text": part.text,
                        "states": "; ".join(reg.name(s) for s in part.states),
                        "state_codes": "; ".join(part.states),
                        "position": rec.position or "",
                        "qualifier": rec.position_qualifier or "",
                        "position_source": rec.position_source or "",
                        "paragraph_text": rec.text,
                        "source": rec.provenance.source,
                        "page": rec.provenance.page if rec.provenance.page is not None else "",
                        "row": rec.provenance.row if rec.provenance.row is not None else "",
                        # A misprint the reader explained ("para 120; note: ...") stays visible.
                        "note": _note(rec.provenance.locator),
                        "review": rec.review.id,
                        "kind": batch.kind,
                    }
                )
    return pd.DataFrame(rows)


def export_rows(frame: pd.DataFrame, fmt: str, out: Path | None) -> str | None:
    """Write ``frame`` to ``out`` (or return it as text for csv/json when out is None)."""
    if fmt not in FORMATS:
        raise UprlensError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("xlsx", "parquet") and out is None:
        raise UprlensError(f"--format {fmt} is binary: give --output FILE")
    if fmt == "csv":
        text = frame.to_csv(index=False)
    elif fmt == "json":
        text = frame.to_json(orient="records", force_ascii=False, indent=1)
    elif fmt == "xlsx":
        safe = frame.copy()
        for col in safe.columns:
            if safe[col].dtype == object:
                safe[col] = safe[col].map(_xlsx_cell)
        assert out is not None
        safe.to_excel(out, index=False, engine="openpyxl")
        return None
    else:
        assert out is not None
        frame.to_parquet(out, index=False)
        return None
    if out is None:
        return text
    out.write_text(text, encoding="utf-8")
    return None


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # A leading = + - @ would make Excel evaluate the cell: keep text as text.
        if value[:1] in ("=", "+", "-", "@"):
            value = "'" + value
        if len(value) > _XLSX_CELL_MAX:
            value = value[: _XLSX_CELL_MAX - 12] + " [truncated]"
    return value
