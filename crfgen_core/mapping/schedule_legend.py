"""What a schedule's legend and footnotes say about its cells and headers.

A cell code ('P', 'Xb', 'T') means what the legend under the table says ('P = practice, not collected');
a header abbreviation ('ET', 'RT') means what the abbreviation list says. `Schedule.legend` is read first,
`Schedule.footnotes` second (older parses put the legend lines among the footnotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crfgen_core.mapping.schedule_terms import ScheduleTerms
from crfgen_core.model.protocol import Schedule, ScheduleCell

# 'ET = Early Termination; RT = Retrieval' inside an abbreviation line
_PAIR = re.compile(
    r"(?:^|[;,:]\s*|\s)(?P<abbr>[A-Z][A-Za-z0-9+/]{0,7})\s*=\s*(?P<text>[^;=]+?)\s*(?=;|$|\.\s|\.$)"
)


def legend_texts(schedule: Schedule) -> dict[str, str]:
    """Given a schedule, return marker -> text, the legend first, then the footnotes."""
    texts: dict[str, str] = {}
    for note in [*schedule.legend, *schedule.footnotes]:
        key = note.marker.strip()
        if key and note.text.strip():
            texts.setdefault(key, " ".join(note.text.split()))
    return texts


def abbreviations(schedule: Schedule) -> dict[str, str]:
    """Given a schedule, return abbreviation -> expansion from its legend and footnotes."""
    found: dict[str, str] = {}
    for marker, text in legend_texts(schedule).items():
        if re.fullmatch(r"[A-Z][A-Za-z0-9+/]{1,7}", marker):
            found.setdefault(marker, text.rstrip(". "))
        for pair in _PAIR.finditer(text):
            found.setdefault(pair.group("abbr"), pair.group("text").strip().rstrip("."))
    return found


@dataclass(frozen=True)
class CellMeaning:
    """What one marked cell means for data collection."""

    collected: bool = True
    optional: bool = False
    by_telephone: bool = False  # collected at this time point, by telephone
    telephone_after: str | None = None  # a further telephone contact after the visit ('2 weeks following')
    legend: str | None = None  # the legend text that decided it

    @property
    def plain(self) -> bool:
        return self.collected and not (self.optional or self.by_telephone or self.telephone_after)


def cell_meaning(cell: ScheduleCell, texts: dict[str, str], terms: ScheduleTerms) -> CellMeaning:
    """Given a cell, the schedule's legend texts and the vocabulary, return what the cell means.

    The code's own legend entry ('P', or 'X'+'b' = 'Xb') may say the data are not collected; a footnote
    cited by the cell only qualifies it (telephone, optional): a footnote saying 'not collected for X'
    is a condition on some subjects, not a reason to drop the form.
    """
    code = cell.text.strip()
    own = [texts[key] for key in (code, *(code + marker for marker in cell.footnotes)) if key in texts]
    cited = [texts[m] for m in cell.footnotes if m in texts and code + m not in texts]
    said = " ".join([*own, *cited])
    if not said:
        return CellMeaning()
    meanings = terms.meanings_of(said)
    if own and "not_collected" in terms.meanings_of(" ".join(own)):
        return CellMeaning(collected=False, legend=" ".join(own))
    after = terms.first_match("after_visit", said) if "telephone" in meanings else None
    return CellMeaning(
        optional="optional" in meanings,
        by_telephone="telephone" in meanings and after is None,
        telephone_after=after,
        legend=said,
    )
