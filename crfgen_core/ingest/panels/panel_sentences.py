"""Panels stated in a sentence: "Vital signs will include systolic and diastolic blood pressure, ...",
"ECG parameters: heart rate, PR, QRS, QT, QTcF", "Hematology includes WBC count, hemoglobin, ..."."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from crfgen_core.ingest.panels.test_names import clean_tests, split_list
from crfgen_core.ingest.panels.vocabulary import clean_name, heading_names, match_heading
from crfgen_core.model.protocol import Panel

MIN_SENTENCE_TESTS = 2
MAX_SENTENCE_TEST_WORDS = 5  # a listed vital sign or ECG parameter is a few words; more is prose
MAX_LIST_CHARS = 400
_BRACKETED = re.compile(r"\s*[\(\[][^()\[\]]*[\)\]]")
_ABBREVIATION_DOTS = re.compile(r"\b(i)\.e\.|\b(e)\.g\.", re.IGNORECASE)


@dataclass(frozen=True)
class Passage:
    """A run of body text (a PDF page with its lines joined, or a DOCX paragraph)."""

    text: str
    page: int | None = None
    paragraph: int | None = None  # DOCX: 1-based body paragraph


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    names = "|".join(re.escape(name).replace(r"\ ", r"[\s-]+") for name in heading_names())
    head = rf"\b(?P<head>(?:{names}))\b(?:\s+(?:measurements?|assessments?|parameters|panel|tests?))?"
    verb = (
        r"(?:\s*[\(\[][^()\[\]]{0,80}[\)\]])?\s*(?:(?:will|shall|should|must|to)\s+(?:be\s+)?)?"
        r"(?:include|includes|including|consist\s+of|consists\s+of|comprise|comprises|:)\s*"
        r"(?:the\s+following(?:\s+\w+)?:?\s*)?"
    )
    listed = rf"(?P<list>[^.]{{3,{MAX_LIST_CHARS}}}?(?:\([^)]*\)[^.]*?)*)(?=\.(?:\s|$)|$)"
    stated = re.compile(head + verb + listed, re.IGNORECASE)
    bracketed = re.compile(head + r"\s*\((?:ie,?|including)\s*(?P<list>[^()]{3,300})\)", re.IGNORECASE)
    return stated, bracketed


def sentence_panels(passages: list[Passage]) -> list[Panel]:
    """Given body passages, return at most one panel per kind: the sentence that lists most tests."""
    best: dict[str, Panel] = {}
    order: list[str] = []
    for passage in passages:
        text = _ABBREVIATION_DOTS.sub(lambda m: "ie" if m.group(1) else "eg", passage.text)
        for pattern in _patterns():
            for found in pattern.finditer(text):
                heading = match_heading(found.group("head"))
                if heading is None or not heading.kind or heading.parent:
                    continue
                tests = clean_tests(split_list(_list_text(found.group("list"))))
                if len(tests) < MIN_SENTENCE_TESTS or any(
                    len(test.split()) > MAX_SENTENCE_TEST_WORDS for test in tests
                ):
                    continue
                name = clean_name(found.group("head"))
                panel = Panel(
                    name=name[:1].upper() + name[1:],
                    tests=tests,
                    page=passage.page,
                    paragraph=passage.paragraph,
                    source="sentence",
                )
                if heading.kind not in best:
                    order.append(heading.kind)
                if heading.kind not in best or len(tests) > len(best[heading.kind].tests):
                    best[heading.kind] = panel
    return [best[kind] for kind in order]


def _list_text(text: str) -> str:
    """The list up to an unmatched closing bracket, without its parentheticals (abbreviations, units)."""
    depth = 0
    for index, char in enumerate(text):
        depth += char in "(["
        if char in ")]":
            if depth == 0:
                text = text[:index]
                break
            depth -= 1
    previous = None
    while previous != text:
        previous, text = text, _BRACKETED.sub("", text)
    return text


def sentence_kind(panel: Panel) -> str:
    """Given a panel, return its heading kind ("" when the name is no known heading)."""
    heading = match_heading(panel.name)
    return heading.kind if heading else ""
