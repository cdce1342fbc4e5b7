"""`crf-gen generate` end to end on the bundled example, without Dagster."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.document import sha256_file
from crfgen_core.quality.odm_xsd import odm_xsd_errors

CLI = [sys.executable, "-m", "crfgen_core.cli"]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_generate_writes_a_valid_package(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "package"
    result = subprocess.run(
        [*CLI, "generate", str(example_protocol_path(fmt)), "--out", str(out)],  # type: ignore[arg-type]
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert odm_xsd_errors(out / "odm.xml") == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["protocol_sha256"] == sha256_file(example_protocol_path(fmt))  # type: ignore[arg-type]
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert {"odm.xml", "mapping.csv", "review.md"} <= set(listed)
    for name, digest in listed.items():
        assert sha256_file(out / name) == digest
    assert not list(tmp_path.glob("*.partial")), "no staging directory may be left behind"


def test_generate_refuses_to_overwrite_and_reports_bad_input(tmp_path: Path) -> None:
    out = tmp_path / "package"
    out.mkdir()
    result = subprocess.run(
        [*CLI, "generate", str(example_protocol_path("docx")), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "already exists" in result.stderr
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = subprocess.run([*CLI, "extract", str(empty)], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "EMPTY_FILE" in result.stderr and "Traceback" not in result.stderr


def test_overwrite_refuses_a_folder_that_is_not_a_package(tmp_path: Path) -> None:
    out = tmp_path / "my-documents"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"years of work")
    result = subprocess.run(
        [*CLI, "generate", str(example_protocol_path("docx")), "--out", str(out), "--overwrite"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not a CRF package" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert (out / "thesis.docx").read_bytes() == b"years of work"


def test_overwrite_replaces_a_package_and_leaves_nothing_aside(tmp_path: Path) -> None:
    from crfgen_core.pipeline import generate

    out = tmp_path / "package"
    generate(example_protocol_path("docx"), out)
    (out / "stale-extra.txt").write_text("from the previous build")
    manifest = generate(example_protocol_path("pdf"), out, overwrite=True)
    assert manifest.protocol_sha256 == sha256_file(example_protocol_path("pdf"))
    assert not (out / "stale-extra.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["package"]
