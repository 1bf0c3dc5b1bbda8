"""Cycle-3 and cycle-4 layouts (2017 on), which the 243 bundled reports (cycles 1-2) lack.

The pages are built from the documented structure of A/HRC/40/6 (China, 2018): "28.1" items
each ending in one or more state parentheses, states under their current UN names (Czechia,
Türkiye, Eswatini, Cabo Verde, North Macedonia, State of Palestine), and the "will be examined"
or "enjoy its support" / "have been noted" headings. No real cycle-3 report is in
../shared/data, so these are synthetic.
"""

from __future__ import annotations

from uprlens.ingest.report import parse_report_text

COVER = """GE.18-22170(E)
Human Rights Council
Fortieth session
25 February–22 March 2019
Agenda item 6
Universal periodic review
Report of the Working Group on the Universal Periodic Review*
China
United Nations A/HRC/40/6
"""
FIRST = """A/HRC/40/6
2 GE.18-22170
Introduction
1. The Working Group on the Universal Periodic Review, established in accordance with
Human Rights Council resolution 5/1, held its thirty-first session from 5 to 16 November
2018. The review of China was held at the 3rd meeting, on 6 November 2018.
"""
SEC = """A/HRC/40/6
GE.18-22170 11
II. Conclusions and/or recommendations**
28. The following recommendations will be examined by China, which will provide
responses in due time, but no later than the fortieth session of the Human Rights
Council:
28.1 Consider ratifying the International Convention on the Protection of the Rights of
All Migrant Workers and Members of Their Families (Philippines);
28.2 Ratify the International Covenant on Civil and Political Rights (Czechia) (Türkiye);
28.3 Safeguard its political system and the development path chosen by its own people
(State of Palestine);
28.4 Continue its efforts to combat terrorism in accordance with law (Bolivarian
Republic of Venezuela);
28.5 Cooperate with OHCHR to facilitate a visit by the High Commissioner (North
Macedonia);
** The conclusions and recommendations have not been edited.
"""
SEC2 = """A/HRC/40/6
12 GE.18-22170
28.6 Implement the recommendations of the Committee on the Elimination of Racial
Discrimination (Eswatini);
28.7 Share its experience in poverty alleviation with other developing countries (Cabo
Verde);
29. All conclusions and/or recommendations contained in the present report reflect the
position of the submitting State(s) and/or the State under review. They should not be
construed as endorsed by the Working Group as a whole.
"""

SEC3 = """A/HRC/40/6
GE.18-22170 11
II. Conclusions and/or recommendations
116. The following recommendations have been examined by Norway and enjoy its support:
116.1 Ratify the Optional Protocol to the Convention on the Rights of Persons with
Disabilities (Côte d’Ivoire);
116.2 Strengthen measures against hate speech (Holy See);
117. The following recommendations have been examined by Norway and have been noted:
117.1 Ratify the International Convention on the Protection of the Rights of All Migrant
Workers and Members of Their Families (Sri Lanka) (Indonesia);
117.2 Withdraw its reservations to the Convention (Iran (Islamic Republic of));
118. All conclusions and/or recommendations contained in the present report reflect the
position of the submitting State(s) and/or the State under review.
"""


def _items(report):
    return [(i.paragraph, i.position, [(p.text, p.states) for p in i.parts]) for i in report.items]


def test_cycle3_pending_items_with_current_state_names():
    report = parse_report_text([COVER, FIRST, SEC, SEC2], source="chn2018.pdf")
    assert (report.sur, report.session, report.problems) == ("CHN", 31, [])
    items = _items(report)
    assert [p for p, _, _ in items] == [f"28.{n}" for n in range(1, 8)]
    assert {pos for _, pos, _ in items} == {"pending"}
    states = [tuple(s for _, sts in parts for s in sts) for _, _, parts in items]
    assert states == [("PHL",), ("CZE", "TUR"), ("PSE",), ("VEN",), ("MKD",), ("SWZ",), ("CPV",)]
    # line breaks inside a wording and inside a state's name are joined
    assert items[0][2][0][0] == (
        "Consider ratifying the International Convention on the Protection of the Rights of "
        "All Migrant Workers and Members of Their Families"
    )
    assert items[6][2][0][0] == (
        "Share its experience in poverty alleviation with other developing countries"
    )


def test_cycle3_supported_and_noted_headings():
    first = FIRST.replace("China", "Norway").replace("thirty-first", "thirty-third")
    report = parse_report_text([COVER.replace("China", "Norway"), first, SEC3], source="nor.pdf")
    assert (report.sur, report.session) == ("NOR", 33)
    assert [(p, pos) for p, pos, _ in _items(report)] == [
        ("116.1", "supported"),
        ("116.2", "supported"),
        ("117.1", "noted"),
        ("117.2", "noted"),
    ]
    assert _items(report)[3][2] == [("Withdraw its reservations to the Convention", ("IRN",))]
