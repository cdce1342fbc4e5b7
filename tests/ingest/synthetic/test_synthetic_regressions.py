"""Synthetic layouts that were read wrongly once, each kept as its generator parameters (printed by
benchmarks/bench_synthetic_soa.py for the sweep 20250611) and read perfectly since its fix."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest
from synthetic_soa import LayoutParams
from synthetic_soa.scoring import run_layout

LAYOUTS: dict[str, dict[str, object]] = {
    "turned_headers_over_horizontal_rules_with_outer_section_column_and_notes": {
        "body_text": True, "content_seed": 925914659, "continued_title": "none", "dash_empty": True,
        "decoy": "none", "extra_codes": False, "fmt": "pdf", "font": "times", "font_size": 8,
        "footnote_placement": "end", "footnotes": "unicode", "header_rows": "visit+day",
        "header_scheme": "single", "header_vmerge": False, "interleaved_page": "none", "legend": False,
        "length": "medium", "notes_column": "Notes", "orientation": "portrait",
        "orientation_switch": False, "page_size": "letter", "page_turn": "none", "redaction": "none",
        "ref_column": "none", "repeat_header": True, "rotated_headers": False, "row_names": "empty_corner",
        "rules": "horizontal", "schedules": "main+later+lab", "sections": "outer_column",
        "shading": "none", "sideways_split": False, "spanning_cells": False, "tick": "X",
        "title": "Procedures Table", "title_position": "above", "title_style": "table_caption",
        "toc": True, "visits": "many",
    },
    "sparse_columns_named_only_by_headers_and_a_first_visit_with_one_tick": {
        "body_text": True, "content_seed": 1085849361, "continued_title": "continued", "dash_empty": False,
        "decoy": "risk_matrix", "extra_codes": False, "fmt": "pdf", "font": "helvetica", "font_size": 6,
        "footnote_placement": "end", "footnotes": "plain", "header_rows": "visit_only",
        "header_scheme": "single", "header_vmerge": True, "interleaved_page": "body_text", "legend": False,
        "length": "short", "notes_column": "none", "orientation": "landscape", "orientation_switch": False,
        "page_size": "a4", "page_turn": "none", "redaction": "none", "ref_column": "none",
        "repeat_header": False, "rotated_headers": False, "row_names": "row_names", "rules": "horizontal",
        "schedules": "main+later", "sections": "none", "shading": "none", "sideways_split": False,
        "spanning_cells": False, "tick": "✓", "title": "Schedule of Assessments",
        "title_position": "previous_page", "title_style": "plain", "toc": False, "visits": "lots",
    },
    "turned_headers_beside_a_corner_label_and_a_label_wrapped_below_its_mark": {
        "body_text": True, "content_seed": 1976684808, "continued_title": "continued", "dash_empty": False,
        "decoy": "abbreviations", "extra_codes": True, "fmt": "pdf", "font": "helvetica", "font_size": 10,
        "footnote_placement": "end", "footnotes": "superscript", "header_rows": "visit+day",
        "header_scheme": "single", "header_vmerge": False, "interleaved_page": "none", "legend": False,
        "length": "medium", "notes_column": "Comments", "orientation": "landscape",
        "orientation_switch": False, "page_size": "letter", "page_turn": "none", "redaction": "none",
        "ref_column": "none", "repeat_header": True, "rotated_headers": True, "row_names": "corner",
        "rules": "horizontal", "schedules": "main+lab", "sections": "spanning", "shading": "none",
        "sideways_split": False, "spanning_cells": False, "tick": "✓", "title": "caption only",
        "title_position": "above", "title_style": "section_number", "toc": False, "visits": "many",
    },
    "grid_continuation_page_opening_with_a_section_row": {
        "body_text": True, "content_seed": 1926662198, "continued_title": "continued", "dash_empty": True,
        "decoy": "none", "extra_codes": False, "fmt": "pdf", "font": "helvetica", "font_size": 10,
        "footnote_placement": "end", "footnotes": "superscript", "header_rows": "day+window",
        "header_scheme": "timepoints", "header_vmerge": True, "interleaved_page": "none", "legend": False,
        "length": "long", "notes_column": "none", "orientation": "landscape", "orientation_switch": False,
        "page_size": "a4", "page_turn": "none", "redaction": "none", "ref_column": "Protocol Section",
        "repeat_header": False, "rotated_headers": False, "row_names": "corner", "rules": "grid",
        "schedules": "main+lab", "sections": "spanning", "shading": "none", "sideways_split": False,
        "spanning_cells": False, "tick": "X", "title": "none", "title_position": "above",
        "title_style": "table_caption", "toc": False, "visits": "many",
    },
    "one_line_labels_joined_by_a_wrapped_outer_group_label_between_them": {
        "body_text": True, "content_seed": 1070559129, "continued_title": "repeat", "dash_empty": False,
        "decoy": "abbreviations", "extra_codes": False, "fmt": "pdf", "font": "helvetica", "font_size": 7,
        "footnote_placement": "end", "footnotes": "superscript", "header_rows": "visit_only",
        "header_scheme": "cycles", "header_vmerge": True, "interleaved_page": "none", "legend": True,
        "length": "long", "notes_column": "none", "orientation": "landscape", "orientation_switch": False,
        "page_size": "a4", "page_turn": "none", "redaction": "none", "ref_column": "none",
        "repeat_header": True, "rotated_headers": False, "row_names": "corner", "rules": "none",
        "schedules": "main", "sections": "outer_column", "shading": "none", "sideways_split": False,
        "spanning_cells": False, "tick": "X", "title": "Study Schedule", "title_position": "previous_page",
        "title_style": "plain", "toc": False, "visits": "some",
    },
    "headerless_continuation_page_opening_with_a_label_wrapped_above_its_mark": {
        "body_text": True, "content_seed": 778694291, "continued_title": "repeat", "dash_empty": False,
        "decoy": "none", "extra_codes": True, "fmt": "pdf", "font": "dejavu", "font_size": 7,
        "footnote_placement": "each_page", "footnotes": "none", "header_rows": "visit+day",
        "header_scheme": "timepoints", "header_vmerge": True, "interleaved_page": "none", "legend": False,
        "length": "long", "notes_column": "none", "orientation": "landscape", "orientation_switch": False,
        "page_size": "a4", "page_turn": "none", "redaction": "none", "ref_column": "Reference",
        "repeat_header": False, "rotated_headers": False, "row_names": "corner", "rules": "horizontal",
        "schedules": "main", "sections": "label_only", "shading": "none", "sideways_split": False,
        "spanning_cells": False, "tick": "✓", "title": "Schedule of Study Procedures",
        "title_position": "above", "title_style": "table_caption", "toc": True, "visits": "lots",
    },
    "ruled_part_opening_with_a_row_of_dashes_beside_a_group_label_named_like_a_period": {
        "body_text": False, "content_seed": 1368550617, "continued_title": "none", "dash_empty": True,
        "decoy": "none", "extra_codes": True, "fmt": "pdf", "font": "helvetica", "font_size": 6,
        "footnote_placement": "end", "footnotes": "digits", "header_rows": "full", "header_scheme": "cycles",
        "header_vmerge": True, "interleaved_page": "none", "legend": False, "length": "long",
        "notes_column": "none", "orientation": "landscape", "orientation_switch": False,
        "page_size": "letter",
        "page_turn": "none", "redaction": "row", "ref_column": "none", "repeat_header": True,
        "rotated_headers": False, "row_names": "empty_corner", "rules": "grid", "schedules": "main",
        "sections": "outer_column", "shading": "none", "sideways_split": True, "spanning_cells": True,
        "tick": "X", "title": "Schedule of Activities", "title_position": "above",
        "title_style": "table_caption", "toc": False, "visits": "lots",
    },
    "table_cut_sideways_under_turned_visits_with_a_group_header_line_above_and_redacted_rows": {
        "body_text": True, "content_seed": 2116262584, "continued_title": "continued", "dash_empty": True,
        "decoy": "abbreviations", "extra_codes": False, "fmt": "pdf", "font": "helvetica", "font_size": 6,
        "footnote_placement": "end", "footnotes": "superscript", "header_rows": "visit+day",
        "header_scheme": "epochs", "header_vmerge": False, "interleaved_page": "none", "legend": True,
        "length": "long", "notes_column": "Comments", "orientation": "portrait",
        "orientation_switch": False, "page_size": "a4", "page_turn": "none", "redaction": "row",
        "ref_column": "none", "repeat_header": True, "rotated_headers": True, "row_names": "corner",
        "rules": "booktabs", "schedules": "main+pk", "sections": "outer_column",
        "shading": "header+sections", "sideways_split": False, "spanning_cells": False, "tick": "x",
        "title": "caption only", "title_position": "previous_page", "title_style": "table_caption",
        "toc": True, "visits": "some",
    },
}


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_layout_once_misread_is_read_perfectly(name: str, tmp_path: Path, scorer: ModuleType) -> None:
    result = run_layout(LayoutParams.from_json(json.dumps(LAYOUTS[name])), tmp_path, scorer, label=name)
    assert result.error is None
    assert (result.f1, result.scores["activity_recall"], result.scores["column_recall"]) == (1.0, 1.0, 1.0)
