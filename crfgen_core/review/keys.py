"""Stable keys for what a reviewer corrects: made from labels as written, never from row or column order.

`Activity.id` and `Visit.id` (A1, V2) are positions in the parsed table and shift when a protocol
amendment inserts a row, so a correction names its target by these keys instead. A key is the label
normalized (case, spacing, punctuation); a label used twice in one table is told apart by its group or
headers, and only a label still ambiguous after that gets an occurrence number. Design-level targets
(forms, items, codelists) use CRF OIDs, which are built from CDASH names and are stable already.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

from crfgen_core.model.protocol import Activity, ParsedProtocol, Schedule, Visit
from crfgen_core.publication.publisher import safe_dir_name

# joins the qualifier (group or headers) to a repeated label; normalized parts never contain it
QUALIFIER_SEPARATOR = "."
OCCURRENCE_MARK = "#"
SECTION_NUMBER = re.compile(r"^\s*(?:section\s+)?\d+(?:\.\d+)*\.?\s+", re.IGNORECASE)

T = TypeVar("T")


def normalize_label(text: str | None) -> str:
    """Given a label as written, return its key form: case-folded words joined by '-' ('Vital Signs¹ ' and
    'vital  signs' give 'vital-signs'; superscripts fold to digits, so a footnote digit stays visible)."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\W_]+", "-", folded).strip("-")


def study_name(parsed: ParsedProtocol) -> str:
    """Given a parsed protocol, return the study name: its protocol number, else the file stem."""
    return parsed.metadata.protocol_number or parsed.document.file_name.rsplit(".", 1)[0]


def study_key(parsed: ParsedProtocol) -> str:
    """Given a parsed protocol, return the study key: the outbox/<study> folder name of its packages."""
    return safe_dir_name(study_name(parsed))


def _unique_keys(things: Sequence[T], base: Callable[[T], str], qualifier: Callable[[T], str]) -> list[str]:
    """Given items, return one key each: the base key, qualified where the base repeats, numbered where
    the qualified key still repeats (first occurrence unnumbered)."""
    bases = [base(t) for t in things]
    repeated = Counter(bases)
    keys = [
        f"{q}{QUALIFIER_SEPARATOR}{b}" if repeated[b] > 1 and (q := qualifier(t)) else b
        for t, b in zip(things, bases, strict=True)
    ]
    counts = Counter(keys)
    seen: Counter[str] = Counter()
    numbered = []
    for key in keys:
        seen[key] += 1
        numbered.append(f"{key}{OCCURRENCE_MARK}{seen[key]}" if counts[key] > 1 and seen[key] > 1 else key)
    return numbered


def schedule_keys(parsed: ParsedProtocol) -> dict[str, str]:
    """Given a parsed protocol, return schedule id -> schedule key (its normalized title without a leading
    section number: '3. Schedule of Activities' and '1.3 Schedule of Activities' are one table renumbered)."""
    keys = _unique_keys(
        parsed.schedules,
        lambda s: normalize_label(SECTION_NUMBER.sub("", s.title)) or "schedule",
        lambda s: "",
    )
    return {s.id: key for s, key in zip(parsed.schedules, keys, strict=True)}


def activity_keys(schedule: Schedule) -> dict[str, str]:
    """Given a schedule, return activity id -> activity key (normalized label, group if repeated)."""
    keys = _unique_keys(
        schedule.activities,
        lambda a: normalize_label(a.label),
        lambda a: normalize_label(a.group),
    )
    return {a.id: key for a, key in zip(schedule.activities, keys, strict=True)}


def visit_keys(schedule: Schedule) -> dict[str, str]:
    """Given a schedule, return visit id -> visit key (normalized label, with its headers if repeated)."""
    keys = _unique_keys(
        schedule.visits,
        lambda v: normalize_label(v.label),
        lambda v: normalize_label(" ".join(h for h in v.headers if h.strip() != v.label.strip())),
    )
    return {v.id: key for v, key in zip(schedule.visits, keys, strict=True)}


def activity_key(schedule: Schedule, activity: Activity) -> str:
    """Given a schedule and one of its activities, return the activity's key."""
    return activity_keys(schedule)[activity.id]


def visit_key(schedule: Schedule, visit: Visit) -> str:
    """Given a schedule and one of its visits, return the visit's key."""
    return visit_keys(schedule)[visit.id]
