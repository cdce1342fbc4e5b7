from __future__ import annotations

from crfgen_core.ingest.ocr.footnote_legend import legend_footnotes
from crfgen_core.ingest.ocr.tesseract import OcrWord


def _lines(*texts: str) -> list[OcrWord]:
    return [OcrWord(word, 10 + 50 * k, 20 * n, 40, 12, 90.0, (1, 1, n))
            for n, text in enumerate(texts) for k, word in enumerate(text.split())]


def test_marker_entries_with_continuations_and_abbreviations_apart() -> None:
    words = _lines(
        "Abbreviations: ECG = electrocardiogram",
        "X = Performed at this visit.",
        "Xa = Performed if the patient is diabetic.",
        "Xb = Performed at this visit and via telephone",
        "interview 2 weeks later.",
        "P = Practice only",
        "c. Fasting sample",
    )
    assert legend_footnotes(words) == {
        "a": "Performed if the patient is diabetic.",
        "b": "Performed at this visit and via telephone interview 2 weeks later.",
        "c": "Fasting sample",
    }
