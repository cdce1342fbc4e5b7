"""Panel headings a protocol uses ("Hematology:", "Clinical Chemistry", "Vital signs"), read from data."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_PARENTHETICAL = re.compile(r"\s*[\(\[][^()\[\]]*[\)\]]")
_TRAILING = re.compile(r"[\s:;,.\-–—*]+$")
_FOOTNOTE_TAIL = re.compile(r"(?<=[a-z])[a-f](?:,[a-f])*$")  # "Hematologya" -> marker "a" glued on
MAX_LEAD_IN_WORDS = 4
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Heading:
    """A recognised panel heading: its name as written (cleaned), its kind, and the kind it belongs to."""

    name: str
    kind: str  # "" for labels that end a panel but are not one ("Other tests", "Pregnancy test")
    parent: str = ""  # a sub-panel ("Liver enzymes") adds its tests to an open panel of this kind


@dataclass(frozen=True)
class _Vocabulary:
    headings: dict[str, tuple[str, str]]
    prefixes: frozenset[str]
    suffixes: frozenset[str]


@cache
def _vocabulary() -> _Vocabulary:
    data = resources.files("crfgen_core.ingest.panels").joinpath("data")
    with data.joinpath("panel_headings.csv").open(encoding="utf-8") as handle:
        headings = {row["heading"]: (row["kind"], row["parent"]) for row in csv.DictReader(handle)}
    with data.joinpath("heading_words.csv").open(encoding="utf-8") as handle:
        words = list(csv.DictReader(handle))
    return _Vocabulary(
        headings=headings,
        prefixes=frozenset(w["word"] for w in words if w["role"] == "prefix"),
        suffixes=frozenset(w["word"] for w in words if w["role"] == "suffix"),
    )


def clean_name(text: str) -> str:
    """Given a heading as printed, return it without parentheticals, trailing colon and glued markers."""
    name = _PARENTHETICAL.sub("", text)
    name = _TRAILING.sub("", " ".join(name.split()))
    return name


def match_heading(text: str) -> Heading | None:
    """Given a short text, return the panel heading it is, or None (prefix/suffix words tolerated)."""
    name = clean_name(text)
    if not name or len(name) > 60:
        return None
    vocabulary = _vocabulary()
    words = _WORD.findall(name.lower())
    candidates = [words, _unglued(words)]
    if text.rstrip().endswith(":"):  # a lead-in: "Serum Chemistry assessments for safety include:"
        candidates += [words[:n] for n in range(min(len(words) - 1, MAX_LEAD_IN_WORDS), 0, -1)]
    for candidate in candidates:
        key = _strip(candidate, vocabulary)
        if key in vocabulary.headings:
            kind, parent = vocabulary.headings[key]
            shown = name if candidate is words else _shown(name, candidate)
            return Heading(name=shown, kind=kind, parent=parent)
    return None


def _shown(name: str, words: list[str]) -> str:
    """The printed form of the first len(words) words of name (glued footnote letter dropped)."""
    printed = name.split()[: len(words)]
    if printed and printed[-1].lower() != words[-1]:
        printed[-1] = printed[-1][: len(words[-1])]
    return " ".join(printed)


def heading_names() -> list[str]:
    """Every heading of the vocabulary (lower case), longest first, for building sentence patterns."""
    return sorted(_vocabulary().headings, key=len, reverse=True)


def _unglued(words: list[str]) -> list[str]:
    """The words with a footnote letter glued to the last one removed ("urinalysisa" -> "urinalysis")."""
    if not words or not _FOOTNOTE_TAIL.search(words[-1]) or len(words[-1]) < 4:
        return words
    return [*words[:-1], words[-1][:-1]]


def _strip(words: list[str], vocabulary: _Vocabulary) -> str:
    key = " ".join(words)
    if key in vocabulary.headings:
        return key
    start, end = 0, len(words)
    while end > start + 1 and words[end - 1] in vocabulary.suffixes:
        end -= 1
    if " ".join(words[start:end]) in vocabulary.headings:
        return " ".join(words[start:end])
    while start < end - 1 and words[start] in vocabulary.prefixes:
        start += 1
    return " ".join(words[start:end])
