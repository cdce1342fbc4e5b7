"""What the page shows for one package: the SoA grid as read (crf_design.json's schedule-to-page map),
the stable keys a correction needs (from the parsed protocol the run stored), the mapping table, open
review items, the study's corrections, and whether the design is stale (corrections recorded since the
build)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from crfgen_api.outbox import read_manifest, version_key_of
from crfgen_core.model.design import CorrectionOutcome, CRFDesign, MappingRow, ReviewEntry
from crfgen_core.model.package import PublishedPackage
from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.publication.publisher import DESIGN_FILE_NAME
from crfgen_core.review.corrections import SoaCellFix
from crfgen_core.review.keys import activity_keys, schedule_keys, visit_keys
from crfgen_core.review.review_store import StoredCorrection

# The run's parsed protocol, as the pipeline's stage store keeps it (crfgen_dagster IO manager layout).
PARSED_STAGE = Path("stages") / "parsed_protocol"


@dataclass
class GridColumn:
    visit_id: str
    label: str
    key: str | None
    pages: list[int]


@dataclass
class GridRow:
    activity_id: str
    label: str
    key: str | None
    pages: list[int]
    marks: dict[str, str]  # visit id -> cell text


@dataclass
class Grid:
    schedule_id: str
    title: str
    key: str | None
    pages: list[int]
    tables: list[str]
    columns: list[GridColumn]
    rows: list[GridRow]


@dataclass
class OpenItem:
    entry: ReviewEntry
    settled_by: list[str]  # ids of active corrections with the item's key


@dataclass
class VersionView:
    study: str
    version: str
    manifest: PublishedPackage
    design: CRFDesign
    grids: list[Grid]
    keyed: bool  # the parsed protocol was found: cells and rows can be corrected
    mappings: list[MappingRow]
    open_items: list[OpenItem]
    outcomes: list[CorrectionOutcome]
    corrections: list[StoredCorrection]
    stale_ids: list[str] = field(default_factory=list)  # active corrections this build did not see
    dropped_ids: list[str] = field(default_factory=list)  # built with, since withdrawn
    form_oids: list[str] = field(default_factory=list)
    # (schedule, activity, visit) keys -> set/clear of soa_cell corrections this build did not see
    pending_cells: dict[tuple[str, str, str], str] = field(default_factory=dict)

    @property
    def stale(self) -> bool:
        return bool(self.stale_ids or self.dropped_ids)

    @property
    def is_pdf(self) -> bool:
        return self.manifest.protocol_file.lower().endswith(".pdf")


def _parsed(data_dir: Path, version_key: str) -> ParsedProtocol | None:
    path = data_dir / PARSED_STAGE / f"{version_key}.json"
    if not path.is_file():
        return None
    try:
        return ParsedProtocol.model_validate_json(path.read_bytes())
    except ValidationError:
        return None  # another code version's stage: show the grid without correction forms


def build_view(data_dir: Path, folder: Path, corrections: list[StoredCorrection]) -> VersionView:
    manifest = read_manifest(folder)
    design = CRFDesign.model_validate_json((folder / DESIGN_FILE_NAME).read_bytes())
    parsed = _parsed(data_dir, version_key_of(manifest))
    schedules = {s.id: s for s in parsed.schedules} if parsed else {}
    skeys = schedule_keys(parsed) if parsed else {}
    grids = []
    for place in design.schedule_places:
        schedule = schedules.get(place.schedule_id)
        akeys = activity_keys(schedule) if schedule else {}
        vkeys = visit_keys(schedule) if schedule else {}
        grids.append(
            Grid(
                schedule_id=place.schedule_id,
                title=place.title,
                key=skeys.get(place.schedule_id),
                pages=place.pages,
                tables=place.tables,
                columns=[
                    GridColumn(c.visit_id, c.label, vkeys.get(c.visit_id), c.pages) for c in place.columns
                ],
                rows=[
                    GridRow(
                        r.activity_id,
                        r.label,
                        akeys.get(r.activity_id),
                        r.pages,
                        {cell.visit_id: cell.text for cell in r.cells},
                    )
                    for r in place.rows
                ],
            )
        )
    active = {s.correction.id: s.correction for s in corrections}
    built_with = {o.id for o in design.corrections}
    open_items = [
        OpenItem(
            entry=entry,
            settled_by=[c.id for c in active.values() if entry.key and c.target_key() == entry.key],
        )
        for entry in design.review
    ]
    return VersionView(
        study=folder.parent.name,
        version=folder.name,
        manifest=manifest,
        design=design,
        grids=grids,
        keyed=parsed is not None,
        mappings=design.mappings,
        open_items=open_items,
        outcomes=design.corrections,
        corrections=corrections,
        stale_ids=[cid for cid in active if cid not in built_with],
        dropped_ids=[cid for cid in built_with if cid not in active],
        form_oids=[f.oid for f in design.forms],
        pending_cells={
            (c.schedule, c.activity, c.visit): c.action
            for c in active.values()
            if isinstance(c, SoaCellFix) and c.id not in built_with
        },
    )
