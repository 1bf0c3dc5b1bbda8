"""The UPR Info conventions of scripts/eval_reports.py: rules 4-5 must credit UPR Info's own
edits (a pronoun written out, an abbreviation spelled out) and nothing a reader got wrong."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "scripts" / "eval_reports.py"


@pytest.fixture(scope="module")
def ev():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("eval_reports_under_test", _PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _match(ev, report: str, row: str):  # type: ignore[no-untyped-def]
    return ev._edited_match(report, ev.normalise(report), row, ev.normalise(row))


@pytest.mark.parametrize(
    ("report", "row", "rule"),
    [
        (
            "guarantee their safety and security",
            "Guarantee journalists and media personnel safety and security",
            "4: pronoun replaced",
        ),
        (
            "ratify the Optional Protocol thereto and establish a national preventive mechanism",
            "Ratify the Optional Protocol to the Convention against Torture and establish a "
            "national preventive mechanism.",
            "4: pronoun replaced",
        ),
        (
            "Ratify the OP-CAT without delay",
            "Ratify the Optional Protocol to the Convention against Torture without delay",
            "5: abbreviation spelled out",
        ),
        (
            "Upgrade SNCHR to a full-fledged national human rights commission",
            "Upgrade Slovak National Centre for Human Rights to a full-fledged national human "
            "rights commission",
            "5: abbreviation spelled out",
        ),
    ],
)
def test_upr_info_edits_are_credited(ev, report: str, row: str, rule: str) -> None:  # type: ignore[no-untyped-def]
    got = _match(ev, report, row)
    assert got is not None and got[1] == rule and got[0] >= ev.THRESHOLD


@pytest.mark.parametrize(
    ("report", "row"),
    [
        # too few words of its own: a guess, not an edit
        ("abolish it", "Abolish the death penalty"),
        # a wording that starts with its pronoun is a fragment the reader cut
        (
            "its protocol, the optional protocols to the CRC, and CAT",
            "Ratify core treaties, including the protocol to CEDAW, the optional protocols to the "
            "CRC, and CAT",
        ),
        # initials that do not spell the acronym
        ("Ratify the CAT at once", "Ratify the Convention on the Rights of the Child at once"),
        # different treaties, no pronoun
        ("Ratify the ICCPR without delay", "Ratify the CRC without delay"),
        # a pronoun standing for more than a referent: the rest differs too
        (
            "implement it fully and report on progress",
            "implement the national action plan on trafficking and adopt a law on refugees",
        ),
        # identical wordings are rule-free matches, not edits
        ("Ratify the CRPD", "Ratify the CRPD"),
    ],
)
def test_reader_errors_are_not_credited(ev, report: str, row: str) -> None:  # type: ignore[no-untyped-def]
    assert _match(ev, report, row) is None


def test_spells(ev) -> None:  # type: ignore[no-untyped-def]
    assert ev._spells(
        ["optional", "protocol", "to", "the", "convention", "against", "torture"], "opcat"
    )
    assert ev._spells(
        ["international", "covenant", "on", "civil", "and", "political", "rights"], "iccpr"
    )
    assert not ev._spells(["convention", "on", "the", "rights", "of", "the", "child"], "cat")
    assert not ev._spells(["convention"], "c")


def test_slash_alternatives(ev) -> None:  # type: ignore[no-untyped-def]
    got = ev._alternatives("Consider ratifying/Ratify the OP-CAT")
    assert "Ratify the OP-CAT" in got and "Consider ratifying the OP-CAT" in got
    assert ev._alternatives("resolution 62/149 of the General Assembly") == [
        "resolution 62/149 of the General Assembly"
    ]


@pytest.mark.parametrize(
    ("report", "row", "matches"),
    [
        (
            "Consider ratifying/Ratify the Hague Convention on Child Abduction",
            "Ratify the Hague Convention on Child Abduction",
            True,
        ),
        (
            "Take the necessary measures to prevent/prohibit the use of torture / ill-treatment",
            "Take the necessary measures to prohibit the use of ill-treatment",
            True,
        ),
        # both alternatives kept is the text itself, not rule 6's business
        ("Take measures to fight poverty", "Take measures to fight hunger and disease", False),
        ("Ratify the CRC/CEDAW protocols", "Withdraw all reservations to the CEDAW", False),
    ],
)
def test_rule6(ev, report: str, row: str, matches: bool) -> None:  # type: ignore[no-untyped-def]
    opening = ev._opening(["freedonia"])
    assert bool(ev._alternative_match(report, row, opening)) is matches


@pytest.mark.parametrize(
    ("report", "row", "matches"),
    [
        (
            "consider extending a standing invitation to them all",
            "Consider extending a standing invitation to the special procedures of the Council.",
            True,
        ),
        (
            "fully comply with those recommendations and do its utmost to ensure accountability",
            "Fully comply with the recommendations of the Committee against Torture and do its "
            "utmost to ensure accountability",
            True,
        ),
        # the gap must be the only difference
        (
            "fully comply with those recommendations and do its utmost to ensure accountability",
            "Fully comply with the recommendations of the Committee against Torture and ensure "
            "that the police are trained",
            False,
        ),
        # more than 15 words is no referent
        (
            "repeal this law at once",
            "Repeal the law on the registration and activities of non-governmental organisations "
            "adopted in 2009 which restricts freedom of association and assembly at once",
            False,
        ),
        # a wording that starts with its pronoun is a fragment
        (
            "them all to visit the country",
            "Invite the special procedures to visit the country",
            False,
        ),
    ],
)
def test_rule4_referent_fills_the_gap(ev, report: str, row: str, matches: bool) -> None:  # type: ignore[no-untyped-def]
    assert (_match(ev, report, row) is not None) is matches


def test_contract_replaces_spelled_out_acronyms(ev) -> None:  # type: ignore[no-untyped-def]
    assert ev._contract("achieve the millennium development goals by 2015", {"mdg"}) == (
        "achieve the mdg by 2015"
    )
    assert ev._contract("ratify the op cat", {"opcat"}) == "ratify the opcat"
    # initials that spell it only across too many words are no expansion
    assert ev._contract("make great strides in making good progress", {"mdg"}) == (
        "make great strides in making good progress"
    )
