"""The bundled example protocol: present in both formats and read back with its SoA and criteria."""

from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.examples import example_protocol_path
from crfgen_core.examples import example_study as study
from crfgen_core.examples.build_example import write_docx, write_pdf
from crfgen_core.ingest.reader import read_protocol


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_bundled_example_reads_back(fmt: str) -> None:
    parsed = read_protocol(example_protocol_path(fmt))  # type: ignore[arg-type]
    assert parsed.document.format == fmt
    assert parsed.schedules, parsed.warnings
    labels = " | ".join(a.label.lower() for s in parsed.schedules for a in s.activities)
    for expected in ("vital signs", "12-lead ecg", "adas-cog", "informed consent"):
        assert expected in labels
    assert len(parsed.eligibility.inclusion) == len(study.INCLUSION)
    assert len(parsed.eligibility.exclusion) == len(study.EXCLUSION)


def test_bundled_files_match_the_generator(tmp_path: Path) -> None:
    """The committed files are what build_example writes today (same SoA read from both)."""
    fresh = read_protocol(write_pdf(tmp_path / "example_protocol.pdf"))
    bundled = read_protocol(example_protocol_path("pdf"))
    assert [s.model_dump(exclude={"id"}) for s in fresh.schedules] == [
        s.model_dump(exclude={"id"}) for s in bundled.schedules
    ]
    assert (
        read_protocol(write_docx(tmp_path / "example_protocol.docx")).eligibility
        == read_protocol(example_protocol_path("docx")).eligibility
    )
