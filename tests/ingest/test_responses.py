"""The SuR's responses (addendum A/HRC/xx/yy/Add.1).

No real addendum is in ../shared/data, so these tests are built from the documented structure
of addenda: numbered paragraphs listing recommendation numbers under a position ("supports",
"noted", "already implemented"), headings followed by numbers, and tables of number, position
and comment (OHCHR's "Views on conclusions and/or recommendations ... presented by the State
under review", e.g. A/HRC/25/5/Add.1). The documents here are written for the test.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from uprlens.errors import BadRecord, UnsupportedSource
from uprlens.ingest.responses import parse_responses_text, read_responses
from uprlens.types import Part, Provenance, Recommendation, Review

LISTS = """United Nations A/HRC/25/5/Add.1
Report of the Working Group on the Universal Periodic Review
China
Addendum
Views on conclusions and/or recommendations, voluntary commitments and replies
presented by the State under review
1. China supports the following recommendations: 186.1, 186.3 to 186.5 and
186.9.
2. The following recommendations are noted: 186.2, 186.6.
3. China considers that recommendations 186.7 and 186.8 are already implemented.
"""

TABLE = """A/HRC/25/5/Add.1
Recommendation | Position | Comment
186.10 | Supported | Being implemented.
186.11 | Partially supported | China accepts the first part.
186.12 | Not accepted | Not in line with the facts.
"""


def test_lists_of_numbers_under_positions():
    res = parse_responses_text(LISTS.split("\n"), source="add1.txt")
    assert res.symbol == "A/HRC/25/5/Add.1" and res.report_symbol == "A/HRC/25/5"
    pos = {p: r.position for p, r in res.by_paragraph.items()}
    assert pos == {
        "186.1": "supported",
        "186.3": "supported",
        "186.4": "supported",
        "186.5": "supported",
        "186.9": "supported",
        "186.2": "noted",
        "186.6": "noted",
        "186.7": "supported",
        "186.8": "supported",
    }
    assert res.get("186.1").source == "A/HRC/25/5/Add.1 para 1"
    assert res.get("186.1").qualifier is None
    assert res.get("186.7").qualifier == "already implemented"


def test_table_rows_keep_qualifier_and_comment_verbatim():
    res = parse_responses_text(TABLE.split("\n"), source="add1.txt")
    r10, r11, r12 = res.get("186.10"), res.get("186.11"), res.get("186.12")
    assert (r10.position, r10.qualifier, r10.comment) == ("supported", None, "Being implemented")
    assert (r11.position, r11.qualifier) == ("supported_in_part", "Partially supported")
    assert r11.comment == "China accepts the first part"
    assert (r12.position, r12.qualifier, r12.comment) == (
        "noted",
        "Not accepted",
        "Not in line with the facts",
    )
    assert r12.source == "A/HRC/25/5/Add.1 table row 3"


def test_headings_followed_by_numbers():
    text = "A/HRC/19/3/Add.1\nSupported recommendations\n186.1\n186.2, 186.4\n"
    text += "Recommendations noted\n186.3\n"
    res = parse_responses_text(text.split("\n"), source="a.txt")
    assert {p: r.position for p, r in res.by_paragraph.items()} == {
        "186.1": "supported",
        "186.2": "supported",
        "186.4": "supported",
        "186.3": "noted",
    }


def test_supported_and_noted_at_once_is_support_in_part():
    text = "1. Chile supports 90.1 and 90.2.\n2. Chile notes the part on the army: noted 90.2.\n"
    res = parse_responses_text(text.split("\n"), source="a.txt")
    assert res.get("90.2").position == "supported_in_part"
    assert res.conflicts


def test_apply_sets_positions_and_reports_unknown_paragraphs():
    review = Review(sur="CHN", cycle=2, session=17)
    recs = [
        Recommendation(
            id=f"CHN-c2-{p}",
            review=review,
            paragraph=p,
            text="t",
            parts=[Part("t", ("BRA",))],
            provenance=Provenance(source="r.pdf"),
        )
        for p in ("186.10", "186.12", "186.99")
    ]
    res = parse_responses_text(TABLE.split("\n"), source="add1.txt")
    left = res.apply(recs)
    assert left == ["186.11"]
    assert recs[0].position == "supported"
    assert recs[0].position_qualifier == "Being implemented"
    assert recs[1].position == "noted"
    assert recs[1].position_qualifier == "Not accepted - Not in line with the facts"
    assert recs[1].position_source == "A/HRC/25/5/Add.1 table row 3"
    assert recs[2].position is None


def test_no_response_is_an_error():
    with pytest.raises(BadRecord, match="no response found"):
        parse_responses_text(["A/HRC/25/5/Add.1", "Thank you."], source="a.txt")


def test_docx_table(tmp_path: Path):
    doc = docx.Document()
    doc.add_paragraph("A/HRC/25/5/Add.1 Universal Periodic Review: views of China")
    table = doc.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        [
            ("Recommendation", "Position", "Comment"),
            ("186.1 Ratify ICCPR (Albania)", "Noted", "See 186.2."),
            ("186.2 Ratify CAT (Chile)", "Supported", ""),
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    path = tmp_path / "add1.docx"
    doc.save(path)
    res = read_responses(path)
    assert res.get("186.1").position == "noted"
    assert res.get("186.1").comment == "See 186.2"
    assert res.get("186.2").position == "supported"


def test_not_an_addendum(tmp_path: Path):
    path = tmp_path / "menu.txt"
    path.write_text("Lunch menu: soup, bread and a long list of other dishes.", "utf-8")
    with pytest.raises(UnsupportedSource, match="not a UPR addendum"):
        read_responses(path)
