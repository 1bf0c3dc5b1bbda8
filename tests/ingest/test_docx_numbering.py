"""Word reports whose paragraph numbers come from automatic numbering (word/numbering.xml),
not from the text: the numbers must be drawn as Word draws them, or every "28.1" is lost.

The documents are built here with python-docx and a numbering definition written from the
WordprocessingML structure (abstractNum levels with start, numFmt and lvlText); no real UN
DOCX is in ../shared/data.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from uprlens.ingest import sniff
from uprlens.ingest.pdf import _format_number, document_pages
from uprlens.ingest.report import parse_report_text

_NUMBERING = (
    f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1.%2"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
    '<w:lvlText w:val="(%3)"/></w:lvl>'
    "</w:abstractNum>"
)


def _numbered_doc(path: Path, paragraphs: list[tuple[int | None, str]]) -> Path:
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING))
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    for level, text in paragraphs:
        p = d.add_paragraph(text)
        if level is not None:
            p._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                    '<w:numId w:val="90"/></w:numPr>'
                )
            )
    d.save(str(path))
    return path


def test_multilevel_numbers_are_drawn(tmp_path: Path) -> None:
    path = _numbered_doc(
        tmp_path / "r.docx",
        [
            (0, "First."),
            (None, "Unnumbered."),
            (0, "Second:"),
            (1, "Item one;"),
            (1, "Item two;"),
            (2, "lettered"),
            (2, "lettered again"),
            (1, "Item three;"),
            (0, "Third."),
        ],
    )
    lines = document_pages(path)[0].splitlines()
    assert lines == [
        "1. First.",
        "Unnumbered.",
        "2. Second:",
        "2.1 Item one;",
        "2.2 Item two;",
        "(a) lettered",
        "(b) lettered again",
        "2.3 Item three;",
        "3. Third.",
    ]


def test_a_report_numbered_by_word_is_read(tmp_path: Path) -> None:
    path = _numbered_doc(
        tmp_path / "freedonia.docx",
        [
            (None, "Report of the Working Group on the Universal Periodic Review"),
            (None, "Chile"),
            (
                0,
                "The Working Group on the Universal Periodic Review, established in "
                "accordance with Human Rights Council resolution 5/1, held its seventeenth "
                "session from 21 October to 1 November 2013. The review of Chile was held at "
                "the 5th meeting on 22 October 2013.",
            ),
            (None, "II. Conclusions and/or recommendations"),
            (0, "The following recommendations enjoy the support of Chile:"),
            (1, "Ratify the Optional Protocol to the Convention against Torture (France);"),
            (1, "Adopt a law against discrimination (Spain, Mexico);"),
            (
                0,
                "All conclusions and/or recommendations contained in the present report "
                "reflect the position of the submitting State(s).",
            ),
        ],
    )
    assert sniff(path) == "wg_report"  # a Word report, not only OHCHR matrices
    report = parse_report_text(document_pages(path), source=str(path))
    got = [(i.paragraph, i.position, [p.states for p in i.parts]) for i in report.items]
    assert got == [("2.1", "supported", [("FRA",)]), ("2.2", "supported", [("ESP", "MEX")])]
    assert report.problems == []


def test_style_numbering_and_bullets(tmp_path: Path) -> None:
    # python-docx's own template numbers "List Number" through the style and bullets
    # "List Bullet": the number is drawn, the bullet is not text.
    d = docx.Document()
    d.add_paragraph("Ratify the ICCPR (Chile);", style="List Number")
    d.add_paragraph("Abolish the death penalty (France);", style="List Number")
    d.add_paragraph("a bullet", style="List Bullet")
    d.save(str(tmp_path / "s.docx"))
    assert document_pages(tmp_path / "s.docx")[0].splitlines() == [
        "1. Ratify the ICCPR (Chile);",
        "2. Abolish the death penalty (France);",
        "a bullet",
    ]


@pytest.mark.parametrize(
    ("n", "fmt", "out"),
    [
        (4, "decimal", "4"),
        (3, "lowerLetter", "c"),
        (27, "lowerLetter", "aa"),
        (14, "lowerRoman", "xiv"),
        (9, "upperRoman", "IX"),
        (2, "upperLetter", "B"),
    ],
)
def test_number_formats(n: int, fmt: str, out: str) -> None:
    assert _format_number(n, fmt) == out
