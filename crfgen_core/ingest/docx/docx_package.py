"""The DOCX zip package checked before python-docx parses it: size limits, no DTD, no macros, content type.

Every member is inflated once through the bounded reader (zip_members.py), so after this check each one
is known to inflate to exactly its declared size, within the limits: python-docx reading the same bytes
afterwards cannot be driven past them. XML parts are fed to a parser as they inflate; a DTD is refused
wherever the prolog puts it (after comments, processing instructions, any amount of padding).
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from lxml import etree

from crfgen_core.ingest.docx.zip_members import InflateBudget, member_chunks
from crfgen_core.ingest.errors import CorruptProtocolError, InputLimitExceededError, UnsupportedFormatError

DEFAULT_MAX_TOTAL_UNCOMPRESSED = 512 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_MAX_RATIO = 200  # compression ratio above which a large entry is treated as a zip bomb
DEFAULT_RATIO_FLOOR = 16 * 1024 * 1024  # ratios only matter for entries at least this large

CONTENT_TYPES_PART = "[Content_Types].xml"
DOCUMENT_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_XML_PARTS = (".xml", ".rels")
_DECLARING_TAGS = (f"{_CT_NS}Override", f"{_CT_NS}Default", f"{_REL_NS}Relationship")
# VBA lives in vbaProject.bin (+ vbaData.xml), linked by a vbaProject relationship; any one of them,
# whatever [Content_Types].xml says, makes the package macro-enabled.
_MACRO_PART_NAMES = ("vbaproject.bin", "vbadata.xml")
_MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata")


@dataclass(frozen=True)
class PackageLimits:
    """Tunables for the zip checks; the defaults fit any real protocol with room to spare."""

    max_total_uncompressed: int = DEFAULT_MAX_TOTAL_UNCOMPRESSED
    max_entries: int = DEFAULT_MAX_ENTRIES
    max_ratio: int = DEFAULT_MAX_RATIO
    ratio_floor: int = DEFAULT_RATIO_FLOOR


def check_docx_package(path: Path, limits: PackageLimits | None = None) -> None:
    """Given a DOCX path, return if its zip is in limits and a plain document; raise a typed error if not."""
    with path.open("rb") as handle:
        check_docx_stream(path, handle, limits)


def check_docx_stream(path: Path, source: BinaryIO, limits: PackageLimits | None = None) -> None:
    """Given a DOCX's bytes (`path` names it in errors), check them as `check_docx_package` does.

    Declared sizes are compared first, so an honest zip bomb is refused without inflating anything;
    then every member is inflated in bounded chunks, which catches headers that lie, damaged streams,
    encryption and unsupported methods as typed errors.
    """
    limits = limits or PackageLimits()
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, ValueError, struct.error) as exc:
        raise CorruptProtocolError(path, f"the DOCX is not a readable zip archive ({exc})") from exc
    except NotImplementedError as exc:  # e.g. "zip file version 23.7": a zip feature Word never uses
        raise UnsupportedFormatError(path, f"the DOCX uses a zip feature Word never writes ({exc})") from exc
    with archive:
        infos = archive.infolist()
        _check_sizes(path, infos, limits)
        if CONTENT_TYPES_PART not in archive.namelist():
            raise UnsupportedFormatError(path, "the zip has no [Content_Types].xml: not an Office document")
        _check_macro_part_names(path, infos)
        budget = InflateBudget(limits.max_total_uncompressed, limits.max_ratio, limits.ratio_floor)
        declared: list[str] = []
        for info in infos:
            if info.is_dir():
                continue
            chunks = member_chunks(source, info, path, budget)
            if info.filename.lower().endswith(_XML_PARTS):
                declared += _scan_xml_part(path, info.filename, chunks)
            else:
                for _ in chunks:
                    pass
    _check_declarations(path, declared)


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


def _check_macro_part_names(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        if PurePosixPath(info.filename).name.lower() in _MACRO_PART_NAMES:
            raise _macro_error(path, f"it holds a VBA part ({info.filename})")


def _macro_error(path: Path, evidence: str) -> UnsupportedFormatError:
    return UnsupportedFormatError(
        path,
        f"the file is a macro-enabled Word document (.docm: {evidence}); "
        "save it as a plain .docx without macros",
    )


def _scan_xml_part(path: Path, name: str, chunks: Iterator[bytes]) -> list[str]:
    """Feed one XML part to a safe pull parser as it inflates; refuse a DTD; return what it declares.

    Only [Content_Types].xml and .rels parts are parsed to the end; of any other part only the prolog
    is parsed (where a DTD must be), the rest is inflated and counted but not parsed. A part that is not
    well-formed is refused only if it is [Content_Types].xml: python-docx's parser, as strict as this
    one, reports any part it needs.
    """
    scan = _PartScan(path, name)
    parsing = True
    for chunk in chunks:
        if parsing:  # once done, the part is still inflated to the end: sizes and CRC are checked there
            parsing = scan.feed(chunk)
    if parsing:
        scan.feed(None)
    return scan.declared


class _PartScan:
    """One XML part being parsed: its DTD refused, what it declares collected (content types for
    [Content_Types].xml, relationship types for .rels)."""

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        self.parser = etree.XMLPullParser(
            events=("start",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        is_rels = name.lower().endswith(".rels")
        self.wanted = "ContentType" if name == CONTENT_TYPES_PART else "Type" if is_rels else None
        self.declared: list[str] = []
        self.root_seen = False

    def feed(self, chunk: bytes | None) -> bool:
        """Feed one chunk (None: the end); return whether the part still needs parsing."""
        try:
            if chunk is None:
                self.parser.close()
            else:
                self.parser.feed(chunk)
        except etree.XMLSyntaxError as exc:
            self._take_events()  # a DTD met before the error is still refused
            if self.name == CONTENT_TYPES_PART:
                raise CorruptProtocolError(self.path, f"{self.name} is not well-formed ({exc})") from exc
            return False
        return self._take_events()

    def _take_events(self) -> bool:
        for _, element in self.parser.read_events():
            if not self.root_seen:
                self.root_seen = True
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise UnsupportedFormatError(
                        self.path,
                        f"{self.name} declares a DTD (<!DOCTYPE>), which Word never writes; "
                        "refusing a possible XXE or entity-expansion attack",
                    )
                if self.wanted is None:
                    return False
            elif self.wanted and element.tag in _DECLARING_TAGS:
                self.declared.append(str(element.get(self.wanted, "")))
        return True


def _check_declarations(path: Path, declared: list[str]) -> None:
    """Content types and relationship types together: a macro is found by either."""
    for value in declared:
        if any(marker in value.lower() for marker in _MACRO_MARKERS):
            raise _macro_error(path, f"it declares {value.rsplit('/', 1)[-1]}")
    if DOCUMENT_CONTENT_TYPE not in declared:
        raise UnsupportedFormatError(path, "the package is not a Word document (.docx main part missing)")


def read_checked_docx(path: Path, limits: PackageLimits | None = None) -> io.BytesIO:
    """Given a DOCX path, return its bytes in memory once checked: what is checked is what gets parsed
    (the file cannot be swapped between the check and python-docx reading it)."""
    data = io.BytesIO(path.read_bytes())
    check_docx_stream(path, data, limits)
    data.seek(0)
    return data
