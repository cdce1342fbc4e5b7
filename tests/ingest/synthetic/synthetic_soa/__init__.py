"""Synthetic Schedule-of-Activities protocols with known truth: draw a layout, render it as PDF, DOCX or
image-only PDF, and keep the truth in the SoA exchange JSON of ../shared/eval/README.md."""

from __future__ import annotations

from synthetic_soa.build import Built, build_layout
from synthetic_soa.params import LayoutParams, params_for, params_strategy

__all__ = ["Built", "LayoutParams", "build_layout", "params_for", "params_strategy"]
