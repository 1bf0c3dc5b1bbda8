"""Page texts of an official document: PDF, DOCX, HTML or plain text.

PDF text comes from pypdf. Measured on the 243 Working Group reports of ``../shared/data``
(see ``scripts/bench_reports.py``): pypdf keeps paragraph numbers and their text in reading
order; pdfplumber interleaves the two columns of some cover pages and is about 20 times slower.
pypdf is still pure Python (~20-30 pages/s on one core), so :class:`PdfPages` extracts a page
only when it is first asked for: the report parser needs the cover, the first paragraphs and
the conclusions, not the whole dialogue.

Formats without pages give one "page" per explicit page break (DOCX ``w:br type=page`` and
Word's rendered page breaks, form feeds in text) so a reported page is still a place to look.
"""

from __future__ import annotations

import html
import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import overload

from uprlens.errors import UnreadableDocument, UnsupportedSource
from uprlens.ingest.safety import check_file, decode_text, guard_zip, parse_xml

__all__ = ["DOCUMENT_SUFFIXES", "PdfPages", "document_pages"]

DOCUMENT_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt")

# A page with fewer characters than this is treated as having no text layer (scans often
# carry a stray page number or a few OCR-less glyphs).
_MIN_TEXT_CHARS = 40


class PdfPages(Sequence[str]):
    """The text of each page of a PDF, extracted on first access and then kept."""

    def __init__(self, path: str | Path) -> None:
        import pypdf
        from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

        self.path = check_file(path)
        with self.path.open("rb") as fh:
            head = fh.read(1024)
        if b"%PDF-" not in head:
            raise UnsupportedSource(
                "not a PDF (no %PDF- header); give a PDF, DOCX, HTML or TXT report", path=path
            )
        self._errors: tuple[type[BaseException], ...] = (
            PdfReadError,
            PdfStreamError,
            FileNotDecryptedError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            IndexError,
            AssertionError,
            RecursionError,
            OSError,
            ZeroDivisionError,
        )
        # pypdf logs recoverable damage ("Duplicate %%EOF") as warnings; those files read fine.
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        try:
            reader = pypdf.PdfReader(str(self.path), strict=False)
            if reader.is_encrypted:
                # Many UN PDFs are "encrypted" with an empty user password only to forbid
                # editing; those open. A real password cannot be guessed.
                try:
                    ok = reader.decrypt("")
                except self._errors:
                    ok = 0
                if not ok:
                    raise UnreadableDocument(
                        "the PDF is encrypted with a password; save an unprotected copy "
                        "(e.g. print to PDF) and try again",
                        path=path,
                    )
            n = len(reader.pages)
        except UnreadableDocument:
            raise
        except self._errors as exc:
            raise UnreadableDocument(
                f"the PDF is corrupt or truncated ({type(exc).__name__}: {exc}); "
                "download it again from the UN Official Document System",
                path=path,
            ) from None
        if n == 0:
            raise UnreadableDocument(
                "the PDF has no pages (truncated download?); download it again", path=path
            )
        self._reader = reader
        self._texts: list[str | None] = [None] * n

    def __len__(self) -> int:
        return len(self._texts)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        text = self._texts[index]
        if text is None:
            text = self._extract(index)
            self._texts[index] = text
        return text

    def __iter__(self) -> Iterator[str]:
        for i in range(len(self)):
            yield self[i]

    @property
    def extracted(self) -> int:
        """How many pages have been extracted so far (for benchmarks)."""
        return sum(t is not None for t in self._texts)

    def _extract(self, index: int) -> str:
        try:
            return self._reader.pages[index].extract_text() or ""
        except self._errors as exc:
            raise UnreadableDocument(
                f"page cannot be read ({type(exc).__name__}: {exc}); the PDF is damaged or "
                "truncated; download it again",
                path=self.path,
                page=index + 1,
            ) from None

    def check_text_layer(self, sample: int = 3) -> None:
        """Raise when the first pages carry no text: a scan without OCR."""
        chars = sum(len(self[i].strip()) for i in range(min(sample, len(self))))
        if chars < _MIN_TEXT_CHARS * min(sample, len(self)):
            raise UnreadableDocument(
                "the PDF has no text layer (a scanned image?); run OCR on it first "
                "(e.g. `ocrmypdf in.pdf out.pdf`) or use the DOCX/HTML version from the UN "
                "Official Document System",
                path=self.path,
                page=1,
            )


def document_pages(path: str | Path) -> Sequence[str]:
    """Page texts of a PDF, DOCX, HTML or TXT file, told apart by content, not by name."""
    p = check_file(path)
    with p.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" in head:
        pages = PdfPages(p)
        pages.check_text_layer()
        return pages
    if head.startswith(b"PK\x03\x04"):
        return _docx_pages(p)
    if b"\x00" in head:
        raise UnsupportedSource(
            f"a binary file that is not a PDF or DOCX; give a report as "
            f"{', '.join(DOCUMENT_SUFFIXES)}",
            path=p,
        )
    text, _ = decode_text(p.read_bytes(), path=p)
    if p.suffix.lower() in (".html", ".htm") or re.match(
        r"\s*(<!doctype html|<html|<\?xml[^>]*>\s*<html)", text[:512], re.I
    ):
        return _nonempty([_html_text(text)], p)
    return _nonempty(text.split("\f"), p)


def _nonempty(pages: list[str], path: Path) -> list[str]:
    if sum(len(t.strip()) for t in pages) < _MIN_TEXT_CHARS:
        raise UnreadableDocument("the document has no text", path=path)
    return pages


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_pages(path: Path) -> list[str]:
    names = guard_zip(path)
    if "word/document.xml" not in names:
        raise UnreadableDocument(
            "not a Word document (no word/document.xml inside); save it as .docx again",
            path=path,
        )
    try:
        with zipfile.ZipFile(path) as zf:
            data = zf.read("word/document.xml")
            extra = {
                part: zf.read(part)
                for part in ("word/numbering.xml", "word/styles.xml")
                if part in names
            }
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise UnreadableDocument(f"the DOCX cannot be read ({exc})", path=path) from None
    root = parse_xml(data, path=path, part="word/document.xml")
    numbers = _ListNumbers(
        *(
            parse_xml(extra[part], path=path, part=part) if part in extra else None
            for part in ("word/numbering.xml", "word/styles.xml")
        )
    )
    pages: list[list[str]] = [[]]
    for para in root.iter(f"{_W}p"):
        # Word's automatic numbering is not in the text runs; a report numbered that way
        # would lose "28.1" and with it every paragraph number.
        label = numbers.label(para)
        line: list[str] = [f"{label} "] if label else []
        for node in para.iter():
            if node.tag == f"{_W}t" and node.text:
                line.append(node.text)
            elif node.tag == f"{_W}tab":
                line.append("\t")
            elif (node.tag == f"{_W}br" and node.get(f"{_W}type") == "page") or (
                node.tag == f"{_W}lastRenderedPageBreak"
            ):
                pages[-1].append("".join(line))
                line = []
                pages.append([])
            elif node.tag == f"{_W}br":
                line.append("\n")
        pages[-1].append("".join(line))
    return _nonempty(["\n".join(lines) for lines in pages], path)


_ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        # Word goes a..z, then aa..zz, aaa..
        letter = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        out = ""
        for value, numeral in _ROMAN:
            while n >= value:
                out, n = out + numeral, n - value
        return out.upper() if fmt == "upperRoman" else out
    return str(n)  # decimal and the formats a report does not use


class _ListNumbers:
    """The labels Word draws for automatically numbered paragraphs ("28.", "28.1", "(a)").

    Follows word/numbering.xml: a paragraph's numbering (its own w:numPr, else its style's)
    names a list instance (numId) of an abstract definition whose levels give the start
    value, the number format and the label text ("%1.%2"); a level's counter restarts when a
    shallower level moves on. Bullets and unnumbered levels give no label.
    """

    def __init__(self, numbering: object | None, styles: object | None) -> None:
        self._levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # abstractNumId -> ...
        self._instances: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstract, starts)
        self._style_num: dict[str, tuple[str, int]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None and self._instances:
            self._read_styles(styles)

    @staticmethod
    def _val(node: object | None, tag: str) -> str | None:
        child = node.find(f"{_W}{tag}") if node is not None else None  # type: ignore[attr-defined]
        return child.get(f"{_W}val") if child is not None else None

    def _read_numbering(self, root: object) -> None:
        for abstract in root.iter(f"{_W}abstractNum"):  # type: ignore[attr-defined]
            levels: dict[int, tuple[int, str, str]] = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                try:
                    ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                    start = int(self._val(lvl, "start") or "1")
                except ValueError:
                    continue
                levels[ilvl] = (
                    start,
                    self._val(lvl, "numFmt") or "decimal",
                    self._val(lvl, "lvlText") or "",
                )
            self._levels[abstract.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):  # type: ignore[attr-defined]
            starts: dict[int, int] = {}
            for override in num.iter(f"{_W}lvlOverride"):
                value = self._val(override, "startOverride")
                if value is not None and value.isdigit():
                    starts[int(override.get(f"{_W}ilvl", "0"))] = int(value)
            abstract_id = self._val(num, "abstractNumId") or ""
            self._instances[num.get(f"{_W}numId", "")] = (abstract_id, starts)

    def _read_styles(self, root: object) -> None:
        based: dict[str, str] = {}
        own: dict[str, tuple[str, int]] = {}
        for style in root.iter(f"{_W}style"):  # type: ignore[attr-defined]
            sid = style.get(f"{_W}styleId", "")
            if (parent := self._val(style, "basedOn")) is not None:
                based[sid] = parent
            ppr = style.find(f"{_W}pPr")
            numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
            if numpr is not None and (num_id := self._val(numpr, "numId")) is not None:
                own[sid] = (num_id, int(self._val(numpr, "ilvl") or "0"))
        for sid in {*based, *own}:
            seen, cur = set(), sid
            while cur not in own and cur in based and cur not in seen:
                seen.add(cur)
                cur = based[cur]
            if cur in own:
                self._style_num[sid] = own[cur]

    def label(self, para: object) -> str:
        if not self._instances:
            return ""
        ppr = para.find(f"{_W}pPr")  # type: ignore[attr-defined]
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        num_id: str | None = None
        ilvl = 0
        if numpr is not None:
            num_id = self._val(numpr, "numId")
            ilvl = int(self._val(numpr, "ilvl") or "0")
        elif (style := self._val(ppr, "pStyle")) is not None and style in self._style_num:
            num_id, ilvl = self._style_num[style]
        if not num_id or num_id == "0" or num_id not in self._instances:
            return ""
        abstract_id, starts = self._instances[num_id]
        levels = self._levels.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        start = starts.get(ilvl, levels[ilvl][0])
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text = levels[ilvl][1], levels[ilvl][2]
        if fmt in ("bullet", "none") or not text:
            return ""

        def level(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            value = counters.get(k, starts.get(k, levels[k][0]))
            return _format_number(value, levels[k][1])

        return re.sub(r"%([1-9])", level, text)


_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "ol",
    "ul",
    "header",
    "footer",
    "hr",
}


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(markup: str) -> str:
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    # Browsers collapse source line breaks inside a block; keep only the block breaks.
    lines = [re.sub(r"[ \t\r\u00a0]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)
