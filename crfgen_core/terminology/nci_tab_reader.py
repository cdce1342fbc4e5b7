"""Reader for the NCI EVS tab-delimited CT publication (e.g. `SDTM Terminology.txt`)."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

from crfgen_core.model.terminology import Codelist, CTPackage, Term

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


class CTFormatError(ValueError):
    """The file is not an NCI EVS CT publication we can read."""


def _synonyms(raw: str) -> list[str]:
    return [s.strip() for s in raw.split(";") if s.strip()]


def parse_nci_tab(text: str, package: str, version: str, source: str = "", sha256: str = "") -> CTPackage:
    """Given the text of an NCI EVS tab-delimited CT file, return the CTPackage it describes."""
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None or [h.strip() for h in header[: len(EXPECTED_HEADER)]] != EXPECTED_HEADER:
        raise CTFormatError(f"not an NCI EVS tab-delimited CT file (header {header!r})")
    codelists: dict[str, Codelist] = {}
    pending_terms: list[tuple[str, Term]] = []
    for line_no, row in enumerate(reader, start=2):
        if not row or not any(row):
            continue
        if len(row) < len(EXPECTED_HEADER):
            raise CTFormatError(f"line {line_no}: {len(row)} columns, expected {len(EXPECTED_HEADER)}")
        code, parent, extensible, name, value, synonyms, definition, preferred = row[:8]
        if not parent:
            codelists[code] = Codelist(
                code=code,
                name=name,
                submission_value=value,
                extensible=extensible.strip().lower() == "yes",
                synonyms=_synonyms(synonyms),
                definition=definition,
                preferred_term=preferred,
            )
        else:
            term = Term(
                code=code,
                submission_value=value,
                synonyms=_synonyms(synonyms),
                definition=definition,
                preferred_term=preferred,
            )
            pending_terms.append((parent, term))
    for parent, term in pending_terms:
        if parent not in codelists:
            raise CTFormatError(f"term {term.code} names unknown codelist {parent}")
        codelists[parent].terms.append(term)
    return CTPackage(
        package=package, version=version, source=source, sha256=sha256, codelists=list(codelists.values())
    )


def read_nci_tab(path: Path, package: str, version: str) -> CTPackage:
    """Given a path to an NCI EVS tab-delimited CT file, return its CTPackage (sha256 of the bytes)."""
    data = path.read_bytes()
    return parse_nci_tab(
        data.decode("utf-8-sig"),
        package=package,
        version=version,
        source=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
    )
