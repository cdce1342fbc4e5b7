"""CRFDesign to a REDCap data dictionary CSV: one instrument per form, the record id first.

Names are made legal for REDCap (lowercase, start with a letter, [a-z0-9_], at most 26 characters) and
deduplicated deterministically in design order, so the same design always yields the same names.
Choices keep the CDISC code when REDCap accepts it as a raw value; otherwise a deterministic safe code
('/kg' -> 'per_kg') with the original code shown in the label. Numbers are validated by type and
precision (integer; number with 'up to N decimal places'), units are a field note (one unit) or a unit
field (several), and item conditions become branching logic.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from crfgen_core.quality.redcap_rules import redcap_header, redcap_rules
from crfgen_core.render.crf_layout import Choice, CRFLayout, FormPage, QuestionRow, ShownCondition

RECORD_ID = "record_id"
MAX_NAME = 26
MAX_FORM_NAME = 50
DROPDOWN_FROM = 11  # REDCap guidance: radio buttons for short lists, a dropdown for long ones
_VALIDATION = {"date": "date_ymd", "datetime": "datetime_ymd", "time": "time", "integer": "integer"}
_RAW_VALUE = re.compile(r"^(?:[A-Za-z0-9_]+|-?\d+(?:\.\d+)?)$")  # what REDCap accepts as a choice code
COLUMNS = {
    "section": "Section Header",
    "choices": "Choices, Calculations, OR Slider Labels",
    "note": "Field Note",
    "validation": "Text Validation Type OR Show Slider Number",
    "branching": "Branching Logic (Show field only if...)",
    "required": "Required Field?",
    "annotation": "Field Annotation",
}


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


@lru_cache(maxsize=1)
def _symbol_words() -> dict[str, str]:
    data = resources.files("crfgen_core.render").joinpath("data", "redcap_code_symbols.csv")
    raw = data.read_text("utf-8")
    return {row["symbol"]: row["word"] for row in csv.DictReader(io.StringIO(raw))}


def _safe_code(code: str, position: int) -> str:
    """'/kg' -> 'per_kg', 'NOT DONE' -> 'NOT_DONE', '' -> 'c3': letters, digits and underscores only."""
    spelled = "".join(f"_{_symbol_words()[ch]}_" if ch in _symbol_words() else ch for ch in code)
    return re.sub(r"[^A-Za-z0-9]+", "_", spelled).strip("_") or f"c{position}"


def redcap_choices(choices: tuple[Choice, ...]) -> list[tuple[str, str, str]]:
    """Given a question's choices, return (original code, REDCap code, label) for each, deterministic.

    A CDISC code REDCap accepts is kept; another gets a safe code and the label shows the original,
    so 'Per Kilogram' is never filed under 'kg'.
    """
    legal = [c.code for c in choices if _RAW_VALUE.match(c.code)]
    used: set[str] = set()
    result = []
    for position, choice in enumerate(choices, 1):
        decode = choice.decode.replace("|", "/").strip() or choice.code
        if _RAW_VALUE.match(choice.code) and choice.code not in used:
            code, label = choice.code, decode
        else:
            code, counter = _safe_code(choice.code, position), 1
            base = code
            while code in used or (code in legal and code != choice.code):
                counter += 1
                code = f"{base}_{counter}"
            label = f"{decode} ({choice.code})" if choice.code and choice.code != decode else decode
        used.add(code)
        result.append((choice.code, code, label))
    return result


def _choices_text(choices: list[tuple[str, str, str]]) -> str:
    return " | ".join(f"{code}, {label}" for _, code, label in choices)


def _validation(question: QuestionRow) -> tuple[str, str]:
    """Return (validation, note) from the item's type and precision.

    ODM SignificantDigits is the most decimals a value may have; REDCap's number_Ndp demands exactly N
    (number_2dp rejects 140 and 1.015), so a decimal item is 'number' with the precision as a note, and
    a precision of 0 is 'integer'.
    """
    if question.kind == "float":
        digits = question.significant_digits
        if digits == 0:
            return "integer", ""
        note = f"up to {digits} decimal place{'s' if digits > 1 else ''}" if digits else ""
        return "number", note
    return _VALIDATION.get(question.kind, ""), ""


def _field_type(question: QuestionRow) -> str:
    if question.kind == "choices":
        return "dropdown" if len(question.choices) >= DROPDOWN_FROM else "radio"
    return "notes" if question.kind == "long_text" else "text"


def _row(name: str, form: str, field_type: str, label: str, **extra: str) -> list[str]:
    row = dict.fromkeys(redcap_header(), "")
    row.update(
        {"Variable / Field Name": name, "Form Name": form, "Field Type": field_type, "Field Label": label}
    )
    row.update({COLUMNS[key]: value for key, value in extra.items()})
    return list(row.values())


@dataclass(frozen=True)
class _Field:
    name: str
    codes: dict[str, str]  # CDISC code -> REDCap code


def branching_logic(condition: ShownCondition, source: _Field) -> str:
    """Given a condition and the REDCap field it asks about, return REDCap branching logic."""
    field = f"[{source.name}]"
    values = [source.codes.get(v, _safe_code(v, 0)) for v in condition.values]
    if condition.operator in ("eq", "in") and values:
        return " or ".join(f"{field} = '{v}'" for v in values)
    if condition.operator in ("ne", "not_in") and values:
        return " and ".join(f"{field} <> '{v}'" for v in values)
    if condition.operator == "empty":
        return f"{field} = ''"
    return f"{field} <> ''"


def instrument_names(layout: CRFLayout) -> tuple[str, ...]:
    """Given the page model, return each form's REDCap instrument name (unique, legal, deterministic)."""
    pool = _NamePool(MAX_FORM_NAME, set())
    return tuple(pool.claim(_slug(form.name, fallback="form")) for form in layout.forms)


class _Dictionary:
    def __init__(self, layout: CRFLayout) -> None:
        self.layout = layout
        self.instruments = instrument_names(layout)
        reserved = set(redcap_rules()["reserved_names"]) | {RECORD_ID}
        # REDCap adds <instrument>_complete to every form: keep those names free for it.
        self.names = _NamePool(MAX_NAME, reserved | {f"{i}_complete" for i in self.instruments})
        self.fields: dict[str, _Field] = {}
        self.header_names: dict[str, str] = {}
        for form, instrument in zip(layout.forms, self.instruments, strict=True):
            self.header_names[form.oid] = self.names.claim(f"{instrument[: MAX_NAME - 4]}_hdr")
            for question in form.questions:
                name = self.names.claim(_slug(question.cdash_name, fallback="v"))
                codes = {original: code for original, code, _ in redcap_choices(question.choices)}
                self.fields[question.oid] = _Field(name, codes)

    def rows(self) -> list[list[str]]:
        rows = [redcap_header()]
        for index, (form, instrument) in enumerate(zip(self.layout.forms, self.instruments, strict=True)):
            if index == 0:
                rows.append(_row(RECORD_ID, instrument, "text", "Record ID"))
            rows.extend(self._form_rows(form, instrument))
        if not self.layout.forms:
            rows.append(_row(RECORD_ID, "study_record", "text", "Record ID"))
        return rows

    def _form_rows(self, form: FormPage, instrument: str) -> list[list[str]]:
        when = "Any time (log form)" if form.is_log and not form.visit_names else ", ".join(form.visit_names)
        header = " ".join(form.domain_headers) + (f". Visits: {when}" if when else "")
        rows = [
            _row(
                self.header_names[form.oid],
                instrument,
                "descriptive",
                f"{form.name}" + (f" - {header}" if header else ""),
            )
        ]
        several_groups = len({q.group_name for q in form.questions}) > 1
        group = None
        for question in form.questions:
            section = question.group_name if several_groups and question.group_name != group else ""
            group = question.group_name
            rows.extend(self._question_rows(question, instrument, section))
        return rows

    def _question_rows(self, question: QuestionRow, instrument: str, section: str) -> list[list[str]]:
        field = self.fields[question.oid]
        field_type = _field_type(question)
        validation, precision = _validation(question)
        choices = redcap_choices(question.choices) if field_type in ("radio", "dropdown") else []
        unit = question.units[0].symbol if len(question.units) == 1 else ""
        branching = (
            branching_logic(question.condition, self.fields[question.condition.source_oid])
            if question.condition
            else ""
        )
        notes = (f"Unit: {unit}" if unit else "", precision, f"CDASH {question.cdash_name}")
        note = "; ".join(p for p in notes if p)
        annotation = f"SDTM: {question.annotation}; ODM: {question.oid}"
        rows = [
            _row(
                field.name,
                instrument,
                field_type,
                question.text,
                section=section,
                choices=_choices_text(choices),
                note=note,
                validation=validation,
                branching=branching,
                required="y" if question.mandatory else "",
                annotation=annotation + (f"; review: {question.review}" if question.review else ""),
            )
        ]
        if len(question.units) > 1:  # a choice of units: its own field, shown once the value is entered
            unit_choices = redcap_choices(tuple(Choice(u.symbol, u.symbol) for u in question.units))
            rows.append(
                _row(
                    self.names.claim(f"{field.name[: MAX_NAME - 2]}_u"),
                    instrument,
                    "dropdown" if len(unit_choices) >= DROPDOWN_FROM else "radio",
                    f"{question.text} - unit",
                    choices=_choices_text(unit_choices),
                    branching=f"[{field.name}] <> ''",
                    required="y" if question.mandatory else "",
                    annotation=f"SDTM: {question.unit_annotation or 'unit'}; ODM: {question.oid} unit",
                )
            )
        return rows


def redcap_rows(layout: CRFLayout) -> list[list[str]]:
    """Given the page model, return the dictionary rows, header first."""
    return _Dictionary(layout).rows()


def write_redcap_dictionary(layout: CRFLayout, path: Path) -> Path:
    """Given the page model, write redcap_data_dictionary.csv and return the path."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(redcap_rows(layout))
    return path
