"""SoA visit columns to study events: order from the document, OIDs from the visit's identity."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crfgen_core.mapping.oids import event_oid
from crfgen_core.model.design import Provenance, StudyEvent
from crfgen_core.model.protocol import Schedule, Visit

_DAY = re.compile(r"\b(day|week|month|wk|d)\s*(-?\s*\d+(?:\s*(?:to|-|–)\s*-?\d+)?)", re.IGNORECASE)
_WINDOW = re.compile(r"(±\s*\d+\s*\w*|\(\s*[-+]?\d+\s*(?:to|/)\s*[-+]?\d+\s*\w*\s*\))")


def visit_identity(visit: Visit) -> str:
    """Given a visit column, return what identifies it across runs: its label and header cells."""
    parts = [" ".join(h.split()) for h in visit.headers if h.strip()]
    label = " ".join(visit.label.split())
    if label and label not in parts:
        parts.append(label)
    return " / ".join(parts)


def _timing(visit: Visit) -> tuple[str | None, str | None]:
    text = " ".join([*visit.headers, visit.label])
    day = visit.day
    if day is None and (found := _DAY.search(text)):
        day = f"{found.group(1).title()} {' '.join(found.group(2).split())}"
    window = visit.window
    if window is None and (found_window := _WINDOW.search(text)):
        window = " ".join(found_window.group(1).split())
    return day, window


@dataclass
class EventTable:
    """Study events keyed by visit identity; the same visit in two schedules is one event."""

    rule_set: str
    events: dict[str, StudyEvent] = field(default_factory=dict)
    by_visit: dict[tuple[str, str], str] = field(default_factory=dict)
    _identity: dict[str, str] = field(default_factory=dict)

    def add_schedule(self, schedule: Schedule, used_visits: set[str]) -> list[str]:
        """Add the schedule's visits that schedule something; return notes on the ones skipped."""
        notes: list[str] = []
        for visit in schedule.visits:
            identity = visit_identity(visit)
            if visit.id not in used_visits:
                notes.append(
                    f"{schedule.id} column '{identity or visit.id}' schedules nothing; no event made"
                )
                continue
            oid = event_oid(identity) if identity else event_oid(f"{schedule.id}_{visit.id}")
            if oid in self._identity and self._identity[oid] != identity:
                oid = event_oid(f"{identity}_{schedule.id}_{visit.id}")
            self._identity[oid] = identity
            self.by_visit[(schedule.id, visit.id)] = oid
            provenance = Provenance(
                source="soa",
                schedule_id=schedule.id,
                visit_id=visit.id,
                page=schedule.pages[0] if schedule.pages else None,
                rule_set_version=self.rule_set,
            )
            if oid in self.events:
                self.events[oid].provenance.append(provenance)
                continue
            day, window = _timing(visit)
            self.events[oid] = StudyEvent(
                oid=oid,
                name=identity or f"{schedule.id} {visit.id}",
                order=len(self.events) + 1,
                headers=visit.headers,
                day=day,
                window=window,
                provenance=[provenance],
            )
        return notes

    def common_event(self) -> StudyEvent:
        """Return (creating it last in order) the event that holds log forms collected at any time."""
        oid = event_oid("COMMON")
        if oid not in self.events:
            self.events[oid] = StudyEvent(
                oid=oid,
                name="Log forms (any time)",
                order=len(self.events) + 1,
                type="Common",
                repeating=True,
                provenance=[Provenance(source="standard_form", rule_set_version=self.rule_set)],
            )
        return self.events[oid]
