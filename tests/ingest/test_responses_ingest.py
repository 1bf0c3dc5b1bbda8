"""`uprlens ingest` of a Working Group report with its addendum (A/HRC/xx/yy/Add.1).

No real addendum is in ../shared/data: the report and the addendum here are written for the
test from the documented structure (report paragraphs "120.1 ... (State);", addendum lists
of numbers under a position and a table of number | position | comment).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from uprlens.cli import app
from uprlens.ingest import sniff

REPORT = """GE.13-19030 (E) 090114
Human Rights Council
Twenty-fifth session
Report of the Working Group on the Universal Periodic Review*
Chile
United Nations A/HRC/26/5
\f
A/HRC/26/5
1. The Working Group on the Universal Periodic Review, established in accordance with
Human Rights Council resolution 5/1, held its eighteenth session from 27 January to
7 February 2014. The review of Chile was held at the 5th meeting on 28 January 2014.
\f
A/HRC/26/5
II. Conclusions and/or recommendations
120. The following recommendations will be examined by Chile, which will provide
responses in due time:
120.1 Ratify the Optional Protocol to the Convention against Torture (France);
120.2 Adopt a law against discrimination (Spain, Mexico);
120.3 Abolish the death penalty in all circumstances (Italy);
121. All conclusions and/or recommendations contained in the present report reflect the
position of the submitting State(s).
"""

ADDENDUM = """United Nations A/HRC/26/5/Add.1
Report of the Working Group on the Universal Periodic Review
Chile
Addendum
Views on conclusions and/or recommendations, voluntary commitments and replies
presented by the State under review
1. Chile supports the following recommendations: 120.1 and 120.2.
Recommendation | Position | Comment
120.3 | Noted | The Constitution reserves it for wartime.
"""


def _positions(db: Path) -> dict[str, tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return {
            r[0]: (r[1], r[2] or "", r[3] or "")
            for r in conn.execute(
                "SELECT id, position, position_qualifier, position_source FROM recommendations "
                "WHERE source_kind='wg_report' ORDER BY id"
            )
        }


def test_report_and_addendum_in_one_command(tmp_path: Path) -> None:
    report, addendum = tmp_path / "report.txt", tmp_path / "add1.txt"
    report.write_text(REPORT, encoding="utf-8")
    addendum.write_text(ADDENDUM, encoding="utf-8")
    assert sniff(addendum) == "wg_responses" and sniff(report) == "wg_report"
    db = tmp_path / "s.db"
    res = CliRunner().invoke(app, ["--db", str(db), "ingest", str(report), str(addendum)])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())  # the console wraps long lines
    assert (
        "A/HRC/26/5/Add.1: 3 responses on CHL-c2 (1 noted, 2 supported); 3 positions changed"
        in said
    )
    assert _positions(db) == {
        "CHL-c2-120.1": ("supported", "", "A/HRC/26/5/Add.1 para 1"),
        "CHL-c2-120.2": ("supported", "", "A/HRC/26/5/Add.1 para 1"),
        "CHL-c2-120.3": (
            "noted",
            "The Constitution reserves it for wartime",
            "A/HRC/26/5/Add.1 table row 1",
        ),
    }
    # the addendum alone, again: the same positions, nothing changed
    res = CliRunner().invoke(app, ["--db", str(db), "ingest", str(addendum)])
    assert res.exit_code == 0 and "0 positions changed" in " ".join(res.output.split())


def test_an_addendum_answering_paragraphs_the_store_lacks_changes_nothing(
    tmp_path: Path,
) -> None:
    report, bad = tmp_path / "report.txt", tmp_path / "add1.txt"
    report.write_text(REPORT, encoding="utf-8")
    bad.write_text(ADDENDUM.replace("120.1 and 120.2", "120.1 and 120.9"), encoding="utf-8")
    db = tmp_path / "s.db"
    res = CliRunner().invoke(app, ["--db", str(db), "ingest", str(report), str(bad)])
    assert res.exit_code != 0
    said = " ".join(res.output.split())
    assert "120.9" in said and "nothing was changed" in said
    # one transaction: the report of the same command did not land either
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM recommendations").fetchone()[0] == 0


def test_an_addendum_before_its_report_says_what_to_do(tmp_path: Path) -> None:
    addendum = tmp_path / "add1.txt"
    addendum.write_text(ADDENDUM, encoding="utf-8")
    res = CliRunner().invoke(app, ["--db", str(tmp_path / "s.db"), "ingest", str(addendum)])
    assert res.exit_code != 0
    said = " ".join(res.output.split())
    assert "no review of report A/HRC/26/5" in said
    assert "import the Working Group report first" in said


def test_parse_prints_the_responses(tmp_path: Path) -> None:
    addendum = tmp_path / "add1.txt"
    addendum.write_text(ADDENDUM, encoding="utf-8")
    res = CliRunner().invoke(app, ["--db", str(tmp_path / "s.db"), "parse", str(addendum)])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0] == "paragraph,position,qualifier,comment,source"
    assert "120.3,noted,,The Constitution reserves it for wartime,A/HRC/26/5/Add.1 table row 1" in (
        res.output
    )


def test_a_pdf_addendum_is_told_from_a_report(tmp_path: Path) -> None:
    # A PDF with a text layer, drawn by matplotlib (TrueType text pypdf reads back).
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"pdf.fonttype": 42}):
        fig = plt.figure(figsize=(8.3, 11.7))
        for i, line in enumerate(ADDENDUM.splitlines()):
            fig.text(0.05, 0.95 - i * 0.03, line, fontsize=9)
        fig.savefig(tmp_path / "add1.pdf")
        plt.close(fig)
    assert sniff(tmp_path / "add1.pdf") == "wg_responses"


def test_a_new_version_of_the_report_gets_the_addendums_answers_back(tmp_path: Path) -> None:
    report, addendum = tmp_path / "report.txt", tmp_path / "add1.txt"
    report.write_text(REPORT, encoding="utf-8")
    addendum.write_text(ADDENDUM, encoding="utf-8")
    db = tmp_path / "s.db"
    res = CliRunner().invoke(app, ["--db", str(db), "ingest", str(report), str(addendum)])
    assert res.exit_code == 0, res.output
    # A corrected version: 120.2 reworded, 120.3 gone, 120.4 new.
    corrected = tmp_path / "report_v2.txt"
    corrected.write_text(
        REPORT.replace("Adopt a law against discrimination", "Adopt a comprehensive law against")
        .replace("120.3 Abolish the death penalty in all circumstances (Italy);\n", "")
        .replace("(Spain, Mexico);\n", "(Spain, Mexico);\n120.3 Protect journalists (Norway);\n"),
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["--db", str(db), "ingest", str(corrected)])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert "0 added, 0 removed, 2 changed" in said  # 120.2's words, 120.3's text and state
    assert (
        "the addendum's positions kept on 3 paragraphs (2 of them reworded, check that the "
        "answer still fits: CHL-c2-120.2, CHL-c2-120.3)" in said
    )
    positions = _positions(db)
    assert positions["CHL-c2-120.1"] == ("supported", "", "A/HRC/26/5/Add.1 para 1")
    assert positions["CHL-c2-120.2"] == ("supported", "", "A/HRC/26/5/Add.1 para 1")
    # the addendum answered "120.3" of the first version: it still answers that number
    assert positions["CHL-c2-120.3"][0] == "noted"

    # A version that drops a paragraph the addendum answers: said, and the answer kept.
    shorter = tmp_path / "report_v3.txt"
    shorter.write_text(
        REPORT.replace("120.3 Abolish the death penalty in all circumstances (Italy);\n", ""),
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["--db", str(db), "ingest", str(shorter)])
    assert res.exit_code == 0, res.output
    said = " ".join(res.output.split())
    assert "1 addendum answers name paragraphs this version lacks (120.3)" in said
    assert "CHL-c2-120.3" not in _positions(db)
    res = CliRunner().invoke(app, ["--db", str(db), "ingest", str(report)])
    assert res.exit_code == 0, res.output
    assert _positions(db)["CHL-c2-120.3"] == (
        "noted",
        "The Constitution reserves it for wartime",
        "A/HRC/26/5/Add.1 table row 1",
    )


def test_an_unchanged_report_again_keeps_the_addendums_positions(tmp_path: Path) -> None:
    report, addendum = tmp_path / "report.txt", tmp_path / "add1.txt"
    report.write_text(REPORT, encoding="utf-8")
    addendum.write_text(ADDENDUM, encoding="utf-8")
    db = tmp_path / "s.db"
    CliRunner().invoke(app, ["--db", str(db), "ingest", str(report), str(addendum)])
    before = _positions(db)
    res = CliRunner().invoke(app, ["--db", str(db), "ingest", str(report)])
    assert res.exit_code == 0, res.output
    assert _positions(db) == before
