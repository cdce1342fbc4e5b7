"""Render every output of a CRF package into one directory."""

from __future__ import annotations

import csv
from pathlib import Path

from crfgen_core.model.design import CRFDesign
from crfgen_core.render.odm_1_3_2 import write_odm

MAPPING_COLUMNS = ["activity", "schedule", "concept_id", "domain", "form", "confidence", "reason"]


def write_mapping_csv(design: CRFDesign, path: Path) -> Path:
    """Given a design, write mapping.csv: one row per SoA activity."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MAPPING_COLUMNS)
        for row in design.mappings:
            writer.writerow([row.activity, row.schedule, row.concept_id or "", row.domain or "", row.form or "",
                             f"{row.confidence:.2f}", row.reason])
    return path


def write_review(design: CRFDesign, path: Path) -> Path:
    """Given a design, write review.md: what the generator could not decide."""
    lines = [f"# Review report: {design.study_name}", ""]
    if not design.review:
        lines.append("Every SoA activity was mapped.")
    for entry in design.review:
        lines.append(f"- **{entry.activity}** ({entry.schedule}): {entry.reason}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def render_package(design: CRFDesign, out_dir: Path) -> list[Path]:
    """Given a design and an existing directory, write every output file and return their paths."""
    return [
        write_odm(design, out_dir / "odm.xml"),
        write_mapping_csv(design, out_dir / "mapping.csv"),
        write_review(design, out_dir / "review.md"),
    ]
