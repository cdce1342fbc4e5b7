"""PDF pages that are pictures without a text layer (scans): the reader interface an OCR page reader plugs
into, the text layer it gives such a page, and the warning for pages left unread (never dropped silently).

An OCR'd page becomes what a scan with an OCR text layer is: its rules are found in the pixels, its words
come from the OCR layer, and the one PDF table reader reads it in page order with the text pages (so a
table that runs from text pages onto scanned ones stitches). A page with an OCR text layer of its own is
no scan here: its glyphs are read like any other page's.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Protocol

from PIL import Image

from crfgen_core.ingest.errors import InputLimitExceededError
from crfgen_core.ingest.pdf.page_geometry import PdfChar, Segment
from crfgen_core.ingest.pdf.pdf_document import OpenPdf
from crfgen_core.ingest.pdf.pixel_rules import band_rule_segments, pixel_segments
from crfgen_core.ingest.pdf.scan_background import whitened_paper
from crfgen_core.model.protocol import ExtractionWarning

OCR_DPI = 300.0  # table print of 6-9 pt reads well from about this resolution
SCAN_PAGE_COVER = 0.5  # a page without text whose largest picture covers this share is a scanned page
MAX_OCR_PAGES_ENV = "CRFGEN_MAX_OCR_PAGES"
DEFAULT_MAX_OCR_PAGES = 30  # a few seconds a page: a fully scanned protocol is not read end to end
NEAR_SOA_PAGES = 2  # a scanned page this close to a page that may hold the SoA may continue that table
LINE_SHARE = 0.3  # glyphs whose baselines differ by more than this share of the size start a new line


class PageImageReader(Protocol):
    """Reads the words of one page rendered upright as PDF glyphs (y up, in points)."""

    def unavailable(self) -> str | None:
        """Why the reader cannot run here (e.g. its OCR program is missing), None when it can."""
        ...

    def read(self, image: Image.Image, width: float, height: float) -> list[PdfChar]: ...


@dataclass(frozen=True)
class OcrPage:
    """A scanned page as OCR read it: glyphs, their plain text, the rules found in its pixels."""

    chars: list[PdfChar]
    text: str
    segments: list[Segment]
    seconds: float


@dataclass
class OcrPages:
    pages: dict[int, OcrPage] = field(default_factory=dict)  # by 0-based page index
    warnings: list[ExtractionWarning] = field(default_factory=list)


def scanned_pages(pdf: OpenPdf) -> list[int]:
    """0-based indexes of the pages that draw pictures and have no text layer."""
    return [index for index, text in enumerate(pdf.texts)
            if not text.strip() and pdf.picture_cover(index) > 0]


def max_ocr_pages() -> int:
    """The most scanned pages one read OCRs (environment CRFGEN_MAX_OCR_PAGES, read when called)."""
    value = os.environ.get(MAX_OCR_PAGES_ENV, "").strip()
    try:
        return max(int(value), 0) if value else DEFAULT_MAX_OCR_PAGES
    except ValueError:
        return DEFAULT_MAX_OCR_PAGES


def pages_near_the_soa(scanned: list[int], soa_pages: list[int]) -> list[int]:
    """Given scanned pages and the text pages that may hold an SoA, return the scans where an SoA can be:
    every one when no text page may hold it (a scanned protocol), else those within NEAR_SOA_PAGES of
    such a page, chained over consecutive scans (a table running onto scanned pages). Figures elsewhere
    in a text protocol are not OCR'd: seconds a page for nothing."""
    if not soa_pages:
        return sorted(scanned)
    near, chosen = set(soa_pages), []
    for index in sorted(scanned):
        if any(abs(index - page) <= NEAR_SOA_PAGES for page in near):
            chosen.append(index)
            near.add(index)
    return chosen


def ocr_scanned_pages(pdf: OpenPdf, reader: PageImageReader | None, limit: int | None = None,
                      soa_pages: list[int] | None = None) -> OcrPages:
    """Given an open PDF and an OCR page reader, return the text layers OCR gives its scanned pages (those
    a picture covers, near the text pages that may hold the SoA (`soa_pages`; none: all), up to `limit` of
    them) and warnings naming every scanned page left unread."""
    pages = scanned_pages(pdf)
    result = OcrPages()
    if not pages:
        return result
    limit = max_ocr_pages() if limit is None else limit
    why = "no OCR page reader is available" if reader is None else reader.unavailable()
    covered = [i for i in pages if pdf.picture_cover(i) >= SCAN_PAGE_COVER]
    wanted = [] if why else pages_near_the_soa(covered, soa_pages or [])[:limit]
    failed: list[str] = []
    for index in wanted:
        assert reader is not None
        try:
            geometry = pdf.rules(index)
            result.pages[index] = read_picture(reader, pdf.render(index, OCR_DPI), geometry.width,
                                               geometry.height)
        except InputLimitExceededError:
            raise  # the deadline is the whole read's, not this page's failure
        except Exception as exc:  # one unreadable page must not lose the others
            failed.append(f"page {index + 1} ({type(exc).__name__}: {exc})")
            continue
    unread = [i for i in pages if i not in result.pages]
    if unread:
        numbers = ", ".join(str(index + 1) for index in unread)
        if why is None:
            skipped = len(unread) - len(failed)
            why = "; ".join([*([f"{skipped} beyond the OCR page limit ({MAX_OCR_PAGES_ENV}={limit}), "
                                "away from the pages that may hold the SoA, or too small a picture"]
                               if skipped else []), *failed])
        result.warnings.append(ExtractionWarning(
            code="SOA_PAGES_NOT_READ", page=unread[0] + 1,
            message=f"pages {numbers} are pictures without a text layer and were not read ({why}): a "
                    "Schedule of Activities there must be entered by hand"))
    return result


def read_picture(reader: PageImageReader, picture: Image.Image, width: float, height: float) -> OcrPage:
    """Given a page (or a picture shown at `width` x `height` points) rendered at about OCR_DPI, return
    the text layer OCR reads in it and the rules found in its pixels: what the PDF table reader reads.
    Shading is whitened first, so a grey band is neither read as ink nor as rules; the light rules
    drawn on a dark band are taken before."""
    start = time.perf_counter()
    band_rules = band_rule_segments(picture, width, height)
    picture = whitened_paper(picture, picture.width * 72 / width)
    chars = reader.read(picture, width, height)
    segments = pixel_segments(picture, width, height) + band_rules
    return OcrPage(chars, _plain_text(chars), segments, time.perf_counter() - start)


def ocr_warning(pages: list[int]) -> ExtractionWarning:
    """The warning for SoA grids read from pixels on the given 1-based pages."""
    numbers = ", ".join(str(p) for p in pages)
    return ExtractionWarning(
        code="SOA_FROM_OCR", page=pages[0],
        message=f"Schedule of Activities cells on pages {numbers} were read from pixels by OCR: labels, "
                "headers and marks may be misread and need review against the protocol")


def _plain_text(chars: list[PdfChar]) -> str:
    """The glyphs (in reading order, as the reader gives them) as lines of text."""
    text: list[str] = []
    baseline: float | None = None
    for char in chars:
        if baseline is not None and abs(char.origin_y - baseline) > LINE_SHARE * max(char.size, 1.0):
            text.append("\n")
        baseline = char.origin_y
        text.append(char.text)
    return "".join(text)
