"""DOCX protocols: body order preserved, merged cells resolved."""

from crfgen_core.ingest.docx.docx_content import DocxContent, read_docx
from crfgen_core.ingest.docx.docx_soa import docx_soa_grids

__all__ = ["DocxContent", "docx_soa_grids", "read_docx"]
