"""Hostile and damaged files are refused before any library parses them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from uprlens.errors import SourceNotFound, UnreadableDocument
from uprlens.ingest import read_any, read_matrix, read_upr_info
from uprlens.ingest.safety import Limits, check_file, decode_text, guard_zip, parse_xml

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

XXE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><r>&lol2;</r>'
)


def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("Hello")
    d.save(str(path))
    return path


def make_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.active.append(["1", "2"])
    wb.save(path)
    return path


def rewrite_member(path: Path, member: str, transform) -> None:
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            zout.writestr(info.filename, transform(data) if info.filename == member else data)


def with_dtd(data: bytes) -> bytes:
    # keep the original root, put a DTD with an external entity in the prolog
    body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
    return XXE + body.lstrip()


def zip_bomb(path: Path, members: dict[str, bytes], bomb_member: str, mb: int = 20) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        with zf.open(bomb_member, "w") as f:
            chunk = b"\0" * (1 << 20)
            for _ in range(mb):
                f.write(chunk)
    return path


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFound, match="not found") as exc:
        read_any(tmp_path / "nope.docx")
    assert "nope.docx" in str(exc.value)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFound, match="not a file"):
        check_file(tmp_path)


@pytest.mark.parametrize("reader", [read_any, read_matrix, read_upr_info])
def test_empty_file(tmp_path: Path, reader) -> None:
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(UnreadableDocument, match="empty") as exc:
        reader(p)
    assert exc.value.path == str(p)


def test_file_size_limit(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    p.write_bytes(b"a,b\n" * 1000)
    with pytest.raises(UnreadableDocument, match="limit"):
        check_file(p, limits=Limits(max_file_bytes=100))


def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "fake.docx"
    p.write_text("just text pretending to be a docx")
    with pytest.raises(UnreadableDocument, match="not a zip"):
        guard_zip(p)
    with pytest.raises(UnreadableDocument, match="not a zip"):
        read_matrix(p)


def test_truncated_docx(tmp_path: Path) -> None:
    p = make_docx(tmp_path / "t.docx")
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableDocument, match="corrupt or truncated"):
        read_matrix(p)
    with pytest.raises(UnreadableDocument):
        read_any(p)


def test_corrupt_member_detected_by_crc(tmp_path: Path) -> None:
    p = tmp_path / "c.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/document.xml", b"<w>" + b"x" * 5000 + b"</w>")
    data = bytearray(p.read_bytes())
    data[2000] ^= 0xFF  # inside the stored member
    p.write_bytes(bytes(data))
    with pytest.raises(UnreadableDocument, match="corrupt|truncated"):
        guard_zip(p)


def test_zip_bomb_disguised_as_docx(tmp_path: Path) -> None:
    p = zip_bomb(
        tmp_path / "bomb.docx",
        {"[Content_Types].xml": b"<Types/>"},
        "word/document.xml",
    )
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        read_matrix(p)
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        read_any(p)


def test_zip_bomb_disguised_as_xlsx(tmp_path: Path) -> None:
    p = zip_bomb(
        tmp_path / "bomb.xlsx",
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"},
        "xl/worksheets/sheet1.xml",
    )
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        read_upr_info(p)
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        read_any(p)


def test_total_size_and_member_limits(tmp_path: Path) -> None:
    p = make_docx(tmp_path / "ok.docx")
    guard_zip(p)  # a normal document passes the defaults
    with pytest.raises(UnreadableDocument, match="unpacks to"):
        guard_zip(p, limits=Limits(max_uncompressed_bytes=10_000))
    with pytest.raises(UnreadableDocument, match="members"):
        guard_zip(p, limits=Limits(max_members=3))


def test_lying_header_sizes_are_caught(tmp_path: Path) -> None:
    # a member that declares 10 bytes but inflates to 2 MB
    p = tmp_path / "liar.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (2 << 20))
    data = p.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("word/document.xml")
    real = info.file_size.to_bytes(4, "little")
    fake = (10).to_bytes(4, "little")
    p.write_bytes(data.replace(real, fake))
    with pytest.raises(UnreadableDocument):
        guard_zip(p)


def test_xml_with_external_entity_in_docx(tmp_path: Path) -> None:
    p = make_docx(tmp_path / "xxe.docx")
    rewrite_member(p, "word/document.xml", with_dtd)
    with pytest.raises(UnreadableDocument, match="DTD") as exc:
        read_matrix(p)
    assert "word/document.xml" in str(exc.value)
    with pytest.raises(UnreadableDocument, match="DTD"):
        read_any(p)


def test_xml_with_external_entity_in_xlsx(tmp_path: Path) -> None:
    p = make_xlsx(tmp_path / "xxe.xlsx")
    rewrite_member(p, "xl/workbook.xml", with_dtd)
    with pytest.raises(UnreadableDocument, match="DTD"):
        read_upr_info(p)


def test_parse_xml_refuses_entity_expansion() -> None:
    with pytest.raises(UnreadableDocument, match="DTD|entities"):
        parse_xml(LAUGHS, path="x.xml")
    assert parse_xml(b"<r><a>1</a></r>", path="x.xml").find("a").text == "1"


def test_decode_utf8_with_bom() -> None:
    text, enc = decode_text("Côte d’Ivoire".encode("utf-8-sig"), path="x")
    assert (text, enc) == ("Côte d’Ivoire", "utf-8")


@pytest.mark.parametrize("encoding", ["mac_roman", "cp1252"])
def test_decode_legacy_encodings(encoding: str) -> None:
    sample = "Côte d’Ivoire isn’t “São Tomé” – Türkiye, Réunion, Niño\n" * 3
    text, used = decode_text(sample.encode(encoding), path="x")
    assert text == sample
    assert used == encoding


def test_forced_wrong_encoding_is_clear() -> None:
    with pytest.raises(UnreadableDocument, match="cannot decode as 'ascii'"):
        decode_text("é".encode(), path="x", encoding="ascii")


def test_real_docx_passes_the_guard() -> None:
    f = DATA / "ohchr" / "CHN_2018_s31_c3.docx"
    if not f.exists():
        pytest.skip("shared data not available")
    assert "word/document.xml" in guard_zip(f)
