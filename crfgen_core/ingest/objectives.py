"""Objectives with their endpoints: from objectives/endpoints tables (DOCX, ruled PDF) or the section text.

Protocols state them in two ways: a two-column "Objectives | Endpoints" table with Primary / Secondary /
Exploratory section rows (TransCelerate CPT, ICH M11), or headed paragraphs ("Primary Objective",
"Secondary Endpoints"). The synopsis often repeats the body section; the body one is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crfgen_core.ingest.docx.docx_content import DocxContent, DocxTable
from crfgen_core.ingest.pdf.cell_text import cell_text
from crfgen_core.ingest.pdf.pdf_document import OpenPdf
from crfgen_core.ingest.pdf.ruled_tables import FrameChar, RuledTable, dominant_frame, find_ruled_tables
from crfgen_core.ingest.text_lines import TextLine
from crfgen_core.model.protocol import Objective, ObjectiveLevel

_LEVEL = re.compile(r"\b(primary|(?:key )?secondary|exploratory|tertiary|other)\b", re.I)
_LEVELS: dict[str, ObjectiveLevel] = {
    "primary": "primary",
    "secondary": "secondary",
    "key secondary": "secondary",
    "exploratory": "exploratory",
    "tertiary": "exploratory",
    "other": "other",
}
_SECTION = re.compile(r"\bobjectives?\b|\bobjective\(s\)", re.I)
_ENDPOINT_LABEL = re.compile(r"\b(end ?points?|end ?point\(s\)|outcome measures?)\b", re.I)
_TABLE_HEADER = re.compile(r"^objectives?(?:\(s\))?\s+(?:and\s+|/\s*)?end ?points?(?:\(s\))?$", re.I)
_BULLET = re.compile(r"^(?:[•\-–\uf0b7▪◦!*]\s*|o\s+(?=[A-Z])|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)")
_OBJECTIVE_PREFIX = re.compile(r"^objective\s*:\s*", re.I)
_TO_VERB = re.compile(r"^(?:Phase \w{1,4}\s*:\s*)?(?:[Oo]bjective\s*:\s*[Tt]o|To)\s+[a-z]")
_OBJECTIVE_SENTENCE = re.compile(r"^The\b[^.]{0,80}\b(?i:objectives?)\b[^.]{0,60}\b(?:is|are|will be)\s+to\b")
_LEAD_IN = re.compile(r"(?:\b(?:is|are|include|includes|following)\s*:?|:)$", re.I)
_NUMBERED_HEADING = re.compile(r"^(\d{1,2})((?:\.\d{1,2})*)\.?\s+(?!to\s)(?=[A-Z(])", re.I)
_BOILERPLATE = re.compile(r"^(?:page \d|table \d|confidential|.*\bconfidential$)", re.I)
_OPEN_ENDING = re.compile(
    r"\b(?:of|to|the|and|with|for|in|a|an|or|on|by|at|from|as|versus|vs\.?|than|per|including)$", re.I
)
_BULLET_ONLY = re.compile(r"^[\s•\uf0b7▪◦\-–]*$")
DEFAULT_MAX_SECTION_LINES = 400
DEFAULT_MAX_SECTION_PAGES = 8
DEFAULT_HEADING_CHARS = 70
DEFAULT_SUBHEADING_CHARS = 100  # "Primary Immunogenicity Objectives – Cohort 1 (60 Years of Age and Older)"


def _level(text: str) -> ObjectiveLevel | None:
    match = _LEVEL.search(text)
    return _LEVELS[" ".join(match.group(1).lower().split())] if match else None


# ---- tables (DOCX and ruled PDF) -------------------------------------------------------------


def objectives_from_rows(rows: list[list[str]], level: ObjectiveLevel | None = None) -> list[Objective]:
    """Given the cell texts of an objectives table (header row first), return its objectives.

    Merged cells repeated over the grid and bullet-only glyph columns are collapsed first; a row with one
    text naming a level is a section row; the first text of a row is the objective, the last its endpoint.
    """
    out: list[Objective] = []
    for raw in rows:
        cells = _distinct_cells(raw)
        if not cells:
            continue
        if _is_header(cells):
            continue
        if len(cells) == 1:
            if len(cells[0]) < 60 and _level(cells[0]):
                level = _level(cells[0])
            elif out:  # a continued endpoint cell whose objective cell is empty
                out[-1].endpoints.append(cells[0])
            continue
        objective_cell, endpoint_cell = cells[0], cells[-1]
        head = re.match(
            r"^\s*((?:key )?(?:primary|secondary|exploratory|tertiary|other)"
            r"(?:\s*/\s*(?:exploratory|tertiary|other))?"
            r"(?:\s+(?:objectives?|endpoints?))?)\b",
            objective_cell,
            re.I,
        )
        if head and not _TO_VERB.match(objective_cell):
            level = _level(head.group(1)) or level
            objective_cell = objective_cell[head.end() :].lstrip(" :\n")
            if not objective_cell.strip(" •\n"):
                continue
        objectives = _items(objective_cell)
        endpoints = _items(endpoint_cell)
        if not objectives:
            if out:
                out[-1].endpoints.extend(endpoints)
            continue
        paired = len(objectives) == len(endpoints) and len(objectives) > 1
        for index, text in enumerate(objectives):
            mine = [endpoints[index]] if paired else list(endpoints)
            out.append(Objective(level=level or "other", text=text, endpoints=mine))
    return _dedupe(out)


def _distinct_cells(row: list[str]) -> list[str]:
    cells: list[str] = []
    for text in row:
        text = text.strip()
        if not text or _BULLET_ONLY.match(text) or (cells and cells[-1] == text):
            continue
        cells.append(text)
    return cells


def _is_header(cells: list[str]) -> bool:
    """Given a row's distinct cells, return whether it is an "Objectives | Endpoints" header (an empty
    row, e.g. a blank first row above the real header, is not)."""
    return (
        bool(cells)
        and bool(_SECTION.search(cells[0]))
        and len(cells[0]) < 40
        and any(_ENDPOINT_LABEL.search(cell) and len(cell) < 60 for cell in cells[1:])
    )


def _items(cell: str) -> list[str]:
    """Split a cell into its bulleted items; a cell without bullets is one item."""
    items: list[str] = []
    for part in re.split(r"(?:^|\n|\s)[•\uf0b7▪◦]\s*", cell):
        part = " ".join(part.split())
        if not part:
            continue
        if items and (part[:1].islower() or items[-1][-1:] in ",-/"):
            items[-1] = f"{items[-1]} {part}"  # a wrapped line behind a stray bullet glyph
        else:
            items.append(part)
    return items


def _dedupe(objectives: list[Objective]) -> list[Objective]:
    seen: set[str] = set()
    out: list[Objective] = []
    for objective in objectives:
        key = objective.text.lower()
        if key not in seen:
            seen.add(key)
            out.append(objective)
    return out


def objectives_from_docx(content: DocxContent) -> list[Objective]:
    """Given DOCX content, return the objectives of its objectives/endpoints tables (body over synopsis)."""
    groups: list[list[Objective]] = []
    level: ObjectiveLevel | None = None
    last_text = ""
    group_open = continuing = False
    for block in content.blocks:
        if isinstance(block, DocxTable):
            rows = block.texts()
            if not rows or block.width < 2:
                continue
            titled = bool(_SECTION.search(last_text)) and len(last_text) < DEFAULT_HEADING_CHARS
            if not (_is_header(_distinct_cells(rows[0])) or titled or continuing):
                continue
            start = _level(last_text) if titled else None
            if start is None:  # a table continued after a page break keeps the level it ended with
                start = groups[-1][-1].level if group_open and groups[-1] else level
            found = objectives_from_rows(rows, start)
            if not found:
                continue
            if not group_open:
                groups.append([])
                group_open = True
            groups[-1].extend(found)
            continuing = True
        elif block.text:
            last_text = block.text
            if block.heading_level is not None:
                continuing = False  # a table right after an objectives table (page break) continues it
            if block.heading_level == 1:
                group_open = False  # a new top section (synopsis, body): the next table starts a new group
            if block.heading_level is not None:
                level = _level(block.text) if _SECTION.search(block.text) else level
    return _best_group([_dedupe(group) for group in groups])


def _best_group(groups: list[list[Objective]]) -> list[Objective]:
    """The body section comes after the synopsis: take the last group unless it is much smaller."""
    groups = [group for group in groups if group]
    if not groups:
        return []
    largest = max(len(group) for group in groups)
    return next(group for group in reversed(groups) if 2 * len(group) >= largest)


# ---- ruled PDF tables --------------------------------------------------------------------------


def objectives_from_pdf(pdf: OpenPdf, lines: list[TextLine]) -> list[Objective]:
    """Given a PDF and its body lines, return objectives from ruled objectives/endpoints tables if any,
    else from the section text. Geometry is read only on pages whose text has the table's header."""
    pages = sorted({line.page for line in lines if line.page and _TABLE_HEADER.match(line.text.strip())})
    groups: list[list[Objective]] = []
    previous_page = -10
    for page, rows in _ruled_table_rows(pdf, pages):
        found = objectives_from_rows(rows)
        if not found:
            continue
        if page - previous_page > 1 or not groups:
            groups.append([])
        groups[-1].extend(found)
        previous_page = page
    return _best_group([_dedupe(group) for group in groups]) or objectives_from_text(lines)


def _ruled_table_rows(pdf: OpenPdf, pages: list[int]) -> list[tuple[int, list[list[str]]]]:
    """Given an open PDF and 1-based page numbers, return the cell texts of each ruled table, row by row."""
    out: list[tuple[int, list[list[str]]]] = []
    for number in pages:
        if not pdf.rules(number - 1).segments:
            continue
        geometry = pdf.geometry(number - 1)
        frame = dominant_frame(geometry)
        chars = [frame.char(char) for char in geometry.chars]
        for table in find_ruled_tables(geometry, frame):
            if len(table.columns) >= 2:
                out.append((number, _table_texts(table, chars)))
    return out


def _table_texts(table: RuledTable, chars: list[FrameChar]) -> list[list[str]]:
    x0, top, x1, bottom = table.bbox
    inside = [c for c in chars if x0 <= (c.x0 + c.x1) / 2 <= x1 and top <= (c.top + c.bottom) / 2 <= bottom]
    rows: dict[float, list[tuple[float, str]]] = {}
    for box in table.cells:
        mine = [
            c
            for c in inside
            if box[0] <= (c.x0 + c.x1) / 2 <= box[2] and box[1] <= (c.top + c.bottom) / 2 <= box[3]
        ]
        rows.setdefault(round(box[1]), []).append((box[0], cell_text(mine).text if mine else ""))
    return [[text for _, text in sorted(cells)] for _, cells in sorted(rows.items())]


# ---- section text ------------------------------------------------------------------------------


@dataclass
class _Block:
    """Items under one heading: objectives or endpoints of one level."""

    kind: str  # "objective" or "endpoint"
    level: ObjectiveLevel | None
    items: list[Objective] = field(default_factory=list)


def objectives_from_text(lines: list[TextLine]) -> list[Objective]:
    """Given body lines, return the objectives of the objectives section, with endpoints where stated."""
    section = _section(lines)
    if not section:
        return []
    blocks: list[_Block] = []
    kind, level = "objective", None
    current: Objective | None = None
    endpoint_target: Objective | None = None  # "... on the basis of the following endpoints:"
    in_table = False
    for line in section:
        text = line.text.strip()
        if _BOILERPLATE.match(text):
            continue
        if _TABLE_HEADER.match(text):
            in_table, kind = True, "objective"
            continue
        bullet = _BULLET.match(text)
        body = text[bullet.end() :].strip() if bullet else text
        if _is_subheading(line, text, bullet is not None):
            if _level(text) or line.heading or _NUMBERED_HEADING.match(text):
                level = _level(
                    text
                )  # a heading without a level ("2.2 Safety Objective") is not the one above
            kind = (
                "endpoint" if _ENDPOINT_LABEL.search(text) else "objective" if _SECTION.search(text) else kind
            )
            blocks.append(_Block(kind, level))
            current = endpoint_target = None
            continue
        if not blocks:
            blocks.append(_Block(kind, level))
        block = blocks[-1]
        starts_objective = bool(_TO_VERB.match(body) or _OBJECTIVE_SENTENCE.match(body))
        if block.kind == "endpoint" and starts_objective and not in_table:  # objectives again, unheaded
            block = _Block("objective", block.level)
            blocks.append(block)
            current = endpoint_target = None
        if (
            in_table
            and current is not None
            and not starts_objective
            and _continues(current, body, bullet, in_table)
        ):
            current = _extend(block, current, body)
            continue
        if in_table and block.kind == "objective" and not starts_objective and block.items:
            endpoints = block.items[-1].endpoints
            if current is None and endpoints and not bullet and endpoints[-1][-1:] not in ".;":
                endpoints[-1] = f"{endpoints[-1]} {body}"  # a wrapped endpoint cell line
            else:
                endpoints.append(body)
            current = None
            continue
        if endpoint_target is not None and bullet and not starts_objective:
            endpoint_target.endpoints.append(body)
            continue
        if current is not None and _continues(current, body, bullet, in_table):
            current = _extend(block, current, body)
            if block.kind == "objective" and current.text.endswith(":"):
                endpoint_target = current  # "... on the basis of the following endpoints:"
            continue
        if (
            bullet
            and current is not None
            and block.kind == "objective"
            and not starts_objective
            and current.text[-1:] not in ".;:"
        ):  # "... on" followed by a bulleted list of what the objective is on
            current = _extend(block, current, body)
            continue
        if not bullet and _LEAD_IN.search(body) and not starts_objective and len(body) < 120:
            level = _level(body) or level
            blocks.append(_Block(block.kind, level))
            current = endpoint_target = None
            continue
        if (block.kind == "objective" and (starts_objective or bullet)) or (
            block.kind == "endpoint" and (bullet or not block.items)
        ):
            current = Objective(level=block.level or "other", text=_OBJECTIVE_PREFIX.sub("", body))
            block.items.append(current)
            endpoint_target = current if block.kind == "objective" and body.endswith(":") else None
        else:
            current = None
    return _assemble(blocks)


def _continues(current: Objective, body: str, bullet: re.Match[str] | None, in_table: bool) -> bool:
    if bullet is not None or _TO_VERB.match(body):
        return False
    open_text = current.text[-1:] not in ".;"
    if not in_table:  # running text: an unfinished sentence goes on until a bullet or a new objective
        return open_text
    return open_text and (
        body[:1].islower()
        or body[:1].isdigit()
        or bool(_OPEN_ENDING.search(current.text))
        or current.text.endswith((",", ":", "-"))
        or not body[:1].isupper()
    )


def _extend(block: _Block, current: Objective, body: str) -> Objective:
    joined = current.text[:-1] + body if current.text.endswith("-") else f"{current.text} {body}"
    extended = current.model_copy(update={"text": joined})
    position = (
        next(i for i, item in enumerate(block.items) if item is current) if current in block.items else -1
    )
    if position >= 0:
        block.items[position] = extended
    else:  # an endpoint held as the last endpoint of an objective
        for item in block.items:
            if item.endpoints and item.endpoints[-1] == current.text:
                item.endpoints[-1] = joined
    return extended


def _is_subheading(line: TextLine, text: str, bulleted: bool) -> bool:
    if bulleted or len(text) > DEFAULT_SUBHEADING_CHARS or text.endswith((".", ",", ";", ":")):
        return False
    if _TO_VERB.match(text) or _OBJECTIVE_SENTENCE.match(text):
        return False
    words = _NUMBERED_HEADING.sub("", text)
    named = bool(_SECTION.search(words) or _ENDPOINT_LABEL.search(words))
    levelled = bool(_level(words)) and len(words.split()) <= 8
    return (line.heading or bool(_NUMBERED_HEADING.match(text)) or len(words.split()) <= 10) and (
        named or levelled
    )


def _assemble(blocks: list[_Block]) -> list[Objective]:
    """Attach each endpoints block to the objectives it follows (same level), else to that level's first."""
    objective_blocks: list[_Block] = []
    last_objectives: _Block | None = None
    for block in blocks:
        if block.kind == "objective":
            if block.items:
                objective_blocks.append(block)
                last_objectives = block
            continue
        if not block.items:
            continue
        target = last_objectives if last_objectives and block.level in (None, last_objectives.level) else None
        target = target or next((b for b in objective_blocks if b.level == block.level), None)
        if target is None:
            continue
        for objective in target.items:  # which endpoint serves which objective is not stated: all of them
            objective.endpoints.extend(item.text for item in block.items)
    return _dedupe([objective for block in objective_blocks for objective in block.items])


def _section(lines: list[TextLine]) -> list[TextLine]:
    """Lines of the body objectives section: under a numbered top heading if any, else the first heading."""
    candidates = [i for i, line in enumerate(lines) if _is_objectives_heading(line)]
    if not candidates:
        return []
    numbered = [
        i for i in candidates if (m := _NUMBERED_HEADING.match(lines[i].text.strip())) and not m.group(2)
    ]
    start = numbered[-1] if numbered else candidates[0]
    top = m.group(1) if (m := _NUMBERED_HEADING.match(lines[start].text.strip())) else None
    first_page = lines[start].page
    out: list[TextLine] = []
    for line in lines[start + 1 : start + 1 + DEFAULT_MAX_SECTION_LINES]:
        if (
            first_page is not None
            and line.page is not None
            and line.page - first_page > DEFAULT_MAX_SECTION_PAGES
        ):
            break
        if _ends_section(line, top):
            break
        out.append(line)
    return out


def _ends_section(line: TextLine, top: str | None) -> bool:
    text = line.text.strip()
    numbered = _NUMBERED_HEADING.match(text)
    if len(text) >= DEFAULT_HEADING_CHARS or text.endswith((".", ",", ";")) or _TO_VERB.match(text):
        return False
    unrelated = not (_SECTION.search(text) or _level(text) or _ENDPOINT_LABEL.search(text))
    if top is not None and numbered is not None:
        # the next chapter, or a sub-section on something else ("7.3 Estimands")
        return int(numbered.group(1)) == int(top) + 1 or (
            int(numbered.group(1)) == int(top) and bool(numbered.group(2)) and unrelated
        )
    return top is None and (line.heading or bool(numbered)) and unrelated


def _is_objectives_heading(line: TextLine) -> bool:
    text = line.text.strip()
    return (
        bool(_SECTION.search(text))
        and len(text) < DEFAULT_HEADING_CHARS
        and (line.heading or bool(_NUMBERED_HEADING.match(text)))
        and "...." not in text
        and not re.search(r"\s\d+$", text)
        and not _TO_VERB.match(_NUMBERED_HEADING.sub("", text))
    )
