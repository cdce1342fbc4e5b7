"""Protocol file to ParsedProtocol: the one entry point of ingestion."""

from __future__ import annotations

from pathlib import Path

from crfgen_core.ingest.document import identify
from crfgen_core.ingest.docx import extract_docx_schedules, read_docx
from crfgen_core.ingest.docx.docx_content import DocxContent, DocxTable
from crfgen_core.ingest.eligibility import extract_eligibility
from crfgen_core.ingest.limits import ExtractionDeadline, InputLimits, check_input_limits
from crfgen_core.ingest.metadata import extract_metadata
from crfgen_core.ingest.objectives import objectives_from_docx, objectives_from_pdf, objectives_from_text
from crfgen_core.ingest.panels import extract_docx_panels, extract_pdf_panels
from crfgen_core.ingest.pdf import extract_pdf_schedules, read_pdf_text
from crfgen_core.ingest.text_lines import docx_lines, pdf_lines
from crfgen_core.model.protocol import ExtractionWarning, ParsedProtocol

DEFAULT_FRONT_PAGES = 3
DEFAULT_FRONT_BLOCKS = 120


def read_protocol(path: Path, limits: InputLimits | None = None) -> ParsedProtocol:
    """Given a PDF or DOCX protocol, return what it says; raise a ProtocolReadError if unreadable.

    Size and page limits are checked before anything is parsed, the time limit between steps
    (`limits` default: InputLimits.from_env()).
    """
    document = identify(path)
    limits = limits or InputLimits.from_env()
    check_input_limits(path, limits)
    deadline = ExtractionDeadline.start(path, limits)
    if document.format == "pdf":
        text = read_pdf_text(path)
        deadline.check("reading the PDF text")
        document = document.model_copy(update={"pages": text.page_count})
        schedules, warnings = extract_pdf_schedules(path, text)
        lines = pdf_lines(text.pages)
        metadata = extract_metadata(
            "\n".join(line.text for line in lines if (line.page or 0) <= DEFAULT_FRONT_PAGES)
        )
        objectives = objectives_from_pdf(path, lines)
        soa_pages = {page for schedule in schedules for page in schedule.pages}
        panels = extract_pdf_panels(path, text.pages, lines, soa_pages)
    else:
        content = read_docx(path)
        deadline.check("reading the DOCX")
        schedules, warnings = extract_docx_schedules(content)
        lines = docx_lines(content)
        metadata = extract_metadata(_docx_front_text(content))
        objectives = objectives_from_docx(content) or objectives_from_text(lines)
        panels = extract_docx_panels(content)
    deadline.check("finding Schedule of Activities tables")
    if not schedules and not any(w.code == "SOA_IS_IMAGE" for w in warnings):
        warnings = [
            *warnings,
            ExtractionWarning(code="NO_SOA_FOUND", message="no Schedule of Activities table found"),
        ]
    eligibility = extract_eligibility(lines)
    deadline.check("reading eligibility criteria")
    if not eligibility.inclusion and not eligibility.exclusion:
        warnings = [
            *warnings,
            ExtractionWarning(
                code="NO_ELIGIBILITY_FOUND", message="no numbered inclusion or exclusion criteria found"
            ),
        ]
    return ParsedProtocol(
        document=document,
        metadata=metadata,
        schedules=schedules,
        eligibility=eligibility,
        objectives=objectives,
        panels=panels,
        warnings=warnings,
    )


def _docx_front_text(content: DocxContent) -> str:
    """The first paragraphs and tables as text; title-page tables become "label: value" lines."""
    lines: list[str] = []
    for block in content.blocks[:DEFAULT_FRONT_BLOCKS]:
        if isinstance(block, DocxTable):
            for row in block.texts():
                cells = [
                    cell for index, cell in enumerate(row) if cell and (index == 0 or cell != row[index - 1])
                ]
                if len(cells) == 2 and not cells[0].rstrip().endswith(":"):
                    lines.append(f"{cells[0]}: {cells[1]}")
                else:
                    lines.append(" ".join(cells))
        elif block.text:
            lines.append(block.text)
    return "\n".join(lines)
