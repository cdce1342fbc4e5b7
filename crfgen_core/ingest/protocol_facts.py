"""Body-text facts that decide CRF content beyond the SoA: named standards (RECIST 1.1, CTCAE), where
laboratory samples are analysed, study drug, subject characteristics, and the positions and waiting
times measurements are taken in ("lie supine for 5 minutes ... then stand; after 1 and 3 minutes").

Given the body lines of any protocol, return what the text states, as written; the mapping decides
what it means for the CRF. The vocabulary is data (ingest/data/*.csv, each row with its source).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from crfgen_core.ingest.text_lines import TextLine
from crfgen_core.model.protocol import (
    Mention,
    MentionKind,
    PositionTiming,
    ProtocolFacts,
    TimedMeasurement,
)

MAX_MENTIONS_PER_KEY = 3  # evidence enough for a reviewer; the count decides nothing beyond that
MAX_TEXT = 300
TOC_LEADER = re.compile(r"\.{5,}")  # a table-of-contents line's dot leader
MAX_BLOCK_SENTENCES = 6  # a measurement procedure is described in a few consecutive sentences
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"'(\[•●A-Z0-9])")
# a waiting time: "for at least 5 minutes", "after approximately 1 and 3 minutes", "a 5-minute rest";
# a bare list of minutes ("Predose, 15, 30, 60 min") is a sampling schedule, not a wait in a position
_MINUTES = re.compile(
    r"(?:\b(?:for|after|least|approximately|about|minimum\s+of)\s+)"
    r"(?P<run>\d+(?:\.\d+)?(?:\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*)\d+(?:\.\d+)?)*)"
    r"\s*-?\s*(?:minutes?|mins?)\b"
    r"|\b(?P<rest>\d+)\s*-\s*min(?:ute)?\s+(?:rest|period|wait)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# a sentence that describes an optional or unscheduled measurement states no planned time point
_CONDITIONAL = re.compile(
    r"^\s*(?:if|when|in\s+case|should)\b|\bunscheduled\b|\bif\s+(?:required|needed|necessary|possible)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _MentionRule:
    kind: MentionKind
    key: str
    pattern: re.Pattern[str]
    context: re.Pattern[str] | None


@dataclass(frozen=True)
class _Vocabulary:
    mentions: tuple[_MentionRule, ...]
    positions: tuple[tuple[re.Pattern[str], str], ...]
    measurement: re.Pattern[str]


@dataclass(frozen=True)
class _Sentence:
    text: str
    page: int | None
    paragraph: int | None = None  # DOCX


def _rows(name: str) -> list[dict[str, str]]:
    data = resources.files("crfgen_core.ingest").joinpath("data", name)
    with data.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def _vocabulary() -> _Vocabulary:
    mentions = tuple(
        _MentionRule(
            row["kind"],  # type: ignore[arg-type]
            row["key"],
            re.compile(row["pattern"], re.IGNORECASE if row["kind"] != "standard" else 0),
            re.compile(row["context"]) if row["context"] else None,
        )
        for row in _rows("text_mentions.csv")
    )
    positions = tuple(
        (re.compile(row["pattern"], re.IGNORECASE), row["position"]) for row in _rows("body_positions.csv")
    )
    phrases = sorted((row["phrase"] for row in _rows("measurement_words.csv")), key=len, reverse=True)
    measurement = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)
    return _Vocabulary(mentions, positions, measurement)


def sentences(lines: list[TextLine]) -> list[_Sentence]:
    """Given body lines, return sentences with the page they start on.

    A DOCX paragraph or heading ends a sentence; PDF lines wrap, so only punctuation ends one there.
    """
    out: list[_Sentence] = []
    buffer, page = "", None
    for line in lines:
        text = " ".join(line.text.split())
        if not text:
            continue
        if not buffer:
            page = line.page
        joined = buffer[:-1] + text if buffer.endswith("-") and text[:1].islower() else f"{buffer} {text}"
        buffer = joined.strip()
        if line.page is None or line.heading:  # DOCX: one paragraph is a unit
            out.extend(_split(buffer, page, line.paragraph))
            buffer = ""
            continue
        parts = _SENTENCE_END.split(buffer)
        for part in parts[:-1]:
            out.append(_Sentence(part, page))
        if len(parts) > 1:
            page = line.page
        buffer = parts[-1]
    if buffer:
        out.extend(_split(buffer, page))
    return out


def _split(text: str, page: int | None, paragraph: int | None = None) -> list[_Sentence]:
    return [_Sentence(part, page, paragraph) for part in _SENTENCE_END.split(text) if part.strip()]


def _mentions(found: list[_Sentence]) -> list[Mention]:
    vocabulary = _vocabulary()
    hits: dict[tuple[str, str], list[tuple[int, Mention]]] = {}
    for position, sentence in enumerate(found):
        for rule in vocabulary.mentions:
            if not rule.pattern.search(sentence.text):
                continue
            if rule.context is not None and not rule.context.search(sentence.text):
                continue
            mention = Mention(
                kind=rule.kind,
                key=rule.key,
                text=sentence.text[:MAX_TEXT],
                page=sentence.page,
                paragraph=sentence.paragraph,
            )
            hits.setdefault((rule.kind, rule.key), []).append((position, mention))
    kept: list[tuple[int, Mention]] = []
    for listed in hits.values():
        # the evidence kept is what a reviewer can check: body sentences before contents lines
        kept += sorted(listed, key=lambda hit: bool(TOC_LEADER.search(hit[1].text)))[:MAX_MENTIONS_PER_KEY]
    return [mention for _, mention in sorted(kept, key=lambda hit: hit[0])]


def _positions(text: str) -> list[tuple[int, int, str, str]]:
    """Non-overlapping (start, end, position, written) matches, in text order."""
    spans: list[tuple[int, int, str, str]] = []
    for pattern, position in _vocabulary().positions:
        for found in pattern.finditer(text):
            if not any(found.start() < end and start < found.end() for start, end, _, _ in spans):
                spans.append((found.start(), found.end(), position, found.group(0)))
    return sorted(spans)


def _timings(block: list[_Sentence]) -> list[PositionTiming]:
    """Positions in order of first mention; a waiting time goes to the position it follows in its
    sentence, else to the one it precedes there, else to the last position named before."""
    timings: dict[str, PositionTiming] = {}
    last: PositionTiming | None = None
    for sentence in block:
        if _CONDITIONAL.search(sentence.text):
            continue
        positions = _positions(sentence.text)
        for index, (start, _, position, written) in enumerate(positions):
            timing = timings.setdefault(position, PositionTiming(position=position, written=written))
            if index == 0:  # "after 5 minutes supine": a time before the first position is its own
                for found in _MINUTES.finditer(sentence.text[:start]):
                    _add_minutes(timing, _numbers(found))
            last = timing
        for found in _MINUTES.finditer(sentence.text):
            preceding = [p for p in positions if p[0] < found.start()]
            if preceding:
                _add_minutes(timings[preceding[-1][2]], _numbers(found))
            elif not positions and last is not None:
                _add_minutes(last, _numbers(found))
    return list(timings.values())


def _numbers(found: re.Match[str]) -> list[float]:
    return [float(n) for n in _NUMBER.findall(found.group("run") or found.group("rest"))]


def _add_minutes(timing: PositionTiming, minutes: list[float]) -> None:
    for value in minutes:
        if value not in timing.minutes:
            timing.minutes.append(value)


def _timed_measurements(found: list[_Sentence]) -> list[TimedMeasurement]:
    vocabulary = _vocabulary()
    blocks: list[list[_Sentence]] = []
    block: list[_Sentence] = []
    for sentence in found:
        relevant = (
            _positions(sentence.text)
            or _MINUTES.search(sentence.text)
            or vocabulary.measurement.search(sentence.text)
        )
        if block and relevant and len(block) < MAX_BLOCK_SENTENCES:
            block.append(sentence)
            continue
        if block:
            blocks.append(block)
            block = []
        if _positions(sentence.text) and not _CONDITIONAL.search(sentence.text):
            block = [sentence]
    if block:
        blocks.append(block)
    out: list[TimedMeasurement] = []
    for block in blocks:
        timings = _timings(block)
        words = [
            " ".join(m.group(0).lower().split())
            for s in block
            for m in vocabulary.measurement.finditer(s.text)
        ]
        if timings and words:
            text = " ".join(s.text for s in block)
            out.append(
                TimedMeasurement(
                    measurements=list(dict.fromkeys(words)),
                    timings=timings,
                    text=text[: MAX_TEXT * 2],
                    page=block[0].page,
                )
            )
    return out


def extract_facts(lines: list[TextLine]) -> ProtocolFacts:
    """Given the body lines of a protocol, return the CRF-relevant facts its text states."""
    found = sentences(lines)
    return ProtocolFacts(mentions=_mentions(found), timed_measurements=_timed_measurements(found))
