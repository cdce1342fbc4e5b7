"""SoA tables drawn without vertical rules (booktabs style: horizontal rules only, or no rules at all):
columns come from text alignment. Ticks of many rows stack in columns; their x-clusters are the visit
columns, the text left of them the row labels, the lines above the first tick row the header.

Only the layout is read here; whether the grid is a schedule is decided by the one builder
(crfgen_core.ingest.soa), as for ruled tables.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from crfgen_core.ingest.pdf.cell_text import cell_text, glyph_lines
from crfgen_core.ingest.pdf.ruled_tables import Box, FrameChar
from crfgen_core.ingest.soa.captions import TABLE_NUMBER, is_caption
from crfgen_core.ingest.soa.grid import GridCell
from crfgen_core.ingest.soa.legend import OTHER_ENTRY
from crfgen_core.ingest.soa.vocabulary import soa_vocabulary
from crfgen_core.ingest.text_lines import edge_key

WORD_GAP = 0.25  # em: a wider gap separates two words
PHRASE_GAP = 0.6  # em: a wider gap between glyphs of one line separates two cells
COLUMN_SLACK = 0.8  # em: tick centres this close belong to one column
# a footnote line: a raised marker typed as a character, or a letter with a separator ("a." "b)")
LEGEND_START = re.compile(r"^(?:[ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§¶#]+|[a-z][.):=])\s*\S")
DASH = re.compile(r"^[-–—‐]$")
MIN_CROWDED_ROWS = 1  # lines with two or more ticks: without one there is no aligned schedule
MIN_TICKS_UNDER_HEADER = 2  # ticks standing under header phrases when no column stacks ticks
MIN_TICK_ROWS = 2  # ... nor with fewer lines holding a tick
MIN_COLUMN_TICKS = 2  # a column is seen in at least this many rows (else a stray tick)
MAX_HEADER_LINES = 12
MIN_SECOND_COLUMN_LINES = 3  # lines with a second label-side phrase at one x: a column of its own
SECOND_COLUMN_SLACK = 15.0  # pt: right-aligned references ("9.5", "Section 9.2") start this close
ON_GRID_SHARE = 0.75  # of the column pitch: a header this far from every column heads a column of its own
ON_CENTRE_SHARE = 0.2  # of the column pitch: a header this close to a column's centre heads that column
LINE_PITCH = 1.2  # font sizes: the usual distance of two lines of one paragraph
ROW_GAP = 1.4  # font sizes: lines closer than this (top to top) belong to one row
OVERLAP_SHARE = 0.1  # font sizes: body lines overlapping more than this stand in one row
WRAP_PITCH = 1.35  # font sizes: words of one column this close (top to top) are one cell's text wrapped
MAX_LINE_GAP = 2.6  # line pitches: a wider vertical gap ends the table (or its header)
TURNED_RUN_GAP = 1.5  # em: a wider gap along a turned line separates two headers standing on it
MAX_MARKER = 2  # characters: a shorter word set apart is a footnote marker, not a label
RULE_SLACK = 1.5  # pt: rule pieces this close (across, and in height) are one rule
TURNED_FOOT_SLACK = 0.5  # font sizes: a turned header ends above the first row of marks, give or take


@dataclass(frozen=True)
class Phrase:
    text: str
    markers: tuple[str, ...]
    x0: float
    x1: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Line:
    phrases: list[Phrase]
    top: float
    bottom: float
    size: float


@dataclass(frozen=True)
class TurnedRun:
    """Header text turned 90 degrees: read in its own direction, placed where it stands in the frame."""

    text: str
    markers: tuple[str, ...]
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class AlignedTable:
    rows: list[list[GridCell]]
    bbox: Box
    label_columns: int = 1  # grid columns left of the first tick column
    centres: tuple[float, ...] = ()  # x of the tick columns


def aligned_tables(chars: list[FrameChar], written_spaces: bool = False,
                   turned: list[tuple[FrameChar, FrameChar]] | None = None,
                   furniture: frozenset[str] = frozenset(), carried: list[float] | None = None,
                   rules: list[Box] | None = None) -> list[AlignedTable]:
    """Given a page's glyphs (frame coordinates), return the tick-aligned tables on it, top to bottom.
    `turned` holds header glyphs written at 90 degrees: (placed in the page frame, in their own frame);
    `furniture` the keys (text_lines.edge_key) of running headers and footers, never table lines;
    `carried` the columns of the table on the page before, which a part without header rows continues;
    `rules` the horizontal rules drawn on the page (a rule under the header ends it)."""
    lines = [line for line in _lines(chars, written_spaces) if edge_key(_text(line)) not in furniture]
    if not lines:
        return []
    vocab = soa_vocabulary()
    crowded = sum(1 for line in lines if sum(1 for p in line.phrases if vocab.is_tick(p.text)) >= 2)
    if crowded < MIN_CROWDED_ROWS or sum(1 for line in lines if _ticked(line)) < MIN_TICK_ROWS:
        return []
    # a dash standing for "nothing scheduled" marks its column as well as a tick does
    ticks = [[p for p in line.phrases if vocab.is_tick(p.text) or _is_dash(p.text)] for line in lines]
    tick_rows = [i for i, found in enumerate(ticks) if found]
    size = statistics.median(line.size for line in lines)
    gaps = [b.top - a.top for a, b in itertools.pairwise(lines) if b.top > a.top]
    pitch = max(statistics.median(gaps) if gaps else 0.0, LINE_PITCH * size)
    runs = _turned_runs(turned or [], written_spaces)
    tables: list[AlignedTable] = []
    start = 0
    while start < len(tick_rows):
        if _legend_line(lines[tick_rows[start]], True):
            start += 1  # a legend line defining codes starts no table
            continue
        first, last = _body_span(lines, tick_rows, start, pitch)
        members = [k for k in tick_rows if first <= k <= last]
        seen = MIN_COLUMN_TICKS if len(members) > MIN_COLUMN_TICKS else 1  # a short last part
        centres = _columns([p.centre for k in members for p in ticks[k]], COLUMN_SLACK * size, seen)
        xs = [p.centre for k in members for p in ticks[k]]
        edge = _label_edge(lines[first:last + 1], centres, xs, COLUMN_SLACK * size)
        floor = tables[-1].bbox[3] if tables else float("-inf")
        # turned text over the columns (a turned group label beside the row labels is none)
        start_x = _tick_start(centres, xs, COLUMN_SLACK * size)
        over = [r for r in runs if floor < r.bottom <= lines[first].top + TURNED_FOOT_SLACK * size
                and (r.x0 > edge or (r.x0 + r.x1) / 2 > start_x)]
        header = _header_lines(lines, first, pitch, min((r.top for r in over), default=None))
        named = [*lines[header:first], *([_turned_line(over, size)] if over else [])]
        centres = _header_columns(named, centres, xs, COLUMN_SLACK * size, edge) or centres
        if carried and not tables and _continues(lines[header:first], centres, carried, COLUMN_SLACK * size):
            centres = carried  # the same columns as the page before: a continuation without header
            first = _label_wrapped_above(lines, header, first, _outer_bounds(centres)[0])
        if len(centres) >= 2:
            first = _below_header_rule(lines, header, first, centres, rules or [])
            last = _wrapped_tail(lines, last, centres, rules or [])
            tables.append(_table(lines[header:first], lines[first:last + 1], centres, over))
        start = tick_rows.index(members[-1]) + 1 if members else start + 1
    return tables


def _turned_runs(turned: list[tuple[FrameChar, FrameChar]], written_spaces: bool) -> list[TurnedRun]:
    """Runs of turned text: the glyphs of one turned line (one column's position on the page) up to a
    wide gap along it (a header above, a rotated group label in the body below, are two runs)."""
    by_own = {id(own): placed for placed, own in turned}
    runs: list[TurnedRun] = []
    for glyphs in glyph_lines([own for _, own in turned]):
        visible = sorted((g for g in glyphs if g.text.strip()), key=lambda g: g.x0)
        if not visible:
            continue
        size = max(g.size for g in visible)
        parts: list[list[FrameChar]] = [[visible[0]]]
        for glyph in visible[1:]:
            if glyph.x0 - parts[-1][-1].x1 > TURNED_RUN_GAP * size:
                parts.append([glyph])
            else:
                parts[-1].append(glyph)
        for part in parts:
            members = [g for g in glyphs if part[0].x0 <= (g.x0 + g.x1) / 2 <= part[-1].x1]
            content = cell_text(members, written_spaces)
            placed = [by_own[id(g)] for g in part]
            if content.text or content.markers:
                runs.append(TurnedRun(content.text, content.markers, min(p.x0 for p in placed),
                                      min(p.top for p in placed), max(p.x1 for p in placed),
                                      max(p.bottom for p in placed)))
    return runs


def _wrapped_tail(lines: list[Line], last: int, centres: list[float], rules: list[Box]) -> int:
    """The last body line: the last row of marks, or a line right under it writing only beside the
    marks' columns (its label or note wrapped below the centred mark), with no rule between."""
    left, right = _outer_bounds(centres)
    while last + 1 < len(lines):
        line, above = lines[last + 1], lines[last]
        if (line.top - above.top > WRAP_PITCH * above.size or _legend_line(line, False)
                or any(left <= p.centre <= right for p in line.phrases)
                or any(above.bottom < r[1] < line.top and r[0] <= centres[0] and r[2] >= centres[-1]
                       for r in _joined_rules(rules))):
            return last
        last += 1
    return last


def _joined_rules(rules: list[Box]) -> list[Box]:
    """Horizontal rules drawn piece by piece (one segment per cell) joined into rules across the table."""
    joined: list[Box] = []
    for x0, top, x1, bottom in sorted(rules, key=lambda r: (round(r[1] / RULE_SLACK), r[0])):
        last = joined[-1] if joined else None
        if last is not None and abs(last[1] - top) <= RULE_SLACK and x0 <= last[2] + RULE_SLACK:
            joined[-1] = (last[0], min(last[1], top), max(last[2], x1), max(last[3], bottom))
        else:
            joined.append((x0, top, x1, bottom))
    return joined


def _turned_line(runs: list[TurnedRun], size: float) -> Line:
    """Turned header runs as one header line naming columns where they stand."""
    phrases = [Phrase(r.text, r.markers, r.x0, r.x1) for r in sorted(runs, key=lambda r: r.x0)]
    return Line(phrases, min(r.top for r in runs), max(r.bottom for r in runs), size)


def _below_header_rule(lines: list[Line], header: int, first: int, centres: list[float], rules: list[Box]
                       ) -> int:
    """The first body line: lines between the lowest rule drawn across the columns above the first row
    of marks and that row (a label wrapped above its centred mark) are body, not header."""
    top = lines[header].top if header < first else lines[first].top
    cuts = [r[1] for r in _joined_rules(rules)
            if top < r[1] < lines[first].top and r[0] <= centres[0] and r[2] >= centres[-1]]
    if not cuts:
        return first
    cut = max(cuts)
    while first > header and lines[first - 1].top > cut:
        first -= 1
    return first


def _label_wrapped_above(lines: list[Line], header: int, first: int, left: float) -> int:
    """The first body line of a part without header rows: label-only lines a wrap pitch above the first
    row of marks are its label wrapped above the centred mark, not a header."""
    while (first > header and not any(p.centre >= left for p in lines[first - 1].phrases)
           and lines[first].top - lines[first - 1].top <= WRAP_PITCH * lines[first - 1].size):
        first -= 1
    return first


def _continues(header: list[Line], centres: list[float], carried: list[float], slack: float) -> bool:
    """Whether a part continues the columns carried from the page before: it has no header line naming
    columns, and each of its tick columns stands on one of the carried ones."""
    left = _outer_bounds(carried)[0] if len(carried) > 1 else carried[0]
    named = any(sum(1 for p in line.phrases if p.centre > left) >= 2 for line in header)
    return not named and bool(centres) and all(any(abs(c - x) <= 2 * slack for x in carried) for c in centres)


def _ticked(line: Line) -> bool:
    return any(soa_vocabulary().is_tick(p.text) for p in line.phrases)


def _tick_start(centres: list[float], ticks: list[float], slack: float) -> float:
    """Where the tick columns begin."""
    return _outer_bounds(centres)[0] if len(centres) > 1 else min(ticks, default=0.0) - 2 * slack


def _label_edge(body: list[Line], centres: list[float], ticks: list[float], slack: float) -> float:
    """Where the row labels end: the right end of the body's words left of the tick columns (not a
    mark, nor a footnote letter set apart after one)."""
    vocab = soa_vocabulary()
    start = _tick_start(centres, ticks, slack)
    return max((p.x1 for line in body for p in line.phrases
                if p.centre < start and len(p.text) > MAX_MARKER and not vocab.is_tick(p.text)
                and not _is_dash(p.text)), default=start)


def _header_columns(header: list[Line], centres: list[float], ticks: list[float], slack: float,
                    label_edge: float = float("inf")) -> list[float] | None:
    """The tick columns plus those the header's fullest line names ("V1 V2 ... V7") where no tick stands
    often enough (a PK table, a short table): a header phrase over no tick column is a column too, and
    so is one starting right of every row label (a first visit whose column holds a single tick)."""
    vocab = soa_vocabulary()
    # header phrases left of the tick columns are row names ("Visit Number"), not columns
    start = _tick_start(centres, ticks, slack)

    def names_column(phrase: Phrase) -> bool:
        return ((phrase.centre > start or phrase.x0 > label_edge)
                and not vocab.is_non_visit_column(phrase.text))

    best: list[float] = []
    for line in header:
        named = [p.centre for p in line.phrases if names_column(p)]
        if len(named) > len(best):
            best = named
    if not centres:  # ticks too scattered to stack: the header names the columns they stand under
        under = sum(1 for x in ticks if any(abs(x - b) <= 2 * slack for b in best))
        return best if len(best) >= 2 and under >= MIN_TICKS_UNDER_HEADER else None
    if not any(any(abs(c - x) <= 2 * slack for x in best) for c in centres):
        best = []  # the fullest header line stands over none of the tick columns: it names no columns
    # the usual column pitch, from the tick columns and the columns the fullest line names
    merged = _columns([*centres, *best], 2 * slack, 1)
    pitch = statistics.median(b - a for a, b in itertools.pairwise(merged)) if len(merged) > 1 else 0.0
    extra: list[float] = []
    # headers standing a column pitch from every column (not group headers centred between two), the
    # fullest line's first, then those on lines of their own (centred beside wrapped ones)
    others = [p.centre for line in header for p in line.phrases if names_column(p)]
    for x in [*best, *others]:
        known = [*centres, *extra]
        if x <= max(merged) + 2 * slack and all(abs(c - x) >= ON_GRID_SHARE * pitch for c in known):
            extra.append(x)
    if not extra:
        return None
    return sorted([*centres, *extra])


def _is_dash(text: str) -> bool:
    return bool(DASH.match(text))


def _lines(chars: list[FrameChar], written_spaces: bool) -> list[Line]:
    """Text lines split into phrases at wide gaps, top to bottom."""
    result: list[Line] = []
    for glyphs in glyph_lines(chars):
        visible = sorted((c for c in glyphs if c.text.strip()), key=lambda c: c.x0)
        if not visible:
            continue
        size = max(c.size for c in visible)
        groups: list[list[FrameChar]] = [[visible[0]]]
        for char in visible[1:]:
            if char.x0 - groups[-1][-1].x1 > PHRASE_GAP * size:
                groups.append([char])
            else:
                groups[-1].append(char)
        groups = [part for group in groups for part in _ticks_apart(group, size)]
        phrases = []
        for group in groups:
            members = [c for c in glyphs if group[0].x0 <= (c.x0 + c.x1) / 2 <= group[-1].x1]
            content = cell_text(members, written_spaces)
            if content.text or content.markers:
                phrases.append(Phrase(content.text, content.markers, group[0].x0, group[-1].x1))
        result.append(Line(phrases, min(c.top for c in visible), max(c.bottom for c in visible), size))
    return result


def _ticks_apart(group: list[FrameChar], size: float) -> list[list[FrameChar]]:
    """A phrase split where a word of it is a tick (a tick set close to a narrow label column)."""
    words: list[list[FrameChar]] = [[group[0]]]
    for char in group[1:]:
        if char.x0 - words[-1][-1].x1 > WORD_GAP * size:
            words.append([char])
        else:
            words[-1].append(char)
    vocab = soa_vocabulary()
    parts: list[list[FrameChar]] = []
    previous_tick = True
    for word in words:
        tick = vocab.is_tick("".join(c.text for c in word))
        if tick or previous_tick or not parts:
            parts.append(list(word))
        else:
            parts[-1].extend(word)
        previous_tick = tick
    return parts


def _body_span(lines: list[Line], tick_rows: list[int], start: int, pitch: float) -> tuple[int, int]:
    """The first and last line of the table body holding tick row `start`: it runs on while lines
    follow each other closely and no footnote legend begins."""
    first = last = tick_rows[start]
    k = last + 1
    while k < len(lines) and lines[k].top - lines[k - 1].top <= MAX_LINE_GAP * pitch:
        if _legend_line(lines[k], k in tick_rows):
            break  # the legend under the table
        if k in tick_rows:
            last = k
        k += 1
    return first, last


def _legend_line(line: Line, ticked: bool) -> bool:
    """Whether a line is a footnote or a code's definition ("X = performed": a tick, but no table row)."""
    text = " ".join(p.text for p in line.phrases)
    code_first = soa_vocabulary().is_tick(line.phrases[0].text) if line.phrases else False
    return bool(LEGEND_START.match(text) or OTHER_ENTRY.match(text)) and (not ticked or code_first)


def _header_lines(lines: list[Line], first: int, pitch: float, turned_top: float | None = None) -> int:
    """Index of the first header line above the first tick row: close lines, no caption (one naming the
    SoA, or a numbered table's alone: "Table 7"), at most a few; lines beside turned headers (reaching up
    to `turned_top`) are header lines however far apart, and so is a line close above them (a group
    header over the turned visit names)."""
    top = first
    while (top > 0 and first - top < MAX_HEADER_LINES
           and not (len(lines[top - 1].phrases) == 1 and (is_caption(_text(lines[top - 1]))
                                                          or TABLE_NUMBER.match(_text(lines[top - 1]))))
           and (lines[top].top - lines[top - 1].top <= MAX_LINE_GAP * pitch
                or (turned_top is not None and lines[top - 1].bottom > turned_top - MAX_LINE_GAP * pitch
                    and lines[top].bottom >= turned_top))):
        top -= 1
    return top


def _text(line: Line) -> str:
    return " ".join(p.text for p in line.phrases)


def _columns(centres: list[float], slack: float, seen: int) -> list[float]:
    """Centres of the tick columns: clusters of tick centres seen in enough rows."""
    clusters: list[list[float]] = []
    for x in sorted(centres):
        if clusters and x - clusters[-1][-1] <= slack:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [statistics.mean(c) for c in clusters if len(c) >= seen]


def _table(header: list[Line], body: list[Line], centres: list[float], runs: list[TurnedRun] | None = None
           ) -> AlignedTable:
    """Header and body lines laid on the columns: column 0 the labels, one per tick column, and a last
    column for text right of the ticks (notes). Lines closer than a row gap are one row (a label or a
    note wrapped over lines, a tick centred between them). Header `runs` turned 90 degrees make a header
    row of their own, which takes in the upright header rows standing beside them (a corner label, a
    notes column's header) where those name other columns."""
    bounds = [(a + b) / 2 for a, b in itertools.pairwise(centres)]
    left, right = _outer_bounds(centres)
    starts = _label_column_starts(body, left, header)
    shift = len(starts) - 1
    width = len(centres) + 2 + shift

    def label_column(phrase: Phrase, x: float | None = None) -> int:
        return max(0, sum(1 for start in starts if start <= (phrase.x0 if x is None else x) + 1.0) - 1)

    heads: list[tuple[float, list[GridCell]]] = []  # header rows by the middle of their lines
    for group in _row_groups(header, centres, left, right, bounds, header=True):
        parts = []
        for line in group:
            row = [GridCell() for _ in range(width)]
            spans = _header_spans(line.phrases, centres, left, right, bounds)
            for phrase, covered in zip(line.phrases, spans, strict=True):
                for n, k in enumerate(covered):
                    # a header is placed by its centre: over a right-aligned column it starts early
                    k = label_column(phrase, phrase.centre) if k == 0 else k + shift
                    row[k] = GridCell(phrase.text, phrase.markers, span_copy=n > 0)
            parts.append(row)
        heads.append(((group[0].top + group[-1].bottom) / 2, _joined(parts)))
    if runs:
        heads = _with_turned_row(heads, _turned_row(runs, centres, shift, width),
                                 (min(r.top for r in runs), max(r.bottom for r in runs)))
    rows = [row for _, row in heads]
    for group in _row_groups(body, centres, left, right, bounds, label_column=label_column):
        parts = []
        for line in group:
            row = [GridCell() for _ in range(width)]
            for phrase in line.phrases:
                k = (label_column(phrase) if phrase.centre < left
                     else _slot(phrase.centre, left, right, bounds) + shift)
                row[k] = GridCell(f"{row[k].text} {phrase.text}".strip(), row[k].markers + phrase.markers)
            parts.append(row)
        rows.append(_joined(parts))
    if not any(row[-1].text for row in rows):
        rows = [row[:-1] for row in rows]  # no notes right of the ticks
    top = min([line.top for line in [*header, *body]] + [r.top for r in runs or []])
    bottom = max(line.bottom for line in body)
    x0 = min(p.x0 for line in [*header, *body] for p in line.phrases)
    x1 = max(p.x1 for line in [*header, *body] for p in line.phrases)
    return AlignedTable(rows, (x0, top, x1, bottom), 1 + shift, tuple(centres))


def _turned_row(runs: list[TurnedRun], centres: list[float], shift: int, width: int) -> list[GridCell]:
    """A header row of turned runs, each over the column at its position (two runs over one column,
    a header wrapped onto two turned lines, are one header)."""
    bounds = [(a + b) / 2 for a, b in itertools.pairwise(centres)]
    left, right = _outer_bounds(centres)
    texts: dict[int, list[str]] = {}
    markers: dict[int, list[str]] = {}
    for run in sorted(runs, key=lambda r: r.x0):
        k = _slot((run.x0 + run.x1) / 2, left, right, bounds)
        k = k + shift if k else 0
        if k < width:
            texts.setdefault(k, []).append(run.text)
            markers.setdefault(k, []).extend(run.markers)
    return [GridCell(" ".join(texts.get(k, [])), tuple(markers.get(k, []))) for k in range(width)]


def _with_turned_row(heads: list[tuple[float, list[GridCell]]], turned: list[GridCell],
                     band: tuple[float, float]) -> list[tuple[float, list[GridCell]]]:
    """Header rows with the turned row in its place: upright rows standing beside the turned text that
    write in none of its columns (nor in each other's) are one header row with it."""
    beside = [(y, row) for y, row in heads if band[0] <= y <= band[1]]
    merged = turned
    for _, row in beside:
        if any(a.text and b.text for a, b in zip(merged, row, strict=True)):
            break
        merged = [a if a.text else b for a, b in zip(merged, row, strict=True)]
    else:
        rest = [(y, row) for y, row in heads if not band[0] <= y <= band[1]]
        return sorted([*rest, (band[0], merged)], key=lambda item: item[0])
    return sorted([*heads, (band[0], turned)], key=lambda item: item[0])


def _label_column_starts(body: list[Line], left: float, header: list[Line] | None = None) -> list[float]:
    """Where the text columns left of the ticks start: an outer group label, the activity, a protocol
    reference (right-aligned, so its starts vary a little). Each start is seen on several lines, or
    under a `header` phrase of its own (a short table's reference column)."""
    xs = sorted(p.x0 for line in body for p in line.phrases if p.centre < left)
    if not xs:
        return [float("-inf")]
    clusters: list[list[float]] = [[xs[0]]]
    for x in xs[1:]:
        if x - clusters[-1][-1] <= SECOND_COLUMN_SLACK:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    heads = [p for line in header or [] for p in line.phrases if p.centre < left and p.x0 > clusters[0][-1]]
    starts = [c[0] for c in clusters[1:] if len(c) >= MIN_SECOND_COLUMN_LINES
              or any(h.x0 - SECOND_COLUMN_SLACK <= c[0] <= h.x1 for h in heads)]
    return [float("-inf"), *starts]


def _row_groups(lines: list[Line], centres: list[float], left: float, right: float,
                bounds: list[float], header: bool = False,
                label_column: Callable[[Phrase], int] | None = None) -> list[list[Line]]:
    """Lines gathered into table rows: a gap wider than ROW_GAP font sizes starts a row, and so does a
    label column's text starting again a row gap below its last line (`label_column` places a label
    phrase). A gathered row with two lines writing in the same tick column was several rows set without
    padding: one per line. In the `header`, a line naming no column is the corner label wrapped, not a
    header row."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and line.top - groups[-1][-1].top <= ROW_GAP * max(line.size, groups[-1][-1].size):
            groups[-1].append(line)
        else:
            groups.append([line])
    if label_column is not None:
        groups = [part for group in groups for part in _label_rows(group, left, label_column)]
    result: list[list[Line]] = []
    for group in groups:
        used = [{_slot(p.centre, left, right, bounds) for p in line.phrases if p.centre >= left}
                - {len(centres) + 1} for line in group]
        crowded = any(a & b for a, b in itertools.combinations(used, 2))
        parts = _bands(group, centres, left, right, bounds, header) if crowded else [group]
        for number, part in enumerate(parts):
            label_only = not any(p.centre >= left for line in part for p in line.phrases)
            if result and (_wraps(result[-1], part, left) or (header and number and label_only)):
                result[-1].extend(part)  # a label wrapped onto a line of its own, set without padding
            else:
                result.append(part)
    return result


def _label_rows(group: list[Line], left: float, label_column: Callable[[Phrase], int]) -> list[list[Line]]:
    """A gathered row cut before each line whose label column last wrote more than a row gap above:
    lines between (an outer group label wrapped, a note) had joined two rows of one-line labels."""
    parts: list[list[Line]] = []
    last_top: dict[int, float] = {}  # label column -> top of its last line in the current part
    for line in group:
        columns = {label_column(p) for p in line.phrases if p.centre < left}
        if parts and any(k in last_top and line.top - last_top[k] > ROW_GAP * line.size for k in columns):
            parts.append([line])
            last_top = {}
        elif parts:
            parts[-1].append(line)
        else:
            parts.append([line])
        last_top.update((k, line.top) for k in columns)
    return parts


def _bands(group: list[Line], centres: list[float], left: float, right: float,
           bounds: list[float], header: bool) -> list[list[Line]]:
    """A crowded row group cut into one row per line, except where two lines write words (not marks) in
    the same column a line pitch apart: that is one cell's text wrapped, and the lines from the first to
    the second (a cell centred beside it) stay one row. In the body, lines that overlap (a mark centred
    beside a wrapped label) are one row too; in the header such a line is a cell merged over two rows."""
    vocab = soa_vocabulary()
    words = [{_slot(p.centre, left, right, bounds) for p in line.phrases
              if p.centre >= left and not vocab.is_tick(p.text) and not _is_dash(p.text)} for line in group]
    joined = [False] * len(group)  # line k is joined to line k - 1
    for a, b in itertools.combinations(range(len(group)), 2):
        if words[a] & words[b] and group[b].top - group[a].top <= WRAP_PITCH * group[a].size:
            for k in range(a + 1, b + 1):
                joined[k] = True
    if not header:
        reach = float("-inf")
        for k, line in enumerate(group):
            joined[k] = joined[k] or line.top < reach - OVERLAP_SHARE * line.size
            reach = max(reach, line.bottom) if joined[k] else line.bottom
    bands: list[list[Line]] = []
    for line, join in zip(group, joined, strict=True):
        if join and bands:
            bands[-1].append(line)
        else:
            bands.append([line])
    return bands


def _wraps(previous: list[Line], part: list[Line], left: float) -> bool:
    """Whether `part` goes on the label of `previous`: the previous row names no column, and this one's
    label starts in lower case (the rest of a sentence, not a new activity)."""
    if any(p.centre >= left for line in previous for p in line.phrases):
        return False
    labels = [p.text for line in part for p in line.phrases if p.centre < left]
    return bool(labels) and labels[0][:1].islower()


def _joined(parts: list[list[GridCell]]) -> list[GridCell]:
    """Rows of one gathered row joined column by column (texts in reading order)."""
    joined: list[GridCell] = []
    for cells in zip(*parts, strict=True):
        own = [c for c in cells if c.text and not c.span_copy]
        copies = [c for c in cells if c.text and c.span_copy]
        if own:
            joined.append(GridCell(" ".join(c.text for c in own), tuple(m for c in own for m in c.markers)))
        elif copies:
            joined.append(GridCell(" ".join(c.text for c in copies), copies[0].markers, span_copy=True))
        else:
            joined.append(GridCell())
    return joined


def _header_spans(phrases: list[Phrase], centres: list[float], left: float, right: float,
                  bounds: list[float]) -> list[list[int]]:
    """Grid columns under each header phrase. A group header ("Treatment Period") is centred over its
    columns: from the column(s) at its centre it takes equal steps outwards while both neighbours are
    free (under no other phrase of the line) and exist."""
    claimed: dict[int, int] = {}
    starts: list[list[int]] = []
    for number, phrase in enumerate(phrases):
        if phrase.x1 <= left:
            start = [0]
        else:
            start = [k + 1 for k, x in enumerate(centres) if phrase.x0 - 1 <= x <= phrase.x1 + 1]
            if not start:
                start = [_slot(phrase.centre, left, right, bounds)]
                start = _border_columns(phrase.centre, centres, bounds) or start
        starts.append(start)
        for k in start:
            claimed.setdefault(k, number)
    pitch = min((b - a for a, b in itertools.pairwise(centres)), default=0.0)
    spans: list[list[int]] = []
    for number, (phrase, start) in enumerate(zip(phrases, starts, strict=True)):
        low, high = min(start), max(start)
        # a phrase sitting on one column's centre is that column's header, however free its neighbours
        on_one = (low == high and 1 <= low <= len(centres)
                  and abs(phrase.centre - centres[low - 1]) <= ON_CENTRE_SHARE * pitch)
        # nor does it reach past the middle between it and the next phrase of its line
        floor = (phrases[number - 1].x1 + phrase.x0) / 2 if number else float("-inf")
        ceiling = (phrase.x1 + phrases[number + 1].x0) / 2 if number + 1 < len(phrases) else float("inf")
        if low >= 1 and high <= len(centres) and not on_one:
            while (low - 1 >= 1 and high + 1 <= len(centres)
                   and claimed.get(low - 1, number) == number and claimed.get(high + 1, number) == number
                   and centres[low - 2] > floor and centres[high] < ceiling):
                low, high = low - 1, high + 1
        spans.append(list(range(low, high + 1)))
    return spans


def _border_columns(x: float, centres: list[float], bounds: list[float]) -> list[int]:
    """The two grid columns a header centred on their border stands over (a group header), if any."""
    for k, bound in enumerate(bounds):
        if abs(bound - x) <= ON_CENTRE_SHARE * (centres[k + 1] - centres[k]):
            return [k + 1, k + 2]
    return []


def _outer_bounds(centres: list[float]) -> tuple[float, float]:
    """Where the tick columns begin and end: half the column pitch (the narrowest spacing, a column
    without ticks may be missing in between) outside the first and last centre."""
    pitch = min(b - a for a, b in itertools.pairwise(centres))
    return centres[0] - pitch / 2, centres[-1] + pitch / 2


def _slot(x: float, left: float, right: float, bounds: list[float]) -> int:
    """Grid column of an x position: 0 labels, 1..n tick columns, n + 1 right of the last."""
    if x < left:
        return 0
    if x > right:
        return len(bounds) + 2
    return 1 + sum(1 for b in bounds if x > b)
