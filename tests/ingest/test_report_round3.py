"""Reader errors and numbering misprints of issue 3, second round.

The texts are synthetic, written after the patterns of the named reports in
../shared/data/wg-reports (Uzbekistan 2009, Japan 2008, Mauritius 2009, Burundi 2009, Saint
Vincent 2011, Costa Rica 2010, Albania 2010, Cambodia 2014, Ghana 2012, France 2008); the
last test checks those reports themselves and skips without the data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# The same cover page and first page as the second-pass tests: a cycle-1 report of "Chile".
from tests.ingest.test_report_second_pass import COVER, FIRST
from uprlens.errors import BadRecord
from uprlens.ingest.report import parse_report_text, to_batch

from .report_helpers import conclusions_page

DIALOGUE = """A/HRC/10/99
5
2. Belgium recommended (a) that Chile withdraw the draft provision on homosexual relations.
Noting tensions, Belgium recommended that Chile respect freedom of assembly. Belgium asked
about the visit of the independent expert.
3. France recommended that Chile (a) ratify the Convention on the Rights of Persons with
Disabilities; (b) enact legislation that criminalizes rape.
"""


def _report(section: str):
    return parse_report_text([COVER, FIRST, DIALOGUE, section], source="c.pdf")


def _parts(line: str) -> list[tuple[str, tuple[str, ...]]]:
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n1. " + line + "\n"
        )
    )
    (item,) = report.items
    return [(p.text, p.states) for p in item.parts]


def test_an_unclosed_state_parenthesis_ends_at_the_comma_after_the_name():
    # Uzbekistan 2009, 105.1: "(United Kingdom," lost its ")".
    got = _parts(
        "Consider ratifying the OP-CAT (Mexico) and take the necessary measures in order to "
        "do so (United Kingdom, and the Rome Statute (Slovakia);"
    )
    assert got[:2] == [
        ("Consider ratifying the OP-CAT", ("MEX",)),
        ("take the necessary measures in order to do so", ("GBR",)),
    ]
    assert all("United Kingdom" not in text for text, _states in got)
    assert any(states == ("SVK",) and "Rome Statute" in text for text, states in got)


def test_roman_numbered_sub_items_of_one_state_are_parts():
    # Japan 2008, 60.13 (Belgium).
    got = _parts(
        "(i) Work more systematically to bring the risk of forced confession to the attention "
        "of the police, (ii) review interrogation monitoring procedures and (iii) re-examine "
        "the use of prolonged police detention (Belgium);"
    )
    assert got == [
        (
            "Work more systematically to bring the risk of forced confession to the attention of "
            "the police",
            ("BEL",),
        ),
        ("Review interrogation monitoring procedures", ("BEL",)),
        ("Re-examine the use of prolonged police detention", ("BEL",)),
    ]


def test_a_lone_roman_numeral_is_text():
    got = _parts("Implement article 4 (i) of the Convention (Belgium);")
    assert got == [("Implement article 4 (i) of the Convention", ("BEL",))]


def test_a_verb_phrase_continued_by_an_infinitive_takes_it():
    # Saint Vincent 2011, 79.5. UPR Info gives Austria "Enact legislation to abolish the
    # death penalty": the verb phrase alone ("Enact legislation the death penalty") is no
    # recommendation, and the report's own words, "definitively" included, are kept.
    got = _parts(
        "Enact legislation (Austria) to definitively abolish (France, Australia) the death "
        "penalty; repeal the death penalty (Canada);"
    )
    assert got == [
        ("Enact legislation to definitively abolish the death penalty", ("AUT",)),
        ("definitively abolish the death penalty", ("FRA", "AUS")),
        ("repeal the death penalty", ("CAN",)),
    ]


def test_comments_on_dialogue_recommendations_are_not_recommendations():
    # Mauritius 2009, para 82: numbered comments of the SuR, each on a recommendation of the
    # dialogue that it cites; the recommendations are cut out of the dialogue.
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden).\n"
            "7. Chile takes note of the recommendations listed below, and offers the following "
            "comments:\n"
            "1. With regards to the recommendation to ratify the CRPD (France), included in "
            "paragraph 3 (a), Chile indicates that it has undertaken to ratify the CRPD;\n"
            "2. Regarding the recommendation to enact legislation that criminalizes rape "
            "(France), included in paragraph 3 (b), Chile stated that the Criminal Code already "
            "provides for the offence of rape, as referred to in paragraph 2 of the compilation.\n"
        )
    )
    got = {i.paragraph: (i.position, i.parts[0].states, i.text) for i in report.items}
    assert got == {
        "6.1": ("supported", ("SWE",), "Ratify the ICCPR (Sweden)."),
        "3(a)": (
            "noted",
            ("FRA",),
            "ratify the Convention on the Rights of Persons with Disabilities",
        ),
        "3(b)": ("noted", ("FRA",), "enact legislation that criminalizes rape"),
    }
    assert report.items[2].qualifier.startswith("Regarding the recommendation to enact")
    assert report.problems == [] and report.notes == []


def test_a_letter_after_the_last_printed_one_is_the_next_recommendation():
    # Burundi 2009: para 83 cites "24 (b)"; paragraph 24 prints "(a)" only.
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden);\n"
            "7. Chile takes note of the recommendations reflected in paragraph 2 (b).\n"
        )
    )
    (item,) = [i for i in report.items if i.paragraph == "2(b)"]
    assert item.text == "respect freedom of assembly"
    assert item.parts[0].states == ("BEL",) and item.position == "noted"
    assert report.problems == []
    (note,) = report.notes
    assert "prints letters only up to (a)" in note and item.note == note


def test_a_letter_beyond_the_recommendations_is_still_a_problem():
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden);\n"
            "7. Chile takes note of the recommendations reflected in paragraph 2 (c).\n"
        )
    )
    assert report.problems == [
        "para 7 (page 4) cites 2 (c), but paragraph 2 (page 3) has no item (c)"
    ]
    with pytest.raises(BadRecord, match="2 \\(c\\)"):
        to_batch(report, path=Path("c.pdf"))


def test_a_misnumbered_cross_reference_reads_the_list_above():
    # Costa Rica 2010: "Nos. 1 and 3 in paragraph 5 above", the list being paragraph 6.
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden);\n"
            "2. Ratify the CAT (Peru);\n"
            "3. Ratify the CRC (Peru);\n"
            "7. Chile considers that the recommendations Nos. 1 and 3 in paragraph 5 above "
            "are already implemented.\n"
        )
    )
    assert report.problems == []
    (note,) = report.notes
    assert "paragraph 5" in note and "paragraph 6" in note
    qualified = {i.paragraph for i in report.items if i.qualifier}
    assert qualified == {"6.1", "6.3"}


def test_a_cross_reference_to_numbers_no_list_holds_stays_a_problem():
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Ratify the ICCPR (Sweden);\n"
            "7. Chile considers that the recommendations Nos. 1 and 4 in paragraph 5 above "
            "are already implemented.\n"
        )
    )
    assert report.notes == []
    assert report.problems == [
        "para 7 (page 4) cites 5.1, which is not in the report",
        "para 7 (page 4) cites 5.4, which is not in the report",
    ]


@pytest.mark.parametrize(
    ("lines", "paragraphs", "notes"),
    [
        # Albania 2010: "73 Take ..." lost its dot.
        (
            "1. Ratify the ICCPR (Sweden);\n2 Ratify the CAT (Peru);\n",
            ["6.1", "6.2"],
            [],
        ),
        # France 2008: "3.  o remove ..." lost its first letter.
        (
            "1. Ratify the ICCPR (Sweden);\n2.  o remove reservations (Peru);\n",
            ["6.1", "6.2"],
            [],
        ),
    ],
)
def test_damaged_item_numbers_of_plain_lists(lines, paragraphs, notes):
    report = _report(
        conclusions_page("6. The recommendations below enjoy the support of Chile:\n" + lines)
    )
    assert [i.paragraph for i in report.items] == paragraphs
    assert report.problems == [] and report.notes == notes


def test_a_wrapped_line_starting_with_the_next_number_is_not_an_item():
    # "2 years" after an item that has not closed with its states is its text.
    report = _report(
        conclusions_page(
            "6. The recommendations below enjoy the support of Chile:\n"
            "1. Reduce pre-trial detention to at most\n2 Years in all cases (Sweden);\n"
        )
    )
    assert [i.paragraph for i in report.items] == ["6.1"]


def _cycle2(items: str) -> list[str]:
    return [
        COVER,
        FIRST.replace("third session", "seventeenth session"),
        "A/HRC/10/99\n4\nII. Conclusions and/or recommendations\n"
        "120. The following recommendations enjoy the support of Chile:\n"
        + items
        + "121. All conclusions and/or recommendations contained in the present report "
        "reflect the position of the submitting State(s).\n",
    ]


def test_dotted_misprints_are_read_and_noted():
    report = parse_report_text(
        _cycle2(
            "120.8 Ratify the ICCPR (Sweden);\n".replace(  # starts at 8: the paragraph's first item
                "120.8", "120.1"
            )
            + "120-2. Ratify the CAT (Peru);\n"  # Ghana 2012: "125-15."
            + "120.3 Ratify the CRC (Peru);\n"
            + "121.4 Ratify the CRPD (Peru);\n"  # Mali 2013: the paragraph number misprinted
            + "120.5 Ratify the OP-CAT (Peru);\n"
        ),
        source="c.pdf",
    )
    assert [i.paragraph for i in report.items] == ["120.1", "120.2", "120.3", "120.4", "120.5"]
    assert report.problems == []
    assert report.notes == ["120.4 printed as 121.4 (page 3)"]


def test_a_lost_leading_digit_is_read_and_noted():
    # Cambodia 2014: "118.09" between 118.108 and 118.110.
    items = "".join(f"120.{k} Ratify treaty {k} (Peru);\n" for k in range(1, 12))
    items = items.replace("120.10 ", "120.0 ").replace("120.11 ", "120.011 ")
    report = parse_report_text(_cycle2(items), source="c.pdf")
    assert report.problems == []
    assert report.notes == ["120.10 printed as 120.0 (page 3)"]
    assert [i.paragraph for i in report.items][-3:] == ["120.9", "120.10", "120.11"]


def _data() -> Path:
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("uzbekistan2009.pdf", "105.1"),
        ("japan2008.pdf", "60.13"),
        ("mauritius2009.pdf", "82"),
        ("costarica2010.pdf", "notes"),
        ("ghana2012.pdf", "125.15"),
    ],
)
def test_on_the_real_reports(name, check):
    path = _data() / "wg-reports" / name
    if not path.exists():
        pytest.skip("../shared/data not available")
    from uprlens.ingest.report import read_report

    (batch,) = read_report(path)  # no numbering problem left: the import is not refused
    recs = {r.paragraph: r for r in batch.recommendations}
    if check == "105.1":
        texts = {(p.text, p.states) for p in recs["105.1"].parts}
        assert (
            "Consider ratifying OP-CAT and take the necessary measures at the national level "
            "in order to do so",
            ("GBR",),
        ) in texts
    elif check == "60.13":
        assert sum(p.states == ("BEL",) for p in recs["60.13"].parts) == 4
    elif check == "82":
        assert not any(p.startswith("82.") for p in recs)
        assert recs["51(e)"].position == "noted" and recs["51(e)"].parts[0].states == ("DEU",)
    elif check == "notes":
        assert "numbering note" in batch.title and "paragraph 89" in batch.title
        assert recs["89.1"].position_qualifier
    else:
        assert recs["125.15"].text.startswith("Designate a national mechanism")
