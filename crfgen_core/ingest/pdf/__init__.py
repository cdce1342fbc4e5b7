"""PDF protocols: one pypdfium2 document per read; pdfplumber's lattice algorithms on its geometry."""

from crfgen_core.ingest.pdf.pdf_document import OpenPdf, open_pdf
from crfgen_core.ingest.pdf.pdf_schedules import pdf_soa_grids

__all__ = ["OpenPdf", "open_pdf", "pdf_soa_grids"]
