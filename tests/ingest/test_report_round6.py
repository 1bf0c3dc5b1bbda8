"""Wordings chained by "/" whose verbs wait for an object named further on (synthetic
paragraphs modelled on the cycle-1 reports, e.g. Canada 2009 paragraph 86)."""

from __future__ import annotations

from .report_helpers import wordings


def test_bare_verbs_take_the_object_but_not_the_next_recommendation() -> None:
    # Brazil and Azerbaijan are not named after "the OP-CAT": "and establish ..." is the
    # recommendation of the states in the parenthesis that follows it.
    parts = wordings(
        "Consider signing and ratifying (Brazil, Chile)/accede to (Liechtenstein; Czech "
        "Republic) /ratify (Denmark; France; Chile; Azerbaijan) the OP-CAT and establish an "
        "effective National Preventive Mechanism (Denmark; Liechtenstein; France; Czech "
        "Republic) as required under the Protocol (Liechtenstein);"
    )
    assert parts["BRA"] == ["Consider signing and ratifying the OP-CAT"]
    assert parts["AZE"] == ["ratify the OP-CAT"]
    assert parts["DNK"] == [
        "ratify the OP-CAT and establish an effective National Preventive Mechanism"
    ]
    assert parts["LIE"] == [
        "accede to the OP-CAT and establish an effective National Preventive Mechanism "
        "as required under the Protocol"
    ]


def test_a_repeated_bare_alternative_adds_nothing_to_the_state_wording() -> None:
    # Chile, named for "signing and ratifying" and again for "/ratify", recommended one thing.
    parts = wordings(
        "Consider signing and ratifying (Brazil, Chile)/ratify (Denmark; Chile) the OP-CAT "
        "(Denmark);"
    )
    assert parts["CHL"] == ["Consider signing and ratifying the OP-CAT"]


def test_a_new_verb_in_the_alternative_stays_with_the_state() -> None:
    # Spain's "/ratify" is no repetition of its "Sign": both stay in its wording.
    parts = wordings(
        "Sign (Spain)/ ratify (Spain; Austria) the Optional Protocol (Spain; Austria);"
    )
    assert parts["ESP"] == ["Sign / ratify the Optional Protocol"]


def test_object_after_the_verbs_of_an_alternative() -> None:
    parts = wordings("Consider ratifying (Jordan)/ratify as soon as possible ICRPD (Chile, China);")
    assert parts["JOR"] == ["Consider ratifying ICRPD"]
    assert parts["CHL"] == ["ratify as soon as possible ICRPD"]


def test_several_bare_alternatives_share_the_last_object() -> None:
    parts = wordings(
        "Accede to (Algeria)/sign and ratify (Azerbaijan)/ sign ICRMW (Chile, Egypt, Mexico);"
    )
    assert parts["DZA"] == ["Accede to ICRMW"]
    assert parts["AZE"] == ["sign and ratify ICRMW"]
    assert parts["MEX"] == ["sign ICRMW"]


def test_adverbial_of_a_bare_verb_takes_the_object_too() -> None:
    parts = wordings(
        "Ratify (France) as soon as possible (Chile)/consider the possibility of signing and "
        "ratifying (Argentina) the CED, as well as accepting the competence of its Committee "
        "(Argentina);"
    )
    assert parts["FRA"] == ["Ratify the CED"]
    assert parts["CHL"] == ["Ratify as soon as possible the CED"]


def test_alternative_without_an_object_after_its_verbs_completes_nothing() -> None:
    # "/Finalise and publish at an early date": "at" starts no object of "implementation of".
    parts = wordings(
        "Accelerate the implementation of (Algeria)/Finalise and publish at an early date "
        "the national action plan (Norway);"
    )
    assert parts["DZA"] == ["Accelerate the implementation of"]


def test_as_appropriate_continues_the_wording_before() -> None:
    parts = wordings(
        "Effectively implement United Nations treaty bodies' recommendations (Azerbaijan) and "
        "as appropriate on indigenous people (Jordan); implement in national norms the "
        "commitments made (Bolivia);"
    )
    assert parts["JOR"] == [
        "Effectively implement United Nations treaty bodies' recommendations and as "
        "appropriate on indigenous people"
    ]
    assert parts["AZE"] == ["Effectively implement United Nations treaty bodies' recommendations"]
