"""Golden files for the fixed design: ODM (canonical XML), REDCap dictionary and longitudinal set-up,
mapping.csv, byte-exact."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from design_fixture import fixture_design
from golden import UPDATE_FLAG, assert_matches_golden
from lxml import etree

from crfgen_core.render.crf_layout import build_layout
from crfgen_core.render.odm_1_3_2 import odm_bytes
from crfgen_core.render.package_writer import write_mapping_csv
from crfgen_core.render.redcap_dictionary import write_redcap_dictionary
from crfgen_core.render.redcap_project import write_redcap_project
from crfgen_core.xml_safety import safe_parser

VOLATILE_ROOT_ATTRIBUTES = ("CreationDateTime", "SourceSystemVersion")


def canonical_odm(document: bytes) -> bytes:
    """Given ODM bytes, return C14N bytes with the volatile root attributes normalised."""
    root = etree.fromstring(document, safe_parser(), base_url=None)
    for attribute in VOLATILE_ROOT_ATTRIBUTES:
        if root.get(attribute) is not None:
            root.set(attribute, "NORMALISED")
    return etree.tostring(root, method="c14n")


def test_golden_guard_flag_is_off_in_ci() -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        assert os.environ.get(UPDATE_FLAG) is None, f"{UPDATE_FLAG} must not be set in CI"


def test_odm_matches_golden() -> None:
    # Two different creation times must canonicalise to the same bytes: the normalisation is real.
    first = canonical_odm(odm_bytes(fixture_design(), datetime(2024, 1, 1, tzinfo=UTC)))
    second = canonical_odm(odm_bytes(fixture_design(), datetime(2025, 6, 30, 12, 5, tzinfo=UTC)))
    assert first == second
    assert_matches_golden("fixture_odm.c14n.xml", first)


@pytest.mark.parametrize(
    ("name", "writer"),
    [
        ("fixture_redcap_data_dictionary.csv", lambda d, p: write_redcap_dictionary(build_layout(d), p)),
        ("fixture_mapping.csv", write_mapping_csv),
    ],
)
def test_csv_matches_golden(tmp_path: Path, name: str, writer: object) -> None:
    path = tmp_path / name
    writer(fixture_design(), path)  # type: ignore[operator]
    assert_matches_golden(name, path.read_bytes())


def test_redcap_longitudinal_files_match_golden(tmp_path: Path) -> None:
    design = fixture_design()
    for path in write_redcap_project(design, build_layout(design), tmp_path):
        assert_matches_golden(f"fixture_{path.name}", path.read_bytes())
