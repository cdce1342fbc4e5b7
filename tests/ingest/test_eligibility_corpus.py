from __future__ import annotations

import json
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from crfgen_core.ingest.reader import read_protocol

pytestmark = pytest.mark.shared


def _similar(ours: str, theirs: str) -> float:
    # TI holds a shortened IETEST (<= 200 chars): compare with the start of our full text
    return SequenceMatcher(None, ours[: len(theirs)].lower(), theirs.lower()).ratio()


@pytest.mark.parametrize("name", ["CDISC_Pilot_Study.pdf", "LZZT_ICH_M11.docx"])
def test_cdisc_pilot_criteria_match_sdtm_ti(corpus_dir: Path, shared_dir: Path, name: str) -> None:
    eligibility = read_protocol(corpus_dir / "cdisc_pilot_lzzt" / name).eligibility
    reference = shared_dir / "corpus/reference/cdisc_pilot_lzzt/CDISCPILOT01_sdtm_trial_design_domains.json"
    ti = json.loads(reference.read_text(encoding="utf-8-sig"))["ti"]
    inclusion = [row["IETEST"] for row in ti if row["IECAT"] == "INCLUSION"]
    exclusion = [row["IETEST"] for row in ti if row["IECAT"] == "EXCLUSION"]
    assert len(eligibility.inclusion) == len(inclusion) == 8
    assert len(eligibility.exclusion) == len(exclusion) == 23
    assert [c.number.rstrip("b") for c in eligibility.exclusion] == [str(n) for n in range(9, 32)]
    ours = eligibility.inclusion + eligibility.exclusion
    scores = [_similar(c.text, text) for c, text in zip(ours, inclusion + exclusion, strict=True)]
    assert sum(scores) / len(scores) >= 0.6
    assert min(scores) >= 0.3
    # sub-items stay inside their criterion
    assert "Large vessel strokes" in eligibility.inclusion[4].text
    assert "Myasthenia gravis" in eligibility.exclusion[3].text


def test_criteria_over_a_page_break_lose_the_running_header(corpus_dir: Path) -> None:
    eligibility = read_protocol(corpus_dir / "cdisc_pilot_lzzt" / "CDISC_Pilot_Study.pdf").eligibility
    criterion = eligibility.inclusion[4]  # runs from page 11 to 12
    assert criterion.page == 11
    assert "Clinical Study Protocol Document" not in criterion.text


@pytest.mark.parametrize(
    ("path", "inclusion", "exclusion"),
    [
        ("roche_nct04320615_covid/Roche_NCT04320615_COVID.pdf", 7, 12),  # bullets, no numbers
        ("sanofi_nct03637764_oncology/Sanofi_NCT03637764_Oncology.pdf", 18, 42),  # "I 01." / "E 01."
        ("sanofi_nct03637764_oncology/Sanofi_NCT03637764_Oncology_protocol.docx", 18, 42),
        ("lilly_nct05324124/EliLilly_NCT05324124.pdf", 7, 32),
    ],
)
def test_other_numbering_styles(corpus_dir: Path, path: str, inclusion: int, exclusion: int) -> None:
    eligibility = read_protocol(corpus_dir / path).eligibility
    assert (len(eligibility.inclusion), len(eligibility.exclusion)) == (inclusion, exclusion)
