"""Schedules of Activities printed as pictures, read with the tesseract program (optional at run time)."""

from crfgen_core.ingest.ocr.image_schedules import read_image_grids
from crfgen_core.ingest.ocr.tesseract import OcrError, tesseract_path

__all__ = ["OcrError", "read_image_grids", "tesseract_path"]
