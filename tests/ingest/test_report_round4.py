"""Wordings cut short, from patterns seen in the cycle-1 reports (synthetic text)."""

from __future__ import annotations

from uprlens.ingest.report import _clean_page

from .report_helpers import wordings


def test_adverb_piece_completes_the_wording_before_it() -> None:
    got = wordings(
        "To consider ratifying the Convention on the Rights of Persons with Disabilities "
        "(Brazil) as soon as possible (Chile);"
    )
    assert got["BRA"] == [
        "To consider ratifying the Convention on the Rights of Persons with Disabilities"
    ]
    assert got["CHL"] == [
        "To consider ratifying the Convention on the Rights of Persons with "
        "Disabilities as soon as possible"
    ]


def test_list_item_after_semicolon_takes_the_verb_of_the_list() -> None:
    got = wordings(
        "To consider ratifying the Convention against Torture (Brazil), the Optional Protocol "
        "thereto (Mexico); and the International Convention for the Protection of All Persons "
        "from Enforced Disappearance (Peru);"
    )
    assert got["PER"] == [
        "To consider ratifying the International Convention for the Protection of All "
        "Persons from Enforced Disappearance"
    ]


def test_new_sentence_after_semicolon_is_left_alone() -> None:
    got = wordings("Ratify the Convention (Brazil); and abolish the death penalty (Peru);")
    assert got["PER"] == ["abolish the death penalty"]


def test_footnote_markers_around_state_names() -> None:
    got = wordings(
        "Consider (New Zealand, Chile, 1 China, 2 Mexico 3), with priority, (Italy) 4 "
        "ratifying the Convention on the Rights of Persons with Disabilities;"
    )
    assert got["CHN"] == [
        "Consider ratifying the Convention on the Rights of Persons with Disabilities"
    ]
    assert got["ITA"] == [
        "Consider with priority ratifying the Convention on the Rights of Persons with Disabilities"
    ]


def test_footnote_after_spaced_marker_is_cut() -> None:
    page = "\n".join(
        [
            "2. Consider ratifying the Convention (Chile, 1 China 2);",
            "3. Further strengthen human rights education (Viet Nam);",
            " 1  The recommendation as read during the interactive dialogue: ratify the",
            "Convention (Chile).",
            " 2  The recommendation as read during the interactive dialogue: join the",
            "CRPD at an early date (China).",
        ]
    )
    lines = _clean_page(page)
    assert lines[-1] == "3. Further strengthen human rights education (Viet Nam);"
