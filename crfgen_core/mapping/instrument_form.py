"""One CRF form per CDISC QRS instrument: a header, then one item per CT test code, grouped as CT names them.

Each test item is named by its test code (a SAS name of at most 8 characters), asks the CT test name
without the instrument prefix ('DAD01-Decide to Wash' -> 'Decide to Wash'), and is annotated
'QSORRES when QSTESTCD = DAD0101' with value-level qualifiers --TESTCD and --CAT. Responses come from the
response codelist CT links to the test; where CT links none, from a COSMoS CRF specialization of the test
if there is one; otherwise the item is free text and the form carries a review note saying so.
"""

from __future__ import annotations

from dataclasses import dataclass

from crfgen_core.mapping.codelist_book import CodelistBook
from crfgen_core.mapping.form_builder import BuiltForm, FormBuilder, FormRequest, odm_type
from crfgen_core.mapping.oids import item_group_oid, item_oid, slug
from crfgen_core.mapping.rule_set import FormSpec
from crfgen_core.model.design import Item, ItemGroup, Provenance
from crfgen_core.standards.bc_models import CRFSpecItem
from crfgen_core.standards.cosmos import StandardsLibrary
from crfgen_core.terminology.qrs_instruments import QrsIndex, QrsInstrument, QrsTest

HEADER_TEMPLATE = "QRS_HEADER"
STUB_TEMPLATE = "QRS_STUB"
FREE_TEXT_LENGTH = 200
MAIN_GROUP = "MAIN"


@dataclass(frozen=True)
class _Group:
    key: str
    label: str


def instrument_spec(instrument: QrsInstrument, standards: StandardsLibrary) -> FormSpec:
    """Given an instrument, return its form spec: the COSMoS CRF header for it if any, else the QRS header."""
    header = [
        g.crf_group_id for g in standards.crf_groups_for(instrument.category_code) if g.test_code is None
    ]
    return FormSpec(
        key=instrument.form_key,
        name=instrument.display_name,
        domain=instrument.domain,
        repeating=False,
        is_log=False,
        header_groups=tuple(header[:1]) if instrument.has_tests else (),
        template=("" if header else HEADER_TEMPLATE) if instrument.has_tests else STUB_TEMPLATE,
        test_codelist=instrument.test_codelist,
        default_tests=(),
        category=instrument.short_name,
        category_codelist=instrument.category_codelist,
        concept_id=instrument.category_code,
    )


def _groups(instrument: QrsInstrument) -> dict[str, _Group]:
    """Test code -> its group: a test whose code heads others' ('ADCCMD' of 'ADCCMD01') leads a group
    labelled by its name; 'Commands: Fist' style names group by the words before the colon; the rest
    stay in the instrument's main group."""
    codes = [test.code for test in instrument.tests]
    names = {test.code: test.name for test in instrument.tests}
    root: dict[str, str] = {}
    for code in codes:
        heads = [other for other in codes if other != code and code.startswith(other)]
        root[code] = min(heads, key=len) if heads else code
    led = {r for c, r in root.items() if r != c}
    groups: dict[str, _Group] = {}
    for code in codes:
        if root[code] in led:
            lead = root[code]
            groups[code] = _Group(lead, names[lead].split(":")[0].strip())
        elif ":" in names[code]:
            label = names[code].split(":")[0].strip()
            groups[code] = _Group(f"NAME_{slug(label)}", label)
        else:
            groups[code] = _Group(MAIN_GROUP, instrument.short_name)
    return groups


def _cosmos_result(standards: StandardsLibrary, domain: str, code: str) -> tuple[CRFSpecItem | None, str]:
    """The COSMoS CRF specialization's --ORRES item for one test, and its --SCAT value, if COSMoS has them."""
    group = standards.crf_group_for_test(domain, code)
    if group is None:
        return None, ""
    result = next((i for i in group.items if i.variable_name == f"{domain}ORRES"), None)
    scat = next((i.prepopulated_term for i in group.items if i.variable_name == f"{domain}SCAT"), "")
    return result, scat


class InstrumentForms:
    """Builds instrument forms against one CT version and COSMoS snapshot, sharing the design's codelists."""

    def __init__(self, index: QrsIndex, standards: StandardsLibrary, builder: FormBuilder) -> None:
        self.index = index
        self.standards = standards
        self.builder = builder

    @property
    def book(self) -> CodelistBook:
        return self.builder.book

    def spec(self, form_key: str) -> FormSpec | None:
        """Given a form key, return the instrument's form spec, or None if no instrument has that key."""
        instrument = self.index.instrument(form_key)
        return None if instrument is None else instrument_spec(instrument, self.standards)

    def _item(
        self,
        instrument: QrsInstrument,
        test: QrsTest,
        base: Provenance | None,
        notes: list[str],
        fallback: str | None,
    ) -> Item:
        domain, key = instrument.domain, instrument.form_key
        cosmos, scat = _cosmos_result(self.standards, domain, test.code)
        codelist_oid = None
        responses = test.response_codelist or fallback
        if responses:
            codelist_oid = self.book.ct_subset(responses, [], f"{key}.{test.code}")
        elif cosmos is not None and cosmos.codelist:
            codelist_oid = self.book.ct_subset(cosmos.codelist, cosmos.value_list, f"{key}.{test.code}")
        elif cosmos is not None and cosmos.value_list:
            codelist_oid = self.book.sponsor_list(key, test.code, cosmos.value_list, test.code)
        value_level = {f"{domain}TESTCD": test.code, f"{domain}CAT": instrument.short_name}
        if scat:
            value_level[f"{domain}SCAT"] = scat
        review = None
        if not test.valid_sas_name:
            review = f"test code '{test.code}' is not a SAS name of at most 8 characters"
            notes.append(f"{instrument.display_name}: {review}")
        provenance = (base or Provenance(source="standard_form")).model_copy(
            update={
                "standard": f"CDISC QRS {instrument.short_name} ({domain}TESTCD in CT "
                f"{self.book.ct.ref.version})",
                "concept_id": test.nci_code,
                "ct_package": self.book.ct.ref.package,
                "ct_version": self.book.ct.ref.version,
            }
        )
        return Item(
            oid=item_oid(key, test.code),
            name=test.code,
            question=test.name,
            prompt=test.name if len(test.name) <= 40 else None,
            data_type=odm_type(cosmos.data_type) if cosmos else "text",
            length=(cosmos.length if cosmos else None) or FREE_TEXT_LENGTH,
            significant_digits=cosmos.significant_digits if cosmos else None,
            codelist_oid=codelist_oid,
            sdtm_target=f"{domain}ORRES",
            sdtm_annotation=f"{domain}ORRES when {domain}TESTCD = {test.code}",
            test_code=test.code,
            value_level=value_level,
            needs_review=review,
            concept_id=test.nci_code,
            provenance=provenance,
        )

    def build(self, request: FormRequest) -> BuiltForm:
        """Given an instrument's form request, return the form: header, then the CT test items in groups."""
        instrument = self.index.instrument(request.spec.key)
        if instrument is None:
            raise KeyError(f"no CDISC QRS instrument has form key {request.spec.key}")
        built = self.builder.build(FormRequest(request.spec, [], request.provenance))
        notes = built.notes
        if not instrument.has_tests:
            notes.append(
                f"{instrument.display_name}: CT {self.book.ct.ref.version} publishes the category "
                f"{instrument.category_codelist} '{instrument.short_name}' but no test codes (licensed "
                "content): stub form (performed, date, overall score); add the instrument's items"
            )
            return built
        # an instrument-wide response codelist CT links to no test applies only when it is the only one
        unlinked = instrument.unlinked_response_codelists
        fallback = unlinked[0] if len(instrument.response_codelists) == 1 and unlinked else None
        layout = _groups(instrument)
        runs: list[ItemGroup] = []
        last, seen = "", dict[str, int]()
        for test in instrument.tests:
            group = layout[test.code]
            if group.key != last:  # a group that comes back after another starts a new run ('MAIN_2')
                seen[group.key] = seen.get(group.key, 0) + 1
                run = group.key if seen[group.key] == 1 else f"{group.key}_{seen[group.key]}"
                runs.append(
                    ItemGroup(
                        oid=item_group_oid(instrument.form_key, run),
                        name=group.label,
                        domain=instrument.domain,
                    )
                )
                last = group.key
            runs[-1].items.append(self._item(instrument, test, request.provenance, notes, fallback))
        built.form.item_groups.extend(runs)
        items = [item for group in runs for item in group.items]
        linked = sum(1 for test in instrument.tests if test.response_codelist or fallback)
        free = sum(1 for item in items if item.codelist_oid is None)
        if free:
            notes.append(
                f"{instrument.display_name}: CT {self.book.ct.ref.version} links a response codelist to "
                f"{linked} of its {len(items)} test codes; {free} items are free text: add the "
                "instrument's response options from its licensed version"
            )
        return built
