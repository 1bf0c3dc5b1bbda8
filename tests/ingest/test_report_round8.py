"""A verb with its own object does not take the object of the next state's wording.

Modelled on A/HRC/10/71 (Burundi 2009), paragraph 80.15.
"""

from .report_helpers import wordings


def test_a_verb_and_its_noun_keep_to_themselves() -> None:
    got = wordings(
        "Consolidate reconciliation (Azerbaijan, Cameroon) and peace through scrupulous "
        "respect for projects developed in cooperation with the United Nations (Cameroon);"
    )
    assert got["AZE"] == ["Consolidate reconciliation"]
    assert got["CMR"] == [
        "Consolidate reconciliation and peace through scrupulous respect for projects "
        "developed in cooperation with the United Nations"
    ]


def test_a_bare_verb_still_takes_the_object_named_later() -> None:
    got = wordings("Sign (Spain) and ratify the Second Optional Protocol (Slovenia);")
    assert got["ESP"] == ["Sign the Second Optional Protocol"]


def test_a_verb_and_noun_continued_by_an_infinitive_still_takes_it() -> None:
    got = wordings(
        "Enact legislation (Austria) to definitively abolish (France, Australia) the death penalty;"
    )
    assert got["AUT"] == ["Enact legislation to definitively abolish the death penalty"]


def test_the_recommending_formula_again_starts_a_new_wording() -> None:
    # A/HRC/8/21 (Tunisia 2008), 83.5
    got = wordings(
        "Encourages Tunisia to continue working for the promotion of international solidarity "
        "(Chad, Madagascar) and calls upon it to share its experience in the development of its "
        "solidarity values (Madagascar); and further recommends Tunisia to continue working for "
        "the World Solidarity Fund (Chad, Madagascar)"
    )
    assert got["MDG"][:2] == [
        "Encourages Tunisia to continue working for the promotion of international solidarity",
        "share its experience in the development of its solidarity values",
    ]
    # the same formula inside one state's wording
    got = wordings(
        "Encourages Tunisia to continue working for solidarity and calls upon it to share its "
        "experience (Chad);"
    )
    assert got["TCD"] == [
        "Encourages Tunisia to continue working for solidarity",
        "share its experience",
    ]


def test_an_imperative_encourage_is_part_of_the_wording() -> None:
    got = wordings(
        "Support the National Human Rights Commission and encourage it to work in order to "
        "elevate its accreditation status (Algeria);"
    )
    assert got["DZA"] == [
        "Support the National Human Rights Commission and encourage it to work in order to "
        "elevate its accreditation status"
    ]


def test_support_for_another_states_recommendation_is_a_second_wording() -> None:
    # A/HRC/8/13 (Algeria 2008), 69.12
    got = wordings(
        "That Algeria implement measures to protect detainees from torture and ensure that all "
        "cases of persons detained are brought to the attention of the judiciary without delay; "
        "expresses support for the recommendation of United Kingdom regarding cooperation with "
        "special procedures mandate holders (Germany)"
    )
    assert got["DEU"] == [
        "That Algeria implement measures to protect detainees from torture and ensure that all "
        "cases of persons detained are brought to the attention of the judiciary without delay",
        "the recommendation of United Kingdom regarding cooperation with special procedures "
        "mandate holders",
    ]


def test_a_framed_dialogue_sentence_keeps_what_it_is_about() -> None:
    # A/HRC/8/13 (Algeria 2008), paragraph 63: the framing names the law the request concerns.
    from uprlens.ingest.report import _unlettered

    text = (
        "The Netherlands welcomed the report. In relation to Law No. 90-07 on freedom of "
        "expression, it recommended the drafting of a follow-up report with a view to further "
        "strengthening domestic laws on freedom of expression. It also recommended further "
        "cooperation with special procedures."
    )
    assert [t for _, t in _unlettered(63, text, lettered=False)] == [
        "In relation to Law No. 90-07 on freedom of expression, it recommended the drafting of "
        "a follow-up report with a view to further strengthening domestic laws on freedom of "
        "expression",
        "further cooperation with special procedures",
    ]
