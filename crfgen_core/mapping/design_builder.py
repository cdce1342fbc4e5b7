"""Build the CRFDesign from a ParsedProtocol: activities to forms, visits to events, the matrix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from crfgen_core.mapping.activity_matcher import ActivityMatch, match_activity
from crfgen_core.mapping.codelist_book import CodelistBook
from crfgen_core.mapping.eligibility_form import IE_FORM_KEY, eligibility_groups
from crfgen_core.mapping.form_builder import FormBuilder, FormRequest
from crfgen_core.mapping.instrument_form import InstrumentForms
from crfgen_core.mapping.instrument_matcher import instrument_matcher
from crfgen_core.mapping.item_conditions import bind_conditions
from crfgen_core.mapping.label_normalizer import clean_label
from crfgen_core.mapping.oids import form_oid, slug, study_oid
from crfgen_core.mapping.protocol_content import protocol_content, setup_named
from crfgen_core.mapping.rule_set import MAPPED_THRESHOLD, RULE_SET_VERSION, FormSpec, RuleSet, load_rule_set
from crfgen_core.mapping.schedule_legend import CellMeaning, cell_meaning, legend_texts
from crfgen_core.mapping.source_places import at_activity, at_mention, at_panel, schedule_places
from crfgen_core.mapping.study_arms import ScheduleScope, schedule_scopes
from crfgen_core.mapping.study_events import EventTable
from crfgen_core.mapping.unit_book import UnitBook
from crfgen_core.model.design import (
    CRFDesign,
    EventFormRef,
    Form,
    MappingRow,
    Provenance,
    ReviewEntry,
)
from crfgen_core.model.protocol import Activity, ParsedProtocol, Schedule, ScheduleCell
from crfgen_core.review.keys import study_name
from crfgen_core.standards.cosmos import StandardsLibrary
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_core.terminology.qrs_instruments import qrs_index

__all__ = ["RULE_SET_VERSION", "design_crf"]

STANDARD_FORMS = ("DM", IE_FORM_KEY, "MH", "AE", "CM", "DS")
FIRST_VISIT_FORMS = ("DM", IE_FORM_KEY, "MH")
# where forms the protocol text switches on go in the form order: before the SoA forms or with the logs
LEADING_CONTENT_FORMS = ("SV", "DS_IC")
TRAILING_CONTENT_FORMS = ("EX",)
PLAIN_MARKS = {"x", "X", "✓", "✔", "●", "•", "+", "√", "Y", "y"}
CONDITIONAL_WORDS = re.compile(
    r"\b(if|only|optional|as needed|when|unless|indicated|may|applicable|prn)\b", re.IGNORECASE
)
PANEL_DOMAINS = ("LB", "VS", "EG")


@dataclass
class _FormState:
    request: FormRequest
    explicit_tests: list[str] = field(default_factory=list)
    use_defaults: bool = False
    provenance: list[Provenance] = field(default_factory=list)
    panel_tests: list[str] | None = None
    test_sources: dict[str, Provenance] = field(default_factory=dict)  # test as named -> where

    def named(self, tests: list[str], provenance: Provenance) -> None:
        """Record where tests were named (the first place wins: the row or list that asked first)."""
        for test in tests:
            self.test_sources.setdefault(test, provenance)

    def tests(self) -> list[str]:
        if self.panel_tests is not None:
            return list(dict.fromkeys([*self.panel_tests, *self.explicit_tests]))
        defaults = list(self.request.spec.default_tests) if self.use_defaults else []
        return list(dict.fromkeys([*defaults, *self.explicit_tests]))


class _Design:
    def __init__(
        self, parsed: ParsedProtocol, ct: CTIndex, standards: StandardsLibrary, rules: RuleSet
    ) -> None:
        self.parsed, self.ct, self.standards, self.rules = parsed, ct, standards, rules
        self.book = CodelistBook(ct)
        self.content = protocol_content(parsed.facts)
        self.units = UnitBook(ct)
        self.builder = FormBuilder(rules, standards, self.book, self.content, self.units)
        # CDISC QRS instruments (questionnaires, functional tests, classifications) come from the CT itself
        self.instruments = InstrumentForms(qrs_index(ct), standards, self.builder)
        self.events = EventTable(rules.label)
        self.arms, self.scopes = schedule_scopes(parsed.schedules, self.events.terms)
        self.forms: dict[str, _FormState] = {}
        self.matrix: dict[tuple[str, str], EventFormRef] = {}
        self.ref_arms: dict[tuple[str, str], set[str] | None] = {}  # None: every arm
        self.not_collected: dict[tuple[str, str, str], int] = {}  # (schedule, code, legend) -> cells
        self.mappings: list[MappingRow] = []
        self.review: list[ReviewEntry] = []

    def _spec(self, key: str, label: str) -> FormSpec:
        instrument = self.instruments.spec(key)
        if instrument is not None:
            return instrument
        spec = self.rules.forms[key]
        if "{LABEL}" not in spec.name:
            return spec
        name = clean_label(label)
        return replace(spec, key=f"QS_{slug(name)}", name=name, category=name.upper())

    def _state(self, spec: FormSpec) -> _FormState:
        if spec.key not in self.forms:
            self.forms[spec.key] = _FormState(FormRequest(spec))
        return self.forms[spec.key]

    def _provenance(self, schedule: Schedule, activity: Activity, concept: str | None) -> Provenance:
        base = Provenance(
            source="soa",
            schedule_id=schedule.id,
            activity_id=activity.id,
            activity_label=activity.label,
            row=activity.row,
            concept_id=concept,
            ct_package=self.ct.ref.package,
            ct_version=self.ct.ref.version,
            rule_set_version=self.rules.label,
        )
        return at_activity(base, schedule, activity)

    def _conditional(self, schedule: Schedule, cell: ScheduleCell, meaning: CellMeaning) -> bool:
        """A cell is conditional when the legend says so, or when its code or a cited footnote is
        unexplained: 'Xb' (or 'X' citing 'b') explained by 'performed at this visit and...' is plain."""
        if meaning.optional:
            return True
        notes = legend_texts(schedule)
        code = cell.text.strip()
        explanations = [notes.get(code + marker, notes.get(marker)) for marker in cell.footnotes]
        if code not in PLAIN_MARKS:
            explanations.append(notes.get(code))
        return any(text is None or CONDITIONAL_WORDS.search(text) for text in explanations)

    def add_activity(self, schedule: Schedule, activity: Activity, reading: ActivityMatch | None) -> None:
        match = reading or match_activity(
            activity.label,
            activity.group,
            self.rules,
            self.standards,
            instrument_matcher(self.instruments.index),
        )
        specs = [self._spec(key, activity.label) for key in match.form_tests]
        mapped = match.kind != "unmapped" and match.confidence >= MAPPED_THRESHOLD
        concept = match.concept_ids[0] if match.concept_ids else None
        row = MappingRow(
            activity=activity.label,
            activity_id=activity.id,
            schedule=schedule.id,
            concept_id=";".join(match.concept_ids) or None,
            domain=";".join(dict.fromkeys(s.domain for s in specs)) or None,
            form="; ".join(s.name for s in specs) or None,
            confidence=match.confidence,
            reason=match.reason,
            kind=match.kind if mapped else "unmapped",
            candidates=[*(s.name for s in specs), *match.candidates] if not mapped else [],
        )
        self.mappings.append(row)
        if not mapped:
            self.review.append(
                ReviewEntry(
                    activity=activity.label,
                    schedule=schedule.id,
                    reason=f"confidence {match.confidence:.2f} < {MAPPED_THRESHOLD}: {match.reason}",
                    candidates=row.candidates,
                )
            )
            return
        self.review.extend(
            ReviewEntry(activity=activity.label, schedule=schedule.id, reason=why, candidates=candidates)
            for why, candidates in match.reviews
        )
        if match.kind == "procedure":
            return
        self._attach(schedule, activity, match, specs, concept)

    def _attach(
        self,
        schedule: Schedule,
        activity: Activity,
        match: ActivityMatch,
        specs: list[FormSpec],
        concept: str | None,
    ) -> None:
        row_forms = []
        provenance = self._provenance(schedule, activity, concept)
        for spec, key in zip(specs, match.form_tests, strict=True):
            state = self._state(spec)
            state.explicit_tests.extend(t for t in match.form_tests[key] if t not in state.explicit_tests)
            state.named(match.form_tests[key], provenance)
            if spec.test_codelist and spec.domain in PANEL_DOMAINS:  # "T3, FT4, and TSH": every test named
                listed = self.builder.resolver.listed_codes(spec.domain, spec.test_codelist, activity.label)
                state.explicit_tests.extend(t for t in listed if t not in state.explicit_tests)
                state.named(listed, provenance)
            state.use_defaults = state.use_defaults or match.form_defaults.get(key, False)
            state.provenance.append(provenance)
            # "Analysis performed by LOCAL laboratory" above the row decides for its panels
            state.request.lab_setup = setup_named(activity.group) or state.request.lab_setup
            row_forms.append(form_oid(spec.key))
        scope = self.scopes.get(schedule.id, ScheduleScope())
        texts = legend_texts(schedule)
        for cell in schedule.cells:
            event = self.events.by_visit.get((schedule.id, cell.visit))
            if cell.activity != activity.id or event is None:
                continue
            meaning = cell_meaning(cell, texts, self.events.terms)
            if not meaning.collected:
                code = (schedule.id, cell.text.strip(), meaning.legend or "")
                self.not_collected[code] = self.not_collected.get(code, 0) + 1
                continue
            events = [event]
            if meaning.telephone_after:
                events.append(self.events.contact_after(event, meaning.telephone_after))
            arms = scope.for_cell(cell.visit, activity.id)
            for at in events:
                self._place(at, row_forms, schedule, cell, meaning, arms)
                self.events.note_cell(at, meaning.by_telephone)

    def _place(
        self,
        event: str,
        row_forms: list[str],
        schedule: Schedule,
        cell: ScheduleCell,
        meaning: CellMeaning,
        arms: tuple[str, ...],
    ) -> None:
        for oid in row_forms:
            ref = self.matrix.setdefault(
                (event, oid),
                EventFormRef(event_oid=event, form_oid=oid, cell_text=cell.text, conditional=True),
            )
            # a form is conditional at a visit only if every cell that schedules it there is
            ref.conditional = ref.conditional and self._conditional(schedule, cell, meaning)
            ref.mandatory = not ref.conditional
            ref.footnotes = sorted({*ref.footnotes, *cell.footnotes})
            previous = self.ref_arms.get((event, oid), set())
            self.ref_arms[(event, oid)] = None if previous is None or not arms else previous | set(arms)

    def review_not_collected(self) -> None:
        for (schedule, code, legend), count in self.not_collected.items():
            self.review.append(
                ReviewEntry(
                    activity=f"(cells coded '{code}')",
                    schedule=schedule,
                    reason=f"the legend says '{legend}': {count} cell(s) not collected, no form placed",
                )
            )

    def finished_matrix(self) -> list[EventFormRef]:
        arm_oids = [arm.oid for arm in self.arms]
        refs = []
        for key, ref in self.matrix.items():
            arms = self.ref_arms.get(key)
            event_arms = self.events.arms_of(ref.event_oid)
            if arms is None or set(arm_oids) <= arms or (event_arms is not None and event_arms <= arms):
                refs.append(ref)  # the form goes with its event (every arm the event has)
            else:
                refs.append(ref.model_copy(update={"arms": [a for a in arm_oids if a in arms]}))
        return refs

    def add_panels(self) -> None:
        for panel in self.parsed.panels:
            match = match_activity(panel.name, None, self.rules, self.standards)
            keys = [k for k in match.form_tests if self.rules.forms[k].domain in PANEL_DOMAINS]
            if not keys or match.confidence < MAPPED_THRESHOLD:
                self.review.append(
                    ReviewEntry(
                        activity=panel.name,
                        reason="panel list not matched to a LB/VS/EG form; its tests were not used",
                        candidates=match.candidates,
                    )
                )
                continue
            spec = self._spec(keys[0], panel.name)
            known = [t for t in panel.tests if self.builder.test_term(spec.test_codelist, t)]
            if len(known) * 2 < len(panel.tests):
                # a list read as prose or merged cells would replace the standard panel with nothing
                self.review.append(
                    ReviewEntry(
                        activity=panel.name,
                        reason=f"panel list read poorly: {len(known)} of {len(panel.tests)} tests found in "
                        f"{spec.test_codelist or 'CT'}; the form keeps its standard tests",
                        candidates=panel.tests,
                    )
                )
                continue
            state = self._state(spec)
            if panel.source == "sentence":  # "vital signs (including pulse and BP)": adds to the SoA's
                state.explicit_tests.extend(t for t in panel.tests if t not in state.explicit_tests)
            else:  # a laboratory table is the panel's full list
                state.panel_tests = [*(state.panel_tests or []), *panel.tests]
            provenance = at_panel(
                Provenance(
                    source="protocol_appendix",
                    ct_package=self.ct.ref.package,
                    ct_version=self.ct.ref.version,
                    rule_set_version=self.rules.label,
                ),
                panel,
            )
            state.named(panel.tests, provenance)
            state.provenance.append(provenance)

    def add_content_forms(self) -> None:
        """Forms the protocol text switches on (visit date, consent, exposure, subject characteristics)."""
        for rule in self.content.rules:
            if rule.placement and rule.form_key in self.rules.forms:
                state = self._state(self.rules.forms[rule.form_key])
                if rule.trigger_kind == "subject_characteristic":
                    keys = self.content.facts.keys("subject_characteristic")
                    state.explicit_tests.extend(k for k in keys if k not in state.explicit_tests)

    def text_provenance(self, key: str) -> list[Provenance]:
        """Where the body text asked for a form no SoA row scheduled: the statements that fired its content
        rule (a study drug named for EX); empty for a rule every protocol fires."""
        rule = next((r for r in self.content.rules if r.placement and r.form_key == key), None)
        if rule is None or rule.trigger_kind == "always":
            return []
        base = Provenance(
            source="protocol_text",
            standard=rule.source or None,
            ct_package=self.ct.ref.package,
            ct_version=self.ct.ref.version,
            rule_set_version=self.rules.label,
        )
        return [
            at_mention(base, m)
            for m in self.content.facts.mentions
            if m.kind == rule.trigger_kind and (not rule.trigger_keys or m.key in rule.trigger_keys)
        ]

    def standard_of(self, key: str, spec: FormSpec) -> str:
        """The standard a form no protocol text asked for follows: its content rule's, else CDASH's."""
        rule = next((r for r in self.content.rules if r.placement and r.form_key == key and r.source), None)
        return rule.source if rule else f"CDASH {spec.domain} form '{spec.name}' ({self.rules.label})"

    def build_forms(self) -> list[Form]:
        for key in STANDARD_FORMS:
            self._state(self.rules.forms[key])
        self.add_content_forms()
        edges = (*STANDARD_FORMS, *LEADING_CONTENT_FORMS, *TRAILING_CONTENT_FORMS)
        order = [
            *(k for k in LEADING_CONTENT_FORMS[:1] if k in self.forms),
            STANDARD_FORMS[0],
            *(k for k in LEADING_CONTENT_FORMS[1:] if k in self.forms),
            STANDARD_FORMS[1],
            *(k for k in self.forms if k not in edges),
            *STANDARD_FORMS[2:-1],
            *(k for k in TRAILING_CONTENT_FORMS if k in self.forms),
            STANDARD_FORMS[-1],
        ]
        forms = []
        for key in order:
            state = self.forms[key]
            state.provenance = state.provenance or self.text_provenance(key)
            # the criteria themselves come from the eligibility section, never from SoA concept hits
            state.request.tests = state.tests() if key != IE_FORM_KEY else []
            state.request.provenance = state.provenance[0] if state.provenance else None
            state.request.test_provenance = state.test_sources
            instrument = self.instruments.index.instrument(key)
            built = (self.instruments if instrument else self.builder).build(state.request)
            if key == IE_FORM_KEY:
                built.form.item_groups.extend(
                    eligibility_groups(self.parsed.eligibility, self.book, self.rules.label)
                )
            spec = state.request.spec
            base = Provenance(
                source="standard_form",
                standard=self.standard_of(key, spec),
                concept_id=spec.concept_id or None,
                ct_package=self.ct.ref.package,
                ct_version=self.ct.ref.version,
                rule_set_version=self.rules.label,
            )
            built.form.provenance = state.provenance or [base]
            self.review.extend(ReviewEntry(activity=built.form.name, reason=note) for note in built.notes)
            forms.append(built.form)
        return forms

    def place_unscheduled(self, forms: list[Form]) -> None:
        """Standard forms no SoA row scheduled: DM/IE/MH at the first visit, log forms in a common event;
        the visit date at every visit."""
        scheduled = {form for _, form in self.matrix}
        placement = {rule.form_key: rule.placement for rule in self.content.rules if rule.placement}
        # a telephone contact the legend adds after a visit holds only what is asked by phone
        visits = [oid for oid, e in self.events.events.items() if e.type != "Common" and e.contact == "visit"]
        first = next(iter(self.events.events), None)
        for form in forms:
            if form.oid in scheduled:
                continue
            key = next(k for k in self.forms if form_oid(k) == form.oid)
            if placement.get(key) == "every_visit" and visits:
                for visit in visits:
                    self.matrix[(visit, form.oid)] = EventFormRef(event_oid=visit, form_oid=form.oid)
                continue
            at_first = key in FIRST_VISIT_FORMS or placement.get(key) == "first_visit"
            event = first if at_first and first else None
            if event is None:
                event = self.events.common_event().oid
            self.matrix[(event, form.oid)] = EventFormRef(event_oid=event, form_oid=form.oid, mandatory=True)


def design_crf(
    parsed: ParsedProtocol,
    ct: CTIndex,
    standards: StandardsLibrary,
    readings: Mapping[tuple[str, str], ActivityMatch] | None = None,
) -> CRFDesign:
    """Given a parsed protocol, a CT index and the COSMoS library, return the CRF design (deterministic).

    `readings` maps (schedule id, activity id) to a reviewer's mapping of that activity, used instead of
    the matcher's (crfgen_core.review applies `activity_remap` corrections this way).
    """
    readings = readings or {}
    rules = load_rule_set()
    design = _Design(parsed, ct, standards, rules)
    for schedule in parsed.schedules:
        used = {cell.visit for cell in schedule.cells}
        scope = design.scopes.get(schedule.id, ScheduleScope())
        for note in design.events.add_schedule(schedule, used, scope):
            design.review.append(ReviewEntry(activity="(visit column)", schedule=schedule.id, reason=note))
        for activity in schedule.activities:
            design.add_activity(schedule, activity, readings.get((schedule.id, activity.id)))
    design.add_panels()
    forms = design.build_forms()
    design.place_unscheduled(forms)
    design.review_not_collected()
    design.book.fit_lengths(forms)
    conditions = bind_conditions(forms, design.book)
    design.review.extend(
        ReviewEntry(activity="(codelist)", reason=note) for note in design.book.unknown_values
    )
    design.review.extend(ReviewEntry(activity="(units)", reason=note) for note in design.units.notes)
    events = design.events.finished(design.arms)
    event_order = {event.oid: event.order for event in events}
    form_order = {form.oid: i for i, form in enumerate(forms)}
    name = study_name(parsed)
    return CRFDesign(
        study_oid=study_oid(name),
        study_name=name,
        metadata=parsed.metadata,
        protocol_sha256=parsed.document.sha256,
        protocol_file=parsed.document.file_name,
        ct=[ct.ref],
        standards={
            "COSMoS CRF specializations": standards.package_date,
            "COSMoS biomedical concepts": standards.bc_package_date,
            "COSMoS SDTM specializations": standards.sdtm_package_date,
            "COSMoS sha256": standards.sha256,
            "mapping rule set": rules.label,
        },
        rule_set_version=rules.label,
        arms=design.arms,
        events=events,
        forms=forms,
        codelists=design.book.sorted_codelists(),
        units=design.units.sorted_units(),
        conditions=conditions,
        matrix=sorted(
            design.finished_matrix(), key=lambda r: (event_order[r.event_oid], form_order[r.form_oid])
        ),
        mappings=design.mappings,
        review=design.review,
        eligibility_criteria=[*parsed.eligibility.inclusion, *parsed.eligibility.exclusion],
        schedule_places=schedule_places(parsed),
        extraction_warnings=parsed.warnings,
    )
