"""What the protocol document says: the parser's output, before any CDISC interpretation."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from crfgen_core.model.base import Contract

ProtocolFormat = Literal["pdf", "docx"]
ObjectiveLevel = Literal["primary", "secondary", "exploratory", "other"]


class ProtocolDocument(Contract):
    """The input file, identified by its bytes."""

    file_name: str
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: ProtocolFormat
    size_bytes: int = Field(ge=0)
    pages: int | None = Field(default=None, description="page count; None for DOCX")


class StudyMetadata(Contract):
    """Title-page facts. Every field is optional: a protocol may not state it."""

    protocol_number: str | None = None
    title: str | None = None
    short_title: str | None = None
    phase: str | None = None
    sponsor: str | None = None
    nct_number: str | None = None
    version: str | None = None
    amendment: str | None = None
    date: str | None = None


class Footnote(Contract):
    marker: str
    text: str


class Visit(Contract):
    """One SoA column; `headers` are the header cells above it, top to bottom."""

    id: str
    label: str
    headers: list[str] = Field(default_factory=list)
    epoch: str | None = None
    day: str | None = None
    window: str | None = None
    footnotes: list[str] = Field(default_factory=list)
    pages: list[int] = Field(default_factory=list, description="1-based PDF pages its header was read on")


class Activity(Contract):
    """One SoA row that schedules something; `group` is the section row above it."""

    id: str
    label: str
    group: str | None = None
    footnotes: list[str] = Field(default_factory=list)
    page: int | None = Field(default=None, description="1-based PDF page of its first part")
    pages: list[int] = Field(default_factory=list, description="every PDF page the row was read on")
    table: str | None = Field(default=None, description="where in a document without pages, e.g. 'table 7'")
    row: int | None = Field(default=None, description="0-based row index in the rebuilt table")


class ScheduleCell(Contract):
    """A marked cell, its text kept as written (X, x, P, a time list, an arrow...)."""

    activity: str
    visit: str
    text: str
    footnotes: list[str] = Field(default_factory=list)
    page: int | None = Field(default=None, description="1-based PDF page the cell was read on")


class Schedule(Contract):
    """One logical Schedule of Activities table (stitched across pages)."""

    id: str
    title: str
    pages: list[int] = Field(default_factory=list, description="1-based PDF pages; empty for DOCX")
    tables: list[str] = Field(
        default_factory=list, description="DOCX: the Word tables it was read from ('table 7', body order)"
    )
    visits: list[Visit] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    cells: list[ScheduleCell] = Field(default_factory=list)
    footnotes: list[Footnote] = Field(default_factory=list)
    legend: list[Footnote] = Field(
        default_factory=list,
        description="what the cell codes mean, as the table's legend says (P = practice, not collected)",
    )
    ocr_pages: list[int] = Field(default_factory=list, description="pages read from pixels by OCR")


class Criterion(Contract):
    number: str
    text: str
    page: int | None = None
    paragraph: int | None = Field(default=None, description="DOCX: 1-based body paragraph it starts in")


class Eligibility(Contract):
    inclusion: list[Criterion] = Field(default_factory=list)
    exclusion: list[Criterion] = Field(default_factory=list)


class Objective(Contract):
    level: ObjectiveLevel
    text: str
    endpoints: list[str] = Field(default_factory=list)


class Panel(Contract):
    """What the protocol says one panel contains (a lab appendix table, the vital signs or ECG list)."""

    name: str = Field(description="panel name as written, e.g. 'Hematology', 'Vital signs', 'ECG'")
    tests: list[str] = Field(default_factory=list, description="test names as written, one per analyte")
    page: int | None = None
    paragraph: int | None = Field(default=None, description="DOCX: the 1-based body paragraph of a sentence")
    source: str | None = Field(default=None, description="where it was read, e.g. 'Appendix 2 table'")


MentionKind = Literal["standard", "lab_setup", "study_drug", "subject_characteristic"]


class Mention(Contract):
    """A fact the body text states that decides CRF content: a named standard, where labs are analysed."""

    kind: MentionKind
    key: str = Field(description="what was recognised, e.g. 'RECIST 1.1', 'CTCAE', 'central', 'education'")
    text: str = Field(description="the sentence it was read in, as written (shortened)")
    page: int | None = None
    paragraph: int | None = Field(default=None, description="DOCX: 1-based body paragraph")


class PositionTiming(Contract):
    """One body position a measurement is taken in, with the waiting times the text states for it."""

    position: str = Field(description="canonical position word: supine, sitting, standing, semi-recumbent")
    written: str = Field(description="the words as written, e.g. 'lie supine', 'stand up', 'seated'")
    minutes: list[float] = Field(default_factory=list, description="waiting times stated, e.g. [1, 3]")


class TimedMeasurement(Contract):
    """Measurements the text ties to positions and waiting times ('supine for 5 minutes, then standing
    after 1 and 3 minutes')."""

    measurements: list[str] = Field(description="measurement names as written: 'blood pressure', 'pulse'")
    timings: list[PositionTiming] = Field(default_factory=list)
    text: str = Field(description="the passage it was read from (shortened)")
    page: int | None = None


class ProtocolFacts(Contract):
    """Statements in the body text that decide CRF content beyond the SoA (read by ingest.protocol_facts)."""

    mentions: list[Mention] = Field(default_factory=list)
    timed_measurements: list[TimedMeasurement] = Field(default_factory=list)

    def keys(self, kind: MentionKind) -> list[str]:
        """Given a kind, return the distinct keys mentioned, in first-mention order."""
        return list(dict.fromkeys(m.key for m in self.mentions if m.kind == kind))


class ExtractionWarning(Contract):
    """Something a reviewer should know about the extraction (never a silent loss)."""

    code: str = Field(description="stable machine code, e.g. SOA_IS_IMAGE, NO_SOA_FOUND")
    message: str
    page: int | None = None


class ParsedProtocol(Contract):
    document: ProtocolDocument
    metadata: StudyMetadata = Field(default_factory=StudyMetadata)
    schedules: list[Schedule] = Field(default_factory=list)
    eligibility: Eligibility = Field(default_factory=Eligibility)
    objectives: list[Objective] = Field(default_factory=list)
    panels: list[Panel] = Field(default_factory=list, description="panel contents listed in the body")
    facts: ProtocolFacts = Field(default_factory=ProtocolFacts, description="body-text facts for CRF content")
    warnings: list[ExtractionWarning] = Field(default_factory=list)
