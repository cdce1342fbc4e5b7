"""Renderers: ODM 1.3.2, annotated CRF, CRF book, REDCap dictionary, mapping spec, review report."""

from crfgen_core.render.package_writer import render_package

__all__ = ["render_package"]
