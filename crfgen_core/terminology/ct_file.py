"""Read any NCI EVS CT publication from bytes or a path: the format is sniffed, package/version inferred.

The tab form carries no version inside, so it comes from the caller, else from a date in the file or
folder name (`SDTM Terminology 2025-03-25.txt`, `sdtm_2025-03-25/SDTM Terminology.txt`); the package
comes from the `<Package> Terminology` file name. CT-ODM files name both themselves.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.terminology.ct_odm_reader import looks_like_ct_odm, parse_ct_odm
from crfgen_core.terminology.errors import CTFormatError, CTVersionUnknownError
from crfgen_core.terminology.nci_tab_reader import decode_ct_text, looks_like_nci_tab, parse_nci_tab_index

_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")
_PACKAGE = re.compile(r"^(?P<package>.+?) Terminology\b", re.IGNORECASE)


def infer_package(name: str) -> str | None:
    """Given a file name such as `SDTM Terminology 2025-03-25.txt`, return `sdtm` (None if no match)."""
    matched = _PACKAGE.match(PurePosixPath(name).name)
    return matched["package"].strip().lower().replace(" ", "-") if matched else None


def infer_version(name: str) -> str | None:
    """Given a path or URL, return the last YYYY-MM-DD date in it (file name first, then folders)."""
    for part in reversed(PurePosixPath(name).parts):
        dates = _DATE.findall(part)
        if dates:
            return str(dates[-1])
    return None


def parse_ct_bytes(
    data: bytes, name: str, *, package: str | None = None, version: str | None = None, source: str = ""
) -> CTIndex:
    """Given the bytes of a CT file and its name (path or URL), return the index over it."""
    source = source or name
    sha256 = hashlib.sha256(data).hexdigest()
    if looks_like_ct_odm(data):
        index = parse_ct_odm(data, source=source, sha256=sha256)
        if (package and package != index.package_name) or (version and version != index.version):
            raise CTVersionUnknownError(
                source, f"file says {index.package_name} {index.version}, caller said {package} {version}"
            )
        return index
    if not looks_like_nci_tab(data[:64]):
        raise CTFormatError(source, "neither an NCI EVS tab-delimited file nor a CT-ODM XML file")
    package = package or infer_package(name)
    version = version or infer_version(name)
    if not package or not version:
        raise CTVersionUnknownError(
            source,
            "tab-delimited CT carries no package/version; name them (--package, --version) "
            "or use a dated file name such as 'SDTM Terminology 2025-03-25.txt'",
        )
    return parse_nci_tab_index(decode_ct_text(data, source), package, version, source=source, sha256=sha256)


def read_ct_file(path: Path, *, package: str | None = None, version: str | None = None) -> CTIndex:
    """Given a CT file path, return its index; the path (file and folder names) informs package/version."""
    return parse_ct_bytes(path.read_bytes(), str(path.resolve()), package=package, version=version)
