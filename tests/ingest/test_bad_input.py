"""Unreadable input gives a typed ProtocolReadError, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from crfgen_core.cli.__init__ import main
from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.docx import read_docx
from crfgen_core.ingest.docx.docx_package import PackageLimits
from crfgen_core.ingest.errors import (
    CorruptProtocolError,
    EmptyFileError,
    InputLimitExceededError,
    ProtocolReadError,
    UnsupportedFormatError,
)
from crfgen_core.ingest.reader import read_protocol


def _plain_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("hello")
    document.save(str(path))
    return path


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "p.pdf").write_bytes(b"")
    with pytest.raises(EmptyFileError):
        read_protocol(tmp_path / "p.pdf")


def test_truncated_pdf(tmp_path: Path) -> None:
    (tmp_path / "p.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    with pytest.raises(ProtocolReadError):
        read_protocol(tmp_path / "p.pdf")


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    (tmp_path / "p.docx").write_text("this is plain text, not a Word file")
    with pytest.raises(CorruptProtocolError):
        read_protocol(tmp_path / "p.docx")


def test_wrong_extension_and_unknown_content(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("protocol text")
    with pytest.raises(UnsupportedFormatError):
        read_protocol(tmp_path / "p.txt")


def test_zip_bomb_refused_before_parsing(tmp_path: Path) -> None:
    path = _plain_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/filler.bin", b"\0" * (4 * 1024 * 1024))
    limits = PackageLimits(max_total_uncompressed=10 * 1024 * 1024, ratio_floor=1024 * 1024, max_ratio=100)
    with pytest.raises(InputLimitExceededError):
        read_docx(path, limits)
    limits = PackageLimits(max_total_uncompressed=1024 * 1024)
    with pytest.raises(InputLimitExceededError):
        read_docx(path, limits)


def test_macro_enabled_content_type_is_refused(tmp_path: Path) -> None:
    source = _plain_docx(tmp_path / "plain.docx")
    target = tmp_path / "renamed.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
                )
            dst.writestr(item, data)
    with pytest.raises(UnsupportedFormatError, match="macro"):
        read_protocol(target)


def test_cli_reports_typed_error_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.docx").write_bytes(b"")
    assert main(["extract", str(tmp_path / "p.docx")]) == 2
    err = capsys.readouterr().err
    assert "[EMPTY_FILE]" in err and "Traceback" not in err


def test_a_vba_relationship_alone_marks_a_macro_document(tmp_path: Path) -> None:
    """The VBA part under another name, no macro content type: the relationship type still says VBA."""
    source = _plain_docx(tmp_path / "plain.docx")
    target = tmp_path / "renamed.docx"
    vba = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>", f'<Relationship Id="rX" Type="{vba}" Target="payload.dat"/>'.encode()
                    + b"</Relationships>"
                )
            dst.writestr(item, data)
        dst.writestr("word/payload.dat", b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnsupportedFormatError, match=r"macro-enabled.*vbaProject"):
        read_protocol(target)


def test_an_over_declared_compressed_size_neither_hangs_nor_fails_a_sound_member(tmp_path: Path) -> None:
    """Found by mutating the example's central directory: word/styles.xml declaring 922 MB of compressed
    bytes made the bounded reader spin after the deflate stream had ended. The stream's end is final."""
    data = bytearray(example_protocol_path("docx").read_bytes())
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(b"word/styles.xml")] != b"word/styles.xml":
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 20 : entry + 24] = (922_759_027).to_bytes(4, "little")  # compressed size field
    path = tmp_path / "over_declared.docx"
    path.write_bytes(bytes(data))
    script = "import sys; from pathlib import Path; from crfgen_core.ingest.reader import read_protocol; "
    script += "print(len(read_protocol(Path(sys.argv[1])).schedules))"
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and int(done.stdout) >= 1, done.stderr
