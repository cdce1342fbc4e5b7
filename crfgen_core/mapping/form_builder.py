"""One CRF form from its rule-set spec: COSMoS CRF specialization items, templates and test groups.

A test the protocol names becomes items (one record per stated position and time point), with the
specimen of its panel, the units valid for it and a result type from its concept; a name CT does not
know still becomes a free-text item flagged for review. What the protocol text switches on
(protocol_content) adds or replaces groups: RECIST lesions, CTCAE grade, central-lab sample items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crfgen_core.mapping.codelist_book import CodelistBook
from crfgen_core.mapping.content_rules import ContentRule, load_content_tables
from crfgen_core.mapping.crf_text import clean_question, group_label, sdtm_name
from crfgen_core.mapping.oids import form_oid, item_group_oid, item_oid, slug
from crfgen_core.mapping.protocol_content import ProtocolContent
from crfgen_core.mapping.rule_set import FormSpec, ItemTemplate, RuleSet
from crfgen_core.mapping.test_resolver import ResolvedTest, TestResolver
from crfgen_core.mapping.unit_book import UnitBook
from crfgen_core.mapping.value_level import TestRecord, merge_timings, test_records
from crfgen_core.model.design import Form, Item, ItemGroup, OdmDataType, Provenance
from crfgen_core.model.terminology import Term
from crfgen_core.standards.bc_models import CRFSpecialization, CRFSpecItem
from crfgen_core.standards.cosmos import StandardsLibrary

_DATA_TYPES: dict[str, OdmDataType] = {
    "decimal": "float",
    "float": "float",
    "integer": "integer",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "boolean": "boolean",
}
NUMERIC_TYPES = ("integer", "float")
CENTRAL_TEMPLATE = "LB_CENTRAL"
FREE_TEST_TEMPLATE = "TEST"
QUANTITATIVE = "Quantitative"
YES_NO_CODELIST = "NY"
_TESTCD = re.compile(r"\b([A-Z]{2})TESTCD = ([A-Z0-9]+)")
YES_NO_CODES = frozenset({"Y", "N", "U", "NA"})


def odm_type(cosmos_type: str) -> OdmDataType:
    """Given a COSMoS/CDASH data type, return the ODM 1.3.2 one (anything unknown is text)."""
    return _DATA_TYPES.get(cosmos_type, "text")


@dataclass
class FormRequest:
    """What the design needs from one form: its spec, the tests it holds and where it came from."""

    spec: FormSpec
    tests: list[str] = field(default_factory=list)
    provenance: Provenance | None = None
    lab_setup: str | None = None  # "central"/"local" when the SoA section row says so
    # test as named -> where the protocol named it (its SoA row or panel list), for that test's items
    test_provenance: dict[str, Provenance] = field(default_factory=dict)


@dataclass
class BuiltForm:
    form: Form
    notes: list[str] = field(default_factory=list)


def _fill(text: str, spec: FormSpec, test: str = "", test_code: str = "") -> str:
    return (
        text.replace("{D}", spec.domain)
        .replace("{FORM}", spec.name)
        .replace("{CAT}", spec.category)
        .replace("{TEST}", test)
        .replace("{TESTCD}", test_code)
    )


def _when(qualifiers: dict[str, str]) -> str:
    return " and ".join(f"{name} = {value}" for name, value in qualifiers.items())


class FormBuilder:
    """Builds forms against one CT version and one COSMoS snapshot, collecting codelists as it goes."""

    def __init__(
        self,
        rules: RuleSet,
        standards: StandardsLibrary,
        book: CodelistBook,
        content: ProtocolContent | None = None,
        units: UnitBook | None = None,
    ) -> None:
        self.rules = rules
        self.standards = standards
        self.book = book
        self.content = content or ProtocolContent()
        self.units = units or UnitBook(book.ct)
        self.resolver = TestResolver(book.ct, rules)
        self.tables = load_content_tables()

    def _provenance(self, base: Provenance | None, concept_id: str | None, standard: str) -> Provenance:
        """The item's provenance: where the protocol asked for it (`base`), else the standard it is from;
        `standard` names the CDASH/COSMoS definition the item's wording comes from either way."""
        ct = self.book.ct.ref
        if base is None:
            return Provenance(
                source="standard_form",
                standard=standard,
                concept_id=concept_id or None,
                ct_package=ct.package,
                ct_version=ct.version,
                rule_set_version=self.rules.label,
            )
        return base.model_copy(update={"concept_id": concept_id or base.concept_id, "standard": standard})

    def _cosmos_item(
        self, spec: FormSpec, source: CRFSpecItem, base: Provenance | None, test_code: str | None = None
    ) -> Item:
        codelist_oid = None
        context = f"{spec.key}.{source.variable_name}"
        if source.codelist:
            values = source.value_list or ((source.prepopulated_term,) if source.prepopulated_term else ())
            codelist_oid = self.book.ct_subset(source.codelist, values, context, source.variable_name)
        elif source.value_list and set(source.value_list) <= YES_NO_CODES:
            # a yes/no value list with no codelist named is the CT No Yes Response list all the same
            codelist_oid = self.book.ct_subset(
                YES_NO_CODELIST, source.value_list, context, source.variable_name
            )
        elif source.value_list:
            codelist_oid = self.book.sponsor_list(
                spec.key, source.variable_name, source.value_list, test_code
            )
        targets = [t for t in sdtm_name(source.sdtm_target).split(";") if t.strip()]
        target = targets[0].strip() if targets else None
        question = clean_question(source.question_text or source.prompt or source.short_name)
        return Item(
            oid=item_oid(spec.key, source.variable_name, test_code),
            name=source.variable_name,
            question=question,
            prompt=clean_question(source.prompt) or None,
            data_type=odm_type(source.data_type),
            length=source.length,
            significant_digits=source.significant_digits,
            mandatory=source.mandatory,
            codelist_oid=codelist_oid,
            sdtm_target=target,
            sdtm_annotation=sdtm_name(source.sdtm_annotation) or None,
            test_code=test_code,
            concept_id=source.bc_id or None,
            provenance=self._provenance(
                base,
                source.bc_id,
                f"COSMoS CRF specialization {source.crf_group_id} ({self.standards.package_date})",
            ),
        )

    def _template_item(
        self,
        spec: FormSpec,
        row: ItemTemplate,
        base: Provenance | None,
        test: str = "",
        test_code: str | None = None,
        concept_id: str | None = None,
        oid_part: str | None = None,
    ) -> Item:
        variable = _fill(row.variable, spec, test, test_code or "")
        codelist_oid = None
        if row.codelist:
            codelist_oid = self.book.ct_subset(
                row.codelist, row.value_list, f"{spec.key}.{variable}", variable
            )
        elif row.value_list:
            codelist_oid = self.book.sponsor_list(spec.key, variable, row.value_list, test_code or oid_part)
        target = sdtm_name(_fill(row.sdtm_target, spec)) or None
        annotation = sdtm_name(_fill(row.annotation, spec, test, test_code or ""))
        unit_oids: list[str] = []
        if odm_type(row.data_type) in NUMERIC_TYPES and (found := _TESTCD.search(annotation)):
            unit_oids = self.units.oids_for(found.group(1), found.group(2))  # "TRORRES when TRTESTCD = LDIAM"
        return Item(
            oid=item_oid(spec.key, variable, test_code or oid_part),
            name=variable,
            question=clean_question(_fill(row.question, spec, test, test_code or "")),
            prompt=clean_question(_fill(row.prompt, spec, test, test_code or "")) or None,
            data_type=odm_type(row.data_type),
            length=row.length,
            mandatory=row.mandatory,
            codelist_oid=codelist_oid,
            sdtm_target=target,
            sdtm_annotation=annotation or None,
            test_code=test_code,
            unit_oids=unit_oids,
            concept_id=concept_id,
            provenance=self._provenance(
                base,
                concept_id or spec.concept_id,
                f"CDASH {spec.domain} template {row.template} ({self.rules.label})",
            ),
        )

    def test_term(self, codelist: str, test: str) -> Term | None:
        """Given a --TESTCD codelist and a test code or name as written, return the (first) CT term."""
        domain = codelist.removesuffix("TESTCD")
        terms = self.resolver.resolve(domain, codelist, test).terms
        return terms[0] if terms else None

    # --- test groups -------------------------------------------------------------------------

    def _cosmos_group(self, spec: FormSpec, code: str) -> CRFSpecialization | None:
        """The COSMoS group for a test, in the panel's specimen when the panel names one."""
        panel = self.tables.lab_panels.get(spec.key)
        candidates = [
            g for g in self.standards.crf_groups.values() if g.domain == spec.domain and g.test_code == code
        ]
        if not candidates:
            return None
        if panel is None or not panel.specimens:
            return self.standards.crf_group_for_test(spec.domain, code)
        for specimen in panel.specimens:
            fitting = [g for g in candidates if _specimen(g) == specimen]
            if fitting:
                denormalized = [g for g in fitting if g.crf_group_id.endswith("_DENORMALIZED")]
                return (denormalized or fitting)[0]
        return None  # only other specimens (urine protein for a serum panel): the generic items follow

    def _records(self, spec: FormSpec, group: CRFSpecialization | None) -> list[TestRecord]:
        """The stated positions/time points apply to tests whose standard items record a position."""
        if group is None or not any(i.variable_name == f"{spec.domain}POS" for i in group.items):
            return []
        blocks = [
            block
            for block in self.content.timed()
            if self._names_test(spec, block.measurements, group.test_code or "")
        ]
        return test_records(spec.domain, merge_timings(blocks), self.book.ct) if blocks else []

    def _names_test(self, spec: FormSpec, words: list[str], code: str) -> bool:
        """A passage applies to a test when it names it, or names the panel itself ('vital signs')."""
        codelist = spec.test_codelist
        for word in words:
            if word.startswith("vital sign") and spec.domain == "VS":
                return True
            if code in self.resolver.resolve(spec.domain, codelist, word).codes:
                return True
        return False

    def _unit_items(self, spec: FormSpec, code: str, items: list[Item]) -> None:
        """Units valid for the test: MeasurementUnits on the result, a unit list on the unit item."""
        unit_oids = self.units.oids_for(spec.domain, code)
        names = self.units.units_for(spec.domain, code)
        for item in items:
            if item.name == f"{spec.domain}ORRES" and item.data_type in NUMERIC_TYPES:
                item.unit_oids = unit_oids
            elif item.name == f"{spec.domain}ORRESU" and names:
                item.codelist_oid = self.book.ct_subset(
                    self.units.unit_codelist(spec.domain),
                    names,
                    f"{spec.key}.{item.name}",
                    item.name,
                    keep_order=True,
                )
                item.sdtm_annotation = f"{spec.domain}ORRESU when {spec.domain}TESTCD = {code}"

    def _result_type(self, group: CRFSpecialization | None, item: Item) -> None:
        """A nominal test (urine colour) is recorded as text whatever the standard's type says."""
        concept = self.standards.concept(group.bc_id) if group else None
        if concept is not None and concept.result_scales and QUANTITATIVE not in concept.result_scales:
            item.data_type = "text"
            item.significant_digits = None
            item.length = max(item.length or 0, 20)

    def _test_group(
        self, spec: FormSpec, term: Term, header_vars: set[str], base: Provenance | None
    ) -> ItemGroup:
        code = term.submission_value
        group = self._cosmos_group(spec, code)
        records = self._records(spec, group)
        result_name = f"{spec.domain}ORRES"
        items: list[Item] = []
        if group is not None:
            for source in group.items:
                if (
                    source.hidden
                    or source.variable_name in header_vars
                    or source.variable_name.endswith("DAT")
                ):
                    continue
                if records and source.variable_name == f"{spec.domain}POS":
                    continue  # the position is pre-printed in each record's qualifiers
                item = self._cosmos_item(spec, source, base, code)
                if item.name == result_name:
                    self._result_type(group, item)
                    items.extend(self._recorded(spec, item, code, records))
                else:
                    items.append(item)
            label = group_label(group.short_name)
        else:
            name = term.synonyms[0] if term.synonyms else term.preferred_term
            specimen = self._fixed_specimen(spec)
            for row in self.rules.templates.get(FREE_TEST_TEMPLATE, ()):
                item = self._template_item(spec, row, base, name, code, term.code)
                if item.name == result_name:
                    item.data_type = "float" if self.units.units_for(spec.domain, code) else "text"
                    if specimen:
                        item.value_level = {f"{spec.domain}TESTCD": code, f"{spec.domain}SPEC": specimen}
                        item.sdtm_annotation = f"{result_name} when {_when(item.value_level)}"
                items.append(item)
            label = term.preferred_term or code
        self._unit_items(spec, code, items)
        return ItemGroup(oid=item_group_oid(spec.key, code), name=label, domain=spec.domain, items=items)

    def _recorded(self, spec: FormSpec, item: Item, code: str, records: list[TestRecord]) -> list[Item]:
        """The result item once per stated record, each with its value-level qualifiers."""
        base_level = {f"{spec.domain}TESTCD": code}
        if not records:
            item.value_level = base_level
            return [item]
        out = []
        for record in records:
            level = {**base_level, **dict(record.qualifiers)}
            out.append(
                item.model_copy(
                    update={
                        "oid": item_oid(spec.key, item.name, f"{code}_{record.suffix}"),
                        "question": _qualified(item.question, record.label),
                        "value_level": level,
                        "sdtm_annotation": f"{item.name} when {_when(level)}",
                    }
                )
            )
        return out

    def _fixed_specimen(self, spec: FormSpec) -> str | None:
        panel = self.tables.lab_panels.get(spec.key)
        return panel.specimens[0] if panel and panel.specimens else None

    def _free_test_group(self, spec: FormSpec, written: str, base: Provenance | None) -> ItemGroup:
        """A test CT has no code for: free-text items carrying the name, flagged for a reviewer."""
        name = " ".join(written.split())
        part = slug(name)[:20]
        reason = (
            f"'{name}' has no {spec.test_codelist or 'test code'} in CT {self.book.ct.ref.version}: "
            "collected under its written name; assign a sponsor test code or correct the name"
        )
        items = []
        for row in self.rules.templates.get(FREE_TEST_TEMPLATE, ()):
            item = self._template_item(spec, row, base, name, None, None, oid_part=part)
            item.needs_review = reason
            if item.name == f"{spec.domain}ORRES" or item.name == f"{spec.domain}ORRESU":
                item.sdtm_annotation = f"{item.name} when {spec.domain}TEST = {name}"
            items.append(item)
        return ItemGroup(oid=item_group_oid(spec.key, part), name=name, domain=spec.domain, items=items)

    # --- the form ------------------------------------------------------------------------------

    def _template_group(
        self, spec: FormSpec, template: str, base: Provenance | None, own: bool, drop: frozenset[str]
    ) -> ItemGroup | None:
        rows = self.rules.templates.get(template, ())
        items = [
            self._template_item(spec, row, base, oid_part=None if own else template)
            for row in rows
            if _fill(row.variable, spec) not in drop
        ]
        if not items:
            return None
        domain = next((row.domain for row in rows if row.domain), "") or spec.domain
        name = spec.name if own else group_label(template)
        return ItemGroup(
            oid=item_group_oid(spec.key, template),
            name=name,
            domain=domain,
            repeating=spec.repeating,
            items=items,
        )

    def _content_groups(
        self, spec: FormSpec, base: Provenance | None, groups: list[ItemGroup], rules: list[ContentRule]
    ) -> list[ItemGroup]:
        drop = frozenset(item for rule in rules for item in rule.drop_items)
        for rule in rules:
            added = [
                g
                for t in rule.templates
                if (g := self._template_group(spec, t, base, False, drop)) is not None
            ]
            if rule.position == "first":
                groups = [*added, *groups]
            elif rule.position.startswith("after:"):
                anchor = rule.position.removeprefix("after:")
                at = next(
                    (i + 1 for i, g in enumerate(groups) if any(item.name == anchor for item in g.items)),
                    len(groups),
                )
                groups = [*groups[:at], *added, *groups[at:]]
            else:
                groups = [*groups, *added]
        for group in groups:
            group.items = [item for item in group.items if item.name not in drop]
        return groups

    def build(self, request: FormRequest) -> BuiltForm:
        """Given a form request, return the form with header items, template items and one group per test."""
        spec, base = request.spec, request.provenance
        notes: list[str] = []
        groups: list[ItemGroup] = []
        rules = self.content.rules_for(spec.key)
        replaced = any(rule.position == "replace" for rule in rules)
        for group_id in spec.header_groups:
            group = self.standards.crf_group(group_id)
            if group is None:
                notes.append(f"{spec.name}: COSMoS CRF group {group_id} not in this COSMoS snapshot")
                continue
            items = [self._cosmos_item(spec, source, base) for source in group.items if not source.hidden]
            groups.append(
                ItemGroup(
                    oid=item_group_oid(spec.key, group_id),
                    name=group_label(group.short_name),
                    domain=group.domain,
                    repeating=spec.repeating,
                    items=items,
                )
            )
        if spec.template and not replaced:
            own = self._template_group(spec, spec.template, base, True, frozenset())
            if own is not None:
                groups.append(own)
        groups = self._content_groups(spec, base, groups, rules)
        header_vars = {item.name for group in groups for item in group.items}
        central = self._central_tests(request)
        if central is not None:
            groups.extend(self._central_groups(request, central, notes))
        else:
            groups.extend(self._tests(request, header_vars, notes))
        seen: set[str] = set()
        for item_group in groups:  # an item OID appears once per form (COSMoS groups share date items)
            kept = []
            for item in item_group.items:
                if item.oid not in seen:
                    seen.add(item.oid)
                    kept.append(item)
            item_group.items = kept
        form = Form(
            oid=form_oid(spec.key),
            name=spec.name,
            domain=spec.domain,
            repeating=spec.repeating,
            is_log=spec.is_log,
            item_groups=[g for g in groups if g.items],
            transferred_tests=_unique_codes(central or []),
        )
        return BuiltForm(form=form, notes=notes)

    def _central(self, request: FormRequest) -> bool:
        panel = self.tables.lab_panels.get(request.spec.key)
        if panel is None or not panel.central_eligible:
            return False
        return (request.lab_setup or self.content.lab.setup) == "central"

    def _tests(self, request: FormRequest, header_vars: set[str], notes: list[str]) -> list[ItemGroup]:
        spec, base = request.spec, request.provenance
        if not request.tests:
            return []
        groups: list[ItemGroup] = []
        made: set[str] = set()
        for test in request.tests:
            named = request.test_provenance.get(test, base)
            resolved = (
                self.resolver.resolve(spec.domain, spec.test_codelist, test) if spec.test_codelist else None
            )
            if resolved is None or not resolved.terms:
                key = slug(test)
                if key in made:
                    continue
                made.add(key)
                group = self._free_test_group(spec, test, named)
                notes.append(f"{spec.name}: {group.items[0].needs_review if group.items else test}")
                groups.append(group)
                continue
            for term in resolved.terms:
                if term.submission_value in made:
                    continue
                made.add(term.submission_value)
                groups.append(self._test_group(spec, term, header_vars, named))
        return groups

    def _central_tests(self, request: FormRequest) -> list[tuple[str, ResolvedTest]] | None:
        """A central-laboratory form's named tests with their CT terms (resolved once, for the review note
        and the transferred tests); None when the form names no tests or its lab is not central."""
        if not request.tests or not self._central(request):
            return None
        domain, codelist = request.spec.domain, request.spec.test_codelist
        return [(test, self.resolver.resolve(domain, codelist, test)) for test in request.tests]

    def _central_groups(
        self, request: FormRequest, tests: list[tuple[str, ResolvedTest]], notes: list[str]
    ) -> list[ItemGroup]:
        """A central laboratory: sample collection items only; every named test listed for review."""
        spec = request.spec
        listed = []
        for test, resolved in tests:
            codes = ", ".join(resolved.codes) or "no CT code"
            listed.append(f"{' '.join(test.split())} ({codes})")
        lab = self.content.lab
        why = "the SoA section row" if request.lab_setup else f"'{lab.evidence[:120]}'"
        if lab.page and not request.lab_setup:
            why += f" (page {lab.page})"
        notes.append(
            f"{spec.name}: central laboratory per {why}: results of {len(listed)} test(s) come by data "
            f"transfer, not as CRF items: {'; '.join(listed)}"
        )
        group = self._template_group(spec, CENTRAL_TEMPLATE, request.provenance, False, frozenset())
        if group is None:
            return []
        group.domain = spec.domain
        return [group]


def _qualified(question: str, label: str) -> str:
    """'What was the result?' + 'supine' -> 'What was the result (supine)?'; a prompt keeps no '?'."""
    if question.endswith("?"):
        return f"{question[:-1]} ({label})?"
    return f"{question} ({label})"


def _specimen(group: CRFSpecialization) -> str | None:
    for item in group.items:
        if item.variable_name.endswith("SPEC") and item.prepopulated_term:
            return item.prepopulated_term
    return None


def _unique_codes(tests: list[tuple[str, ResolvedTest]]) -> list[str]:
    """The --TESTCD values of resolved tests, each once, in the order the protocol names them."""
    codes: list[str] = []
    for _, resolved in tests:
        codes.extend(code for code in resolved.codes if code not in codes)
    return codes
