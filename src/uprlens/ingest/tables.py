"""What the table importers share: reading CSV/XLSX/JSON rows safely, mapping columns by name,
the UPR calendar, response -> position, and splitting "wording (State, State);" into parts.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from uprlens.errors import BadRecord, IngestError, UnreadableDocument, WrongColumns
from uprlens.ingest.safety import (
    DEFAULT_LIMITS,
    Limits,
    check_file,
    decode_text,
    guard_zip,
    is_zip,
)
from uprlens.lexicons.states import StateRegistry, registry

__all__ = [
    "ColumnMapping",
    "Table",
    "clean_text",
    "cycle_for_session",
    "map_columns",
    "map_position",
    "normalise_header",
    "read_table",
    "resolve_state_list",
    "split_parts",
    "year_for_session",
]


# --- reading tables ------------------------------------------------------------------------


@dataclass
class Table:
    """A table's header and data rows as strings; data row i (0-based) is provenance row i+1."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    encoding: str | None = None  # text files only
    sheet: str | None = None  # XLSX only
    format: str = "csv"


def read_table(
    path: str | Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Read a whole CSV or XLSX file (decided by content) into a Table, or raise."""
    p = check_file(path, limits=limits)
    if is_zip(p):
        return _read_xlsx(p, sheet=sheet, limits=limits)
    text, used = decode_text(p.read_bytes(), path=p, encoding=encoding)
    return _read_csv_text(p, text, used)


def _read_csv_text(path: Path, text: str, encoding: str) -> Table:
    try:
        # strict: an unterminated quote (a file cut mid-field) raises instead of eating the rest.
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise UnreadableDocument(
            f"malformed CSV ({exc}); the file may be truncated or not CSV", path=path
        ) from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise UnreadableDocument("no header row: the file holds only blank lines", path=path)
    header = [h.strip() for h in rows[0]]
    width = len(header)
    data = rows[1:]
    for i, row in enumerate(data, start=1):
        if len(row) != width:
            raise BadRecord(
                f"{len(row)} fields where the header has {width}; the file may be truncated "
                "or a field holds an unquoted comma",
                path=path,
                row=i,
            )
    return Table(path, header, data, encoding=encoding, format="csv")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, *, sheet: str | None, limits: Limits) -> Table:
    names = guard_zip(path, limits=limits)
    if "xl/workbook.xml" not in names:
        raise UnreadableDocument(
            "a zip file but not an Excel workbook (no xl/workbook.xml)", path=path
        )
    import openpyxl  # imported late: the CSV path does not need it

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise UnreadableDocument(f"cannot open the workbook ({exc})", path=path) from None
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise IngestError(
                    f"no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})", path=path
                )
            ws = wb[sheet]
        else:
            ws = wb.worksheets[0]
        rows = [[_cell(v) for v in r] for r in ws.iter_rows(values_only=True)]
        title = ws.title
    finally:
        wb.close()
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise UnreadableDocument(f"sheet {title!r} is empty", path=path)
    header = [h.strip() for h in rows[0]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    data = [(r + [""] * width)[:width] for r in rows[1:]]
    return Table(path, header, data, sheet=title, format="xlsx")


def read_json_table(path: Path, text: str, encoding: str) -> Table:
    """A JSON export: a list of objects (or {"data"/"results"/...: [...]}) as a Table."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableDocument(
            f"malformed JSON at line {exc.lineno} ({exc.msg}); the file may be truncated",
            path=path,
        ) from None
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise UnreadableDocument("JSON object without exactly one list of records", path=path)
        doc = lists[0]
    if not isinstance(doc, list) or not all(isinstance(x, dict) for x in doc):
        raise UnreadableDocument("JSON is not a list of records (objects)", path=path)
    header: list[str] = []
    for rec in doc:
        for k in rec:
            if k not in header:
                header.append(k)
    rows = [[_json_cell(rec.get(k)) for k in header] for rec in doc]
    return Table(path, header, rows, encoding=encoding, format="json")


def _json_cell(value: object) -> str:
    if isinstance(value, list):
        return "\n".join(f"- {_json_cell(v)}" for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _cell(value)


# --- columns -------------------------------------------------------------------------------


def normalise_header(name: str) -> str:
    """Case, spacing and punctuation never distinguish two columns."""
    return re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_")


@dataclass
class ColumnMapping:
    index: dict[str, int]  # canonical name -> column index
    unrecognised: list[str] = field(default_factory=list)  # headers no canonical name claimed

    def get(self, row: list[str], name: str) -> str:
        i = self.index.get(name)
        return row[i] if i is not None and i < len(row) else ""


def map_columns(
    header: list[str],
    *,
    required: Mapping[str, Iterable[str]],
    optional: Mapping[str, Iterable[str]] | None = None,
    column_map: Mapping[str, str] | None = None,
    path: str | Path,
    what: str = "table",
) -> ColumnMapping:
    """Find each canonical column by its name or a synonym (case/space-insensitive).

    ``column_map`` maps a canonical name to the file's header (``{"response": "Position"}``);
    the reverse direction is accepted too when unambiguous.
    """
    optional = optional or {}
    canon = {
        **{k: tuple(v) for k, v in required.items()},
        **{k: tuple(v) for k, v in optional.items()},
    }
    by_norm: dict[str, int] = {}
    for i, h in enumerate(header):
        by_norm.setdefault(normalise_header(h), i)
    index: dict[str, int] = {}
    for key, value in (column_map or {}).items():
        if key not in canon and value in canon:
            key, value = value, key
        if key not in canon:
            raise WrongColumns(
                f"column_map names {key!r}, which is not a column uprlens reads here "
                f"(known: {', '.join(canon)})",
                path=path,
            )
        i = by_norm.get(normalise_header(value))
        if i is None:
            raise WrongColumns(
                f"column_map maps {key!r} to {value!r}, but the {what} has no such column "
                f"(found: {', '.join(header)})",
                path=path,
            )
        index[key] = i
    for name, synonyms in canon.items():
        if name in index:
            continue
        for s in (name, *synonyms):
            i = by_norm.get(normalise_header(s))
            if i is not None and i not in index.values():
                index[name] = i
                break
    missing = [n for n in required if n not in index]
    if missing:
        raise WrongColumns(
            f"missing column(s) {', '.join(repr(m) for m in missing)} "
            f"(found: {', '.join(repr(h) for h in header)}). Export all columns, or map yours "
            f"with column_map={{{', '.join(f'{m!r}: <your column>' for m in missing)}}} "
            "(CLI: --map NAME=COLUMN)",
            path=path,
        )
    used = set(index.values())
    unrecognised = [h for i, h in enumerate(header) if i not in used and h]
    return ColumnMapping(index, unrecognised)


def read_mapped(
    path: str | Path,
    *,
    required: Mapping[str, Iterable[str]],
    optional: Mapping[str, Iterable[str]] | None = None,
    column_map: Mapping[str, str] | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    what: str = "table",
) -> tuple[Table, ColumnMapping]:
    """A whole table with its columns found by name (WrongColumns naming what is missing)."""
    table = read_table(path, encoding=encoding, sheet=sheet, limits=limits)
    cols = map_columns(
        table.header, required=required, optional=optional, column_map=column_map,
        path=table.path, what=what,
    )
    return table, cols


def default_sur(
    sur: str | None, table: Table, cols: ColumnMapping, *, who: str = "State under Review"
) -> str | None:
    """The ISO3 of ``sur`` (the caller's option) when the file has no ``sur`` column.

    Raises WrongColumns when neither says which state the rows concern."""
    if sur is None and "sur" not in cols.index:
        raise WrongColumns(
            f"the {who} is not in the file: pass sur=<ISO3 or name> (CLI: --sur CHN) "
            f"or add a 'sur' column (found: {', '.join(table.header)})",
            path=table.path,
        )
    return registry().resolve(sur, path=table.path) if sur else None


def clean_text(text: str) -> str:
    """Entities and odd spaces out, runs of whitespace collapsed: the text as a reader sees it."""
    text = html.unescape(text.replace("&nbsp;", " "))
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", text).strip()


# --- UPR calendar --------------------------------------------------------------------------

# Year of each UPR Working Group session (OHCHR calendar; session 36 was postponed to
# November 2020 by the pandemic). Used only when a source gives the session but not the year.
_SESSION_YEAR = {
    **dict.fromkeys(range(1, 4), 2008),
    **dict.fromkeys(range(4, 7), 2009),
    **dict.fromkeys(range(7, 10), 2010),
    **dict.fromkeys(range(10, 13), 2011),
    **dict.fromkeys(range(13, 15), 2012),
    **dict.fromkeys(range(15, 18), 2013),
    **dict.fromkeys(range(18, 21), 2014),
    **dict.fromkeys(range(21, 24), 2015),
    **dict.fromkeys(range(24, 27), 2016),
    **dict.fromkeys(range(27, 29), 2017),
    **dict.fromkeys(range(29, 32), 2018),
    **dict.fromkeys(range(32, 35), 2019),
    **dict.fromkeys(range(35, 37), 2020),
    **dict.fromkeys(range(37, 40), 2021),
    **dict.fromkeys(range(40, 42), 2022),
    **dict.fromkeys(range(42, 45), 2023),
    **dict.fromkeys(range(45, 48), 2024),
    **dict.fromkeys(range(48, 51), 2025),
}


def cycle_for_session(session: int) -> int:
    """UPR cycle of a Working Group session: 1-12 -> 1, 13-26 -> 2, 27-40 -> 3, 41+ -> 4."""
    if session < 1:
        raise ValueError(f"not a UPR session number: {session}")
    if session <= 12:
        return 1
    if session <= 26:
        return 2
    if session <= 40:
        return 3
    return 4


def year_for_session(session: int | None) -> int | None:
    return _SESSION_YEAR.get(session) if session is not None else None


# --- positions -----------------------------------------------------------------------------

_POSITION_PREFIXES: list[tuple[str, str]] = [
    # order matters: the longer, negated and partial forms before the plain words
    ("supported/noted", "supported_in_part"),
    ("accepted/noted", "supported_in_part"),
    ("partially", "supported_in_part"),
    ("partly", "supported_in_part"),
    ("supported in part", "supported_in_part"),
    ("accepted in part", "supported_in_part"),
    ("not supported", "noted"),
    ("not accepted", "noted"),
    ("does not accept", "noted"),
    ("did not accept", "noted"),
    ("rejected", "noted"),
    ("not in line with", "noted"),
    ("noted", "noted"),
    ("supported", "supported"),
    ("accepted", "supported"),
    ("already implemented", "supported"),
    ("being implemented", "supported"),
    ("pending", "pending"),
]

_SOURCE_IN_PARENS = re.compile(r"\((A/HRC/[^)]*)\)")


@lru_cache(maxsize=1024)
def map_position(raw: str) -> tuple[str | None, str | None, str | None] | None:
    """(position, verbatim qualifier, source symbol) for a response; None when not recognised.

    An empty response gives (None, None, None): the position is unknown, not an error.
    """
    verbatim = " ".join(raw.split())
    if not verbatim:
        return None, None, None
    low = verbatim.casefold()
    for prefix, position in _POSITION_PREFIXES:
        if low.startswith(prefix):
            m = _SOURCE_IN_PARENS.search(verbatim)
            return position, verbatim, (m.group(1).strip() if m else None)
    return None


# --- states inside text --------------------------------------------------------------------

_BARE_CODE = re.compile(r"^[A-Z]{2,3}$")


def _lookup(name: str, reg: StateRegistry) -> str | None:
    name = name.strip()
    # An acronym in parentheses ("(CAT)", "(PER)") is far more often a treaty than an ISO code.
    if not name or _BARE_CODE.match(name):
        return None
    return reg.lookup(name)


def _split_top(content: str, seps: str) -> list[str]:
    out, depth, cur = [], 0, []
    for ch in content:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return [t.strip() for t in out if t.strip()]


def resolve_state_list(content: str, reg: StateRegistry | None = None) -> list[str] | None:
    """ISO3 codes for "France, Bosnia and Herzegovina" style lists; None unless all resolve."""
    reg = reg or registry()
    tokens = _split_top(content, ",;")
    if not tokens:
        return None
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for j in range(len(tokens), i, -1):
            # longest first: "Korea, Republic of" and "Venezuela, Bolivarian Republic of"
            iso = _lookup(", ".join(tokens[i:j]), reg)
            if iso:
                out.append(iso)
                i = j
                break
        else:
            pieces = re.split(r"\s+and\s+", tokens[i])
            isos = [_lookup(p, reg) for p in pieces]
            if len(pieces) < 2 or not all(isos):
                return None
            out.extend(iso for iso in isos if iso)
            i += 1
    return out


@dataclass(frozen=True)
class _Group:
    start: int
    end: int  # exclusive, after ")"
    content: str


def _paren_groups(text: str) -> list[_Group]:
    groups, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append(_Group(start, i + 1, text[start + 1 : i]))
    return groups


_GAP = re.compile(r"^[\s;.,/]*$")


def split_parts(
    text: str,
    *,
    resolve: Callable[[str], list[str] | None] | None = None,
) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """Split "wording (A); wording (B, C);" into [(wording, [ISO3...]), ...].

    A parenthesised group counts as an attribution only when every name in it is a state AND it
    closes a wording: it is followed by the end of the text, one of ";.,/", or another
    attribution. So "(2016-2020)", "(ICRMW)", "(No. 29)" stay text, and so does a state named
    mid-sentence. Consecutive attributions ("(France) (Lithuania)", "(Chile); (Estonia);") share
    the wording before them. Returns the parts and the unresolved content of a final group that
    looks like an attribution (so a caller can raise UnknownState on it).
    """
    resolve = resolve or resolve_state_list
    groups = [(g, resolve(g.content)) for g in _paren_groups(text)]
    attributions: list[tuple[_Group, list[str]]] = []
    for k, (g, isos) in enumerate(groups):
        if isos is None:
            continue
        rest = text[g.end :]
        follows_attr = False
        if k + 1 < len(groups):
            nxt, nxt_isos = groups[k + 1]
            follows_attr = nxt_isos is not None and _GAP.match(text[g.end : nxt.start]) is not None
        if not rest.strip() or rest.lstrip()[:1] in (";", ".", ",", "/") or follows_attr:
            attributions.append((g, isos))
    unresolved: list[str] = []
    if groups:
        last, last_isos = groups[-1]
        if last_isos is None and _GAP.match(text[last.end :]):
            unresolved.append(last.content)
    parts: list[tuple[str, list[str]]] = []
    cursor = 0
    prev_end = -1
    for g, isos in attributions:
        if prev_end >= 0 and _GAP.match(text[prev_end : g.start]) and parts:
            wording, states = parts[-1]
            parts[-1] = (wording, states + [s for s in isos if s not in states])
        else:
            wording = text[cursor : g.start].strip(" \t\n;,./")
            if not wording and parts:
                w, states = parts[-1]
                parts[-1] = (w, states + [s for s in isos if s not in states])
            else:
                parts.append((wording, list(dict.fromkeys(isos))))
        cursor = prev_end = g.end
    return parts, unresolved
