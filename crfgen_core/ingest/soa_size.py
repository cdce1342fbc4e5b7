"""The smallest Schedule of Activities a CRF can be built from: one threshold, read by reader and gate.

A "schedule" of two rows or two columns is almost always a table misread as the SoA (a revision history,
a dosing table) or an SoA read only in part. Building a CRF from it would publish a near-empty CRF
book without anyone noticing, so the reader warns (SOA_TOO_SMALL) and the blocking gate `soa_found`
fails. Activities and visits are counted over all schedules of the protocol, each distinct label once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crfgen_core.model.protocol import Schedule

MIN_SOA_ACTIVITIES = 5
MIN_SOA_VISITS = 3
SOA_TOO_SMALL = "SOA_TOO_SMALL"  # the ExtractionWarning code


@dataclass(frozen=True)
class SoASize:
    """How many distinct activities and visits the schedules of one protocol hold."""

    activities: int
    visits: int

    @property
    def too_small(self) -> bool:
        return self.activities < MIN_SOA_ACTIVITIES or self.visits < MIN_SOA_VISITS

    def shortfall(self) -> str:
        """Given a size, return why it is too small in words ('' when it is large enough)."""
        if not self.too_small:
            return ""
        return (
            f"the Schedule of Activities is too small to build a CRF from: {self.activities} activities "
            f"(at least {MIN_SOA_ACTIVITIES}) and {self.visits} visits (at least {MIN_SOA_VISITS}) over all "
            "schedules; the table found is probably not the SoA, or was read only in part"
        )


def soa_size(schedules: Sequence[Schedule]) -> SoASize:
    """Given the schedules of one protocol, return how many distinct activities and visits they hold."""
    activities = {_key(a.label or a.id) for s in schedules for a in s.activities}
    visits = {_key(v.label or v.id) for s in schedules for v in s.visits}
    return SoASize(activities=len(activities), visits=len(visits))


def _key(label: str) -> str:
    return " ".join(label.lower().split())
