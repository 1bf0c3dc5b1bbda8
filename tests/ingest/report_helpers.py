"""Helpers shared by the reader's pattern tests: each state's wordings of one paragraph, and a
cycle-1 report built from a dialogue page and a conclusions page (synthetic, "Freedonia")."""

from __future__ import annotations

from uprlens.ingest.report import ParsedReport, _names, parse_report_text, split_parts

COVER = """GE.09-12345 (E) 090114
Human Rights Council
Tenth session
Universal Periodic Review
Report of the Working Group on the Universal Periodic Review*
Freedonia
United Nations A/HRC/10/99
"""
FIRST = """A/HRC/10/99
GE.09-12345 3
Introduction
1. The Working Group on the Universal Periodic Review, established in accordance with
Human Rights Council resolution 5/1, held its third session from 1 to 15 December 2008.
2. Something else happened.
"""


def wordings(text: str, paragraph: str = "1") -> dict[str, list[str]]:
    """ISO3 -> the wordings split_parts gives that state, in order."""
    out: dict[str, list[str]] = {}
    for part in split_parts(text, names=_names(), path="r.pdf", page=1, paragraph=paragraph):
        for st in part.states:
            out.setdefault(st, []).append(part.text)
    return out


def conclusions_page(body: str) -> str:
    """A conclusions page of a cycle-1 report: the heading, ``body``, the closing paragraph."""
    return (
        "A/HRC/10/99\n6\nII. Conclusions and/or recommendations\n"
        + body
        + "9. All conclusions and/or recommendations contained in the present report reflect "
        "the position of the submitting State(s).\n"
    )


def cycle1_report(dialogue: str, section: str) -> ParsedReport:
    pages = [COVER, FIRST, "A/HRC/10/99\n5\n" + dialogue, "A/HRC/10/99\n6\n" + section]
    return parse_report_text(pages, source="c.pdf")
