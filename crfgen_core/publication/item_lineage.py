"""One item's lineage in a published package: item -> item group and form -> SoA activity (as written)
-> schedule, page(s) and cell(s) (or the text span) -> biomedical concept -> CT of its codelist -> run,
manifest and protocol hashes. What `crf-gen audit --item OID` prints."""

from __future__ import annotations

from pathlib import Path

from crfgen_core.model.design import CRFDesign, Form, Item, ItemGroup, Provenance
from crfgen_core.model.lineage import SchedulePlace, ScheduleRowPlace
from crfgen_core.publication.audit import read_manifest, read_package_file
from crfgen_core.publication.ledger import manifest_sha256
from crfgen_core.publication.manifest import MANIFEST_NAME
from crfgen_core.publication.publisher import DESIGN_FILE_NAME

MAX_CELLS = 12  # marked cells printed per row; the rest are counted (soa_pages.json lists them all)


class UnknownItemError(LookupError):
    """The package's design has no item with that OID."""


def read_design(directory: Path) -> CRFDesign:
    """Given a package directory, return its crf_design.json; raise ManifestUnreadableError if unreadable."""
    return read_package_file(directory, DESIGN_FILE_NAME, CRFDesign, "CRF design")


def find_item(design: CRFDesign, oid: str) -> tuple[Form, ItemGroup, Item]:
    """Given a design and an item OID, return its form, item group and item (UnknownItemError if none)."""
    for form in design.forms:
        for group in form.item_groups:
            for item in group.items:
                if item.oid == oid:
                    return form, group, item
    raise UnknownItemError(f"no item {oid!r} in this package's {DESIGN_FILE_NAME}")


def _pages(pages: list[int]) -> str:
    if not pages:
        return "-"
    label = "page" if len(pages) == 1 else "pages"
    return f"{label} {', '.join(str(p) for p in pages)}"


def _where(pages: list[int], table: str | None) -> str:
    return _pages(pages) if pages or not table else table


def _row(place: SchedulePlace | None, provenance: Provenance) -> ScheduleRowPlace | None:
    if place is None:
        return None
    return next((r for r in place.rows if r.activity_id == provenance.activity_id), None)


def _soa_lines(design: CRFDesign, provenance: Provenance) -> list[str]:
    place = next((s for s in design.schedule_places if s.schedule_id == provenance.schedule_id), None)
    row = _row(place, provenance)
    lines = [f"activity   '{provenance.activity_label}'  (SoA row as written)"]
    if place is not None:
        lines.append(
            f"schedule   {place.schedule_id} '{place.title}'  {_where(place.pages, ', '.join(place.tables))}"
        )
    if row is not None:
        lines.append(f"row        {row.row if row.row is not None else '-'}  {_where(row.pages, row.table)}")
        for cell in row.cells[:MAX_CELLS]:
            at = _pages([cell.page] if cell.page else [])
            lines.append(f"cell       '{cell.visit_label}' x '{row.label}' = '{cell.text}'  {at}")
        if len(row.cells) > MAX_CELLS:
            lines.append(f"cell       ... {len(row.cells) - MAX_CELLS} more (soa_pages.json)")
    elif provenance.cells:
        lines.extend(
            f"cell       '{c.activity_label}'  {_where([c.page] if c.page else [], c.table)}"
            for c in provenance.cells
        )
    return lines


def _also(form: Form, provenance: Provenance) -> list[str]:
    """The form's other SoA rows (other schedules, other activities): the item is asked there too."""
    own = (provenance.schedule_id, provenance.activity_id)
    others = [p for p in form.provenance if p.source == "soa" and (p.schedule_id, p.activity_id) != own]
    return [f"also       {p.schedule_id} '{p.activity_label}'  {_where(p.pages, p.locator)}" for p in others]


def _source_lines(design: CRFDesign, form: Form, provenance: Provenance | None) -> list[str]:
    if provenance is None:
        return ["source     NONE: the item records no provenance"]
    lines = [f"source     {provenance.source}"]
    if provenance.source == "soa":
        lines += _soa_lines(design, provenance) + _also(form, provenance)
    elif provenance.span is not None:
        span = provenance.span
        place = _where(provenance.pages, provenance.locator)
        label = f"{provenance.activity_label}: " if provenance.activity_label else ""
        lines.append(f"text       {label}'{span.text}'  {place}")
    if provenance.standard:
        lines.append(f"standard   {provenance.standard}")
    if provenance.source == "standard_form" and not provenance.standard:
        lines.append("standard   NONE recorded")
    return lines


def _term_lines(design: CRFDesign, item: Item) -> list[str]:
    provenance = item.provenance
    lines = [f"concept    {item.concept_id or (provenance.concept_id if provenance else None) or '-'}"]
    if item.codelist_oid:
        codelist = next((c for c in design.codelists if c.oid == item.codelist_oid), None)
        if codelist is None or codelist.ct_package is None:
            lines.append(f"codelist   {item.codelist_oid}  sponsor-defined (not from CT)")
        else:
            lines.append(
                f"codelist   {codelist.oid} {codelist.submission_value or ''} ({codelist.nci_code or '-'})  "
                f"CT {codelist.ct_package} {codelist.ct_version}"
            )
    for oid in item.unit_oids:
        unit = next((u for u in design.units if u.oid == oid), None)
        if unit is not None:
            code = f"{unit.ct_codelist or '-'} ({unit.nci_code or '-'})"
            lines.append(f"unit       {unit.name}  CT codelist {code}")
    if provenance is not None and provenance.ct_package:
        ct = f"{provenance.ct_package} {provenance.ct_version}"
        lines.append(f"ct         {ct}  rule set {provenance.rule_set_version}")
    return lines


def item_lineage(directory: Path, oid: str) -> list[str]:
    """Given a package directory and an item OID, return the item's lineage, one line each.

    Raises ManifestUnreadableError when the package has no readable manifest or design, and
    UnknownItemError when the design has no such item.
    """
    manifest = read_manifest(directory)
    design = read_design(directory)
    form, group, item = find_item(design, oid)
    annotation = f"  ({item.sdtm_annotation})" if item.sdtm_annotation else ""
    return [
        f"item       {item.oid} {item.name}  '{item.question}'{annotation}",
        f"group      {group.oid} '{group.name}'",
        f"form       {form.oid} '{form.name}'",
        *_source_lines(design, form, item.provenance),
        *_term_lines(design, item),
        f"run        dagster run {manifest.dagster_run_id or '- (generated without Dagster)'}",
        f"manifest   sha256 {manifest_sha256(directory / MANIFEST_NAME)}",
        f"protocol   {manifest.protocol_file}  sha256 {manifest.protocol_sha256}",
    ]
