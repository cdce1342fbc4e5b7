"""The tesseract command line (Debian package `tesseract-ocr`) run as a subprocess: image in, word boxes out.

No Python binding: the binary is found on PATH at run time, and its absence is a normal state that the
callers report as a warning (OCR is optional).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

TESSERACT = "tesseract"
DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_PAGE_SEGMENTATION = 6  # one uniform block of text: keeps the small marks a sparse mode drops


class OcrError(Exception):
    """tesseract ran but failed (crash, timeout, unreadable output); `reason` says what happened."""

    code = "OCR_FAILED"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class OcrWord:
    """One recognised word with its box in image pixels; `line` identifies tesseract's text line."""

    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    line: tuple[int, int, int]  # block, paragraph, line numbers

    @property
    def center_x(self) -> float:
        return self.left + self.width / 2

    @property
    def center_y(self) -> float:
        return self.top + self.height / 2


def tesseract_path() -> str | None:
    """Return the tesseract executable found on PATH, or None when OCR is not installed."""
    return shutil.which(TESSERACT)


def ocr_words(
    png: bytes,
    page_segmentation: int = DEFAULT_PAGE_SEGMENTATION,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    executable: str | None = None,
) -> list[OcrWord]:
    """Given a PNG image, return the words tesseract reads in it (TSV output, English model)."""
    binary = executable or tesseract_path()
    if binary is None:
        raise OcrError("tesseract is not installed")
    # one thread: with OpenMP on a shared machine tesseract runs several times slower, not faster
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [binary, "stdin", "stdout", "-l", "eng", "--psm", str(page_segmentation), "tsv"]
    try:
        done = subprocess.run(command, input=png, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"tesseract took longer than {timeout:.0f} s") from exc
    except OSError as exc:
        raise OcrError(f"tesseract could not be started ({exc})") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed ({message[-1] if message else f'exit {done.returncode}'})")
    return parse_tsv(done.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Given tesseract's TSV output, return its non-empty words (level 5 rows)."""
    words: list[OcrWord] = []
    for row in tsv.splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) != 12 or fields[0] != "5" or not fields[11].strip():
            continue
        try:
            block, paragraph, line = int(fields[2]), int(fields[3]), int(fields[4])
            left, top, width, height = (int(v) for v in fields[6:10])
            confidence = float(fields[10])
        except ValueError as exc:
            raise OcrError(f"unreadable tesseract output line: {row!r}") from exc
        text = fields[11].strip()
        words.append(OcrWord(text, left, top, width, height, confidence, (block, paragraph, line)))
    return words
