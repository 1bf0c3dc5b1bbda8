"""One name per UHRI term across the OHCHR matrix vintages (lexicons/uhri_crosswalk.csv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from uprlens.classify.lexicon import lexicon_dir, load_uhri_crosswalk
from uprlens.classify.training import normalise_uhri
from uprlens.errors import LexiconError


@pytest.mark.parametrize(
    ("label", "term"),
    [
        ("29.1. Access to justice & remedy", "right to an effective remedy"),  # UHRI 2023
        ("B51 Right to an effective remedy", "right to an effective remedy"),  # older codes
        ("Liberty and security – general", "liberty and security - general"),
        ("F31 Children: definition", "children: definition, general principles, protection"),
        ("general principles", "children: definition, general principles, protection"),
        (
            "S Sustainable Development Goal implementation",
            "sustainable development goal implementation",
        ),
        ("D23 Death penalty", "death penalty"),  # no crosswalk entry: the code goes, that's all
    ],
)
def test_vintages_share_one_name(label: str, term: str) -> None:
    assert normalise_uhri(label) == term


def test_the_shipped_crosswalk_loads_and_maps_to_terms_it_does_not_map_again() -> None:
    table = load_uhri_crosswalk(lexicon_dir() / "uhri_crosswalk.csv")
    assert len(table) >= 40
    assert not set(table.values()) & set(table)


def test_a_bad_crosswalk_names_its_rows(tmp_path: Path) -> None:
    bad = tmp_path / "uhri_crosswalk.csv"
    bad.write_text("label,canonical\na,b\na,c\nb,d\n,e\n", encoding="utf-8")
    with pytest.raises(LexiconError) as exc:
        load_uhri_crosswalk(bad)
    msg = str(exc.value)
    assert "line 3" in msg and "mapped twice" in msg
    assert "line 5" in msg
    assert "themselves mapped" in msg and "'b'" in msg
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("from,to\na,b\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="label,canonical"):
        load_uhri_crosswalk(wrong)
