"""The CLI end to end: what a user types, what they see, and that bad input changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from tests.conftest import shared_path
from uprlens.cli import app
from uprlens.store import Store

runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    code, out = run(db, "ingest", "--bundled")
    assert code == 0, out
    return db


def test_bundled_demo_headline(demo_db: Path) -> None:
    code, out = run(demo_db, "audit", "--sur", "CHN", "--cycle", "3", "--json")
    assert code == 0, out
    h = json.loads(out)["headline"]
    assert h["paragraphs"] == 346
    assert h["positions"] == {"supported": 284, "noted": 62}
    assert h["wg_report"] == "A/HRC/40/6"
    # Every recommending state counted once, from the resolved parentheses of each paragraph.
    assert h["recommending_states"] == len(
        {s for r in Store(demo_db).iter_recommendations(sur="CHN", cycle=3, primary_only=True)
         for s in r["states"].split("; ") if s}
    )
    assert h["pairs"] > h["paragraphs"]


def test_reviews_show_search_export(demo_db: Path, tmp_path: Path) -> None:
    code, out = run(demo_db, "reviews")
    assert code == 0 and "CHN-c3" in out and "CHN-c2" in out
    code, out = run(demo_db, "show", "CHN-c2-186.1", "--json")
    rec = json.loads(out)
    assert code == 0 and len(rec["parts"]) >= 9  # clustered paragraph keeps one part per wording
    code, out = run(demo_db, "search", "death penalty", "--sur", "CHN", "--cycle", "3", "--json")
    hits = json.loads(out)
    assert code == 0 and hits and all("death" in h["text"].lower() for h in hits)
    code, out = run(demo_db, "search", "death penalty", "--position", "supported", "--json")
    assert all(h["position"] == "supported" for h in json.loads(out))
    for fmt in ("csv", "xlsx", "json", "parquet"):
        target = tmp_path / f"out.{fmt}"
        code, out = run(demo_db, "export", "--format", fmt, "--sur", "CHN", "-o", str(target))
        assert code == 0, out
        assert target.stat().st_size > 1000
    code, out = run(demo_db, "show", "CHN-c3-99.99")
    assert code == 1 and "no recommendation" in out


def test_reingest_is_idempotent(demo_db: Path) -> None:
    before = Store(demo_db).counts()
    code, out = run(demo_db, "ingest", "--bundled")
    assert code == 0 and "5 unchanged" in out
    assert Store(demo_db).counts() == before


def _bad_files(tmp: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    out["missing"] = tmp / "nope.csv"
    (tmp / "empty.csv").write_bytes(b"")
    out["empty"] = tmp / "empty.csv"
    (tmp / "wrong.csv").write_text("foo,bar\n1,2\n")
    out["wrong kind"] = tmp / "wrong.csv"
    (tmp / "renamed.csv").write_text(
        "state_under_review,recommendation,recommending_state,reply,action_category,issues,session\n"
        "China,Ratify the ICCPR,France,Accepted,5,International instruments,17\n"
    )
    out["renamed column"] = tmp / "renamed.csv"
    (tmp / "state.csv").write_text(
        "state_under_review,recommendation,recommending_state,response,action_category,issues,session\n"
        "China,Ratify the ICCPR,France,Accepted,5,International instruments,17\n"
        "China,Ratify CAT,Atlantis,Accepted,5,International instruments,17\n"
    )
    out["unknown state"] = tmp / "state.csv"
    d = docx.Document()
    d.add_paragraph("Minutes of a meeting")
    d.save(str(tmp / "letter.docx"))
    out["docx not a matrix"] = tmp / "letter.docx"
    (tmp / "trunc.docx").write_bytes((tmp / "letter.docx").read_bytes()[:300])
    out["truncated"] = tmp / "trunc.docx"
    return out


EXPECTED = {
    "missing": "not found",
    "empty": "empty",
    "wrong kind": "",
    "renamed column": "missing column(s) 'response'",
    "unknown state": "Atlantis",
    "docx not a matrix": "not an OHCHR thematic list",
    "truncated": "",
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_input_is_one_clear_error_and_changes_nothing(
    demo_db: Path, tmp_path: Path, case: str
) -> None:
    bad = _bad_files(tmp_path)[case]
    before = Store(demo_db).counts()
    # A good file beside the bad one must not land either: one transaction for the command.
    good = shared_path("ohchr", "SVN_2019_s34_c3.docx")
    code, out = run(demo_db, "ingest", str(good), str(bad))
    assert code == 1
    assert out.startswith("error:")
    assert bad.name in out
    assert EXPECTED[case].lower() in out.lower()
    assert "Traceback" not in out
    assert Store(demo_db).counts() == before


def test_unknown_state_names_file_and_row(demo_db: Path, tmp_path: Path) -> None:
    bad = _bad_files(tmp_path)["unknown state"]
    code, out = run(demo_db, "ingest", str(bad))
    assert code == 1 and "row 2" in out and "Atlantis" in out


@pytest.mark.slow
def test_full_upr_info_and_matrices_import_twice(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    files = [str(shared_path("uprinfo", "recommendations_s1-20.csv"))]
    files += [str(p) for p in sorted(shared_path("ohchr").glob("*.docx"))]
    code, out = run(db, "ingest", *files)
    assert code == 0, out
    store = Store(db)
    rows = store.query(
        "SELECT count(*) FROM parts p JOIN recommendations r ON r.pk = p.recommendation_pk "
        "WHERE r.source_kind = 'upr_info'"
    )[0][0]
    assert rows == 41066  # every UPR Info row is one part
    matrix_rows = store.query(
        "SELECT count(*) FROM recommendations WHERE source_kind = 'ohchr_matrix'"
    )[0][0]
    assert matrix_rows == 1530
    before = store.counts()
    code, out = run(db, "ingest", *files)
    assert code == 0 and "0 added, 0 updated" in out
    assert Store(db).counts() == before
    hits = store.search("torture", limit=5)
    assert hits and all("tortur" in h["text"].lower() for h in hits)


def test_parse_prints_without_touching_the_store(tmp_path: Path) -> None:
    pdf = shared_path("wg-reports", "china2013.pdf")
    db = tmp_path / "untouched.db"
    code, out = run(db, "parse", str(pdf), "--format", "json")
    assert code == 0, out[-500:]
    rows = json.loads(out)
    assert {r["paragraph"] for r in rows} >= {"186.1", "186.252"}
    first = [r for r in rows if r["paragraph"] == "186.1"]
    assert first[0]["states"] == "Albania" and first[0]["page"]
    assert not db.exists()
    code, out = run(db, "parse", str(pdf))
    assert code == 0 and out.startswith("id,paragraph,part,text,states")


def test_parse_shows_the_misprints_it_explained(tmp_path: Path) -> None:
    # Burundi 2009 cites dialogue letters its paragraphs do not print: read, with a note.
    pdf = shared_path("wg-reports", "burundi2009.pdf")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "x.db"), "parse", str(pdf)])
    assert result.exit_code == 0, result.output[-500:]
    assert "numbering note" in result.stderr
    header, *lines = result.stdout.splitlines()
    assert "note" in header.split(",")
    assert any("prints no letters" in line for line in lines)


def test_ingest_report_with_page_provenance(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code, out = run(db, "ingest", str(shared_path("wg-reports", "china2013.pdf")))
    assert code == 0, out
    rec = Store(db).recommendation("CHN-c2-186.1")
    assert rec["source_kind"] == "wg_report" and rec["page"] and rec["file"].endswith(".pdf")


def test_corrupt_pdf_is_clear_and_changes_nothing(demo_db: Path, tmp_path: Path) -> None:
    good = shared_path("wg-reports", "china2013.pdf").read_bytes()
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(good[: len(good) // 3])
    before = Store(demo_db).counts()
    code, out = run(demo_db, "ingest", str(bad))
    assert code == 1 and "broken.pdf" in out and "Traceback" not in out
    assert Store(demo_db).counts() == before


def test_explain_classify_and_disagreements(tmp_path: Path) -> None:
    code, out = run(tmp_path / "x.db", "explain", "Ratify the Optional Protocol to CAT", "--json")
    assert code == 0, out
    labels = json.loads(out)["labels"]
    assert labels["action_category"]["value"] == "5"
    src = tmp_path / "in.csv"
    src.write_text("ref,wording\n1,Ratify the ICCPR\n2,\n3,Continue its efforts\n", encoding="utf-8")
    dst = tmp_path / "out.csv"
    code, out = run(tmp_path / "x.db", "classify", "--input", str(src), "--text-column",
                    "wording", "--id-column", "ref", "--output", str(dst))
    assert code == 1 and "row 2" in out  # the empty text is named, the rest is written
    import csv

    rows = list(csv.DictReader(dst.open(encoding="utf-8")))
    assert [r["ref"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["action_category"] == "5" and rows[2]["continue_framing"] == "1"
    code, out = run(tmp_path / "x.db", "classify", "--input", str(src), "--text-column",
                    "nope", "--output", str(dst))
    assert code == 1 and "nope" in out
    db = tmp_path / "s.db"
    upr = tmp_path / "upr.csv"
    upr.write_text(
        "row_id,state_under_review,recommendation,recommending_state,response,action_category,"
        "issues,session\n"
        "1,China,Ratify the ICCPR,France,Noted,5,International instruments,17\n"
        "2,China,Continue its efforts to reduce poverty,Cuba,Accepted,1,Poverty,17\n",
        encoding="utf-8",
    )
    assert run(db, "ingest", str(upr))[0] == 0
    code, out = run(db, "classify", "--all")
    assert code == 0 and "labelled 2" in out
    code, out = run(db, "disagreements", "-o", str(tmp_path / "d.csv"))
    assert code == 0
    import pandas as pd

    d = pd.read_csv(tmp_path / "d.csv")
    # UPR Info coded "Continue its efforts" as 1; the codebook's lead verb says 2.
    assert list(d["human"].astype(str)) == ["1"] and list(d["machine"].astype(str)) == ["2"]
