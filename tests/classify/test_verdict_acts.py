"""Specific acts asked for directly, in the wordings of China's third and fourth reviews.

The codebook calls these specific whatever the action category model says; the same acts
nested under a softener ("take steps towards", "expedite the efforts to") stay general, as
the China 2013 coder coded them.
"""

from __future__ import annotations

import pytest

from uprlens.classify import Classifier


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "Close all “re-education centres” in Uighur areas and facilitate the visits by the "
            "United Nations High Commissioner for Human Rights (Switzerland);",
            "specific.abolish",
        ),
        (
            "Facilitate full access to Xinjiang and Tibet for all relevant United Nations "
            "special procedures (Denmark);",
            "specific.invite_visit",
        ),
        ("Cease the arbitrary detention of Uyghurs and other Muslim groups in Xinjiang",
         "specific.abolish"),
        ("Amend the definition of subversion to remove all exercise of an individual’s human "
         "rights and fundamental freedoms from its scope.", "specific.law_change"),
        ("Repeal vague national security, counter-espionage, counter-terrorism, and sedition "
         "laws, including the National Security Law in Hong Kong.", "specific.law_change"),
        ("Implement all recommendations from the 2022 OHCHR assessment of human rights "
         "concerns in Xinjiang;", "specific.implement_named"),
        ("Immediately implement all recommendations on Xinjiang of the 2022 OHCHR assessment "
         "report and the CERD, CESCR and CEDAW reviews.", "specific.implement_named"),
    ],
)
def test_acts_asked_for_directly_are_specific(clf: Classifier, text: str, rule: str) -> None:
    v = clf.classify(text).labels["verdict"]
    assert v.value == "specific", (v.value, v.decided_by)
    assert v.decided_by == rule
    assert v.evidence and all(text[e.start : e.end] == e.text for e in v.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Take steps towards the ratification of ICCPR (Benin);",
        "Expedite the efforts to ratify the ICCPR (Republic of Korea);",
        "Improve the collection and publishing of gender-specific data in the fields of "
        "economic and social development (State of Palestine);",
        "Ensure that proper investigations are conducted in all cases of attacks on "
        "journalists (Poland);",
        "Continue to implement the recommendations accepted during the review",
    ],
)
def test_acts_under_a_softener_are_not_specific(clf: Classifier, text: str) -> None:
    assert clf.classify(text).labels["verdict"].value != "specific"


def test_a_review_of_security_legislation_names_its_subject(clf: Classifier) -> None:
    text = (
        "Review its national and regional security legislation to bring it into conformity "
        "with international human rights law and standards (Austria);"
    )
    assert clf.classify(text).labels["verdict"].value == "general"
