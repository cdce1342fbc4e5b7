"""DOCX protocols: body order preserved, merged cells resolved."""

from crfgen_core.ingest.docx.docx_content import DocxContent, read_docx
from crfgen_core.ingest.docx.docx_schedules import extract_docx_schedules

__all__ = ["DocxContent", "extract_docx_schedules", "read_docx"]
