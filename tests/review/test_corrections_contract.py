"""The portable corrections contract: discriminated kinds, UTC times, one study per set, stable hashes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from crfgen_core.review.corrections import (
    CORRECTION_ADAPTER,
    ActivityRemap,
    CodelistSubset,
    CorrectionSet,
    CorrectionsFileError,
    ItemConditionSet,
    SoaCellFix,
    VisitRename,
)

WHEN = datetime(2026, 11, 29, 13, 0, tzinfo=UTC)


def _set() -> CorrectionSet:
    common = {"study": "H2Q-MC-LZZT", "author": "dr.reviewer", "created_at": WHEN, "reason": "checked"}
    return CorrectionSet(
        study="H2Q-MC-LZZT",
        corrections=[
            SoaCellFix(schedule="soa", activity="ecg", visit="visit-3", action="clear", **common),
            VisitRename(schedule="soa", visit="wk-2", label="Week 2", **common),
            CodelistSubset(codelist="CL.VSRESU", values=["mmHg", "beats/min"], **common),
            ItemConditionSet(
                form="F.AE",
                item="IT.AE.AEENDTC",
                source_item="IT.AE.AEONGO",
                values=["N"],
                **common,
            ),
        ],
    )


def test_kind_selects_the_model_and_unknown_kinds_fail() -> None:
    data = {"kind": "visit_rename", "study": "S", "author": "a", "reason": "r", "schedule": "s", "visit": "v"}
    with pytest.raises(ValidationError):
        CORRECTION_ADAPTER.validate_python(data)  # no label
    parsed = CORRECTION_ADAPTER.validate_python({**data, "label": "Week 2"})
    assert isinstance(parsed, VisitRename)
    with pytest.raises(ValidationError):
        CORRECTION_ADAPTER.validate_python({**data, "kind": "visit_teleport", "label": "x"})


def test_times_are_utc_and_naive_times_are_refused() -> None:
    paris = timezone(timedelta(hours=1))
    fix = VisitRename(
        study="S", author="a", reason="r", schedule="s", visit="v", label="W2",
        created_at=datetime(2026, 11, 29, 14, 0, tzinfo=paris),
    )  # fmt: skip
    assert fix.created_at == WHEN and fix.created_at.tzinfo == UTC
    with pytest.raises(ValidationError, match="time zone"):
        VisitRename(
            study="S", author="a", reason="r", schedule="s", visit="v", label="W2",
            created_at=datetime(2026, 11, 29, 14, 0),
        )  # fmt: skip


def test_remap_needs_a_form_or_a_concept() -> None:
    with pytest.raises(ValidationError, match="form or a concept"):
        ActivityRemap(study="S", author="a", reason="r", schedule="s", activity="x")
    assert (
        ActivityRemap(study="S", author="a", reason="r", schedule="s", activity="x", form="VS").form == "VS"
    )


def test_a_set_holds_one_study_and_unique_ids() -> None:
    fixes = _set().corrections
    with pytest.raises(ValidationError, match="in the set of study"):
        CorrectionSet(study="OTHER", corrections=fixes)
    with pytest.raises(ValidationError, match="unique"):
        CorrectionSet(study="H2Q-MC-LZZT", corrections=[fixes[0], fixes[0]])


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_the_file_round_trips_and_keeps_its_hash(tmp_path: Path, suffix: str) -> None:
    original = _set()
    path = tmp_path / f"corrections{suffix}"
    original.dump(path)
    again = CorrectionSet.load(path)
    assert again == original
    assert again.content_hash() == original.content_hash()


def test_the_hash_changes_with_any_content() -> None:
    original = _set()
    changed = original.model_copy(
        update={
            "corrections": [
                *original.corrections[:-1],
                original.corrections[-1].model_copy(update={"values": ["Y"]}),
            ]
        }
    )
    assert changed.content_hash() != original.content_hash()
    assert len(original.content_hash()) == 64


def test_target_keys_name_labels_and_oids_not_positions() -> None:
    keys = [c.target_key() for c in _set().corrections]
    assert keys == [
        "schedule:soa/activity:ecg/visit:visit-3",
        "schedule:soa/visit:wk-2",
        "codelist:CL.VSRESU",
        "form:F.AE/item:IT.AE.AEENDTC/condition",
    ]


def test_a_bad_file_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"study": "S", "corrections": [{"kind": "soa_cell"}]}', encoding="utf-8")
    with pytest.raises(CorrectionsFileError, match="not a corrections file"):
        CorrectionSet.load(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CorrectionsFileError):
        CorrectionSet.load(path)
