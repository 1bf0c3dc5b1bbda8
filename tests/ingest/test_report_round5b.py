"""Rows the reader missed, states it missed and text that is no recommendation: patterns of
the cycle-1 reports (synthetic paragraphs modelled on the real ones)."""

from __future__ import annotations

from uprlens.ingest.report import (
    _clean_page,
    _references,
)

from .report_helpers import cycle1_report, wordings


def _texts(report) -> dict[str, tuple[tuple[str, ...], str]]:
    return {i.paragraph: (i.parts[0].states, i.text) for i in report.items}


# ------------------------------------------------------------------ dialogue references


def test_letters_listed_in_one_parenthesis() -> None:
    # "paragraphs 33 (a, b), 39 (a), ... 79 (d, f, g, h)": before, the list stopped at the
    # first "(a, b)" and every later paragraph was lost.
    assert _references(
        "the recommendations contained in paragraphs 33 (a, b), 39 (a), 48 (c), 65(a), and "
        "79 (d, f, g, h) are not part of its obligations"
    ) == [(33, ["a", "b"]), (39, ["a"]), (48, ["c"]), (65, ["a"]), (79, ["d", "f", "g", "h"])]


def test_sentence_selector_after_a_comma_belongs_to_its_paragraph() -> None:
    assert _references("paragraphs 45, 55, 56, last sentence, and 63 above") == [
        (45, []),
        (55, []),
        (56, ["last sentence"]),
        (63, []),
    ]


def test_cited_letters_in_one_parenthesis_are_cut_out() -> None:
    report = cycle1_report(
        "3. Chile recommended (a) that Freedonia end forced returns; (b) adopt a definition "
        "of torture; and (c) reform the judiciary.\n"
        "4. Spain recommended (a) the release of detainees.\n",
        "II. Conclusions and/or recommendations\n"
        "6. The recommendations listed below enjoy the support of Freedonia:\n"
        "1. Ratify the ICCPR (Sweden);\n"
        "7. The following recommendations did not enjoy the support of Freedonia: "
        "paragraphs 3 (a, c) and 4 (a).\n"
        "8. All conclusions and/or recommendations contained in the present report reflect "
        "the position of the submitting State(s).\n",
    )
    got = _texts(report)
    assert set(got) == {"6.1", "3(a)", "3(c)", "4(a)"}
    assert got["3(c)"] == (("CHL",), "reform the judiciary")
    assert got["4(a)"] == (("ESP",), "the release of detainees")
    assert report.problems == []


def test_paragraph_without_recommend_is_read_from_its_request() -> None:
    # "Latvia ... invited Indonesia to consider extending a standing invitation": the report
    # cites the paragraph as a recommendation, though it never says "recommend".
    report = cycle1_report(
        "3. Latvia noted positive cooperation with special procedures, and invited Freedonia "
        "to consider extending a standing invitation to the special procedures.\n",
        "II. Conclusions and/or recommendations\n"
        "6. The recommendations listed below enjoy the support of Freedonia:\n"
        "1. Ratify the ICCPR (Sweden);\n"
        "7. Other recommendations noted in the report in paragraph 3 above will be examined "
        "by Freedonia.\n"
        "8. All conclusions and/or recommendations contained in the present report reflect "
        "the position of the submitting State(s).\n",
    )
    assert _texts(report)["3"] == (
        ("LVA",),
        "consider extending a standing invitation to the special procedures",
    )


def test_a_treaty_body_recommendation_quoted_by_the_speaker_is_not_the_speakers() -> None:
    report = cycle1_report(
        "3. The United Kingdom noted that the Committee against Torture recommended the "
        "clarification of the status of the Convention in national law. The United Kingdom "
        "recommended that the Government prioritize these consultations.\n"
        "4. Latvia noted the cooperation of Freedonia with the special procedures of the "
        "Council and recommended that Freedonia consider extending a standing invitation "
        "to them all.\n",
        "II. Conclusions and/or recommendations\n"
        "6. The recommendations listed below enjoy the support of Freedonia:\n"
        "1. Ratify the ICCPR (Sweden);\n"
        "7. Freedonia takes note of the recommendations reflected in paragraphs 3 and 4.\n"
        "8. All conclusions and/or recommendations contained in the present report reflect "
        "the position of the submitting State(s).\n",
    )
    got = _texts(report)
    assert got["3"] == (("GBR",), "prioritize these consultations")
    # "... special procedures of the Council and recommended": Latvia speaks.
    assert got["4"] == (("LVA",), "consider extending a standing invitation to them all")
    assert len(report.items) == 3


def test_last_sentence_of_a_paragraph_of_questions() -> None:
    report = cycle1_report(
        "3. Slovenia asked the following questions which could lead to recommendations: what "
        "steps Freedonia was taking to protect children; what steps were taken towards the "
        "withdrawal of its reservations to articles 2 and 16 of CEDAW.\n",
        "II. Conclusions and/or recommendations\n"
        "6. The recommendations listed below enjoy the support of Freedonia:\n"
        "1. Ratify the ICCPR (Sweden);\n"
        "7. Other recommendations noted in the report in paragraphs 3, last sentence, did "
        "not enjoy the support of Freedonia.\n"
        "8. All conclusions and/or recommendations contained in the present report reflect "
        "the position of the submitting State(s).\n",
    )
    got = _texts(report)
    assert got["3"] == (
        ("SVN",),
        "what steps were taken towards the withdrawal of its reservations to articles 2 and "
        "16 of CEDAW",
    )
    assert report.problems == []
    assert any("last sentence" in note for note in report.notes)


# ------------------------------------------------------------------ clustered wordings


def test_chained_recommends_and_encourages_start_at_the_verb() -> None:
    got = wordings(
        "That Freedonia take initiatives to strengthen gender mainstreaming. It also "
        "recommended that the State pursue its efforts to combat poverty; encourages "
        "Freedonia to review the impact of the state of emergency (Nigeria)."
    )
    assert got["NGA"] == [
        "That Freedonia take initiatives to strengthen gender mainstreaming",
        "pursue its efforts to combat poverty",
        "review the impact of the state of emergency",
    ]


def test_modifiers_of_other_states_complete_the_base_wording() -> None:
    got = wordings(
        "Establish a NHRI in accordance with the Paris Principles (Morocco, Bangladesh) "
        "promptly (Peru) through expeditious efforts (Malaysia) and through the legislative "
        "process (Pakistan);"
    )
    assert got["MAR"] == ["Establish a NHRI in accordance with the Paris Principles"]
    assert got["PER"] == ["Establish a NHRI in accordance with the Paris Principles promptly"]
    assert got["MYS"] == [
        "Establish a NHRI in accordance with the Paris Principles through expeditious efforts"
    ]
    assert got["PAK"] == [
        "Establish a NHRI in accordance with the Paris Principles through the legislative process"
    ]


def test_a_modifier_of_the_same_state_keeps_the_one_before() -> None:
    got = wordings(
        "Establish a national human rights commission (South Africa) in compliance with the "
        "Paris Principles (Portugal, Australia) with a strong mandate (Portugal);"
    )
    assert got["PRT"][-1] == (
        "Establish a national human rights commission in compliance with the Paris "
        "Principles with a strong mandate"
    )


def test_pronoun_object_is_no_bare_verb() -> None:
    got = wordings(
        "Ensure an independent judicial system (Sweden), reform it (Nigeria), and increase "
        "the financial and human resources available to it (Czech Republic);"
    )
    assert got["NGA"] == ["reform it"]


def test_wording_left_waiting_for_its_object_takes_the_one_named_later() -> None:
    got = wordings(
        "Proceed with ratifying (Cyprus)/accelerate the ratification of (Romania)/ratify the "
        "Rome Statute of the International Criminal Court (Austria, Greece);"
    )
    assert got["CYP"] == [
        "Proceed with ratifying the Rome Statute of the International Criminal Court"
    ]
    assert got["ROU"] == [
        "accelerate the ratification of the Rome Statute of the International Criminal Court"
    ]
    assert got["AUT"] == ["ratify the Rome Statute of the International Criminal Court"]


def test_bare_verb_skips_a_piece_that_only_says_when() -> None:
    got = wordings(
        "Ratify (Chile, Mexico) as soon as possible (France) the Optional Protocol to the "
        "Convention against Torture, and create a national mechanism (France);"
    )
    assert got["CHL"] == ["Ratify the Optional Protocol to the Convention against Torture"]
    assert got["FRA"][0].startswith(
        "Ratify as soon as possible the Optional Protocol to the Convention against Torture"
    )


def test_do_so_takes_the_wording_before_it() -> None:
    got = wordings(
        "To ratify the Optional Protocol to the Convention against Torture (Mexico) and to do "
        "so as soon as possible (United Kingdom, Netherlands);"
    )
    assert got["MEX"] == ["To ratify the Optional Protocol to the Convention against Torture"]
    assert got["GBR"] == [
        "To ratify the Optional Protocol to the Convention against Torture as soon as possible"
    ]


def test_request_to_the_authorities_of_the_state() -> None:
    report = cycle1_report(
        "3. The Holy See commended the mechanisms put in place. The Holy See encouraged the "
        "authorities of Freedonia to investigate the abduction of children. The Holy See "
        "requested Freedonia to share the findings of the special bodies.\n",
        "II. Conclusions and/or recommendations\n"
        "6. The recommendations listed below enjoy the support of Freedonia:\n"
        "1. Ratify the ICCPR (Sweden);\n"
        "7. Other recommendations noted in the report in paragraph 3 above will be examined "
        "by Freedonia.\n"
        "8. All conclusions and/or recommendations contained in the present report reflect "
        "the position of the submitting State(s).\n",
    )
    got = _texts(report)
    assert got["3"] == (("VAT",), "investigate the abduction of children")
    assert got["3(s2)"] == (("VAT",), "share the findings of the special bodies")


# ------------------------------------------------------------------ page furniture


def test_end_of_a_footnote_from_the_page_before_is_no_wording() -> None:
    page = "\n".join(
        [
            "A/HRC/25/99",
            "128.13. Consider ratifying OP-CRC-IC (Seychelles);5",
            "128.27. Give continuity to the measures for a more inclusive society (Nepal);",
            "128.28. Continue with its resolve towards the promotion of the human rights of",
            "all its citizens (Zambia);",
            "the CRC (OP-CRC-IC)” (Montenegro).",
            " 5 The recommendation as read during the interactive dialogue: “Ratify the third",
            "Optional Protocol” (Seychelles).",
        ]
    )
    lines = _clean_page(page)
    assert lines[-1] == "all its citizens (Zambia);"


def test_a_quotation_closed_inside_an_item_stays() -> None:
    page = "\n".join(
        [
            "A/HRC/25/99",
            "94.2. Consider ratifying the 1951 Refugee Convention, bearing in mind the goals",
            "entitled “Human rights goals” (Brazil);",
            "94.3. Bear in mind resolution 9/12, “Human rights",
            "goals” (Brazil);",
        ]
    )
    assert _clean_page(page)[-1] == "goals” (Brazil);"


def test_words_left_waiting_take_only_an_object_that_follows_a_verb() -> None:
    got = wordings(
        "Proceed as soon as possible with the publication and implementation of (Algeria)/"
        "Finalise and publish at an early date and then swiftly implement its National Plan "
        "(Singapore)."
    )
    # The first article after the slash ("at an early date") is no object: left as printed.
    assert got["DZA"] == ["Proceed as soon as possible with the publication and implementation of"]
    got = wordings(
        "Consider the possibility of signing and/or ratifying (Argentina)/consider (Chile), "
        "with priority, (Italy) ratifying the Convention on the Rights of Persons with "
        "Disabilities, and ensuring its full implementation (New Zealand);"
    )
    assert got["ARG"] == [
        "Consider the possibility of signing and/or ratifying the Convention on the Rights of "
        "Persons with Disabilities"
    ]


def test_modifier_after_a_list_item_completes_the_whole_list() -> None:
    got = wordings(
        "Ratify the Convention on the Rights of Persons with Disabilities (Brazil) and the "
        "Optional Protocol thereto (Iraq) as soon as possible (Greece);"
    )
    assert got["GRC"] == [
        "Ratify the Convention on the Rights of Persons with Disabilities and the Optional "
        "Protocol thereto as soon as possible"
    ]


def test_object_taken_from_further_on_stops_at_another_states_addition() -> None:
    got = wordings(
        "Ratify (France) as soon as possible (Chile)/consider the possibility of signing and "
        "ratifying (Argentina) the CED, as well as accepting the competence of its Committee "
        "(Argentina);"
    )
    assert got["FRA"] == ["Ratify the CED"]
