"""Hostile and broken protocol files, built on the spot from the bundled example (nothing downloaded).

Each builder writes one file into a folder and returns its path. `HOSTILE` maps a case id to its builder
and the outcome the reader must reach: a typed error code, or "read" (a ParsedProtocol).
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from crfgen_core.examples import example_protocol_path

SECRET_TOKEN = "CRFGEN-XXE-SECRET-7f3a9c"  # written to a local file an XXE payload points at
DOCUMENT_PART = "word/document.xml"
BOMB_GIGABYTES = 2
MANY_PAGES = 3_000
NESTING_DEPTH = 100_000

# A zip member's compressed bytes, or (block, repeat, tail) streamed without being built in memory.
Payload = bytes | tuple[bytes, int, bytes]


def example_pdf_bytes() -> bytes:
    return example_protocol_path("pdf").read_bytes()


def example_docx_bytes() -> bytes:
    return example_protocol_path("docx").read_bytes()


def empty(folder: Path) -> Path:
    path = folder / "empty.pdf"
    path.write_bytes(b"")
    return path


def truncated_pdf(folder: Path) -> Path:
    data = example_pdf_bytes()
    path = folder / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    return path


def corrupted_pdf(folder: Path) -> Path:
    """The example with its xref table and every stream body overwritten by flipped bytes."""
    data = bytearray(example_pdf_bytes())
    xref = data.rfind(b"xref")
    for index in range(xref, min(xref + 400, len(data))):
        data[index] ^= 0xFF
    start = 0
    while (found := data.find(b"stream", start)) != -1:
        end = data.find(b"endstream", found)
        if end == -1:
            break
        for index in range(found + 8, end - 1):
            data[index] ^= 0xA5
        start = end + len(b"endstream")
    path = folder / "corrupted.pdf"
    path.write_bytes(bytes(data))
    return path


def encrypted_pdf(folder: Path) -> Path:
    path = folder / "encrypted.pdf"
    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("user-secret", ownerPassword="owner-secret"))
    pdf.drawString(72, 720, "Schedule of Activities")
    pdf.showPage()
    pdf.save()
    return path


def many_pages_pdf(folder: Path, pages: int = MANY_PAGES) -> Path:
    path = folder / "many_pages.pdf"
    pdf = canvas.Canvas(str(path), pageCompression=1)
    for _ in range(pages):
        pdf.showPage()
    pdf.save()
    return path


def nested_pdf(folder: Path, depth: int = NESTING_DEPTH) -> Path:
    """A hand-written one-page PDF whose catalog holds an array nested `depth` levels deep."""
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Deep " + nested + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Dict "
        + b"<< /A " * 2000
        + b">> " * 2000
        + b">>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    path = folder / "nested.pdf"
    path.write_bytes(out.getvalue())
    return path


def _replace_parts(
    source: bytes, replacements: dict[str, bytes], extra: dict[str, bytes] | None = None
) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in original.infolist():
            new.writestr(info.filename, replacements.get(info.filename, original.read(info.filename)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return out.getvalue()


def _document_with_doctype(doctype: str, entity_ref: str) -> bytes:
    """The example's document.xml with a DOCTYPE prepended and `entity_ref` as the first paragraph text."""
    with zipfile.ZipFile(example_protocol_path("docx")) as archive:
        xml = archive.read(DOCUMENT_PART).decode("utf-8")
    declaration_end = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
    body = xml.index("<w:body>") + len("<w:body>")
    paragraph = f"<w:p><w:r><w:t>Protocol {entity_ref} title</w:t></w:r></w:p>"
    return (xml[:declaration_end] + doctype + xml[declaration_end:body] + paragraph + xml[body:]).encode()


def xxe_docx(folder: Path) -> Path:
    """document.xml declares an external entity pointing at a local secret file (and one at /etc/passwd)."""
    secret = folder / "secret.txt"
    secret.write_text(SECRET_TOKEN)
    doctype = (
        f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">'
        '<!ENTITY pw SYSTEM "file:///etc/passwd">]>'
    )
    path = folder / "xxe.docx"
    path.write_bytes(
        _replace_parts(example_docx_bytes(), {DOCUMENT_PART: _document_with_doctype(doctype, "&xxe;&pw;")})
    )
    return path


def billion_laughs_xml() -> str:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    return f"<!DOCTYPE w:document [{entities}]>"


def billion_laughs_docx(folder: Path) -> Path:
    path = folder / "billion_laughs.docx"
    path.write_bytes(
        _replace_parts(
            example_docx_bytes(), {DOCUMENT_PART: _document_with_doctype(billion_laughs_xml(), "&lol9;")}
        )
    )
    return path


def macro_docx(folder: Path) -> Path:
    """A macro-enabled Word package (.docm content type and a vbaProject.bin part) renamed .docx."""
    with zipfile.ZipFile(example_protocol_path("docx")) as archive:
        types = archive.read("[Content_Types].xml").decode("utf-8")
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    ).replace(
        "</Types>",
        '<Override PartName="/word/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        "</Types>",
    )
    path = folder / "macro.docx"
    path.write_bytes(
        _replace_parts(
            example_docx_bytes(),
            {"[Content_Types].xml": types.encode()},
            {
                "word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                + b"Attribute VB_Name = AutoOpen" * 10
            },
        )
    )
    return path


def _space_blocks(gigabytes: int) -> tuple[bytes, int, bytes]:
    """One deflated megabyte of spaces after a full flush, its repeat count for `gigabytes`, the tail."""
    megabyte = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressor.compress(megabyte)
    compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block, gigabytes * 1024, compressor.flush(zlib.Z_FINISH)


def zip_bomb_docx(folder: Path, gigabytes: int = BOMB_GIGABYTES) -> Path:
    """A DOCX whose word/document.xml inflates to `gigabytes` GB of spaces, written without ever holding it.

    One megabyte of spaces is deflated once; a full flush makes each block independent of the ones before,
    so the same compressed block repeated N times is a valid stream that inflates to N MB.
    """
    block, count, tail = _space_blocks(gigabytes)
    megabyte = b" " * (1 << 20)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(megabyte, crc)
    with zipfile.ZipFile(example_protocol_path("docx")) as archive:
        small = {
            info.filename: archive.read(info.filename)
            for info in archive.infolist()
            if info.filename != DOCUMENT_PART
        }
    entries: list[tuple[str, int, Payload, int, int]] = []
    for name, data in small.items():
        deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = deflater.compress(data) + deflater.flush()
        entries.append((name, 8, packed, zlib.crc32(data), len(data)))
    entries.append((DOCUMENT_PART, 8, (block, count, tail), crc, count << 20))
    path = folder / "zip_bomb.docx"
    _write_raw_zip(path, entries)
    return path


def _write_raw_zip(path: Path, entries: list[tuple[str, int, Payload, int, int]], flags: int = 0) -> None:
    """Write a zip from already-deflated members; a (block, repeat, tail) member is streamed, not built."""
    central = io.BytesIO()
    with path.open("wb") as out:
        for name, method, payload, crc, size in entries:
            encoded = name.encode()
            compressed = (
                len(payload[0]) * payload[1] + len(payload[2]) if isinstance(payload, tuple) else len(payload)
            )
            offset = out.tell()
            out.write(
                struct.pack(
                    "<4s5H3L2H",
                    b"PK\x03\x04",
                    20,
                    flags,
                    method,
                    0,
                    0x21,
                    crc,
                    compressed,
                    size,
                    len(encoded),
                    0,
                )
                + encoded
            )
            if isinstance(payload, tuple):
                block, repeat, tail = payload
                for _ in range(repeat):
                    out.write(block)
                out.write(tail)
            else:
                out.write(payload)
            central.write(
                struct.pack(
                    "<4s6H3L5H2L",
                    b"PK\x01\x02",
                    20,
                    20,
                    flags,
                    method,
                    0,
                    0x21,
                    crc,
                    compressed,
                    size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
        start = out.tell()
        directory = central.getvalue()
        out.write(directory)
        out.write(
            struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), start, 0)
        )


def _example_members() -> dict[str, bytes]:
    with zipfile.ZipFile(example_protocol_path("docx")) as archive:
        return {info.filename: archive.read(info.filename) for info in archive.infolist()}


def _deflated(data: bytes) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return deflater.compress(data) + deflater.flush()


def _raw_docx(
    path: Path, members: dict[str, bytes], special: dict[str, tuple[int, Payload, int, int]] | None = None
) -> Path:
    """The example's members, deflated; `special` gives a member's (method, payload, crc, declared size)."""
    entries: list[tuple[str, int, Payload, int, int]] = []
    for name, data in members.items():
        if special and name in special:
            method, payload, crc, size = special[name]
            entries.append((name, method, payload, crc, size))
        else:
            entries.append((name, 8, _deflated(data), zlib.crc32(data), len(data)))
    _write_raw_zip(path, entries)
    return path


ZIPCRYPTO_PASSWORD = b"protocol-secret"


def _zipcrypto(plain: bytes, crc: int) -> bytes:
    """Traditional PKWARE encryption (APPNOTE 6.1): a 12-byte header whose last byte checks the CRC."""
    keys = [0x12345678, 0x23456789, 0x34567890]

    def crc_byte(value: int, byte: int) -> int:
        return zlib.crc32(bytes([byte]), value ^ 0xFFFFFFFF) ^ 0xFFFFFFFF

    def update(byte: int) -> None:
        keys[0] = crc_byte(keys[0], byte)
        keys[1] = ((keys[1] + (keys[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc_byte(keys[2], keys[1] >> 24)

    for byte in ZIPCRYPTO_PASSWORD:
        update(byte)
    out = bytearray()
    for byte in bytes(11) + bytes([crc >> 24]) + plain:
        temp = (keys[2] | 2) & 0xFFFF
        out.append(byte ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
        update(byte)
    return bytes(out)


def zipcrypto_docx(folder: Path) -> Path:
    """Every member encrypted with ZipCrypto (flag bit 0), as `zip -e` or a "protect" tool writes it."""
    members = _example_members()
    special = {}
    for name, data in members.items():
        crc = zlib.crc32(data)
        special[name] = (8, _zipcrypto(_deflated(data), crc), crc, len(data))
    path = folder / "zipcrypto.docx"
    _write_raw_zip(path, [(name, *special[name]) for name in members], flags=0x01)
    return path


def _damaged_deflate(data: bytes) -> bytes:
    """The first half deflated and flushed, then a block of the reserved type 11: inflating fails midway."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflater.compress(data[: len(data) // 2]) + deflater.flush(zlib.Z_FULL_FLUSH)
    return head + b"\x07" + bytes(range(64))


def _damaged_member(folder: Path, member: str, name: str) -> Path:
    members = _example_members()
    data = members[member]
    return _raw_docx(
        folder / name, members, {member: (8, _damaged_deflate(data), zlib.crc32(data), len(data))}
    )


def damaged_content_types_docx(folder: Path) -> Path:
    return _damaged_member(folder, "[Content_Types].xml", "damaged_content_types.docx")


def damaged_document_docx(folder: Path) -> Path:
    return _damaged_member(folder, DOCUMENT_PART, "damaged_document.docx")


def deflate64_docx(folder: Path) -> Path:
    """word/document.xml stored with method 9 (Deflate64), which Windows Explorer writes for big files."""
    members = _example_members()
    data = members[DOCUMENT_PART]
    return _raw_docx(
        folder / "deflate64.docx", members, {DOCUMENT_PART: (9, _deflated(data), zlib.crc32(data), len(data))}
    )


def lying_zip_docx(folder: Path, gigabytes: int = BOMB_GIGABYTES) -> Path:
    """word/document.xml declares 26 KB (with the CRC of its first 26 KB) but inflates to `gigabytes` GB
    of spaces: the declared sizes pass every header check, and a reader that stops at the declared size
    finds a matching CRC; only counting what actually comes out finds it."""
    members = _example_members()
    block, count, tail = _space_blocks(gigabytes)
    declared = len(members[DOCUMENT_PART])
    lie = (8, (block, count, tail), zlib.crc32(b" " * declared), declared)
    return _raw_docx(folder / "lying_zip.docx", members, {DOCUMENT_PART: lie})


def _with_document_prolog(prolog: bytes) -> bytes:
    xml = _example_members()[DOCUMENT_PART]
    declaration_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:declaration_end] + prolog + xml[declaration_end:]


def _dtd_after_comment(folder: Path, name: str, comment_bytes: int) -> Path:
    doctype = b'<!DOCTYPE w:document [<!ENTITY title "injected">]>'
    comment = b"<!--" + b"x" * comment_bytes + b"-->"
    path = folder / name
    path.write_bytes(
        _replace_parts(example_docx_bytes(), {DOCUMENT_PART: _with_document_prolog(comment + doctype)})
    )
    return path


def dtd_after_comment_docx(folder: Path) -> Path:
    return _dtd_after_comment(folder, "dtd_after_comment.docx", 16)


def dtd_after_long_comment_docx(folder: Path) -> Path:
    return _dtd_after_comment(folder, "dtd_after_long_comment.docx", 70 * 1024)


VBA_RELATIONSHIP = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_PROJECT_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Attribute VB_Name = AutoOpen" * 10


def vba_without_content_type_docx(folder: Path) -> Path:
    """A vbaProject.bin part and its relationship, typed only by a generic `bin` default: nothing in
    [Content_Types].xml says macro, so a content-type check alone takes it for a plain .docx."""
    rels_name = "word/_rels/document.xml.rels"
    members = _example_members()
    rels = members[rels_name].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdVba" Type="{VBA_RELATIONSHIP}" Target="vbaProject.bin"/>'.encode()
        + b"</Relationships>",
    )
    types = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Default Extension="bin" ContentType="application/octet-stream"/></Types>'
    )
    path = folder / "vba_no_content_type.docx"
    path.write_bytes(
        _replace_parts(
            example_docx_bytes(),
            {rels_name: rels, "[Content_Types].xml": types},
            {"word/vbaProject.bin": VBA_PROJECT_BYTES},
        )
    )
    return path


def pdf_named_docx(folder: Path) -> Path:
    path = folder / "really_a_pdf.docx"
    path.write_bytes(example_pdf_bytes())
    return path


def docx_named_pdf(folder: Path) -> Path:
    path = folder / "really_a_docx.pdf"
    path.write_bytes(example_docx_bytes())
    return path


def text_named_pdf(folder: Path) -> Path:
    path = folder / "notes.pdf"
    path.write_text("Protocol XYZ-123\nThis is a plain text file, not a PDF.\n")
    return path


EMPTY_PARAGRAPHS = 450_000


def empty_paragraphs_docx(folder: Path, count: int = EMPTY_PARAGRAPHS) -> Path:
    """The example with `count` empty paragraphs before its body: a few hundred KB that are slow to read."""
    xml = _example_members()[DOCUMENT_PART]
    body = xml.index(b"<w:body>") + len(b"<w:body>")
    path = folder / "empty_paragraphs.docx"
    path.write_bytes(
        _replace_parts(example_docx_bytes(), {DOCUMENT_PART: xml[:body] + b"<w:p/>" * count + xml[body:]})
    )
    return path


SLOW_PDF_PAGES = 1_500
SLOW_PDF_GLYPH_RUNS = 20_000


def slow_pdf(folder: Path, pages: int = SLOW_PDF_PAGES, glyph_runs: int = SLOW_PDF_GLYPH_RUNS) -> Path:
    """A hand-written PDF of `pages` pages (within the page limit) that all draw one shared content stream
    of `glyph_runs` text objects: about 300 KB on disk, tens of milliseconds of PDFium work per page."""
    # ticks ("x") on a 10-point grid: every page is an SoA candidate, so its geometry is read too
    run = b"BT /F1 6 Tf %d %d Td (x) Tj ET\n"
    ops = b"".join(run % (i % 60 * 10, i // 60 % 79 * 10) for i in range(glyph_runs))
    stream = zlib.compress(ops, 9)
    first_page = 5  # after catalog, page tree, font and the shared content stream
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        *[page] * pages,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path = folder / "slow.pdf"
    path.write_bytes(out.getvalue())
    return path


@dataclass(frozen=True)
class HostileCase:
    build: Callable[[Path], Path]
    expect: str  # an error code (ProtocolReadError.code) or "read" for a ParsedProtocol
    also: tuple[str, ...] = ()  # other acceptable outcomes, for files a lenient parser may partly read


HOSTILE: dict[str, HostileCase] = {
    "zero_byte": HostileCase(empty, "EMPTY_FILE"),
    "truncated_pdf": HostileCase(truncated_pdf, "CORRUPT"),
    "corrupted_pdf": HostileCase(corrupted_pdf, "CORRUPT", also=("read",)),
    "encrypted_pdf": HostileCase(encrypted_pdf, "ENCRYPTED"),
    "nested_pdf": HostileCase(nested_pdf, "CORRUPT", also=("read",)),
    "zip_bomb_docx": HostileCase(zip_bomb_docx, "LIMIT_EXCEEDED"),
    "xxe_docx": HostileCase(xxe_docx, "UNSUPPORTED_FORMAT"),
    "billion_laughs_docx": HostileCase(billion_laughs_docx, "UNSUPPORTED_FORMAT"),
    "macro_docm_as_docx": HostileCase(macro_docx, "UNSUPPORTED_FORMAT"),
    "zipcrypto_docx": HostileCase(zipcrypto_docx, "ENCRYPTED"),
    "damaged_content_types_docx": HostileCase(damaged_content_types_docx, "CORRUPT"),
    "damaged_document_docx": HostileCase(damaged_document_docx, "CORRUPT"),
    "deflate64_docx": HostileCase(deflate64_docx, "UNSUPPORTED_FORMAT"),
    "lying_zip_docx": HostileCase(lying_zip_docx, "LIMIT_EXCEEDED"),
    "dtd_after_comment_docx": HostileCase(dtd_after_comment_docx, "UNSUPPORTED_FORMAT"),
    "dtd_after_long_comment_docx": HostileCase(dtd_after_long_comment_docx, "UNSUPPORTED_FORMAT"),
    "vba_without_content_type_docx": HostileCase(vba_without_content_type_docx, "UNSUPPORTED_FORMAT"),
    "pdf_named_docx": HostileCase(pdf_named_docx, "read"),
    "docx_named_pdf": HostileCase(docx_named_pdf, "read"),
    "text_named_pdf": HostileCase(text_named_pdf, "CORRUPT"),
}

# Awkward but legitimate file names: the bytes are the example PDF, so each must simply be read.
ODD_NAMES = (
    "..pdf",
    "protocole été 試験 ñ.pdf",
    "with  spaces .pdf",
    "new\nline.pdf",
    "-rf.pdf",
    "--help.pdf",
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
