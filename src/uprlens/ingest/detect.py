"""Which importer reads a file, decided by its content (never its name or extension).

PDF: magic bytes, then the first pages tell an addendum (A/HRC/xx/yy/Add.1, "Views on
conclusions and/or recommendations") from a Working Group report. DOCX/XLSX: zip containers,
checked by :func:`~uprlens.ingest.safety.guard_zip` and told apart by their parts; a DOCX is an
OHCHR matrix when it holds a matrix table, else a report or an addendum by its text. CSV: the
header row. JSON: the record keys. HTML/TXT: the words a report or an addendum opens with.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path

from uprlens.errors import UnsupportedSource, UprlensError
from uprlens.ingest.responses import ADDENDUM_SYMBOL
from uprlens.ingest.safety import DEFAULT_LIMITS, Limits, check_file, decode_text, guard_zip
from uprlens.ingest.tables import map_columns, read_table
from uprlens.types import ImportBatch

__all__ = ["KINDS", "read_any", "sniff"]

# sniff() names -> what reads them
KINDS = {
    "ohchr_matrix": "uprlens.ingest.matrices.read_matrix",
    "upr_info": "uprlens.ingest.upr_info.read_upr_info",
    "uhri": "uprlens.ingest.uhri.read_uhri",
    "uprlens_csv": "uprlens.ingest.plain_csv.read_plain_csv",
    "expert_csv": "uprlens.ingest.experts.read_expert_csv",
    "wg_report": "uprlens.ingest.report.read_report",
    "wg_responses": "uprlens.ingest.responses.read_responses",
}

_WG_REPORT = re.compile(
    r"Report\s+of\s+the\s+Working\s+Group\s+on\s+the\s+Universal\s+Periodic\s+Review",
    re.IGNORECASE,
)
# The addendum (A/HRC/25/5/Add.1) carries the report's title too; its symbol and heading tell
# it apart: "Views on conclusions and/or recommendations, voluntary commitments and replies
# presented by the State under review".
_ADDENDUM_HEAD = re.compile(
    r"Addendum|Views\s+on\s+conclusions|replies\s+presented\s+by\s+the\s+State", re.I
)


def _is_addendum(text: str) -> bool:
    head = text[:6000]
    return bool(ADDENDUM_SYMBOL.search(head) and _ADDENDUM_HEAD.search(head))


def _document_kind(path: Path) -> str | None:
    """wg_responses or wg_report from a document's first pages, None when it is neither."""
    from uprlens.ingest.pdf import document_pages

    # The cover alone: it carries the symbol and the title, and every page read here is read
    # again by the reader (PDF text is the slow part of an import).
    pages = document_pages(path)
    head = pages[0] if len(pages) else ""
    if _is_addendum(head):
        return "wg_responses"
    return "wg_report" if _WG_REPORT.search(head) else None


def _header_kind(
    header: list[str], column_map: Mapping[str, str] | None = None, path: str | Path = "-"
) -> str | None:
    """The kind whose columns the header has; WrongColumns when it nearly matches one."""
    from uprlens.ingest import experts, plain_csv, uhri, upr_info
    from uprlens.ingest.tables import normalise_header

    kinds = (
        ("upr_info", upr_info),
        ("uhri", uhri),
        ("uprlens_csv", plain_csv),
        ("expert_csv", experts),
    )
    for kind, module in kinds:
        for cmap in ((column_map, None) if column_map else (None,)):
            try:
                map_columns(
                    header, required=module.REQUIRED, optional=module.OPTIONAL,
                    column_map=cmap, path=path,
                )
            except Exception:
                continue
            return kind
    # No kind matches whole. A header that has most of one kind's columns is that kind with
    # a column missing or renamed: say which, rather than "unknown format".
    names = {normalise_header(h) for h in header}
    best: tuple[float, str, object] | None = None
    for kind, module in kinds:
        req = module.REQUIRED
        found = sum(
            any(normalise_header(s) in names for s in (k, *syn)) for k, syn in req.items()
        )
        share = found / len(req)
        if best is None or share > best[0]:
            best = (share, kind, module)
    if best is not None and best[0] >= 0.6:
        module = best[2]
        map_columns(
            header, required=module.REQUIRED, optional=module.OPTIONAL,  # type: ignore[attr-defined]
            column_map=column_map, path=path, what=f"{best[1].replace('_', ' ')} table",
        )
    return None


def sniff(
    path: str | Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    column_map: Mapping[str, str] | None = None,
) -> str:
    """The kind of a file (a key of KINDS), or UnsupportedSource saying what it seems to be."""
    p = check_file(path, limits=limits)
    with p.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF-"):
        # Only an addendum is told apart here; anything else goes to the report reader,
        # whose messages say what is wrong with a PDF (no text layer, not a report, ...).
        try:
            kind = _document_kind(p)
        except UprlensError:
            kind = None
        return kind or "wg_report"
    if head.startswith(b"PK"):
        names = guard_zip(p, limits=limits)
        if "word/document.xml" in names:
            return _docx_kind(p)
        if "xl/workbook.xml" in names:
            table = read_table(p, limits=limits)
            kind = _header_kind(table.header, column_map, p)
            if kind is None:
                raise UnsupportedSource(
                    "an Excel workbook whose first sheet has none of the column sets uprlens "
                    f"reads (UPR Info, UHRI, uprlens CSV); found: {', '.join(table.header)}",
                    path=p,
                )
            return kind
        raise UnsupportedSource(
            "a zip archive that is neither a Word (DOCX) nor an Excel (XLSX) file", path=p
        )
    text, _ = decode_text(p.read_bytes(), path=p)
    stripped = text.lstrip()
    if _is_addendum(text):
        return "wg_responses"
    if _WG_REPORT.search(text[:20000]):
        return "wg_report"
    if stripped[:1] in ("[", "{"):
        return _json_kind(p, text)
    if stripped[:1] == "<":
        raise UnsupportedSource(
            "an HTML/XML file that is not a Working Group report (no 'Report of the Working "
            "Group on the Universal Periodic Review')",
            path=p,
        )
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        header = []
    kind = (
        _header_kind([h.strip() for h in header], column_map, p) if len(header) > 1 else None
    )
    if kind is None:
        raise UnsupportedSource(
            "not a format uprlens reads: not a PDF, DOCX matrix, XLSX, JSON, Working Group "
            "report, nor a CSV with UPR Info, UHRI or uprlens columns"
            + (f" (header: {', '.join(header[:12])})" if len(header) > 1 else ""),
            path=p,
        )
    return kind


def _docx_kind(path: Path) -> str:
    import docx

    from uprlens.ingest.matrices import looks_like_matrix

    try:
        doc = docx.Document(str(path))
    except Exception as exc:
        raise UnsupportedSource(f"a damaged Word document ({exc})", path=path) from None
    for table in doc.tables:
        if table.rows and looks_like_matrix([c.text for c in table.rows[0].cells]):
            return "ohchr_matrix"
    try:
        kind = _document_kind(path)
    except UprlensError:
        kind = None  # too little text to be a report: say what it is not, below
    if kind is not None:
        return kind
    raise UnsupportedSource(
        "a Word document, but not an OHCHR thematic list of recommendations (no table with "
        "'Recommendation' and 'Position' columns), nor a Working Group report or its addendum",
        path=path,
    )


def _json_kind(path: Path, text: str) -> str:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnsupportedSource(
            f"malformed JSON ({exc.msg}, line {exc.lineno})", path=path
        ) from None
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        doc = lists[0] if len(lists) == 1 else doc
    if isinstance(doc, list) and doc and isinstance(doc[0], dict):
        kind = _header_kind(list(doc[0]))
        if kind == "uhri":
            return kind
    raise UnsupportedSource(
        "JSON, but not a UHRI export (no Text/Countries Concerned/...)", path=path
    )


def read_any(path: str | Path, **options: object) -> list[ImportBatch]:
    """Detect the kind of a file by content and read it whole with the matching importer."""
    kind = sniff(
        path, **{k: v for k, v in options.items() if k in ("limits", "column_map")}  # type: ignore[arg-type]
    )
    return read_kind(kind, path, **options)


def read_kind(kind: str, path: str | Path, **options: object) -> list[ImportBatch]:
    """Read a file whose kind :func:`sniff` already found (so it is not sniffed twice)."""
    if kind == "ohchr_matrix":
        from uprlens.ingest.matrices import read_matrix

        return read_matrix(path, **options)  # type: ignore[arg-type]
    if kind == "upr_info":
        from uprlens.ingest.upr_info import read_upr_info

        return read_upr_info(path, **options)  # type: ignore[arg-type]
    if kind == "uhri":
        from uprlens.ingest.uhri import read_uhri

        return read_uhri(path, **options)  # type: ignore[arg-type]
    if kind == "uprlens_csv":
        from uprlens.ingest.plain_csv import read_plain_csv

        return read_plain_csv(path, **options)  # type: ignore[arg-type]
    if kind == "expert_csv":
        raise UnsupportedSource(
            "a catalogue of UN expert recommendations, not UPR records; read it with "
            "uprlens.ingest.read_expert_csv",
            path=path,
        )
    if kind == "wg_responses":
        raise UnsupportedSource(
            "the State under review's responses (an addendum), not recommendations: they "
            "set positions on a stored report; read them with uprlens.ingest.read_responses "
            "and Store.apply_responses, or `uprlens ingest`",
            path=path,
        )
    try:
        from uprlens.ingest.report import read_report
    except ImportError as exc:
        if exc.name not in ("uprlens.ingest.report", None) and not str(exc.name).startswith(
            "uprlens.ingest.report"
        ):
            raise
        raise UnsupportedSource(
            "a Working Group report (PDF/HTML/TXT), but the report reader "
            "(uprlens.ingest.report) is not available in this installation",
            path=path,
        ) from None
    return read_report(Path(path))
