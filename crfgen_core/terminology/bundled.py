"""The CT snapshot shipped as package data, so the default run works offline.

The snapshot is just the first version of each package in the CT store: `open_seeded_store()` adds it
to an empty store; a refresh then adds newer versions beside it.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources
from pathlib import Path

from crfgen_core.terminology.ct_file import parse_ct_bytes
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.terminology.ct_store import CTStore, StoredCTVersion, default_data_dir

BUNDLED_SDTM_VERSION = "2025-03-25"
BUNDLED_SDTM_FILE = f"sdtm_ct_{BUNDLED_SDTM_VERSION}.txt.gz"
# (packed file, original NCI file name) — the original name tells package and format.
BUNDLED_FILES = (
    (BUNDLED_SDTM_FILE, f"SDTM Terminology {BUNDLED_SDTM_VERSION}.txt"),
    ("cdash_ct_2021-12-17.odm.xml.gz", "CDASH Terminology.odm.xml"),
    ("protocol_ct_2021-12-17.odm.xml.gz", "Protocol Terminology.odm.xml"),
)


def bundled_bytes(packed_name: str) -> bytes:
    """Return the uncompressed bytes of one bundled NCI EVS CT file."""
    packed = resources.files("crfgen_core.terminology").joinpath("data", packed_name).read_bytes()
    return gzip.decompress(packed)


def bundled_sdtm_bytes() -> bytes:
    return bundled_bytes(BUNDLED_SDTM_FILE)


def parse_bundled(packed_name: str, original_name: str) -> CTIndex:
    return parse_ct_bytes(bundled_bytes(packed_name), original_name, source=f"bundled:{packed_name}")


@lru_cache(maxsize=1)
def load_bundled_ct() -> CTIndex:
    """Return the lookup index over the bundled SDTM CT snapshot."""
    return parse_bundled(BUNDLED_SDTM_FILE, BUNDLED_FILES[0][1])


def seed_store(store: CTStore) -> list[StoredCTVersion]:
    """Given a store, add the bundled version of every package that has none yet; return what was added."""
    added: list[StoredCTVersion] = []
    for packed_name, original_name in BUNDLED_FILES:
        index = (
            load_bundled_ct()
            if packed_name == BUNDLED_SDTM_FILE
            else parse_bundled(packed_name, original_name)
        )
        if store.current(index.package_name) is not None:
            continue
        stored = store.add(index, bundled_bytes(packed_name), original_name)
        store.set_current(
            stored.package, stored.version, reason="bundled snapshot seeded into an empty store"
        )
        added.append(stored)
    return added


def open_seeded_store(data_dir: Path | None = None) -> CTStore:
    """Given a data directory (default `$CRFGEN_DATA_DIR`), return its CT store, seeded on first use."""
    store = CTStore(data_dir or default_data_dir())
    seed_store(store)
    return store
