"""Cycle-1 layouts of Working Group reports that the first reader got wrong (issue 3)."""

from __future__ import annotations

import pytest

from uprlens.errors import BadRecord
from uprlens.ingest.report import _names, _references, parse_report_text, to_batch

COVER = """GE.13-19030 (E) 090114
Human Rights Council
Universal Periodic Review
Report of the Working Group on the Universal Periodic Review*
Freedonia
United Nations A/HRC/25/99
"""
FIRST = """A/HRC/25/99
GE.13-19030 3
1. The Working Group on the Universal Periodic Review, established in accordance with
Human Rights Council resolution 5/1, held its seventeenth session from 21 October to
1 November 2013. The review of Chile was held at the 5th meeting on 22 October 2013.
2. Something else happened.
"""


def cycle2_pages(items: str) -> list[str]:
    section = (
        "A/HRC/25/99\n4\n"
        "II. Conclusions and/or recommendations\n"
        "120. The following recommendations enjoy the support of Chile:\n"
        + items
        + "\n122. All conclusions and/or recommendations contained in the present report "
        "reflect the position of the submitting State(s).\n"
    )
    return [COVER, FIRST, section]


def only(report, paragraph):
    (item,) = [i for i in report.items if i.paragraph == paragraph]
    return item


def _parts(items: str, paragraph: str = "120.1") -> list[tuple[str, tuple[str, ...]]]:
    report = parse_report_text(cycle2_pages(items), source="x.pdf")
    return [(p.text, p.states) for p in only(report, paragraph).parts]


def test_and_is_not_andorra():
    # The registry answers to ISO3 codes in any case: "and" would be Andorra.
    got = _parts("120.1. Withdraw the reservations (Republic of Korea, Mexico and Brazil);\n")
    assert got == [("Withdraw the reservations", ("KOR", "MEX", "BRA"))]


@pytest.mark.parametrize(("word", "iso"), [("can", None), ("per", None), ("AND", "AND")])
def test_only_upper_case_codes_name_states(word, iso):
    assert _names().lookup(word) == iso


def test_a_continuation_inherits_the_words_it_completes():
    got = _parts(
        "120.1. Establish a national human rights commission (South Africa) in compliance\n"
        "with the Paris Principles (Portugal, Australia) with a strong mandate (Portugal),\n"
        "and submit the bill to Parliament (Egypt);\n"
    )
    assert got == [
        ("Establish a national human rights commission", ("ZAF",)),
        (
            "Establish a national human rights commission in compliance with the Paris "
            "Principles with a strong mandate",
            ("PRT",),
        ),
        (
            "Establish a national human rights commission in compliance with the Paris Principles",
            ("AUS",),
        ),
        ("submit the bill to Parliament", ("EGY",)),
    ]


def test_a_list_item_inherits_only_the_verb_phrase():
    got = _parts(
        "120.1. Consider ratifying the Optional Protocol to CEDAW (Brazil), the Optional\n"
        "Protocol to CAT (Djibouti, Mexico);\n"
    )
    assert got == [
        ("Consider ratifying the Optional Protocol to CEDAW", ("BRA",)),
        ("Consider ratifying the Optional Protocol to CAT", ("DJI", "MEX")),
    ]


def test_a_new_verb_after_a_state_is_its_own_wording():
    got = _parts(
        "120.1. Continue efforts in the judicial sector (Algeria); intensify efforts to\n"
        "uphold the rule of law (Sweden), reform it (Nigeria);\n"
    )
    assert got == [
        ("Continue efforts in the judicial sector", ("DZA",)),
        ("intensify efforts to uphold the rule of law", ("SWE",)),
        ("reform it", ("NGA",)),
    ]


def test_the_next_chapter_ends_the_section():
    pages = cycle2_pages("120.1. Ratify the ICCPR (Mexico)\n")
    pages[-1] = pages[-1].replace(
        "122. All conclusions",
        "III. VOLUNTARY COMMITMENTS OF THE STATE UNDER REVIEW\n122. All conclusions",
    )
    report = parse_report_text(pages, source="x.pdf")
    assert only(report, "120.1").text == "Ratify the ICCPR (Mexico)"


def test_an_item_can_open_with_its_first_letter():
    report = parse_report_text(
        cycle2_pages(
            "120.1. Ratify the ICCPR (Brazil);\n"
            "120.2. (a) Pursue the inquiries into violations (Sweden);\n"
            "120.3. Ratify the CAT (Peru);\n"
        ),
        source="x.pdf",
    )
    assert [i.paragraph for i in report.items] == ["120.1", "120.2", "120.3"]
    assert report.problems == []


def test_references_with_letters_joined_by_and():
    assert _references("paragraphs 55 (a), (d) and (e); 56 (b), 33 (a) and (b); 49 did not") == [
        (55, ["a", "d", "e"]),
        (56, ["b"]),
        (33, ["a", "b"]),
        (49, []),
    ]


DIALOGUE = """A/HRC/25/99
5
3. Australia welcomed the report. It recommended that Chile (a) ratify the CRPD;
(b) abolish the death penalty.
4. Brazil asked about prisons and recommended to (a) extend a standing invitation to the
special procedures and (b) ratify the Optional Protocol to the Convention against Torture.
"""
SECTION = """A/HRC/25/99
6
II. Conclusions and/or recommendations
6. The recommendations below enjoy the support of Chile:
1. Ratify the ICCPR (Sweden);
7. The recommendations noted in paragraphs 3 (b) and 4 (a) and (b) did not enjoy the
support of Chile:
1. With regard to the recommendations in paragraphs 3 (b) (Australia) and 4 (a)
(Brazil), Chile explained that its law already provides for this;
2. The recommendation in paragraph 4 (b) (Brazil) was not supported because the
ratification is under way.
8. All conclusions and/or recommendations contained in the present report reflect the
position of the submitting State(s).
"""


def test_numbered_comments_on_rejected_dialogue_items_are_not_recommendations():
    report = parse_report_text([COVER, FIRST, DIALOGUE, SECTION], source="c.pdf")
    got = {i.paragraph: (i.position, i.parts[0].states, i.text) for i in report.items}
    assert got == {
        "6.1": ("supported", ("SWE",), "Ratify the ICCPR (Sweden);"),
        "3(b)": ("noted", ("AUS",), "abolish the death penalty"),
        # Two verbs: two recommendations, not one phrase with two letters.
        "4(a)": ("noted", ("BRA",), "extend a standing invitation to the special procedures"),
        "4(b)": (
            "noted",
            ("BRA",),
            "ratify the Optional Protocol to the Convention against Torture",
        ),
    }
    assert report.problems == []


def test_a_skipped_and_a_repeated_number_are_imported_with_notes(tmp_path):
    report = parse_report_text(
        cycle2_pages(
            "120.1. Ratify the ICCPR (Brazil);\n"
            "120.3. Ratify the CAT (Peru);\n"
            "120.4. Ratify the CRC (Peru);\n"
            "120.4. Ratify the CRPD (Chile);\n"
        ),
        source="x.pdf",
    )
    assert report.problems == []
    assert report.notes == [
        "120.2 skipped by the numbering (page 3): 120.1 closes with its states and the next "
        "item printed is 120.3",
        "120.4 printed twice (page 3); the second kept as 120.4bis",
    ]
    batch = to_batch(report, path=tmp_path / "x.pdf")
    assert [r.paragraph for r in batch.recommendations] == ["120.1", "120.3", "120.4", "120.4bis"]
    assert "2 numbering notes" in batch.title and "120.2 skipped" in batch.title
    by_id = {r.paragraph: r.provenance.locator for r in batch.recommendations}
    assert by_id["120.1"] == "para 120"
    assert by_id["120.3"].startswith("para 120; note: 120.2 skipped by the numbering")
    assert by_id["120.4bis"] == "para 120; note: 120.4 printed twice (page 3); the second kept as 120.4bis"


def test_a_refused_report_says_what_where_and_how_to_import_anyway(tmp_path):
    report = parse_report_text(
        cycle2_pages("120.1. Ratify the ICCPR (Brazil);\n120.7. Ratify the CAT (Peru);\n"),
        source="x.pdf",
    )
    assert report.problems == ["120.2 to 120.6 missing (page 3)"]
    with pytest.raises(BadRecord) as err:
        to_batch(report, path=tmp_path / "x.pdf")
    message = str(err.value)
    for needed in ("120.2 to 120.6 missing (page 3)", "--allow-numbering-problems"):
        assert needed in message
    assert err.value.page == 3


