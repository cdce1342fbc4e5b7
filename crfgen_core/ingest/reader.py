"""Protocol file to ParsedProtocol: the one entry point of ingestion."""

from __future__ import annotations

from pathlib import Path

from crfgen_core.ingest.docx import extract_docx_schedules, read_docx
from crfgen_core.ingest.document import identify
from crfgen_core.ingest.eligibility import extract_eligibility
from crfgen_core.ingest.pdf import extract_pdf_schedules, read_pdf_text
from crfgen_core.model.protocol import ExtractionWarning, ParsedProtocol


def read_protocol(path: Path) -> ParsedProtocol:
    """Given a PDF or DOCX protocol, return what it says; raise a ProtocolReadError if unreadable."""
    document = identify(path)
    if document.format == "pdf":
        text = read_pdf_text(path)
        document = document.model_copy(update={"pages": text.page_count})
        schedules, warnings = extract_pdf_schedules(path, text)
        body = "\n".join(text.pages)
    else:
        content = read_docx(path)
        schedules, warnings = extract_docx_schedules(content)
        body = content.text
    if not schedules:
        warnings = [*warnings, ExtractionWarning(code="NO_SOA_FOUND", message="no Schedule of Activities table found")]
    return ParsedProtocol(
        document=document,
        schedules=schedules,
        eligibility=extract_eligibility(body),
        warnings=warnings,
    )
