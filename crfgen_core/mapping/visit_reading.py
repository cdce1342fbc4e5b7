"""One SoA visit column read as an event: a readable name, day and window, type, contact, repetition.

The header cells of a column (top to bottom) play different parts: a period spanning several columns
('Treatment Cycles'), a visit name ('Screening (Visit 1)'), a number the period counts ('2' under
'Treatment Cycles' is Cycle 2), a timing ('Week -2', '30 Days Post-discon'), a window ('± 3'), a contact
kind ('Telephone Contact'). Each cell is classified, then the event is composed from the parts, so the
headers 'Visit 1' / 'Week -2' give 'Visit 1 (Week -2)' and Day 1 - 14 with a ±3 window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from crfgen_core.mapping.schedule_terms import Meaning, ScheduleTerms
from crfgen_core.model.protocol import Visit

EventType = Literal["Scheduled", "Unscheduled", "Common"]
Contact = Literal["visit", "telephone", "remote"]
CellRole = Literal["window", "contact", "number", "timing", "group", "name"]

_MINUS = "-−–"
_NUM = rf"[{_MINUS}]?\s*(?:\d+(?:\.\d+)?|\.\d+)"
_SPAN = rf"{_NUM}(?:\s*(?:to|[{_MINUS}])\s*{_NUM})?"
_SIGN = rf"±|\+\s*/\s*[{_MINUS}]|\+[{_MINUS}]|\+"
_WINDOW = re.compile(
    rf"^\(?\s*(?P<sign>{_SIGN})\s*(?P<n>\d+)\s*"
    r"(?P<unit>d|days?|w|wks?|weeks?|h|hrs?|hours?|min|minutes?)?\s*\)?$",
    re.IGNORECASE,
)
_INNER_WINDOW = re.compile(rf"\(\s*(?P<sign>{_SIGN})\s*(?P<n>\d+)\s*(?P<unit>[a-z]*)\s*\)", re.IGNORECASE)
# '2', '-2', '8 and Beyond', '8 - 17', 'C1': a number that the period above (or the row) counts
_NUMBER = re.compile(rf"^(?:[A-Z]\s?)?(?P<n>{_SPAN})(?P<rest>\s+\D.*)?$", re.IGNORECASE)
# '<unit> <number>': 'Visit 1', 'Week -2', 'Day 8', 'Cycle 3 and Beyond'
_UNIT_NUMBER = re.compile(rf"^(?P<unit>[A-Za-z]+)\.?\s*(?P<n>{_SPAN})(?P<rest>\s+.*)?$")
_TIME_WORDS = re.compile(
    r"\b(days?|weeks?|wks?|months?|years?|hours?|hrs?|min(utes)?|pre-?dose|post-?dose|predose)\b"
    r"|\b(at|upon)\s+(the\s+)?time\s+of\b|\bprior\s+to\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_SENTENCE = re.compile(r"(?<=[.;])\s+")
_RANGE = re.compile(rf"^(?P<a>{_NUM})\s*(?:to|[{_MINUS}])\s*(?P<b>{_NUM})$")


@dataclass(frozen=True)
class HeaderCell:
    text: str
    role: CellRole
    meanings: frozenset[Meaning]


@dataclass(frozen=True)
class VisitReading:
    """What a visit column says, ready for a StudyEvent."""

    name: str
    day: str | None
    window: str | None
    day_offset: int | None
    window_before_days: int | None
    window_after_days: int | None
    type: EventType
    contact: Contact
    repeat_rule: str | None
    named_from_numbers: bool  # no header words: the name is the bare numbers, a reviewer should look


def _clean(text: str) -> str:
    return " ".join(text.split())


def _number(text: str) -> float:
    compact = re.sub(r"\s", "", text)
    return float(re.sub(rf"^[{_MINUS}]", "-", compact))


def is_window(text: str) -> bool:
    """Given a header cell, say whether it is only a visit window ('± 3', '+3 days')."""
    return bool(_WINDOW.match(" ".join(text.split())))


def classify(text: str, shared: bool, terms: ScheduleTerms) -> HeaderCell:
    """Given one header cell and whether the neighbouring column has it too, return its role."""
    meanings = terms.meanings_of(text)
    unit_number = _UNIT_NUMBER.match(text)
    role: CellRole
    if _WINDOW.match(text):
        role = "window"
    elif meanings & {"telephone", "remote"} and not _DIGIT.search(text):
        role = "contact"
    elif (_NUMBER.match(text) and not _TIME_WORDS.search(text)) or (
        unit_number and terms.unit_of(unit_number.group("unit")) and not shared
    ):
        role = "number"
    elif shared:
        role = "group"
    elif _TIME_WORDS.search(text) and (_DIGIT.search(text) or "time of" in text.lower()):
        role = "timing"
    else:
        role = "name"
    return HeaderCell(text, role, meanings)


def _offset(unit: str, number: str, terms: ScheduleTerms) -> tuple[int | None, int]:
    """Given a unit and a number or range ('-28 to -1'), return (planned study day, days the range spans)."""
    days = terms.days_per(unit)
    if days is None:
        return None, 0
    span = _RANGE.match(number.strip())
    first, last = (span.group("a"), span.group("b")) if span else (number, number)
    start, end = (study_day(_number(n), days) for n in (first, last))
    return end, max(0, end - start)


def study_day(count: float, days: int) -> int:
    """Given a count of units (Week 2, Week -0.3) and the unit's length in days, return the study day.

    Day 1 is the first dose and there is no Day 0: Week 2 starts on Day 15, Week -2 on Day -14.
    """
    offset = round(count * days)
    return offset + 1 if count >= 0 and days > 1 else offset


def _window(text: str) -> tuple[str, int | None, int | None]:
    """Given '± 3', '+3', '(± 7 days)', return the window as shown and (days early, days late)."""
    found = _WINDOW.match(text) or _INNER_WINDOW.search(text)
    if found is None:
        return _clean(text), None, None
    sign = "+" if found.group("sign").replace(" ", "") == "+" else "±"
    n, unit = int(found.group("n")), (found.group("unit") or "days").lower()
    shown = f"{sign}{n} {unit}"
    unit_days = 7 if unit.startswith("w") else 1 if unit.startswith("d") else None
    if unit_days is None:
        return shown, None, None
    return shown, (0 if sign == "+" else n * unit_days), n * unit_days


@dataclass
class _Parts:
    names: list[str]
    counted: list[str]  # 'Cycle 2', 'Visit 1': what the visit is
    timings: list[str]  # 'Week -2', '30 Days Post-discon': when it is
    bare: list[str]  # numbers no header word explains
    day_offset: int | None = None
    span: int = 0


def _parts(cells: list[HeaderCell], terms: ScheduleTerms) -> _Parts:
    unit = next((u for c in cells if c.role == "group" and (u := terms.unit_of(c.text))), None)
    names = [c.text for c in cells if c.role == "name"]
    # 'Screening Phase' above 'Screening (Visit 1)' says nothing more: keep the more specific cell
    names = [n for i, n in enumerate(names) if not any(_same_head(n, m) for m in names[i + 1 :])]
    parts = _Parts(names, [], [c.text for c in cells if c.role == "timing"], [])
    relative = False  # a day inside a cycle is not a study day
    for cell in (c for c in cells if c.role == "number"):
        labelled = _UNIT_NUMBER.match(cell.text)
        own = terms.unit_of(labelled.group("unit")) if labelled else None
        if own and labelled:
            n, rest = labelled.group("n"), labelled.group("rest")
        else:
            plain = _NUMBER.match(cell.text)
            n, rest = (plain.group("n"), plain.group("rest")) if plain else (cell.text, None)
            own = unit
        if own is None:
            if _RANGE.match(n.strip()) and n.strip()[0] in _MINUS:  # '-28 to -1': days before Day 1
                parts.timings.insert(0, f"Day {_clean(n)}")
                parts.day_offset, parts.span = _offset("Day", n, terms)
            else:
                parts.bare.append(cell.text)
            continue
        shown = _clean(f"{own} {n}{rest or ''}")
        if terms.days_per(own) is None:
            parts.counted.append(shown)
            relative = relative or own.lower() != "visit"
        else:
            parts.timings.insert(0, shown)
            if parts.day_offset is None and not relative and not (rest or "").strip():
                parts.day_offset, parts.span = _offset(own, n, terms)
    if relative and parts.span == 0:
        parts.day_offset = None
    return parts


def read_visit(
    visit: Visit, shared: set[str], terms: ScheduleTerms, notes: list[str], expansions: dict[str, str]
) -> VisitReading:
    """Given a visit column, the header texts a neighbouring column shares, the texts of the footnotes its
    header cites (`notes`) and the schedule's abbreviations ('ET' -> 'Early Termination'), return the
    event reading."""
    texts = [_clean(h) for h in visit.headers if h.strip()] or [_clean(visit.label)]
    cells = [classify(t, t in shared, terms) for t in texts if t]
    parts = _parts(cells, terms)
    parts.names = [f"{expansions[n]} ({n})" if n in expansions else n for n in parts.names]
    window_text = visit.window or next((c.text for c in cells if c.role == "window"), None)
    window_text = window_text or next((m.group(0) for t in texts if (m := _INNER_WINDOW.search(t))), None)
    window, before, after = _window(window_text) if window_text else (None, None, None)
    if before is None and parts.span and parts.day_offset is not None:
        before, after = parts.span, 0
    kept = [c for c in cells if c.role not in ("window", "contact")]
    name, fallback = _compose(parts, [c.text for c in kept])
    from_numbers = fallback and all(c.role == "number" for c in kept)
    first = parts.timings[0] if parts.timings else None
    day = visit.day or next((t for t in parts.timings if t != name), first)
    if visit.day and parts.day_offset is None and (found := _UNIT_NUMBER.match(_clean(visit.day))):
        unit = terms.unit_of(found.group("unit"))
        if unit and not (found.group("rest") or "").strip():
            parts.day_offset, _ = _offset(unit, found.group("n"), terms)
    expanded = frozenset(m for t in texts if t in expansions for m in terms.meanings_of(expansions[t]))
    meanings = frozenset(m for c in cells for m in c.meanings) | expanded | _footnote_meanings(notes, terms)
    return VisitReading(
        name=name,
        day=day,
        window=window,
        day_offset=parts.day_offset,
        window_before_days=before,
        window_after_days=after,
        type=_event_type(meanings, parts.day_offset),
        contact="telephone" if "telephone" in meanings else "remote" if "remote" in meanings else "visit",
        repeat_rule=_repeat_rule(cells, parts, notes, terms) if "repeating" in meanings else None,
        named_from_numbers=from_numbers,
    )


def _footnote_meanings(notes: list[str], terms: ScheduleTerms) -> frozenset[Meaning]:
    """What the footnotes a header cites say for everyone: repetition, and the contact kind unless the
    footnote only says when it may happen ('if patients cannot return, by telephone'). A footnote that
    mentions discontinuation does not make the visit unscheduled: only the header says what it is."""
    said: set[Meaning] = set()
    for sentence in (s for note in notes for s in _SENTENCE.split(note)):
        meanings = terms.meanings_of(sentence)
        said |= meanings & {"repeating"}
        if "conditional" not in meanings:
            said |= meanings & {"telephone", "remote"}
    return frozenset(said)


def _same_head(first: str, later: str) -> bool:
    head = re.findall(r"[a-z]+", first.lower())[:1]
    return bool(head) and head == re.findall(r"[a-z]+", later.lower())[:1]


def _compose(parts: _Parts, texts: list[str]) -> tuple[str, bool]:
    """Name from words first, then from what the numbers count, then from timing; bare numbers last."""
    if parts.names:
        inner = [*parts.names[1:], *(c for c in parts.counted if c not in parts.names[0])]
        return (f"{parts.names[0]} ({', '.join(inner)})" if inner else parts.names[0]), False
    if parts.counted:
        main = " ".join(parts.counted)
        return (f"{main} ({parts.timings[0]})" if parts.timings else main), False
    if parts.timings:
        return parts.timings[0], False
    return " / ".join(texts) or "Visit", True


def _event_type(meanings: frozenset[Meaning], day_offset: int | None) -> EventType:
    """Unscheduled when the header ties the visit to an event (early termination, retest) and no planned
    day or completion words say otherwise."""
    if "scheduled" in meanings or day_offset is not None:
        return "Scheduled"
    return "Unscheduled" if meanings & {"early_termination", "unscheduled"} else "Scheduled"


def _repeat_rule(cells: list[HeaderCell], parts: _Parts, notes: list[str], terms: ScheduleTerms) -> str:
    """The words that make the visit repeat, as written ('Cycle 8 and Beyond', 'Every 9 Weeks')."""
    carrying = [c.text for c in cells if "repeating" in c.meanings]
    known = [*parts.counted, *parts.timings]
    shown = [next((p for p in known if text.split()[0] in p), text) for text in carrying]
    shown += [note for note in notes if "repeating" in terms.meanings_of(note)]
    return "; ".join(dict.fromkeys(shown))
