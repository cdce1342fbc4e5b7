"""CRFDesign to a REDCap data dictionary CSV: one instrument per form, the record id first.

Names are made legal for REDCap (lowercase, start with a letter, [a-z0-9_], at most 26 characters) and
deduplicated deterministically in design order, so the same design always yields the same names.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from crfgen_core.quality.redcap_rules import redcap_header, redcap_rules
from crfgen_core.render.crf_layout import CRFLayout, FormPage, QuestionRow

RECORD_ID = "record_id"
MAX_NAME = 26
MAX_FORM_NAME = 50
DROPDOWN_FROM = 11  # REDCap guidance: radio buttons for short lists, a dropdown for long ones
_VALIDATION = {"date": "date_ymd", "datetime": "datetime_ymd", "time": "time", "integer": "integer"}


def _slug(text: str, *, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not slug or not slug[0].isalpha():
        slug = f"{fallback}_{slug}".strip("_")
    return slug


class _NamePool:
    """Hands out unique names <= `limit` characters; a clash gets _2, _3... (deterministic)."""

    def __init__(self, limit: int, reserved: set[str]) -> None:
        self.limit, self.taken = limit, set(reserved)

    def claim(self, wanted: str) -> str:
        name, counter = wanted[: self.limit].rstrip("_"), 1
        while name in self.taken:
            counter += 1
            suffix = f"_{counter}"
            name = wanted[: self.limit - len(suffix)].rstrip("_") + suffix
        self.taken.add(name)
        return name


def _choice_code(code: str, used: set[str], position: int) -> str:
    """REDCap raw values allow letters, digits and underscores; CDISC values like 'NOT DONE' are mapped."""
    clean = re.sub(r"[^A-Za-z0-9_]+", "_", code).strip("_") or str(position)
    candidate, counter = clean, 1
    while candidate in used:
        counter += 1
        candidate = f"{clean}_{counter}"
    used.add(candidate)
    return candidate


def _choices(question: QuestionRow) -> str:
    used: set[str] = set()
    return " | ".join(
        f"{_choice_code(c.code, used, n)}, {c.decode.replace('|', '/').strip() or c.code}"
        for n, c in enumerate(question.choices, 1)
    )


def _field_type(question: QuestionRow) -> tuple[str, str]:
    """Return (field type, validation) for a question."""
    if question.kind == "choices":
        return ("dropdown" if len(question.choices) >= DROPDOWN_FROM else "radio"), ""
    if question.kind == "long_text":
        return "notes", ""
    if question.kind == "float":
        digits = question.significant_digits
        return "text", f"number_{digits}dp" if digits and 1 <= digits <= 4 else "number"
    return "text", _VALIDATION.get(question.kind, "")


def _row(name: str, form: str, field_type: str, label: str, **extra: str) -> list[str]:
    row = dict.fromkeys(redcap_header(), "")
    row.update(
        {"Variable / Field Name": name, "Form Name": form, "Field Type": field_type, "Field Label": label}
    )
    columns = {
        "section": "Section Header",
        "choices": "Choices, Calculations, OR Slider Labels",
        "note": "Field Note",
        "validation": "Text Validation Type OR Show Slider Number",
        "required": "Required Field?",
        "annotation": "Field Annotation",
    }
    row.update({columns[key]: value for key, value in extra.items()})
    return list(row.values())


def _form_rows(form: FormPage, instrument: str, names: _NamePool, first: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    if first:
        rows.append(_row(RECORD_ID, instrument, "text", "Record ID"))
    when = "Any time (log form)" if form.is_log and not form.visit_names else ", ".join(form.visit_names)
    header = " ".join(form.domain_headers) + (f". Visits: {when}" if when else "")
    rows.append(
        _row(
            names.claim(f"{instrument[: MAX_NAME - 4]}_hdr"),
            instrument,
            "descriptive",
            f"{form.name}" + (f" - {header}" if header else ""),
        )
    )
    several_groups = len({q.group_name for q in form.questions}) > 1
    group = None
    for question in form.questions:
        field_type, validation = _field_type(question)
        section = question.group_name if several_groups and question.group_name != group else ""
        group = question.group_name
        rows.append(
            _row(
                names.claim(_slug(question.cdash_name, fallback="v")),
                instrument,
                field_type,
                question.text,
                section=section,
                choices=_choices(question) if field_type in ("radio", "dropdown") else "",
                note=f"CDASH {question.cdash_name}",
                validation=validation,
                required="y" if question.mandatory else "",
                annotation=f"SDTM: {question.annotation}; ODM: {question.oid}",
            )
        )
    return rows


def redcap_rows(layout: CRFLayout) -> list[list[str]]:
    """Given the page model, return the dictionary rows, header first."""
    reserved = set(redcap_rules()["reserved_names"]) | {RECORD_ID}
    forms = _NamePool(MAX_FORM_NAME, set())
    instruments = [forms.claim(_slug(form.name, fallback="form")) for form in layout.forms]
    # REDCap adds <instrument>_complete to every form: keep those names free for it.
    names = _NamePool(MAX_NAME, reserved | {f"{i}_complete" for i in instruments})
    rows = [redcap_header()]
    for index, (form, instrument) in enumerate(zip(layout.forms, instruments, strict=True)):
        rows.extend(_form_rows(form, instrument, names, first=index == 0))
    if not layout.forms:
        rows.append(_row(RECORD_ID, "study_record", "text", "Record ID"))
    return rows


def write_redcap_dictionary(layout: CRFLayout, path: Path) -> Path:
    """Given the page model, write redcap_data_dictionary.csv and return the path."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(redcap_rows(layout))
    return path
