"""Positions and time points the protocol text states for a measurement, as value-level records.

"Lie supine for 5 minutes ... then stand; blood pressure and heart rate after 1 and 3 minutes" gives
three records of each test: (SUPINE, after 5 minutes), (STANDING, 1 minute), (STANDING, 3 minutes).
One stated position alone ("measured seated") only fixes the position. The general pattern is read by
ingest.protocol_facts; here the words become CT positions and --TPT texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from crfgen_core.model.protocol import PositionTiming, TimedMeasurement
from crfgen_core.terminology.ct_index import CTIndex

POSITION_CODELIST = "POSITION"


@dataclass(frozen=True)
class TestRecord:
    """One collected record of a test: the qualifiers that fix it and how the question names it."""

    qualifiers: tuple[tuple[str, str], ...]  # (variable, value), e.g. (("VSPOS", "SUPINE"),)
    suffix: str  # OID part that tells the records apart, e.g. "TPT1"
    label: str  # printed after the question, e.g. "supine, after 5 minutes"


def merge_timings(blocks: list[TimedMeasurement]) -> list[PositionTiming]:
    """Given the passages that apply to one test, return positions in first-mention order, minutes merged."""
    merged: dict[str, PositionTiming] = {}
    for block in blocks:
        for timing in block.timings:
            known = merged.setdefault(
                timing.position, PositionTiming(position=timing.position, written=timing.written)
            )
            known.minutes.extend(m for m in timing.minutes if m not in known.minutes)
    return list(merged.values())


def _minutes_text(value: float) -> str:
    number = f"{value:g}"
    return f"{number} MINUTE" if value == 1 else f"{number} MINUTES"


def test_records(domain: str, timings: list[PositionTiming], ct: CTIndex) -> list[TestRecord]:
    """Given a domain and merged timings, return one record per (position, waiting time).

    Empty when no position is known to CT. A single record fixes only --POS; several get --TPT and
    --TPTNUM in the order the text states them.
    """
    pairs: list[tuple[str, float | None]] = []
    for timing in timings:
        term = ct.term(POSITION_CODELIST, timing.position.upper())
        if term is None:
            continue
        waits: list[float | None] = [*timing.minutes] or [None]
        pairs.extend((term.submission_value, wait) for wait in waits)
    if len(pairs) == 1:
        position = pairs[0][0]
        return [TestRecord(((f"{domain}POS", position),), position, position.lower())]
    records = []
    for number, (position, wait) in enumerate(pairs, 1):
        point = f"AFTER {_minutes_text(wait)} {position}" if wait is not None else position
        label = position.lower() + (f", after {wait:g} min" if wait is not None else "")
        records.append(
            TestRecord(
                ((f"{domain}POS", position), (f"{domain}TPTNUM", str(number)), (f"{domain}TPT", point)),
                f"TPT{number}",
                label,
            )
        )
    return records
