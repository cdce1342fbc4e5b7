"""Draw a study's schedules (visits, header cells, activities, marks, footnotes) from the layout
parameters and a seeded `random.Random`. Nothing here knows how the tables will be drawn."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from synthetic_soa import vocabulary as V
from synthetic_soa.model import Decoy, HeaderCell, Mark, Row, Schedule, Study, Text
from synthetic_soa.params import LayoutParams

VISIT_COUNTS = {"few": (4, 6), "some": (7, 10), "many": (11, 15), "lots": (16, 22)}
ROW_COUNTS = {"short": (8, 14), "medium": (15, 26), "long": (27, 40), "very_long": (41, 56)}
ROW_NAMES = {
    "epoch": ("Study Period", "Period", "Phase", "Study Phase"),
    "visit": ("Visit", "Visit Number", "Visit No."),
    "day": ("Study Day", "Day"),
    "week": ("Study Week", "Week"),
    "window": ("Visit Window (days)", "Window", "Window (days)"),
    "cycle": ("Cycle",),
    "time": ("Time point", "Hours post-dose", "Time"),
    "day_group": ("Study Day", "Day"),
    "name": ("Visit",),
}
GROUP_LEVELS = {"epoch", "cycle", "day_group"}  # levels whose equal neighbours merge into one cell
SUPERSCRIPT_DIGITS = "123456789"


@dataclass
class Column:
    """One visit column: its role in the study and its header text per level."""

    role: str  # screening baseline treatment phone eot fu uns survival admission
    levels: dict[str, str] = field(default_factory=dict)
    unit: str = "day"  # what the "day" level counts: day or week


def draw_study(params: LayoutParams) -> Study:
    """Given layout parameters, return the study to draw (deterministic for the parameters)."""
    rng = random.Random(params.content_seed)
    kinds = params.schedules.split("+")
    protocol = f"SYN-{rng.randrange(1000, 9999)}"
    table_number = rng.randrange(1, 9)
    main_title, main_truth = _title(params, rng, params.title, table_number)
    main_columns, levels = _main_columns(params, rng)
    separate = {k for k in kinds if k in ("lab", "pk")}
    concepts = _main_concepts(params, rng, separate)
    labels: dict[str, str] = {}
    schedules = [_schedule(params, rng, "main", main_title, main_truth, main_columns, levels, concepts,
                           labels)]
    base = params.title if params.title not in ("none", "caption only") else "Schedule of Activities"
    for kind in kinds[1:]:
        table_number += 1
        if kind == "later":
            title = rng.choice(V.LATER_TITLES).format(title=base)
            columns = _later_columns(params, rng, main_columns, levels)
            rows = [c for c in concepts if c.group not in ("eligibility",)]
            rows = rng.sample(rows, k=min(len(rows), max(5, len(rows) * 2 // 3)))
            rows.sort(key=concepts.index)
            schedule_levels = levels
        else:
            title = rng.choice(V.LAB_TITLES if kind == "lab" else V.PK_TITLES)
            columns, schedule_levels = main_columns, levels  # the same visits, repeated
            pool = [c for c in V.concepts() if c.group == ("laboratory" if kind == "lab" else "pk")]
            if kind == "lab":
                pool += [c for c in V.concepts() if c.concept in ("pregnancy", "glucose")]
            rows = sorted(rng.sample(pool, k=min(len(pool), rng.randint(5, 12))), key=V.concepts().index)
        caption, truth = _caption(params, rng, title, table_number)
        schedules.append(_schedule(params, rng, kind, caption, truth, columns, schedule_levels, rows, labels))
    return Study(
        protocol_number=protocol,
        study_title=f"A Phase {rng.choice(['1', '2', '2a', '3'])}, {rng.choice(['Randomized', 'Open-label'])}"
                    f" Study of SYN-{rng.randrange(100, 999)} in Participants with "
                    f"{rng.choice(['Moderate to Severe Disease', 'Solid Tumors', 'Type 2 Diabetes'])}",
        schedules=schedules,
        decoy=_decoy(params, rng),
        paragraphs=[rng.choice(V.PARAGRAPHS) for _ in range(12)],
        toc_entries=[(f"{i}", h) for i, h in enumerate(V.SECTION_HEADINGS, 1)],
    )


# ---------------------------------------------------------------- titles

def _title(params: LayoutParams, rng: random.Random, title: str, number: int) -> tuple[str, str]:
    if title == "none":
        return "", ""
    if title == "caption only":
        return f"Table {number}", f"Table {number}"
    return _caption(params, rng, title, number)


def _caption(params: LayoutParams, rng: random.Random, title: str, number: int) -> tuple[str, str]:
    if params.title_style == "section_number":
        return f"1.{rng.randint(1, 4)} {title}", title
    if params.title_style == "table_caption":
        word, stop = rng.choice(["Table", "Table", "TABLE"]), rng.choice([":", ".", ""])
        return f"{word} {number}{stop} {title}", title
    return title, title


# ---------------------------------------------------------------- visit columns

def _levels(params: LayoutParams) -> list[str]:
    scheme, rows = params.header_scheme, params.header_rows
    if scheme == "single":
        return ["name"]
    if scheme == "cycles":
        return ["cycle", "day", *(["window"] if rows in ("full", "day+window") else [])]
    if scheme == "timepoints":
        return [*(["epoch"] if rows == "full" else []), "day_group", "time"]
    lower = {"full": ["visit", "day", "window"], "visit+day": ["visit", "day"],
             "day+window": ["day", "window"],
             "visit_only": ["visit"]}[rows]
    return ["epoch", *lower]


def _main_columns(params: LayoutParams, rng: random.Random) -> tuple[list[Column], list[str]]:
    low, high = VISIT_COUNTS[params.visits]
    n = rng.randint(low, high)
    levels = _levels(params)
    bare = params.row_names == "row_names"  # bare numbers need row names ("Visit", "Day") beside them
    if params.header_scheme == "cycles":
        return _cycle_columns(rng, n, bare), levels
    if params.header_scheme == "timepoints":
        return _timepoint_columns(rng, n, bare), levels
    return _visit_columns(params, rng, n, bare, start_visit=1, later=False), levels


def _window(rng: random.Random, days: int) -> str:
    return rng.choice([f"±{days} d", f"± {days} days", f"±{days}", f"(±{days})"])


def _visit_columns(params: LayoutParams, rng: random.Random, n: int, bare: bool, start_visit: int,
                   later: bool, start_week: int = 0) -> list[Column]:
    screening = 0 if later else (2 if n >= 9 and rng.random() < 0.3 else 1)
    tail = [role for role, p in (("eot", 0.7), ("fu", 0.7), ("uns", 0.2)) if rng.random() < p]
    while n - screening - len(tail) < 2 and tail:
        tail.pop()
    treatment = max(2, n - screening - len(tail))
    weeks = later or treatment > 6 or rng.random() < 0.5
    phones = set()
    if params.extra_codes and treatment > 4 and rng.random() < 0.6:
        phones = set(rng.sample(range(2, treatment), k=min(2, treatment - 2)))
    visit_style = rng.choice(["Visit {n}", "V{n}", "Visit {n}"] if not bare else ["{n}", "V{n}"])
    day_style = rng.choice(["Day {d}", "D{d}"] if not bare else ["{d}"])
    week_style = rng.choice(["Week {w}", "Wk {w}"] if not bare else ["{w}"])
    epoch_screen = rng.choice(V.SCREENING_EPOCHS)
    epoch_treat = rng.choice(V.LATER_EPOCHS if later else V.TREATMENT_EPOCHS)
    step = rng.choice([2, 4]) if weeks else 7
    columns: list[Column] = []
    number = start_visit
    for i in range(screening):
        days = rng.choice(["-28 to -1", "-21 to -1", "-14 to -2", "-35 to -8"]) if i == 0 else "-7 to -1"
        columns.append(Column("screening", {
            "epoch": epoch_screen, "visit": visit_style.format(n=number),
            "day": (days if bare else f"Day {days}"), "week": "", "window": "",
            "name": "Screening" if screening == 1 else f"Screening {i + 1}"}))
        number += 1
    week = start_week
    day = 1
    for i in range(treatment):
        if weeks:
            week = (week + step) if (i or later) else 0
            timing = week_style.format(w=week) if (i or later) else day_style.format(d=1)
            window = "" if not (i or later) else _window(rng, 3 if week < 12 else 7)
        else:
            day = 1 + step * i
            timing = day_style.format(d=day)
            window = "" if not i else _window(rng, 1 if day < 15 else 2)
        role = "baseline" if i == 0 and not later else ("phone" if i in phones else "treatment")
        name = ("Baseline" if role == "baseline" and rng.random() < 0.5 else
                ("Phone call" if role == "phone" else (timing if not bare else
                                                        f"Week {week}" if weeks else f"Day {day}")))
        visit = (f"P{number}" if role == "phone" and not bare else visit_style.format(n=number))
        columns.append(Column(role, {"epoch": epoch_treat, "visit": visit, "day": timing, "window": window,
                                     "name": name}, "week" if weeks else "day"))
        number += 1
    for role in tail:
        name = {"eot": rng.choice(V.EOT_NAMES), "fu": rng.choice(V.FOLLOW_UP_NAMES),
                "uns": rng.choice(V.UNSCHEDULED_NAMES)}[role]
        later_timing = week_style.format(w=week + 4) if weeks else day_style.format(d=day + 28)
        when = {"eot": "", "fu": rng.choice(["30 days after last dose", "+4 weeks", later_timing]),
                "uns": ""}[role]
        visit = visit_style.format(n=number) if role != "uns" and rng.random() < 0.5 else ""
        columns.append(Column(role, {"epoch": name, "visit": visit, "day": when,
                                     "window": "±7 d" if role == "fu" and rng.random() < 0.5 else "",
                                     "name": name}, "week" if weeks else "day"))
        if visit:
            number += 1
    return columns


def _cycle_columns(rng: random.Random, n: int, bare: bool) -> list[Column]:
    fmt = "{d}" if bare else rng.choice(["D{d}", "Day {d}"])
    columns = [Column("screening", {"cycle": "Screening", "day": f"{'' if bare else 'Day '}-28 to -1",
                                    "window": ""})]
    tail = [Column("eot", {"cycle": rng.choice(["EOT", "End of Treatment"]), "day": "", "window": "+7 d"}),
            Column("fu", {"cycle": rng.choice(["Safety FU", "Safety Follow-up"]),
                          "day": "30 days after last dose", "window": "±7 d"})]
    if rng.random() < 0.5:
        tail.append(Column("survival", {"cycle": "Survival FU", "day": "Every 12 weeks", "window": "±14 d"}))
    budget = max(3, n - len(columns) - len(tail))
    cycle = 1
    while budget > 0:
        days = [1, 8, 15] if cycle == 1 else ([1, 15] if cycle == 2 and rng.random() < 0.5 else [1])
        days = days[:budget]
        last = budget - len(days) <= 1 and cycle > 1
        label = f"Cycle {cycle} and beyond" if last else f"Cycle {cycle}"
        if last and rng.random() < 0.5:
            label = f"Cycles {cycle}+"
        for d in days:
            role = "baseline" if cycle == 1 and d == 1 else "treatment"
            columns.append(Column(role, {"cycle": label, "day": fmt.format(d=d),
                                         "window": "" if role == "baseline" else ("±1 d" if d > 1 else "±3 d")
                                         }))
        budget -= len(days)
        cycle += 1
        if last:
            break
    return columns + tail


def _timepoint_columns(rng: random.Random, n: int, bare: bool) -> list[Column]:
    period = rng.choice(["Period 1", "Treatment Period", "In-clinic Period"])
    columns = [Column("screening", {"epoch": "Screening", "day_group": "Screening",
                                    "time": rng.choice(["Day -28 to -2", "Days -21 to -2"])})]
    columns.append(Column("admission", {"epoch": period, "day_group": "Day -1", "time": ""}))
    tail = [Column("fu", {"epoch": "Follow-up", "day_group": rng.choice(["Follow-up", "End of Study"]),
                          "time": rng.choice(["Day 8 ± 2", "7 to 10 days after dose"])})]
    budget = max(3, n - len(columns) - len(tail))
    times = list(V.PK_TIMES[: max(2, budget - 2)])
    for t in times[:-2] if len(times) > 3 else times:
        columns.append(Column("treatment" if t != "Predose" else "baseline",
                              {"epoch": period, "day_group": "Day 1", "time": t}))
    extra = [("Day 2", "24 h"), ("Day 3", "48 h")][: max(0, budget - len(columns) + 2)]
    for day, t in extra:
        columns.append(Column("treatment", {"epoch": period, "day_group": day, "time": t}))
    return columns + tail


def _later_columns(params: LayoutParams, rng: random.Random, main: list[Column],
                   levels: list[str]) -> list[Column]:
    n = rng.randint(3, 8)
    if params.header_scheme in ("cycles", "timepoints"):
        period = rng.choice(V.LATER_EPOCHS)
        key = levels[0]
        out = []
        for i in range(n):
            cols = {level: "" for level in levels}
            cols[key] = period
            for level in levels[1:]:
                cols[level] = {"day": f"Week {12 * (i + 1)}", "day_group": f"Week {12 * (i + 1)}",
                               "time": "Predose", "window": "±7 d", "visit": f"E{i + 1}"}.get(level, "")
            out.append(Column("treatment", cols))
        return out
    visits = [c.levels.get("visit", "") for c in main]
    numbers = [int("".join(ch for ch in v if ch.isdigit()) or 0) for v in visits]
    timings = [c.levels.get("day", "").split()[-1:] for c in main]
    last_week = max([int(t[0]) for t in timings if t and t[0].isdigit()] or [24])
    cols = _visit_columns(params, rng, n, params.row_names == "row_names", start_visit=max(numbers) + 1,
                          later=True, start_week=last_week)
    return cols


# ---------------------------------------------------------------- header cells

def _header(params: LayoutParams, rng: random.Random, columns: list[Column], levels: list[str]
            ) -> tuple[list[HeaderCell], list[str], int | None]:
    grid = [[c.levels.get(level, "") for level in levels] for c in columns]
    for column in grid:  # a lower level repeating the one above says nothing new
        for r in range(len(levels) - 1, 0, -1):
            if column[r] and column[r] == column[r - 1]:
                column[r] = ""
    cells: list[HeaderCell] = []
    covered: set[tuple[int, int]] = set()
    for r, level in enumerate(levels):
        c = 0
        while c < len(columns):
            if (r, c) in covered:
                c += 1
                continue
            text = grid[c][r]
            span = 1
            if level in GROUP_LEVELS and text:
                while c + span < len(columns) and grid[c + span][r] == text and (r, c + span) not in covered \
                        and all(grid[c + span][k] == grid[c][k] for k in range(r)):
                    span += 1
            rowspan = 1
            if params.header_vmerge and text and r < len(levels) - 1 and all(
                    not grid[k][q] for k in range(c, c + span) for q in range(r + 1, len(levels))):
                rowspan = len(levels) - r
            for k in range(c, c + span):
                for q in range(r, r + rowspan):
                    covered.add((q, k))
            cells.append(HeaderCell(r, c, Text(text), span, rowspan))
            c += span
    weeks = any(c.unit == "week" for c in columns)
    names = [rng.choice(ROW_NAMES["week" if level == "day" and weeks else level]) for level in levels]
    name_row = next((i for i, level in enumerate(levels) if level in ("visit", "name")), None)
    return cells, names, name_row


# ---------------------------------------------------------------- activities and marks

def _main_concepts(params: LayoutParams, rng: random.Random, separate: set[str]) -> list[V.Concept]:
    low, high = ROW_COUNTS[params.length]
    pool = [c for c in V.concepts() if not ("lab" in separate and c.group == "laboratory")
            and not ("pk" in separate and c.group == "pk")]
    k = min(len(pool), rng.randint(low, high))
    chosen = rng.sample(pool, k=k)
    order = {g: i for i, g in enumerate(V.GROUP_ORDER)}
    return sorted(chosen, key=lambda c: (order[c.group], V.concepts().index(c)))


def _pattern(pattern: str, roles: list[str], rng: random.Random) -> set[int]:
    idx = {role: [i for i, r in enumerate(roles) if r == role] for role in set(roles)}
    screening, baseline = idx.get("screening", []), idx.get("baseline", [])
    treatment, phone = idx.get("treatment", []), idx.get("phone", [])
    eot, fu = idx.get("eot", []), idx.get("fu", []) + idx.get("survival", [])
    on_site = sorted(baseline + treatment)
    if pattern == "screening":
        out = set(screening[:1] or on_site[:1])
    elif pattern == "screening_baseline":
        out = set(screening[:1] + baseline)
    elif pattern == "day1":
        out = set(baseline or on_site[:1])
    elif pattern == "once":
        out = {rng.choice(on_site or [0])}
    elif pattern == "every":
        out = set(range(len(roles))) - set(idx.get("uns", []))
        out -= set(idx.get("survival", []))
    elif pattern == "treatment":
        out = set(on_site + phone)
    elif pattern == "dosing":
        out = set(on_site[:-1] if len(on_site) > 2 else on_site)
    elif pattern == "periodic":
        step = rng.choice([2, 3])
        out = set(screening[:1] + on_site[::step] + eot)
    elif pattern == "key":
        middle = on_site[len(on_site) // 2: len(on_site) // 2 + 1]
        out = set(screening[:1] + baseline + middle + on_site[-1:] + eot)
    elif pattern == "follow_up":
        out = set(fu or eot or on_site[-1:])
    else:  # sparse
        out = set(rng.sample(range(len(roles)), k=min(len(roles), rng.randint(1, 3))))
    if "uns" in idx and pattern in ("every", "key", "periodic") and rng.random() < 0.5:
        out |= set(idx["uns"])
    if len(roles) > 3 and rng.random() < 0.15:  # protocols are irregular
        out ^= {rng.randrange(len(roles))}
    return out or {rng.randrange(len(roles))}


def _tick(params: LayoutParams, rng: random.Random) -> str:
    if params.tick == "mixed":
        return rng.choice(["X", "X", "x"])
    return params.tick


def _marks(params: LayoutParams, rng: random.Random, concept: V.Concept, roles: list[str], dash: str
           ) -> dict[int, Mark]:
    chosen = _pattern(concept.pattern, roles, rng)
    marks: dict[int, Mark] = {}
    for i in sorted(chosen):
        text = _tick(params, rng)
        if params.extra_codes:
            if roles[i] == "phone":
                text = rng.choice(["T", text])
            elif concept.group == "efficacy" and roles[i] == "screening" and rng.random() < 0.5:
                text = "P"
            elif concept.concept in ("pk_blood", "drug_admin", "pk_urine") and rng.random() < 0.6:
                text = rng.choice(V.TIME_LISTS)
            elif concept.concept in ("biopsy", "genetics", "holter") and rng.random() < 0.5:
                text = "Optional"
            elif roles[i] in ("uns", "eot") and rng.random() < 0.3:
                text = "(X)"
        marks[i] = Mark(text)
    if params.spanning_cells and concept.pattern == "every" and len(marks) >= 3:
        ordered = sorted(marks)
        start, end = ordered[0], ordered[-1]
        if ordered == list(range(start, end + 1)):
            marks = {start: Mark(rng.choice(V.CONTINUOUS), span=end - start + 1)}
    if params.dash_empty:
        covered = {k for s, m in marks.items() for k in range(s, s + m.span)}
        for i in range(len(roles)):
            if i not in covered:
                marks[i] = Mark(dash, scheduled=False)
    return marks


def _pk_rows(rng: random.Random, roles: list[str]) -> list[tuple[str, str, set[int]]]:
    """PK schedules often list one row per sampling time."""
    on_site = [i for i, r in enumerate(roles) if r in ("baseline", "treatment")]
    sample = rng.choice(["Plasma PK sample", "PK blood sample", "Blood sample for drug concentration"])
    rows = []
    for t in rng.sample(V.PK_TIMES[:8], k=rng.randint(3, 6)):
        when = "predose" if t == "Predose" else f"{t} post-dose"
        rows.append((f"{sample} – {when}", "pk",
                     set(rng.sample(on_site, k=max(1, len(on_site) // 2)) if on_site else {0})))
    return rows


def _schedule(params: LayoutParams, rng: random.Random, kind: str, title: str, truth_title: str,
              columns: list[Column], levels: list[str], concepts: list[V.Concept], labels: dict[str, str]
              ) -> Schedule:
    """One table. `labels` holds the wording chosen per concept so far: a protocol words an activity the
    same way in each of its tables."""
    roles = [c.role for c in columns]
    header, names, name_row = _header(params, rng, columns, levels)
    group_names = {g: rng.choice(V.GROUP_NAMES[g]) for g in V.GROUP_ORDER}
    rows: list[Row] = []
    used_labels: set[str] = set()
    dash = rng.choice(["-", "–", "N/A", "—"])  # one way of writing "nothing here" per table
    specs: list[tuple[str, str, dict[int, Mark]]] = []
    for concept in concepts:
        label = labels.get(concept.concept) or rng.choice(concept.variants)
        if label.lower() in used_labels:
            label = concept.variants[0]
        used_labels.add(label.lower())
        labels[concept.concept] = label
        specs.append((label, concept.group, _marks(params, rng, concept, roles, dash)))
    if kind == "pk" and rng.random() < 0.6:
        specs = [(label, group, {i: Mark(_tick(params, rng)) for i in sorted(cols)})
                 for label, group, cols in _pk_rows(rng, roles)] + specs[:3]
    group = None
    for label, concept_group, marks in specs:
        if params.sections in ("spanning", "label_only") and concept_group != group:
            rows.append(Row("section", Text(group_names[concept_group])))
        group = concept_group
        reference = ""
        if params.ref_column != "none" and rng.random() < 0.8:
            reference = rng.choice([f"{rng.randint(6, 10)}.{rng.randint(1, 5)}.{rng.randint(1, 4)}",
                                    f"Section {rng.randint(6, 10)}.{rng.randint(1, 5)}",
                                    f"Appendix {rng.randint(1, 6)}",
                                    f"{rng.randint(6, 10)}.{rng.randint(1, 9)}"])
        note = rng.choice(V.NOTES) if params.notes_column != "none" and rng.random() < 0.4 else ""
        grouped = group_names[concept_group] if params.sections != "none" else None
        rows.append(Row("activity", Text(label), grouped, reference, note, marks))
    _redact(params, rng, rows)
    schedule = Schedule(kind=kind, title=title, truth_title=truth_title, n_visits=len(columns),
                        header_rows=len(levels), header=header, row_names=names,
                        corner=rng.choice(V.CORNERS), rows=rows, visit_name_row=name_row,
                        redaction_fill=rng.choice(["black", "black", "dark"]))
    _footnotes(params, rng, schedule)
    if params.legend:
        codes = sorted({m.text for r in rows for m in r.marks.values() if m.text in V.LEGENDS},
                       key=list(V.LEGENDS).index)
        schedule.legend = [(code, rng.choice(V.LEGENDS[code])) for code in codes]
    return schedule


def _redact(params: LayoutParams, rng: random.Random, rows: list[Row]) -> None:
    """Replace activity rows by a "CCI" band (confidential content removed before posting)."""
    if params.redaction == "none":
        return
    activities = [i for i, r in enumerate(rows) if r.kind == "activity"]
    if len(activities) < 6:
        return
    if params.redaction == "row":
        for i in rng.sample(activities[1:], k=rng.randint(1, 2)):
            rows[i] = Row("redacted", Text("CCI"))
        return
    size = rng.randint(2, 4)
    start = rng.choice(activities[1:-size])
    block = [i for i in range(start, start + size) if rows[i].kind == "activity"]
    rows[block[0]] = Row("redacted", Text("CCI"), redact_span=len(block))
    for i in reversed(block[1:]):
        del rows[i]


def _footnotes(params: LayoutParams, rng: random.Random, schedule: Schedule) -> None:
    if params.footnotes == "none":
        return
    count = rng.randint(2, 6)
    markers = list(SUPERSCRIPT_DIGITS[:count]) if params.footnotes == "digits" else \
        [chr(ord("a") + i) for i in range(count)]
    texts = rng.sample(V.FOOTNOTES, k=count)
    activity_rows = [r for r in schedule.rows if r.kind == "activity"]
    named = [c for c in schedule.header if c.text.text]
    for marker in markers:
        where = rng.choice(["label", "label", "cell", "cell", "header"])
        if where == "header" and named:
            cell = rng.choice(named)
            cell.text = Text(cell.text.text, (*cell.text.markers, marker))
        elif where == "cell":
            row = rng.choice(activity_rows)
            ticks = [i for i, m in row.marks.items() if m.scheduled and m.span == 1 and len(m.text) <= 3]
            if not ticks:
                row.label = Text(row.label.text, (*row.label.markers, marker))
                continue
            for i in rng.sample(ticks, k=min(len(ticks), rng.randint(1, 3))):
                mark = row.marks[i]
                row.marks[i] = Mark(mark.text, (*mark.markers, marker), mark.scheduled, mark.span)
        else:
            row = rng.choice(activity_rows)
            row.label = Text(row.label.text, (*row.label.markers, marker))
    schedule.footnotes = list(zip(markers, texts, strict=True))


def _decoy(params: LayoutParams, rng: random.Random) -> Decoy | None:
    if params.decoy == "abbreviations":
        return Decoy("List of Abbreviations", ["Abbreviation", "Definition"],
                     [[a, b] for a, b in V.ABBREVIATIONS])
    if params.decoy == "responsibilities":
        parties = list(V.RESPONSIBILITY_PARTIES)
        rows = [[task, *[("X" if rng.random() < 0.45 else "") for _ in parties]]
                for task in V.RESPONSIBILITY_TASKS]
        return Decoy(f"Table {rng.randint(10, 20)}: Study Responsibilities", ["Task", *parties], rows)
    if params.decoy == "risk_matrix":
        rows = [[lik, *[("X" if rng.random() < 0.35 else "") for _ in V.RISK_SEVERITY]]
                for lik in V.RISK_LIKELIHOOD]
        return Decoy(f"Table {rng.randint(10, 20)}: Risk Assessment Matrix", ["Likelihood", *V.RISK_SEVERITY],
                     rows)
    return None
