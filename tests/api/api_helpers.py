"""Helpers of the API tests (a module of its own: `conftest` is ambiguous when several test folders are
collected in one run)."""

from __future__ import annotations

import shutil
from pathlib import Path

from crfgen_api.settings import ApiSettings

REPO = Path(__file__).resolve().parents[2]


def make_settings(root: Path, **overrides: object) -> ApiSettings:
    home = root / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "dagster.yaml", home / "dagster.yaml")
    (root / "data").mkdir(exist_ok=True)
    values: dict[str, object] = {
        "data_dir": root / "data",
        "dagster_home": home,
        "max_upload_bytes": 5 * 1024 * 1024,
        **overrides,
    }
    return ApiSettings.model_validate(values)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
