"""The truth of a synthetic study: the SoA exchange JSON of ../shared/eval/README.md, and the same
content in the "consolidated" reference shape that score_soa.score() reads as its reference."""

from __future__ import annotations

from typing import Any

from synthetic_soa.model import Schedule, Study


def exchange_json(study: Study, pages: dict[int, list[int]] | None = None) -> dict[str, Any]:
    """Given a study (and the 1-based pages each schedule was drawn on, for PDFs), return what a perfect
    reader writes: visits with their header cells top to bottom, activities (section rows as groups,
    redacted rows left out, labels without footnote markers or cross references), scheduled cells."""
    out: list[dict[str, Any]] = []
    for index, schedule in enumerate(study.schedules):
        entry = _schedule_json(schedule)
        if pages and pages.get(index):
            entry["pages"] = pages[index]
        out.append(entry)
    return {"schedules": out}


def _schedule_json(schedule: Schedule) -> dict[str, Any]:
    headers = schedule.column_headers()
    visits = [{"id": f"V{i + 1}", "label": schedule.visit_label(i), "headers": headers[i]}
              for i in range(schedule.n_visits)]
    activities: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    for row in schedule.rows:
        if row.kind != "activity":
            continue
        activity_id = f"A{len(activities) + 1}"
        activities.append({"id": activity_id, "label": row.label.text,
                           **({"group": row.group} if row.group else {})})
        for start, mark in sorted(row.marks.items()):
            if not mark.scheduled:
                continue
            for col in range(start, start + mark.span):
                cells.append({"activity": activity_id, "visit": f"V{col + 1}", "text": mark.text,
                              "footnotes": list(mark.markers)})
    return {
        "title": schedule.truth_title or "Schedule of Activities",
        "visits": visits,
        "activities": activities,
        "cells": cells,
        "footnotes": [{"marker": m, "text": t} for m, t in schedule.footnotes],
        "legend": [{"code": c, "text": t} for c, t in schedule.legend],
    }


def reference_json(exchange: dict[str, Any]) -> dict[str, Any]:
    """Given truth in the exchange JSON, return it in the consolidated reference shape score_soa reads:
    activities unified by label across schedules, one timeline segment per schedule, the marked cells."""
    activities: list[dict[str, Any]] = []
    segments: dict[str, list[dict[str, Any]]] = {}
    matrix: list[dict[str, Any]] = []
    for s, schedule in enumerate(exchange["schedules"]):
        ids: dict[str, str] = {}
        for activity in schedule["activities"]:
            ids[activity["id"]] = f"xact-{s + 1}-{activity['id']}"
            activities.append({"xact_id": ids[activity["id"]], "activity_name": activity["label"],
                               "is_section_header": False})
        cols: dict[str, str] = {}
        segment = segments.setdefault(f"schedule-{s + 1}", [])
        for visit in schedule["visits"]:
            cols[visit["id"]] = f"xcol-{s + 1}-{visit['id']}"
            segment.append({"xcol_id": cols[visit["id"]],
                            "composite_label": " / ".join(visit["headers"] or [visit["label"]])})
        for cell in schedule["cells"]:
            matrix.append({"xact_id": ids[cell["activity"]], "xcol_id": cols[cell["visit"]],
                           "consolidated_value": cell["text"]})
    return {"schema_name": "soa-tables-consolidated", "unified_activities": activities,
            "timeline_segments": segments, "schedule_matrix": matrix}
