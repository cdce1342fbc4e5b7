"""Pictures that hold a Schedule of Activities to SoA grids, with the warnings a reviewer needs.

OCR is optional: without the tesseract binary the pictures are reported, not read. Every grid read
from pixels is marked `ocr` and reported with a SOA_FROM_OCR warning, because OCR misreads are possible.
"""

from __future__ import annotations

from crfgen_core.ingest.ocr.image_grid import read_image_grid
from crfgen_core.ingest.ocr.tesseract import OcrError, tesseract_path
from crfgen_core.ingest.soa.grid import SoaGrid, SoaReading
from crfgen_core.model.protocol import ExtractionWarning


def read_image_grids(images: list[bytes], where: str, title: str | None = None) -> SoaReading:
    """Given the pictures of one SoA section in reading order (`where` names the section for messages),
    return the grids OCR reads in them and the warnings; pictures after the first continue it."""
    if tesseract_path() is None:
        return SoaReading(warnings=[_image_warning(
            where, "OCR was skipped because the tesseract program is not installed "
                   "(install the Debian package tesseract-ocr to read it)")])
    grids: list[SoaGrid] = []
    problems: list[str] = []
    for number, image in enumerate(images, 1):
        try:
            grid = read_image_grid(image, title=title, continued=bool(grids))
        except OcrError as exc:
            problems.append(f"picture {number}: {exc.reason}")
            continue
        if grid is not None:
            grids.append(grid)
    warnings = [ExtractionWarning(code="SOA_OCR_PICTURE_SKIPPED", message=f"{where}: {problem}")
                for problem in problems]
    if not grids:
        reason = "; ".join(problems) or "OCR found no ruled table with visit columns and marks in it"
        return SoaReading(warnings=[_image_warning(where, f"it was not read: {reason} (enter it by hand)")])
    warnings.insert(0, ExtractionWarning(
        code="SOA_FROM_OCR",
        message=f"the Schedule of Activities in {where} was read from {len(grids)} picture(s) by OCR: "
                "labels, visit headers and marks may be misread and need review against the protocol"))
    return SoaReading(grids=grids, warnings=warnings)


def _image_warning(where: str, detail: str) -> ExtractionWarning:
    return ExtractionWarning(
        code="SOA_IS_IMAGE",
        message=f"{where} holds the Schedule of Activities as a picture, not a table; {detail}",
    )
