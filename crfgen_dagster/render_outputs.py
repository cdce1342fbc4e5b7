"""Which crfgen_core renderer writes which package file, so each rendering asset owns its files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crfgen_core.model.design import CRFDesign
from crfgen_core.render.acrf_html import write_acrf_html
from crfgen_core.render.acrf_pdf import write_acrf_pdf
from crfgen_core.render.crf_book_docx import write_crf_book
from crfgen_core.render.crf_layout import build_layout
from crfgen_core.render.odm_1_3_2 import write_odm
from crfgen_core.render.package_writer import write_mapping_csv, write_review
from crfgen_core.render.redcap_dictionary import write_redcap_dictionary


def _annotated_crf(design: CRFDesign, out: Path) -> list[Path]:
    layout = build_layout(design)
    return [
        write_acrf_html(layout, out / "acrf.html"),
        write_acrf_pdf(layout, out / "acrf.pdf"),
        write_acrf_html(layout, out / "acrf_blank.html", annotated=False),
        write_acrf_pdf(layout, out / "acrf_blank.pdf", annotated=False),
    ]


RENDERERS: dict[str, Callable[[CRFDesign, Path], list[Path]]] = {
    "odm_xml": lambda design, out: [write_odm(design, out / "odm.xml")],
    "annotated_crf": _annotated_crf,
    "crf_book": lambda design, out: [write_crf_book(build_layout(design), out / "crf_book.docx")],
    "redcap_dictionary": lambda design, out: [
        write_redcap_dictionary(build_layout(design), out / "redcap_data_dictionary.csv")
    ],
    "supporting": lambda design, out: [
        write_mapping_csv(design, out / "mapping.csv"),
        write_review(design, out / "review.md"),
    ],
}


def render_output(design: CRFDesign, output: str, out_dir: Path) -> list[Path]:
    """Given a design and an output name (a key of RENDERERS), write its files into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return RENDERERS[output](design, out_dir)
