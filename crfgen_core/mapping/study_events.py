"""SoA visit columns to study events: order from the document, OIDs from the visit's identity, names,
timing, type, contact, repetition and arms from the header cells and the legend (visit_reading)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from crfgen_core.mapping.oids import event_oid
from crfgen_core.mapping.schedule_legend import abbreviations, legend_texts
from crfgen_core.mapping.schedule_terms import ScheduleTerms, schedule_terms
from crfgen_core.mapping.source_places import at_visit
from crfgen_core.mapping.study_arms import ScheduleScope
from crfgen_core.mapping.visit_reading import is_window, read_visit
from crfgen_core.model.design import Arm, Provenance, StudyEvent
from crfgen_core.model.protocol import Schedule, Visit

COMMON_NAME = "Log forms (any time)"
_LATER = re.compile(r"(?P<n>\d+)\s*(?P<unit>days?|weeks?|months?)", re.IGNORECASE)  # '2 weeks following'


def visit_identity(visit: Visit) -> str:
    """Given a visit column, return what identifies it across runs: its label and header cells.

    A window cell ('± 3', '+3') is a property of the visit, not its identity: Cycle 2 with '+3' in one
    arm's chart and '± 3' in another's is one Cycle 2.
    """
    parts = [" ".join(h.split()) for h in visit.headers if h.strip() and not is_window(h)]
    label = " ".join(visit.label.split())
    if label and label not in parts and not is_window(label):
        parts.append(label)
    return " / ".join(parts)


def _shared_headers(schedule: Schedule) -> set[str]:
    """Header texts a column shares with its neighbour: the spanning period cells ('Treatment Cycles')."""
    clean = [{" ".join(h.split()) for h in v.headers} for v in schedule.visits]
    return {text for left, right in pairwise(clean) for text in left & right}


@dataclass
class EventTable:
    """Study events keyed by visit identity; the same visit in two schedules is one event."""

    rule_set: str
    terms: ScheduleTerms = field(default_factory=schedule_terms)
    events: dict[str, StudyEvent] = field(default_factory=dict)
    by_visit: dict[tuple[str, str], str] = field(default_factory=dict)
    _identity: dict[str, str] = field(default_factory=dict)
    _arms: dict[str, set[str] | None] = field(default_factory=dict)  # None: every arm
    _after: dict[str, str] = field(default_factory=dict)  # contact event -> the visit it follows
    _by_phone: dict[str, list[bool]] = field(default_factory=dict)  # event -> per collected cell

    def add_schedule(self, schedule: Schedule, used_visits: set[str], scope: ScheduleScope) -> list[str]:
        """Add the schedule's visits that schedule something; return notes for the reviewer."""
        notes: list[str] = []
        shared = _shared_headers(schedule)
        texts, expansions = legend_texts(schedule), abbreviations(schedule)
        for visit in schedule.visits:
            identity = visit_identity(visit)
            if visit.id not in used_visits:
                notes.append(f"{schedule.id} column '{identity or visit.id}' schedules nothing: no event")
                continue
            if scope.period:
                identity = f"{scope.period} / {identity}"
            oid = event_oid(identity) if identity else event_oid(f"{schedule.id}_{visit.id}")
            if oid in self._identity and self._identity[oid] != identity:
                oid = event_oid(f"{identity}_{schedule.id}_{visit.id}")
            self._identity[oid] = identity
            self.by_visit[(schedule.id, visit.id)] = oid
            arms = scope.for_visit(visit.id)
            previous = self._arms.get(oid, set())
            self._arms[oid] = None if previous is None or not arms else previous | set(arms)
            provenance = at_visit(
                Provenance(
                    source="soa", schedule_id=schedule.id, visit_id=visit.id, rule_set_version=self.rule_set
                ),
                schedule,
                visit,
            )
            cited = [texts[m] for m in visit.footnotes if m in texts]
            reading = read_visit(visit, shared, self.terms, cited, expansions)
            if oid in self.events:
                known = self.events[oid]
                known.provenance.append(provenance)
                if reading.window and known.window and reading.window != known.window:
                    notes.append(
                        f"{schedule.id} column '{identity}': window {reading.window} differs from "
                        f"{known.window} of the same visit in another schedule; the event keeps the latter"
                    )
                continue
            if reading.named_from_numbers:
                notes.append(
                    f"{schedule.id} column '{identity}': the header has numbers but no words saying what "
                    "they count (visit, week, day); the event is named from the numbers"
                )
            self.events[oid] = StudyEvent(
                oid=oid,
                name=f"{scope.period}: {reading.name}" if scope.period else reading.name,
                order=len(self.events) + 1,
                type=reading.type,
                repeating=reading.repeat_rule is not None,
                repeat_rule=reading.repeat_rule,
                contact=reading.contact,
                headers=visit.headers,
                day=reading.day,
                window=reading.window,
                day_offset=reading.day_offset,
                window_before_days=reading.window_before_days,
                window_after_days=reading.window_after_days,
                provenance=[provenance],
            )
        return notes

    def contact_after(self, visit_event: str, when: str) -> str:
        """Return (creating it) the telephone contact a legend puts after a visit ('2 weeks following')."""
        visit = self.events[visit_event]
        oid = event_oid(f"{self._identity.get(visit_event, visit.name)} telephone contact")
        if oid not in self.events:
            later = _LATER.search(when)
            unit = self.terms.unit_of(later.group("unit")) if later else None
            days = self.terms.days_per(unit) if unit else None
            self.events[oid] = StudyEvent(
                oid=oid,
                name=f"{visit.name}: telephone follow-up",
                order=len(self.events) + 1,
                contact="telephone",
                day=f"{when} {visit.name}",
                day_offset=visit.day_offset + int(later.group("n")) * days
                if later and days and visit.day_offset is not None
                else None,
                provenance=list(visit.provenance),
            )
            self._after[oid] = visit_event
            self._arms[oid] = self._arms.get(visit_event)
        return oid

    def note_cell(self, oid: str, by_telephone: bool) -> None:
        """Record one collected cell at an event: a visit whose every cell is by telephone is a call."""
        self._by_phone.setdefault(oid, []).append(by_telephone)

    def arms_of(self, oid: str) -> set[str] | None:
        """The arms an event belongs to; None when it belongs to every arm."""
        return self._arms.get(oid)

    def common_event(self) -> StudyEvent:
        """Return (creating it last in order) the event that holds log forms collected at any time."""
        oid = event_oid("COMMON")
        if oid not in self.events:
            self.events[oid] = StudyEvent(
                oid=oid,
                name=COMMON_NAME,
                order=len(self.events) + 1,
                type="Common",
                repeating=True,
                # no SoA column holds log forms: CDASH collects AE, CM... whenever they occur
                provenance=[
                    Provenance(
                        source="standard_form",
                        standard="CDASH log forms, collected outside visits",
                        rule_set_version=self.rule_set,
                    )
                ],
            )
        return self.events[oid]

    def finished(self, arms: list[Arm]) -> list[StudyEvent]:
        """Return the events in study order (contacts right after their visit), numbered 1..n, with
        unique names and their arms (empty when an event belongs to every arm)."""
        all_arms = [arm.oid for arm in arms]
        arm_names = {arm.oid: arm.name for arm in arms}
        position = {oid: (event.order, 0) for oid, event in self.events.items() if oid not in self._after}
        for oid, visit in self._after.items():
            position[oid] = (position[visit][0], self.events[oid].order)
        ordered = sorted(self.events.values(), key=lambda e: position[e.oid])
        seen: dict[str, int] = {}
        result = []
        for number, event in enumerate(ordered, 1):
            held = self._arms.get(event.oid)
            arm_list = [] if held is None or set(all_arms) <= held else [a for a in all_arms if a in held]
            name = event.name
            phoned = self._by_phone.get(event.oid, [])
            contact = "telephone" if phoned and all(phoned) else event.contact
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # two columns read the same: keep both apart for people and REDCap
                kind = "" if contact == "visit" else contact
                qualifier = ", ".join(arm_names[a] for a in arm_list) or kind
                name = f"{name} ({qualifier})" if qualifier else f"{name} #{seen[name]}"
            update = {"order": number, "arms": arm_list, "name": name, "contact": contact}
            result.append(event.model_copy(update=update))
        return result
