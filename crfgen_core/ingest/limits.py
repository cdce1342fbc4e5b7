"""Input limits per protocol file: size on disk, page count, extraction time.

A file over a limit is refused with InputLimitExceededError before (size, pages) or while (time) it is
read, so one hostile or absurd file cannot exhaust the machine that serves everyone else. Limits come
from `InputLimits.from_env()`, which reads the environment when called, never at import:

  CRFGEN_MAX_INPUT_BYTES          largest protocol file accepted   DEFAULT_MAX_SIZE_BYTES
  CRFGEN_MAX_INPUT_PAGES          most PDF pages accepted          DEFAULT_MAX_PAGES
  CRFGEN_MAX_EXTRACTION_SECONDS   longest extraction allowed       DEFAULT_MAX_EXTRACTION_SECONDS

The DOCX zip checks (uncompressed size, ratio, entries, macros) live with the DOCX reader
(ingest/docx/docx_package.py); a DOCX has no fixed page count, so only size and time apply to it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crfgen_core.ingest.errors import InputLimitExceededError
from crfgen_core.ingest.pdf.pdf_document import open_pdf
from crfgen_core.ingest.running_deadline import deadline_running

# The largest real protocols seen (500+ pages with scanned appendices) are under 60 MB and 700 pages.
DEFAULT_MAX_SIZE_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_PAGES = 2_000
DEFAULT_MAX_EXTRACTION_SECONDS = 600.0

ENV_MAX_SIZE_BYTES = "CRFGEN_MAX_INPUT_BYTES"
ENV_MAX_PAGES = "CRFGEN_MAX_INPUT_PAGES"
ENV_MAX_EXTRACTION_SECONDS = "CRFGEN_MAX_EXTRACTION_SECONDS"

_PDF_MAGIC = b"%PDF-"
_HEAD_BYTES = 1024


class InputLimits(BaseModel):
    """The limits one protocol file must stay within; every value must be positive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_size_bytes: int = Field(DEFAULT_MAX_SIZE_BYTES, gt=0)
    max_pages: int = Field(DEFAULT_MAX_PAGES, gt=0)
    max_extraction_seconds: float = Field(DEFAULT_MAX_EXTRACTION_SECONDS, gt=0)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> InputLimits:
        """Given an environment (default `os.environ`, read now), return the limits it sets.

        A malformed value is a configuration mistake, reported as ValueError naming the variable.
        """
        env = os.environ if environ is None else environ
        values: dict[str, str] = {}
        for variable, name in (
            (ENV_MAX_SIZE_BYTES, "max_size_bytes"),
            (ENV_MAX_PAGES, "max_pages"),
            (ENV_MAX_EXTRACTION_SECONDS, "max_extraction_seconds"),
        ):
            raw = env.get(variable, "").strip()
            if raw:
                values[name] = raw
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(f"{_variable_for(str(e['loc'][0]))}: {e['msg']}" for e in exc.errors())
            raise ValueError(f"invalid input limit in the environment: {problems}") from exc


def _variable_for(name: str) -> str:
    return {
        "max_size_bytes": ENV_MAX_SIZE_BYTES,
        "max_pages": ENV_MAX_PAGES,
        "max_extraction_seconds": ENV_MAX_EXTRACTION_SECONDS,
    }.get(name, name)


def check_input_limits(path: Path, limits: InputLimits | None = None) -> int | None:
    """Given a protocol file, return its PDF page count (None for other formats) if within the limits.

    Raise InputLimitExceededError for a file too large or with too many pages. Counting pages opens the
    PDF's page tree (no page is rendered or its text read), so a PDF that cannot be opened at all is
    reported here too, as EncryptedProtocolError or CorruptProtocolError.
    """
    limits = limits or InputLimits.from_env()
    size = path.stat().st_size
    if size > limits.max_size_bytes:
        raise InputLimitExceededError(
            path,
            f"the file is {_megabytes(size)} (limit {_megabytes(limits.max_size_bytes)}; "
            f"raise {ENV_MAX_SIZE_BYTES} if this protocol is genuine)",
        )
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if _PDF_MAGIC not in head:
        return None
    pages = pdf_page_count(path)
    if pages > limits.max_pages:
        raise InputLimitExceededError(
            path,
            f"the PDF has {pages} pages (limit {limits.max_pages}; "
            f"raise {ENV_MAX_PAGES} if this protocol is genuine)",
        )
    return pages


def pdf_page_count(path: Path) -> int:
    """Given a PDF, return its number of pages; raise a typed error if it cannot be opened."""
    pdf = open_pdf(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size} bytes"


@dataclass
class ExtractionDeadline:
    """A time budget for reading one file, checked between steps (extraction is not interruptible).

    `check` raises InputLimitExceededError once the budget is spent, naming the step that overran.
    While `running()` is active, loops inside a format reader call `check_running_deadline`
    (running_deadline.py) too, so a file built to be slow to read (hundreds of thousands of empty
    paragraphs) stops at the deadline instead of after the read.
    """

    path: Path
    max_seconds: float
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def start(cls, path: Path, limits: InputLimits | None = None) -> ExtractionDeadline:
        return cls(path, (limits or InputLimits.from_env()).max_extraction_seconds)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def check(self, step: str) -> None:
        if self.elapsed > self.max_seconds:
            raise InputLimitExceededError(
                self.path,
                f"extraction took over {self.max_seconds:g} s (stopped after {step}; "
                f"raise {ENV_MAX_EXTRACTION_SECONDS} if this protocol is genuine)",
            )

    @contextmanager
    def running(self) -> Iterator[ExtractionDeadline]:
        """Make this the deadline readers check (`check_running_deadline`) until the block ends."""
        with deadline_running(self):
            yield self
