"""The published JSON schema of the portable corrections file (docs/corrections.schema.json).

`python -m crfgen_core.review.schema docs/corrections.schema.json` rewrites it; a test fails when the
published file and the pydantic contract differ.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from crfgen_core.review.corrections import CorrectionSet


def corrections_schema() -> str:
    """Return the JSON schema of a corrections file, as the text published in docs/."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **CorrectionSet.model_json_schema(mode="validation"),
    }
    # `kind` has a default so Python code may omit it, but a file must say it: it selects the correction
    for definition in schema["$defs"].values():
        if "kind" in definition.get("properties", {}):
            definition["required"] = ["kind", *definition.get("required", [])]
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    Path(argv[0]).write_text(corrections_schema(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
