"""SoA vocabulary (what a tick, a visit header, a comment column, an SoA title look like), from data/."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TERMS_FILE = Path(__file__).parent / "data" / "soa_terms.csv"
LEADING_MARKERS = re.compile(r"^(?:[a-z](?:\s*,\s*[a-z])*|[*†‡§¶#]+)\s+(?=[A-Za-z])")


@dataclass(frozen=True)
class SoaVocabulary:
    tick: tuple[re.Pattern[str], ...]
    mark: tuple[re.Pattern[str], ...]
    visit: tuple[re.Pattern[str], ...]
    non_visit_column: tuple[re.Pattern[str], ...]
    title: tuple[re.Pattern[str], ...]
    empty: tuple[re.Pattern[str], ...] = ()
    row_unit: tuple[re.Pattern[str], ...] = ()
    row_window: tuple[re.Pattern[str], ...] = ()

    def row_unit_of(self, name: str) -> str | None:
        """The unit a header row's name gives its bare numbers ("Study Week" -> "Week"), None for a row of
        windows or a name without a unit."""
        if any(p.search(name) for p in self.row_window):
            return None
        found = [m for p in self.row_unit for m in p.finditer(name)]
        return max(found, key=lambda m: m.start()).group(0) if found else None

    def is_empty(self, text: str) -> bool:
        """Given a cell's text, say whether it schedules nothing (blank, a dash, N/A)."""
        value = text.strip()
        return not value or any(p.search(value) for p in self.empty)

    def is_tick(self, text: str) -> bool:
        """Given a cell's text, say whether it is a tick (X, x, P, a check symbol), the surest SoA sign."""
        value = text.strip()
        return bool(value) and any(p.search(value) for p in self.tick)

    def is_mark(self, text: str) -> bool:
        """Given a cell's text, say whether it schedules something (a tick, an arrow, a time list...)."""
        value = text.strip()
        return self.is_tick(value) or (bool(value) and any(p.search(value) for p in self.mark))

    def is_visit_like(self, text: str) -> bool:
        value = text.strip()
        return bool(value) and any(p.search(value) for p in self.visit)

    def is_non_visit_column(self, header: str) -> bool:
        """Given a column's header text, say whether the column explains rows (notes, a section
        reference) instead of scheduling them; footnote letters typed before the words are ignored."""
        words = LEADING_MARKERS.sub("", header.strip())
        return any(p.search(words) for p in self.non_visit_column)

    def is_title(self, text: str) -> bool:
        return any(p.search(text) for p in self.title)

    def first_title(self, text: str) -> re.Match[str] | None:
        """The earliest SoA title words in a text, if any."""
        matches = [m for m in (p.search(text) for p in self.title) if m]
        return min(matches, key=lambda m: m.start()) if matches else None


@lru_cache(maxsize=1)
def soa_vocabulary() -> SoaVocabulary:
    """Return the vocabulary loaded from data/soa_terms.csv (read once)."""
    kind_names = ("tick", "mark", "visit", "non_visit_column", "title", "empty", "row_unit", "row_window")
    kinds: dict[str, list[re.Pattern[str]]] = {k: [] for k in kind_names}
    with TERMS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kinds[row["kind"]].append(re.compile(row["pattern"], re.IGNORECASE))
    return SoaVocabulary(**{k: tuple(v) for k, v in kinds.items()})
