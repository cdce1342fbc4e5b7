"""Pictures that hold a Schedule of Activities (a DOCX whose schedule was pasted as images) to SoA grids,
with the warnings a reviewer needs.

A picture is read as a scanned PDF page is: brought to the OCR resolution at the size it is shown,
read by tesseract into a text layer with its rules found in the pixels, and handed to the one PDF table
reader; pictures after the first continue the table. OCR is optional: without the tesseract binary the
pictures are reported, not read. Every grid read from pixels is marked `ocr` and reported with a
SOA_FROM_OCR warning, because OCR misreads are possible.
"""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image, UnidentifiedImageError

from crfgen_core.ingest.ocr.page_layer import TesseractPageReader
from crfgen_core.ingest.ocr.tesseract import OcrError
from crfgen_core.ingest.pdf.pdf_schedules import picture_grids
from crfgen_core.ingest.pdf.scanned_pages import OCR_DPI, PageImageReader, read_picture
from crfgen_core.ingest.soa.grid import SoaGrid, SoaReading
from crfgen_core.ingest.soa.table_layout import lay_out
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary
from crfgen_core.model.protocol import ExtractionWarning

DEFAULT_MAX_PIXELS = 40_000_000  # larger pictures are not SoA tables (and would be slow to read)
DEFAULT_PICTURE_DPI = 150.0  # a picture whose shown size is unknown: a screenshot or a low-resolution scan
MIN_UPRIGHT_MARKS = 6  # an upright reading with fewer marks may be of a table turned to fit the page
TURNED_MARK_SHARE = 2.0  # ... and the turned reading is kept when it holds this many times more marks
MIN_PICTURE_POINTS = 72.0  # a picture shown smaller than an inch on both sides is an icon, not a table

Picture = tuple[bytes, tuple[float, float] | None]  # image bytes, size shown in points when known


class ImageNotReadableError(OcrError):
    code = "IMAGE_NOT_READABLE"


def read_image_grids(pictures: list[Picture], where: str, title: str | None = None,
                     reader: PageImageReader | None = None) -> SoaReading:
    """Given the pictures of one SoA section in reading order (`where` names the section for messages),
    return the grids OCR reads in them and the warnings; pictures after the first continue it."""
    reader = reader or TesseractPageReader()
    why = reader.unavailable()
    if why is not None:
        return SoaReading(warnings=[_image_warning(where, f"OCR was skipped because {why} to read it")])
    grids: list[SoaGrid] = []
    problems: list[str] = []
    carried: list[list[float]] = []  # columns of the last table without column rules, for the next picture
    for number, (data, size) in enumerate(pictures, 1):
        try:
            image, width, height = _upright_picture(data, size)
            if max(width, height) < MIN_PICTURE_POINTS:
                continue
            found = _grids_either_way_up(reader, image, width, height, carried)
        except OcrError as exc:
            problems.append(f"picture {number}: {exc.reason}")
            continue
        except Exception as exc:  # one unreadable picture must not lose the others
            problems.append(f"picture {number}: {type(exc).__name__}: {exc}")
            continue
        for grid in found:
            if grid.title is None:
                grid = replace(grid, title=title, continued=bool(grids))
            # no pages: the picture is where a reviewer finds the table
            grids.append(replace(grid, table=f"picture {number} in {where}"))
    warnings = [ExtractionWarning(code="SOA_OCR_PICTURE_SKIPPED", message=f"{where}: {problem}")
                for problem in problems]
    if not grids:
        reason = "; ".join(problems) or "OCR found no table with visit columns and marks in it"
        return SoaReading(warnings=[_image_warning(where, f"it was not read: {reason} (enter it by hand)")])
    warnings.insert(0, ExtractionWarning(
        code="SOA_FROM_OCR",
        message=f"the Schedule of Activities in {where} was read from {len(pictures)} picture(s) by OCR: "
                "labels, visit headers and marks may be misread and need review against the protocol"))
    return SoaReading(grids=grids, warnings=warnings)


def _grids_either_way_up(reader: PageImageReader, image: Image.Image, width: float, height: float,
                         carried: list[list[float]]) -> list[SoaGrid]:
    """The grids of a picture as shown or, for a picture taller than wide whose upright reading finds
    few marks, turned a quarter when that reads many more: a page whose table was turned to fit (read
    upward, the common way, or downward) pasted as it stands."""
    trial = list(carried)
    best = picture_grids(read_picture(reader, image, width, height), width, height, None, carried=trial)
    best_carried, best_marks = trial, _marks(best)
    if height > width and best_marks < MIN_UPRIGHT_MARKS:
        for angle in (-90, 90):
            trial = list(carried)
            found = picture_grids(read_picture(reader, image.rotate(angle, expand=True), height, width),
                                  height, width, None, carried=trial)
            if _marks(found) >= max(TURNED_MARK_SHARE * best_marks, MIN_UPRIGHT_MARKS):
                best, best_carried, best_marks = found, trial, _marks(found)
                break
    carried[:] = best_carried
    return best


def _marks(grids: list[SoaGrid]) -> int:
    """Marks in the body of the grids that lay out as SoA tables: how much of a schedule a reading holds
    (turned print read upright gives grids too, with stray x's, but no table around them)."""
    vocab = soa_vocabulary()
    tables = [lay_out(grid, vocab) for grid in grids]
    return sum(1 for table in tables if table is not None
               for row in table.rows for cell in row.values if vocab.is_tick(cell.text))


def _upright_picture(data: bytes, size: tuple[float, float] | None) -> tuple[Image.Image, float, float]:
    """The picture as a grey page at OCR_DPI for the size it is shown at (its own resolution, or
    DEFAULT_PICTURE_DPI, when the document does not say), and that size in points.

    Raises ImageNotReadableError when the bytes are no picture or a picture too large to be a table."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.width * picture.height > DEFAULT_MAX_PIXELS:
                raise ImageNotReadableError(f"picture of {picture.width}x{picture.height} pixels is larger "
                                            f"than {DEFAULT_MAX_PIXELS} pixels")
            grey = _on_white(picture)
            dpi = float(picture.info.get("dpi", (DEFAULT_PICTURE_DPI,))[0] or DEFAULT_PICTURE_DPI)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise ImageNotReadableError(f"the picture cannot be decoded ({exc})") from exc
    width, height = size if size else (grey.width * 72 / dpi, grey.height * 72 / dpi)
    target = (max(round(width * OCR_DPI / 72), 1), max(round(height * OCR_DPI / 72), 1))
    if target[0] * target[1] > DEFAULT_MAX_PIXELS:
        raise ImageNotReadableError(f"picture shown at {width:.0f}x{height:.0f} pt is too large for a table")
    if target != grey.size:
        grey = grey.resize(target, Image.Resampling.BICUBIC)
    return grey, width, height


def _on_white(picture: Image.Image) -> Image.Image:
    """The picture in grey, transparent parts white (a pasted table often has a transparent ground)."""
    if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        ground = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(ground, rgba).convert("L")
    return picture.convert("L")


def _image_warning(where: str, detail: str) -> ExtractionWarning:
    return ExtractionWarning(
        code="SOA_IS_IMAGE",
        message=f"{where} holds the Schedule of Activities as a picture, not a table; {detail}",
    )
