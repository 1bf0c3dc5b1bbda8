from __future__ import annotations

import csv

import pytest

from tests.conftest import shared_path
from uprlens.errors import UnknownState
from uprlens.lexicons.states import registry


@pytest.mark.parametrize(
    ("name", "iso"),
    [
        ("Iran (Islamic Republic of)", "IRN"),
        ("DPR Korea", "PRK"),
        ("Macedonia FYR", "MKD"),
        ("the former Yugoslav Republic of Macedonia", "MKD"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Cote d'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("St Kitts & Nevis", "KNA"),
        ("Saint Vincent and the Grenadines", "VCT"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Viet Nam", "VNM"),
        ("Holy See", "VAT"),
        ("State of Palestine", "PSE"),
        ("Democratic Republic of the Congo", "COD"),
        ("Congo", "COG"),
        ("Niger", "NER"),
        ("Nigeria", "NGA"),
    ],
)
def test_spellings_resolve(name: str, iso: str) -> None:
    assert registry().resolve(name) == iso


def test_registry_shape() -> None:
    reg = registry()
    assert len(reg) == 195  # 193 members + 2 observers
    china = reg.get("CHN")
    assert china.regional_group == "Asia"
    assert "EU" in reg.get("FRA").organisations
    assert {s.regional_group for s in reg} == {
        "Africa",
        "Asia",
        "EEG",
        "GRULAC",
        "WEOG",
        "Observer",
    }


def test_unknown_name_is_clear() -> None:
    with pytest.raises(UnknownState) as info:
        registry().resolve("Atlantis", path="x.csv", row=7)
    msg = str(info.value)
    assert "x.csv" in msg and "row 7" in msg and "Atlantis" in msg and "states.csv" in msg


def test_every_state_name_in_shared_data_resolves() -> None:
    reg = registry()
    upr = shared_path("uprinfo", "recommendations_s1-20.csv")
    names: set[str] = set()
    with upr.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names |= {row["state_under_review"], row["recommending_state"]}
    for rel in (
        "china/cycle1_2009.csv",
        "china/cycle2_2013.csv",
        "china/cycle3_2018_statements.csv",
        "china/cycle4_2024_statements.csv",
    ):
        with shared_path(*rel.split("/")).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                names |= {s.strip() for s in row["recommending_state"].split(";") if s.strip()}
    with shared_path("wg-reports", "index.csv").open(encoding="utf-8") as fh:
        names |= {row["state_under_review"] for row in csv.DictReader(fh)}
    unresolved = sorted(n for n in names if reg.lookup(n) is None and not reg.is_unattributed(n))
    assert unresolved == []


def test_codes_only_in_upper_case() -> None:
    reg = registry()
    assert reg.lookup("AND") == "AND" and reg.lookup("CAN") == "CAN"
    assert reg.lookup("and") is None and reg.lookup("can") is None and reg.lookup("per") is None
