"""Render every output of a CRF package into one directory."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from crfgen_core.model.design import CRFDesign, ReviewEntry
from crfgen_core.render.acrf_html import write_acrf_html
from crfgen_core.render.acrf_pdf import write_acrf_pdf
from crfgen_core.render.crf_book_docx import write_crf_book
from crfgen_core.render.crf_layout import CRFLayout, build_layout
from crfgen_core.render.odm_1_3_2 import write_odm
from crfgen_core.render.redcap_dictionary import write_redcap_dictionary
from crfgen_core.render.redcap_project import write_redcap_project
from crfgen_core.render.soa_pages import SOA_PAGES_FILE, write_soa_pages
from crfgen_core.render.study_identity import study_identity
from crfgen_core.review.corrections import CorrectionSet
from crfgen_core.xml_safety import xml_safe

# The seven columns the issue names, then `kind` (data / procedure / unmapped) so a data-less procedure
# with no form is visibly a decision, not a gap.
MAPPING_COLUMNS = ["activity", "schedule", "concept_id", "domain", "form", "confidence", "reason", "kind"]
CORRECTIONS_FILE_NAME = "corrections.json"
LOW_CONFIDENCE = 0.6  # below this a mapping is listed in review.md even when the mapper decided


def write_mapping_csv(design: CRFDesign, path: Path) -> Path:
    """Given a design, write mapping.csv: one row per SoA activity."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MAPPING_COLUMNS)
        for row in design.mappings:
            writer.writerow(
                [
                    row.activity,
                    row.schedule,
                    row.concept_id or "",
                    row.domain or "",
                    row.form or "",
                    f"{row.confidence:.2f}",
                    row.reason,
                    row.kind,
                ]
            )
    return path


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _settlement(entry: ReviewEntry) -> list[str]:
    """The entry's stable key and the corrections that settle it, as YAML list items in JSON flow style:
    each line pastes under `corrections:` of a corrections file (docs/corrections.md)."""
    if entry.key is None:
        return []
    lines = [f"  - key: `{entry.key}`"]
    if entry.settle_with:
        lines += ["  - settled by one of:", "", "    ```yaml"]
        lines.extend(f"    - {json.dumps(fix, ensure_ascii=False)}" for fix in entry.settle_with)
        lines += ["    ```", ""]
    return lines


def _corrections_section(design: CRFDesign) -> list[str]:
    lines = ["", "## Reviewer corrections", ""]
    if not design.corrections:
        return [*lines, "No correction was recorded for this study."]
    statuses = Counter(outcome.status for outcome in design.corrections)
    lines.append(", ".join(f"{count} {status}" for status, count in sorted(statuses.items())) + ".")
    lines += ["", "| status | kind | key | detail | author | reason |", "|---|---|---|---|---|---|"]
    lines.extend(
        f"| {o.status} | {o.kind} | `{_md(o.target)}` | {_md(o.detail)} | {_md(o.author)} | {_md(o.reason)} |"
        for o in design.corrections
    )
    return lines


def write_corrections(design: CRFDesign, path: Path) -> list[Path]:
    """Given a design built with corrections, write them as a portable corrections file (the same file
    re-applies them to the next protocol version); nothing when there were none."""
    if not design.corrections:
        return []
    study = str(design.corrections[0].correction["study"])
    fixes = CorrectionSet.model_validate(
        {"study": study, "corrections": [o.correction for o in design.corrections]}
    )
    path.write_text(fixes.to_json(), encoding="utf-8")
    return [path]


def review_markdown(design: CRFDesign) -> str:
    """Given a design, return review.md: identity, extraction warnings, open decisions, weak mappings."""
    lines = [f"# Review report: {design.study_name}", ""]
    lines.extend(f"- {label}: {value}" for label, value in study_identity(design).lines)
    lines += ["", "## Extraction warnings", ""]
    if not design.extraction_warnings:
        lines.append("Reading the protocol raised no warning.")
    for warning in design.extraction_warnings:
        page = f" (page {warning.page})" if warning.page else ""
        lines.append(f"- **{warning.code}**{page}: {_md(warning.message)}")
    lines += ["", "## Activities that need a decision", ""]
    if not design.review:
        lines.append("Every SoA activity was mapped.")
    for entry in design.review:
        where = f" ({entry.schedule})" if entry.schedule else ""
        candidates = f" Candidates: {', '.join(entry.candidates)}." if entry.candidates else ""
        lines.append(f"- **{_md(entry.activity)}**{where}: {_md(entry.reason)}.{candidates}")
        lines.extend(_settlement(entry))
    reviewed = {(entry.activity, entry.schedule) for entry in design.review}
    weak = [
        row
        for row in design.mappings
        if (row.kind == "unmapped" or row.confidence < LOW_CONFIDENCE)
        and (row.activity, row.schedule) not in reviewed
    ]
    lines += _corrections_section(design)
    lines += ["", f"## Unmapped or low-confidence mappings (confidence < {LOW_CONFIDENCE:.2f})", ""]
    if not weak:
        lines.append("None beyond the list above.")
    else:
        lines += [
            "| activity | schedule | domain | form | confidence | reason | candidates |",
            "|---|---|---|---|---|---|---|",
        ]
        lines.extend(
            f"| {_md(r.activity)} | {r.schedule} | {r.domain or ''} | {_md(r.form or '')} | "
            f"{r.confidence:.2f} | {_md(r.reason)} | {_md(', '.join(r.candidates))} |"
            for r in weak
        )
    return "\n".join(lines) + "\n"


def write_review(design: CRFDesign, path: Path) -> Path:
    """Given a design, write review.md and return the path."""
    path.write_text(review_markdown(design), encoding="utf-8")
    return path


def _annotated_crf(design: CRFDesign, layout: CRFLayout, out_dir: Path) -> list[Path]:
    return [
        write_acrf_html(layout, out_dir / "acrf.html"),
        write_acrf_pdf(layout, out_dir / "acrf.pdf"),
        write_acrf_html(layout, out_dir / "acrf_blank.html", annotated=False),
        write_acrf_pdf(layout, out_dir / "acrf_blank.pdf", annotated=False),
    ]


def _supporting(design: CRFDesign, layout: CRFLayout, out_dir: Path) -> list[Path]:
    return [
        write_mapping_csv(design, out_dir / "mapping.csv"),
        write_review(design, out_dir / "review.md"),
        *write_corrections(design, out_dir / CORRECTIONS_FILE_NAME),
        write_soa_pages(design, out_dir / SOA_PAGES_FILE),
    ]


# Which writer makes which package files, in package order. `render_package` writes them all; the
# Dagster rendering assets each write one entry, so both always produce the same file names.
OUTPUT_WRITERS: dict[str, Callable[[CRFDesign, CRFLayout, Path], list[Path]]] = {
    "odm_xml": lambda design, layout, out_dir: [write_odm(design, out_dir / "odm.xml")],
    "annotated_crf": _annotated_crf,
    "crf_book": lambda design, layout, out_dir: [write_crf_book(layout, out_dir / "crf_book.docx")],
    "redcap_dictionary": lambda design, layout, out_dir: [
        write_redcap_dictionary(layout, out_dir / "redcap_data_dictionary.csv"),
        *write_redcap_project(design, layout, out_dir),
    ],
    "supporting": _supporting,
}


def render_output(design: CRFDesign, output: str, out_dir: Path) -> list[Path]:
    """Given a design and an output name (a key of OUTPUT_WRITERS), write its files into `out_dir`.

    Like render_package, the writer sees the design with XML-forbidden characters removed (xml_safe).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    design = xml_safe(design)
    return OUTPUT_WRITERS[output](design, build_layout(design), out_dir)


def render_package(design: CRFDesign, out_dir: Path) -> list[Path]:
    """Given a design and an existing directory, write every output file and return their paths.

    Text read from a PDF can carry characters XML forbids (form feeds, stray C0 controls); they are
    removed here, once, for every writer (crfgen_core.xml_safety.xml_safe).
    """
    design = xml_safe(design)
    layout = build_layout(design)
    return [path for writer in OUTPUT_WRITERS.values() for path in writer(design, layout, out_dir)]
