"""Speed budget of `crf-gen extract` on KEYNOTE-181 (152 pages): at most 10x pypdfium2 plain text of the
same file measured in the same run, peak memory under 500 MB. Run by hand:

    .venv/bin/python benchmarks/bench_extract.py [PDF]
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PDF = (
    REPO.parent
    / "shared"
    / "corpus"
    / "protocols"
    / "merck_nct02564263_keynote181"
    / "NCT02564263_KEYNOTE-181_Protocol.pdf"
)
MAX_RATIO = 10.0
MAX_PEAK_MB = 500.0


def plain_text_seconds(pdf_path: Path) -> float:
    start = time.perf_counter()
    pdf = pdfium.PdfDocument(str(pdf_path))
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()
    return time.perf_counter() - start


def main() -> int:
    pdf_path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PDF
    baseline = plain_text_seconds(pdf_path)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [
                str(REPO / ".venv" / "bin" / "crf-gen"),
                "extract",
                str(pdf_path),
                "--soa-json",
                str(Path(tmp) / "soa.json"),
            ],
            check=True,
            capture_output=True,
        )
        extract = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ratio = extract / baseline
    print(f"pypdfium2 plain text: {baseline:.2f} s")
    print(f"crf-gen extract:      {extract:.2f} s  ({ratio:.1f}x, budget {MAX_RATIO:.0f}x)")
    print(f"peak memory:          {peak_mb:.0f} MB (budget {MAX_PEAK_MB:.0f} MB)")
    return 0 if ratio <= MAX_RATIO and peak_mb < MAX_PEAK_MB else 1


if __name__ == "__main__":
    sys.exit(main())
