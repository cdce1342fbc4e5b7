"""A picture of a ruled SoA table to an `SoaGrid`: rules found in the pixels, words read once by tesseract
and put into the lattice cells by their boxes, merged cells copied across, the legend under the table
read as footnotes."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from crfgen_core.ingest.ocr.cell_words import Band, BandCell, CellWords
from crfgen_core.ingest.ocr.footnote_legend import read_ocr_legend
from crfgen_core.ingest.ocr.ruled_lattice import Lattice, RulingSettings, find_lattice
from crfgen_core.ingest.ocr.stacked_labels import split_stacked_rows
from crfgen_core.ingest.ocr.tesseract import OcrError, OcrWord, ocr_words
from crfgen_core.ingest.soa.grid import GridCell, SoaGrid
from crfgen_core.ingest.soa.legend import grid_codes
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary

Grey = npt.NDArray[np.uint8]

DEFAULT_MAX_PIXELS = 40_000_000  # larger pictures are not SoA tables (and would be slow to read)
DEFAULT_OCR_SCALE = 3  # tesseract reads 9-12 px print best enlarged (signs such as "-" and "." survive)
RULE_MARGIN = 1  # pixels erased on each side of a rule before OCR, for anti-aliasing
GLYPH_ASPECT = 1.3  # a word box no wider than this times its height holds a single glyph


class ImageNotReadableError(OcrError):
    code = "IMAGE_NOT_READABLE"


@dataclass(frozen=True)
class ImageGridSettings:
    ruling: RulingSettings = field(default_factory=RulingSettings)
    max_pixels: int = DEFAULT_MAX_PIXELS
    ocr_scale: int = DEFAULT_OCR_SCALE


def read_image_grid(
    image: bytes, title: str | None = None, continued: bool = False, settings: ImageGridSettings | None = None
) -> SoaGrid | None:
    """Given the bytes of a picture, return its ruled table as a grid, or None when it has no ruled grid.

    Raises OcrError when tesseract fails and ImageNotReadableError when the bytes are no image.
    """
    settings = settings or ImageGridSettings()
    grey = _grey_pixels(image, settings.max_pixels)
    lattice = find_lattice(grey, settings.ruling)
    if lattice is None:
        return None
    words = _read_words(_erase_rules(grey, lattice), settings.ocr_scale)
    bands = _cell_words(lattice, _regions(lattice, settings.ruling), words)
    rows = _grid_rows(split_stacked_rows(bands, _first_body_row(bands)))
    below = [w for w in words if w.top > lattice.horizontal[-1].end]
    legend = read_ocr_legend(below, grid_codes(rows))
    return SoaGrid(rows=rows, title=title, continued=continued, footnotes=legend.footnotes,
                   legend=legend.codes, ocr=True)


def _grey_pixels(image: bytes, max_pixels: int) -> Grey:
    try:
        with Image.open(io.BytesIO(image)) as picture:
            if picture.width * picture.height > max_pixels:
                raise ImageNotReadableError(
                    f"picture of {picture.width}x{picture.height} pixels is larger than {max_pixels} pixels"
                )
            return np.asarray(picture.convert("L"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ImageNotReadableError(f"the picture cannot be decoded ({exc})") from exc


def _erase_rules(grey: Grey, lattice: Lattice) -> Grey:
    """The rules painted white: tesseract reads a rule next to a mark as a letter (|, l, I)."""
    clean = grey.copy()
    top, bottom = lattice.horizontal[0].start, lattice.horizontal[-1].end + 1
    left, right = lattice.vertical[0].start, lattice.vertical[-1].end + 1
    for rule in lattice.horizontal:
        clean[max(rule.start - RULE_MARGIN, 0): rule.end + 1 + RULE_MARGIN, left:right] = 255
    for rule in lattice.vertical:
        clean[top:bottom, max(rule.start - RULE_MARGIN, 0): rule.end + 1 + RULE_MARGIN] = 255
    return clean


def _read_words(grey: Grey, scale: int) -> list[OcrWord]:
    """OCR of the image enlarged `scale` times (small table print reads better), boxes in image pixels."""
    picture = Image.fromarray(grey)
    if scale > 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    words = [_one_glyph(w) for w in ocr_words(buffer.getvalue())]
    if scale == 1:
        return words
    return [replace(w, left=w.left // scale, top=w.top // scale, width=max(w.width // scale, 1),
                    height=max(w.height // scale, 1)) for w in words]


def _one_glyph(word: OcrWord) -> OcrWord:
    """An isolated serif X is often read as "Xx" or "XxX" in a box one glyph wide: one letter it is."""
    text = word.text
    repeated = len(text) > 1 and text.isalpha() and len(set(text.lower())) == 1
    if repeated and word.width <= GLYPH_ASPECT * word.height:
        return replace(word, text=min(text))  # min(): the capital form if one was read
    return word


def _regions(lattice: Lattice, settings: RulingSettings) -> list[list[int]]:
    """Region id per lattice cell: cells with no rule between them belong to one (merged) region."""
    count = lattice.rows * lattice.columns
    parent = list(range(count))

    def find(cell: int) -> int:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for row in range(lattice.rows):
        for column in range(lattice.columns):
            cell = row * lattice.columns + column
            if column + 1 < lattice.columns and not lattice.has_vertical_separator(row, column + 1, settings):
                parent[find(cell + 1)] = find(cell)
            if row + 1 < lattice.rows and not lattice.has_horizontal_separator(row + 1, column, settings):
                parent[find(cell + lattice.columns)] = find(cell)
    return [[find(row * lattice.columns + column) for column in range(lattice.columns)]
            for row in range(lattice.rows)]


def _cell_words(lattice: Lattice, regions: list[list[int]], words: list[OcrWord]) -> list[Band]:
    """Each word goes to the lattice cell holding its centre; a merged region's words go to its first cell."""
    bands = [[BandCell(CellWords(), (region, 0)) for region in region_row] for region_row in regions]
    first_cell: dict[int, tuple[int, int]] = {}
    for row, region_row in enumerate(regions):
        for column, region in enumerate(region_row):
            first_cell.setdefault(region, (row, column))
    row_ends = [rule.end for rule in lattice.horizontal]
    column_ends = [rule.end for rule in lattice.vertical]
    for word in words:
        row = int(np.searchsorted(row_ends, word.center_y)) - 1
        column = int(np.searchsorted(column_ends, word.center_x)) - 1
        if 0 <= row < lattice.rows and 0 <= column < lattice.columns:
            target_row, target_column = first_cell[regions[row][column]]
            bands[target_row][target_column].words.words.append(word)
    return bands


def _grid_rows(bands: list[Band]) -> list[list[GridCell]]:
    """A region merged across from the left is a span copy; one merged from above is copied down."""
    texts: dict[tuple[int, int], str] = {}
    for band in bands:
        for cell in band:
            if cell.words.words:
                texts[cell.region] = _clean(cell.words.text)
    rows: list[list[GridCell]] = []
    for band in bands:
        row: list[GridCell] = []
        for column, cell in enumerate(band):
            text = texts.get(cell.region, "")
            row.append(GridCell(text, span_copy=column > 0 and band[column - 1].region == cell.region))
        rows.append(row)
    return rows


def _first_body_row(bands: list[Band]) -> int:
    """The first row with a tick right of the first column; the rows above it are the header."""
    vocabulary = soa_vocabulary()
    for index, band in enumerate(bands):
        if any(vocabulary.is_tick(_clean(cell.words.text)) for cell in band[1:]):
            return index
    return len(bands)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
