"""Wordings the reader cut wrongly in heavily clustered cycle-1 paragraphs: parallel phrases,
modifiers of other states' wordings and questions in a dialogue item (synthetic paragraphs
modelled on Uzbekistan 2009 paragraphs 105-106 and 50, Serbia 2009 paragraph 57 and Romania
2008 paragraph 58)."""

from __future__ import annotations

from .report_helpers import cycle1_report, wordings


def test_a_verb_after_as_well_as_opens_the_next_wording() -> None:
    # Romania 2008, 58.12: Ukraine recommended only what follows "as well as".
    parts = wordings(
        "To take further measures against smuggling of migrants, including training for "
        "border guards (Chile) and to strengthen protection of smuggled migrants against "
        "prosecution (Peru) as well as to continue to improve assistance to victims, as well "
        "as to raise public awareness of the risks (Kenya);"
    )
    assert parts["KEN"] == [
        "to continue to improve assistance to victims, as well as to raise public awareness "
        "of the risks"
    ]
    assert parts["PER"] == ["to strengthen protection of smuggled migrants against prosecution"]


def test_as_well_as_before_a_noun_still_completes_the_wording() -> None:
    parts = wordings(
        "To protect the rights of migrant workers (Chile) as well as their families (Peru);"
    )
    assert parts["PER"] == ["To protect the rights of migrant workers as well as their families"]


def test_and_of_phrase_stands_where_the_first_of_phrase_stood() -> None:
    # Serbia 2009, 57.19: "freedom of expression (Sweden, Ireland) and of the media (Canada)".
    parts = wordings(
        "To adopt measures to secure full respect for freedom of assembly (Norway, Chile) and "
        "of association (Ghana); to investigate all attacks on journalists (Norway);"
    )
    assert parts["GHA"] == ["To adopt measures to secure full respect for freedom of association"]
    assert parts["CHL"] == ["To adopt measures to secure full respect for freedom of assembly"]


def test_noun_phrase_joined_to_another_states_verb_takes_that_verb() -> None:
    # Serbia 2009, 57.20: Switzerland's "freedom of expression" is a second object of
    # "ensure", which was said for France and the Czech Republic.
    parts = wordings(
        "To support the work of journalists (Norway, Peru, Ghana) and take all necessary "
        "measures to ensure their protection (Chile, Kenya) and freedom of movement (Ghana), "
        "and ensure they can work freely (Chile);"
    )
    assert parts["GHA"] == [
        "To support the work of journalists and take all necessary measures to ensure freedom "
        "of movement"
    ]
    assert parts["NOR"] == ["To support the work of journalists"]
    assert parts["KEN"] == ["take all necessary measures to ensure their protection"]


def test_long_noun_phrase_after_and_joins_the_wording_a_later_modifier_completes() -> None:
    # Uzbekistan 2009, 106.4: Sweden, named only for "in particular in places of detention",
    # recommended preventing torture and other ill-treatment there.
    parts = wordings(
        "Take all necessary measures to prevent torture (Norway, Chile, Peru) and other cruel, "
        "inhuman or degrading treatment or punishment (Peru, Chile), in particular in places "
        "of detention (Peru, Ghana);"
    )
    assert parts["GHA"] == [
        "Take all necessary measures to prevent torture and other cruel, inhuman or degrading "
        "treatment or punishment in particular in places of detention"
    ]
    assert parts["NOR"] == ["Take all necessary measures to prevent torture"]


def test_adverb_led_verb_phrase_does_not_join_the_wording_before() -> None:
    # Pakistan 2008, 106.1: "and effectively protect ..." is a verb phrase of its own.
    parts = wordings(
        "To repeal restrictions on freedom of religion and amend legislation that "
        "discriminates against minorities (Chile) and effectively protect the exercise of "
        "freedom of religion of all citizens (Peru) and the repeal of laws discriminating "
        "against minorities (Ghana);"
    )
    assert not parts["GHA"][0].startswith("To repeal restrictions")


def test_parallel_prepositional_phrase_is_a_second_wording_of_the_states_named_before() -> None:
    # Uzbekistan 2009, 106.5: "... of the ICRC to detention and prison facilities (Czech
    # Republic) to all detention facilities (Slovakia, Poland, Czech Republic, Hungary)".
    parts = wordings(
        "Ensure better access of every detainee to lawyers (Kenya), continue to allow regular "
        "access of the ICRC to police detention and prison facilities (Norway) to all "
        "detention facilities (Peru, Norway, Kenya) in accordance with its working methods "
        "(Peru);"
    )
    allow = "continue to allow regular access of the ICRC"
    assert parts["KEN"] == [
        "Ensure better access of every detainee to lawyers",
        f"{allow} to all detention facilities",
    ]
    assert sorted(parts["NOR"]) == [
        f"{allow} to all detention facilities",
        f"{allow} to police detention and prison facilities",
    ]
    assert parts["PER"] == [
        f"{allow} to all detention facilities in accordance with its working methods"
    ]


def test_infinitive_after_to_is_no_parallel_prepositional_phrase() -> None:
    # Nicaragua 2010, 90.12: Bolivia's "to ensure that ..." is its own wording.
    parts = wordings(
        "Continue to promote programmes related to the promotion of tolerance (Chile), to "
        "ensure that the enjoyment of human rights is a reality for all (Peru);"
    )
    assert parts["PER"] == ["to ensure that the enjoyment of human rights is a reality for all"]


def test_narrowing_modifier_of_another_states_wording_is_a_second_wording() -> None:
    # Uzbekistan 2009, 105.5: Mexico's "particularly to those that have requested to visit"
    # narrows Ukraine's "extend invitations", not Mexico's own standing invitation.
    parts = wordings(
        "Strengthen cooperation with the treaty bodies (Ghana); to consider issuing a standing "
        "invitation to special procedures (Chile, Peru), extend invitations to the thematic "
        "special procedures (Ghana) particularly to those that have requested a visit (Chile, "
        "Kenya) and in particular the Special Rapporteur on torture (Norway, Peru);"
    )
    extend = "extend invitations to the thematic special procedures"
    assert parts["CHL"] == [
        "to consider issuing a standing invitation to special procedures",
        f"{extend} particularly to those that have requested a visit",
    ]
    assert parts["PER"] == [
        "to consider issuing a standing invitation to special procedures",
        f"{extend} in particular the Special Rapporteur on torture",
    ]
    assert parts["KEN"] == [f"{extend} particularly to those that have requested a visit"]


def test_list_item_with_no_article_before_it_is_the_object_of_the_last_preposition() -> None:
    # Serbia 2009, 57.4: "promotion of child rights (Greece) and the rights of persons
    # belonging to national minorities (Romania)".
    parts = wordings(
        "To strengthen the national human rights commission (Chile, Peru) and widen its "
        "mandate to the courts (Ghana); and include, inter alia, monitoring and promotion of "
        "women's rights (Chile) and the rights of persons belonging to minorities (Peru);"
    )
    assert parts["PER"][-1] == (
        "include, inter alia, monitoring and promotion of the rights of persons belonging to "
        "minorities"
    )


def test_list_item_sharing_no_noun_is_not_put_after_the_preposition() -> None:
    # Bangladesh 2009, 94.15: "the adoption ..." shares no noun with "against women".
    parts = wordings(
        "Continue combating discrimination and violence against women (Chile) and the "
        "adoption of a uniform family code (Peru);"
    )
    assert "against the adoption" not in parts["PER"][0]


def test_question_asked_in_the_same_sentence_is_no_part_of_the_item() -> None:
    # Uzbekistan 2009, 50 (b): "to eliminate restrictions on the activities of human rights
    # NGOs, and wished to know whether restrictions continue to be imposed ...".
    dialogue = (
        "3. Spain enquired about the readiness of Freedonia (a) to release all detained "
        "journalists. It enquired about its readiness (b) to eliminate restrictions on the "
        "activities of NGOs, and wished to know whether restrictions continue to be imposed "
        "on foreign NGOs.\n"
    )
    section = (
        "II. Conclusions and/or recommendations\n"
        "6. The recommendations listed below enjoy the support of Freedonia:\n"
        "1. Ratify the ICCPR (Sweden);\n"
        "7. The following recommendations did not enjoy the support of Freedonia: "
        "paragraph 3 (a, b).\n"
        "8. All conclusions and/or recommendations contained in the present report reflect "
        "the position of the submitting State(s).\n"
    )
    report = cycle1_report(dialogue, section)
    got = {i.paragraph: i.text for i in report.items}
    assert got["3(b)"] == "to eliminate restrictions on the activities of NGOs"
    assert got["3(a)"] == "to release all detained journalists"


def test_list_item_goes_on_with_the_wording_of_the_states_it_names_again() -> None:
    # Uzbekistan 2009, 105.1, with its unclosed "(United Kingdom,": Slovakia's "and the Rome
    # Statute" is the object of "Consider ratifying", which Mexico and Brazil said before.
    parts = wordings(
        "Consider ratifying OP-CAT (Norway, Chile, Peru) in the near future (Peru), signing the "
        "Optional Protocol (Ghana) and take the necessary measures at the national level in "
        "order to do so (Norway, and the Rome Statute of the International Criminal Court "
        "(Chile, Kenya);"
    )
    assert parts["KEN"] == [
        "Consider ratifying the Rome Statute of the International Criminal Court"
    ]
    assert parts["NOR"] == [
        "Consider ratifying OP-CAT and take the necessary measures at the national level in "
        "order to do so"
    ]


def test_gerund_stands_where_the_gerund_before_stood() -> None:
    # Uzbekistan 2009, 105.1: Sweden's ", signing the Optional Protocol" after "Consider
    # ratifying OP-CAT" is "Consider signing the Optional Protocol".
    parts = wordings(
        "Consider ratifying OP-CAT (Norway, Chile), signing the Optional Protocol (Peru);"
    )
    assert parts["PER"] == ["Consider signing the Optional Protocol"]
