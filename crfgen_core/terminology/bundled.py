"""The CT snapshot shipped as package data, so the default run works offline."""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from importlib import resources

from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.terminology.nci_tab_reader import parse_nci_tab

BUNDLED_SDTM_VERSION = "2025-03-25"
BUNDLED_SDTM_FILE = f"sdtm_ct_{BUNDLED_SDTM_VERSION}.txt.gz"


def bundled_sdtm_bytes() -> bytes:
    """Return the uncompressed bytes of the bundled NCI EVS SDTM CT file."""
    packed = resources.files("crfgen_core.terminology").joinpath("data", BUNDLED_SDTM_FILE).read_bytes()
    return gzip.decompress(packed)


@lru_cache(maxsize=1)
def load_bundled_ct() -> CTIndex:
    """Return the lookup index over the bundled SDTM CT snapshot."""
    data = bundled_sdtm_bytes()
    package = parse_nci_tab(
        data.decode("utf-8-sig"),
        package="sdtm",
        version=BUNDLED_SDTM_VERSION,
        source=f"bundled:{BUNDLED_SDTM_FILE}",
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return CTIndex(package)
