"""Check a REDCap data dictionary CSV against REDCap's documented import rules.

The rules (header, field types, validation names, reserved names) are data in
data/redcap_dictionary_rules.json; this module applies them. Each rule has a stable id so a report line
can be looked up: RC001 header, RC002 variable name syntax, RC003 unique variable names, RC004 field
type, RC005 choice syntax, RC006 validation type, RC007 first field is the record id, RC008 form name
syntax, RC009 a form's fields are contiguous, RC010 flag columns (y/blank), RC011 recommended name length.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CHOICE_CODE = re.compile(r"^-?[A-Za-z0-9_.]+$")
_CHECKBOX_CODE = re.compile(r"^-?[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class RedcapIssue:
    rule: str
    severity: Severity
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule} {self.severity} line {self.line} [{self.field}]: {self.message}"


@lru_cache(maxsize=1)
def redcap_rules() -> dict[str, Any]:
    """Return the bundled REDCap dictionary rules."""
    raw = (
        resources.files("crfgen_core.quality")
        .joinpath("data", "redcap_dictionary_rules.json")
        .read_text("utf-8")
    )
    rules: dict[str, Any] = json.loads(raw)
    return rules


def redcap_header() -> list[str]:
    """Return the 18-column header REDCap's 'Download the Data Dictionary' writes (what we emit)."""
    header: list[str] = redcap_rules()["headers"]["download"]
    return list(header)


def _check_choices(line: int, name: str, field_type: str, choices: str) -> list[RedcapIssue]:
    issues: list[RedcapIssue] = []
    if not choices.strip():
        return [RedcapIssue("RC005", "error", line, name, f"{field_type} field has no choices")]
    codes: list[str] = []
    pattern = _CHECKBOX_CODE if field_type == "checkbox" else _CHOICE_CODE
    for part in choices.split("|"):
        code, comma, label = part.partition(",")
        code = code.strip()
        if not comma or not label.strip():
            issues.append(
                RedcapIssue("RC005", "error", line, name, f"choice {part.strip()!r} is not 'code, label'")
            )
        elif not pattern.match(code):
            issues.append(
                RedcapIssue("RC005", "error", line, name, f"choice code {code!r} has illegal characters")
            )
        codes.append(code)
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        issues.append(RedcapIssue("RC005", "error", line, name, f"duplicate choice codes {duplicates}"))
    return issues


def _check_row(line: int, row: list[str], rules: dict[str, Any]) -> list[RedcapIssue]:
    name, form, field_type, choices, validation = row[0], row[1], row[3], row[5], row[7]
    issues: list[RedcapIssue] = []
    if not _NAME.match(name) or len(name) > rules["max_name_length"]:
        issues.append(
            RedcapIssue(
                "RC002",
                "error",
                line,
                name,
                "variable name must be lowercase letters, digits, underscores, start with a letter",
            )
        )
    elif name in rules["reserved_names"]:
        issues.append(RedcapIssue("RC002", "error", line, name, "variable name is reserved by REDCap"))
    elif len(name) > rules["recommended_max_name_length"]:
        issues.append(
            RedcapIssue(
                "RC011",
                "warning",
                line,
                name,
                f"longer than the recommended {rules['recommended_max_name_length']} characters",
            )
        )
    if not _NAME.match(form):
        issues.append(
            RedcapIssue("RC008", "error", line, name, f"form name {form!r} is not a legal instrument name")
        )
    if field_type not in rules["field_types"]:
        issues.append(RedcapIssue("RC004", "error", line, name, f"unknown field type {field_type!r}"))
    if field_type in rules["choice_field_types"]:
        issues.extend(_check_choices(line, name, field_type, choices))
    if validation and field_type == "text" and validation not in rules["validation_types"]:
        issues.append(RedcapIssue("RC006", "error", line, name, f"unknown validation type {validation!r}"))
    if validation and field_type not in ("text", "slider", "file"):
        issues.append(RedcapIssue("RC006", "error", line, name, f"validation on a {field_type} field"))
    for column, label in ((10, "Identifier?"), (12, "Required Field?")):
        if row[column] not in ("", "y"):
            issues.append(RedcapIssue("RC010", "error", line, name, f"{label} must be 'y' or blank"))
    if row[13] not in rules["custom_alignments"]:
        issues.append(RedcapIssue("RC010", "error", line, name, f"custom alignment {row[13]!r} is not valid"))
    return issues


def check_redcap_rows(rows: list[list[str]]) -> list[RedcapIssue]:
    """Given a dictionary's CSV rows (header first), return every rule violation (empty if it imports)."""
    rules = redcap_rules()
    if not rows:
        return [RedcapIssue("RC001", "error", 1, "", "empty file")]
    header = rows[0]
    if header not in rules["headers"].values():
        return [RedcapIssue("RC001", "error", 1, "", f"header is not REDCap's 18-column header: {header}")]
    issues: list[RedcapIssue] = []
    body = [(line, row) for line, row in enumerate(rows[1:], 2) if any(cell.strip() for cell in row)]
    seen: dict[str, int] = {}
    finished_forms: set[str] = set()
    current_form = None
    for line, row in body:
        if len(row) != len(header):
            issues.append(
                RedcapIssue("RC001", "error", line, row[0] if row else "", f"{len(row)} columns, not 18")
            )
            continue
        issues.extend(_check_row(line, row, rules))
        if row[0] in seen:
            issues.append(
                RedcapIssue("RC003", "error", line, row[0], f"variable name also on line {seen[row[0]]}")
            )
        seen.setdefault(row[0], line)
        if row[1] != current_form:
            if row[1] in finished_forms:
                issues.append(RedcapIssue("RC009", "error", line, row[0], f"form {row[1]!r} is split in two"))
            if current_form is not None:
                finished_forms.add(current_form)
            current_form = row[1]
    if body and len(body[0][1]) == len(header):
        first_line, first = body[0]
        if first[3] != "text" or first[11]:
            issues.append(
                RedcapIssue(
                    "RC007",
                    "error",
                    first_line,
                    first[0],
                    "the first field is the record id: a text field without branching logic",
                )
            )
    return issues


def check_redcap_dictionary(path: Path) -> list[RedcapIssue]:
    """Given a data dictionary CSV file, return every rule violation (empty if REDCap would import it)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return check_redcap_rows(list(csv.reader(handle)))
