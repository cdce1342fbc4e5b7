"""The DOCX format reader: the document read once into body-ordered paragraphs and tables."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from crfgen_core.ingest.docx.docx_content import DocxContent, DocxTable, read_docx
from crfgen_core.ingest.docx.docx_soa import docx_soa_grids
from crfgen_core.ingest.objectives import objectives_from_docx, objectives_from_text
from crfgen_core.ingest.panels import extract_docx_panels
from crfgen_core.ingest.soa.grid import SoaReading
from crfgen_core.ingest.text_lines import TextLine, docx_lines
from crfgen_core.model.protocol import Objective, Panel, ProtocolFormat

DEFAULT_FRONT_BLOCKS = 120


class DocxProtocol:
    def __init__(self, path: Path) -> None:
        self.content = read_docx(path)

    @property
    def page_count(self) -> int | None:
        return None

    def soa_grids(self) -> SoaReading:
        return docx_soa_grids(self.content)

    def lines(self) -> list[TextLine]:
        return self._lines

    @cached_property
    def _lines(self) -> list[TextLine]:
        return docx_lines(self.content)

    def front_text(self) -> str:
        return front_text(self.content)

    def objectives(self) -> list[Objective]:
        return objectives_from_docx(self.content) or objectives_from_text(self._lines)

    def panels(self, soa_pages: set[int]) -> list[Panel]:
        return extract_docx_panels(self.content)

    def close(self) -> None:
        """Nothing stays open: python-docx reads the package into memory."""


class DocxReader:
    def supported_formats(self) -> tuple[ProtocolFormat, ...]:
        return ("docx",)

    def open(self, path: Path) -> DocxProtocol:
        return DocxProtocol(path)


def front_text(content: DocxContent) -> str:
    """The first paragraphs and tables as text; title-page tables become "label: value" lines."""
    lines: list[str] = []
    for block in content.blocks[:DEFAULT_FRONT_BLOCKS]:
        if isinstance(block, DocxTable):
            for row in block.texts():
                cells = [
                    cell for index, cell in enumerate(row) if cell and (index == 0 or cell != row[index - 1])
                ]
                if len(cells) == 2 and not cells[0].rstrip().endswith(":"):
                    lines.append(f"{cells[0]}: {cells[1]}")
                else:
                    lines.append(" ".join(cells))
        elif block.text:
            lines.append(block.text)
    return "\n".join(lines)
