"""The SoA exchange JSON of ../shared/eval/README.md, written from a ParsedProtocol."""

from __future__ import annotations

from typing import Any

from crfgen_core.model.protocol import ParsedProtocol


def to_soa_exchange(parsed: ParsedProtocol) -> dict[str, Any]:
    """Given a ParsedProtocol, return the exchange JSON (schedules, visits, activities, marked cells)."""
    schedules: list[dict[str, Any]] = []
    for schedule in parsed.schedules:
        entry: dict[str, Any] = {
            "title": schedule.title,
            "visits": [{"id": v.id, "label": v.label, "headers": v.headers} for v in schedule.visits],
            "activities": [
                {"id": a.id, "label": a.label, **({"group": a.group} if a.group else {})}
                for a in schedule.activities
            ],
            "cells": [
                {"activity": c.activity, "visit": c.visit, "text": c.text, "footnotes": c.footnotes}
                for c in schedule.cells
            ],
        }
        if schedule.pages:
            entry["pages"] = schedule.pages
        schedules.append(entry)
    return {"schedules": schedules}
