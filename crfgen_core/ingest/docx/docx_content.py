"""Read a DOCX into body-ordered paragraphs and tables (walking-skeleton version)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from crfgen_core.ingest.errors import CorruptProtocolError


@dataclass
class DocxContent:
    """Paragraph texts and tables (rows of cell texts) in body order."""

    paragraphs: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def read_docx(path: Path) -> DocxContent:
    """Given a DOCX path, return its paragraphs and tables in body order."""
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorruptProtocolError(path, f"the DOCX cannot be opened ({exc})") from exc
    content = DocxContent()
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            if block.text.strip():
                content.paragraphs.append(block.text.strip())
        elif isinstance(block, Table):
            content.tables.append([[cell.text.strip() for cell in row.cells] for row in block.rows])
    return content
