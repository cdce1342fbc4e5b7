"""A scanned PDF page read by tesseract into a text layer: the glyphs a PDF with an OCR text layer would
carry (each word's box shared evenly by its letters, a written space between words), so the PDF table
reader reads the page like any scan with a text layer (rules from the pixels, words from the layer).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from PIL import Image

from crfgen_core.ingest.ocr.tesseract import DEFAULT_PAGE_SEGMENTATION, OcrWord, ocr_words, tesseract_path
from crfgen_core.ingest.pdf.page_geometry import PdfChar

DEFAULT_OCR_SCALE = 1  # the page is rendered at 300 dpi: table print of 6-9 pt reads well as it is
INK_LEVEL = 128  # grey value below which a pixel of the whitened picture is print
RULE_DARK_LEVEL = 160  # grey value below which a pixel may be part of a rule
MIN_RULE_INCHES = 0.5  # an ink run this long (and thin) is a rule; serif print on its baseline is shorter
MIN_COLUMN_RULE_INCHES = 0.2  # a column rule may divide one row only; a letter's stem is shorter
CROSSING_SHARE = 0.8  # a column rule cuts a word when it crosses this share of the word's height
RULE_MARGIN = 2  # pixels erased on each side of a rule, for its anti-aliased fringe
BAND_INCHES = 1 / 24  # ink filling a square this wide around a pixel is a filled band (shading), no rule
BAND_SHARE = 0.8
SHADING_LEVEL = 215  # grey at or above this is shading or paper, not print
REREAD_CONFIDENCE = 30.0  # a word read this unsurely is read again, with its row, as sparse text
MIN_REREAD_WORDS = 2  # ... when its row holds this many such words
MAX_REREADS = 6  # rows read again on one page, the worst first (each read costs a tesseract run)
REREAD_MARGIN = 15.0  # the new reading replaces the old one when this much surer
SPARSE_TEXT = 11  # tesseract page segmentation: as much text as possible, in no particular order
UNSURE_CONFIDENCE = 50.0  # tesseract's confidence (0-100) under which a word may be turned text misread
MIN_UNSURE_WORDS = 4
TURNED_CONFIDENCE = 80.0  # a word read on the turned page must be at least this sure
SURE_CONFIDENCE = 85.0  # an upright word this sure is no misread turned text
TURNED_MARGIN = 10.0  # ... and this much surer than the upright reading of the same ink
NUMBER_TOKEN = re.compile(r"^([-+±~≤≥<>(]?(?:D|Day|V|W|Wk|Week|C|M|P)?)([0-9IlO|Ss!]+)([)%,.;:]?)$")
DIGIT_LOOKALIKES = str.maketrans({"I": "1", "l": "1", "|": "1", "!": "1", "O": "0", "S": "5", "s": "5"})
SIGNED_ONE = re.compile(r"(?<=[-+±])[Il|](?![A-Za-z])|(?<=[0-9])[Il|](?=[0-9])")  # "-l" in "-21to-l"
SPECKS = set(".,'`·:;‘’")
SPECK_SHARE = 0.5
BAR_LOOKALIKES = set("|lI!1[]/\\()_-")  # a column rule's leftover read as a word
BAR_SHARE = 1.8  # ... stands this many times taller than the page's typical word
FITTED_GAP_ROWS = 2  # blank pixel rows inside one line of print (the gap under an i-dot at 300 dpi)
DOUBLE_SHARE = 0.5  # two words sharing this much of the smaller box are one word read twice
SMALL_WORD_SHARE = 0.75  # a word under this share of its line's typical height may be a raised marker
RAISED_WORD_SHARE = 0.25  # ... when its baseline stands this share of that height above the line's
LEVEL_SHARE = 0.5  # two words whose heights overlap by this share of the smaller stand on one line
MARK_LOOKALIKES = set("XxKkO")
PLUS_MINUS_LOOKALIKES = set("4£+3tE&")  # what tesseract reads for the "±" of a visit window
BAR_HEIGHT_SHARE = 0.25  # the bar of a "±" is at most this share of the glyph's height ...
BAR_WIDTH_SHARE = 0.5  # ... and at least this share of its width
LONE_MARK_LOOKALIKES = frozenset({"K", "k"})
MARK_HEIGHT_SHARE = 0.8  # a mark stands about as tall as the page's typical word (a lone "*" does not)
NO_MARK = set("-–—()/[]|=_~+*•·●✓√")  # glyph-sized print that means something else (a dash: not done)
CHECK_LOOKALIKES = frozenset({"v", "vv", "Vv", "vV", "√"})
DISC_LOOKALIKES = set("e@©®°oO0*•·")
DISC_INK_SHARE = 0.55  # a filled disc covers about 0.7 of its box, a letter under 0.45
MAX_DISC_WORD = 4  # letters tesseract reads for a disc with its footnote marker ("eo", "e@a")
GLYPH_ASPECT = 1.3  # a word box no wider than this times its height holds a single glyph
SIZE_PER_HEIGHT = 1.25  # font size from a word box height (ascender to baseline or descender)
DESCENDERS = set("gjpqy,;")

Ink = npt.NDArray[np.bool_]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in PDF points
Transform = Callable[[float, float], tuple[float, float]]  # a pixel of the picture OCR read to PDF points


@dataclass(frozen=True)
class TesseractPageReader:
    """The OCR page reader plugged into the PDF reader: tesseract found on PATH at run time."""

    scale: int = DEFAULT_OCR_SCALE

    def unavailable(self) -> str | None:
        if tesseract_path() is None:
            return "the tesseract program is not installed (install the Debian package tesseract-ocr)"
        return None

    def read(self, image: Image.Image, width: float, height: float) -> list[PdfChar]:
        return page_text_layer(image, width, height, self.scale)


def page_text_layer(image: Image.Image, width: float, height: float, scale: int = DEFAULT_OCR_SCALE
                    ) -> list[PdfChar]:
    """Given a page rendered upright and its size in points, return the words tesseract reads on it as
    PDF glyphs (PDF coordinates, y up), a written space between two words of one line. Header text
    turned to read upward is read from the page turned a quarter (its glyphs read in direction (0, 1)).

    Raises OcrError when tesseract fails."""
    erased, vertical = erase_rules(image.convert("L"), image.width * 72 / width)
    grey = whiten_shading(erased)
    points = width / grey.width  # points per pixel of the rendered page

    def upright(x: float, y: float) -> tuple[float, float]:
        return x * points, height - y * points

    ink = np.asarray(grey) < INK_LEVEL
    raw = _read(grey, scale)
    crop = _unsure_region(raw, grey.width, grey.height)  # turned text also reads as tall bars
    read = _without_specks([_fitted(word, ink) for word in _sparse_rereading(raw, grey, scale)])
    typical = float(np.median([w.height for w in read])) if read else 0.0
    pieces = [piece for word in _without_doubles(read) for piece in split_at_rules(word, vertical)]
    words = [_plus_minus(_digits_fixed(_one_mark(piece, ink, typical)), ink) for piece in pieces]
    placed = [(w, _page_box(w, upright)) for w in words]
    turned_words: list[tuple[OcrWord, Box]] = []
    if crop is not None:
        left, top, right, bottom = crop

        def clockwise(x: float, y: float) -> tuple[float, float]:  # the crop turned clockwise, to the page
            return upright(left + y, top + bottom - top - x)

        def counter(x: float, y: float) -> tuple[float, float]:  # ... turned counter-clockwise
            return upright(left + right - left - y, top + x)

        # header text turned to read upward (the common way) or downward: the surer reading wins
        readings = [([_digits_fixed(w) for w in _read(grey.crop(crop).rotate(angle, expand=True), scale)],
                     to_page, direction)
                    for angle, to_page, direction in ((-90, clockwise, (0, 1)), (90, counter, (0, -1)))]
        found, turned, direction = max(readings, key=lambda r: _sureness(
            [w for w in r[0] if sum(ch.isalnum() for ch in w.text) >= 2]))
        turned_words = [(w, _page_box(w, turned)) for w in found]
        placed, turned_words = _better_reading(placed, turned_words)
        chars = _chars([w for w, _ in placed], upright, (1, 0))
        return chars + _chars([w for w, _ in turned_words], turned, direction)
    return _chars(words, upright, (1, 0))


def _sparse_rereading(words: list[OcrWord], grey: Image.Image, scale: int) -> list[OcrWord]:
    """Rows tesseract could not read as a block, read again as sparse text: a row of short bold cells
    far apart ("<28  <7  D1  D8  D15") reads as noise ("06©D1) 6—D8)") with near-zero confidence when
    the page is one block, and cleanly word by word. Each band of unsure words is cropped and read
    alone; its new reading replaces the words inside it when tesseract is surer of it."""
    unsure = sorted((w for w in words if w.confidence < REREAD_CONFIDENCE
                     and sum(ch.isalnum() for ch in w.text) >= 2), key=lambda w: w.top)
    bands: list[list[int]] = []  # left, top, right, bottom, count
    for word in unsure:
        bottom = word.top + word.height
        if bands and word.top <= bands[-1][3]:
            band = bands[-1]
            band[0], band[2] = min(band[0], word.left), max(band[2], word.left + word.width)
            band[3], band[4] = max(band[3], bottom), band[4] + 1
        else:
            bands.append([word.left, word.top, word.left + word.width, bottom, 1])
    chosen = sorted((b for b in bands if b[4] >= MIN_REREAD_WORDS), key=lambda b: -b[4])[:MAX_REREADS]
    result = list(words)
    for left, top, right, bottom, _ in chosen:
        margin = max((bottom - top) // 2, 4)
        box = (max(left - margin, 0), max(top - margin, 0), min(right + margin, grey.width),
               min(bottom + margin, grey.height))
        inside = [w for w in result if box[0] <= w.center_x <= box[2] and box[1] <= w.center_y <= box[3]]
        again = [replace(w, left=w.left + box[0], top=w.top + box[1])
                 for w in _read(grey.crop(box), scale, SPARSE_TEXT)]
        if again and _sureness(again) >= _sureness(inside) + REREAD_MARGIN:
            result = [w for w in result if w not in inside] + again
    return result


def _sureness(words: list[OcrWord]) -> float:
    """Tesseract's mean confidence over the letters of some words."""
    letters = sum(len(w.text) for w in words)
    return sum(w.confidence * len(w.text) for w in words) / letters if letters else 0.0


def _read(grey: Image.Image, scale: int, page_segmentation: int = DEFAULT_PAGE_SEGMENTATION
          ) -> list[OcrWord]:
    """Tesseract's words in a picture, boxes in the picture's pixels (read enlarged `scale` times)."""
    if scale > 1:
        grey = grey.resize((grey.width * scale, grey.height * scale), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    grey.save(buffer, format="PNG")
    words = ocr_words(buffer.getvalue(), page_segmentation)
    if scale == 1:
        return words
    return [replace(w, left=w.left // scale, top=w.top // scale, width=max(w.width // scale, 1),
                    height=max(w.height // scale, 1)) for w in words]


def _unsure_region(words: list[OcrWord], width: int, height: int) -> tuple[int, int, int, int] | None:
    """The box around the densest band of words tesseract is unsure of (turned header text reads as short
    gibberish, side by side), or None when no band holds enough of them to be turned text."""
    # turned text read upright gives boxes taller than wide; a row of unsure marks ("KX") does not
    unsure = sorted((w for w in words if w.confidence < UNSURE_CONFIDENCE and w.height > w.width),
                    key=lambda w: w.top)
    if len(unsure) < MIN_UNSURE_WORDS:
        return None
    gap = 2 * sorted(w.height for w in unsure)[len(unsure) // 2]
    bands: list[list[OcrWord]] = []
    for word in unsure:
        if bands and word.top <= max(w.top + w.height for w in bands[-1]) + gap:
            bands[-1].append(word)
        else:
            bands.append([word])
    band = max(bands, key=len)
    if len(band) < MIN_UNSURE_WORDS:
        return None
    margin = max(max(w.height for w in band), 4)
    left = max(min(w.left for w in band) - margin, 0)
    top = max(min(w.top for w in band) - margin, 0)
    right = min(max(w.left + w.width for w in band) + margin, width)
    bottom = min(max(w.top + w.height for w in band) + margin, height)
    return left, top, right, bottom


def _better_reading(upright: list[tuple[OcrWord, Box]], turned: list[tuple[OcrWord, Box]]
                    ) -> tuple[list[tuple[OcrWord, Box]], list[tuple[OcrWord, Box]]]:
    """Where a turned line and upright words cover the same ink, the reading tesseract is surer of. A
    turned line must be sure and hold two letters or digits (a lone mark reads the same either way up)."""
    lines: dict[tuple[int, int, int], list[tuple[OcrWord, Box]]] = {}
    for item in turned:
        lines.setdefault(item[0].line, []).append(item)
    kept: list[tuple[OcrWord, Box]] = []
    beaten: set[int] = set()
    for members in lines.values():
        words = [(w, box) for w, box in members if w.confidence >= UNSURE_CONFIDENCE / 2]
        if sum(ch.isalnum() for w, _ in words for ch in w.text) < 2:
            continue
        sureness = sum(w.confidence for w, _ in words) / len(words)
        rivals = {k for k, (_, other) in enumerate(upright) for _, box in words if _overlap(box, other)}
        # a sure upright word of two letters or more is real text beside the turned line: both stay
        rivals -= {k for k in rivals if upright[k][0].confidence >= SURE_CONFIDENCE
                   and sum(ch.isalnum() for ch in upright[k][0].text) >= 2}
        rival_sureness = sum(upright[k][0].confidence for k in rivals) / len(rivals) if rivals else 0.0
        if sureness >= TURNED_CONFIDENCE and sureness > rival_sureness + TURNED_MARGIN:
            kept.extend(words)
            beaten.update(rivals)
    return [item for k, item in enumerate(upright) if k not in beaten], kept


def _overlap(a: Box, b: Box) -> bool:
    """Whether the centre of one box lies inside the other."""
    def inside(box: Box, other: Box) -> bool:
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return other[0] <= x <= other[2] and other[1] <= y <= other[3]
    return inside(a, b) or inside(b, a)


def _page_box(word: OcrWord, to_page: Transform) -> Box:
    ax, ay = to_page(word.left, word.top)
    bx, by = to_page(word.left + word.width, word.top + word.height)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _without_specks(words: list[OcrWord]) -> list[OcrWord]:
    """Words without the dots tesseract reads on their own (the dot of an i read on a line above, a
    speck of the scan): punctuation only, far smaller than the page's words; and without the leftovers
    of a column rule it read as a bar ("|", "l"), far taller than the page's words and thin."""
    if not words:
        return words
    typical = sorted(w.height for w in words)[len(words) // 2]
    return [w for w in words if not (set(w.text) <= SPECKS and w.height < SPECK_SHARE * typical)
            and not (set(w.text) <= BAR_LOOKALIKES and w.height > BAR_SHARE * typical
                     and w.width < w.height / 2)]


def _fitted(word: OcrWord, ink: Ink) -> OcrWord:
    """A word box cut down to its own line of ink: tesseract stretches a word's box over the text line
    above or below it in the same cell ("Section" over "6.4"), which makes the word look two lines tall
    and glues both lines into one. The rows of ink in the box split into bands at blank rows (a dot over
    an i, a gap of a row or two, stays with its letter); the word's band is the one whose ink spans the
    box's width (the box's sides are the word's), then the one with the most ink."""
    box = ink[word.top: word.top + word.height, word.left: word.left + word.width]
    if box.size == 0:
        return word
    counts = box.sum(axis=1)
    bands: list[list[int]] = []  # first row, last row, ink
    blank = 0
    for row, count in enumerate(counts.tolist()):
        if not count:
            blank += 1
            continue
        if bands and blank <= FITTED_GAP_ROWS:
            bands[-1][1] = row
            bands[-1][2] += count
        else:
            bands.append([row, row, count])
        blank = 0
    if not bands:
        return word

    def spread(band: list[int]) -> tuple[float, int]:
        columns = np.flatnonzero(box[band[0]: band[1] + 1].any(axis=0))
        return round((columns[-1] - columns[0] + 1) / box.shape[1], 1), band[2]

    first, last, _ = max(bands, key=spread)
    return replace(word, top=word.top + first, height=last - first + 1)


def _without_doubles(words: list[OcrWord]) -> list[OcrWord]:
    """Words without the second readings of one ink: on a table row whose cells sit on slightly
    different baselines tesseract may read a word on two overlapping lines ("Safety" twice, "6-minute"
    and "minute"); the surer reading of the two stays (they would be glued letter by letter)."""
    ordered = sorted(words, key=lambda w: -w.confidence)
    kept: list[OcrWord] = []
    for word in ordered:
        if not any(_shared_share(word, other) >= DOUBLE_SHARE for other in kept):
            kept.append(word)
    chosen = {id(w) for w in kept}
    return [w for w in words if id(w) in chosen]


def _shared_share(a: OcrWord, b: OcrWord) -> float:
    """The share of the smaller of two word boxes that both cover."""
    width = min(a.left + a.width, b.left + b.width) - max(a.left, b.left)
    height = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return 0.0
    return width * height / max(min(a.width * a.height, b.width * b.height), 1)


def _one_mark(word: OcrWord, ink: Ink, typical: float) -> OcrWord:
    """A tick read as letters, in a box one glyph wide: a serif X read "Xx", "KX", "OK" or "XxX" is an X,
    and so is a glyph-sized blob read as punctuation only ("».¢": a scanned X in broken strokes); a
    filled disc read "e", "@" or "©" is a bullet (its box is mostly ink, a letter's is not); a check mark
    read "v" or "Vv" is a check."""
    text = word.text
    disc = _disc_with_marker(word, ink)
    if disc is not None:
        return disc
    if len(text) > 3 or word.width > GLYPH_ASPECT * word.height:
        return word
    if len(text) > 1 and set(text) <= MARK_LOOKALIKES and set(text.upper()) & {"X", "K"}:
        return replace(word, text="x" if set(text) <= set("xk") else "X")
    square = 1 / GLYPH_ASPECT <= word.width / max(word.height, 1) <= GLYPH_ASPECT
    if text in CHECK_LOOKALIKES:
        return replace(word, text="✓")
    box = ink[word.top: word.top + word.height, word.left: word.left + word.width]
    if set(text) <= DISC_LOOKALIKES and square and box.size and float(box.mean()) >= DISC_INK_SHARE:
        return replace(word, text="●")
    junk = (len(text) > 1 and not text[0].isalnum() and text[0] not in NO_MARK
            and not any(ch.isalpha() for ch in text) and not set(text) <= SPECKS)
    if square and word.height >= MARK_HEIGHT_SHARE * typical and (junk or text in LONE_MARK_LOOKALIKES):
        return replace(word, text="X")  # a scanned X broken into strokes reads as "».¢", ">." or "K"
    return word


def _disc_with_marker(word: OcrWord, ink: Ink) -> OcrWord | None:
    """A filled disc with a raised footnote marker beside it ("●ᵃ", "●ᵇ,ᵈ") read as one word ("e", "eo"):
    the box's first piece of ink is a square blob, mostly ink, and the ink right of it stands above the
    blob's middle. Returns the disc alone as a bullet (the marker's letters are not read), else None."""
    if not word.text or word.text[0] not in DISC_LOOKALIKES or len(word.text) > MAX_DISC_WORD:
        return None
    box = ink[word.top: word.top + word.height, word.left: word.left + word.width]
    columns = np.flatnonzero(box.any(axis=0))
    if columns.size == 0:
        return None
    start = end = int(columns[0])
    while end + 1 < box.shape[1] and box[:, end + 1].any():
        end += 1
    rest = box[:, end + 1:]
    if not rest.any():
        return None  # one piece: the plain disc test of _one_mark decides
    rows = np.flatnonzero(box[:, start: end + 1].any(axis=1))
    top, bottom = int(rows[0]), int(rows[-1])
    width, height = end - start + 1, bottom - top + 1
    blob = box[top: bottom + 1, start: end + 1]
    raised = int(np.flatnonzero(rest.any(axis=1))[-1]) < (top + bottom) / 2
    if (1 / GLYPH_ASPECT <= width / height <= GLYPH_ASPECT and float(blob.mean()) >= DISC_INK_SHARE
            and raised):
        return replace(word, text="●", left=word.left + start, top=word.top + top, width=width, height=height)
    return None


def _plus_minus(word: OcrWord, ink: Ink) -> OcrWord:
    """A visit window "±3" read "43", "£3", "+3" or "33": the first glyph is a plus over a flat bar,
    apart from it by a blank row (a 4, 3 or £ is one piece down to its foot)."""
    text = word.text
    if len(text) < 2 or text[0] not in PLUS_MINUS_LOOKALIKES or not text[1].isdigit():
        return word
    slot = max(round(word.width / len(text)), 1)
    glyph = ink[word.top: word.top + word.height, word.left: word.left + slot]
    rows = [bool(v) for v in np.asarray(glyph.sum(axis=1)) > 0]
    if not any(rows):
        return word
    filled = np.flatnonzero(rows)
    bottom = int(filled[-1])
    bar_top = bottom
    while bar_top > 0 and rows[bar_top - 1]:
        bar_top -= 1
    bar = glyph[bar_top: bottom + 1]
    above = filled[filled < bar_top]
    flat = bottom - bar_top + 1 <= BAR_HEIGHT_SHARE * (bottom - int(filled[0]) + 1)
    wide = bar.any(axis=0).sum() >= BAR_WIDTH_SHARE * slot
    if above.size and flat and wide and bar_top - int(above[-1]) > 1:
        return replace(word, text="±" + text[1:])
    return word


def _digits_fixed(word: OcrWord) -> OcrWord:
    """Letters tesseract reads for digits inside a number or a visit code ("DI" -> "D1", "DIS" -> "D15",
    "-l" -> "-1", "1O" -> "10", "!" -> "1"): only in tokens that are a number once read so, and a one
    after a sign or between digits inside a longer token ("-21to-l")."""
    match = NUMBER_TOKEN.match(word.text)
    if match is None:
        fixed_text = SIGNED_ONE.sub("1", word.text)
        return word if fixed_text == word.text else replace(word, text=fixed_text)
    prefix, body, rest = match.group(1), match.group(2), match.group(3)
    fixed = body.translate(DIGIT_LOOKALIKES)
    if fixed == body or not (prefix or any(ch.isdigit() for ch in body) or body == "!"):
        return word
    return replace(word, text=prefix + fixed + rest)


def _chars(words: list[OcrWord], to_page: Transform, direction: tuple[int, int]) -> list[PdfChar]:
    """Words (boxes in the pixels of the picture OCR read) as PDF glyphs, a written space between two
    words of one line; `to_page` maps a picture pixel to PDF points. The words of one line share its
    baseline and size (tesseract's boxes wander by a few pixels, which would read as raised text), but
    for a small raised word: a footnote marker."""
    chars: list[PdfChar] = []
    for line in _visual_lines(words):
        size = _line_size(line)
        typical = float(np.median([w.height for w in line]))
        base = float(np.median([_baseline(w) for w in line if w.height >= SMALL_WORD_SHARE * typical]))
        for number, word in enumerate(line):
            own_size, baseline = size, base
            raised = _baseline(word) < base - RAISED_WORD_SHARE * typical
            if word.height < SMALL_WORD_SHARE * typical and raised:
                own_size, baseline = word.height * SIZE_PER_HEIGHT, _baseline(word)
            if number:
                before = line[number - 1]
                x = (before.left + before.width + word.left) / 2
                chars.append(_glyph(" ", x, x, baseline - own_size * 0.7, baseline, own_size, to_page,
                                    direction))
            step = word.width / len(word.text)
            for k, letter in enumerate(word.text):
                chars.append(_glyph(letter, word.left + k * step, word.left + (k + 1) * step, word.top,
                                    baseline, own_size, to_page, direction))
    return chars


def _visual_lines(words: list[OcrWord]) -> list[list[OcrWord]]:
    """Words in lines of print, left to right: a word joins the line whose last word stands level with
    it (their heights overlap by half the smaller) and ends before it starts, the nearest such line.
    Tesseract's own line numbers are not used: it reads one row of a table as several lines."""
    lines: list[list[OcrWord]] = []
    for word in sorted(words, key=lambda w: (w.left, w.top)):
        best: list[OcrWord] | None = None
        for line in lines:
            last = line[-1]
            overlap = min(last.top + last.height, word.top + word.height) - max(last.top, word.top)
            level = overlap >= LEVEL_SHARE * min(last.height, word.height)
            if level and last.left + last.width <= word.left + LEVEL_SHARE * word.height and (
                    best is None or last.left + last.width > best[-1].left + best[-1].width):
                best = line
        if best is None:
            lines.append([word])
        else:
            best.append(word)
    return lines


def _glyph(text: str, x0: float, x1: float, top: float, baseline: float, size: float, to_page: Transform,
           direction: tuple[int, int]) -> PdfChar:
    ax, ay = to_page(x0, top)
    bx, by = to_page(x1, baseline)
    ox, oy = to_page(x0, baseline)
    (ux, uy), (vx, vy) = to_page(0.0, 0.0), to_page(1.0, 0.0)
    scale = abs(vx - ux) + abs(vy - uy)  # points per pixel
    return PdfChar(text, min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), ox, oy, size * scale,
                   (direction[0], direction[1]))


def _line_size(line: list[OcrWord]) -> float:
    """The font size of a text line in pixels: its tallest word box scaled from ink height to em."""
    tallest = max(w.height for w in line)
    return tallest * SIZE_PER_HEIGHT / (1.2 if any(set(w.text) & DESCENDERS for w in line) else 1.0)


def _baseline(word: OcrWord) -> float:
    """The baseline of a word in pixels from the top: its box bottom, less the descender when it has one."""
    bottom = word.top + word.height
    return bottom - word.height * 0.2 if set(word.text) & DESCENDERS else bottom


def erase_rules(grey: Image.Image, dpi: float) -> tuple[Image.Image, Ink]:
    """The picture with its long horizontal and vertical ink runs (table rules) painted white (tesseract
    reads a rule beside a word or a mark as a letter: |, l, I, _), and the mask of its vertical rules.
    Filled bands (a dark header with light print, a redaction box) are left as they are."""
    pixels = np.asarray(grey)
    ink = pixels < RULE_DARK_LEVEL
    length = max(int(MIN_RULE_INCHES * dpi), 8)
    band = _in_band(ink, int(BAND_INCHES * dpi))
    vertical = _in_long_run(ink.T, max(int(MIN_COLUMN_RULE_INCHES * dpi), 8)).T & ~band
    rules = (_in_long_run(ink, length) & ~band) | vertical
    if not rules.any():
        return grey, vertical
    grown = rules.copy()
    for shift in range(1, RULE_MARGIN + 1):  # the anti-aliased fringe of each rule
        grown[shift:, :] |= rules[:-shift, :]
        grown[:-shift, :] |= rules[shift:, :]
        grown[:, shift:] |= rules[:, :-shift]
        grown[:, :-shift] |= rules[:, shift:]
    clean = pixels.copy()
    clean[grown] = 255
    return Image.fromarray(clean), vertical


def split_at_rules(word: OcrWord, vertical: Ink) -> list[OcrWord]:
    """A word cut where an erased column rule crosses its box: with the rule gone, tesseract reads the
    texts of neighbouring cells as one word ("V10P11")."""
    region = vertical[word.top: word.top + word.height, word.left + 1: word.left + word.width - 1]
    if region.size == 0 or not region.any() or len(word.text) < 2:
        return [word]
    columns = np.flatnonzero(region.sum(axis=0) >= CROSSING_SHARE * word.height) + word.left + 1
    if columns.size == 0:
        return [word]
    cuts: list[float] = []
    for x in columns.tolist():
        if cuts and x - cuts[-1] <= 2 * RULE_MARGIN + 1:
            continue
        cuts.append(float(x))
    step = word.width / len(word.text)
    pieces: list[OcrWord] = []
    start = 0
    for cut in [*cuts, float(word.left + word.width)]:
        end = min(max(round((cut - word.left) / step), start), len(word.text))
        if end > start:
            left = word.left + round(start * step)
            pieces.append(replace(word, text=word.text[start:end], left=left,
                                  width=max(round(end * step) - round(start * step), 1)))
        start = end
    return pieces or [word]


def whiten_shading(grey: Image.Image) -> Image.Image:
    """Light cell shading (and scanner grey paper) turned white, darker print stretched: tesseract's
    global threshold reads shaded cells as rows of letters ("ee", "BB") otherwise."""
    pixels = np.asarray(grey).astype(np.float32)
    stretched = np.clip(pixels * (255.0 / SHADING_LEVEL), 0, 255).astype(np.uint8)
    return Image.fromarray(stretched)


def _in_long_run(ink: npt.NDArray[np.bool_], length: int) -> npt.NDArray[np.bool_]:
    """Pixels that belong to a horizontal run of ink at least `length` long."""
    width = ink.shape[1]
    positions = np.arange(width)
    start = np.maximum.accumulate(np.where(ink, -1, positions), axis=1) + 1  # first pixel of the run
    end_r = np.minimum.accumulate(np.where(ink, width, positions)[:, ::-1], axis=1)[:, ::-1]  # after run
    result: npt.NDArray[np.bool_] = ink & ((end_r - start) >= length)
    return result


def _in_band(ink: npt.NDArray[np.bool_], half: int) -> npt.NDArray[np.bool_]:
    """Pixels whose surrounding square (2 * half + 1 wide) is mostly ink."""
    if half < 1:
        return np.zeros_like(ink)
    padded = np.pad(ink.astype(np.int32), half + 1)
    total = padded.cumsum(0).cumsum(1)
    side = 2 * half + 1
    window = (total[side:, side:] - total[:-side, side:] - total[side:, :-side] + total[:-side, :-side])
    result: npt.NDArray[np.bool_] = window[: ink.shape[0], : ink.shape[1]] >= BAND_SHARE * side * side
    return result
