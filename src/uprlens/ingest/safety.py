"""Guards that run before any library opens a user's file.

Every importer calls :func:`check_file` first; zip-based formats (DOCX, XLSX) then pass
:func:`guard_zip`, which reads every member once, counting real (not declared) bytes, so a zip
bomb, a truncated archive or an XML part with a DTD is refused before python-docx or openpyxl
sees it. XML we parse ourselves goes through :func:`parse_xml` (defusedxml).

Text decoding (:func:`decode_text`): strict UTF-8 (a BOM is dropped) first. Anything else is a
legacy 8-bit export; UPR Info's original files are MacRoman, but Windows exports are cp1252, and
both decode almost any byte string, so "it decodes" proves nothing. We therefore decode with
both and keep the one whose non-ASCII characters look like text (letters and typographic
punctuation, not symbols such as ``™`` or ``√`` or capitals inside lowercase words); a byte that
cp1252 leaves undefined rules cp1252 out. Ties go to MacRoman, the documented UPR Info encoding.
Pass ``encoding=`` to override. The encoding used is reported to the caller, and the importers
put it in the batch title.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree as DET

from uprlens.errors import SourceNotFound, UnreadableDocument

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "check_file",
    "decode_text",
    "file_sha256",
    "guard_zip",
    "is_zip",
    "parse_xml",
    "read_text",
]

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Size limits for one input file. The defaults fit the largest real UPR exports with room."""

    max_file_bytes: int = 200 * _MB  # on disk
    max_uncompressed_bytes: int = 200 * _MB  # all zip members together
    # Real DOCX parts compress up to ~32:1 (OHCHR matrices), XLSX sheets similar; bombs ~1000:1.
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 1 * _MB  # small members may compress well without harm
    max_members: int = 10_000


DEFAULT_LIMITS = Limits()

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CHUNK = 1 << 16


def check_file(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> Path:
    """The path as a Path once it names a readable, non-empty file within the size limit."""
    p = Path(path)
    if not p.exists():
        raise SourceNotFound("file not found; check the path", path=p)
    if not p.is_file():
        raise SourceNotFound("not a file (a directory?); give the path of one file", path=p)
    size = p.stat().st_size
    if size == 0:
        raise UnreadableDocument("the file is empty (0 bytes); export it again", path=p)
    if size > limits.max_file_bytes:
        raise UnreadableDocument(
            f"the file is {size / _MB:.1f} MB, over the {limits.max_file_bytes / _MB:.0f} MB "
            "limit; split it or raise the limit (limits=Limits(max_file_bytes=...))",
            path=p,
        )
    return p


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def is_zip(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(4)
    return head in (b"PK\x03\x04", b"PK\x05\x06")


def guard_zip(path: str | Path, *, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Member names of a zip that is whole, within limits and free of DTDs; raise otherwise."""
    p = check_file(path, limits=limits)
    if not is_zip(p):
        raise UnreadableDocument(
            "not a zip container, so not a DOCX/XLSX file (wrong extension or damaged)", path=p
        )
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_members:
                raise UnreadableDocument(
                    f"the archive holds {len(infos)} members, over the limit of "
                    f"{limits.max_members}; refusing it as a possible zip bomb",
                    path=p,
                )
            declared = sum(i.file_size for i in infos)
            if declared > limits.max_uncompressed_bytes:
                raise UnreadableDocument(
                    f"the archive unpacks to {declared / _MB:.0f} MB, over the "
                    f"{limits.max_uncompressed_bytes / _MB:.0f} MB limit; refusing it as a "
                    "possible zip bomb",
                    path=p,
                )
            total = 0
            for info in infos:
                if info.is_dir():
                    continue
                _check_ratio(info.filename, info.file_size, info.compress_size, p, limits)
                with zf.open(info) as member:
                    total = _drain_member(member, info, total, p, limits)
            return [i.filename for i in infos]
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument(
            f"corrupt or truncated archive ({exc}); download or export the file again", path=p
        ) from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        # NotImplementedError: unknown compression; RuntimeError: encrypted member.
        raise UnreadableDocument(
            f"cannot unpack the archive ({exc}); save it again as a plain DOCX/XLSX", path=p
        ) from None


def _check_ratio(name: str, size: int, csize: int, path: Path, limits: Limits) -> None:
    if size > limits.ratio_floor_bytes and size / max(csize, 1) > limits.max_ratio:
        raise UnreadableDocument(
            f"member {name!r} expands {size / max(csize, 1):.0f}-fold (limit "
            f"{limits.max_ratio:.0f}); refusing it as a possible zip bomb",
            path=path,
        )


class _RootSeen(Exception):
    """Raised by the probe target once the root element starts: the prolog is over."""


class _Probe:
    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootSeen

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        pass


def _drain_member(
    member: IO[bytes], info: zipfile.ZipInfo, total: int, path: Path, limits: Limits
) -> int:
    # Read everything: zipfile checks the CRC at the end (truncation, corruption), and we count
    # real bytes because declared sizes can lie.
    probe = None
    if info.filename.lower().endswith(_XML_SUFFIXES):
        probe = DET.DefusedXMLParser(target=_Probe(), forbid_dtd=True)
    seen = 0
    while chunk := member.read(_CHUNK):
        seen += len(chunk)
        total += len(chunk)
        if seen > info.file_size + _CHUNK or total > limits.max_uncompressed_bytes:
            raise UnreadableDocument(
                f"member {info.filename!r} unpacks to more than declared or allowed; refusing "
                "it as a possible zip bomb",
                path=path,
            )
        _check_ratio(info.filename, seen, info.compress_size, path, limits)
        if probe is not None:
            probe = _probe_xml(probe, chunk, info.filename, path)
    return total


def _probe_xml(probe: Any, chunk: bytes, name: str, path: Path) -> Any:
    """Feed the prolog to a DTD-forbidding parser; a DTD can only come before the root."""
    try:
        probe.feed(chunk)
    except _RootSeen:
        return None
    except defusedxml.DefusedXmlException as exc:
        raise UnreadableDocument(
            f"part {name!r} declares a DTD or entities ({type(exc).__name__}); such XML can "
            "read local files or exhaust memory, so it is refused. Re-save the document in "
            "Word/Excel",
            path=path,
        ) from None
    except DET.ParseError as exc:
        raise UnreadableDocument(
            f"part {name!r} is not well-formed XML ({exc}); the file is damaged", path=path
        ) from None
    return probe


def parse_xml(data: bytes, *, path: str | Path, part: str = "") -> Element:
    """Parse XML we read ourselves, refusing DTDs and entity declarations."""
    where = f"part {part!r}: " if part else ""
    try:
        return DET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise UnreadableDocument(
            f"{where}XML declares a DTD or entities ({type(exc).__name__}); refused as unsafe",
            path=path,
        ) from None
    except DET.ParseError as exc:
        raise UnreadableDocument(f"{where}malformed XML ({exc})", path=path) from None


# --- text decoding -------------------------------------------------------------------------

_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_TYPOGRAPHIC = frozenset("‘’“”–—…«»°·€£§ªº¿¡•\u00a0")


def _oddness(text: str) -> int:
    """How many non-ASCII characters look like a wrong guess of the encoding."""
    odd = 0
    prev = ""
    for ch in text:
        if ch < "\x80":
            prev = ch
            continue
        if ch in _TYPOGRAPHIC:
            prev = ch
            continue
        cat = unicodedata.category(ch)
        if not cat.startswith("L"):
            odd += 1
        elif cat == "Lu" and prev.islower():
            # "CÕte", "isnÕt": a capital inside a lowercase word is a misdecoded byte.
            odd += 1
        prev = ch
    return odd


def decode_text(data: bytes, *, path: str | Path, encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding name) for bytes of a text file; see the module docstring for the rule."""
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise UnreadableDocument(
                f"cannot decode as {encoding!r} ({exc}); try another encoding", path=path
            ) from None
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(
            "binary content (NUL bytes), not a text file; UTF-16 files must be saved as UTF-8",
            path=path,
        )
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8"
    except UnicodeDecodeError:
        pass
    mac = data.decode("mac_roman")  # defines all 256 bytes
    if _CP1252_UNDEFINED.intersection(data):
        return mac, "mac_roman"
    win = data.decode("cp1252")
    if _oddness(win) < _oddness(mac):
        return win, "cp1252"
    return mac, "mac_roman"


def read_text(
    path: str | Path, *, encoding: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[str, str]:
    p = check_file(path, limits=limits)
    return decode_text(p.read_bytes(), path=p, encoding=encoding)
