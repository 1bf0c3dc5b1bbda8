"""Page texts of PDF, DOCX, HTML and TXT documents, and the bad PDFs a user can give."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from pypdf import PdfWriter

from uprlens.errors import SourceNotFound, UnreadableDocument, UnsupportedSource
from uprlens.ingest.pdf import PdfPages, document_pages
from uprlens.ingest.report import read_report

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def _shared(*parts: str) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared/data is absent)")
    return path


def _blank_pdf(path: Path, *, password: str | None = None) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    if password:
        writer.encrypt(password)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_pdf_without_text_layer_is_refused_with_advice(tmp_path):
    with pytest.raises(UnreadableDocument, match="no text layer") as err:
        document_pages(_blank_pdf(tmp_path / "scan.pdf"))
    assert err.value.page == 1
    assert "OCR" in str(err.value)


def test_encrypted_pdf_is_refused(tmp_path):
    with pytest.raises(UnreadableDocument, match="encrypted"):
        document_pages(_blank_pdf(tmp_path / "locked.pdf", password="secret"))


def test_corrupt_pdf_is_refused(tmp_path):
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    with pytest.raises(UnreadableDocument, match="corrupt or truncated") as err:
        document_pages(path)
    assert str(path) in str(err.value)


def test_a_file_that_only_pretends_to_be_a_pdf(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("just some notes, long enough to count as a text document", "utf-8")
    with pytest.raises(UnsupportedSource, match="not a PDF"):
        PdfPages(path)
    # By content it is text; the report reader then says what it is not.
    with pytest.raises(UnsupportedSource, match="not a Working Group report"):
        read_report(path)


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(SourceNotFound):
        document_pages(tmp_path / "nope.pdf")
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(UnreadableDocument, match="empty"):
        document_pages(tmp_path / "empty.pdf")


def test_content_not_name_decides(tmp_path):
    binary = tmp_path / "report.odt"
    binary.write_bytes(b"\x00\x01\x02 binary")
    with pytest.raises(UnsupportedSource, match="binary"):
        document_pages(binary)
    pdf_named_csv = _blank_pdf(tmp_path / "x.csv")
    with pytest.raises(UnreadableDocument, match="no text layer"):
        document_pages(pdf_named_csv)
    text = tmp_path / "r.dat"
    text.write_text("Report of the Working Group on the Universal Periodic Review", "utf-8")
    assert document_pages(text)[0].startswith("Report of the Working Group")


def test_txt_pages_split_on_form_feed(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("first page of a long enough text\fsecond page of the same text", "utf-8")
    assert list(document_pages(path)) == [
        "first page of a long enough text",
        "second page of the same text",
    ]


def test_html_keeps_blocks_as_lines_and_drops_scripts(tmp_path):
    path = tmp_path / "r.html"
    path.write_text(
        "<html><head><title>t</title><script>var x = 1;</script></head><body>"
        "<h1>Report of the Working Group</h1><p>186.1. Ratify the ICCPR &amp; the CAT"
        " (Albania);</p><p>186.2. Ratify\n the CRPD (Chile);</p></body></html>",
        "utf-8",
    )
    (text,) = document_pages(path)
    assert text.split("\n") == [
        "Report of the Working Group",
        "186.1. Ratify the ICCPR & the CAT (Albania);",
        "186.2. Ratify",
        "the CRPD (Chile);",
    ]


def test_docx_page_breaks_make_pages(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("Report of the Working Group on the Universal Periodic Review")
    doc.add_paragraph("Cover page text").add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph("186.1. Ratify the ICCPR (Albania);")
    path = tmp_path / "r.docx"
    doc.save(path)
    pages = document_pages(path)
    assert len(pages) == 2
    assert "Universal Periodic Review" in pages[0]
    assert pages[1].strip() == "186.1. Ratify the ICCPR (Albania);"


@pytest.mark.shared
def test_pages_are_extracted_lazily():
    pages = PdfPages(_shared("wg-reports", "china2013.pdf"))
    assert pages.extracted == 0
    assert "Report of the Working Group" in pages[0].replace("\n", " ").replace("  ", " ")
    assert pages.extracted == 1
    assert len(pages) == 30


@pytest.mark.shared
@pytest.mark.slow
def test_truncated_report_is_refused_and_names_the_file(tmp_path):
    data = _shared("wg-reports", "china2013.pdf").read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableDocument, match="truncated") as err:
        read_report(path)
    assert "half.pdf" in str(err.value)
