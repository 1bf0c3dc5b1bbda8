"""The verdict on recommendations to states with a very different record (Norway, Uruguay,
Finland, Canada, Germany): the subjects, plans and criminal-law acts of their reviews, which
the China-built lexicons missed, and the same acts at one remove, which stay general."""

from __future__ import annotations

import pytest

from uprlens.classify import Classifier


@pytest.fixture(scope="module")
def clf() -> Classifier:
    return Classifier.load()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Develop a comprehensive, inclusive and holistic national plan of action against "
         "trafficking in persons", "specific.adopt_law"),
        ("Criminalize marital rape", "specific.criminal_law"),
        ("Decriminalize sexual activity between consenting adults of the same sex",
         "specific.criminal_law"),
        ("Adopt and ratify the Nordic Sami Convention by year 2016", "specific.ratify_named"),
        # the means a general request names is the act asked for
        ("Take further steps in advancing the protection of women and children, by ratifying "
         "the Optional Protocol to the Convention on the Elimination of All Forms of "
         "Discrimination against Women", "specific.ratify_named"),
        # a continuing recommendation with an act in a clause of its own
        ("Continue to combat racism and discrimination and adopt effective national "
         "legislation in this regard", "specific.adopt_law"),
        ("Implement a full moratorium with a view to early and total abolition of the death "
         "penalty", "specific.abolish"),
        ("Complete the process of putting in place the New National Human Rights Institution "
         "on the basis of the Paris Principles", "specific.nhri"),
        # "promote" softens only the act it governs
        ("Promote gender equality and adopt legislation to protect vulnerable groups",
         "specific.adopt_law"),
        ("Establish an independent body for the promotion and protection of human rights in "
         "conformity with the Paris Principles.", "specific.nhri"),
        # an act in a clause of its own after a softened one
        ("Work toward the abolition of the death penalty and publish execution data",
         "specific.publish"),
        ("Prohibit corporal punishment by law in all settings, including the home.",
         "specific.criminal_law"),
        ("Adhere to the Optional Protocol to the Convention against Torture",
         "specific.adhere_treaty"),
        ("Grant the United Nations High Commissioner for Human Rights and the special "
         "procedures access to all regions of China (Austria);", "specific.invite_visit"),
        ("Ratify the Marrakesh Treaty to Facilitate Access to Published Works for Persons Who "
         "Are Blind, Visually Impaired, or Otherwise Print Disabled (Brazil);",
         "specific.ratify_named"),
        ("Establish a regulatory framework to assess the human rights and environmental "
         "impacts of corporations headquartered in China", "specific.adopt_law"),
    ],
)
def test_acts_are_specific(clf: Classifier, text: str, rule: str) -> None:
    v = clf.classify(text).labels["verdict"]
    assert (v.value, v.decided_by) == ("specific", rule)
    assert v.evidence and all(text[e.start : e.end] == e.text for e in v.evidence)


@pytest.mark.parametrize(
    "text",
    [
        # a past participle names what exists, not what is asked for
        "Strengthen the measures adopted to ensure the effective prohibition of prostitution by "
        "minors under 18 years",
        "Ensure that all perpetrators of human rights violations are brought to justice, "
        "including the law enforcement officials suspected of committing acts of torture",
        "Continue carrying out administrative and judicial reforms to prepare for the "
        "ratification of the ICCPR (Egypt);",
        "Reassess the possibility of signing and ratifying the Rome Statute of the "
        "International Criminal Court",
        "Continue to take steps towards ratifying the International Convention on the "
        "Protection of the Rights of All Migrant Workers and Member of Their Families",
        "Implement training programs in the field of human rights for the police, and consider "
        "ratifying the ICRMW of 1990",
        "Promote the abolition of the death penalty.",
        "Promote the adoption of a new national migration legislation",
        "Consider ratifying the ILO Convention 169",
        # review, envisage, evaluate: category 3 asks for a study, not the act
        "Envisage ratifying the International Convention on the Protection of the Rights of "
        "All Migrant Workers and Members of Their Families",
        "Systematically review the family Code in order to amend and repeal all gender-based "
        "discriminatory provisions",
    ],
)
def test_acts_at_one_remove_are_not_specific(clf: Classifier, text: str) -> None:
    v = clf.classify(text).labels["verdict"]
    assert v.value == "general", (v.value, v.decided_by)


@pytest.mark.parametrize(
    "text",
    [
        "Develop effective measures to combat incitement to hatred, in particular measures to "
        "effectively investigate and prosecute such manifestation of intolerance",
        "Ensure the compilation of detailed statistics on the use of solitary confinement",
        "Strengthen its efforts to achieve a level of ODA up to 0.7% of GNI",
        "Continue to engage with the Aboriginal population and Torres Strait Islanders and "
        "ensure the equal protection of their fundamental rights",
        "Hold the next elections in an inclusive and transparent manner",
    ],
)
def test_subjects_beyond_china_are_named(clf: Classifier, text: str) -> None:
    v = clf.classify(text).labels["verdict"]
    assert v.value == "general", (v.value, v.decided_by)
    assert v.decided_by.startswith(("subject.", "group."))


@pytest.mark.parametrize(
    "text",
    [
        "Enact laws to criminalize contemplation of prophets and religions through all kinds of "
        "media (visual, audio and printed)",
        "Strengthen rules and regulations with regard to hatred, defamation of religions and "
        "Islamophobia",
        "Take legislative and administrative measures to end defamation of religion",
    ],
)
def test_laws_against_defamation_of_religions_are_endorsing(clf: Classifier, text: str) -> None:
    v = clf.classify(text).labels["verdict"]
    assert (v.value, v.decided_by) == ("endorsing", "endorse.defamation_of_religions")


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("Combat incitement to religious hatred", "general"),  # ICCPR art. 20
        ("Decriminalize defamation of religions and blasphemy", "specific"),
        ("Repeal the blasphemy law", "specific"),
        ("Take measures to address concerns of reports that certain communities feel targeted, "
         "profiled and harassed by Canada's national security legislation", "general"),
    ],
)
def test_critics_of_such_laws_are_not_endorsing(clf: Classifier, text: str, verdict: str) -> None:
    assert clf.classify(text).labels["verdict"].value == verdict


def test_adhering_to_a_recommendation_is_no_accession(clf: Classifier) -> None:
    v = clf.classify(
        "Adhere to the recommendation by CEDAW to closely monitor the effective implementation "
        "of the new legal framework in the Employment Act"
    ).labels["verdict"]
    assert v.decided_by != "specific.adhere_treaty"


def test_stability_first_is_endorsing_for_china_only(clf: Classifier) -> None:
    text = (
        "Continue to maintain peace and stability in the country to lay a solid foundation for "
        "the enjoyment of all human rights (Syrian Arab Republic);"
    )
    v = clf.classify(text, sur="CHN").labels["verdict"]
    assert (v.value, v.decided_by) == ("endorsing", "endorse.chn_stability_first")
    # the same words to a state at war ask for peace, not for rights to wait
    assert clf.classify(text, sur="AFG").labels["verdict"].value != "endorsing"
