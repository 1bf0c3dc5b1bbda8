"""The plain uprlens CSV (China files): paragraphs, statements, responses, parts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from uprlens.errors import BadRecord, UnknownState, WrongColumns
from uprlens.ingest import read_any, read_plain_csv

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
CHINA = DATA / "china"
HEADER = "cycle,year,number,text,recommending_state,response,source_url\n"


def _need(name: str) -> Path:
    f = CHINA / name
    if not f.exists():
        pytest.skip("shared data not available")
    return f


def test_sur_is_required(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text(HEADER + "2,2013,1.1,Do it (France);,France,,http://x\n")
    with pytest.raises(WrongColumns, match="--sur"):
        read_plain_csv(p)
    [b] = read_plain_csv(p, sur="CHN")
    assert b.recommendations[0].provenance.locator == "http://x"


def test_cycle2_2013_paragraph_186_1_parts() -> None:
    [b] = read_plain_csv(_need("cycle2_2013.csv"), sur="CHN")
    assert b.kind == "uprlens_csv" and len(b.recommendations) == 252
    assert b.review.wg_report == "A/HRC/25/5"
    r = next(r for r in b.recommendations if r.paragraph == "186.1")
    assert r.id == "CHN-c2-186.1"
    assert [p.states for p in r.parts] == [
        ("ALB",), ("CHL",), ("BEL",), ("HUN",), ("JPN",), ("MDV",), ("MDV",), ("ESP",),
        ("SLE",), ("FRA",),
    ]  # fmt: skip
    assert r.parts[1].text == "Ratify ICCPR and CPED"
    assert r.position == "noted" and r.position_qualifier == "not accepted"


def test_cycle1_2009_responses() -> None:
    [b] = read_plain_csv(_need("cycle1_2009.csv"), sur="CHN")
    counts = Counter(r.position for r in b.recommendations)
    assert counts["supported"] == 42  # README: 42 supported in para 114
    r = next(r for r in b.recommendations if r.paragraph == "114.1")
    assert r.position_source == "A/HRC/11/25 para 114"
    assert r.position_qualifier == "supported (A/HRC/11/25 para 114)"
    pending = [r for r in b.recommendations if r.position == "pending"]
    assert pending and all(r.paragraph.startswith("116.") for r in pending)


def test_statements_have_row_ids() -> None:
    [b] = read_any(_need("cycle4_2024_statements.csv"), sur="CHN")
    assert b.kind == "statements" and b.review.cycle == 4 and b.review.year == 2024
    assert b.recommendations[0].id == "CHN-c4-s1"
    assert all(r.paragraph is None and r.position is None for r in b.recommendations)
    assert b.recommendations[0].parts[0].states == ("GRC",)


def test_unknown_state_and_response(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text(HEADER + "2,2013,1.1,Do it (France);,France,,u\n2,2013,1.2,Do (Oz);,Oz,,u\n")
    with pytest.raises(UnknownState, match="Oz") as exc:
        read_plain_csv(p, sur="CHN")
    assert exc.value.row == 2
    p.write_text(HEADER + "2,2013,1.1,Do it (France);,France,maybe later,u\n")
    with pytest.raises(BadRecord, match="maybe later"):
        read_plain_csv(p, sur="CHN")


def test_expert_catalogues() -> None:
    from uprlens.ingest import read_expert_csv

    second = read_expert_csv(_need("../un-experts/china_secondhand.csv"), sur="CHN")
    verbatim = read_expert_csv(_need("../un-experts/china_verbatim.csv"), sur="CHN")
    assert (len(second), len(verbatim)) == (69, 11)
    assert not any(e.verbatim for e in second) and all(e.verbatim for e in verbatim)
    assert {e.sur for e in second + verbatim} == {"CHN"}
    with pytest.raises(WrongColumns, match="--sur"):
        read_expert_csv(_need("../un-experts/china_verbatim.csv"))
