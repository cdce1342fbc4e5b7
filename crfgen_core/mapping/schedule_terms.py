"""What schedule wording means (cell codes, visit headers, schedule titles), from data/schedule_terms.csv.

Meanings decide collection (practice, not collected: no form), the kind of contact (telephone, remote),
the event type (early termination, unscheduled: Unscheduled), repetition ('and beyond', 'every 9 weeks'),
arms and later phases named in a title, and the unit a bare header number counts (cycle, week, day).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal, cast

TERMS_FILE = "schedule_terms.csv"
_ARM_WORD_AFTER = re.compile(r"\s+(arm|cohort|group)$", re.IGNORECASE)
Meaning = Literal[
    "not_collected",
    "telephone",
    "remote",
    "optional",
    "early_termination",
    "unscheduled",
    "scheduled",
    "repeating",
    "after_visit",
    "conditional",
]
MEANINGS: tuple[Meaning, ...] = (
    "not_collected",
    "telephone",
    "remote",
    "optional",
    "early_termination",
    "unscheduled",
    "scheduled",
    "repeating",
    "after_visit",
    "conditional",
)


@dataclass(frozen=True)
class ScheduleTerms:
    meanings: dict[Meaning, tuple[re.Pattern[str], ...]]
    arm: tuple[re.Pattern[str], ...]
    period: tuple[re.Pattern[str], ...]
    units: tuple[tuple[re.Pattern[str], str], ...]
    unit_days: dict[str, int]

    def meanings_of(self, text: str) -> frozenset[Meaning]:
        """Given any schedule text (a legend entry, a header cell), return what it says about collection."""
        return frozenset(m for m, patterns in self.meanings.items() if any(p.search(text) for p in patterns))

    def first_match(self, meaning: Meaning, text: str) -> str | None:
        """Given a meaning and a text, return the words that carry it ('2 weeks following'), if any."""
        found = [m for m in (p.search(text) for p in self.meanings[meaning]) if m]
        return min(found, key=lambda m: m.start()).group(0).strip() if found else None

    def arms_in(self, text: str) -> list[str]:
        """Given a title, section row or header cell, return the arms or cohorts it names, as written."""
        names: list[str] = []
        for pattern in self.arm:
            for match in pattern.finditer(text):
                name = " ".join(match.group("arm").split()).strip(" -–:,")
                name = _ARM_WORD_AFTER.sub("", name) or name  # 'Drug A Arm' is arm 'Drug A'
                if name and name.lower() not in (n.lower() for n in names):
                    names.append(name)
        return names

    def period_in(self, text: str) -> str | None:
        """Given a schedule title, return the later phase it names ('Second Course'), if any."""
        for pattern in self.period:
            if found := pattern.search(text):
                return " ".join(found.group("period").split()).title()
        return None

    def unit_of(self, text: str) -> str | None:
        """Given a header cell ('Treatment Cycles'), return the unit its numbers count ('Cycle')."""
        return next((unit for pattern, unit in self.units if pattern.search(text)), None)

    def days_per(self, unit: str) -> int | None:
        return self.unit_days.get(unit.lower())


def terms_data() -> bytes:
    """Return the raw CSV (the rule set hashes it with the other mapping tables)."""
    return resources.files("crfgen_core.mapping").joinpath("data", TERMS_FILE).read_bytes()


@lru_cache(maxsize=1)
def schedule_terms() -> ScheduleTerms:
    """Return the vocabulary from data/schedule_terms.csv (read once per process)."""
    meanings: dict[Meaning, list[re.Pattern[str]]] = {m: [] for m in MEANINGS}
    arm: list[re.Pattern[str]] = []
    period: list[re.Pattern[str]] = []
    units: list[tuple[re.Pattern[str], str]] = []
    unit_days: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(terms_data().decode("utf-8"))):
        kind, pattern = row["kind"], re.compile(row["pattern"], re.IGNORECASE)
        if kind == "arm":
            arm.append(pattern)
        elif kind == "period":
            period.append(pattern)
        elif kind == "unit":
            units.append((pattern, row["value"]))
        elif kind == "unit_days":
            unit_days[row["pattern"].strip("^$")] = int(row["value"])
        elif kind in MEANINGS:
            meanings[cast(Meaning, kind)].append(pattern)
        else:
            raise ValueError(f"{TERMS_FILE}: unknown kind {kind!r}")
    return ScheduleTerms(
        meanings={m: tuple(p) for m, p in meanings.items()},
        arm=tuple(arm),
        period=tuple(period),
        units=tuple(units),
        unit_days=unit_days,
    )
