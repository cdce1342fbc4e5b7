"""What the protocol says a panel contains: laboratory tables, the vital signs and ECG parameter lists."""

from __future__ import annotations

from crfgen_core.ingest.docx.docx_content import DocxContent
from crfgen_core.ingest.panels.docx_panels import docx_table_panels
from crfgen_core.ingest.panels.panel_sentences import Passage, sentence_kind, sentence_panels
from crfgen_core.ingest.panels.pdf_panels import pdf_table_panels
from crfgen_core.ingest.pdf.pdf_document import OpenPdf
from crfgen_core.ingest.text_lines import TextLine
from crfgen_core.model.protocol import Panel

__all__ = ["extract_docx_panels", "extract_pdf_panels"]


def extract_pdf_panels(pdf: OpenPdf, lines: list[TextLine], soa_pages: set[int]) -> list[Panel]:
    """Given an open PDF, its body lines and SoA pages, return the panels it lists (tables first)."""
    tables = pdf_table_panels(pdf, frozenset(soa_pages))
    passages: dict[int, list[str]] = {}
    for line in lines:
        passages.setdefault(line.page or 0, []).append(line.text)
    joined = [Passage(_join(texts), page) for page, texts in sorted(passages.items())]
    return _merge(tables, sentence_panels(joined))


def extract_docx_panels(content: DocxContent) -> list[Panel]:
    """Given DOCX content, return the panels it lists (tables first, then sentences)."""
    passages = [
        Passage(paragraph.text, paragraph=number)
        for number, paragraph in enumerate(content.paragraphs, 1)
        if paragraph.text
    ]
    return _merge(docx_table_panels(content), sentence_panels(passages))


def _merge(tables: list[Panel], sentences: list[Panel]) -> list[Panel]:
    """A table is the fuller statement: a sentence adds a panel only for a kind no table gave."""
    covered = {sentence_kind(panel) for panel in tables}
    return [*tables, *(panel for panel in sentences if sentence_kind(panel) not in covered)]


def _join(texts: list[str]) -> str:
    """PDF lines of one page as running text (a line-end hyphen joins the word)."""
    out = ""
    for text in texts:
        out = out[:-1] + text if out.endswith("-") and text[:1].islower() else f"{out} {text}".strip()
    return out
