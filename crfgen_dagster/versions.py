"""Code and data versions: the package version for code, the sha256 of canonical JSON for data."""

from __future__ import annotations

import hashlib

import dagster as dg

from crfgen_core import __version__
from crfgen_core.model.base import Contract

CODE_VERSION = __version__


def content_version(model: Contract) -> dg.DataVersion:
    return dg.DataVersion(hashlib.sha256(model.to_json().encode("utf-8")).hexdigest())
