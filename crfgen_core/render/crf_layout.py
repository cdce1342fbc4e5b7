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

from crfgen_core.model.design import CRFDesign, Form, Item, StudyEvent
from crfgen_core.render.errors import MissingCodelistError
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


@dataclass(frozen=True)
class CRFLayout:
    study_name: str
    identity: StudyIdentity
    forms: tuple[FormPage, ...]
    visits: tuple[VisitEntry, ...]

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


def item_annotation(item: Item, domain: str | None) -> str:
    """Given an item, return its aCRF annotation: the design's text, else built from target and test code."""
    if item.sdtm_annotation:
        return item.sdtm_annotation
    if not item.sdtm_target:
        return NOT_SUBMITTED
    if item.test_code and domain:
        return f"{item.sdtm_target} when {domain}TESTCD = {item.test_code}"
    return item.sdtm_target


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


def _form_page(design: CRFDesign, form: Form, visit_names: tuple[str, ...]) -> FormPage:
    domains = [d for d in dict.fromkeys([form.domain, *(g.domain for g in form.item_groups)]) if d]
    questions: list[QuestionRow] = []
    for group in form.item_groups:
        for item in group.items:
            choices = _choices(design, item)
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


def build_layout(design: CRFDesign) -> CRFLayout:
    """Given a design, return its page model: forms in design order, visits in event order."""
    events = sorted(design.events, key=lambda e: e.order)
    form_order = {form.oid: index for index, form in enumerate(design.forms)}
    visits = tuple(
        VisitEntry(
            oid=event.oid,
            name=event_label(event),
            form_oids=tuple(
                sorted(
                    {
                        r.form_oid
                        for r in design.matrix
                        if r.event_oid == event.oid and r.form_oid in form_order
                    },
                    key=form_order.__getitem__,
                )
            ),
        )
        for event in events
    )
    unscheduled = unscheduled_form_oids(design)
    if unscheduled:
        visits += (
            VisitEntry(
                oid=common_event_oid(design), name=COMMON_EVENT_NAME, form_oids=unscheduled, common=True
            ),
        )
    forms = tuple(
        _form_page(design, form, tuple(v.name for v in visits if form.oid in v.form_oids))
        for form in design.forms
    )
    return CRFLayout(
        study_name=design.study_name, identity=study_identity(design), forms=forms, visits=visits
    )


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
