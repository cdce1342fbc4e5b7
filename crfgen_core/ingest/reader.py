"""Protocol file to ParsedProtocol: the one entry point of ingestion.

The file is opened once by its format's reader (crfgen_core.ingest.formats); every reader feeds the one
SoA builder (crfgen_core.ingest.soa.build_schedules).
"""

from __future__ import annotations

from pathlib import Path

from crfgen_core.ingest.document import identify
from crfgen_core.ingest.eligibility import extract_eligibility
from crfgen_core.ingest.formats import reader_for
from crfgen_core.ingest.limits import ExtractionDeadline, InputLimits, check_input_limits
from crfgen_core.ingest.metadata import extract_metadata
from crfgen_core.ingest.protocol_facts import extract_facts
from crfgen_core.ingest.soa import build_schedules
from crfgen_core.ingest.soa_size import soa_size
from crfgen_core.model.protocol import ExtractionWarning, ParsedProtocol, Schedule


def read_protocol(path: Path, limits: InputLimits | None = None) -> ParsedProtocol:
    """Given a PDF or DOCX protocol, return what it says; raise a ProtocolReadError if unreadable.

    Size and page limits are checked before anything is parsed, the time limit between steps
    (`limits` default: InputLimits.from_env()).
    """
    document = identify(path)
    limits = limits or InputLimits.from_env()
    check_input_limits(path, limits)
    deadline = ExtractionDeadline.start(path, limits)
    source = reader_for(path, document.format).open(path)
    try:
        document = document.model_copy(update={"pages": source.page_count})
        reading = source.soa_grids()
        schedules = build_schedules(reading.grids)
        warnings = list(reading.warnings)
        deadline.check("finding Schedule of Activities tables")
        lines = source.lines()
        metadata = extract_metadata(source.front_text())
        objectives = source.objectives()
        panels = source.panels({page for schedule in schedules for page in schedule.pages})
    finally:
        source.close()
    if not schedules and not any(w.code == "SOA_IS_IMAGE" for w in warnings):
        warnings.append(ExtractionWarning(code="NO_SOA_FOUND",
                                          message="no Schedule of Activities table found"))
    size = soa_size(schedules)
    if schedules and size.too_small:
        warnings.append(ExtractionWarning(code="SOA_TOO_SMALL", message=size.shortfall()))
    eligibility = extract_eligibility(lines)
    deadline.check("reading eligibility criteria")
    facts = extract_facts(lines)
    deadline.check("reading CRF-relevant facts from the body text")
    if not eligibility.inclusion and not eligibility.exclusion:
        warnings.append(ExtractionWarning(
            code="NO_ELIGIBILITY_FOUND", message="no numbered inclusion or exclusion criteria found"))
    return ParsedProtocol(
        document=document,
        metadata=metadata,
        schedules=schedules,
        eligibility=eligibility,
        objectives=objectives,
        panels=panels,
        facts=facts,
        warnings=warnings,
    )


def read_schedules(path: Path) -> tuple[list[Schedule], list[ExtractionWarning]]:
    """Given a protocol file, return only its SoA schedules and the warnings of reading them."""
    document = identify(path)
    source = reader_for(path, document.format).open(path)
    try:
        reading = source.soa_grids()
    finally:
        source.close()
    return build_schedules(reading.grids), reading.warnings
