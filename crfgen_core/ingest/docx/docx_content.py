"""Read a DOCX into body-ordered paragraphs and tables: merged cells resolved, list numbers rebuilt."""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from crfgen_core.ingest.docx.docx_numbering import ListLabel, Numbering
from crfgen_core.ingest.docx.docx_package import PackageLimits, read_checked_docx
from crfgen_core.ingest.docx.docx_runs import paragraph_runs, paragraph_text
from crfgen_core.ingest.errors import CorruptProtocolError, UnsupportedFormatError
from crfgen_core.ingest.running_deadline import check_running_deadline

_HEADING_STYLE = re.compile(r"heading\s*(\d)\b", re.I)
_PICTURE_TAGS = (qn("w:drawing"), qn("w:pict"), qn("w:object"))
_VML = "{urn:schemas-microsoft-com:vml}"
_IMAGE_REFERENCES = ((qn("a:blip"), qn("r:embed")), (f"{_VML}imagedata", qn("r:id")))
_DRAWING_FRAMES = (qn("wp:inline"), qn("wp:anchor"))
EMU_PER_POINT = 12700
DEADLINE_CHECK_BLOCKS = 500  # a block can take ~1 ms (style lookups): ~0.5 s between checks
_VML_LENGTH = re.compile(r"\b(width|height)\s*:\s*([0-9.]+)\s*(pt|in|px)?", re.I)
_VML_POINTS = {"pt": 1.0, "in": 72.0, "px": 0.75, "": 0.75}


@dataclass(frozen=True)
class DocxPicture:
    """A picture drawn in a paragraph: the image part's bytes and the size it is shown at in points
    (None when the document does not say)."""

    data: bytes
    size: tuple[float, float] | None = None


@dataclass(frozen=True)
class DocxParagraph:
    """A body paragraph; `list_label` is the auto-number Word would print in front of it."""

    text: str
    style: str = ""
    heading_level: int | None = None
    list_label: ListLabel | None = None
    has_picture: bool = False
    pictures: tuple[DocxPicture, ...] = ()  # the pictures drawn in it, in order (for OCR)
    lead: tuple[str, ...] = ()  # superscript markers before any other text (a footnote's "ᵃ Fasting")


@dataclass(frozen=True)
class GridCell:
    """One grid column of one row. A merged cell appears in every grid column and row it covers."""

    text: str
    markers: tuple[str, ...] = ()  # superscript runs, usually footnote letters
    first_col: int = 0  # grid column where the (horizontally merged) cell starts
    span: int = 1
    v_continued: bool = False  # covered by a vertical merge started above


@dataclass
class DocxTable:
    """A Word table as a rectangular grid; `index` counts body tables (nested ones included) from 1."""

    index: int
    rows: list[list[GridCell]]
    nested: bool = False

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]


DocxBlock = DocxParagraph | DocxTable


@dataclass
class DocxContent:
    """Paragraphs and tables in body order."""

    blocks: list[DocxBlock] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[DocxParagraph]:
        return [block for block in self.blocks if isinstance(block, DocxParagraph)]

    @property
    def tables(self) -> list[DocxTable]:
        return [block for block in self.blocks if isinstance(block, DocxTable)]

    @property
    def text(self) -> str:
        """Paragraph texts with their list labels, one a line (tables left out)."""
        lines = []
        for paragraph in self.paragraphs:
            label = paragraph.list_label.label if paragraph.list_label else ""
            line = f"{label} {paragraph.text}".strip() if label and label != "•" else paragraph.text
            if line:
                lines.append(line)
        return "\n".join(lines)


def read_docx(path: Path, limits: PackageLimits | None = None) -> DocxContent:
    """Given a DOCX path, return its paragraphs and tables in body order; typed error if unreadable.

    python-docx reads the very bytes the package check passed; the running extraction deadline (if
    any) is checked every DEADLINE_CHECK_BLOCKS blocks while the body is read.
    """
    checked = read_checked_docx(path, limits)
    try:
        document = docx.Document(checked)
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, zlib.error, EOFError) as exc:
        raise CorruptProtocolError(path, f"the DOCX cannot be opened ({exc})") from exc
    except (ValueError, NotImplementedError) as exc:
        raise UnsupportedFormatError(path, f"not a Word document python-docx can read ({exc})") from exc
    reader = _BodyReader(document)
    reader.read_blocks(document.iter_inner_content())
    return reader.content


class _BodyReader:
    def __init__(self, document: Document) -> None:
        self.content = DocxContent()
        self.numbering = Numbering.from_element(_numbering_root(document))
        self.table_count = 0
        self.blocks_read = 0
        self.style_chains: dict[str, list[etree._Element | None]] = {}  # styles repeat on every paragraph

    def read_blocks(self, blocks: object, nested: bool = False) -> None:
        for block in blocks:  # type: ignore[attr-defined]
            self.blocks_read += 1
            if self.blocks_read % DEADLINE_CHECK_BLOCKS == 0:
                check_running_deadline(f"reading {self.blocks_read} DOCX paragraphs and tables")
            if isinstance(block, Paragraph):
                self.content.blocks.append(self._paragraph(block))
            elif isinstance(block, Table):
                self._table(block, nested)

    def _paragraph(self, paragraph: Paragraph) -> DocxParagraph:
        p = paragraph._p
        style = paragraph.style
        style_name = (style.name or "") if style is not None else ""
        if style_name not in self.style_chains:
            self.style_chains[style_name] = _style_chain_ppr(style.element if style is not None else None)
        chain = self.style_chains[style_name]
        num_id, level = _num_pr([p.pPr, *chain])
        label = self.numbering.next_label(num_id, level) if num_id else None
        has_picture = any(True for tag in _PICTURE_TAGS for _ in p.iter(tag))
        lead, text = _lead_markers(p)
        return DocxParagraph(
            text=text,
            lead=lead,
            style=style_name,
            heading_level=_heading_level([p.pPr, *chain], style_name),
            list_label=label,
            has_picture=has_picture,
            pictures=_pictures(paragraph) if has_picture else (),
        )

    def _table(self, table: Table, nested: bool) -> None:
        self.table_count += 1
        record = DocxTable(index=self.table_count, rows=[], nested=nested)
        self.content.blocks.append(record)
        inner: list[Table] = []
        grid: list[list[GridCell]] = []
        for tr in table._tbl.tr_lst:
            row: list[GridCell] = []
            before = _int_val(tr.trPr, "w:gridBefore") if tr.trPr is not None else 0
            row.extend(GridCell(text="", first_col=i) for i in range(before))
            for tc in tr.tc_lst:
                cell = _Cell(tc, table)
                inner.extend(cell.tables)
                text, markers = _cell_text(cell)
                start, span = len(row), max(tc.grid_span, 1)
                continued = tc.vMerge == "continue"
                if continued and len(grid) > 0 and start < len(grid[-1]):
                    above = grid[-1][start]
                    text, markers = above.text, above.markers
                row.extend(GridCell(text, markers, start, span, continued) for _ in range(span))
            grid.append(row)
        width = max((len(row) for row in grid), default=0)
        record.rows = [row + [GridCell(text="", first_col=i) for i in range(len(row), width)] for row in grid]
        for table_inside in inner:
            self._table(table_inside, nested=True)


def _lead_markers(p: etree._Element) -> tuple[tuple[str, ...], str]:
    """The superscript markers a paragraph starts with, and its text: without them when there are any
    (a footnote line), else with every superscript kept in place."""
    runs = paragraph_runs(p)
    lead: list[str] = []
    for run in runs:
        if not run.text.strip():
            continue
        if not run.superscript:
            break
        lead.extend(m for m in re.split(r"[,\s]+", run.text.strip()) if m)
    if lead:
        started = False
        parts = []
        for run in runs:
            started = started or (bool(run.text.strip()) and not run.superscript)
            if started:
                parts.append(run.text)
        return tuple(lead), " ".join("".join(parts).split())
    return (), " ".join(paragraph_text(p).split())


def _pictures(paragraph: Paragraph) -> tuple[DocxPicture, ...]:
    """The image parts a paragraph draws (DrawingML blips, VML image data) with their shown sizes."""
    related = paragraph.part.related_parts
    found: list[DocxPicture] = []
    for tag, attribute in _IMAGE_REFERENCES:
        for element in paragraph._p.iter(tag):
            part = related.get(element.get(attribute, ""))
            if part is not None:
                found.append(DocxPicture(part.blob, _shown_size(element)))
    return tuple(found)


def _shown_size(element: etree._Element) -> tuple[float, float] | None:
    """The size in points a picture is shown at: the extent of its drawing frame (DrawingML) or the
    width and height in its shape's style (VML)."""
    for ancestor in element.iterancestors():
        if ancestor.tag in _DRAWING_FRAMES:
            extent = ancestor.find(qn("wp:extent"))
            if extent is None:
                return None
            try:
                cx, cy = int(extent.get("cx", "0")), int(extent.get("cy", "0"))
            except ValueError:
                return None
            return (cx / EMU_PER_POINT, cy / EMU_PER_POINT) if cx > 0 and cy > 0 else None
        if ancestor.tag == f"{_VML}shape":
            lengths = {name.lower(): float(value) * _VML_POINTS[(unit or "").lower()]
                       for name, value, unit in _VML_LENGTH.findall(ancestor.get("style", ""))
                       if value.replace(".", "", 1).isdigit()}
            if lengths.get("width") and lengths.get("height"):
                return lengths["width"], lengths["height"]
            return None
    return None


def _numbering_root(document: Document) -> etree._Element | None:
    try:
        element: etree._Element = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None
    return element


def _int_val(parent: etree._Element | None, tag: str) -> int:
    if parent is None:
        return 0
    child = parent.find(qn(tag))
    value = child.get(qn("w:val")) if child is not None else None
    return int(value) if value and value.isdigit() else 0


def _num_pr(sources: list[etree._Element | None]) -> tuple[str, int]:
    """Return (numId, ilvl) from the paragraph, else from its style chain; ("", 0) if not numbered."""
    for source in sources:
        if source is None:
            continue
        num_pr = source.find(qn("w:numPr"))
        if num_pr is None:
            continue
        num_id = num_pr.find(qn("w:numId"))
        if num_id is None:
            continue
        return num_id.get(qn("w:val"), ""), _int_val(num_pr, "w:ilvl")
    return "", 0


def _style_chain_ppr(style: etree._Element | None) -> list[etree._Element | None]:
    """The w:pPr of a style and of the styles it is based on."""
    chain: list[etree._Element | None] = []
    seen: set[int] = set()
    while style is not None and id(style) not in seen and len(chain) < 20:
        seen.add(id(style))
        chain.append(style.find(qn("w:pPr")))
        based_on = style.find(qn("w:basedOn"))
        parent = style.getparent()
        if based_on is None or parent is None:
            break
        style_id = based_on.get(qn("w:val"))
        style = next(
            (s for s in parent.iterchildren(qn("w:style")) if s.get(qn("w:styleId")) == style_id), None
        )
    return chain


def _heading_level(sources: list[etree._Element | None], style_name: str) -> int | None:
    """Outline level from the paragraph or its styles (1-based), else a 'Heading N' style name."""
    for source in sources:
        if source is None:
            continue
        outline = source.find(qn("w:outlineLvl"))
        if outline is not None:
            value = outline.get(qn("w:val"), "9")
            level = int(value) + 1 if value.isdigit() else 10
            return level if level <= 9 else None
    match = _HEADING_STYLE.search(style_name)
    return int(match.group(1)) if match else None


def _cell_text(cell: _Cell) -> tuple[str, tuple[str, ...]]:
    """Cell text with superscript runs (footnote markers) taken out and returned apart."""
    parts: list[str] = []
    markers: list[str] = []
    for paragraph in cell.paragraphs:
        for run in paragraph_runs(paragraph._p):
            if run.superscript and run.text.strip():
                markers.extend(m for m in re.split(r"[,\s]+", run.text.strip()) if m)
            else:
                parts.append(run.text)
        parts.append(" ")
    return " ".join("".join(parts).split()), tuple(markers)
