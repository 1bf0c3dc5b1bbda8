"""The plain "uprlens CSV": ``cycle,year,number,text,recommending_state,response,source_url``.

Rows with a paragraph number are Working Group report paragraphs (kind="uprlens_csv", id
``<ISO3>-c<cycle>-<number>``); rows without one are oral statements (kind="statements", id
``<ISO3>-c<cycle>-s<row>``, row = 1-based data row). The State under Review is not a column:
pass ``sur="CHN"`` (CLI ``--sur CHN``), or add a ``sur`` column. ``recommending_state`` is
"; "-separated; when the text attributes its wordings ("Ratify ICCPR (Albania); Ratify ICCPR and
CPED (Chile);") each wording becomes a Part with its states. The response maps to a position
(see :func:`uprlens.ingest.tables.map_position`) with the verbatim response kept as qualifier;
``source_url`` goes to the provenance locator.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from uprlens.errors import BadRecord
from uprlens.ids import format_id
from uprlens.ingest.safety import DEFAULT_LIMITS, Limits, file_sha256
from uprlens.ingest.tables import default_sur, map_position, read_mapped, split_parts
from uprlens.lexicons.states import registry
from uprlens.types import ImportBatch, Part, Provenance, Recommendation, Review

__all__ = ["OPTIONAL", "REQUIRED", "read_plain_csv"]

REQUIRED: dict[str, tuple[str, ...]] = {
    "cycle": (),
    "text": (),
    "recommending_state": (),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "year": (),
    "number": ("paragraph", "para"),
    "response": ("position",),
    "source_url": ("source", "url"),
    "sur": ("state_under_review", "country"),
}
_SYMBOL = re.compile(r"A/HRC/\d+/\d+")


def read_plain_csv(
    path: str | Path,
    *,
    sur: str | None = None,
    column_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **_: object,
) -> list[ImportBatch]:
    """Read a whole uprlens CSV into one ImportBatch per (kind, review), or raise."""
    table, cols = read_mapped(
        path, required=REQUIRED, optional=OPTIONAL, column_map=column_map, encoding=encoding,
        limits=limits, what="uprlens CSV",
    )
    p = table.path
    reg = registry()
    file_sur = default_sur(sur, table, cols)
    sha = file_sha256(p)
    batches: dict[tuple[str, str, int], list[Recommendation]] = {}
    years: dict[tuple[str, str, int], Counter[int]] = {}
    symbols: dict[tuple[str, str, int], Counter[str]] = {}
    for row, cells in enumerate(table.rows, start=1):
        g = cols.get
        sur_iso = file_sur
        if "sur" in cols.index and g(cells, "sur").strip():
            sur_iso = reg.resolve(g(cells, "sur").strip(), path=p, row=row)
        if sur_iso is None:
            raise BadRecord("no State under Review: empty sur column; pass sur=", path=p, row=row)
        raw_cycle = g(cells, "cycle").strip()
        if not raw_cycle.isdigit():
            raise BadRecord(f"cycle {raw_cycle!r} is not a number", path=p, row=row)
        cycle = int(raw_cycle)
        number = g(cells, "number").strip()
        kind = "uprlens_csv" if number else "statements"
        text = g(cells, "text").strip()
        if not text:
            raise BadRecord("empty text", path=p, row=row)
        response = g(cells, "response")
        mapped = map_position(response)
        if mapped is None:
            raise BadRecord(
                f"unknown response {response.strip()!r} (expected supported, noted, pending, "
                "not accepted... or empty)",
                path=p,
                row=row,
            )
        position, qualifier, source = mapped
        listed = [
            reg.resolve(n.strip(), path=p, row=row)
            for n in g(cells, "recommending_state").split(";")
            if n.strip()
        ]
        parts = _parts(text, listed)
        url = g(cells, "source_url").strip()
        key = (kind, sur_iso, cycle)
        year = g(cells, "year").strip()
        if year.isdigit():
            years.setdefault(key, Counter())[int(year)] += 1
        symbols.setdefault(key, Counter()).update(_SYMBOL.findall(f"{response} {url}"))
        rec_id = format_id(sur_iso, cycle, number if number else f"s{row}")
        batches.setdefault(key, []).append(
            Recommendation(
                id=rec_id,
                review=Review(sur_iso, cycle),
                paragraph=number or None,
                text=text,
                parts=parts,
                provenance=Provenance(source=p.name, sha256=sha, row=row, locator=url),
                kind="recommendation",
                position=position,
                position_qualifier=qualifier,
                position_source=source,
            )
        )
    out = []
    for key in sorted(batches):
        kind, sur_iso, cycle = key
        recs = batches[key]
        seen: set[str] = set()
        for r in recs:
            if r.id in seen:
                raise BadRecord(
                    f"paragraph {r.paragraph} appears twice", path=p, row=r.provenance.row
                )
            seen.add(r.id)
        year = years[key].most_common(1)[0][0] if years.get(key) else None
        symbol = symbols[key].most_common(1)[0][0] if symbols.get(key) else None
        review = Review(sur_iso, cycle, None, year, symbol if kind == "uprlens_csv" else None)
        for r in recs:
            r.review = review
        recs.sort(key=_order)
        title = (
            f"uprlens CSV {reg.name(sur_iso)} cycle {cycle} {kind.replace('_', ' ')}: "
            f"{len(recs)} records ({table.format}, encoding {table.encoding})"
        )
        out.append(ImportBatch(kind, review, recs, Provenance(source=p.name, sha256=sha), title))
    return out


def _order(r: Recommendation) -> tuple[int, ...]:
    if r.paragraph:
        return tuple(int(x) for x in re.findall(r"\d+", r.paragraph))
    return (r.provenance.row or 0,)


def _parts(text: str, listed: list[str]) -> list[Part]:
    found, _ = split_parts(text)
    in_text = {s for _, states in found for s in states}
    if found and (not listed or in_text == set(listed)):
        if len(found) == 1:
            return [Part(found[0][0], tuple(found[0][1]))]
        return [Part(w, tuple(s)) for w, s in found]
    # No attribution in the text (statements), or one that disagrees with the column: the
    # column is the curated value, so the whole text is one part with its states.
    return [Part(text, tuple(dict.fromkeys(listed)))]
