"""Protocol file to ParsedProtocol: the one entry point of ingestion.

The file is opened once by its format's reader (crfgen_core.ingest.formats); every reader feeds the one
SoA builder (crfgen_core.ingest.soa.build_schedules).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from crfgen_core.ingest.document import identify
from crfgen_core.ingest.eligibility import extract_eligibility
from crfgen_core.ingest.errors import InputLimitExceededError
from crfgen_core.ingest.formats import reader_for
from crfgen_core.ingest.limits import ExtractionDeadline, InputLimits, check_input_limits
from crfgen_core.ingest.metadata import extract_metadata
from crfgen_core.ingest.protocol_facts import extract_facts
from crfgen_core.ingest.soa import build_schedules
from crfgen_core.ingest.soa_size import SOA_TOO_SMALL, soa_size
from crfgen_core.ingest.text_lines import TextLine
from crfgen_core.model.protocol import (
    Eligibility,
    ExtractionWarning,
    Objective,
    Panel,
    ParsedProtocol,
    ProtocolDocument,
    ProtocolFacts,
    Schedule,
    StudyMetadata,
)

EXTRACTOR_FAILED = "EXTRACTOR_FAILED"
T = TypeVar("T")
logger = logging.getLogger(__name__)


def read_protocol(path: Path, limits: InputLimits | None = None) -> ParsedProtocol:
    """Given a PDF or DOCX protocol, return what it says; raise a ProtocolReadError if unreadable.

    Size and page limits are checked before anything is parsed, the time limit between steps
    (`limits` default: InputLimits.from_env()). Only the SoA is essential: metadata, objectives,
    eligibility, panels and facts are optional, and one that fails becomes an EXTRACTOR_FAILED warning
    naming it (see `_optional`) while the rest still comes out.
    """
    document = identify(path)
    limits = limits or InputLimits.from_env()
    check_input_limits(path, limits)
    deadline = ExtractionDeadline.start(path, limits)
    with deadline.running():
        return _read_opened(path, document, deadline)


def _read_opened(path: Path, document: ProtocolDocument, deadline: ExtractionDeadline) -> ParsedProtocol:
    source = reader_for(path, document.format).open(path)
    try:
        document = document.model_copy(update={"pages": source.page_count})
        reading = source.soa_grids()
        schedules = build_schedules(reading.grids)
        warnings = list(reading.warnings)
        deadline.check("finding Schedule of Activities tables")
        lines: list[TextLine] = _optional("body text", source.lines, [], warnings)
        front = _optional("metadata", source.front_text, "", warnings)
        metadata = _optional("metadata", lambda: extract_metadata(front), StudyMetadata(), warnings)
        objectives: list[Objective] = _optional("objectives", source.objectives, [], warnings)
        soa_pages = {page for schedule in schedules for page in schedule.pages}
        panels: list[Panel] = _optional("panels", lambda: source.panels(soa_pages), [], warnings)
    finally:
        source.close()
    if not schedules and not any(w.code == "SOA_IS_IMAGE" for w in warnings):
        warnings.append(ExtractionWarning(code="NO_SOA_FOUND",
                                          message="no Schedule of Activities table found"))
    size = soa_size(schedules)
    if schedules and size.too_small:
        warnings.append(ExtractionWarning(code=SOA_TOO_SMALL, message=size.shortfall()))
    eligibility = _optional("eligibility", lambda: extract_eligibility(lines), Eligibility(), warnings)
    deadline.check("reading eligibility criteria")
    facts = _optional("facts", lambda: extract_facts(lines), ProtocolFacts(), warnings)
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


def _optional(name: str, extract: Callable[[], T], fallback: T, warnings: list[ExtractionWarning]) -> T:
    """Given an optional extractor, return its result, or `fallback` and an EXTRACTOR_FAILED warning.

    A layout no extractor was written for (an empty first row, a fully merged table) must cost that one
    extractor, never the SoA or the package. Input limits are not the extractor's failure: they propagate.
    """
    try:
        return extract()
    except InputLimitExceededError:
        raise
    except Exception as exc:  # any failure of an optional extractor is reported, not raised
        logger.debug("optional extractor %s failed", name, exc_info=True)
        message = f"{name}: {type(exc).__name__} {exc}".strip()
        warnings.append(ExtractionWarning(code=EXTRACTOR_FAILED, message=message))
        return fallback


def read_schedules(path: Path) -> tuple[list[Schedule], list[ExtractionWarning]]:
    """Given a protocol file, return only its SoA schedules and the warnings of reading them."""
    document = identify(path)
    source = reader_for(path, document.format).open(path)
    try:
        reading = source.soa_grids()
    finally:
        source.close()
    return build_schedules(reading.grids), reading.warnings
