"""Footnotes the reader kept as wordings (morocco2012 page 15, maldives2011 page 20): found by
re-wrapping every report's pages at other widths and comparing what the reader extracts
(synthetic pages modelled on the real ones)."""

from __future__ import annotations

from uprlens.ingest.report import _clean_page


def test_long_footnotes_quoting_many_recommendations_are_cut() -> None:
    # Three footnotes quote the wordings read in the dialogue; together they fill 20 lines,
    # more than the reader used to look at from the page's end.
    quoted = [
        line
        for state in ("Estonia", "France", "Spain", "Belgium", "Italy", "Chile", "Peru")
        for line in (
            "Ratify the Second Optional Protocol to the International Covenant on Civil and",
            f"Political Rights ({state});",
        )
    ]
    page = "\n".join(
        [
            "A/HRC/21/3",
            "129.8. Sign and ratify the Optional Protocol to the International Covenant",
            "on Civil and Political Rights (Maldives);",
            "129.9. Consider ratifying the ILO Convention 189 on Decent Work for",
            "Domestic Workers (Philippines);",
            "129.10. Ratify the ILO Convention No. 87 (Chad)1;",
            "129.11. Ratify the Second Optional Protocol to the ICCPR (Belgium)2;",
            " 1 The recommendation as read during the interactive dialogue:",
            "Ratify the ILO Convention No. 87 concerning Freedom of Association and Protection "
            "of the",
            "Right to Organise (Chad).",
            " 2 The recommendations as read during the interactive dialogue:",
            *quoted,
            "Consider ratification of the Second Optional Protocol (Belgium).",
        ]
    )
    lines = _clean_page(page)
    assert lines[-1] == "129.11. Ratify the Second Optional Protocol to the ICCPR (Belgium)2;"


def test_the_end_of_a_footnote_from_the_page_before_over_two_lines_is_cut() -> None:
    page = "\n".join(
        [
            "A/HRC/16/7",
            "100.101. Make the necessary amendments to legislation in order to ensure that",
            "communities of all faiths and religions have an equal place (Indonesia);",
            "100.102. Decriminalize apostasy (Austria);",
            "criminal responsibility to at least 12 years, and ensure that children in conflict "
            "with the law have",
            "access to education (Ghana)”.",
            " 4 The recommendation as made during the interactive dialogue was “Examine the",
            "possibility of repealing the provisions of the Criminal Code (Argentina)”.",
        ]
    )
    page = page.replace("(Indonesia);", "(Indonesia)4;")
    assert _clean_page(page)[-1] == "100.102. Decriminalize apostasy (Austria);"


def test_an_item_continued_in_lower_case_after_a_closed_wording_stays() -> None:
    # The quotation opened and closed inside the item: nothing to cut.
    page = "\n".join(
        [
            "A/HRC/16/7",
            "100.5. Ratify the CRC (Chile); implement the programme",
            "“Children first” (Peru);",
        ]
    )
    assert _clean_page(page)[-1] == "“Children first” (Peru);"


def test_a_wrapped_line_opening_with_conclusions_is_no_heading() -> None:
    # egypt2014 re-wrapped: "166.189 Make public, so as to ensure transparency, the" /
    # "conclusions and recommendations of the different national fact-finding commissions".
    from uprlens.ingest.report import _find_section_page

    pages = [
        "A/HRC/28/16\nII. Conclusions and/or recommendations**\n166. The following "
        "recommendations ...:\n166.1 Ratify the OP-CAT (Denmark);",
        "A/HRC/28/16\n166.189 Make public, so as to ensure transparency, the\nconclusions and "
        "recommendations of the different national\nfact-finding commissions (Belgium);",
    ]
    assert _find_section_page(pages) == 0
    # and a sentence that opens with the words, capitalised, is no heading either
    pages[1] = pages[1].replace("the\nconclusions", "the\nConclusions")
    assert _find_section_page(pages) == 0


def test_a_heading_run_into_the_text_still_opens_the_section() -> None:
    # A text export that lost the heading's line break: the dialogue before it stays out.
    from uprlens.ingest.report import parse_report_text

    pages = [
        "Report of the Working Group on the Universal Periodic Review\nPeru\n"
        "A/HRC/22/15\n1. The Working Group held its fourteenth session.",
        "A/HRC/22/15\n87. Chile recommended (a) that Peru ratify the OP-CAT.\n"
        "II. Conclusions and/or recommendations 88. The following recommendations will be "
        "examined by Peru:\n88.1 Ratify the Optional Protocol to the Convention against "
        "Torture (Chile);\n88.2 Adopt a law against discrimination (Spain);\n"
        "89. All conclusions and/or recommendations contained in the present report reflect "
        "the position of the submitting State(s).",
    ]
    report = parse_report_text(pages, source="peru.txt")
    assert [i.paragraph for i in report.items] == ["88.1", "88.2"]
    assert report.items[0].parts[0].states == ("CHL",)
