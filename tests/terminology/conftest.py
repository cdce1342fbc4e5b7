"""Small real CT subsets cut from the shared NCI EVS SDTM file, and an edited second version of one."""

from __future__ import annotations

from pathlib import Path

import pytest

SDTM_FILE = Path("ct") / "sdtm_2025-03-25" / "SDTM Terminology.txt"
V1_CODELISTS = ("C66742", "C66731", "C66789")  # NY, SEX, ND
ADDED_CODELIST = "C66790"  # ETHNIC, added in version 2
REMOVED_TERM = ("C66731", "C45908")  # SEX / INTERSEX, removed in version 2
CHANGED_TERM = ("C66742", "C49488")  # NY / Y, definition changed in version 2
CHANGED_DEFINITION = "The affirmative response to a question, as edited for the test."


def _cut(lines: list[str], codelists: tuple[str, ...]) -> list[str]:
    return [
        line
        for line in lines
        if (line.split("\t")[0] in codelists and not line.split("\t")[1]) or line.split("\t")[1] in codelists
    ]


@pytest.fixture(scope="session")
def sdtm_path(shared_dir: Path) -> Path:
    return shared_dir / "standards" / SDTM_FILE


@pytest.fixture(scope="session")
def ct_versions(sdtm_path: Path) -> tuple[bytes, bytes]:
    """(version 1, version 2) of a small tab-delimited SDTM subset, as bytes."""
    header, *lines = sdtm_path.read_text(encoding="utf-8").splitlines()
    v1 = [header, *_cut(lines, V1_CODELISTS)]
    v2 = [header]
    for line in _cut(lines, (*V1_CODELISTS, ADDED_CODELIST)):
        cells = line.split("\t")
        if (cells[1], cells[0]) == REMOVED_TERM:
            continue
        if (cells[1], cells[0]) == CHANGED_TERM:
            cells[6] = CHANGED_DEFINITION
        v2.append("\t".join(cells))
    return ("\n".join(v1) + "\n").encode(), ("\n".join(v2) + "\n").encode()


@pytest.fixture(scope="session")
def ct_edits() -> dict[str, object]:
    """What version 2 changed, for tests that check a diff."""
    return {
        "added_codelist": ADDED_CODELIST,
        "removed_term": REMOVED_TERM,
        "changed_term": CHANGED_TERM,
        "changed_definition": CHANGED_DEFINITION,
    }
