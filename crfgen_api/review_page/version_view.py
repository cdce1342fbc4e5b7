"""What the page shows for one package: the SoA grid as read with the stable keys a correction needs
(both from crf_design.json's schedule-to-page map), the mapping table, open review items, the study's
corrections, and whether the design is stale (corrections recorded since the build)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crfgen_api.outbox import read_manifest
from crfgen_core.model.design import CorrectionOutcome, CRFDesign, MappingRow, ReviewEntry
from crfgen_core.model.package import PublishedPackage
from crfgen_core.publication.publisher import DESIGN_FILE_NAME
from crfgen_core.review.corrections import SoaCellFix
from crfgen_core.review.review_store import StoredCorrection


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


def build_view(folder: Path, corrections: list[StoredCorrection]) -> VersionView:
    manifest = read_manifest(folder)
    design = CRFDesign.model_validate_json((folder / DESIGN_FILE_NAME).read_bytes())
    grids = [
        Grid(
            schedule_id=place.schedule_id,
            title=place.title,
            key=place.key,
            pages=place.pages,
            tables=place.tables,
            columns=[GridColumn(c.visit_id, c.label, c.key, c.pages) for c in place.columns],
            rows=[
                GridRow(
                    r.activity_id, r.label, r.key, r.pages, {cell.visit_id: cell.text for cell in r.cells}
                )
                for r in place.rows
            ],
        )
        for place in design.schedule_places
    ]
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
