"""Rules drawn on a dark header bar of a scanned page (black or white lines on navy): found before the bar is
whitened for OCR, so the header cells they divide stay apart."""

from __future__ import annotations

from PIL import Image, ImageDraw

from crfgen_core.ingest.pdf.pixel_rules import band_rule_segments, pixel_segments
from crfgen_core.ingest.pdf.scan_background import whitened_paper

DPI = 300


def _header_bar(rule: int) -> Image.Image:
    """A 4 x 2 inch picture: a navy bar (grey 29) one inch tall with a rule of grey `rule` across it and
    two down it, white letter-like strokes inside, plain paper with a black rule under the bar."""
    picture = Image.new("L", (4 * DPI, 2 * DPI), 255)
    draw = ImageDraw.Draw(picture)
    draw.rectangle([0, 0, 4 * DPI - 1, DPI], fill=29)
    for x in (DPI, 2 * DPI):
        draw.line([(x, 0), (x, DPI)], fill=rule, width=5)
    draw.line([(DPI, DPI // 2), (4 * DPI - 1, DPI // 2)], fill=rule, width=5)
    for k in range(8):  # stems of light print, shorter than a rule
        draw.line([(120 + 30 * k, 200), (120 + 30 * k, 240)], fill=240, width=5)
    draw.line([(0, DPI + 60), (4 * DPI - 1, DPI + 60)], fill=0, width=4)
    return picture


def test_black_and_white_rules_on_a_dark_bar_are_found_and_letter_strokes_are_not() -> None:
    width, height = 4 * 72.0, 2 * 72.0
    for rule in (0, 255):
        segments = band_rule_segments(_header_bar(rule), width, height)
        vertical = sorted({round(s.x0) for s in segments if s.x0 == s.x1})  # cut where rules cross
        horizontal = [s for s in segments if s.y0 == s.y1]
        assert vertical == [72, 144], rule
        assert {round(s.y0) for s in horizontal} == {108}, rule
        assert round(min(s.x0 for s in horizontal)) >= 72 and round(max(s.x1 for s in horizontal)) == 288


def test_whitening_loses_the_rules_of_a_dark_bar_that_band_rules_keep() -> None:
    picture = _header_bar(0)
    width, height = 4 * 72.0, 2 * 72.0
    whitened = pixel_segments(whitened_paper(picture, DPI), width, height)
    assert not any(s.x0 == s.x1 and round(s.x0) == 144 for s in whitened)  # why band rules are needed
    assert band_rule_segments(Image.new("L", (DPI, DPI), 255), 72.0, 72.0) == []


def test_gaps_between_dark_strokes_of_print_on_paper_are_no_band_rules() -> None:
    picture = Image.new("L", (2 * DPI, 2 * DPI), 255)
    draw = ImageDraw.Draw(picture)
    for k in range(6):  # thick parallel strokes a rule's width apart (turned bold print), on white paper
        draw.line([(200 + 25 * k, 100), (200 + 25 * k, 500)], fill=0, width=13)
    assert band_rule_segments(picture, 144.0, 144.0) == []
