"""Inclusion and exclusion criteria as numbered items (walking-skeleton version)."""

from __future__ import annotations

import re

from crfgen_core.model.protocol import Criterion, Eligibility

_SECTION = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(inclusion|exclusion) criteria\b", re.I | re.M)
_ITEM = re.compile(r"^\s*\[?(\d{1,2})[.)\]]\s+(\S.*)$")


def extract_eligibility(text: str) -> Eligibility:
    """Given the body text, return numbered criteria under the last Inclusion/Exclusion headings."""
    found: dict[str, list[Criterion]] = {"inclusion": [], "exclusion": []}
    headings = list(_SECTION.finditer(text))
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        items = _numbered_items(text[heading.end() : end])
        if len(items) > len(found[heading.group(1).lower()]):
            found[heading.group(1).lower()] = items
    return Eligibility(inclusion=found["inclusion"], exclusion=found["exclusion"])


def _numbered_items(section: str) -> list[Criterion]:
    items: list[Criterion] = []
    for line in section.splitlines():
        match = _ITEM.match(line)
        if match and int(match.group(1)) == len(items) + 1:
            items.append(Criterion(number=match.group(1), text=match.group(2).strip()))
        elif items and line.strip() and not match:
            if len(items[-1].text) > 2000:
                break
            items[-1] = items[-1].model_copy(update={"text": f"{items[-1].text} {line.strip()}"})
    return items
