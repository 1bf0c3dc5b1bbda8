"""Kinds are told apart by content, never by file name."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from uprlens.errors import UnsupportedSource
from uprlens.ingest import read_any, sniff

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

REAL = {
    "ohchr/CHN_2018_s31_c3.docx": "ohchr_matrix",
    "uprinfo/voluntary_pledges_s1-19.csv": "upr_info",
    "china/cycle2_2013.csv": "uprlens_csv",
    "un-experts/china_verbatim.csv": "expert_csv",
}


@pytest.mark.parametrize(("name", "kind"), sorted(REAL.items()))
def test_real_files_by_content_not_name(tmp_path: Path, name: str, kind: str) -> None:
    f = DATA / name
    if not f.exists():
        pytest.skip("shared data not available")
    disguised = tmp_path / "file.txt"  # a misleading name and extension
    shutil.copy(f, disguised)
    assert sniff(disguised) == kind


def test_real_pdf_is_a_wg_report() -> None:
    pdfs = sorted((DATA / "wg-reports").glob("*.pdf"))
    if not pdfs:
        pytest.skip("shared data not available")
    assert sniff(pdfs[0]) == "wg_report"


def test_pdf_goes_to_the_report_reader(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes(b"%PDF-1.4\n%garbage\n")
    assert sniff(p) == "wg_report"
    try:
        import uprlens.ingest.report  # noqa: F401
    except ImportError:
        with pytest.raises(UnsupportedSource, match="report reader"):
            read_any(p)
    else:
        pytest.skip("report reader present: its own tests cover damaged PDFs")


def test_text_wg_report_detected(tmp_path: Path) -> None:
    p = tmp_path / "r.dat"
    p.write_text(
        "Human Rights Council\nReport of the Working Group on the Universal Periodic "
        "Review*\nChina\n"
    )
    assert sniff(p) == "wg_report"


def test_docx_not_a_matrix(tmp_path: Path) -> None:
    p = tmp_path / "notes.docx"
    d = docx.Document()
    d.add_paragraph("Meeting notes")
    d.save(str(p))
    with pytest.raises(UnsupportedSource, match="not an OHCHR thematic list") as exc:
        read_any(p)
    assert "notes.docx" in str(exc.value)


def test_wrong_kind(tmp_path: Path) -> None:
    p = tmp_path / "data.csv"
    p.write_text("name,age\nAda,36\n")
    with pytest.raises(UnsupportedSource, match="header: name, age"):
        read_any(p)
    q = tmp_path / "page.html"
    q.write_text("<html><body>Hello</body></html>")
    with pytest.raises(UnsupportedSource, match="HTML"):
        sniff(q)


def test_expert_catalogue_points_to_its_reader(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    p.write_text("body,symbol,year,paragraph,topic,text\nCAT,CAT/C/CHN/CO/5,2015,1,t,Do x\n")
    assert sniff(p) == "expert_csv"
    with pytest.raises(UnsupportedSource, match="read_expert_csv"):
        read_any(p)
