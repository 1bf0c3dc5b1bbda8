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
        # Slovenia 2019 (a very different record): acts on named treaties and the Constitution.
        ("Ratify and implement the International Labour Organization’s 2014 Protocol to the "
         "Forced Labour Convention, 1930 (No. 29) (United Kingdom);", "specific.ratify_named"),
        ("Recognize the competence of the Committee on Enforced Disappearances to receive and "
         "consider communications (France);", "specific.recognise_competence"),
        ("Recognize Slovenian sign language in the Slovenian Constitution (Austria);",
         "specific.constitution"),
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
        "Protect the freedom of assembly, enshrined in the Constitution (Norway);",
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


CT = "Continue to implement the Counter-Terrorism Law and protect people from terrorist threats"


def test_a_frame_endorsing_for_one_sur_applies_to_that_sur_only(clf: Classifier) -> None:
    # UN experts found China's counter-terrorism framework itself violates rights (CERD 2018,
    # OHCHR 2022): asking China to continue it endorses it; asking Norway does not.
    v = clf.classify(CT, sur="CHN").labels["verdict"]
    assert v.value == "endorsing" and v.decided_by == "endorse.chn_counter_terrorism"
    assert v.evidence[0].text.startswith("Continue to implement the Counter-Terrorism")
    assert clf.classify(CT, sur="NOR").labels["verdict"].value != "endorsing"
    assert clf.classify(CT).labels["verdict"].value != "endorsing"
    qualified = "Review its counter-terrorism legislation to bring it into line with international law"
    assert clf.classify(qualified, sur="CHN").labels["verdict"].value != "endorsing"


def test_classify_many_needs_one_sur_per_text(clf: Classifier) -> None:
    from uprlens.errors import ClassifyError

    with pytest.raises(ClassifyError, match="States under Review"):
        clf.classify_many([CT, CT], surs=["CHN"])


def test_csv_sur_column(tmp_path, clf: Classifier) -> None:
    import csv

    from uprlens.classify.csvio import classify_csv

    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_text(f'text,sur\n"{CT}",China\n"{CT}",Norway\n', encoding="utf-8")
    classify_csv(src, dst, "text", sur_column="sur", classifier=clf, n_jobs=1)
    rows = list(csv.DictReader(dst.open(encoding="utf-8")))
    assert [r["verdict"] for r in rows][0] == "endorsing"
    assert rows[1]["verdict"] != "endorsing"


def test_a_sur_rule_must_name_iso3_codes(tmp_path) -> None:
    from uprlens.classify.lexicon import load_rules
    from uprlens.errors import LexiconError

    p = tmp_path / "endorsing_by_sur.jsonl"
    p.write_text('{"id": "endorse.x", "label": "endorsing", "pattern": "x", "sur": ["China"]}\n')
    with pytest.raises(LexiconError, match="ISO3"):
        load_rules(p)


def test_what_endorsing_jsonl_names_critically_vetoes_a_sur_frame(clf: Classifier) -> None:
    text = ("Continue to combat terrorism while releasing all persons arbitrarily detained in "
            "the so-called vocational education and training centres")
    assert clf.classify(text, sur="CHN").labels["verdict"].value != "endorsing"
