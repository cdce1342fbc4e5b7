from __future__ import annotations

import pytest

from crfgen_core.ingest.ocr.tesseract import OcrError, parse_tsv

TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "4\t1\t1\t1\t1\t0\t10\t10\t200\t20\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t10\t12\t80\t18\t96.5\tVital\n"
    "5\t1\t1\t1\t1\t2\t95\t12\t60\t18\t95.0\t \n"
    "5\t1\t1\t1\t1\t3\t300\t12\t12\t12\t88.1\tX\n"
)


def test_tsv_words_with_boxes_and_lines() -> None:
    words = parse_tsv(TSV)
    assert [(w.text, w.left, w.line) for w in words] == [("Vital", 10, (1, 1, 1)), ("X", 300, (1, 1, 1))]
    assert words[1].center_x == 306


def test_broken_tsv_is_a_typed_error() -> None:
    with pytest.raises(OcrError):
        parse_tsv(TSV.replace("\t300\t", "\tabc\t"))
