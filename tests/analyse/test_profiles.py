from __future__ import annotations

from pathlib import Path

import pytest

from tests.analyse.test_acceptance import build_store
from uprlens.analyse.acceptance import pairs_frame, review_frame
from uprlens.analyse.profiles import bloc_analysis, ranking, read_groups, state_profiles
from uprlens.errors import BadRecord, SourceNotFound, WrongColumns


@pytest.fixture
def pairs(db_path: Path):  # type: ignore[no-untyped-def]
    store = build_store(db_path)
    frame, _ = review_frame(store, "CHN", 3)
    return pairs_frame(store, frame)


def test_profile_per_state(pairs) -> None:  # type: ignore[no-untyped-def]
    p = state_profiles(pairs).set_index("state")
    assert len(p) == 7
    assert p.loc["CUB", "endorsing"] == 1 and p.loc["CUB", "accepted_share"] == 1.0
    assert p.loc["SWE", "specific_noted"] == 1 and p.loc["SWE", "noted"] == 1
    assert p.loc["NOR", "general"] == 1
    assert p.loc["FRA", "regional_group"] == "WEOG"


def test_rankings_name_who_made_what(pairs) -> None:  # type: ignore[no-untyped-def]
    endorsing = ranking(pairs, verdict="endorsing")
    assert endorsing["state"].tolist() == ["CUB"]
    assert endorsing["ids"].iloc[0] == ["CHN-c3-28.4"]
    noted = ranking(pairs, verdict="specific", position="noted")
    assert sorted(noted["state"]) == ["ITA", "SWE"]
    assert ranking(pairs, verdict="vague", position="noted").empty


def test_blocs_compare_own_group_and_user_groups(pairs) -> None:  # type: ignore[no-untyped-def]
    b = bloc_analysis(pairs, sur_group="Asia", groups={"joint statement": {"SWE", "DEU"}})
    b = b.set_index("bloc")
    assert b.loc["same regional group (Asia)", "n"] == 0
    assert b.loc["all other states", "n"] == 7
    assert b.loc["joint statement", "n"] == 2
    assert b.loc["joint statement", "accepted_share"] == pytest.approx(0.5)
    assert b.loc["not in joint statement", "endorsing"] == 1
    assert b.loc["GRULAC", "endorsing_share"] == pytest.approx(1.0)


def test_read_groups_resolves_names_and_codes(tmp_path: Path) -> None:
    f = tmp_path / "signers.csv"
    f.write_text("group,state\njoint 2019,Sweden\njoint 2019,DEU\nother,United Kingdom\n",
                 encoding="utf-8")
    assert read_groups(f) == {"joint 2019": {"SWE", "DEU"}, "other": {"GBR"}}
    single = tmp_path / "cosigners.csv"
    single.write_text("state\nFrance\n", encoding="utf-8")
    assert read_groups(single) == {"cosigners": {"FRA"}}


def test_read_groups_errors_name_file_and_row(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFound):
        read_groups(tmp_path / "missing.csv")
    bad_cols = tmp_path / "cols.csv"
    bad_cols.write_text("name,country\nx,France\n", encoding="utf-8")
    with pytest.raises(WrongColumns, match="missing column 'state'"):
        read_groups(bad_cols)
    bad = tmp_path / "bad.csv"
    bad.write_text("group,state\ng,France\ng,Atlantis\ng,\n", encoding="utf-8")
    with pytest.raises(BadRecord, match=r"row 2: unknown state 'Atlantis'; row 3: empty") as e:
        read_groups(bad)
    assert e.value.path == str(bad)
