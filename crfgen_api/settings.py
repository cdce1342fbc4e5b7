"""The API's settings, read from the environment when the app is built (never at import).

  CRFGEN_DATA_DIR               the pipeline's data directory              ./.data
  DAGSTER_HOME                  folder holding the instance's dagster.yaml (none: status endpoints 503)
  CRFGEN_API_UPLOADS_PER_MINUTE uploads refilled per minute per caller     30
  CRFGEN_API_UPLOAD_BURST       uploads a caller may send at once          10
  CRFGEN_API_OIDC_ISSUER        OIDC: expected `iss` (all three OIDC variables, or none)
  CRFGEN_API_OIDC_AUDIENCE      OIDC: expected `aud`
  CRFGEN_API_OIDC_JWKS_FILE     OIDC: the issuer's JWKS, a local JSON file (no network fetch)
  CRFGEN_API_OIDC_ROLES_CLAIM   OIDC: claim holding the caller's roles     roles
The largest upload is the intake's own limit (CRFGEN_MAX_INPUT_BYTES, crfgen_core.ingest.limits).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from crfgen_core.ingest.limits import InputLimits

DEFAULT_DATA_DIR = ".data"


class OidcSettings(BaseModel):
    """Where bearer JWTs come from: verified against a local JWKS file, never fetched."""

    model_config = ConfigDict(frozen=True)

    issuer: str
    audience: str
    jwks_file: Path
    roles_claim: str = "roles"


class ApiSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    data_dir: Path
    dagster_home: Path | None = None
    max_upload_bytes: int = Field(gt=0)
    uploads_per_minute: float = Field(30.0, gt=0)
    upload_burst: int = Field(10, gt=0)
    oidc: OidcSettings | None = None

    @property
    def tokens_file(self) -> Path:
        return self.data_dir / "api" / "tokens.json"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ApiSettings:
        env = os.environ if environ is None else environ
        home = env.get("DAGSTER_HOME", "").strip()
        oidc_values = {
            "issuer": env.get("CRFGEN_API_OIDC_ISSUER", "").strip(),
            "audience": env.get("CRFGEN_API_OIDC_AUDIENCE", "").strip(),
            "jwks_file": env.get("CRFGEN_API_OIDC_JWKS_FILE", "").strip(),
        }
        oidc = None
        if any(oidc_values.values()):
            missing = [name for name, value in oidc_values.items() if not value]
            if missing:
                raise ValueError(f"OIDC is half configured: set CRFGEN_API_OIDC_{missing[0].upper()} too")
            oidc = OidcSettings.model_validate(
                {**oidc_values, "roles_claim": env.get("CRFGEN_API_OIDC_ROLES_CLAIM", "roles").strip()}
            )
        optional = {
            name: env[variable].strip()
            for name, variable in (
                ("uploads_per_minute", "CRFGEN_API_UPLOADS_PER_MINUTE"),
                ("upload_burst", "CRFGEN_API_UPLOAD_BURST"),
            )
            if env.get(variable, "").strip()
        }
        return cls.model_validate(
            {
                "data_dir": Path(env.get("CRFGEN_DATA_DIR", "").strip() or DEFAULT_DATA_DIR).resolve(),
                "dagster_home": Path(home).resolve() if home else None,
                "max_upload_bytes": InputLimits.from_env(env).max_size_bytes,
                "oidc": oidc,
                **optional,
            }
        )
