"""Refresh from a local folder and through `crf-gen ct refresh` / `crf-gen ct versions`."""

from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.cli import main
from crfgen_core.terminology.ct_refresh import RefreshOutcome, refresh_ct
from crfgen_core.terminology.ct_store import CTStore


@pytest.mark.shared
def test_local_folder_refresh_adds_dated_versions_and_reports_bad_files(
    ct_versions: tuple[bytes, bytes], tmp_path: Path
) -> None:
    folder = tmp_path / "SDTM" / "Archive"
    folder.mkdir(parents=True)
    (folder / "SDTM Terminology 2025-03-25.txt").write_bytes(ct_versions[0])
    (folder / "SDTM Terminology 2025-06-27.txt").write_bytes(ct_versions[1])
    (folder / "SDTM Terminology 2025-09-26.txt").write_bytes(b"not CT at all")
    store = CTStore(tmp_path / "data")
    result = refresh_ct(store, str(tmp_path / "SDTM"), packages=("sdtm",))
    outcomes = [(p.outcome, p.version) for p in result.packages]
    assert outcomes == [
        (RefreshOutcome.ADDED, "2025-03-25"),
        (RefreshOutcome.ADDED, "2025-06-27"),
        (RefreshOutcome.FAILED, ""),
    ]
    assert result.failures[0].error_code == "CT_FORMAT"
    assert store.current("sdtm").version == "2025-06-27"  # type: ignore[union-attr]
    again = refresh_ct(store, str(tmp_path / "SDTM"), packages=("sdtm",))
    assert [p.outcome for p in again.packages][:2] == [RefreshOutcome.UNCHANGED, RefreshOutcome.UNCHANGED]


@pytest.mark.shared
def test_ct_refresh_and_versions_commands(
    ct_versions: tuple[bytes, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = tmp_path / "SDTM Terminology 2025-06-27.txt"
    newer.write_bytes(ct_versions[1])
    data_dir = tmp_path / "data"
    # The bundled 2025-03-25 snapshot seeds the store, then the local file becomes current.
    assert (
        main(["ct", "refresh", "--source", str(newer), "--package", "sdtm", "--data-dir", str(data_dir)]) == 0
    )
    out = capsys.readouterr().out
    assert "sdtm: added 2025-06-27 (current 2025-06-27)" in out and "report" in out
    assert main(["ct", "versions", "sdtm", "--data-dir", str(data_dir)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in listed] == [
        ["sdtm", "2025-03-25", "1158"],
        ["*", "sdtm", "2025-06-27"],
    ]
    missing = str(tmp_path / "nowhere")
    assert main(["ct", "refresh", "--source", missing, "--data-dir", str(data_dir)]) == 1
    assert "no such file or folder" in capsys.readouterr().out
