"""Clustered paragraphs: each state's wording must read on its own (codebook, "Unit of counting").

Synthetic paragraphs modelled on A/HRC/11/27 (Mexico 2009) and A/HRC/11/18 (Bangladesh 2009).
"""

from .report_helpers import wordings


def test_piece_pointing_back_takes_the_wording_before() -> None:
    got = wordings(
        "Ensure the timely and impartial investigation of all allegations concerning torture "
        "(Uzbekistan) and combat impunity in this regard (France, Japan)"
    )
    assert got["UZB"] == [
        "Ensure the timely and impartial investigation of all allegations concerning torture"
    ]
    assert got["FRA"] == [
        "Ensure the timely and impartial investigation of all allegations concerning torture "
        "and combat impunity in this regard"
    ]
    assert got["JPN"] == got["FRA"]


def test_clause_with_it_as_subject_keeps_its_antecedent() -> None:
    got = wordings(
        "Continue the criminal justice reforms (Turkey) and ensure that it is implemented "
        "quickly (Austria)"
    )
    assert got["TUR"] == ["Continue the criminal justice reforms"]
    assert got["AUT"] == [
        "Continue the criminal justice reforms and ensure that it is implemented quickly"
    ]


def test_pronoun_object_alone_does_not_pull_in_the_wording_before() -> None:
    # UPR Info keeps "Ratify the Protocol thereto" as its own row with the referent spelled
    # out; prefixing the earlier wording loses more rows than it gains across the corpus.
    got = wordings(
        "Implement the Convention against Torture (Benin), ratify the Optional Protocol "
        "thereto (Mexico)"
    )
    assert got["MEX"] == ["ratify the Optional Protocol thereto"]


def test_in_particular_after_semicolon_continues_the_wording() -> None:
    got = wordings(
        "Take the necessary measures to prevent the use of torture (Japan); in particular "
        "by security forces in prisons (France)"
    )
    assert got["JPN"] == ["Take the necessary measures to prevent the use of torture"]
    assert got["FRA"] == [
        "Take the necessary measures to prevent the use of torture in particular by "
        "security forces in prisons"
    ]


def test_semicolon_before_a_new_verb_still_ends_the_wording() -> None:
    got = wordings("Ratify the OP-CAT (Japan); establish a preventive mechanism (France)")
    assert got["FRA"] == ["establish a preventive mechanism"]


def test_list_after_a_colon_lead_in_keeps_the_lead_in() -> None:
    got = wordings(
        "Consider ratifying or acceding to: OP-CAT (France, Netherlands); ICRMW (Mexico); "
        "other core international treaties to which it is not a party (Slovenia); "
        "withdraw its reservations to CEDAW (Norway)."
    )
    assert got["FRA"] == ["Consider ratifying or acceding to: OP-CAT"]
    assert got["NLD"] == got["FRA"]
    assert got["MEX"] == ["Consider ratifying or acceding to: ICRMW"]
    assert got["SVN"] == [
        "Consider ratifying or acceding to: other core international treaties to which it "
        "is not a party"
    ]
    # A piece that opens with a verb is a wording of its own, not an item of the list.
    assert got["NOR"] == ["withdraw its reservations to CEDAW"]


def test_bare_noun_phrase_stands_where_the_shared_noun_stood() -> None:
    got = wordings(
        "Continue efforts to eradicate and address cases of violence against women "
        "(Indonesia, Sweden), domestic violence (Algeria) and child abuse (Algeria, Indonesia)"
    )
    assert got["SWE"] == [
        "Continue efforts to eradicate and address cases of violence against women"
    ]
    assert got["DZA"] == [
        "Continue efforts to eradicate and address cases of domestic violence and child abuse"
    ]


def test_long_lower_case_piece_is_not_taken_for_a_noun_phrase() -> None:
    # A verb missing from the verb list ("broaden") opens a longer piece: it stays as printed.
    got = wordings(
        "Amend the criminal code on torture (Chile), broaden the definition of torture to all "
        "officials (Germany)"
    )
    assert got["DEU"] == ["broaden the definition of torture to all officials"]
