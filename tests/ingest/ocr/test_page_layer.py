"""The OCR text layer's word clean-up, on hand-made words and ink (no tesseract needed)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from crfgen_core.ingest.ocr import page_layer
from crfgen_core.ingest.ocr.tesseract import OcrWord
from crfgen_core.ingest.pdf.scan_background import whitened_paper


def word(text: str, left: int, top: int, width: int, height: int, confidence: float = 90.0,
         line: tuple[int, int, int] = (1, 1, 1)) -> OcrWord:
    return OcrWord(text, left, top, width, height, confidence, line)


def test_a_word_read_twice_on_overlapping_lines_is_kept_once() -> None:
    words = [word("6-minute", 173, 743, 69, 15, 92.0, (1, 1, 17)),
             word("minute", 191, 748, 61, 10, 87.0, (1, 1, 18)), word("walk", 260, 743, 40, 15)]
    assert [w.text for w in page_layer._without_doubles(words)] == ["6-minute", "walk"]


def test_a_word_box_stretched_over_the_next_line_is_cut_to_its_own_ink() -> None:
    ink = np.zeros((100, 100), dtype=bool)
    ink[10:25, 10:90] = True  # the word, as wide as its box
    ink[35:50, 30:60] = True  # the line under it in the same cell, narrower
    fitted = page_layer._fitted(word("Section", 10, 5, 80, 50), ink)
    assert (fitted.top, fitted.height) == (10, 15)


def test_a_column_rule_leftover_read_as_a_tall_bar_is_dropped() -> None:
    words = [word("Protocol", 520, 238, 80, 15), word("|", 613, 234, 8, 45), word("Day", 700, 238, 30, 15)]
    assert [w.text for w in page_layer._without_specks(words)] == ["Protocol", "Day"]


def test_words_of_one_line_share_its_baseline_but_a_raised_small_word_stays_a_marker() -> None:
    words = [word("Dipstick", 173, 1404, 74, 15), word("urinalysis", 254, 1409, 86, 15),
             word("b", 342, 1400, 6, 8)]
    chars = page_layer._chars(words, lambda x, y: (x, 1000.0 - y), (1, 0))
    baselines = {c.text: c.origin_y for c in chars if c.text != " "}
    assert baselines["D"] == baselines["u"]
    assert baselines["b"] > baselines["u"]  # raised above the line
    text = "".join(c.text for c in chars)
    assert "Dipstick urinalysis" in text


def test_a_scanned_x_in_broken_strokes_reads_as_x() -> None:
    ink = np.zeros((100, 100), dtype=bool)
    assert page_layer._one_mark(word("».¢", 10, 10, 24, 23), ink, 23.0).text == "X"
    assert page_layer._one_mark(word("KX", 10, 10, 24, 23), ink, 23.0).text == "X"
    assert page_layer._one_mark(word("-", 10, 10, 20, 20), ink, 23.0).text == "-"  # a dash: not done
    assert page_layer._one_mark(word("*", 10, 10, 8, 8), ink, 23.0).text == "*"  # too small for a mark


def test_a_plus_minus_read_as_four_is_told_by_its_bar_under_a_gap() -> None:
    ink = np.zeros((40, 60), dtype=bool)
    ink[5:20, 10:12] = True  # the plus: upright stroke
    ink[11:13, 4:18] = True  # ... and its bar
    ink[24:26, 4:18] = True  # the bar under it, apart by a blank row
    ink[5:26, 24:36] = True  # the digit
    assert page_layer._plus_minus(word("43", 2, 5, 36, 21), ink).text == "±3"
    four = np.zeros((40, 60), dtype=bool)
    four[5:26, 12:14] = True  # a 4's stem runs down to its foot
    four[16:18, 4:18] = True
    four[5:26, 24:36] = True
    assert page_layer._plus_minus(word("43", 2, 5, 36, 21), four).text == "43"


def test_a_grey_band_is_whitened_and_its_print_kept() -> None:
    pixels = np.full((200, 200), 255, dtype=np.uint8)
    pixels[50:150, :] = 150  # a grey section band
    pixels[90:110, 40:44] = 20  # print on it
    pixels[20:22, :] = 0  # a rule on white paper
    out = np.asarray(whitened_paper(Image.fromarray(pixels), 300))
    assert out[60, 100] == 255 and out[140, 150] == 255
    assert out[100, 41] < 64
    assert out[21, 100] < 64


def test_a_dark_header_bar_has_its_light_print_turned_dark_on_white() -> None:
    pixels = np.full((300, 300), 255, dtype=np.uint8)
    pixels[50:200, :] = 40  # a dark blue bar, as grey
    pixels[110:130, 100:104] = 250  # light print on it
    out = np.asarray(whitened_paper(Image.fromarray(pixels), 300))
    assert out[70, 150] == 255  # the bar's ground is paper now
    assert out[120, 101] < 64  # its print is dark
    assert out[250, 150] == 255 and out[20, 150] == 255  # the paper around it stays white


def test_a_disc_with_a_raised_footnote_marker_read_as_letters_is_a_bullet() -> None:
    ink = np.zeros((60, 80), dtype=bool)
    yy, xx = np.mgrid[0:60, 0:80]
    ink[(yy - 30) ** 2 + (xx - 20) ** 2 <= 11 ** 2] = True  # the disc, 23 px across
    ink[18:25, 36:41] = True  # the marker beside it, raised above the disc's middle
    mark = page_layer._one_mark(word("eo", 9, 17, 33, 25), ink, 23.0)
    assert mark.text == "●" and mark.width <= 24
    letters = np.zeros((60, 80), dtype=bool)
    letters[20:42, 9:31] = ink[20:42, 9:31]
    letters[30:42, 36:46] = True  # a letter on the same line: a word, not a marker
    assert page_layer._one_mark(word("eo", 9, 19, 37, 23), letters, 23.0).text == "eo"
