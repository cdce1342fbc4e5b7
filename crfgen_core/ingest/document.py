"""Identify a protocol file by its bytes: format from magic numbers, sha256 of the content."""

from __future__ import annotations

import hashlib
import struct
import zipfile
from pathlib import Path

from crfgen_core.ingest.errors import (
    CorruptProtocolError,
    EmptyFileError,
    ProtocolReadError,
    UnsupportedFormatError,
)
from crfgen_core.model.protocol import ProtocolDocument, ProtocolFormat

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
DOCX_MAIN_PART = "word/document.xml"


def sha256_file(path: Path) -> str:
    """Given a path, return the hex sha256 of its bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sniff_format(path: Path) -> ProtocolFormat:
    """Given a file, return "pdf" or "docx" judged by content, not by extension."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head:
        raise EmptyFileError(path, "the file is empty (0 bytes)")
    if PDF_MAGIC in head:
        return "pdf"
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                if DOCX_MAIN_PART in archive.namelist():
                    return "docx"
        except (zipfile.BadZipFile, EOFError, ValueError, struct.error, NotImplementedError) as exc:
            # zipfile reports a damaged or exotic central directory in all of these ways
            raise UnsupportedFormatError(path, f"a damaged zip archive, not a readable DOCX ({exc})") from exc
        raise UnsupportedFormatError(path, "a zip archive without word/document.xml, not a DOCX")
    if path.suffix.lower() in (".docx", ".docm"):
        raise CorruptProtocolError(path, "named .docx but not a zip archive: the file is damaged or not Word")
    if path.suffix.lower() == ".pdf":
        raise CorruptProtocolError(path, "named .pdf but has no PDF header: the file is damaged or not a PDF")
    raise UnsupportedFormatError(path, "neither a PDF nor a DOCX (supported: .pdf, .docx)")


def identify(path: Path) -> ProtocolDocument:
    """Given a path, return its ProtocolDocument (page count filled in later by the reader)."""
    if not path.is_file():
        raise ProtocolReadError(path, "no such file")
    return ProtocolDocument(
        file_name=path.name,
        path=str(path),
        sha256=sha256_file(path),
        format=sniff_format(path),
        size_bytes=path.stat().st_size,
    )
