"""The DOCX zip package checked before python-docx parses it: size limits and content type."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from crfgen_core.ingest.errors import CorruptProtocolError, InputLimitExceededError, UnsupportedFormatError
from crfgen_core.xml_safety import safe_parser

DEFAULT_MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_MAX_RATIO = 200  # compression ratio above which a large entry is treated as a zip bomb
DEFAULT_RATIO_FLOOR = 16 * 1024 * 1024  # ratios only matter for entries at least this large

CONTENT_TYPES_PART = "[Content_Types].xml"
DOCUMENT_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PROLOG_LIMIT = 64 * 1024  # an XML part whose root element does not start within this is refused
_ROOT_START = re.compile(rb"<[A-Za-z_]")
_XML_PARTS = (".xml", ".rels")


@dataclass(frozen=True)
class PackageLimits:
    """Tunables for the zip checks; the defaults fit any real protocol with room to spare."""

    max_total_uncompressed: int = DEFAULT_MAX_TOTAL_UNCOMPRESSED
    max_entries: int = DEFAULT_MAX_ENTRIES
    max_ratio: int = DEFAULT_MAX_RATIO
    ratio_floor: int = DEFAULT_RATIO_FLOOR


def check_docx_package(path: Path, limits: PackageLimits | None = None) -> None:
    """Given a DOCX path, return if its zip is within limits and a plain document; raise a typed error if not.

    Declared uncompressed sizes are compared before anything is inflated, so a zip bomb is refused
    without being expanded (zipfile never reads past a member's declared size).
    """
    limits = limits or PackageLimits()
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_sizes(path, infos, limits)
            if CONTENT_TYPES_PART not in archive.namelist():
                raise UnsupportedFormatError(
                    path, "the zip has no [Content_Types].xml: not an Office document"
                )
            content_types = archive.read(CONTENT_TYPES_PART)
            for info in infos:
                if info.filename.lower().endswith(_XML_PARTS):
                    _check_no_dtd(path, archive, info)
    except zipfile.BadZipFile as exc:
        raise CorruptProtocolError(path, f"the DOCX is not a readable zip archive ({exc})") from exc
    _check_content_type(path, content_types)


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], limits: PackageLimits) -> None:
    if len(infos) > limits.max_entries:
        raise InputLimitExceededError(
            path, f"the DOCX has {len(infos)} zip entries (limit {limits.max_entries})"
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_uncompressed:
        raise InputLimitExceededError(
            path,
            f"the DOCX would expand to {total // (1024 * 1024)} MB "
            f"(limit {limits.max_total_uncompressed // (1024 * 1024)} MB); refusing a possible zip bomb",
        )
    for info in infos:
        if info.file_size >= limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise InputLimitExceededError(
                path,
                f"zip entry {info.filename} is compressed {info.file_size // max(info.compress_size, 1)}:1; "
                "refusing a possible zip bomb",
            )


def _check_no_dtd(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """OPC forbids DTDs in package parts (ECMA-376 Part 2): one is only ever there to attack the reader
    (external entities, entity expansion). Only the prolog is read, never the whole part."""
    with archive.open(info) as part:
        prolog = part.read(_PROLOG_LIMIT)
    if prolog.startswith((b"\xff\xfe", b"\xfe\xff")):
        prolog = prolog.decode("utf-16", "replace").encode("utf-8")
    root = _ROOT_START.search(prolog)
    head = prolog[: root.start()] if root else prolog
    if b"<!doctype" in head.lower():
        raise UnsupportedFormatError(
            path,
            f"{info.filename} declares a DTD (<!DOCTYPE>), which Word never writes; "
            "refusing a possible XXE or entity-expansion attack",
        )


def _check_content_type(path: Path, content_types: bytes) -> None:
    try:
        root = etree.fromstring(content_types, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise CorruptProtocolError(path, f"[Content_Types].xml is not well-formed ({exc})") from exc
    declared = [
        str(node.get("ContentType", "")) for node in root.iter(f"{_CT_NS}Override", f"{_CT_NS}Default")
    ]
    if any("macroenabled" in value.lower() or "vbaproject" in value.lower() for value in declared):
        raise UnsupportedFormatError(
            path, "the file is a macro-enabled Word document (.docm); save it as a plain .docx without macros"
        )
    if DOCUMENT_CONTENT_TYPE not in declared:
        raise UnsupportedFormatError(path, "the package is not a Word document (.docx main part missing)")
