"""Check a REDCap longitudinal set-up (arms, events, instrument-event mapping, repeating instruments and
events) and the dictionary's branching logic against the rules REDCap applies when it imports them.

Rules (data in data/redcap_dictionary_rules.json, `project_files`): RC101 a file's header, RC102 arms
(whole positive numbers, unique, named), RC103 events (name 1-30 characters, an existing arm, a numeric
day offset, window offsets >= 0), RC104 unique event names are the ones REDCap will generate, RC105
mapping rows name an existing arm, an event of that arm and an instrument of the dictionary, RC106
repeating rows name a mapped event and instrument, and no event is both repeating and holds repeating
instruments, RC107 every instrument is mapped to an event (warning), RC108 branching logic names fields
the dictionary has and its brackets and quotes balance.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crfgen_core.quality.redcap_rules import RedcapIssue, redcap_rules

ARMS_FILE = "redcap_arms.csv"
EVENTS_FILE = "redcap_events.csv"
MAPPING_FILE = "redcap_instrument_event_mapping.csv"
REPEATING_FILE = "redcap_repeating_instruments.csv"
_FIELD_REF = re.compile(r"\[([a-z][a-z0-9_]*)(?:\([^)]*\))?\]")
_EVENT_PREFIXED = re.compile(r"\[[a-z0-9_]+\]\[")


def project_rules() -> dict[str, Any]:
    rules: dict[str, Any] = redcap_rules()["project_files"]
    return rules


def unique_event_names(events: list[tuple[int, str]]) -> list[str]:
    """Given (arm number, event name) in REDCap's event order, return the unique event names REDCap
    generates: letters, digits, underscores and spaces of the name, spaces to underscores, the first 18
    characters lower-cased, outer underscores removed, '_arm_N' appended, a repeat suffixed b, c, ..."""
    stem_length = project_rules()["unique_event_stem_length"]
    seen: list[str] = []
    names = []
    for arm, name in events:
        text = re.sub(r"[^0-9a-z_ ]", "", name.strip(), flags=re.IGNORECASE)
        text = text.replace(" ", "_")[:stem_length].lower().strip("_")
        if not text:  # REDCap falls back to an md5 prefix: never let it, we always give words
            text = "event"
        text = f"{text}_arm_{arm}"
        count = seen.count(text)
        suffix = (
            ""
            if count == 0
            else chr(97 + count)
            if count < 26
            else chr(96 + count // 26) + chr(97 + count % 26)
        )
        seen.append(text)
        names.append(text + suffix)
    return names


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]


@dataclass
class _Project:
    instruments: set[str]
    issues: list[RedcapIssue] = field(default_factory=list)
    arms: set[int] = field(default_factory=set)
    events: dict[str, int] = field(default_factory=dict)  # unique event name -> arm
    mapped: set[tuple[str, str]] = field(default_factory=set)  # (event, form)

    def error(self, rule: str, line: int, name: str, message: str) -> None:
        self.issues.append(RedcapIssue(rule, "error", line, name, message))

    def rows(self, path: Path, header: list[str]) -> list[tuple[int, dict[str, str]]]:
        rows = _read(path)
        if not rows or rows[0] != header:
            self.error("RC101", 1, path.name, f"header must be {','.join(header)}")
            return []
        body = []
        for line, row in enumerate(rows[1:], 2):
            if len(row) != len(header):
                self.error("RC101", line, path.name, f"{len(row)} columns, not {len(header)}")
                continue
            body.append((line, dict(zip(header, row, strict=True))))
        return body


def _whole(text: str) -> int | None:
    return int(text) if re.fullmatch(r"-?\d+", text.strip()) else None


def _check_arms(project: _Project, path: Path) -> None:
    for line, row in project.rows(path, project_rules()["arms"]):
        number = _whole(row["arm_num"])
        if number is None or number < 1:
            project.error("RC102", line, row["arm_num"], "arm_num must be a whole number >= 1")
        elif number in project.arms:
            project.error("RC102", line, row["arm_num"], "arm_num used twice")
        elif not row["name"].strip():
            project.error("RC102", line, row["arm_num"], "arm has no name")
        else:
            project.arms.add(number)


def _check_events(project: _Project, path: Path) -> None:
    rules = project_rules()
    rows = project.rows(path, rules["events"])
    for line, row in rows:
        name, arm = row["event_name"], _whole(row["arm_num"])
        if not name.strip() or len(name) > rules["max_event_name_length"]:
            project.error(
                "RC103", line, name, f"event name must have 1-{rules['max_event_name_length']} characters"
            )
        if arm is None or arm not in project.arms:
            project.error("RC103", line, name, f"arm_num {row['arm_num']!r} is not an arm of redcap_arms.csv")
        if not re.fullmatch(r"-?\d+(\.\d+)?", row["day_offset"].strip()):
            project.error("RC103", line, name, f"day_offset {row['day_offset']!r} is not a number")
        for column in ("offset_min", "offset_max"):
            value = _whole(row[column])
            if value is None or value < 0:
                project.error("RC103", line, name, f"{column} {row[column]!r} must be a whole number >= 0")
    # REDCap orders an arm's events by day offset, then name: the order its unique names follow
    ordered = sorted(
        rows,
        key=lambda r: (_whole(r[1]["arm_num"]) or 0, float(r[1]["day_offset"] or 0), r[1]["event_name"]),
    )
    valid = [
        (line, row) for line, row in ordered if re.fullmatch(r"-?\d+(\.\d+)?", row["day_offset"].strip())
    ]
    expected = unique_event_names([(_whole(r["arm_num"]) or 0, r["event_name"]) for _, r in valid])
    for (line, row), unique in zip(valid, expected, strict=True):
        if row["unique_event_name"] != unique:
            project.error(
                "RC104",
                line,
                row["event_name"],
                f"REDCap will name this event {unique!r}, not {row['unique_event_name']!r}",
            )
        project.events[row["unique_event_name"]] = _whole(row["arm_num"]) or 0


def _check_mapping(project: _Project, path: Path) -> None:
    for line, row in project.rows(path, project_rules()["instrument_event_mapping"]):
        event, form = row["unique_event_name"], row["form"]
        if _whole(row["arm_num"]) not in project.arms:
            project.error("RC105", line, event, f"arm_num {row['arm_num']!r} is not an arm")
        if project.events.get(event) != _whole(row["arm_num"]):
            project.error("RC105", line, event, "not an event of that arm in redcap_events.csv")
        if form not in project.instruments:
            project.error("RC105", line, event, f"instrument {form!r} is not in the data dictionary")
        project.mapped.add((event, form))
    for form in sorted(project.instruments - {form for _, form in project.mapped}):
        project.issues.append(RedcapIssue("RC107", "warning", 1, form, "instrument is mapped to no event"))


def _check_repeating(project: _Project, path: Path) -> None:
    whole_events: set[str] = set()
    with_forms: set[str] = set()
    for line, row in project.rows(path, project_rules()["repeating"]):
        event, form = row["event_name"], row["form_name"]
        if event not in project.events:
            project.error("RC106", line, event, "not an event of redcap_events.csv")
        elif form and (event, form) not in project.mapped:
            project.error("RC106", line, event, f"instrument {form!r} is not mapped to this event")
        (with_forms if form else whole_events).add(event)
    for event in sorted(whole_events & with_forms):
        project.error(
            "RC106", 1, event, "an event repeats as a whole or holds repeating instruments, not both"
        )


def check_branching(rows: list[list[str]]) -> list[RedcapIssue]:
    """Given dictionary rows (header first), return RC108 issues: unknown fields, unbalanced logic."""
    issues: list[RedcapIssue] = []
    names = {row[0] for row in rows[1:] if row}
    for line, row in enumerate(rows[1:], 2):
        logic = row[11] if len(row) > 11 else ""
        if not logic.strip():
            continue
        if logic.count("[") != logic.count("]") or logic.count("'") % 2 or logic.count('"') % 2:
            issues.append(
                RedcapIssue("RC108", "error", line, row[0], f"unbalanced brackets or quotes: {logic}")
            )
        for name in _FIELD_REF.findall(_EVENT_PREFIXED.sub("[", logic)):
            if name not in names:
                issues.append(
                    RedcapIssue(
                        "RC108", "error", line, row[0], f"branching logic names unknown field {name!r}"
                    )
                )
    return issues


def check_redcap_project(directory: Path, dictionary: Path) -> list[RedcapIssue]:
    """Given a package directory with the four longitudinal files and the data dictionary, return every
    rule violation (empty when REDCap would import them in this order: dictionary, arms, events,
    mapping, repeating)."""
    with dictionary.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    project = _Project(instruments={row[1] for row in rows[1:] if len(row) > 1})
    project.issues.extend(check_branching(rows))
    _check_arms(project, directory / ARMS_FILE)
    _check_events(project, directory / EVENTS_FILE)
    _check_mapping(project, directory / MAPPING_FILE)
    _check_repeating(project, directory / REPEATING_FILE)
    return project.issues
