"""A small protocol the project owns, in DOCX and PDF, for the demo and the tests."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

EXAMPLE_STEM = "example_protocol"


def example_protocol_path(fmt: Literal["docx", "pdf"] = "docx") -> Path:
    """Return the path of the bundled example protocol in the given format."""
    resource = resources.files("crfgen_core.examples").joinpath("data", f"{EXAMPLE_STEM}.{fmt}")
    return Path(str(resource))
