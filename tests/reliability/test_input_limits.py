"""Input limits: defaults, environment overrides read at call time, and the checks that enforce them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hostile_files import empty_paragraphs_docx, many_pages_pdf, slow_pdf

from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.errors import CorruptProtocolError, EncryptedProtocolError, InputLimitExceededError
from crfgen_core.ingest.limits import (
    DEFAULT_MAX_PAGES,
    ENV_MAX_EXTRACTION_SECONDS,
    ENV_MAX_PAGES,
    ENV_MAX_SIZE_BYTES,
    ExtractionDeadline,
    InputLimits,
    check_input_limits,
)
from crfgen_core.ingest.pdf.pdf_document import OpenPdf
from crfgen_core.ingest.pdf.pdf_schedules import pdf_soa_grids
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.ingest.running_deadline import check_running_deadline


def test_environment_is_read_when_called_not_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_MAX_PAGES, raising=False)
    assert InputLimits.from_env().max_pages == DEFAULT_MAX_PAGES
    monkeypatch.setenv(ENV_MAX_PAGES, "7")
    monkeypatch.setenv(ENV_MAX_SIZE_BYTES, "1000")
    monkeypatch.setenv(ENV_MAX_EXTRACTION_SECONDS, "2.5")
    assert InputLimits.from_env() == InputLimits(max_pages=7, max_size_bytes=1000, max_extraction_seconds=2.5)


@pytest.mark.parametrize("value", ["zero", "0", "-5", "1e3x"])
def test_a_malformed_limit_names_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(ENV_MAX_PAGES, value)
    with pytest.raises(ValueError, match=ENV_MAX_PAGES):
        InputLimits.from_env()


def test_the_bundled_example_is_within_the_default_limits() -> None:
    assert check_input_limits(example_protocol_path("pdf"), InputLimits()) == 4
    assert check_input_limits(example_protocol_path("docx"), InputLimits()) is None


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"0" * 5000)  # not even a valid PDF: size is checked first
    with pytest.raises(
        InputLimitExceededError, match=r"5009 bytes \(limit 4096 bytes; raise CRFGEN_MAX_INPUT_BYTES"
    ) as caught:
        check_input_limits(path, InputLimits(max_size_bytes=4096))
    assert caught.value.code == "LIMIT_EXCEEDED"


def test_a_pdf_with_thousands_of_pages_is_refused(tmp_path: Path) -> None:
    path = many_pages_pdf(tmp_path)
    with pytest.raises(InputLimitExceededError, match=r"3000 pages \(limit 2000"):
        check_input_limits(path, InputLimits())
    assert check_input_limits(path, InputLimits(max_pages=5000)) == 3000


def test_page_counting_reports_unopenable_pdfs_typed(hostile_files: dict[str, Path]) -> None:
    with pytest.raises(EncryptedProtocolError):
        check_input_limits(hostile_files["encrypted_pdf"], InputLimits())
    with pytest.raises(CorruptProtocolError):
        check_input_limits(hostile_files["truncated_pdf"], InputLimits())


def test_the_extraction_deadline_names_the_step_that_overran(tmp_path: Path) -> None:
    deadline = ExtractionDeadline(tmp_path / "p.pdf", max_seconds=1.0, started=time.monotonic() - 5)
    with pytest.raises(InputLimitExceededError, match=r"over 1 s \(stopped after schedule tables"):
        deadline.check("schedule tables")
    ExtractionDeadline.start(tmp_path / "p.pdf", InputLimits(max_extraction_seconds=3600)).check("text")


# The reader enforces the limits once reader.py calls them (patch in docs/reliability.md).


def test_read_protocol_refuses_a_pdf_over_the_page_limit(tmp_path: Path) -> None:
    with pytest.raises(InputLimitExceededError):
        read_protocol(many_pages_pdf(tmp_path))


def test_read_protocol_refuses_a_file_over_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MAX_SIZE_BYTES, "1024")
    with pytest.raises(InputLimitExceededError):
        read_protocol(example_protocol_path("docx"))


def test_read_protocol_stops_when_the_time_budget_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MAX_EXTRACTION_SECONDS, "0.000001")
    with pytest.raises(InputLimitExceededError, match="extraction took over"):
        read_protocol(example_protocol_path("pdf"))


def test_the_deadline_stops_a_docx_while_its_body_is_read(tmp_path: Path) -> None:
    """450,000 empty paragraphs in a 43 KB file kept the reader busy for minutes: the deadline was only
    checked once the whole body had been read. It is now checked every few hundred blocks."""
    path = empty_paragraphs_docx(tmp_path)
    started = time.monotonic()
    with pytest.raises(InputLimitExceededError, match="DOCX paragraphs and tables"):
        read_protocol(path, InputLimits(max_extraction_seconds=1.0))
    assert time.monotonic() - started < 10


def test_the_deadline_stops_a_pdf_while_its_pages_are_read(tmp_path: Path) -> None:
    """1,500 pages drawing one 20,000-glyph content stream (290 KB) kept the reader busy for minutes: the
    deadline was checked only between steps. Each page read now checks it first."""
    path = slow_pdf(tmp_path)
    with pytest.raises(InputLimitExceededError, match="PDF page"):
        read_protocol(path, InputLimits(max_extraction_seconds=1.0))


def test_the_pdf_deadline_is_not_taken_for_one_unreadable_page(tmp_path: Path) -> None:
    """The SoA reader turns a failing page into a warning; a spent deadline must still end the read."""
    path = slow_pdf(tmp_path, pages=3)
    spent = ExtractionDeadline(path, max_seconds=1.0, started=time.monotonic() - 5)
    with OpenPdf(path) as pdf:
        assert len(pdf.texts) == 3  # read before the deadline: the tables' page reads meet it first
        with spent.running(), pytest.raises(InputLimitExceededError, match="rules of PDF page 1"):
            pdf_soa_grids(pdf)


def test_a_deadline_checked_inside_a_reader_applies_only_while_it_runs(tmp_path: Path) -> None:
    spent = ExtractionDeadline(tmp_path / "x.docx", max_seconds=0.0, started=0.0)
    check_running_deadline("outside any read")  # no read in progress: nothing to enforce
    with spent.running(), pytest.raises(InputLimitExceededError, match="inside"):
        check_running_deadline("inside")
    check_running_deadline("after the read")
