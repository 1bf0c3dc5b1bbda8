"""OHCHR thematic matrices (DOCX) against the shared expected output, and generated bad input."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import docx
import pandas as pd
import pytest

from uprlens.errors import BadRecord, UnknownState, UnsupportedSource
from uprlens.ingest import read_matrix
from uprlens.lexicons.states import registry

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
OHCHR = DATA / "ohchr"

# Rows where matrices_expected.csv (made by a naive parser) has the wrong recommending states,
# with the states the document really names. It splits "United Kingdom of Great Britain and
# Northern Ireland" and "Bosnia and Herzegovina" in two, and takes parenthesised text inside the
# recommendation ("(2016–2020)", "(ICRMW)", "(No. 29)", "the Paris Principles") for states.
EXPECTED_STATES_WRONG = {
    "CHN-c2-186.15": ["GBR"],
    "CHN-c2-186.116": ["GBR"],
    "CHN-c3-28.5": [
        "CRI",
        "SLV",
        "ISL",
        "KEN",
        "LIE",
        "MEX",
        "MNE",
        "POL",
        "PRT",
        "UKR",
        "GBR",
    ],  # fmt: skip
    "CHN-c3-28.14": ["NER", "PHL", "IDN"],
    "CHN-c3-28.19": ["GBR"],
    "CHN-c3-28.22": ["GBR"],
    "CHN-c3-28.74": ["KGZ"],
    "CHN-c3-28.114": ["IRQ"],
    "SVN-c2-115.6": ["IRN"],
    "SVN-c2-115.10": ["BIH"],
    "SVN-c2-115.73": ["GBR"],
    "SVN-c2-115.94": ["GBR"],
    "SVN-c3-121.3": ["GBR"],
    "SVN-c3-122.10": ["PHL"],
    "SVN-c3-122.12": ["GBR"],
    "SVN-c3-122.77": ["GBR"],
    "SVN-c4-140.45": ["GBR"],
    "SVN-c4-140.70": ["GBR"],
    "SVN-c4-140.232": ["GBR"],
}
# The naive parser also glued the cell's "Comments:" line onto the text of one row; we keep
# the comment apart (human_labels["matrix_comment"]).
EXPECTED_TEXT_WRONG = {
    "EGY-c2-166.16": (
        "Consider the withdrawal of reservations to CEDAW Convention (Latvia);",
        "Information sent in a post Add.1 letter",
    ),
}


def _need_data() -> None:
    if not (OHCHR / "matrices_expected.csv").exists():
        pytest.skip("shared data not available")


@pytest.fixture(scope="module")
def parsed():
    _need_data()
    out = {}
    for f in sorted(OHCHR.glob("*.docx")):
        [batch] = read_matrix(f)
        out[f.name] = batch
    return out


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    _need_data()
    return pd.read_csv(OHCHR / "matrices_expected.csv", dtype=str, keep_default_na=False)


def _split(value: str) -> list[str]:
    return [v for v in value.split("; ") if v] if value else []


def test_every_row_and_field_matches_expected(parsed, expected) -> None:
    reg = registry()
    got = {r.id: r for b in parsed.values() for r in b.recommendations}
    assert len(got) == len(expected) == 1530
    assert set(got) == set(expected.rec_id)
    differing: list[tuple[str, str]] = []
    for x in expected.itertuples():
        r = got[x.rec_id]
        batch = parsed[x.source_doc]
        assert r in batch.recommendations
        review = r.review
        fields = {
            "sur": (reg.name(review.sur), x.state_under_review),
            "cycle": (str(review.cycle), x.cycle),
            "session": (str(review.session), x.session),
            "year": (str(review.year), x.year),
            "wg_report": (review.wg_report, x.wg_report),
            "paragraph": (r.paragraph, x.paragraph),
            "position": (r.position_qualifier, x.position),
            "position_source": (r.position_source or "", x.position_source),
            "primary_theme": (r.human_labels.get("primary_theme"), x.primary_theme),
            # joined: OHCHR theme names can themselves hold "; " ("F31 Children: definition;
            # general principles; protection"), so the expected column cannot be split back
            "themes": ("; ".join(r.themes), x.themes),
            "affected_persons": ("; ".join(r.affected_persons), x.affected_persons),
            "sdgs": ("; ".join(r.sdgs), x.sdgs),
        }
        if x.rec_id in EXPECTED_TEXT_WRONG:
            text, comment = EXPECTED_TEXT_WRONG[x.rec_id]
            assert r.text == text
            assert r.human_labels["matrix_comment"] == comment
        else:
            fields["text"] = (r.text, x.recommendation)
        if x.rec_id in EXPECTED_STATES_WRONG:
            assert r.states == EXPECTED_STATES_WRONG[x.rec_id], x.rec_id
        else:
            # the expected names resolve to the same states, in the same order
            names = [reg.resolve(n) for n in _split(x.recommending_states)]
            fields["states"] = (r.states, list(dict.fromkeys(names)))
        for name, (ours, theirs) in fields.items():
            if ours != theirs:
                differing.append((x.rec_id, name))
    assert differing == [], (len(differing), differing[:10])


def test_exception_lists_are_still_needed(expected) -> None:
    """Each listed row really differs in the expected file (so the lists cannot go stale)."""
    reg = registry()
    for rec_id, states in EXPECTED_STATES_WRONG.items():
        row = expected[expected.rec_id == rec_id].iloc[0]
        names = _split(row.recommending_states)
        assert [reg.lookup(n) for n in names] != states
    for rec_id, (text, _) in EXPECTED_TEXT_WRONG.items():
        assert expected[expected.rec_id == rec_id].iloc[0].recommendation != text


def test_china_2018_totals(parsed) -> None:
    batch = parsed["CHN_2018_s31_c3.docx"]
    assert batch.kind == "ohchr_matrix"
    assert (batch.review.sur, batch.review.cycle, batch.review.session) == ("CHN", 3, 31)
    assert len(batch.recommendations) == 346
    assert Counter(r.position for r in batch.recommendations) == {"supported": 284, "noted": 62}


def test_supported_noted_maps_to_supported_in_part(parsed) -> None:
    recs = parsed["EGY_2014_s20_c2.docx"].recommendations
    partial = [r for r in recs if r.position == "supported_in_part"]
    assert len(partial) == 23
    assert {r.position_qualifier for r in partial} == {"Supported/Noted"}


def test_clustered_wordings_become_parts(parsed) -> None:
    recs = {r.id: r for r in parsed["SVN_2019_s34_c3.docx"].recommendations}
    r = recs["SVN-c3-121.2"]
    assert [p.states for p in r.parts] == [("UKR",), ("SVK",)]
    assert r.parts[0].text.startswith("Complete the process of ratification")
    one = recs["SVN-c3-121.1"]  # "(France) (Lithuania)": one wording, two states
    assert [p.states for p in one.parts] == [("FRA", "LTU")]
    assert not one.parts[0].text.endswith(")")


def test_batches_are_deterministic(parsed) -> None:
    [again] = read_matrix(OHCHR / "SVN_2014_s20_c2.docx")
    first = parsed["SVN_2014_s20_c2.docx"]
    assert again == first
    paras = [tuple(map(int, r.paragraph.split("."))) for r in again.recommendations]
    assert paras == sorted(paras)


# --- generated documents -------------------------------------------------------------------


def make_matrix(path: Path, rows: list[tuple[str, str]], header: str | None = None) -> Path:
    d = docx.Document()
    if header is not None:
        d.sections[0].header.paragraphs[0].text = header
    t = d.add_table(rows=2, cols=4)
    for cell, text in zip(
        t.rows[0].cells,
        ["Recommendation", "Position", "Full list of themes", "Assessment"],
        strict=True,
    ):
        cell.text = text
    for cell in t.rows[1].cells:
        cell.text = "Theme: A12 Acceptance of international norms"
    for text, position in rows:
        cells = t.add_row().cells
        cells[0].text = text
        cells[1].text = position
        cells[2].text = "A12 Acceptance of international norms\nAffected persons:\n- general"
    d.save(str(path))
    return path


HEADER = "UPR of Chile (3rd Cycle – 32nd session)\t\tThematic list of recommendations"


def test_generated_matrix(tmp_path: Path) -> None:
    p = make_matrix(
        tmp_path / "any-name.docx",
        [
            (
                "125.2 Ratify the OP-CAT (Bosnia and Herzegovina, Peru);\n"
                "Source of position: A/HRC/41/6/Add.1 - Para. 2",
                "Supported",
            ),
            (
                "125.1 Adopt the plan (2016–2020) (France);\n"
                "Source of position: A/HRC/41/6/Add.1 - Para. 2",
                "Noted",
            ),
        ],
        header=HEADER,
    )
    [b] = read_matrix(p)
    assert (b.review.sur, b.review.cycle, b.review.session, b.review.year) == ("CHL", 3, 32, 2019)
    assert b.review.wg_report == "A/HRC/41/6"
    assert [r.id for r in b.recommendations] == ["CHL-c3-125.1", "CHL-c3-125.2"]
    assert b.recommendations[0].states == ["FRA"]
    assert b.recommendations[1].states == ["BIH", "PER"]
    assert b.recommendations[0].affected_persons == ["general"]


def test_docx_that_is_not_a_matrix(tmp_path: Path) -> None:
    p = tmp_path / "letter.docx"
    d = docx.Document()
    d.add_paragraph("Dear colleague, this is not a matrix.")
    d.save(str(p))
    with pytest.raises(UnsupportedSource, match="not an OHCHR thematic list") as exc:
        read_matrix(p)
    assert "letter.docx" in str(exc.value)


def test_unknown_state_names_file_and_row(tmp_path: Path) -> None:
    p = make_matrix(
        tmp_path / "m.docx",
        [("1.1 Do something (France);", "Supported"), ("1.2 Do more (Atlantis);", "Noted")],
        header=HEADER,
    )
    with pytest.raises(UnknownState, match="Atlantis") as exc:
        read_matrix(p)
    assert exc.value.row == 3  # table rows after the header: theme row, 1.1, 1.2
    assert "m.docx" in str(exc.value)


def test_unknown_position(tmp_path: Path) -> None:
    p = make_matrix(tmp_path / "m.docx", [("1.1 Do it (France);", "Maybe")], header=HEADER)
    with pytest.raises(BadRecord, match="unknown position 'Maybe'"):
        read_matrix(p)


def test_review_metadata_needed(tmp_path: Path) -> None:
    p = make_matrix(tmp_path / "m.docx", [("1.1 Do it (France);", "Supported")])
    with pytest.raises(BadRecord, match="sur= and cycle="):
        read_matrix(p)
    [b] = read_matrix(p, sur="CHL", cycle=3, session=32)
    assert b.recommendations[0].id == "CHL-c3-1.1"
