"""Layouts of real cycle-1 reports the reader missed in its first pass (issue 3, second pass).

The texts are synthetic, written after the patterns of the named reports in
../shared/data/wg-reports; the last test checks two of those reports and skips without the data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from uprlens.ingest.report import _references, parse_report_text

from .report_helpers import conclusions_page

COVER = """GE.09-19030 (E) 090114
Human Rights Council
Universal Periodic Review
Report of the Working Group on the Universal Periodic Review*
Freedonia
United Nations A/HRC/10/99
"""
FIRST = """A/HRC/10/99
GE.09-19030 3
1. The Working Group on the Universal Periodic Review, established in accordance with
Human Rights Council resolution 5/1, held its third session from 1 to 12 December 2008.
The review of Chile was held at the 5th meeting on 2 December 2008.
"""
DIALOGUE = """A/HRC/10/99
5
2. Slovenia noted concerns about the media. Slovenia recommended that Chile ease current
restrictions on freedom of assembly. Slovenia was concerned about child labour. Slovenia
recommended that Chile develop policies for victims of child labour.
3. France welcomed the report and recommended that Chile (a) adopt legislation on non-
governmental organizations; (b) abolish the death penalty.
4. Canada asked about prisons. It recommended that Chile review its prison law. Canada
also recommended that Chile release all political prisoners.
"""


def _report(section: str, dialogue: str = DIALOGUE):
    return parse_report_text([COVER, FIRST, dialogue, section], source="c.pdf")


def test_last_sentence_references():
    # Turkmenistan 2009: "paragraphs 23 (last sentence), 29 (d), (f) and (g) ... above".
    assert _references(
        "in paragraphs 23 (last sentence), 29 (d), (f) and (g), 43 (last sentence) above did not"
    ) == [
        (23, ["last sentence"]),
        (29, ["d", "f", "g"]),
        (43, ["last sentence"]),
    ]
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden);\n"
            "7. Recommendations noted in paragraphs 3 (a) and 4 (last sentence) above did not "
            "enjoy the support of Chile.\n"
        )
    )
    got = {i.paragraph: (i.position, i.parts[0].states, i.text) for i in report.items}
    assert got["4(s2)"] == ("noted", ("CAN",), "release all political prisoners")
    assert "4" not in got  # the first sentence of 4 was not cited
    # The dialogue's lines are joined with their hyphenation undone where the word is known.
    assert got["3(a)"][2] == "adopt legislation on non-governmental organizations"


def test_a_dialogue_item_cited_twice_is_extracted_once():
    # Burkina Faso 2009: para 100 "takes note of" items para 99 already rejected.
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden);\n"
            "7. The recommendations noted in paragraphs 3 (a) and (b) above did not enjoy the "
            "support of Chile.\n"
            "8. Chile takes note of the recommendations reflected in paragraphs 3 (b) and "
            "offers the following comments: none.\n"
        )
    )
    assert [i.paragraph for i in report.items] == ["6.1", "3(a)", "3(b)"]
    assert report.problems == []


def test_a_cited_letter_of_a_paragraph_without_letters_is_taken_in_order_and_recorded():
    # Burkina Faso 2009 para 99 cites "74 (a)"; paragraph 74 prints no letters.
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden);\n"
            "7. The recommendations noted in paragraphs 2 (b) above did not enjoy the "
            "support of Chile.\n"
        )
    )
    (item,) = [i for i in report.items if i.paragraph == "2(b)"]
    assert item.text == "develop policies for victims of child labour"
    assert item.parts[0].states == ("SVN",)
    assert report.problems == []
    (note,) = report.notes
    assert "prints no letters" in note and "2 (b)" in note and "number 2" in note
    assert item.note == note


def test_an_unnumbered_recommendation_after_the_colon():
    # Burkina Faso 2009 para 101: "The following recommendation will be examined ...:"
    # then the recommendation with no number of its own.
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden);\n"
            "7. The following recommendation will be examined by Chile, which will provide "
            "responses in due time:\n"
            "Abolish the death penalty by adopting a law commuting all death sentences "
            "(Albania).\n"
        )
    )
    (item,) = [i for i in report.items if i.paragraph == "7"]
    assert item.position == "pending"
    assert [(p.text, p.states) for p in item.parts] == [
        ("Abolish the death penalty by adopting a law commuting all death sentences", ("ALB",))
    ]


def test_a_position_paragraph_without_recommendations_adds_nothing():
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden);\n"
            "7. Chile will provide its responses in due time: it thanks all delegations.\n"
        )
    )
    assert [i.paragraph for i in report.items] == ["6.1"]


def test_lettered_sub_items_under_a_heading_are_parts():
    # Indonesia 2008 77.7: "Capacity-building/cooperation: (a) ...; (b) ...; (c) ...".
    pages = [
        COVER,
        FIRST,
        conclusions_page(
            "6. The following conclusions and recommendations were made:\n"
            "1. Chile is encouraged to continue its training of judges.\n"
            "2. Capacity-building/cooperation: (a) Chile is encouraged to share best practices; "
            "(b) Chile is encouraged to identify its capacity-building needs; (c) It was "
            "recommended that measures be taken for women and children.\n"
        ),
    ]
    report = parse_report_text(pages, source="c.pdf")
    (item,) = [i for i in report.items if i.paragraph == "6.2"]
    assert [(p.text, p.states) for p in item.parts] == [
        ("Chile is encouraged to share best practices", ()),
        ("Chile is encouraged to identify its capacity-building needs", ()),
        ("It was recommended that measures be taken for women and children", ()),
    ]


def test_a_letter_list_closed_by_one_state_stays_one_wording():
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify: (a) the CAT; (b) the ICCPR (France);\n"
        )
    )
    (item,) = [i for i in report.items if i.paragraph == "6.1"]
    assert [p.states for p in item.parts] == [("FRA",)]
    assert "(a) the CAT" in item.parts[0].text


@pytest.mark.parametrize(
    ("line", "want"),
    [
        # Saint Vincent and the Grenadines 2011, 78.1 and 79.1.
        (
            "Sign (Spain) and ratify (Maldives) the Optional Protocol to the Convention "
            "against Torture, and establish a national preventive mechanism (Maldives);",
            [
                ("Sign the Optional Protocol to the Convention against Torture", ("ESP",)),
                (
                    "ratify the Optional Protocol to the Convention against Torture, and "
                    "establish a national preventive mechanism",
                    ("MDV",),
                ),
            ],
        ),
        (
            "Sign (Portugal), accede to (Australia) and ratify the second Optional Protocol "
            "(Spain, Slovenia);",
            [
                ("Sign the second Optional Protocol", ("PRT",)),
                ("accede to the second Optional Protocol", ("AUS",)),
                ("ratify the second Optional Protocol", ("ESP", "SVN")),
            ],
        ),
        (
            "Consider (Chile) extending a standing invitation to all special procedures "
            "(Austria) as a way of supporting reforms (Maldives);",
            [
                ("Consider extending a standing invitation to all special procedures", ("CHL",)),
                ("extending a standing invitation to all special procedures", ("AUT",)),
                (
                    "extending a standing invitation to all special procedures as a way of "
                    "supporting reforms",
                    ("MDV",),
                ),
            ],
        ),
        # New Zealand 2009, 81.6: alternatives chained by "/".
        (
            "Ratify (Mexico) / Consider ratifying the Indigenous and Tribal Peoples Convention "
            "No. 169 (Norway);",
            [
                ("Ratify the Indigenous and Tribal Peoples Convention No. 169", ("MEX",)),
                (
                    "Consider ratifying the Indigenous and Tribal Peoples Convention No. 169",
                    ("NOR",),
                ),
            ],
        ),
        # ... but words after the last parenthesis already complete every wording.
        (
            "Sign (Azerbaijan), ratify (Egypt) the Migrant Workers Convention;",
            [
                ("Sign the Migrant Workers Convention", ("AZE",)),
                ("ratify the Migrant Workers Convention", ("EGY",)),
            ],
        ),
        # Words before a ";" end the wording a parenthesis interrupted; a bare verb phrase
        # continued by an infinitive takes it ("Take steps ... to abolish ...").
        (
            "Take steps (Austria) to abolish the death penalty (France), as a priority; repeal "
            "the death penalty (Canada);",
            [
                ("Take steps to abolish the death penalty as a priority", ("AUT",)),
                ("abolish the death penalty as a priority", ("FRA",)),
                ("repeal the death penalty", ("CAN",)),
            ],
        ),
    ],
)
def test_a_bare_verb_takes_the_object_named_after_it(line, want):
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n1. " + line + "\n"
        )
    )
    (item,) = [i for i in report.items if i.paragraph == "6.1"]
    assert [(p.text, p.states) for p in item.parts] == want


DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "wg-reports"


@pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data/wg-reports")
def test_real_reports():
    from uprlens.ingest.pdf import document_pages

    turkmenistan = parse_report_text(
        document_pages(DATA / "turkmenistan2009.pdf"), source="turkmenistan2009.pdf"
    )
    noted = {
        i.paragraph: i
        for i in turkmenistan.items
        if i.position_source and "para 71" in i.position_source
    }
    assert {"29(d)", "29(f)", "29(g)", "40(a)", "41(a)"} <= set(noted)
    assert noted["41(a)"].text.startswith("immediately release all political prisoners")
    assert noted["29(f)"].text.endswith("non-governmental organizations working in the country")
    indonesia = parse_report_text(
        document_pages(DATA / "indonesia2008.pdf"), source="indonesia2008.pdf"
    )
    (item,) = [i for i in indonesia.items if i.paragraph == "77.7"]
    assert len(item.parts) == 3
