"""The Working Group report parser: layouts, states, furniture, errors, and the real corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from uprlens.errors import BadRecord, UnknownState, UnsupportedSource
from uprlens.ids import parse_id
from uprlens.ingest.report import (
    looks_like_report,
    parse_report_text,
    read_report,
    to_batch,
)
from uprlens.ingest.tables import cycle_for_session
from uprlens.lexicons.states import registry

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

COVER = """GE.13-19030 (E) 090114
Human Rights Council
Twenty-fifth session
Agenda item 6
Universal Periodic Review
Report of the Working Group on the Universal Periodic Review*
Freedonia
United Nations A/HRC/25/99
General Assembly Distr.: General
4 December 2013
"""
FIRST = """A/HRC/25/99
GE.13-19030 3
Introduction
1. The Working Group on the Universal Periodic Review, established in accordance with
Human Rights Council resolution 5/1, held its seventeenth session from 21 October to
1 November 2013. The review of Chile was held at the 5th meeting on 22 October 2013.
2. Something else happened.
"""


def cycle2_pages(items: str, *, intro: str = "") -> list[str]:
    section = (
        "A/HRC/25/99\n4\n"
        "II. Conclusions and/or recommendations\n"
        + (intro or "120. The following recommendations enjoy the support of Chile:\n")
        + items
        + "\n122. All conclusions and/or recommendations contained in the present report "
        "reflect the position of the submitting State(s).\n"
    )
    return [COVER, FIRST, section]


def only(report, paragraph):
    (item,) = [i for i in report.items if i.paragraph == paragraph]
    return item


def test_identity_is_read_from_the_text():
    report = parse_report_text(cycle2_pages("120.1. Ratify the ICCPR (Brazil);\n"), source="x.pdf")
    assert report.symbol == "A/HRC/25/99"
    assert report.session == 17
    assert report.cycle == 2
    assert report.year == 2013
    assert report.sur == "CHL"


@pytest.mark.parametrize(
    ("session", "cycle"), [(1, 1), (12, 1), (13, 2), (26, 2), (27, 3), (40, 3), (41, 4)]
)
def test_cycle_of_session(session, cycle):
    assert cycle_for_session(session) == cycle


STATE_CASES = [
    # (items text, paragraph, expected [(part text, states)])
    (
        "120.1. Ratify the ICCPR (Costa Rica) (El Salvador);",
        "120.1",
        [("Ratify the ICCPR", ("CRI", "SLV"))],
    ),
    (
        "120.1. Ratify the ICCPR (Brazil, Austria);",
        "120.1",
        [("Ratify the ICCPR", ("BRA", "AUT"))],
    ),
    (
        "120.1. Set out a clear timetable (United Kingdom of Great Britain and Northern\nIreland);",
        "120.1",
        [("Set out a clear timetable", ("GBR",))],
    ),
    (
        "120.1. Adopt a plan (Bosnia and Herzegovina);",
        "120.1",
        [("Adopt a plan", ("BIH",))],
    ),
    (
        "120.1. Implement the action plan (2016–2020) and ratify the ICRMW (ICRMW)\n(Philippines);",
        "120.1",
        [("Implement the action plan (2016–2020) and ratify the ICRMW (ICRMW)", ("PHL",))],
    ),
    (
        "120.1. Ratify ICCPR (Albania); Timely ratify the ICCPR (Japan);",
        "120.1",
        [("Ratify ICCPR", ("ALB",)), ("Timely ratify the ICCPR", ("JPN",))],
    ),
    (
        "120.1. Continue training (Iran (Islamic Republic of));",
        "120.1",
        [("Continue training", ("IRN",))],
    ),
    (
        "120.1. Abolish the death penalty (Belgium)1;",
        "120.1",
        [("Abolish the death penalty", ("BEL",))],
    ),
    (
        "120.1. Finalise the plan (Algeria)/Publish the plan (Singapore);",
        "120.1",
        [("Finalise the plan", ("DZA",)), ("Publish the plan", ("SGP",))],
    ),
    (
        # Wordings chained by "/" share the words after the last parenthesis.
        "120.1. Consider ratifying (Mauritius)/ratify (Argentina) the OP-CAT;",
        "120.1",
        [("Consider ratifying the OP-CAT", ("MUS",)), ("ratify the OP-CAT", ("ARG",))],
    ),
    (
        # Attributed piece by piece: each state gets the pieces that name it.
        "120.1. Sign (Germany, Spain) and ratify (Germany, Spain, Maldives) the CAT (Germany,\n"
        "Spain, Maldives) and its Optional Protocol (Germany, Maldives);",
        "120.1",
        [
            ("Sign and ratify the CAT and its Optional Protocol", ("DEU",)),
            ("Sign and ratify the CAT", ("ESP",)),
            ("ratify the CAT and its Optional Protocol", ("MDV",)),
        ],
    ),
    (
        # A misprinted name is forgiven only when it is long and near-certain.
        "120.1. Ratify the CRPD (Russia Federation);",
        "120.1",
        [("Ratify the CRPD", ("RUS",))],
    ),
    (
        # A missing opening parenthesis in the report.
        "120.1. Ratify the Rome Statute of the International Criminal Court Ghana);",
        "120.1",
        [("Ratify the Rome Statute of the International Criminal Court", ("GHA",))],
    ),
]


@pytest.mark.parametrize(("items", "paragraph", "expected"), STATE_CASES)
def test_states_are_split_and_resolved(items, paragraph, expected):
    report = parse_report_text(cycle2_pages(items), source="x.pdf")
    item = only(report, paragraph)
    assert [(p.text, p.states) for p in item.parts] == expected


def test_state_name_broken_over_a_page():
    pages = cycle2_pages("120.1. Ratify the ICCPR (United Kingdom of Great Britain")
    pages.append("A/HRC/25/99\n5\nand Northern Ireland);\n120.2. Ratify the CAT (Chile);\n")
    # The disclaimer has to come last: move it to the new page.
    pages[2] = pages[2].split("122. All")[0]
    pages[3] += "122. All conclusions and/or recommendations contained in the report.\n"
    report = parse_report_text(pages, source="x.pdf")
    assert [(p.text, p.states) for p in only(report, "120.1").parts] == [
        ("Ratify the ICCPR", ("GBR",))
    ]
    assert only(report, "120.2").page == 4


def test_page_furniture_and_footnotes_are_removed():
    section = (
        "A/HRC/25/99\n4\n"
        "II. Conclusions and/or recommendations\n"
        "120. The following recommendations enjoy the support of Chile:\n"
        "120.1. Promote the rights of women and ensure non-\n"
        "discrimination in law (Chile)1;\n"
        "120.2. Strengthen the national human rights institution in line with\n"
        "1 The recommendation as read during the interactive dialogue: review it.\n"
        "GE.13-19030\n"
    )
    next_page = (
        "A/HRC/25/99\n5\n"
        "the Paris Principles (Peru);\n"
        "121. All conclusions and/or recommendations contained in the present report.\n"
    )
    report = parse_report_text([COVER, FIRST, section, next_page], source="x.pdf")
    first = only(report, "120.1")
    # The footnote marker after the state goes; the compound keeps its hyphen.
    assert first.text == "Promote the rights of women and ensure non-discrimination in law (Chile);"
    assert first.parts[0].text == "Promote the rights of women and ensure non-discrimination in law"
    second = only(report, "120.2")
    assert second.text == (
        "Strengthen the national human rights institution in line with the Paris Principles (Peru);"
    )
    assert second.parts[0].states == ("PER",)
    assert second.page == 3


def test_words_broken_by_the_text_layer_are_rejoined():
    items = (
        "120.1. Continue the ratification of instruments (Chile);\n"
        "120.2. Speed up the rati fication of the ICCPR (Peru);\n"
        "120.3. Cooperate in to the future (Peru);\n"
    )
    report = parse_report_text(cycle2_pages(items), source="x.pdf")
    assert only(report, "120.2").parts[0].text == "Speed up the ratification of the ICCPR"
    # Two common words stay apart.
    assert only(report, "120.3").parts[0].text == "Cooperate in to the future"


def test_positions_come_from_the_introducing_paragraph():
    items = (
        "120.1. Ratify the ICCPR (Brazil);\n"
        "121. The following recommendations did not enjoy the support of Chile and are thus "
        "noted:\n"
        "121.1. Abolish the army (Peru);\n"
    )
    report = parse_report_text(cycle2_pages(items), source="x.pdf")
    assert only(report, "120.1").position == "supported"
    assert only(report, "120.1").position_source == "A/HRC/25/99 para 120"
    assert only(report, "121.1").position == "noted"
    assert only(report, "121.1").position_source == "A/HRC/25/99 para 121"


def test_items_declared_implemented_later_keep_the_words():
    items = (
        "120.1. Ratify the ICCPR (Brazil);\n120.2. Ratify the CAT (Peru);\n"
        "121. Chile considers that the recommendations in paragraphs 120.2 above have "
        "already been implemented.\n"
    )
    report = parse_report_text(cycle2_pages(items), source="x.pdf")
    assert only(report, "120.1").qualifier is None
    assert "already been implemented" in only(report, "120.2").qualifier
    assert only(report, "120.2").position == "supported"


CYCLE1_DIALOGUE = """A/HRC/25/99
GE.13-19030 5
B. Interactive dialogue and responses by the State under review
3. Australia welcomed the improvements. It recommended that Chile: (a) strengthen the
protection of minorities. It further recommended (b) abolish the death penalty; and (c)
publish figures on executions.
4. Brazil recommended to Chile (a) to ratify the ICCPR and to adhere to both the (b) Rome
Statute of the ICC and (c) the OP-CAT.
5. Hungary welcomed the steps taken. Hungary recommended that Chile accept different
opinion expressed through peaceful demonstration.
"""
CYCLE1_SECTION = """A/HRC/25/99
GE.13-19030 6
II. Conclusions and/or recommendations
6. The recommendations formulated during the interactive dialogue have been examined by
Chile and the recommendations listed below enjoy the support of Chile:
1. Create conditions for the ratification of the ICCPR (Sweden); Analyse the possibility of
ratifying ICCPR (Argentina, Brazil);
2. Continue its efforts (Oman).
7. The following recommendations will be examined by Chile which will provide responses in
due time:
1. Reduce the number of crimes carrying the death penalty (Australia, Canada);
8. The recommendations noted in the report in paragraphs 3 (b), (c), 4 (b), (c), 5 did not
enjoy the support of Chile.
9. All conclusions and/or recommendations contained in the present report reflect the
position of the submitting State(s).
"""


def test_cycle1_layout_with_rejections_by_reference():
    report = parse_report_text([COVER, FIRST, CYCLE1_DIALOGUE, CYCLE1_SECTION], source="c.pdf")
    got = {i.paragraph: (i.position, i.parts[0].states, i.text) for i in report.items}
    assert list(got) == ["6.1", "6.2", "7.1", "3(b)", "3(c)", "4(b)(c)", "5"]
    assert got["6.1"][0] == "supported"
    assert [p.states for p in only(report, "6.1").parts] == [("SWE",), ("ARG", "BRA")]
    assert got["7.1"][0] == "pending"
    assert got["3(b)"] == ("noted", ("AUS",), "abolish the death penalty")
    assert got["3(c)"][2] == "publish figures on executions"
    assert (
        got["4(b)(c)"][2] == "to adhere to both the (b) Rome Statute of the ICC and (c) the OP-CAT"
    )
    assert got["5"] == (
        "noted",
        ("HUN",),
        "accept different opinion expressed through peaceful demonstration",
    )
    item = only(report, "3(b)")
    assert item.position_source == "A/HRC/25/99 para 8"
    assert item.locator == "dialogue para 3"
    assert item.page == 3
    for i in report.items:
        parse_id(f"CHL-c1-{i.paragraph}")  # every paragraph makes a valid id
    assert report.problems == []


def test_unknown_state_names_the_page():
    with pytest.raises(UnknownState) as err:
        parse_report_text(cycle2_pages("120.1. Ratify the ICCPR (Lalaland);\n"), source="x.pdf")
    assert err.value.page == 3
    assert "Lalaland" in str(err.value)
    assert "x.pdf" in str(err.value)


def test_a_half_known_state_list_is_an_error_not_text():
    with pytest.raises(UnknownState) as err:
        parse_report_text(
            cycle2_pages("120.1. Ratify the ICCPR (Brazil, Atlantis);\n"), source="x.pdf"
        )
    assert err.value.name == "Atlantis"


def test_a_recommendation_without_states_among_attributed_ones_is_an_error():
    items = "120.1. Ratify the ICCPR (Brazil);\n120.2. Ratify the CAT;\n"
    with pytest.raises(BadRecord, match="120.2 names no recommending state"):
        parse_report_text(cycle2_pages(items), source="x.pdf")


def test_not_a_report():
    with pytest.raises(UnsupportedSource, match="not a Working Group report"):
        parse_report_text(["Minutes of the meeting", "nothing"], source="m.pdf")


def test_section_not_found():
    with pytest.raises(BadRecord, match="Conclusions and/or recommendations"):
        parse_report_text([COVER, FIRST, "A/HRC/25/99\n4\n3. More dialogue.\n"], source="t.pdf")


def test_a_gap_the_text_does_not_explain_blocks_the_import(tmp_path):
    # Eight numbers missing after a closed item: lost text (a missing page), not a misprint.
    items = "120.1. Ratify the ICCPR (Brazil);\n120.10. Ratify the CAT (Peru);\n"
    report = parse_report_text(cycle2_pages(items), source="x.pdf")
    assert report.problems == ["120.2 to 120.9 missing (page 3)"]
    assert report.notes == []
    with pytest.raises(BadRecord, match="numbering"):
        to_batch(report, path=tmp_path / "x.pdf")
    batch = to_batch(report, path=tmp_path / "x.pdf", allow_numbering_problems=True)
    assert "numbering problems" in batch.title
    assert [r.paragraph for r in batch.recommendations] == ["120.1", "120.10"]


def test_a_gap_after_an_unfinished_item_is_a_problem_not_a_note():
    # 120.1 does not close with its states: the line that held 120.2 may be lost.
    items = "120.1. Ratify the ICCPR (Brazil) and\n120.3. Ratify the CAT (Peru);\n"
    report = parse_report_text(cycle2_pages(items), source="x.pdf")
    assert report.problems == ["120.2 missing (page 3)"]
    assert report.notes == []


def test_batch_ids_review_and_provenance(tmp_path):
    report = parse_report_text(
        cycle2_pages("120.1. Ratify the ICCPR (Brazil);\n120.2. Ratify the CAT (Peru);\n"),
        source="x.pdf",
    )
    batch = to_batch(report, path=tmp_path / "x.pdf", sha256="abc")
    assert batch.kind == "wg_report"
    assert batch.review.sur == "CHL" and batch.review.cycle == 2 and batch.review.session == 17
    assert batch.review.wg_report == "A/HRC/25/99"
    rec = batch.recommendations[1]
    assert rec.id == "CHL-c2-120.2"
    assert rec.provenance.page == 3 and rec.provenance.sha256 == "abc"
    assert rec.position == "supported"
    override = to_batch(report, path=tmp_path / "x.pdf", sur="Peru", session=5)
    assert override.review.sur == "PER" and override.review.cycle == 1


def test_looks_like_report():
    assert looks_like_report(COVER)
    assert not looks_like_report("Report of the Human Rights Committee")


# ---------------------------------------------------------------- the real corpus


def _shared(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared/data is absent)")
    return path


def _expected(csv_name: str) -> dict[str, tuple[str, ...]]:
    reg = registry()
    with _shared("china", csv_name).open(encoding="utf-8") as fh:
        return {
            # "95(b),(c)" there is "95(b)(c)" here: ids keep no commas.
            row["number"].replace(" ", "").replace(",", ""): tuple(
                sorted(reg.resolve(s.strip()) for s in row["recommending_state"].split(";"))
            )
            for row in csv.DictReader(fh)
        }


def _states(batch) -> dict[str, tuple[str, ...]]:
    return {r.paragraph: tuple(sorted(r.states)) for r in batch.recommendations}


@pytest.mark.shared
@pytest.mark.slow
def test_china_2013_all_252_paragraphs_with_their_states():
    (batch,) = read_report(_shared("wg-reports", "china2013.pdf"))
    assert batch.review.sur == "CHN" and batch.review.cycle == 2
    assert batch.review.session == 17 and batch.review.wg_report == "A/HRC/25/5"
    assert _states(batch) == _expected("cycle2_2013.csv")
    assert {r.position for r in batch.recommendations} == {"pending"}


@pytest.mark.shared
@pytest.mark.slow
def test_china_2009_the_119_items_with_their_states():
    (batch,) = read_report(_shared("wg-reports", "china2009.pdf"))
    assert batch.review.cycle == 1 and batch.review.session == 4
    assert _states(batch) == _expected("cycle1_2009.csv")
    by_para = {r.paragraph: r for r in batch.recommendations}
    assert by_para["114.1"].position == "supported"
    assert by_para["116.1"].position == "pending"
    assert by_para["27(b)"].position == "noted"
    assert by_para["27(b)"].position_source == "A/HRC/11/25 para 117"
    assert by_para["115.1"].position_qualifier  # "... already being implemented ..."
