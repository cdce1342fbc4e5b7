"""DOCX protocols: body order preserved, merged cells resolved. The SoA grids are read by
crfgen_core.ingest.docx.docx_soa (imported from there: it reads pictures through the OCR and PDF table
readers, which themselves read text lines of this package)."""

from crfgen_core.ingest.docx.docx_content import DocxContent, read_docx

__all__ = ["DocxContent", "read_docx"]
