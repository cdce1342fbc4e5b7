"""Where a study's corrections are read from: `<data dir>/review/corrections/<study>.json`.

The one place that knows the source, so the review store can take over feeding the pipeline (by
exporting this file, or by replacing this function) without touching the assets that read it.
"""

from __future__ import annotations

from pathlib import Path

from crfgen_core.review.corrections import CorrectionSet, CorrectionsFileError

CORRECTIONS_DIR = Path("review") / "corrections"


def study_corrections_path(data_dir: Path, study: str) -> Path:
    """Given the data directory and a study key, return the path of the study's corrections file."""
    return data_dir / CORRECTIONS_DIR / f"{study}.json"


def read_study_corrections(data_dir: Path, study: str) -> CorrectionSet:
    """Given the data directory and a study key, return the study's corrections (none recorded: an empty
    set). An unreadable file or one for another study raises CorrectionsFileError."""
    path = study_corrections_path(data_dir, study)
    if not path.is_file():
        return CorrectionSet(study=study)
    corrections = CorrectionSet.load(path)
    if corrections.study != study:
        raise CorrectionsFileError(f"{path}: holds corrections of study '{corrections.study}', not '{study}'")
    return corrections
