"""Open review items with their stable keys and the portable correction that would settle each.

review.md prints both, so a reviewer copies the correction into the study's corrections file (filling
in author and reason, and the value the generator could not choose) instead of describing the fix.
"""

from __future__ import annotations

from pydantic import JsonValue

from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.mapping.study_events import visit_identity
from crfgen_core.model.design import CRFDesign, Form, ReviewEntry
from crfgen_core.model.protocol import ParsedProtocol, Schedule
from crfgen_core.review.keys import activity_keys, schedule_keys, visit_keys

AUTHOR_PLACEHOLDER = "<your name>"
REASON_PLACEHOLDER = "<why>"
FORM_PLACEHOLDER = "<form key, e.g. VS>"

Suggestion = dict[str, JsonValue]


def _template(study: str, kind: str, **fields: JsonValue) -> Suggestion:
    return {
        "kind": kind,
        "study": study,
        **fields,
        "author": AUTHOR_PLACEHOLDER,
        "reason": REASON_PLACEHOLDER,
    }


def _form_key(names: list[str], by_name: dict[str, str]) -> str:
    """The rule-set form key of the first form name (or candidate) the rule set knows."""
    return next(
        (by_name[n.strip().casefold()] for n in names if n.strip().casefold() in by_name), FORM_PLACEHOLDER
    )


def _activity_item(
    entry: ReviewEntry, design: CRFDesign, schedule: Schedule, skey: str, study: str, by_name: dict[str, str]
) -> ReviewEntry | None:
    keys = activity_keys(schedule)
    activity = next((a for a in schedule.activities if a.label == entry.activity), None)
    if activity is None:
        return None
    akey = keys[activity.id]
    row = next(
        (m for m in design.mappings if m.activity_id == activity.id and m.schedule == schedule.id), None
    )
    forms = (row.form or "").split("; ") if row and row.kind != "unmapped" else list(entry.candidates)
    remap = _template(study, "activity_remap", schedule=skey, activity=akey, form=_form_key(forms, by_name))
    settle = [remap]
    if row is None or row.kind == "unmapped":
        settle.append(_template(study, "activity_remove", schedule=skey, activity=akey))
    elif remap["form"] == FORM_PLACEHOLDER:  # a form made for this activity (an instrument stub): add to it
        settle = [_item_template(f, study) for f in design.forms if f.name in forms] + settle
    return entry.model_copy(update={"key": f"schedule:{skey}/activity:{akey}", "settle_with": settle})


def _visit_item(entry: ReviewEntry, schedule: Schedule, skey: str, study: str) -> ReviewEntry | None:
    for visit in schedule.visits:
        names = {visit.label, visit_identity(visit) or visit.id}
        if any(f"column '{name}'" in entry.reason for name in names):
            vkey = visit_keys(schedule)[visit.id]
            remove = _template(study, "visit_remove", schedule=skey, visit=vkey)
            return entry.model_copy(update={"key": f"schedule:{skey}/visit:{vkey}", "settle_with": [remove]})
    return None


def _item_template(form: Form, study: str) -> Suggestion:
    return _template(study, "item_add", form=form.oid, name="<CDASH variable>", question="<question>")


def _form_item(entry: ReviewEntry, design: CRFDesign, study: str) -> ReviewEntry | None:
    form = next((f for f in design.forms if f.name == entry.activity), None)
    if form is None:
        return None
    return entry.model_copy(update={"key": f"form:{form.oid}", "settle_with": [_item_template(form, study)]})


def annotate_review(parsed: ParsedProtocol, design: CRFDesign, study: str) -> list[ReviewEntry]:
    """Given the (corrected) parsed protocol, its design and the study key, return the design's review
    entries, each with its stable key and settling corrections where one kind of correction settles it
    (an entry that keeps its key already, e.g. an orphaned correction, is kept as it is)."""
    skeys = schedule_keys(parsed)
    schedules = {s.id: s for s in parsed.schedules}
    by_name = {spec.name.casefold(): key for key, spec in load_rule_set().forms.items()}
    annotated = []
    for entry in design.review:
        found: ReviewEntry | None = None
        schedule = schedules.get(entry.schedule or "")
        if entry.key is not None:
            found = entry
        elif schedule is not None:
            skey = skeys[schedule.id]
            found = _activity_item(entry, design, schedule, skey, study, by_name) or _visit_item(
                entry, schedule, skey, study
            )
        else:
            found = _form_item(entry, design, study)
        annotated.append(found or entry)
    return annotated
