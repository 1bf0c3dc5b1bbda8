"""The State under review's responses: the addendum to the Working Group report (Add.1).

An addendum (A/HRC/25/5/Add.1) states the SuR's position on each recommendation in one of two
usual forms, often both in one document:

- lists: a paragraph or heading with a position ("X supports the following
  recommendations:", "Noted:", "does not accept ...") followed by paragraph numbers
  ("186.1, 186.3-186.10 and 186.12");
- tables: one row per recommendation, "186.1 | Supported | comment", in which the position
  cell may qualify the position ("Supported, already implemented", "Partially supported").

Each response keeps the position (one of :data:`uprlens.types.POSITIONS`), the qualifier in
the SuR's own words, the comment, and where it was stated (``A/HRC/25/5/Add.1 para 5`` or
``... table row 12``). :meth:`Responses.apply` sets them on stored recommendations. Nothing
here touches the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from uprlens.errors import BadRecord, UnsupportedSource
from uprlens.types import Recommendation

__all__ = ["Response", "Responses", "parse_responses_text", "read_responses"]


@dataclass(frozen=True)
class Response:
    """The SuR's answer to one recommendation paragraph."""

    paragraph: str
    position: str  # supported | noted | supported_in_part | pending
    qualifier: str | None = None  # verbatim: "already implemented", "Partially supported"
    comment: str | None = None
    source: str = ""  # "A/HRC/25/5/Add.1 para 5", "A/HRC/25/5/Add.1 table row 3"

    @property
    def stated(self) -> str | None:
        """What a record keeps as its position qualifier: the qualifier and the comment."""
        if self.comment:
            return f"{self.qualifier} - {self.comment}" if self.qualifier else self.comment
        return self.qualifier


@dataclass
class Responses:
    """All responses of one addendum, keyed by the paragraph number they answer."""

    source: str
    symbol: str | None = None  # A/HRC/25/5/Add.1
    report_symbol: str | None = None  # A/HRC/25/5
    by_paragraph: dict[str, Response] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.by_paragraph)

    def get(self, paragraph: str) -> Response | None:
        return self.by_paragraph.get(paragraph)

    def apply(self, recommendations: Iterable[Recommendation]) -> list[str]:
        """Set position, qualifier and source on the recommendations answered here.

        Returns the answered paragraph numbers that match no recommendation, so the caller
        can report them instead of dropping them silently.
        """
        seen: set[str] = set()
        for rec in recommendations:
            if rec.paragraph is None:
                continue
            r = self.by_paragraph.get(rec.paragraph)
            if r is None:
                continue
            seen.add(rec.paragraph)
            rec.position = r.position
            rec.position_qualifier = r.stated
            rec.position_source = r.source
        return [p for p in self.by_paragraph if p not in seen]


_WS = re.compile(r"\s+")
# A/HRC/25/5/Add.1: session, report number, addendum number.
ADDENDUM_SYMBOL = re.compile(r"A\s*/\s*HRC\s*/\s*(\d{1,2})\s*/\s*(\d{1,3})\s*/\s*Add\s*\.\s*(\d)")
_NUM = r"\d{1,3}\s?\.\s?\d{1,3}"
_RANGE = re.compile(rf"({_NUM})(?:\s*(?:to|-|–|—)\s*({_NUM}))?")

# Most specific first: "not supported" before "supported", "partially" before both.
_POSITIONS: list[tuple[str, re.Pattern[str]]] = [
    (
        "supported_in_part",
        re.compile(
            r"\b(partially|partly|in part)\s+(supported|accepted)|\bsupported\s+in\s+part|"
            r"\bsupports?\s+(partially|in\s+part)|\baccepts?\s+(partially|in\s+part)|"
            r"\bsupported\s*/\s*noted",
            re.I,
        ),
    ),
    (
        "noted",
        re.compile(
            r"\bnot\s+(supported|accepted)|\bdoes\s+not\s+(support|accept)|\bnoted\b|"
            r"\brejected?\b|\bcannot\s+(support|accept)|\bdid\s+not\s+enjoy|\btakes?\s+note\b|"
            r"\bnot\s+in\s+line\s+with",
            re.I,
        ),
    ),
    ("pending", re.compile(r"\bpending\b|\bunder\s+consideration\b|\bwill\s+examine\b", re.I)),
    (
        "supported",
        re.compile(
            r"\bsupported\b|\bsupports?\b|\baccepted\b|\baccepts?\b|\benjoys?\s+the\s+support|"
            r"\bagreed?\b|\balready\s+implemented|\bbeing\s+implemented",
            re.I,
        ),
    ),
]
_QUALIFIER = re.compile(
    r"already\s+(been\s+)?implemented|being\s+implemented|in\s+the\s+process\s+of\s+"
    r"(being\s+)?implement\w*|partially\s+(supported|accepted|implemented)|"
    r"supported\s+in\s+part|not\s+in\s+line\s+with\s+(the\s+)?facts|rejected|does\s+not\s+accept",
    re.I,
)


def _position(text: str) -> tuple[str | None, re.Match[str] | None]:
    """The first position stated in the text; at the same place the more specific wins."""
    hits = []
    for priority, (name, pattern) in enumerate(_POSITIONS):
        m = pattern.search(text)
        if m:
            hits.append((m.start(), priority, name, m))
    if not hits:
        return None, None
    _, _, name, m = min(hits, key=lambda h: (h[0], h[1]))
    return name, m


def _numbers(text: str) -> list[str]:
    out: list[str] = []
    for m in _RANGE.finditer(text):
        a = re.sub(r"\s", "", m.group(1))
        out_a = a
        if m.group(2):
            b = re.sub(r"\s", "", m.group(2))
            ta, _, na = a.partition(".")
            tb, _, nb = b.partition(".")
            if ta == tb and int(nb) >= int(na) and int(nb) - int(na) < 500:
                out.extend(f"{ta}.{k}" for k in range(int(na), int(nb) + 1))
                continue
            out.extend([out_a, b])
            continue
        out.append(out_a)
    return out


def parse_responses_text(lines_or_pages: Sequence[str], *, source: str) -> Responses:
    """Responses stated in the text of an addendum (page texts or lines)."""
    text = "\n".join(lines_or_pages)
    flat = _WS.sub(" ", text)
    res = Responses(source=source)
    m = ADDENDUM_SYMBOL.search(flat)
    if m:
        res.symbol = f"A/HRC/{m.group(1)}/{m.group(2)}/Add.{m.group(3)}"
        res.report_symbol = f"A/HRC/{m.group(1)}/{m.group(2)}"
    where = res.symbol or source
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln]

    # Tables: a row opens with the recommendation number and states a position in its cells.
    rows: list[tuple[str, list[str], int]] = []
    for i, ln in enumerate(lines):
        m = re.match(rf"^(?:Recommendation\s+)?({_NUM})\.?(?=\s|\||\t|$)\s*[|\t]?\s*(.*)$", ln)
        if m:
            rows.append((re.sub(r"\s", "", m.group(1)), [m.group(2)], i))
        elif rows and i == rows[-1][2] + len(rows[-1][1]) and not re.match(r"^\d{1,3}\.\s", ln):
            rows[-1][1].append(ln)
    for n, (para, cells, _i) in enumerate(rows, start=1):
        body = " ".join(c for c in cells if c).strip(" |\t")
        if len(_numbers(body[:40])) > 1:
            continue  # a list that begins with a number, not a row
        # The recommendation's own text may come first; the position cell is the first
        # cell that starts with a position word, else the first position word at all.
        cell_texts = [c.strip() for c in re.split(r"\s*\|\s*|\t+", body) if c.strip()]
        position, qualifier, rest = None, None, ""
        for k, cell in enumerate(cell_texts):
            pos, pm = _position(cell)
            if pos and pm and pm.start() <= 3:
                position = pos
                # The position cell verbatim, unless it says no more than the position.
                plain = cell.strip(" .").casefold() in _PLAIN
                qualifier = None if plain else cell.strip(" .")
                rest = " | ".join(cell_texts[k + 1 :])
                break
        if position is None:
            pos, pm = _position(body)
            if pos is None or pm is None:
                continue
            position, qualifier, rest = pos, _qualifier(body, pm), body[pm.end() :]
        comment = rest.strip(" :;,.-–|") or None
        _add(res, Response(para, position, qualifier, comment, f"{where} table row {n}"))

    # Lists: a paragraph with a position followed by the numbers it covers.
    for number, block in _paragraphs(lines):
        if re.match(rf"^{_NUM}\b", block):
            continue  # a table row, handled above
        nums = _numbers(block)
        if not nums:
            continue
        first = re.search(_NUM, block)
        head = block[: first.start()] if first else block
        position, qm = _position(head)
        if position is None:
            # "X considers that recommendations 186.7 and 186.8 are already implemented."
            head = block
            position, qm = _position(block)
        if position is None:
            continue
        qualifier = _qualifier(head, qm)
        loc = f"{where} para {number}" if number else where
        for para in nums:
            if para in res.by_paragraph and res.by_paragraph[para].source.startswith(
                f"{where} table"
            ):
                continue
            _add(res, Response(para, position, qualifier, None, loc))
    if not res.by_paragraph:
        raise BadRecord(
            "no response found: expected recommendation numbers (e.g. 186.1) listed under "
            "a position (supported / noted) or a table of number, position and comment",
            path=source,
        )
    return res


_PLAIN = {
    "supported",
    "supports",
    "support",
    "accepted",
    "accepts",
    "accept",
    "noted",
    "agreed",
    "agree",
    "takes note",
    "take note",
    "enjoys the support",
    "enjoy the support",
}


def _qualifier(text: str, pm: re.Match[str] | None) -> str | None:
    """The SuR's own words when they say more than the bare position."""
    q = _QUALIFIER.search(text)
    if q:
        return q.group(0)
    if pm is not None and _WS.sub(" ", pm.group(0)).casefold() not in _PLAIN:
        return pm.group(0)
    return None


def _paragraphs(lines: list[str]) -> list[tuple[str | None, str]]:
    """(number, text) of numbered paragraphs and of headed blocks."""
    out: list[tuple[str | None, list[str]]] = []
    for ln in lines:
        m = re.match(r"^(\d{1,3})\.\s+(.*)$", ln)
        if m and not re.match(rf"^{_NUM}", ln):
            out.append((m.group(1), [m.group(2)]))
        elif re.match(r"^[A-Z][A-Za-z ,/()-]{2,60}:?$", ln) and _position(ln)[0]:
            out.append((None, [ln]))  # a heading: "Supported recommendations"
        elif out:
            out[-1][1].append(ln)
        else:
            out.append((None, [ln]))
    return [(n, _WS.sub(" ", " ".join(b))) for n, b in out]


def _add(res: Responses, r: Response) -> None:
    old = res.by_paragraph.get(r.paragraph)
    if old is not None and old.position != r.position:
        res.conflicts.append(
            f"{r.paragraph}: {old.position} ({old.source}) and {r.position} ({r.source})"
        )
        if old.position != "supported_in_part" and {old.position, r.position} == {
            "supported",
            "noted",
        }:
            # Supported in one place and noted in another: the SuR supports it in part.
            r = Response(r.paragraph, "supported_in_part", r.qualifier, r.comment, r.source)
    res.by_paragraph[r.paragraph] = r


def read_responses(path: str | Path, *, symbol: str | None = None) -> Responses:
    """Responses of an addendum file (PDF, DOCX, HTML, TXT)."""
    from uprlens.ingest.pdf import document_pages

    p = Path(path)
    pages = document_pages(p)
    lines = _docx_lines(p) if p.suffix.lower() == ".docx" else list(pages)
    head = _WS.sub(" ", "\n".join(list(pages)[:2])).casefold()
    if "universal periodic review" not in head and "recommendation" not in head:
        raise UnsupportedSource(
            'not a UPR addendum (no "Universal Periodic Review" or "recommendation" on '
            "its first pages); give the A/HRC/xx/yy/Add.1 document",
            path=p,
            page=1,
        )
    res = parse_responses_text(lines, source=str(p))
    if symbol:
        res.symbol = symbol
    return res


def _docx_lines(path: Path) -> list[str]:
    """Body paragraphs, then table rows as "cell | cell | cell" lines (cells kept together).

    document_pages() has already checked the zip (size, ratio, DTDs) before python-docx opens it.
    """
    import docx

    doc = docx.Document(str(path))
    out: list[str] = [para.text for para in doc.paragraphs if para.text.strip()]
    for table in doc.tables:
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                t = _WS.sub(" ", cell.text).strip()
                if t and (not cells or cells[-1] != t):  # merged cells repeat
                    cells.append(t)
            if cells:
                out.append(" | ".join(cells))
    return out
