"""PDF protocols: pypdfium2 for fast full text, pdfplumber geometry only on candidate SoA pages."""

from crfgen_core.ingest.pdf.pdf_schedules import extract_pdf_schedules
from crfgen_core.ingest.pdf.pdf_text import PdfText, read_pdf_text

__all__ = ["PdfText", "extract_pdf_schedules", "read_pdf_text"]
