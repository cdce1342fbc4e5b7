"""The code location: everything is loaded from defs/ (organised by concept)."""

from __future__ import annotations

import warnings
from pathlib import Path

import dagster as dg

# Every asset returns a content-hash data version (unchanged outputs stay unchanged in lineage); the
# parameter is marked beta, and its warning would print once per asset in every run's log.
warnings.filterwarnings("ignore", message="Parameter `data_version`", category=dg.BetaWarning)


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
