"""Objectives with their endpoints, from an objectives/endpoints table (DOCX) or the section text."""

from __future__ import annotations

import re

from crfgen_core.ingest.docx.docx_content import DocxContent, DocxTable
from crfgen_core.ingest.text_lines import TextLine
from crfgen_core.model.protocol import Objective, ObjectiveLevel

_LEVEL = re.compile(r"\b(primary|secondary|exploratory|tertiary|other)\b", re.I)
_LEVELS: dict[str, ObjectiveLevel] = {
    "primary": "primary",
    "secondary": "secondary",
    "exploratory": "exploratory",
    "tertiary": "exploratory",
    "other": "other",
}
_SECTION = re.compile(r"\bobjectives?\b", re.I)
_OBJECTIVE_START = re.compile(r"^(?:[•\-\uf0b7]\s*)?to\s+[a-z]", re.I)
_ENDPOINT_LABEL = re.compile(r"\b(end ?points?|outcome measures?)\b", re.I)
DEFAULT_MAX_SECTION_LINES = 300


def _level(text: str) -> ObjectiveLevel | None:
    match = _LEVEL.search(text)
    return _LEVELS[match.group(1).lower()] if match else None


def objectives_from_docx(content: DocxContent) -> list[Objective]:
    """Given DOCX content, return objectives read from tables whose header names objectives and endpoints."""
    objectives: list[Objective] = []
    level: ObjectiveLevel | None = None
    for block in content.blocks:
        if isinstance(block, DocxTable):
            seen = {objective.text for objective in objectives}  # the synopsis repeats the body's tables
            objectives.extend(o for o in _from_table(block, level) if o.text not in seen)
        elif block.heading_level is not None:
            level = _level(block.text) if _SECTION.search(block.text) else level
    return objectives


def _from_table(table: DocxTable, level: ObjectiveLevel | None) -> list[Objective]:
    if table.width < 2 or not table.rows:
        return []
    header = [cell.text for cell in table.rows[0]]
    objective_col = next((i for i, text in enumerate(header) if _SECTION.search(text)), None)
    endpoint_col = next((i for i, text in enumerate(header) if _ENDPOINT_LABEL.search(text)), None)
    if objective_col is None or endpoint_col is None or objective_col == endpoint_col:
        return []
    level = _level(header[objective_col]) or level
    out: list[Objective] = []
    for row in table.rows[1:]:
        objective, endpoint = row[objective_col].text, row[endpoint_col].text
        if objective and (objective == endpoint or (len(objective) < 40 and _level(objective))):
            level = _level(objective) or level  # a section row: "Primary", "Secondary objectives"
            if objective == endpoint or not endpoint:
                continue
        if objective and (not out or out[-1].text != objective):
            out.append(
                Objective(level=level or "other", text=objective, endpoints=[endpoint] if endpoint else [])
            )
        elif endpoint and out:
            out[-1].endpoints.append(endpoint)
    return out


def objectives_from_text(lines: list[TextLine]) -> list[Objective]:
    """Given body lines, return "To ..." objectives under an objectives heading, with endpoint lines."""
    start = next((i for i, line in enumerate(lines) if _is_objectives_heading(line)), None)
    if start is None:
        return []
    objectives: list[Objective] = []
    level: ObjectiveLevel | None = None
    in_endpoints = False
    for line in lines[start + 1 : start + 1 + DEFAULT_MAX_SECTION_LINES]:
        text = line.text.strip()
        if _is_next_section(line):
            break
        if len(text) < 60 and _level(text):
            level, in_endpoints = _level(text), bool(_ENDPOINT_LABEL.search(text))
            continue
        if len(text) < 40 and _ENDPOINT_LABEL.search(text):
            in_endpoints = True
            continue
        if _OBJECTIVE_START.match(text) and not in_endpoints:
            objectives.append(Objective(level=level or "other", text=text.lstrip("•-\uf0b7 ")))
        elif objectives and in_endpoints:
            objectives[-1].endpoints.append(text)
        elif objectives and not in_endpoints and objectives[-1].text[-1:] not in ".;":
            objectives[-1] = objectives[-1].model_copy(update={"text": f"{objectives[-1].text} {text}"})
    return objectives


def _is_objectives_heading(line: TextLine) -> bool:
    text = line.text.strip()
    return (
        bool(_SECTION.search(text))
        and len(text) < 60
        and (line.heading or bool(re.match(r"^\d+(\.\d+)*\.?\s+", text)))
        and "...." not in text
    )


def _is_next_section(line: TextLine) -> bool:
    text = line.text.strip()
    numbered = re.match(r"^\d+(\.\d+)*\.?\s+[A-Z]", text)
    return (
        (line.heading or bool(numbered)) and not _SECTION.search(text) and not _level(text) and len(text) < 80
    )
