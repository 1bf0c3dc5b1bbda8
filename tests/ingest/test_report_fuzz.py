"""Property test: the text-level report parser raises only its documented errors.

Pages are assembled from real report fragments (cover, numbered items, state parentheses,
dialogue references, furniture, footnotes) shuffled and cut at random, plus arbitrary text.
Whatever comes in, parse_report_text either returns a report whose every item is well formed
or raises UnsupportedSource, BadRecord or UnknownState. A deadline catches runaway regexes.
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uprlens.errors import BadRecord, UnknownState, UnsupportedSource
from uprlens.ids import parse_id
from uprlens.ingest.report import parse_report_text

FRAGMENTS = [
    "Report of the Working Group on the Universal Periodic Review*\nChina\n",
    "A/HRC/25/5\n",
    "GE.13-19030 14\n",
    "1. The Working Group on the Universal Periodic Review held its seventeenth session "
    "from 21 October to 1 November 2013. The review of China was held at the 5th meeting.\n",
    "II. Conclusions and/or recommendations\n",
    "Conclusions and/or recommendations ......................... 186-187 13\n",
    "186. The following recommendations will be examined by China:\n",
    "117. The recommendations noted in the report in paragraphs 27 (b), (c), 28, 31 did not "
    "enjoy the support of China.\n",
    "118. China considers that recommendations Nos. 1, 2 and 5 to 7 in paragraph 114 above are "
    "already implemented.\n",
    "186.1. Ratify ICCPR (Albania); Timely ratify the ICCPR (Japan);\n",
    "186.2 Set out a timetable (United Kingdom of Great Britain and Northern\nIreland);\n",
    "186.3. Implement the plan (2016–2020) (Costa Rica) (El Salvador);\n",
    "186.4. Continue training (Iran (Islamic Republic of);\n",
    "186.5. Ratify (Brazil, Austria)/consider ratifying (Chile) the OP-CAT\n",
    "1. Create conditions (Sweden)/Analyse (Argentina);\n",
    "2. Continue its efforts (Oman).\n",
    "27. Australia recommended that China: (a) strengthen rights; (b) abolish it; and (c) "
    "publish figures.\n",
    "28. Brazil recommended (a) to ratify and to adhere to both the (b) ICC and (c) OP-CAT.\n",
    "(Lalaland);\n",
    "(Brazil, Atlantis);\n",
    "1 The recommendation as read during the interactive dialogue.\n",
    "** Conclusions and recommendations have not been edited.\n",
    "187. All conclusions and/or recommendations contained in the present report reflect.\n",
    "Annex\nComposition of the delegation\n",
    "(((((((((((",
    ")))))))",
    "paragraphs 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 (a) (b)",
    "Nos. 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 in paragraph",
    "186.10. ratifica tion of the Co nvention (Aus tralia)1;\n",
    # patterns of the later rounds: lists after a colon, pieces pointing back, modifiers
    "186.11. Consider ratifying or acceding to: OP-CAT (France, Chile); ICRMW (Mexico);\n",
    "186.12. Address violence against women (Sweden), domestic violence (Algeria) and child "
    "abuse (Algeria, Indonesia) and combat impunity in this regard (France);\n",
    "186.13. Prevent torture (Japan); in particular by police (France) promptly (Peru) and "
    "to do so as soon as possible (Ghana);\n",
    "117. The recommendations in paragraphs 33 (a, b), 39 (a), 56, last sentence, did not "
    "enjoy the support of China.\n",
    "56. Latvia invited the authorities of China to consider a standing invitation. It also "
    "recommended that the State publish data; encourages China to act.\n",
    ": : ; ; / / (a, b, c) last sentence",
]

noise = st.text(alphabet=string.printable + "–’“”()", max_size=80)
page_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), noise), max_size=14).map("".join)
# Most documents get a real cover and a conclusions heading so the deep code runs too.
cover = st.sampled_from([FRAGMENTS[0] + FRAGMENTS[3], ""])
section = st.tuples(
    st.sampled_from([FRAGMENTS[4], FRAGMENTS[4] + FRAGMENTS[6], ""]),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS[6:]), noise), max_size=16).map("".join),
).map("".join)
documents = st.tuples(cover, st.lists(page_text, max_size=4), st.lists(section, max_size=3)).map(
    lambda t: ([t[0]] if t[0] else []) + t[1] + t[2]
)


@settings(
    max_examples=300,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(documents)
def test_parser_raises_only_documented_errors(pages):
    try:
        report = parse_report_text(pages, source="fuzz.pdf")
    except (UnsupportedSource, BadRecord, UnknownState) as exc:
        assert "fuzz.pdf" in str(exc)
        return
    assert report.items
    for item in report.items:
        assert item.page >= 1
        parse_id(f"CHN-c2-{item.paragraph}")
        for part in item.parts:
            assert all(len(s) == 3 and s.isupper() for s in part.states)
