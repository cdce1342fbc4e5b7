"""Diff between two CT versions: exactly the edits made, as data and as Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest

from crfgen_core.cli import main
from crfgen_core.terminology.ct_diff import CTDiff, diff_ct
from crfgen_core.terminology.ct_file import parse_ct_bytes


def assert_exactly_the_test_edits(diff: CTDiff, edits: dict[str, object]) -> None:
    assert [c.code for c in diff.codelists_added] == [edits["added_codelist"]]
    assert diff.codelists_added[0].terms == 4
    assert diff.codelists_removed == [] and diff.codelists_changed == [] and diff.terms_added == []
    assert [(t.codelist, t.code) for t in diff.terms_removed] == [edits["removed_term"]]
    assert [(t.codelist, t.code) for t in diff.terms_changed] == [edits["changed_term"]]
    change = diff.terms_changed[0].changes
    assert [c.field for c in change] == ["definition"] and change[0].new == edits["changed_definition"]


@pytest.mark.shared
def test_diff_lists_exactly_the_edits(ct_versions: tuple[bytes, bytes], ct_edits: dict[str, object]) -> None:
    v1 = parse_ct_bytes(ct_versions[0], "SDTM Terminology 2025-03-25.txt")
    v2 = parse_ct_bytes(ct_versions[1], "SDTM Terminology 2025-06-27.txt")
    diff = diff_ct(v1, v2)
    assert_exactly_the_test_edits(diff, ct_edits)
    report = diff.to_markdown()
    assert "sdtm 2025-03-25 → 2025-06-27" in report
    assert "| ETHNIC | C66790 | Ethnic Group | 4 |" in report
    assert "| SEX | INTERSEX | C45908 |" in report
    assert str(ct_edits["changed_definition"]) in report
    assert diff_ct(v1, v1).is_empty and "No differences." in diff_ct(v1, v1).to_markdown()


@pytest.mark.shared
def test_ct_diff_command_writes_json_and_markdown(
    ct_versions: tuple[bytes, bytes], ct_edits: dict[str, object], tmp_path: Path
) -> None:
    old, new = tmp_path / "SDTM Terminology 2025-03-25.txt", tmp_path / "SDTM Terminology 2025-06-27.txt"
    old.write_bytes(ct_versions[0])
    new.write_bytes(ct_versions[1])
    out_json, out_md = tmp_path / "diff.json", tmp_path / "diff.md"
    args = ["ct", "diff", str(old), str(new), "--json", str(out_json), "--markdown", str(out_md)]
    assert main(args) == 0
    assert_exactly_the_test_edits(CTDiff.model_validate_json(out_json.read_text(encoding="utf-8")), ct_edits)
    assert out_md.read_text(encoding="utf-8").startswith("# CT change report: sdtm")
