"""The versioned CT store: each version once and immutable, a `current` pointer, bundled snapshot first."""

from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.terminology.bundled import BUNDLED_SDTM_VERSION, open_seeded_store
from crfgen_core.terminology.ct_file import parse_ct_bytes
from crfgen_core.terminology.ct_store import CTStore
from crfgen_core.terminology.errors import CTNotInStoreError, CTStoreConflictError


@pytest.mark.shared
def test_store_keeps_each_version_once_and_moves_current(
    ct_versions: tuple[bytes, bytes], tmp_path: Path
) -> None:
    v1_bytes, v2_bytes = ct_versions
    store = CTStore(tmp_path)
    v1 = parse_ct_bytes(v1_bytes, "SDTM Terminology 2025-03-25.txt")
    stored = store.add(v1, v1_bytes, "SDTM Terminology 2025-03-25.txt")
    assert store.current("sdtm") is None
    store.set_current("sdtm", stored.version)
    folder = tmp_path / "ct" / "sdtm" / "2025-03-25"
    assert (folder / "SDTM Terminology 2025-03-25.txt").read_bytes() == v1_bytes
    assert stored.sha256 == v1.sha256 and stored.codelists == 3 and stored.terms == 9
    assert store.add(v1, v1_bytes, "again.txt") == stored  # same bytes: a no-op
    clash = parse_ct_bytes(v2_bytes, "SDTM Terminology 2025-03-25.txt")
    with pytest.raises(CTStoreConflictError, match="already stored"):
        store.add(clash, v2_bytes, "SDTM Terminology 2025-03-25.txt")
    assert (folder / "SDTM Terminology 2025-03-25.txt").read_bytes() == v1_bytes
    v2 = parse_ct_bytes(v2_bytes, "SDTM Terminology 2025-06-27.txt")
    store.add(v2, v2_bytes, "SDTM Terminology 2025-06-27.txt")
    assert [v.version for v in store.versions("sdtm")] == ["2025-03-25", "2025-06-27"]
    assert store.current("sdtm").version == "2025-03-25"  # type: ignore[union-attr]
    store.set_current("sdtm", "2025-06-27")
    loaded = store.load("sdtm")
    assert loaded.version == "2025-06-27" and loaded.term("ETHNIC", "UNKNOWN") is not None
    assert loaded.term("SEX", "INTERSEX") is None and store.load("sdtm", "2025-03-25").term("SEX", "INTERSEX")
    with pytest.raises(CTNotInStoreError):
        store.set_current("sdtm", "1999-01-01")
    assert not [p for p in (tmp_path / "ct" / "sdtm").iterdir() if p.name.startswith(".")]


def test_bundled_snapshot_is_the_first_version_in_an_empty_store(tmp_path: Path) -> None:
    store = open_seeded_store(tmp_path)
    assert store.packages() == ["cdash", "protocol", "sdtm"]
    sdtm = store.current("sdtm")
    assert sdtm is not None and sdtm.version == BUNDLED_SDTM_VERSION and sdtm.terms == 43698
    assert sdtm.source.startswith("bundled:")
    loaded = store.load("sdtm")
    assert loaded.sha256 == sdtm.sha256 and loaded.term("NY", "Y") is not None
    assert store.current("cdash").terms == 300  # type: ignore[union-attr]
    # Seeding again changes nothing: the store already has a current version of each package.
    before = sorted(p.stat().st_mtime_ns for p in (tmp_path / "ct").rglob("*"))
    open_seeded_store(tmp_path)
    assert sorted(p.stat().st_mtime_ns for p in (tmp_path / "ct").rglob("*")) == before
