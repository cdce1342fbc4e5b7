"""One layout end to end: draw the study, render it in the layout's format, return the file, its truth and
the layout features it really has (after fitting: a table too wide is set smaller or split sideways).

Image layouts are kept short (every page of them goes through OCR, seconds per page) and half-scanned ones
long enough to have a text page and a picture page in the same table: `usable()` adjusts the parameters,
and the adjusted ones are what a result reports, so a layout is always reproduced from its own JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from synthetic_soa.content import draw_study
from synthetic_soa.docx_render import render_docx, render_docx_pictures
from synthetic_soa.fonts import dejavu_available
from synthetic_soa.params import LayoutParams
from synthetic_soa.pdf_render import render_pdf
from synthetic_soa.raster import page_pictures, rasterize
from synthetic_soa.truth import exchange_json

PDF_ONLY = ("page_turn", "page_size", "font", "title_position", "footnote_placement", "orientation_switch",
            "interleaved_page")


@dataclass
class Built:
    params: LayoutParams
    path: Path
    truth: dict[str, Any]
    features: dict[str, str]

    def write_truth(self, folder: Path) -> Path:
        path = folder / f"{self.path.stem}.truth.json"
        document = {"params": asdict(self.params), **self.truth}
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1))
        return path


def usable(params: LayoutParams) -> LayoutParams:
    """The parameters to draw: scanned layouts kept short (OCR takes seconds a page), half-scanned ones
    long enough for two pages; without DejaVu, symbol ticks and unicode markers fall back to X and plain
    letters (same schedule, other glyphs)."""
    if params.fmt in ("image", "docx_image"):
        params = params.replace(toc=False, body_text=False, decoy="none",
                                length="short" if params.length in ("long", "very_long") else params.length)
    if params.fmt == "half_scanned" and params.length == "short":  # a table long enough to be half scanned
        params = params.replace(length="medium")
    if dejavu_available():
        return params
    return params.replace(tick="X" if params.tick in ("✓", "●") else params.tick,
                          footnotes="plain" if params.footnotes == "unicode" else params.footnotes,
                          font="helvetica" if params.font == "dejavu" else params.font)


def build_layout(params: LayoutParams, folder: Path, name: str = "protocol") -> Built:
    """Given layout parameters and an output folder, write the protocol file and return it with its truth."""
    params = usable(params)
    folder.mkdir(parents=True, exist_ok=True)
    study = draw_study(params)
    features = {k: str(v) for k, v in asdict(params).items() if k != "content_seed"}
    if params.fmt == "docx":
        path = folder / f"{name}.docx"
        render_docx(study, params, path)
        for key in PDF_ONLY:
            features[key] = "n/a"
        sideways = params.sideways_split and study.schedules[0].n_visits >= 6
        features["sideways_split"] = "yes" if sideways else "no"
        truth = exchange_json(study)
    elif params.fmt == "docx_image":  # the schedule pages drawn, then pasted into Word as pictures
        path = folder / f"{name}.docx"
        pages_pdf = folder / f"{name}.pages.pdf"
        drawn = render_pdf(study, params, pages_pdf)
        features.update({k: v for k, v in drawn.effective.items() if k != "table_pages"})
        render_docx_pictures(study, params, path, page_pictures(pages_pdf))
        pages_pdf.unlink()
        for key in ("page_size", "font", "title_position", "interleaved_page"):
            features[key] = "n/a"
        truth = exchange_json(study)
    else:
        path = folder / f"{name}.pdf"
        text_pdf = path if params.fmt == "pdf" else folder / f"{name}.text.pdf"
        rendered = render_pdf(study, params, text_pdf)
        features.update(rendered.effective)
        if params.fmt != "pdf":
            main_pages = rendered.pages.get(0, [])
            if params.fmt == "image":
                images = set(range(1, rendered.page_count + 1))
            else:  # half-scanned: the later pages of the main table are pictures, the first stays text
                images = set(main_pages[1:] or main_pages)
            rasterize(text_pdf, path, images, dpi=150)
            text_pdf.unlink()
        truth = exchange_json(study, rendered.pages)
    features["schedules_count"] = str(len(study.schedules))
    features["decoy_present"] = "yes" if study.decoy else "no"
    return Built(params, path, truth, features)
