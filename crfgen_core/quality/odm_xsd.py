"""Validate ODM 1.3.2 documents against the official XSD shipped as package data."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from crfgen_core.xml_safety import safe_parser


@lru_cache(maxsize=1)
def odm_1_3_2_schema() -> etree.XMLSchema:
    """Return the compiled official ODM 1.3.2 schema (local files only, no network)."""
    with resources.as_file(resources.files("crfgen_core.quality").joinpath("data", "odm_1_3_2")) as folder:
        doc = etree.parse(str(Path(folder) / "ODM1-3-2.xsd"), safe_parser())
        return etree.XMLSchema(doc)


def odm_xsd_errors(path: Path) -> list[str]:
    """Given an ODM file, return the XSD violations as 'line N: message' strings (empty if valid)."""
    schema = odm_1_3_2_schema()
    document = etree.parse(str(path), safe_parser())
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
