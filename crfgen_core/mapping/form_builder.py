"""One CRF form from its rule-set spec: COSMoS CRF specialization items, templates and test groups."""

from __future__ import annotations

from dataclasses import dataclass, field

from crfgen_core.mapping.codelist_book import CodelistBook
from crfgen_core.mapping.oids import form_oid, item_group_oid, item_oid
from crfgen_core.mapping.rule_set import FormSpec, ItemTemplate, RuleSet
from crfgen_core.mapping.test_names import test_name_variants
from crfgen_core.model.design import Form, Item, ItemGroup, OdmDataType, Provenance
from crfgen_core.model.terminology import Term
from crfgen_core.standards.bc_models import CRFSpecItem
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


def odm_type(cosmos_type: str) -> OdmDataType:
    """Given a COSMoS/CDASH data type, return the ODM 1.3.2 one (anything unknown is text)."""
    return _DATA_TYPES.get(cosmos_type, "text")


@dataclass
class FormRequest:
    """What the design needs from one form: its spec, the tests it holds and where it came from."""

    spec: FormSpec
    tests: list[str] = field(default_factory=list)
    provenance: Provenance | None = None


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


class FormBuilder:
    """Builds forms against one CT version and one COSMoS snapshot, collecting codelists as it goes."""

    def __init__(self, rules: RuleSet, standards: StandardsLibrary, book: CodelistBook) -> None:
        self.rules = rules
        self.standards = standards
        self.book = book
        self._test_terms: dict[str, dict[str, Term]] = {}

    def _provenance(self, base: Provenance | None, concept_id: str | None) -> Provenance:
        ct = self.book.ct.ref
        if base is None:
            return Provenance(
                source="standard_form",
                concept_id=concept_id or None,
                ct_package=ct.package,
                ct_version=ct.version,
                rule_set_version=self.rules.label,
            )
        return base.model_copy(update={"concept_id": concept_id or base.concept_id})

    def _cosmos_item(
        self, spec: FormSpec, source: CRFSpecItem, base: Provenance | None, test_code: str | None = None
    ) -> Item:
        codelist_oid = None
        if source.codelist:
            values = source.value_list or ((source.prepopulated_term,) if source.prepopulated_term else ())
            codelist_oid = self.book.ct_subset(source.codelist, values, f"{spec.key}.{source.variable_name}")
        elif source.value_list:
            codelist_oid = self.book.sponsor_list(
                spec.key, source.variable_name, source.value_list, test_code
            )
        targets = [t for t in source.sdtm_target.split(";") if t.strip()]
        return Item(
            oid=item_oid(spec.key, source.variable_name, test_code),
            name=source.variable_name,
            question=source.question_text or source.prompt or source.short_name,
            prompt=source.prompt or None,
            data_type=odm_type(source.data_type),
            length=source.length,
            significant_digits=source.significant_digits,
            mandatory=source.mandatory,
            codelist_oid=codelist_oid,
            sdtm_target=targets[0].strip() if targets else None,
            sdtm_annotation=source.sdtm_annotation or None,
            test_code=test_code,
            concept_id=source.bc_id or None,
            provenance=self._provenance(base, source.bc_id),
        )

    def _template_item(
        self,
        spec: FormSpec,
        row: ItemTemplate,
        base: Provenance | None,
        test: str = "",
        test_code: str | None = None,
        concept_id: str | None = None,
    ) -> Item:
        variable = _fill(row.variable, spec, test, test_code or "")
        codelist_oid = None
        if row.codelist:
            codelist_oid = self.book.ct_subset(row.codelist, row.value_list, f"{spec.key}.{variable}")
        elif row.value_list:
            codelist_oid = self.book.sponsor_list(spec.key, variable, row.value_list, test_code)
        return Item(
            oid=item_oid(spec.key, variable, test_code),
            name=variable,
            question=_fill(row.question, spec, test, test_code or ""),
            prompt=_fill(row.prompt, spec, test, test_code or "") or None,
            data_type=odm_type(row.data_type),
            length=row.length,
            mandatory=row.mandatory,
            codelist_oid=codelist_oid,
            sdtm_target=_fill(row.sdtm_target, spec) or None,
            sdtm_annotation=_fill(row.annotation, spec, test, test_code or "") or None,
            test_code=test_code,
            concept_id=concept_id,
            provenance=self._provenance(base, concept_id or spec.concept_id),
        )

    def test_term(self, codelist: str, test: str) -> Term | None:
        """Given a --TESTCD codelist and a test code or name as written, return the CT term or None."""
        if codelist not in self._test_terms:
            index: dict[str, Term] = {}
            found = self.book.ct.codelist(codelist)
            for term in found.terms if found else []:
                for name in (term.submission_value, term.preferred_term, *term.synonyms):
                    index.setdefault(" ".join(name.lower().split()), term)
            self._test_terms[codelist] = index
        index = self._test_terms[codelist]
        variants = test_name_variants(test, self.rules.test_name_prefixes, self.rules.test_name_suffixes)
        return next((index[v] for v in variants if v in index), None)

    def _test_group(
        self, spec: FormSpec, term: Term, header_vars: set[str], base: Provenance | None
    ) -> ItemGroup:
        group = self.standards.crf_group_for_test(spec.domain, term.submission_value)
        items: list[Item] = []
        if group is not None:
            for source in group.items:
                if (
                    source.hidden
                    or source.variable_name in header_vars
                    or source.variable_name.endswith("DAT")
                ):
                    continue
                items.append(self._cosmos_item(spec, source, base, term.submission_value))
        else:
            name = term.synonyms[0] if term.synonyms else term.preferred_term
            items = [
                self._template_item(spec, row, base, name, term.submission_value, term.code)
                for row in self.rules.templates.get("TEST", ())
            ]
        label = group.short_name if group else (term.preferred_term or term.submission_value)
        return ItemGroup(
            oid=item_group_oid(spec.key, term.submission_value), name=label, domain=spec.domain, items=items
        )

    def build(self, request: FormRequest) -> BuiltForm:
        """Given a form request, return the form with header items, template items and one group per test."""
        spec, base = request.spec, request.provenance
        notes: list[str] = []
        groups: list[ItemGroup] = []
        for group_id in spec.header_groups:
            group = self.standards.crf_group(group_id)
            if group is None:
                notes.append(f"{spec.name}: COSMoS CRF group {group_id} not in this COSMoS snapshot")
                continue
            items = [self._cosmos_item(spec, source, base) for source in group.items if not source.hidden]
            groups.append(
                ItemGroup(
                    oid=item_group_oid(spec.key, group_id),
                    name=group.short_name,
                    domain=group.domain,
                    repeating=spec.repeating,
                    items=items,
                )
            )
        if spec.template:
            items = [
                self._template_item(spec, row, base) for row in self.rules.templates.get(spec.template, ())
            ]
            groups.append(
                ItemGroup(
                    oid=item_group_oid(spec.key, spec.template),
                    name=spec.name,
                    domain=spec.domain,
                    repeating=spec.repeating,
                    items=items,
                )
            )
        header_vars = {item.name for group in groups for item in group.items}
        for test in request.tests:
            term = self.test_term(spec.test_codelist, test) if spec.test_codelist else None
            if term is None:
                notes.append(
                    f"{spec.name}: test '{test}' not found in {spec.test_codelist or 'any codelist'} "
                    f"(CT {self.book.ct.ref.version}); no item made"
                )
                continue
            groups.append(self._test_group(spec, term, header_vars, base))
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
        )
        return BuiltForm(form=form, notes=notes)
