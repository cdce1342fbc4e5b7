"""Outbox layout: <study>/<version>/, with the version folder not repeating the study folder."""

from __future__ import annotations

from pathlib import Path

from crfgen_core.examples import example_protocol_path
from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.publication.publisher import publish_package, version_dir_name
from crfgen_core.standards.cosmos import load_bundled_standards
from crfgen_core.terminology.bundled import load_bundled_ct


def test_version_folder_drops_a_stem_that_is_the_study_folder() -> None:
    assert version_dir_name("KEYNOTE-181", "KEYNOTE-181-9d0ef04672c1") == "9d0ef04672c1"
    assert version_dir_name("CRFGEN-EX-001", "example_protocol-9d0ef04672c1") == (
        "example_protocol-9d0ef04672c1"
    )
    assert version_dir_name("my_study", "my study-9d0ef04672c1") == "9d0ef04672c1"


def test_a_protocol_without_a_number_is_filed_once_under_its_stem(tmp_path: Path) -> None:
    parsed = read_protocol(example_protocol_path("docx"))
    unnumbered = parsed.model_copy(
        update={"metadata": parsed.metadata.model_copy(update={"protocol_number": None})}
    )
    design = design_crf(unnumbered, load_bundled_ct(), load_bundled_standards())
    assert design.study_name == "example_protocol"
    published = publish_package(design, [], tmp_path / "outbox")
    assert published.directory == tmp_path / "outbox" / "example_protocol" / design.protocol_sha256[:12]
    assert published.manifest.version == design.protocol_sha256[:12]
