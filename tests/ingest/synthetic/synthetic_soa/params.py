"""Layout parameters: one dimension per way real protocols lay out a Schedule of Activities.

Each dimension is a list of options with weights. The same dimensions are drawn two ways:
`params_for(seed, index)` (a seeded `random.Random`, used by the test sweep and the benchmark, so a
layout is reproduced from its seed and index) and `params_strategy()` (hypothesis, one `sampled_from`
per dimension, for shrinking a failing layout to its simplest form).
"""

from __future__ import annotations

import dataclasses
import json
import random
from dataclasses import dataclass, fields
from typing import Any

from hypothesis import strategies as st

# name -> ((option, weight), ...); the first option is the plainest one (what hypothesis shrinks to)
DIMENSIONS: dict[str, tuple[tuple[Any, float], ...]] = {
    "fmt": (("pdf", 0.56), ("docx", 0.33), ("image", 0.05), ("half_scanned", 0.03), ("docx_image", 0.03)),
    "schedules": (("main", 0.5), ("main+later", 0.15), ("main+lab", 0.15), ("main+pk", 0.1),
                  ("main+later+lab", 0.1)),
    "title": (("Schedule of Activities", 0.25), ("Schedule of Assessments", 0.1), ("Study Flow Chart", 0.08),
              ("Schedule of Study Procedures", 0.06), ("Study Activities", 0.05), ("Study Calendar", 0.05),
              ("Procedures Table", 0.04), ("Time and Events Table", 0.06), ("Schedule of Events", 0.07),
              ("Flowchart", 0.05), ("Study Schedule", 0.05), ("caption only", 0.07), ("none", 0.07)),
    "title_style": (("plain", 0.4), ("section_number", 0.3), ("table_caption", 0.3)),
    "title_position": (("above", 0.85), ("previous_page", 0.15)),
    "continued_title": (("repeat", 0.4), ("continued", 0.35), ("none", 0.25)),
    "repeat_header": ((True, 0.75), (False, 0.25)),
    "length": (("short", 0.35), ("medium", 0.35), ("long", 0.2), ("very_long", 0.1)),
    "visits": (("few", 0.25), ("some", 0.35), ("many", 0.28), ("lots", 0.12)),
    "header_scheme": (("epochs", 0.5), ("single", 0.2), ("cycles", 0.18), ("timepoints", 0.12)),
    "header_rows": (("full", 0.3), ("visit+day", 0.35), ("day+window", 0.15), ("visit_only", 0.2)),
    "row_names": (("corner", 0.5), ("row_names", 0.3), ("empty_corner", 0.2)),
    "header_vmerge": ((True, 0.6), (False, 0.4)),
    "rotated_headers": ((False, 0.85), (True, 0.15)),
    "ref_column": (("none", 0.7), ("Protocol Section", 0.06), ("Section", 0.06), ("Reference", 0.05),
                   ("Attachment", 0.03), ("inline", 0.1)),
    "notes_column": (("none", 0.72), ("Notes", 0.16), ("Comments", 0.12)),
    "sections": (("none", 0.3), ("spanning", 0.35), ("label_only", 0.2), ("outer_column", 0.15)),
    "footnotes": (("none", 0.3), ("plain", 0.2), ("superscript", 0.3), ("unicode", 0.1), ("digits", 0.1)),
    "tick": (("X", 0.6), ("x", 0.15), ("✓", 0.1), ("●", 0.08), ("mixed", 0.07)),
    "extra_codes": ((False, 0.55), (True, 0.45)),
    "dash_empty": ((False, 0.8), (True, 0.2)),
    "spanning_cells": ((False, 0.8), (True, 0.2)),
    "legend": ((False, 0.5), (True, 0.5)),
    "redaction": (("none", 0.85), ("row", 0.1), ("block", 0.05)),
    "shading": (("none", 0.5), ("header", 0.25), ("header+sections", 0.25)),
    "page_size": (("letter", 0.6), ("a4", 0.4)),
    "orientation": (("landscape", 0.65), ("portrait", 0.35)),
    "orientation_switch": ((False, 0.9), (True, 0.1)),
    "page_turn": (("none", 0.86), ("turned", 0.07), ("rotate_attr", 0.07)),
    "font_size": ((8, 0.3), (6, 0.12), (7, 0.22), (9, 0.22), (10, 0.14)),
    "font": (("helvetica", 0.45), ("times", 0.35), ("dejavu", 0.2)),
    "rules": (("grid", 0.55), ("horizontal", 0.15), ("booktabs", 0.15), ("none", 0.15)),
    "sideways_split": ((False, 0.88), (True, 0.12)),
    "interleaved_page": (("none", 0.8), ("footnotes", 0.1), ("body_text", 0.1)),
    "footnote_placement": (("end", 0.6), ("each_page", 0.3), ("own_page", 0.1)),
    "toc": ((False, 0.7), (True, 0.3)),
    "decoy": (("none", 0.55), ("abbreviations", 0.15), ("responsibilities", 0.15), ("risk_matrix", 0.15)),
    "body_text": ((True, 0.7), (False, 0.3)),
}


@dataclass(frozen=True)
class LayoutParams:
    """One drawn layout. `content_seed` draws the words (activities, visits, marks) within the layout."""

    fmt: str = "pdf"
    schedules: str = "main"
    title: str = "Schedule of Activities"
    title_style: str = "plain"
    title_position: str = "above"
    continued_title: str = "repeat"
    repeat_header: bool = True
    length: str = "short"
    visits: str = "few"
    header_scheme: str = "epochs"
    header_rows: str = "full"
    row_names: str = "corner"
    header_vmerge: bool = True
    rotated_headers: bool = False
    ref_column: str = "none"
    notes_column: str = "none"
    sections: str = "none"
    footnotes: str = "none"
    tick: str = "X"
    extra_codes: bool = False
    dash_empty: bool = False
    spanning_cells: bool = False
    legend: bool = False
    redaction: str = "none"
    shading: str = "none"
    page_size: str = "letter"
    orientation: str = "landscape"
    orientation_switch: bool = False
    page_turn: str = "none"
    font_size: int = 8
    font: str = "helvetica"
    rules: str = "grid"
    sideways_split: bool = False
    interleaved_page: str = "none"
    footnote_placement: str = "end"
    toc: bool = False
    decoy: str = "none"
    body_text: bool = True
    content_seed: int = 0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LayoutParams:
        return cls(**json.loads(text))

    def replace(self, **changes: Any) -> LayoutParams:
        return dataclasses.replace(self, **changes)


def _check_dimensions() -> None:
    names = {f.name for f in fields(LayoutParams)} - {"content_seed"}
    assert names == set(DIMENSIONS), names ^ set(DIMENSIONS)


_check_dimensions()


def params_for(seed: int, index: int, formats: tuple[str, ...] | None = None) -> LayoutParams:
    """Given a sweep seed and a layout index, return the layout's parameters (same on every machine:
    a str seed goes through sha512, not the salted hash). `formats` restricts the format dimension."""
    rng = random.Random(f"synthetic-soa:{seed}:{index}")
    values: dict[str, Any] = {}
    for name, options in DIMENSIONS.items():
        if name == "fmt" and formats:
            options = tuple((o, w) for o, w in options if o in formats) or tuple((f, 1.0) for f in formats)
        values[name] = rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]
    values["content_seed"] = rng.randrange(2**31)
    return LayoutParams(**values)


def params_strategy(formats: tuple[str, ...] = ("pdf", "docx")) -> st.SearchStrategy[LayoutParams]:
    """Hypothesis strategy: each dimension one `sampled_from` (first option plainest), the format limited
    to `formats` (image layouts need OCR, too slow for many examples)."""
    dims: dict[str, st.SearchStrategy[Any]] = {
        name: st.sampled_from([o for o, _ in options]) for name, options in DIMENSIONS.items()}
    dims["fmt"] = st.sampled_from(list(formats))
    dims["content_seed"] = st.integers(0, 2**31 - 1)
    return st.fixed_dictionaries(dims).map(lambda values: LayoutParams(**values))
