"""OHCHR "thematic list of recommendations" matrices (DOCX) -> one ImportBatch per review.

A matrix is one Word table: a header row ("Recommendation", "Position", themes...), theme rows
("Theme: A12 Acceptance of international norms" or "Right or area: 2.1. ..."), and one row per
recommendation whose first cell reads "28.12 <text> (States);" with a "Source of position:"
line. The review (State under Review, cycle, session) comes from the page header
("UPR of China (3rd Cycle – 31st session)"); when the header lacks the session, from the
template name OHCHR stores in the document properties ("UPR20 TEMPLATE 2"); the year from the
session (UPR calendar); the Working Group report symbol from the "Source of position" lines.
Options ``sur=``, ``cycle=``, ``session=``, ``year=`` fill what the document does not say.

The states come from the text's trailing parentheses, resolved through the state registry (see
:func:`uprlens.ingest.tables.split_parts`); a paragraph clustering different wordings gets one
Part per wording.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uprlens.errors import BadRecord, UnknownState, UnreadableDocument, UnsupportedSource
from uprlens.ids import format_id
from uprlens.ingest.safety import (
    DEFAULT_LIMITS,
    Limits,
    check_file,
    file_sha256,
    guard_zip,
    parse_xml,
)
from uprlens.ingest.tables import (
    clean_text,
    map_position,
    split_parts,
    year_for_session,
)
from uprlens.lexicons.states import registry
from uprlens.types import ImportBatch, Part, Provenance, Recommendation, Review

__all__ = ["looks_like_matrix", "read_matrix"]

KIND = "ohchr_matrix"

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
}  # fmt: skip
_TITLE = re.compile(
    r"UPR\s+of\s+(?P<sur>.+?)\s*(?:\(|[-–—]\s*)(?P<cycle>\w+)\s+cycle"
    r"(?:\s*[-–—,]\s*(?P<session>\d+)\s*(?:st|nd|rd|th)?\s+session)?",
    re.IGNORECASE,
)
_TEMPLATE_SESSION = re.compile(r"\bUPR\s*(\d{1,2})\b", re.IGNORECASE)
_PARA = re.compile(r"^\s*(?P<para>\d+\.\d+)\.?\s+")
_SYMBOL = re.compile(r"A/HRC/\d+/\d+")
_THEME_ROW = re.compile(r"^\s*(?:Theme|Right or area)\s*:\s*(?P<theme>.+)$", re.IGNORECASE | re.S)
_SDG_THEME_LINE = re.compile(r"^S\d+\s+SDG\b")
_PERSONS_HEAD = re.compile(r"^(?:affected persons|groups of persons)\s*:\s*$", re.IGNORECASE)
_SDGS_HEAD = re.compile(r"^SDGs?\s*:\s*$", re.IGNORECASE)


@dataclass
class _Columns:
    text: int
    position: int
    themes: int | None = None
    states: int | None = None
    sdgs: int | None = None


@dataclass
class _Meta:
    sur_name: str | None = None
    cycle: int | None = None
    session: int | None = None
    notes: list[str] = field(default_factory=list)


def looks_like_matrix(header_cells: list[str]) -> bool:
    low = [c.strip().casefold() for c in header_cells]
    return any(c.startswith("recommendation") for c in low) and any("position" in c for c in low)


def _find_columns(cells: list[str]) -> _Columns | None:
    low = [c.strip().casefold() for c in cells]
    if not looks_like_matrix(cells):
        return None
    cols = _Columns(
        text=next(i for i, c in enumerate(low) if c.startswith("recommendation")),
        position=next(i for i, c in enumerate(low) if "position" in c),
    )
    for i, c in enumerate(low):
        if i in (cols.text, cols.position):
            continue
        if "recommending state" in c:
            cols.states = i
        elif "sdg" in c:
            cols.sdgs = i
        elif "theme" in c or "rights" in c or "persons" in c:
            cols.themes = i
    return cols


def _header_texts(doc: Any) -> list[str]:
    texts: list[str] = []
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.even_page_header):
            if part.is_linked_to_previous and part is not section.header:
                continue
            texts.extend(p.text for p in part.paragraphs)
            for t in part.tables:
                texts.extend(c.text for row in t.rows for c in row.cells)
    texts.extend(p.text for p in doc.paragraphs)
    if doc.core_properties.title:
        texts.append(doc.core_properties.title)
    return [t for t in texts if t.strip()]


def _template_session(path: Path) -> int | None:
    """The session from docProps/app.xml <Template>, e.g. "UPR20 TEMPLATE 2"."""
    with zipfile.ZipFile(path) as zf:
        if "docProps/app.xml" not in zf.namelist():
            return None
        root = parse_xml(zf.read("docProps/app.xml"), path=path, part="docProps/app.xml")
    for el in root.iter():
        if el.tag.endswith("}Template") and el.text:
            m = _TEMPLATE_SESSION.search(el.text)
            if m:
                return int(m.group(1))
    return None


def _metadata(doc: Any, path: Path) -> _Meta:
    meta = _Meta()
    for text in _header_texts(doc):
        m = _TITLE.search(" ".join(text.split()))
        if not m:
            continue
        meta.sur_name = m["sur"].strip()
        meta.cycle = _ORDINALS.get(m["cycle"].casefold())
        if m["session"]:
            meta.session = int(m["session"])
        break
    if meta.sur_name and meta.session is None:
        meta.session = _template_session(path)
        if meta.session is not None:
            meta.notes.append("session from the document template name")
    return meta


def _item(raw: str) -> str:
    # list items stay as printed (OHCHR's "SDG 4  - education" keeps its double space)
    return raw.replace("\u00a0", " ").strip()


def _split_themes(cell: str) -> tuple[list[str], list[str], list[str]]:
    themes: list[str] = []
    persons: list[str] = []
    sdgs: list[str] = []
    target = themes
    for raw in cell.split("\n"):
        line = _item(raw)
        if not line:
            continue
        if _PERSONS_HEAD.match(line):
            target = persons
            continue
        if _SDGS_HEAD.match(line):
            target = sdgs
            continue
        if line.startswith("-"):
            line = line[1:].strip()
        elif _SDG_THEME_LINE.match(line):
            sdgs.append(line)
            continue
        if line:
            target.append(line)
    return themes, persons, sdgs


def _sdg_cell(cell: str) -> list[str]:
    out = []
    for raw in cell.split("\n"):
        line = _item(raw)
        if line.startswith("-"):
            line = line[1:].strip()
        if line and not _SDGS_HEAD.match(line):
            out.append(line)
    return out


def _split_rec_cell(cell: str) -> tuple[str, str | None, str | None]:
    """(text, position source, comment) of a recommendation cell."""
    body: list[str] = []
    source = comment = None
    for raw in cell.split("\n"):
        line = raw.strip()
        low = line.casefold()
        if low.startswith("source of position"):
            source = clean_text(line.split(":", 1)[1]) if ":" in line else ""
        elif low.startswith("comments:") or low.startswith("comment:"):
            comment = clean_text(line.split(":", 1)[1])
        else:
            body.append(raw)
    return clean_text(" ".join(body)), source, comment


def _para_key(paragraph: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", paragraph))


def read_matrix(
    path: str | Path,
    *,
    sur: str | None = None,
    cycle: int | None = None,
    session: int | None = None,
    year: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    **_: object,
) -> list[ImportBatch]:
    """Read a whole OHCHR matrix (DOCX) into one ImportBatch, or raise an IngestError."""
    p = check_file(path, limits=limits)
    names = guard_zip(p, limits=limits)
    if "word/document.xml" not in names:
        raise UnsupportedSource(
            "a zip file but not a Word document (no word/document.xml); an OHCHR matrix is a DOCX",
            path=p,
        )
    import docx  # late: only this importer needs python-docx

    try:
        doc = docx.Document(str(p))
    except Exception as exc:  # python-docx raises assorted types on damaged packages
        raise UnreadableDocument(f"cannot open the Word document ({exc})", path=p) from None

    table = cols = None
    for t in doc.tables:
        if t.rows:
            cols = _find_columns([c.text for c in t.rows[0].cells])
            if cols is not None:
                table = t
                break
    if table is None or cols is None:
        raise UnsupportedSource(
            "a Word document, but not an OHCHR thematic list of recommendations (no table "
            "with 'Recommendation' and 'Position' columns); import Working Group reports with "
            "read_report",
            path=p,
        )

    meta = _metadata(doc, p)
    reg = registry()
    sur_iso = sur.upper() if sur else None
    if sur_iso is None and meta.sur_name:
        sur_iso = reg.resolve(meta.sur_name, path=p)
    cycle = cycle or meta.cycle
    session = session or meta.session
    if sur_iso is None or cycle is None:
        raise BadRecord(
            "the page header does not say which review this is (expected 'UPR of <State> "
            "(<n>th Cycle – <n>th session)'); pass sur= and cycle= (CLI: --sur, --cycle)",
            path=p,
        )
    year = year or year_for_session(session)
    sha = file_sha256(p)

    recs: dict[str, Recommendation] = {}
    symbols: Counter[str] = Counter()
    primary: str | None = None
    n_rows = 0
    for row_no, row in enumerate(table.rows[1:], start=1):
        cells = [c.text for c in row.cells]
        first = cells[cols.text] if cols.text < len(cells) else ""
        m_theme = _THEME_ROW.match(first)
        if m_theme:
            primary = clean_text(m_theme["theme"])
            continue
        m = _PARA.match(first)
        if not m:
            continue  # repeated header rows, blank rows
        n_rows += 1
        paragraph = m["para"]
        text, source, comment = _split_rec_cell(first[m.end() :])
        raw_position = cells[cols.position] if cols.position < len(cells) else ""
        mapped = map_position(raw_position)
        if mapped is None:
            raise BadRecord(
                f"paragraph {paragraph}: unknown position {raw_position.strip()!r} (expected "
                "Supported, Noted or Supported/Noted)",
                path=p,
                row=row_no,
            )
        position, qualifier, _ = mapped
        if source:
            symbols.update(_SYMBOL.findall(source))
        parts = _parts(text, p, row_no, paragraph)
        if cols.states is not None:
            _check_state_column(cells[cols.states], parts, p, row_no, paragraph)
        themes, persons, sdgs = (
            _split_themes(cells[cols.themes]) if cols.themes is not None else ([], [], [])
        )
        if cols.sdgs is not None:
            sdgs = sdgs + _sdg_cell(cells[cols.sdgs])
        labels = {"primary_theme": primary} if primary else {}
        if comment:
            labels["matrix_comment"] = comment
        rec = Recommendation(
            id=format_id(sur_iso, cycle, paragraph),
            review=Review(sur_iso, cycle, session, year),  # wg_report set below
            paragraph=paragraph,
            text=text,
            parts=parts,
            provenance=Provenance(
                source=p.name, sha256=sha, row=row_no, locator=f"table 1, para {paragraph}"
            ),
            position=position,
            position_qualifier=qualifier,
            position_source=source or None,
            themes=themes,
            affected_persons=persons,
            sdgs=sdgs,
            human_labels=labels,
        )
        if paragraph in recs:
            if recs[paragraph].text != text:
                raise BadRecord(
                    f"paragraph {paragraph} appears twice with different texts",
                    path=p,
                    row=row_no,
                )
            continue
        recs[paragraph] = rec
    if not recs:
        raise UnsupportedSource("the matrix table holds no numbered recommendations", path=p)
    wg_report = symbols.most_common(1)[0][0] if symbols else None
    review = Review(sur_iso, cycle, session, year, wg_report)
    ordered = sorted(recs.values(), key=lambda r: _para_key(r.paragraph or ""))
    for r in ordered:
        r.review = review
    counts = Counter(r.position for r in ordered)
    title = (
        f"OHCHR matrix {reg.name(sur_iso)} cycle {cycle}"
        + (f" session {session}" if session else "")
        + f": {len(ordered)} recommendations ("
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: str(kv[0])))
        + ")"
        + (f"; {'; '.join(meta.notes)}" if meta.notes else "")
    )
    return [
        ImportBatch(
            kind=KIND,
            review=review,
            recommendations=ordered,
            source=Provenance(source=p.name, sha256=sha),
            title=title,
        )
    ]


def _parts(text: str, path: Path, row: int, paragraph: str) -> list[Part]:
    found, unresolved = split_parts(text)
    if unresolved:
        raise UnknownState(unresolved[-1], path=path, row=row)
    if not found:
        raise BadRecord(
            f"paragraph {paragraph}: no recommending state in parentheses at the end of the text",
            path=path,
            row=row,
        )
    if len(found) == 1:
        # one wording: the part's text is the whole recommendation without the attribution
        return [Part(found[0][0], tuple(found[0][1]))]
    return [Part(w, tuple(s)) for w, s in found]


def _check_state_column(cell: str, parts: list[Part], path: Path, row: int, para: str) -> None:
    """Matrices with a "Recommending state/s" column must agree with the text's parentheses."""
    reg = registry()
    listed = []
    for name in cell.split("\n"):
        name = name.strip()
        if name:
            listed.append(reg.resolve(name, path=path, row=row))
    in_text = {s for part in parts for s in part.states}
    if listed and set(listed) != in_text:
        raise BadRecord(
            f"paragraph {para}: the states column ({', '.join(listed)}) disagrees with the "
            f"text ({', '.join(sorted(in_text))})",
            path=path,
            row=row,
        )
