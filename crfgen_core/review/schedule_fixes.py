"""Corrections to what the SoA says (cells, rows, columns, an activity's mapping): applied to the parsed
protocol before the design is built, so events, forms and the matrix follow from the corrected table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from crfgen_core.mapping.activity_matcher import ActivityMatch, UnknownMappingTarget, reviewer_match
from crfgen_core.mapping.oids import form_oid
from crfgen_core.mapping.rule_set import RuleSet
from crfgen_core.model.design import CorrectionStatus
from crfgen_core.model.protocol import Activity, ParsedProtocol, Schedule, ScheduleCell, Visit
from crfgen_core.review.corrections import (
    ActivityAdd,
    ActivityRemap,
    ActivityRemove,
    ActivityRename,
    Correction,
    ScheduleCorrection,
    SoaCellFix,
    VisitAdd,
    VisitRemove,
    VisitRename,
)
from crfgen_core.review.keys import activity_keys, normalize_label, schedule_keys, visit_keys
from crfgen_core.standards.cosmos import StandardsLibrary


@dataclass
class ScheduleFixes:
    """The corrected protocol, what each correction did, and the reviewer's activity mappings."""

    parsed: ParsedProtocol
    outcomes: dict[str, tuple[CorrectionStatus, str]] = field(default_factory=dict)
    readings: dict[tuple[str, str], ActivityMatch] = field(default_factory=dict)


class _Missing(LookupError):
    """A key the corrected protocol does not hold: the correction is orphaned."""


def _find(keys: dict[str, str], key: str, what: str, schedule: Schedule) -> str:
    found = next((thing for thing, k in keys.items() if k == key), None)
    if found is None:
        raise _Missing(f"no {what} with key '{key}' in '{schedule.title}'")
    return found


def _schedule(parsed: ParsedProtocol, key: str, activities: Sequence[str], visits: Sequence[str]) -> Schedule:
    """The table named by `key`; if no title has that key (an amendment reworded it), the one table that
    holds every activity and visit key the correction names (or the only table)."""
    keys = schedule_keys(parsed)
    exact = [s for s in parsed.schedules if keys[s.id] == key]
    if exact:
        return exact[0]
    holders = [
        s
        for s in parsed.schedules
        if set(activities) <= set(activity_keys(s).values()) and set(visits) <= set(visit_keys(s).values())
    ]
    if len(holders) == 1:
        return holders[0]
    raise _Missing(f"no schedule with key '{key}' ({len(holders)} tables hold its rows and columns)")


def _new_id(prefix: str, correction_id: str) -> str:
    return f"{prefix}+{correction_id[:8]}"


def _cell_fix(schedule: Schedule, fix: SoaCellFix) -> tuple[CorrectionStatus, str]:
    activity = _find(activity_keys(schedule), fix.activity, "activity", schedule)
    visit = _find(visit_keys(schedule), fix.visit, "visit", schedule)
    cells = [c for c in schedule.cells if c.activity == activity and c.visit == visit]
    if fix.action == "clear":
        if not cells:
            return "unchanged", "the cell is empty already"
        schedule.cells = [c for c in schedule.cells if c not in cells]
        return "applied", f"cleared '{cells[0].text}'"
    if cells and cells[0].text == fix.text:
        return "unchanged", f"the cell says '{fix.text}' already"
    if cells:
        cells[0].text = fix.text
        return "applied", f"cell text set to '{fix.text}'"
    schedule.cells.append(ScheduleCell(activity=activity, visit=visit, text=fix.text))
    return "applied", f"cell marked '{fix.text}'"


def _insert_at(keys: dict[str, str], after: str | None, schedule: Schedule, count: int) -> int:
    if after is None:
        return count
    return list(keys).index(_find(keys, after, "row or column", schedule)) + 1


def _activity_add(schedule: Schedule, fix: ActivityAdd) -> tuple[CorrectionStatus, str]:
    keys = activity_keys(schedule)
    if normalize_label(fix.label) in keys.values():
        return "unchanged", f"the table has '{fix.label}' already"
    visits = [_find(visit_keys(schedule), key, "visit", schedule) for key in fix.visits]
    at = _insert_at(keys, fix.after, schedule, len(schedule.activities))
    added = Activity(id=_new_id("A", fix.id), label=fix.label, group=fix.group)
    schedule.activities.insert(at, added)
    schedule.cells.extend(ScheduleCell(activity=added.id, visit=v, text=fix.text) for v in visits)
    return "applied", f"row '{fix.label}' added, marked at {len(visits)} visit(s)"


def _visit_add(schedule: Schedule, fix: VisitAdd) -> tuple[CorrectionStatus, str]:
    keys = visit_keys(schedule)
    if normalize_label(fix.label) in keys.values():
        return "unchanged", f"the table has '{fix.label}' already"
    activities = [_find(activity_keys(schedule), key, "activity", schedule) for key in fix.activities]
    at = _insert_at(keys, fix.after, schedule, len(schedule.visits))
    added = Visit(id=_new_id("V", fix.id), label=fix.label, headers=fix.headers or [fix.label], day=fix.day)
    schedule.visits.insert(at, added)
    schedule.cells.extend(ScheduleCell(activity=a, visit=added.id, text=fix.text) for a in activities)
    return "applied", f"column '{fix.label}' added, marked for {len(activities)} activit(ies)"


def _remove(schedule: Schedule, fix: ActivityRemove | VisitRemove) -> tuple[CorrectionStatus, str]:
    if isinstance(fix, ActivityRemove):
        gone = _find(activity_keys(schedule), fix.activity, "activity", schedule)
        schedule.activities = [a for a in schedule.activities if a.id != gone]
        schedule.cells = [c for c in schedule.cells if c.activity != gone]
        return "applied", "row removed with its cells"
    gone = _find(visit_keys(schedule), fix.visit, "visit", schedule)
    schedule.visits = [v for v in schedule.visits if v.id != gone]
    schedule.cells = [c for c in schedule.cells if c.visit != gone]
    return "applied", "column removed with its cells"


def _rename(schedule: Schedule, fix: ActivityRename | VisitRename) -> tuple[CorrectionStatus, str]:
    target: Activity | Visit
    if isinstance(fix, ActivityRename):
        found = _find(activity_keys(schedule), fix.activity, "activity", schedule)
        target = next(a for a in schedule.activities if a.id == found)
    else:
        found = _find(visit_keys(schedule), fix.visit, "visit", schedule)
        target = next(v for v in schedule.visits if v.id == found)
        target.headers = [fix.label if h == target.label else h for h in target.headers]
    if target.label == fix.label:
        return "unchanged", f"labelled '{fix.label}' already"
    before, target.label = target.label, fix.label
    return "applied", f"'{before}' renamed '{fix.label}'"


def _named_keys(fix: ScheduleCorrection) -> tuple[list[str], list[str]]:
    """The activity and visit keys a correction names (to find its table when the title changed)."""
    activities = (
        [fix.activity]
        if isinstance(fix, SoaCellFix | ActivityRemove | ActivityRename | ActivityRemap)
        else []
    )
    visits = [fix.visit] if isinstance(fix, SoaCellFix | VisitRemove | VisitRename) else []
    if isinstance(fix, ActivityAdd):
        visits = list(fix.visits)
    if isinstance(fix, VisitAdd):
        activities = list(fix.activities)
    return activities, visits


def _remap(
    schedule: Schedule, fix: ActivityRemap, rules: RuleSet, standards: StandardsLibrary, fixes: ScheduleFixes
) -> tuple[CorrectionStatus, str]:
    activity = _find(activity_keys(schedule), fix.activity, "activity", schedule)
    # a form OID ('F.VS') names the same form as its rule-set key ('VS')
    by_oid = {form_oid(key): key for key in rules.forms}
    form = by_oid.get(fix.form, fix.form) if fix.form else None
    note = f"reviewer correction {fix.id[:8]} by {fix.author}: {fix.reason}"
    try:
        match = reviewer_match(form, fix.concept, fix.tests, note, rules, standards)
    except UnknownMappingTarget as error:
        return "rejected", str(error)
    fixes.readings[(schedule.id, activity)] = match
    return "applied", f"mapped to form {', '.join(match.form_tests)}"


def apply_schedule_fixes(
    parsed: ParsedProtocol,
    corrections: Sequence[Correction],
    rules: RuleSet,
    standards: StandardsLibrary,
) -> ScheduleFixes:
    """Given a parsed protocol and corrections, apply the SoA-level ones in order to a copy; return it
    with each one's outcome (by correction id) and the reviewer's activity mappings for design_crf."""
    fixes = ScheduleFixes(parsed=parsed.model_copy(deep=True))
    for fix in corrections:
        if not isinstance(fix, ScheduleCorrection):
            continue
        try:
            schedule = _schedule(fixes.parsed, fix.schedule, *_named_keys(fix))
            if isinstance(fix, SoaCellFix):
                result = _cell_fix(schedule, fix)
            elif isinstance(fix, ActivityAdd):
                result = _activity_add(schedule, fix)
            elif isinstance(fix, VisitAdd):
                result = _visit_add(schedule, fix)
            elif isinstance(fix, ActivityRemove | VisitRemove):
                result = _remove(schedule, fix)
            elif isinstance(fix, ActivityRename | VisitRename):
                result = _rename(schedule, fix)
            else:
                result = _remap(schedule, fix, rules, standards, fixes)
        except _Missing as missing:
            result = ("orphaned", str(missing))
        else:
            if schedule_keys(fixes.parsed)[schedule.id] != fix.schedule:
                where = (
                    f"table '{schedule.title}' (no table has key '{fix.schedule}'; this one holds its rows)"
                )
                result = (result[0], f"{result[1]}; in {where}")
        fixes.outcomes[fix.id] = result
    return fixes
