"""Test names as written, one per analyte: list text split, qualifiers, units and markers taken off."""

from __future__ import annotations

import re

MAX_TEST_WORDS = 10  # longer entries are prose, not a test name
_BULLET = re.compile(r"^[\s•●○▪■□◦·\-–—*\uf0b7\uf0a7\uf0d8\uf076]+")
_UNIT = re.compile(r"\s*\((?:[^()]*\d[^()]*|[µμa-z%][^()\s]*/[^()\s]+)\)")
_CONDITION = re.compile(
    r"\s*[\(\[][^()\[\]]*\b(?:if|only|when|unless|optional|applicable|required|screening|visit|see|per|"
    r"e\.g|as needed)\b[^()\[\]]*[\)\]]",
    re.IGNORECASE,
)
_TAIL_CLAUSE = re.compile(
    r",?\s+\b(?:if|at|when|unless|as|per|for|in|on|every|after|before|prior|measured|performed|taken|"
    r"obtained|will|should|must|to be)\b\s.*$",
    re.IGNORECASE,
)
_LEAD_WORDS = re.compile(
    r"^(?:and|or|the|also|measurements? of|including|i\.e\.,?|e\.g\.,?)\s+", re.IGNORECASE
)
_TRAILING = re.compile(r"[\s:;,.*]+$")


def split_list(text: str) -> list[str]:
    """Given list text ("A, B, C and D"), return its items; commas inside brackets do not split."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        depth += char in "(["
        depth -= char in ")]" and depth > 0
        if char in ",;" and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    out: list[str] = []
    for item in items:
        out.extend(_split_and(item.strip()))
    return [item for item in out if item]


def _split_and(item: str) -> list[str]:
    """Split "weight and height"; "systolic and diastolic blood pressure" names two tests of one kind."""
    item = _LEAD_WORDS.sub("", item)
    if "(" in item or "[" in item:
        head, sep, rest = item.partition(" and ")
        if sep and "(" not in head and "[" not in head and ")" not in head:
            return [head, *_split_and(rest)]
        return [item]
    parts = [part.strip() for part in re.split(r"\s+(?:and|or|&)\s+", item) if part.strip()]
    if len(parts) == 2 and len(parts[0].split()) == 1 and len(parts[1].split()) >= 2 and parts[0].islower():
        # "systolic and diastolic blood pressure": the first word shares the noun of the second
        noun = " ".join(parts[1].split()[1:])
        return [f"{parts[0]} {noun}", parts[1]]
    return parts


def clean_test(text: str) -> str | None:
    """Given one entry as printed, return the test name, or None when it is not one."""
    name = _BULLET.sub("", " ".join(text.split()))
    if name.endswith(":"):  # a sub-label ("Relative counts of:"), not a test
        return None
    name = _CONDITION.sub("", name)
    name = _UNIT.sub("", name)
    name = _TAIL_CLAUSE.sub("", name)
    name = _LEAD_WORDS.sub("", name)
    name = _TRAILING.sub("", name).strip()
    if not name or len(name) < 2 or not re.search(r"[A-Za-z]", name) or len(name.split()) > MAX_TEST_WORDS:
        return None
    if name.count("(") != name.count(")"):
        return None
    return name


def clean_tests(entries: list[str]) -> list[str]:
    """Given entries, return the distinct test names among them, in order."""
    names = (clean_test(entry) for entry in entries)
    return list(dict.fromkeys(name for name in names if name))
