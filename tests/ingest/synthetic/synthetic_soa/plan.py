"""The order of a synthetic protocol's parts, shared by the PDF and DOCX renderers: title page, contents,
body text, a decoy table, the schedules (a later period a few pages after the main one)."""

from __future__ import annotations

from dataclasses import dataclass

from synthetic_soa.model import Study
from synthetic_soa.params import LayoutParams


@dataclass(frozen=True)
class Block:
    kind: str  # title_page toc text decoy schedule
    schedule: int | None = None
    heading: str = ""
    caption_for: int | None = None  # a text block that ends with the caption of this schedule


def plan(study: Study, params: LayoutParams) -> list[Block]:
    """Given a study and its layout, return the parts in document order. A scanned layout is the SoA
    pages only (as SoA extracts are), because every page of it goes through OCR."""
    if params.fmt in ("image", "docx_image"):
        return [Block("schedule", index) for index in range(len(study.schedules))]
    blocks = [Block("title_page")]
    if params.toc:
        blocks.append(Block("toc"))
    caption_early = params.title_position == "previous_page" and bool(study.schedules[0].title)
    if params.body_text or caption_early:
        blocks.append(Block("text", heading="1 Protocol Summary", caption_for=0 if caption_early else None))
    if study.decoy is not None:
        blocks.append(Block("decoy"))
    for index, schedule in enumerate(study.schedules):
        if schedule.kind == "later":
            blocks.append(Block("text", heading="4 Study Design"))
            blocks.append(Block("text", heading="4.1 Extension"))
        blocks.append(Block("schedule", index))
    if params.body_text:
        blocks.append(Block("text", heading="5 Study Population"))
    return blocks
