"""OHCHR Universal Human Rights Index exports (XLSX, CSV or JSON).

No export could be examined offline; what is known (see the shared data README) is that the full
export has columns such as ``Text``, ``Countries Concerned``, ``Reccomending Body`` (sic),
``Document Symbol``, ``Document Publication Date``, ``UPR Session`` ("- 31 - ..."), ``Type``,
``UPR Position``, themes, affected persons and SDGs; list values carry a leading "- " (one per
line); ``Text`` may hold ``&nbsp;``; the paragraph number opens the text ("136.1 ...").
Columns are therefore found by name (case/spacing-insensitive, with synonyms); the columns not
recognised are named in each batch title; ``column_map`` maps the rest.

UPR rows (body or type naming the UPR) become ImportBatch(kind="uhri"), one per review. Other
rows are expert recommendations: :func:`read_uhri_experts`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from uprlens.errors import BadRecord
from uprlens.ids import format_id
from uprlens.ingest.experts import ExpertRecommendation
from uprlens.ingest.safety import (
    DEFAULT_LIMITS,
    Limits,
    check_file,
    decode_text,
    file_sha256,
    is_zip,
)
from uprlens.ingest.tables import (
    ColumnMapping,
    Table,
    clean_text,
    cycle_for_session,
    map_columns,
    map_position,
    read_json_table,
    read_table,
    resolve_state_list,
    split_parts,
    year_for_session,
)
from uprlens.lexicons.states import registry
from uprlens.types import ImportBatch, Part, Provenance, Recommendation, Review

__all__ = ["OPTIONAL", "REQUIRED", "is_uhri_header", "read_uhri", "read_uhri_experts"]

KIND = "uhri"

REQUIRED: dict[str, tuple[str, ...]] = {
    "text": ("recommendation", "recommendation text"),
    "countries_concerned": ("countries", "country", "country concerned", "state under review"),
    "recommending_body": ("reccomending body", "body", "mechanism", "recommending bodies"),
    "document_symbol": ("symbol", "document"),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "document_publication_date": ("publication date", "date", "document date"),
    "upr_session": ("session",),
    "type": ("document type", "recommendation type"),
    "upr_position": ("position", "upr response"),
    "themes": ("theme", "human rights themes", "rights"),
    "affected_persons": (
        "affected persons groups",
        "groups of persons",
        "persons",
        "concerned persons",
    ),
    "sdgs": ("sdg", "sustainable development goals", "sdg goals"),
    "recommending_states": ("recommending state", "recommending states", "recommending countries"),
}

# "136.1 ..." (UPR) or "12. ..." (treaty bodies); a bare "12 " may be the text's own number
_PARA = re.compile(r"^\s*(?P<para>\d+(?:\.\d+)+|\d+(?=\.))\.?\s+")
_UPR = re.compile(r"\bUPR\b|universal periodic review", re.IGNORECASE)


def is_uhri_header(header: list[str]) -> bool:
    try:
        map_columns(header, required=REQUIRED, optional=OPTIONAL, path="-")
    except Exception:
        return False
    return True


def _load(
    path: str | Path,
    *,
    encoding: str | None,
    sheet: str | None,
    limits: Limits,
    column_map: Mapping[str, str] | None,
) -> tuple[Table, ColumnMapping]:
    p = check_file(path, limits=limits)
    if is_zip(p):
        table = read_table(p, sheet=sheet, limits=limits)
    else:
        text, used = decode_text(p.read_bytes(), path=p, encoding=encoding)
        if text.lstrip()[:1] in ("[", "{"):
            table = read_json_table(p, text, used)
        else:
            table = read_table(p, encoding=used, limits=limits)
    cols = map_columns(
        table.header,
        required=REQUIRED,
        optional=OPTIONAL,
        column_map=column_map,
        path=p,
        what="UHRI export",
    )
    return table, cols


def _items(cell: str) -> list[str]:
    """List values: one per line, each with an optional leading "- "."""
    out = []
    for line in cell.replace("\r", "\n").split("\n"):
        line = clean_text(line)
        if line.startswith("-"):
            line = line[1:].strip()
        if line and line not in out:
            out.append(line)
    return out


def _is_upr(cols: ColumnMapping, cells: list[str]) -> bool:
    return bool(
        _UPR.search(cols.get(cells, "recommending_body")) or _UPR.search(cols.get(cells, "type"))
    )


def _text_and_paragraph(raw: str) -> tuple[str, str | None]:
    text = clean_text(raw)
    m = _PARA.match(text)
    if m:
        return text[m.end() :].strip(), m["para"]
    return text, None


def _year(value: str) -> int | None:
    m = re.search(r"\b(19|20)\d{2}\b", value)
    return int(m.group(0)) if m else None


def _countries(cell: str, path: Path, row: int) -> list[str]:
    reg = registry()
    return [reg.resolve(name, path=path, row=row) for name in _items(cell)]


def read_uhri(
    path: str | Path,
    *,
    column_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **_: object,
) -> list[ImportBatch]:
    """The UPR recommendations of a whole UHRI export, one ImportBatch per review."""
    table, cols = _load(path, encoding=encoding, sheet=sheet, limits=limits, column_map=column_map)
    p = table.path
    reg = registry()
    sha = file_sha256(p)
    by_review: dict[tuple[str, int], dict[str, Recommendation]] = {}
    sessions: dict[tuple[str, int], tuple[int | None, int | None, str | None]] = {}
    n_expert = 0
    for row, cells in enumerate(table.rows, start=1):
        if not _is_upr(cols, cells):
            n_expert += 1
            continue
        g = cols.get
        text, paragraph = _text_and_paragraph(g(cells, "text"))
        if not text:
            raise BadRecord("empty Text", path=p, row=row)
        countries = _countries(g(cells, "countries_concerned"), p, row)
        if len(countries) != 1:
            raise BadRecord(
                f"a UPR recommendation needs one country concerned, found {len(countries)}",
                path=p,
                row=row,
            )
        sur = countries[0]
        m = re.search(r"\d+", g(cells, "upr_session"))
        session = int(m.group(0)) if m else None
        year = year_for_session(session) or _year(g(cells, "document_publication_date"))
        if session is None:
            raise BadRecord(
                "no UPR Session number, so the review's cycle is unknown; export the 'UPR "
                "Session' column or map it with column_map",
                path=p,
                row=row,
            )
        cycle = cycle_for_session(session)
        raw_position = g(cells, "upr_position")
        mapped = map_position(raw_position)
        if mapped is None:
            raise BadRecord(f"unknown UPR Position {raw_position.strip()!r}", path=p, row=row)
        position, qualifier, _ = mapped
        listed: list[str] = []
        for name in _items(g(cells, "recommending_states")):
            listed.append(reg.resolve(name, path=p, row=row))
        found, unresolved = split_parts(text, resolve=resolve_state_list)
        if found and (not listed or {s for _, ss in found for s in ss} == set(listed)):
            parts = [Part(w, tuple(s)) for w, s in found]
        elif listed:
            parts = [Part(text, tuple(listed))]
        else:
            raise BadRecord(
                "a UPR row without recommending states (no 'Recommending State' column and "
                "no states in parentheses at the end of the text"
                + (f"; unknown name {unresolved[-1]!r}" if unresolved else "")
                + ")",
                path=p,
                row=row,
            )
        symbol = g(cells, "document_symbol").strip() or None
        key = (sur, cycle)
        sessions.setdefault(key, (session, year, symbol))
        rec = Recommendation(
            id=format_id(sur, cycle, paragraph or f"r{row}"),
            review=Review(sur, cycle),
            paragraph=paragraph,
            text=text,
            parts=parts,
            provenance=Provenance(source=p.name, sha256=sha, row=row, locator=symbol or ""),
            position=position,
            position_qualifier=qualifier,
            position_source=symbol,
            themes=_items(g(cells, "themes")),
            affected_persons=_items(g(cells, "affected_persons")),
            sdgs=_items(g(cells, "sdgs")),
        )
        recs = by_review.setdefault(key, {})
        if rec.id in recs:
            if recs[rec.id].text != text:
                raise BadRecord(
                    f"paragraph {paragraph} appears twice with different texts", path=p, row=row
                )
            continue
        recs[rec.id] = rec
    note = f"{table.format}" + (f", encoding {table.encoding}" if table.encoding else "")
    if cols.unrecognised:
        note += f"; columns not recognised: {', '.join(cols.unrecognised)}"
    if n_expert:
        note += f"; {n_expert} expert (non-UPR) rows left for read_uhri_experts"
    batches = []
    for key in sorted(by_review):
        session, year, symbol = sessions[key]
        review = Review(key[0], key[1], session, year, _report_symbol(symbol))
        recs_list = sorted(by_review[key].values(), key=_order)
        for r in recs_list:
            r.review = review
        title = f"UHRI {reg.name(key[0])} cycle {key[1]}: {len(recs_list)} recommendations ({note})"
        batches.append(
            ImportBatch(KIND, review, recs_list, Provenance(source=p.name, sha256=sha), title)
        )
    return batches


def _report_symbol(symbol: str | None) -> str | None:
    if not symbol:
        return None
    m = re.match(r"A/HRC/\d+/\d+", symbol)
    return m.group(0) if m else symbol


def _order(r: Recommendation) -> tuple[int, ...]:
    if r.paragraph:
        return (0, *(int(x) for x in r.paragraph.split(".")))
    return (1, r.provenance.row or 0)


def read_uhri_experts(
    path: str | Path,
    *,
    column_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **_: object,
) -> list[ExpertRecommendation]:
    """The treaty-body and special-procedure recommendations of a UHRI export."""
    table, cols = _load(path, encoding=encoding, sheet=sheet, limits=limits, column_map=column_map)
    p = table.path
    sha = file_sha256(p)
    out = []
    for row, cells in enumerate(table.rows, start=1):
        if _is_upr(cols, cells):
            continue
        g = cols.get
        text, paragraph = _text_and_paragraph(g(cells, "text"))
        if not text:
            raise BadRecord("empty Text", path=p, row=row)
        countries = _countries(g(cells, "countries_concerned"), p, row) or [None]
        for iso in countries:
            out.append(
                ExpertRecommendation(
                    body=clean_text(g(cells, "recommending_body")).lstrip("- "),
                    symbol=g(cells, "document_symbol").strip(),
                    year=_year(g(cells, "document_publication_date")),
                    paragraph=paragraph or "",
                    topic="; ".join(_items(g(cells, "themes"))),
                    text=text,
                    sur=iso,
                    source=f"UHRI export {p.name}",
                    note="",
                    verbatim=True,
                    provenance=Provenance(source=p.name, sha256=sha, row=row),
                )
            )
    return out
