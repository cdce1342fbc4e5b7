"""soa_pages.json: the schedule-to-page map, so a reviewer can check each CRF record against the page
(or Word table) its SoA row and visit column were read from."""

from __future__ import annotations

import json
from pathlib import Path

from crfgen_core.model.design import CRFDesign

SOA_PAGES_FILE = "soa_pages.json"


def write_soa_pages(design: CRFDesign, path: Path) -> Path:
    """Given a design, write its schedule-to-page map (one entry per SoA table) and return the path."""
    document = {
        "protocol_file": design.protocol_file,
        "protocol_sha256": design.protocol_sha256,
        "schedules": [place.model_dump(mode="json") for place in design.schedule_places],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
