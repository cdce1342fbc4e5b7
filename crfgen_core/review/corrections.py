"""A clinical reviewer's corrections as data: the portable contract (JSON or YAML) every site exchanges.

Each correction names its target by a stable key (crfgen_core.review.keys: schedule, activity and visit
keys from normalized labels; CRF OIDs for forms, items and codelists), never by row number, so it
applies again to a later version of the same study wherever that key still exists. `kind` says which
correction it is; docs/corrections.md describes each and docs/corrections.schema.json is its schema.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal, get_args
from uuid import uuid4

import yaml
from pydantic import AfterValidator, Field, TypeAdapter, model_validator

from crfgen_core.model.base import Contract
from crfgen_core.model.design import ConditionOperator, OdmDataType
from crfgen_core.review.keys import normalize_label

CorrectionsFormat = Literal["crfgen-corrections/1"]
CORRECTIONS_FORMAT: CorrectionsFormat = "crfgen-corrections/1"
YAML_SUFFIXES = (".yaml", ".yml")


class CorrectionsFileError(ValueError):
    """A corrections file that cannot be read: wrong suffix, not JSON/YAML, or not the schema."""


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("created_at needs a time zone (write it in UTC, e.g. 2026-11-29T13:00:00Z)")
    return value.astimezone(UTC)


UtcTime = Annotated[datetime, AfterValidator(_utc)]
Key = Annotated[str, Field(min_length=1)]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class _Correction(Contract):
    """What every correction carries: who, when, why, for which study."""

    id: str = Field(default_factory=lambda: str(uuid4()), description="uuid, unique across sites")
    study: str = Field(min_length=1, description="study key: the outbox/<study> folder of its packages")
    author: str = Field(min_length=1)
    created_at: UtcTime = Field(default_factory=_now, description="when it was recorded (UTC)")
    reason: str = Field(min_length=1, description="why the reviewer made it (kept in the audit trail)")

    def target_key(self) -> str:
        """Return the stable key of what this correction changes (same key, same target, any version)."""
        raise NotImplementedError


class _ScheduleTarget(_Correction):
    schedule: Key = Field(description="schedule key (normalized SoA title)")


class _ActivityTarget(_ScheduleTarget):
    activity: Key = Field(description="activity key (normalized label, group-qualified if repeated)")

    def target_key(self) -> str:
        return f"schedule:{self.schedule}/activity:{self.activity}"


class _VisitTarget(_ScheduleTarget):
    visit: Key = Field(description="visit key (normalized label, with its headers if repeated)")

    def target_key(self) -> str:
        return f"schedule:{self.schedule}/visit:{self.visit}"


class SoaCellFix(_ScheduleTarget):
    """Mark (`set`) or unmark (`clear`) one SoA cell: the activity is (not) done at the visit."""

    kind: Literal["soa_cell"] = "soa_cell"
    activity: Key
    visit: Key
    action: Literal["set", "clear"]
    text: str = Field(default="X", min_length=1, description="cell text for `set`, as a table would say it")

    def target_key(self) -> str:
        return f"schedule:{self.schedule}/activity:{self.activity}/visit:{self.visit}"


class ActivityAdd(_ScheduleTarget):
    """Add an SoA row the reader missed, marked at the given visits."""

    kind: Literal["activity_add"] = "activity_add"
    label: str = Field(min_length=1, description="the activity as the protocol names it")
    group: str | None = Field(default=None, description="section row above it, if any")
    after: str | None = Field(default=None, description="activity key it follows; None = last row")
    visits: list[Key] = Field(default_factory=list, description="visit keys where it is marked")
    text: str = Field(default="X", min_length=1, description="cell text at those visits")

    def target_key(self) -> str:
        return f"schedule:{self.schedule}/activity+:{normalize_label(self.label)}"


class ActivityRemove(_ActivityTarget):
    """Drop an SoA row that is not an activity (a header, a footnote row read as a row)."""

    kind: Literal["activity_remove"] = "activity_remove"


class ActivityRename(_ActivityTarget):
    """Give an SoA row the label it should have been read with (mapping reads the new label)."""

    kind: Literal["activity_rename"] = "activity_rename"
    label: str = Field(min_length=1, description="the new label")


class VisitAdd(_ScheduleTarget):
    """Add an SoA column the reader missed, marked for the given activities."""

    kind: Literal["visit_add"] = "visit_add"
    label: str = Field(min_length=1)
    headers: list[str] = Field(default_factory=list, description="header cells above it, top to bottom")
    day: str | None = Field(default=None, description="timing as the SoA would state it, e.g. 'Week 4'")
    after: str | None = Field(default=None, description="visit key it follows; None = last column")
    activities: list[Key] = Field(default_factory=list, description="activity keys marked at it")
    text: str = Field(default="X", min_length=1, description="cell text for those activities")

    def target_key(self) -> str:
        return f"schedule:{self.schedule}/visit+:{normalize_label(self.label)}"


class VisitRemove(_VisitTarget):
    """Drop an SoA column that is not a visit (a notes column, a repeated header)."""

    kind: Literal["visit_remove"] = "visit_remove"


class VisitRename(_VisitTarget):
    """Give an SoA column the label it should have been read with."""

    kind: Literal["visit_rename"] = "visit_rename"
    label: str = Field(min_length=1, description="the new label")


class ActivityRemap(_ActivityTarget):
    """Map an activity to another concept or form than the generator chose (or map an unmapped one)."""

    kind: Literal["activity_remap"] = "activity_remap"
    form: str | None = Field(default=None, description="mapping rule set form key, e.g. 'VS'")
    concept: str | None = Field(default=None, description="COSMoS biomedical concept id, e.g. 'C25298'")
    tests: list[str] = Field(default_factory=list, description="--TESTCD values the activity collects")

    @model_validator(mode="after")
    def _names_a_target(self) -> ActivityRemap:
        if not self.form and not self.concept:
            raise ValueError("activity_remap needs a form or a concept")
        return self


class ItemAdd(_Correction):
    """Add an item to a form (to its first item group unless one is named)."""

    kind: Literal["item_add"] = "item_add"
    form: Key = Field(description="form OID, e.g. 'F.VS'")
    item_group: str | None = Field(default=None, description="item group OID; None = the form's first")
    name: str = Field(min_length=1, pattern=r"^[A-Za-z][A-Za-z0-9_]*$", description="CDASH variable name")
    question: str = Field(min_length=1)
    data_type: OdmDataType = "text"
    length: int | None = Field(default=None, gt=0)
    mandatory: bool = False
    codelist: str | None = Field(default=None, description="codelist OID of the design")
    sdtm_target: str | None = None

    def target_key(self) -> str:
        return f"form:{self.form}/item+:{self.name.upper()}"


class ItemDrop(_Correction):
    """Remove an item from a form (its conditions and unused codelist go with it)."""

    kind: Literal["item_drop"] = "item_drop"
    form: Key = Field(description="form OID")
    item: Key = Field(description="item OID, e.g. 'IT.VS.TEMP.VSORRES'")

    def target_key(self) -> str:
        return f"form:{self.form}/item:{self.item}"


class CodelistSubset(_Correction):
    """Keep only these coded values of a codelist (in this order), e.g. the units a site uses."""

    kind: Literal["codelist_subset"] = "codelist_subset"
    codelist: Key = Field(description="codelist OID")
    values: list[str] = Field(min_length=1, description="coded values kept")

    def target_key(self) -> str:
        return f"codelist:{self.codelist}"


class ItemConditionSet(_Correction):
    """Ask an item only when another item of the same form holds `values` (ODM CollectionException)."""

    kind: Literal["item_condition"] = "item_condition"
    form: Key = Field(description="form OID")
    item: Key = Field(description="item OID that is asked conditionally")
    source_item: Key = Field(description="item OID whose answer decides")
    operator: ConditionOperator = "eq"
    values: list[str] = Field(default_factory=list)
    description: str | None = Field(default=None, description="printed on the aCRF; default from the rule")

    def target_key(self) -> str:
        return f"form:{self.form}/item:{self.item}/condition"


# applied before the design is built (they change what the SoA says); the others after (they change the CRF)
ScheduleCorrection = (
    SoaCellFix
    | ActivityAdd
    | ActivityRemove
    | ActivityRename
    | VisitAdd
    | VisitRemove
    | VisitRename
    | ActivityRemap
)
Correction = Annotated[
    ScheduleCorrection | ItemAdd | ItemDrop | CodelistSubset | ItemConditionSet,
    Field(discriminator="kind"),
]
CORRECTION_ADAPTER: TypeAdapter[Correction] = TypeAdapter(Correction)
SCHEDULE_KINDS = frozenset(kind.model_fields["kind"].default for kind in get_args(ScheduleCorrection))


class CorrectionSet(Contract):
    """One study's corrections in the order they were made (later ones see earlier ones' results)."""

    format: CorrectionsFormat = CORRECTIONS_FORMAT
    study: str = Field(min_length=1, description="study key: the outbox/<study> folder of its packages")
    corrections: list[Correction] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_study(self) -> CorrectionSet:
        others = sorted({c.study for c in self.corrections if c.study != self.study})
        if others:
            raise ValueError(f"corrections for {others} in the set of study {self.study!r}")
        ids = [c.id for c in self.corrections]
        if len(ids) != len(set(ids)):
            raise ValueError("correction ids must be unique")
        return self

    def canonical_json(self) -> str:
        """Return the set as compact JSON with sorted keys: equal content, equal bytes."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )

    def content_hash(self) -> str:
        """Return the sha256 of the canonical JSON (the Dagster data version of review_corrections)."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    def to_yaml(self) -> str:
        text: str = yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
        return text

    def dump(self, path: Path) -> None:
        """Write the set to `path` as YAML (.yaml/.yml) or JSON (anything else)."""
        text = self.to_yaml() if path.suffix.lower() in YAML_SUFFIXES else self.to_json()
        path.write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> CorrectionSet:
        """Given a .json, .yaml or .yml corrections file, return the set; CorrectionsFileError if invalid."""
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.safe_load(text) if path.suffix.lower() in YAML_SUFFIXES else json.loads(text)
            return cls.model_validate(data)
        except (OSError, ValueError, yaml.YAMLError) as error:
            raise CorrectionsFileError(f"{path}: not a corrections file ({error})") from error
