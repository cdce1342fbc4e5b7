"""Inclusion and exclusion criteria as numbered items, sub-items (a., i., bullets) kept in their text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crfgen_core.ingest.text_lines import TextLine
from crfgen_core.model.protocol import Criterion, Eligibility

_SECTION = re.compile(r"\b(inclusion|exclusion) criteria\b", re.I)
_TOC_LINE = re.compile(r"(\.{4,}|\s\d{1,3}$)")
# Item styles: "[12]", "12.", "12)", "I 01.", "E12" (letters I/E prefix as in many sponsor templates).
_ITEM_STYLES: dict[str, re.Pattern[str]] = {
    "bracket": re.compile(r"^\[(\d{1,3})([a-z]?)\]\s*(\S.*)$"),
    "prefixed": re.compile(r"^([IE])\s?(\d{1,3})([a-z]?)[.):]?\s+(\S.*)$"),
    "dot": re.compile(r"^(\d{1,3})([a-z]?)\.\s+(\S.*)$"),
    "paren": re.compile(r"^\(?(\d{1,3})([a-z]?)\)\s+(\S.*)$"),
}
_BULLET = re.compile(r"^[•\uf0b7\uf0a7▪◦●○■\-–!]\s*(\S.*)$")
_HEADING = re.compile(r"^(\d+\.\d+(\.\d+)*\.?|\d+\.?)\s+[A-Z][^.]{2,90}$")
_SUBHEADING_MAX = 40
DEFAULT_MAX_ITEM_CHARS = 4000
DEFAULT_MAX_SECTION_LINES = 1500


@dataclass
class _Item:
    number: str
    parts: list[str]
    page: int | None
    paragraph: int | None = None

    def criterion(self) -> Criterion:
        text = " ".join(" ".join(self.parts).split())
        return Criterion(
            number=self.number, text=text[:DEFAULT_MAX_ITEM_CHARS], page=self.page, paragraph=self.paragraph
        )


def extract_eligibility(lines: list[TextLine]) -> Eligibility:
    """Given body lines, return the criteria under the Inclusion/Exclusion headings listing most items."""
    found: dict[str, list[Criterion]] = {"inclusion": [], "exclusion": []}
    starts = [i for i, line in enumerate(lines) if _is_section_heading(line)]
    for position, start in enumerate(starts):
        kind = _SECTION.search(lines[start].text).group(1).lower()  # type: ignore[union-attr]
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        section = _bounded(lines[start + 1 : min(end, start + 1 + DEFAULT_MAX_SECTION_LINES)])
        items = _text_items(section)
        if any(line.label for line in section):
            docx_items = _docx_items(section)
            items = docx_items if len(docx_items) > len(items) else items
        if items and len(items) >= len(found[kind]):  # on a tie the body wins over the synopsis
            found[kind] = items
    return Eligibility(inclusion=found["inclusion"], exclusion=found["exclusion"])


def _is_section_heading(line: TextLine) -> bool:
    text = line.text.strip()
    if not _SECTION.search(text) or len(text) > 90 or _TOC_LINE.search(text):
        return False
    before = text[: _SECTION.search(text).start()]  # type: ignore[union-attr]
    # "6.1 Inclusion Criteria", "Subject Inclusion Criteria", "Inclusion Criteria – Main Study:"
    return line.heading or (len(before.split()) <= 3 and not text.endswith((".", ",")))


def _bounded(section: list[TextLine]) -> list[TextLine]:
    """The lines up to the next section heading (unnumbered DOCX headings inside the list are kept)."""
    for index, line in enumerate(section):
        if _is_heading(line):
            return section[:index]
    return section


def _is_heading(line: TextLine) -> bool:
    if line.heading:
        return bool(line.label) or bool(re.match(r"^\d+(\.\d+)*\.?\s", line.text))
    return bool(
        _HEADING.match(line.text)
        and line.text.split()[0].count(".") >= 1
        and "." in line.text.split()[0].rstrip(".")
    ) or (bool(_HEADING.match(line.text)) and line.text.upper() == line.text and len(line.text) > 8)


def _docx_items(section: list[TextLine]) -> list[Criterion]:
    """DOCX: items are the shallowest numbered list level; deeper levels and plain paragraphs are sub-text."""
    labelled = [line for line in section if line.label]
    numbered = [line for line in labelled if line.label != "•"] or labelled
    top = min(line.level or 0 for line in numbered)
    items: list[_Item] = []
    for line in section:
        if line.heading:
            continue  # an unnumbered sub-heading such as "Medical conditions"
        if line.label and line.level == top and (line.label != "•" or numbered is labelled):
            number = re.sub(r"[^\w]", "", line.label) or str(len(items) + 1)
            items.append(_Item(number=number, parts=[line.text], page=line.page, paragraph=line.paragraph))
        elif items:
            items[-1].parts.append(f"{line.label} {line.text}" if line.label else line.text)
    return [item.criterion() for item in items]


def _match_item(text: str, style: str | None) -> tuple[str, str, int, str] | None:
    """Return (style, number, numeric value, text) when a line opens a numbered item."""
    for name, pattern in _ITEM_STYLES.items():
        if style is not None and name != style:
            continue
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groups()
        if name == "prefixed":
            return name, f"{groups[0]}{groups[1]}{groups[2]}", int(groups[1]), groups[3]
        return name, f"{groups[0]}{groups[1]}", int(groups[0]), groups[2]
    return None


def _text_items(section: list[TextLine]) -> list[Criterion]:
    """Numbered items in sequence, one numbering style; unnumbered bullets if nothing is numbered."""
    items: list[_Item] = []
    style: str | None = None
    for index, line in enumerate(section):
        text = line.text.strip()
        if line.heading and not items:
            continue
        found = _match_item(text, style)
        expected = int(re.sub(r"\D", "", items[-1].number) or 0) + 1 if items else None
        if found and (expected is None or found[2] == expected):
            style = found[0]
            items.append(_Item(number=found[1], parts=[found[3]], page=line.page, paragraph=line.paragraph))
        elif items:
            following = section[index + 1].text.strip() if index + 1 < len(section) else ""
            next_item = _match_item(following, style)
            if next_item and next_item[2] == expected and _looks_like_subheading(text):
                continue  # "Medical Conditions" between two items groups them; not criterion text
            items[-1].parts.append(text)
    return [item.criterion() for item in items] if items else _bullet_items(section)


def _looks_like_subheading(text: str) -> bool:
    return (
        len(text) <= _SUBHEADING_MAX and not text.endswith((".", ",", ";", ":", ")")) and text[:1].isupper()
    )


def _bullet_items(section: list[TextLine]) -> list[Criterion]:
    items: list[_Item] = []
    for line in section:
        text = line.text.strip()
        if line.heading:
            continue
        match = _BULLET.match(text)
        if match:
            items.append(
                _Item(str(len(items) + 1), [match.group(1)], page=line.page, paragraph=line.paragraph)
            )
        elif items:
            items[-1].parts.append(text)
    return [item.criterion() for item in items]
