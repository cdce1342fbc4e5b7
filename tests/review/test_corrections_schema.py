"""The published schema (docs/corrections.schema.json) is the contract's, and the docs' example is valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from crfgen_core.review.corrections import CorrectionSet
from crfgen_core.review.schema import corrections_schema

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _example() -> dict[str, object]:
    text = (DOCS / "corrections.md").read_text(encoding="utf-8")
    block = re.search(r"## The file\n\n```yaml\n(.*?)```", text, re.DOTALL)
    assert block is not None
    data: dict[str, object] = yaml.safe_load(block.group(1))
    return data


def test_the_published_schema_is_current() -> None:
    published = (DOCS / "corrections.schema.json").read_text(encoding="utf-8")
    assert published == corrections_schema(), (
        "docs/corrections.schema.json is stale: rerun python -m crfgen_core.review.schema on it"
    )


def test_the_documented_example_is_valid_for_schema_and_contract() -> None:
    example = _example()
    jsonschema.validate(example, json.loads(corrections_schema()))
    assert len(CorrectionSet.model_validate(example).corrections) == 5


def test_the_schema_refuses_what_the_contract_refuses() -> None:
    schema = json.loads(corrections_schema())
    example = _example()
    fixes = example["corrections"]
    assert isinstance(fixes, list)
    without_kind = {k: v for k, v in fixes[0].items() if k != "kind"}
    for broken in ({**example, "corrections": [without_kind]}, {**example, "extra": 1}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
        with pytest.raises(ValueError):
            CorrectionSet.model_validate(broken)
