"""Reader for the NCI EVS tab-delimited CT publication (e.g. `SDTM Terminology.txt`)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from crfgen_core.model.terminology import CTPackage
from crfgen_core.terminology.ct_index import PARENT, ROW_WIDTH, CTIndex, CTRow
from crfgen_core.terminology.errors import CTFormatError

# Column order as published by NCI EVS; a row with an empty "Codelist Code" is a codelist header.
EXPECTED_HEADER = [
    "Code",
    "Codelist Code",
    "Codelist Extensible (Yes/No)",
    "Codelist Name",
    "CDISC Submission Value",
    "CDISC Synonym(s)",
    "CDISC Definition",
    "NCI Preferred Term",
]


def looks_like_nci_tab(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"Code\tCodelist Code\t")


def parse_nci_tab_rows(text: str, source: str = "") -> list[CTRow]:
    """Given the text of an NCI EVS tab-delimited CT file, return its checked rows (NCI uses no quoting)."""
    lines = text.lstrip("\ufeff").split("\n")
    header = lines[0].rstrip("\r").split("\t")
    if [h.strip() for h in header[:ROW_WIDTH]] != EXPECTED_HEADER:
        raise CTFormatError(source, f"not an NCI EVS tab-delimited CT file (header {header[:ROW_WIDTH]!r})")
    rows: list[CTRow] = []
    append = rows.append
    for line_no, line in enumerate(lines[1:], start=2):
        if line.endswith("\r"):
            line = line[:-1]
        if not line.strip("\t "):
            continue
        row: list[str] = line.split("\t")
        if len(row) != ROW_WIDTH:
            if len(row) < ROW_WIDTH:
                raise CTFormatError(source, f"line {line_no}: {len(row)} columns, expected {ROW_WIDTH}")
            row = row[:ROW_WIDTH]
        append(row)
    codelists = {checked[0] for checked in rows if not checked[PARENT]}
    for checked in rows:
        if checked[PARENT] and checked[PARENT] not in codelists:
            raise CTFormatError(source, f"term {checked[0]} names unknown codelist {checked[PARENT]}")
    if not codelists:
        raise CTFormatError(source, "no codelists in the file")
    return rows


def parse_nci_tab_index(text: str, package: str, version: str, source: str = "", sha256: str = "") -> CTIndex:
    """Given the text of an NCI EVS tab-delimited CT file, return the lookup index over it (fast path)."""
    return CTIndex.from_rows(package, version, source, sha256, parse_nci_tab_rows(text, source))


def parse_nci_tab(text: str, package: str, version: str, source: str = "", sha256: str = "") -> CTPackage:
    """Given the text of an NCI EVS tab-delimited CT file, return the CTPackage contract it describes."""
    return parse_nci_tab_index(text, package, version, source, sha256).package


def read_nci_tab(path: Path, package: str, version: str) -> CTPackage:
    """Given a path to an NCI EVS tab-delimited CT file, return its CTPackage (sha256 of the bytes)."""
    data = path.read_bytes()
    return parse_nci_tab(
        decode_ct_text(data, str(path)),
        package=package,
        version=version,
        source=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def decode_ct_text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CTFormatError(source, f"not UTF-8 text at byte {exc.start}") from exc
