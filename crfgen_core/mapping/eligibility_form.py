"""The Inclusion/Exclusion form: one yes/no item per extracted criterion (IETESTCD INCL01.., EXCL01..)."""

from __future__ import annotations

from crfgen_core.mapping.codelist_book import CodelistBook
from crfgen_core.mapping.oids import item_group_oid, item_oid
from crfgen_core.mapping.source_places import at_criterion
from crfgen_core.model.design import Item, ItemGroup, Provenance
from crfgen_core.model.protocol import Criterion, Eligibility

IE_FORM_KEY = "IE"
QUESTION_MAX = 2000


def _criterion_items(
    criteria: list[Criterion], prefix: str, category: str, answer_oid: str | None, base: Provenance
) -> list[Item]:
    items = []
    for number, criterion in enumerate(criteria, 1):
        code = f"{prefix}{number:02d}"
        expected = "Y" if prefix == "INCL" else "N"
        items.append(
            Item(
                oid=item_oid(IE_FORM_KEY, "IEORRES", code),
                name=f"IE{code}",
                data_type="text",
                length=1,
                question=" ".join(criterion.text.split())[:QUESTION_MAX],
                prompt=f"{category.title()} {criterion.number}",
                mandatory=True,
                codelist_oid=answer_oid,
                sdtm_target="IEORRES",
                sdtm_annotation=f"IEORRES when IETESTCD = {code}, IECAT = {category} (if not {expected})",
                test_code=code,
                concept_id="C25532" if prefix == "INCL" else "C25370",
                provenance=at_criterion(base, criterion),
            )
        )
    return items


def eligibility_groups(eligibility: Eligibility, book: CodelistBook, rule_set: str) -> list[ItemGroup]:
    """Given the extracted criteria, return the inclusion and exclusion item groups (empty lists dropped)."""
    ct = book.ct.ref
    answer_oid = book.ct_subset("NY", ["Y", "N"], "IE.IEORRES")
    base = Provenance(
        source="eligibility", ct_package=ct.package, ct_version=ct.version, rule_set_version=rule_set
    )
    groups = []
    for criteria, prefix, category in (
        (eligibility.inclusion, "INCL", "INCLUSION"),
        (eligibility.exclusion, "EXCL", "EXCLUSION"),
    ):
        items = _criterion_items(criteria, prefix, category, answer_oid, base)
        if items:
            groups.append(
                ItemGroup(
                    oid=item_group_oid(IE_FORM_KEY, category),
                    name=f"{category.title()} Criteria",
                    domain="IE",
                    items=items,
                )
            )
    return groups
