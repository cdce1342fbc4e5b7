"""The printable CRF as a neutral page model: what the aCRF HTML, the aCRF PDF and the CRF book all draw.

Building it once keeps the three human-readable outputs in agreement (same numbering, same annotations,
same response fields) and keeps each renderer a thin drawing layer.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from crfgen_core.model.design import ConditionOperator, CRFDesign, Form, Item, StudyEvent
from crfgen_core.render.errors import MissingCodelistError, MissingConditionError, MissingUnitError
from crfgen_core.render.study_identity import StudyIdentity, study_identity

FieldKind = Literal["choices", "date", "datetime", "time", "integer", "float", "text", "long_text"]
NOT_SUBMITTED = "[NOT SUBMITTED]"
LONG_TEXT_LENGTH = 200  # longer free text is drawn as a box of lines (REDCap "notes")
BOOLEAN_CHOICES = (("Y", "Yes"), ("N", "No"))
MAX_PRINTED_CHOICES = 30  # a longer codelist (UNIT, ROUTE) is printed as a reference, not as boxes
COMMON_EVENT_NAME = "Log forms (any time)"
COMMON_EVENT_OID = "SE.LOG_FORMS"


@dataclass(frozen=True)
class Choice:
    code: str
    decode: str

    @property
    def code_adds(self) -> bool:
        """Whether printing the code beside the decode tells the reader anything: not when they are the
        same text ('0', 'mmHg'); a code differing only in case ('WHITE' for 'White') is the submission
        value, so it is still shown."""
        return " ".join(self.code.split()) != " ".join(self.decode.split())

    def label(self, annotated: bool) -> str:
        """The printed answer option: the decode, and on the annotated CRF its code in brackets once."""
        if not self.decode.strip():
            return self.code
        return f"{self.decode} [{self.code}]" if annotated and self.code_adds else self.decode


@dataclass(frozen=True)
class Unit:
    oid: str
    symbol: str


@dataclass(frozen=True)
class ShownCondition:
    """When a question is asked: the design's ItemCondition with its wording for paper."""

    oid: str
    text: str
    source_oid: str
    operator: ConditionOperator
    values: tuple[str, ...]


@dataclass(frozen=True)
class QuestionRow:
    number: int
    oid: str
    cdash_name: str
    text: str
    kind: FieldKind
    choices: tuple[Choice, ...]
    length: int | None
    significant_digits: int | None
    mandatory: bool
    annotation: str
    group_name: str
    codelist_name: str | None = None
    units: tuple[Unit, ...] = ()
    unit_annotation: str | None = None  # the unit variable (VSORRESU) when the item has units
    condition: ShownCondition | None = None
    review: str | None = None  # why a reviewer must check this item
    ref: str = ""  # 'group.item' numbering as printed on submission aCRFs (2.3)
    source: str | None = None  # where in the protocol it was asked for ('Protocol p. 59'), for reviewers

    @property
    def submitted(self) -> bool:
        return not self.annotation.startswith(NOT_SUBMITTED)

    @property
    def printed_choices(self) -> tuple[Choice, ...]:
        """The choices drawn as boxes on paper; empty when the list is too long to print."""
        return self.choices if len(self.choices) <= MAX_PRINTED_CHOICES else ()

    @property
    def choice_reference(self) -> str:
        """What paper shows instead of an over-long list of boxes."""
        return f"Select one term from codelist {self.codelist_name or ''} ({len(self.choices)} terms)"


@dataclass(frozen=True)
class FormPage:
    oid: str
    name: str
    domain_headers: tuple[str, ...]
    repeating: bool
    is_log: bool
    visit_names: tuple[str, ...]
    questions: tuple[QuestionRow, ...]


@dataclass(frozen=True)
class VisitEntry:
    oid: str
    name: str
    form_oids: tuple[str, ...]
    common: bool = False
    type: str = "Scheduled"
    contact: str = "visit"
    day: str | None = None
    window: str | None = None
    repeat_rule: str | None = None
    arms: tuple[str, ...] = ()  # arm names; empty = every arm
    form_arms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (form OID, arm names) for arm-only forms

    @property
    def timing(self) -> str:
        """Day, window, repetition and contact in one line ('Week 2, ±3 days; repeats: Every 9 Weeks')."""
        # a name built from the SoA header ('Visit 1 (Week -2)') already states its day
        day = self.day if self.day and self.day.casefold() not in self.name.casefold() else None
        parts = [p for p in (day, self.window) if p]
        extra = [
            *([f"repeats: {self.repeat_rule}"] if self.repeat_rule else []),
            *([f"{self.contact} contact"] if self.contact != "visit" else []),
            *(["unscheduled"] if self.type == "Unscheduled" else []),
            *([f"arms: {', '.join(self.arms)}"] if self.arms else []),
        ]
        return "; ".join(p for p in (", ".join(parts), *extra) if p)

    def where(self, form_oid: str) -> str:
        """The visit name as a form lists it: 'Week 4', or 'Week 4 (Drug A only)' for an arm-only form."""
        arms = self.arms_for(form_oid) or self.arms
        return f"{self.name} ({', '.join(arms)} only)" if arms else self.name

    def arms_for(self, form_oid: str) -> tuple[str, ...]:
        """The arms a form is collected for at this visit (empty: everyone the visit is for)."""
        return dict(self.form_arms).get(form_oid, ())


@dataclass(frozen=True)
class CRFLayout:
    study_name: str
    identity: StudyIdentity
    forms: tuple[FormPage, ...]
    visits: tuple[VisitEntry, ...]
    arms: tuple[tuple[str, str], ...] = ()  # (OID, name)

    def form(self, oid: str) -> FormPage:
        return next(f for f in self.forms if f.oid == oid)


@lru_cache(maxsize=1)
def sdtm_domain_labels() -> dict[str, str]:
    """Return SDTM domain code -> label from the bundled SDTMIG domain list."""
    raw = resources.files("crfgen_core.render").joinpath("data", "sdtm_domains.csv").read_text("utf-8")
    return {row["domain"]: row["label"] for row in csv.DictReader(io.StringIO(raw))}


def domain_header(domain: str) -> str:
    """Given 'VS', return the aCRF domain box text 'VS (Vital Signs)'; unknown domains stay bare."""
    label = sdtm_domain_labels().get(domain.upper())
    return f"{domain} ({label})" if label else domain


def value_level_text(item: Item) -> str:
    """Given an item, return its value-level qualifiers: 'VSTESTCD = SYSBP and VSPOS = SUPINE' or ''."""
    return " and ".join(f"{variable} = {value}" for variable, value in item.value_level.items())


def protocol_reference(item: Item) -> str | None:
    """Given an item, return where the protocol asks for it ('Protocol p. 59', 'Protocol table 7'), or
    None for an item no protocol place made (a standard form's)."""
    provenance = item.provenance
    if provenance is None or provenance.source == "standard_form":
        return None
    if provenance.pages:
        label = "p." if len(provenance.pages) == 1 else "pp."
        return f"Protocol {label} {', '.join(str(p) for p in provenance.pages)}"
    return f"Protocol {provenance.locator}" if provenance.locator else None


def item_annotation(item: Item, domain: str | None) -> str:
    """Given an item, return its aCRF annotation: the design's text, else built from target and the
    value-level qualifiers (or the test code) that fix its SDTM record."""
    if item.sdtm_annotation:
        return item.sdtm_annotation
    if not item.sdtm_target:
        return NOT_SUBMITTED
    if item.value_level:
        return f"{item.sdtm_target} when {value_level_text(item)}"
    if item.test_code and domain:
        return f"{item.sdtm_target} when {domain}TESTCD = {item.test_code}"
    return item.sdtm_target


def _units(design: CRFDesign, item: Item) -> tuple[Unit, ...]:
    known = {unit.oid: unit for unit in design.units}
    missing = [oid for oid in item.unit_oids if oid not in known]
    if missing:
        raise MissingUnitError(design.study_oid, f"item {item.oid} references unknown units {missing}")
    return tuple(Unit(oid, known[oid].name) for oid in item.unit_oids)


def unit_variable(item: Item) -> str | None:
    """Given a result item with units, return its unit variable ('VSORRES' -> 'VSORRESU')."""
    target = (item.sdtm_target or item.name).rsplit(".", 1)[-1]
    return f"{target}U" if item.unit_oids and target.endswith("ORRES") else None


def _condition(design: CRFDesign, item: Item, item_oids: set[str]) -> ShownCondition | None:
    if item.condition_oid is None:
        return None
    condition = next((c for c in design.conditions if c.oid == item.condition_oid), None)
    if condition is None:
        raise MissingConditionError(
            design.study_oid, f"item {item.oid} references unknown condition {item.condition_oid}"
        )
    if condition.source_item_oid not in item_oids:
        raise MissingConditionError(
            design.study_oid,
            f"condition {condition.oid} asks about item {condition.source_item_oid}, which the design lacks",
        )
    return ShownCondition(
        condition.oid,
        condition.description,
        condition.source_item_oid,
        condition.operator,
        tuple(condition.values),
    )


def _field_kind(item: Item, has_choices: bool) -> FieldKind:
    if has_choices:
        return "choices"
    if item.data_type in ("date", "datetime", "time", "integer", "float"):
        return item.data_type
    if item.length is not None and item.length > LONG_TEXT_LENGTH:
        return "long_text"
    return "text"


def _choices(design: CRFDesign, item: Item) -> tuple[Choice, ...]:
    if item.codelist_oid:
        codelist = next((c for c in design.codelists if c.oid == item.codelist_oid), None)
        if codelist is None:
            raise MissingCodelistError(
                design.study_oid,
                f"item {item.oid} references codelist {item.codelist_oid}, which the design lacks",
            )
        ordered = sorted(enumerate(codelist.items), key=lambda pair: (pair[1].order or 0, pair[0]))
        return tuple(Choice(entry.coded_value, entry.decode) for _, entry in ordered)
    if item.data_type == "boolean":
        return tuple(Choice(code, decode) for code, decode in BOOLEAN_CHOICES)
    return ()


def _form_page(
    design: CRFDesign, form: Form, visit_names: tuple[str, ...], item_oids: set[str]
) -> FormPage:
    domains = [d for d in dict.fromkeys([form.domain, *(g.domain for g in form.item_groups)]) if d]
    questions: list[QuestionRow] = []
    for group_number, group in enumerate(form.item_groups, 1):
        siblings = {i.name for i in group.items}
        for item_number, item in enumerate(group.items, 1):
            choices = _choices(design, item)
            units = _units(design, item)
            # a unit question of its own (VSORRESU beside VSORRES) already asks for the unit
            separate_unit = unit_variable(item) in siblings
            codelist = next((c for c in design.codelists if c.oid == item.codelist_oid), None)
            questions.append(
                QuestionRow(
                    number=len(questions) + 1,
                    oid=item.oid,
                    cdash_name=item.name,
                    text=item.question or item.prompt or item.name,
                    kind=_field_kind(item, bool(choices)),
                    choices=choices,
                    length=item.length,
                    significant_digits=item.significant_digits,
                    mandatory=item.mandatory,
                    annotation=item_annotation(item, group.domain or form.domain),
                    group_name=group.name,
                    codelist_name=codelist.name if codelist else None,
                    units=() if separate_unit else units,
                    unit_annotation=None if separate_unit else unit_variable(item),
                    condition=_condition(design, item, item_oids),
                    review=item.needs_review,
                    ref=f"{group_number}.{item_number}",
                    source=protocol_reference(item),
                )
            )
    return FormPage(
        oid=form.oid,
        name=form.name or form.oid,
        domain_headers=tuple(domain_header(d) for d in domains),
        repeating=form.repeating,
        is_log=form.is_log,
        visit_names=visit_names,
        questions=tuple(questions),
    )


def event_label(event: StudyEvent) -> str:
    """Given an event, return a non-empty label: its name, else its SoA header cells, else 'Visit N'."""
    return (
        event.name.strip()
        or " ".join(h.strip() for h in event.headers if h.strip())
        or f"Visit {event.order}"
    )


def unscheduled_form_oids(design: CRFDesign) -> tuple[str, ...]:
    """Given a design, return the forms no visit schedules (log forms), in design order."""
    scheduled = {ref.form_oid for ref in design.matrix}
    return tuple(form.oid for form in design.forms if form.oid not in scheduled)


def common_event_oid(design: CRFDesign) -> str:
    """Return the OID of the event that carries log forms; stable, and distinct from the design's events."""
    taken = {event.oid for event in design.events}
    oid, suffix = COMMON_EVENT_OID, 1
    while oid in taken:
        suffix += 1
        oid = f"{COMMON_EVENT_OID}_{suffix}"
    return oid


def _visit(design: CRFDesign, event: StudyEvent, form_order: dict[str, int]) -> VisitEntry:
    arm_names = {arm.oid: arm.name for arm in design.arms}
    refs = [r for r in design.matrix if r.event_oid == event.oid and r.form_oid in form_order]
    return VisitEntry(
        oid=event.oid,
        name=event_label(event),
        form_oids=tuple(sorted({r.form_oid for r in refs}, key=form_order.__getitem__)),
        common=event.type == "Common",
        type=event.type,
        contact=event.contact,
        day=event.day,
        window=event.window,
        repeat_rule=event.repeat_rule,
        arms=tuple(arm_names.get(a, a) for a in event.arms),
        form_arms=tuple((r.form_oid, tuple(arm_names.get(a, a) for a in r.arms)) for r in refs if r.arms),
    )


def _visit_names(visits: tuple[VisitEntry, ...], form_oid: str) -> tuple[str, ...]:
    return tuple(visit.where(form_oid) for visit in visits if form_oid in visit.form_oids)


def build_layout(design: CRFDesign) -> CRFLayout:
    """Given a design, return its page model: forms in design order, visits in event order."""
    events = sorted(design.events, key=lambda e: e.order)
    form_order = {form.oid: index for index, form in enumerate(design.forms)}
    visits = tuple(_visit(design, event, form_order) for event in events)
    unscheduled = unscheduled_form_oids(design)
    if unscheduled:
        visits += (
            VisitEntry(
                oid=common_event_oid(design),
                name=COMMON_EVENT_NAME,
                form_oids=unscheduled,
                common=True,
                type="Common",
            ),
        )
    item_oids = {i.oid for f in design.forms for g in f.item_groups for i in g.items}
    forms = tuple(
        _form_page(design, form, _visit_names(visits, form.oid), item_oids)
        for form in design.forms
    )
    return CRFLayout(
        study_name=design.study_name,
        identity=study_identity(design),
        forms=forms,
        visits=visits,
        arms=tuple((arm.oid, arm.name) for arm in design.arms),
    )


def unit_text(question: QuestionRow) -> str:
    """The unit printed beside a single-unit field ('mmHg'); '' when there is none or a choice of units."""
    return question.units[0].symbol if len(question.units) == 1 else ""


def field_hint(question: QuestionRow) -> str:
    """Given a question, return the entry mask printed in its response field ('' for free text, choices)."""
    if question.kind == "date":
        return "DD / MMM / YYYY"
    if question.kind == "datetime":
        return "DD / MMM / YYYY  HH : MM"
    if question.kind == "time":
        return "HH : MM"
    if question.kind in ("integer", "float"):
        digits = (question.significant_digits or 0) if question.kind == "float" else 0
        whole = max(1, min((question.length or 4) - digits, 10))
        return "_ " * whole + ("." + " _" * digits if digits else "")
    return ""
