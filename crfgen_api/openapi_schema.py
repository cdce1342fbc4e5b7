"""The published OpenAPI schema: `python -m crfgen_api.openapi_schema` rewrites docs/api/openapi.json
(tests/api/test_openapi.py fails while the checked-in copy differs from what the app serves)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from crfgen_api.app import create_app
from crfgen_api.settings import ApiSettings

CHECKED_IN = Path("docs") / "api" / "openapi.json"


def schema_text() -> str:
    # Settings do not change the schema; these only let the app be built without an environment.
    settings = ApiSettings(data_dir=Path("/nonexistent"), max_upload_bytes=1)
    return json.dumps(create_app(settings, checks=[]).openapi(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    target = Path((argv or sys.argv[1:] or [str(CHECKED_IN)])[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
