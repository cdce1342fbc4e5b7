"""Corrections to the CRF itself (items, codelists, conditions), keyed by OID: applied to the built design."""

from __future__ import annotations

from collections.abc import Sequence

from crfgen_core.mapping.oids import item_oid, slug
from crfgen_core.model.design import (
    CorrectionStatus,
    CRFDesign,
    Form,
    Item,
    ItemCondition,
    ItemGroup,
)
from crfgen_core.review.corrections import CodelistSubset, Correction, ItemAdd, ItemConditionSet, ItemDrop

DESIGN_CORRECTIONS = (ItemAdd, ItemDrop, CodelistSubset, ItemConditionSet)


class _Missing(LookupError):
    """An OID the design does not hold: the correction is orphaned."""


class _Unfit(ValueError):
    """A correction whose values do not fit this design (unknown code, a form left empty): rejected."""


def _form(design: CRFDesign, oid: str) -> Form:
    found = next((f for f in design.forms if f.oid == oid), None)
    if found is None:
        raise _Missing(f"no form {oid}")
    return found


def _item(form: Form, oid: str) -> tuple[ItemGroup, Item]:
    for group in form.item_groups:
        for item in group.items:
            if item.oid == oid:
                return group, item
    raise _Missing(f"no item {oid} on form {form.oid}")


def _codes(design: CRFDesign, oid: str) -> list[str]:
    codelist = next((c for c in design.codelists if c.oid == oid), None)
    if codelist is None:
        raise _Missing(f"no codelist {oid}")
    return [c.coded_value for c in codelist.items]


def _item_add(design: CRFDesign, fix: ItemAdd) -> tuple[CorrectionStatus, str]:
    form = _form(design, fix.form)
    oid = item_oid(form.oid.removeprefix("F."), fix.name)
    if any(item.oid == oid for group in form.item_groups for item in group.items):
        return "unchanged", f"form {form.oid} has {oid} already"
    group = next((g for g in form.item_groups if g.oid == (fix.item_group or g.oid)), None)
    if group is None:
        raise _Missing(f"no item group {fix.item_group} on form {form.oid}")
    if fix.codelist:
        _codes(design, fix.codelist)
    group.items.append(
        Item(
            oid=oid,
            name=fix.name.upper(),
            question=fix.question,
            data_type=fix.data_type,
            length=fix.length,
            mandatory=fix.mandatory,
            codelist_oid=fix.codelist,
            sdtm_target=fix.sdtm_target,
        )
    )
    return "applied", f"item {oid} added to {group.oid}"


def _item_drop(design: CRFDesign, fix: ItemDrop) -> tuple[CorrectionStatus, str]:
    form = _form(design, fix.form)
    group, item = _item(form, fix.item)
    if len(group.items) == 1 and len(form.item_groups) == 1:
        raise _Unfit(f"{item.oid} is the last item of form {form.oid}; a form cannot be left empty")
    group.items.remove(item)
    if not group.items:
        form.item_groups.remove(group)
    # conditions that read the dropped item go with it: the items they guarded are then always asked
    stale = {c.oid for c in design.conditions if c.source_item_oid == item.oid}
    design.conditions = [c for c in design.conditions if c.oid not in stale]
    for other in _items(design):
        if other.condition_oid in stale:
            other.condition_oid = None
    _drop_unused(design, item)
    return "applied", f"item {item.oid} dropped" + (
        f", with {len(stale)} condition(s) it decided" if stale else ""
    )


def _items(design: CRFDesign) -> list[Item]:
    return [i for f in design.forms for g in f.item_groups for i in g.items]


def _drop_unused(design: CRFDesign, dropped: Item) -> None:
    """The dropped item's codelist and condition leave the design when no other item uses them."""
    items = _items(design)
    if dropped.codelist_oid and all(i.codelist_oid != dropped.codelist_oid for i in items):
        design.codelists = [c for c in design.codelists if c.oid != dropped.codelist_oid]
    if dropped.condition_oid and all(i.condition_oid != dropped.condition_oid for i in items):
        design.conditions = [c for c in design.conditions if c.oid != dropped.condition_oid]


def _subset(design: CRFDesign, fix: CodelistSubset) -> tuple[CorrectionStatus, str]:
    codes = _codes(design, fix.codelist)
    unknown = [v for v in fix.values if v not in codes]
    if unknown:
        raise _Unfit(f"{fix.codelist} has no value {', '.join(unknown)} in this version")
    if codes == fix.values:
        return "unchanged", f"{fix.codelist} holds exactly these values already"
    codelist = next(c for c in design.codelists if c.oid == fix.codelist)
    by_code = {c.coded_value: c for c in codelist.items}
    codelist.items = [by_code[v].model_copy(update={"order": n}) for n, v in enumerate(fix.values, start=1)]
    return "applied", f"{fix.codelist}: {len(fix.values)} of {len(codes)} values kept"


def _condition(design: CRFDesign, fix: ItemConditionSet) -> tuple[CorrectionStatus, str]:
    form = _form(design, fix.form)
    _, item = _item(form, fix.item)
    _, source = _item(form, fix.source_item)
    if source is item:
        raise _Unfit("an item cannot decide whether it is itself asked")
    if source.codelist_oid and fix.values:
        unknown = [v for v in fix.values if v not in _codes(design, source.codelist_oid)]
        if unknown:
            raise _Unfit(f"{source.oid} offers no value {', '.join(unknown)}")
    oid = f"COND.{slug(form.oid.removeprefix('F.'))}.{slug(source.name)}.{fix.operator.upper()}"
    oid += "." + slug("_".join(fix.values)) if fix.values else ""
    asked = source.prompt or source.question or source.name
    shown = " or ".join(fix.values)
    condition = ItemCondition(
        oid=oid,
        name=f"{source.name} {fix.operator} {' '.join(fix.values)}".strip(),
        description=fix.description or f"Only if '{asked}' {fix.operator} {shown}".strip(),
        source_item_oid=source.oid,
        operator=fix.operator,
        values=fix.values,
    )
    existing = next((c for c in design.conditions if c.oid == oid), None)
    if existing is not None and fix.description not in (None, existing.description):
        raise _Unfit(
            f"condition {oid} exists with another description; leave `description` empty to reuse it"
        )
    if existing is not None and item.condition_oid == oid:
        return "unchanged", f"{item.oid} is asked under {oid} already"
    if existing is None:
        design.conditions = sorted([*design.conditions, condition], key=lambda c: c.oid)
    replaced = item.model_copy()
    item.condition_oid = oid
    _drop_unused(design, replaced)
    return "applied", f"{item.oid} asked only under {oid}"


def apply_design_fixes(
    design: CRFDesign, corrections: Sequence[Correction]
) -> tuple[CRFDesign, dict[str, tuple[CorrectionStatus, str]]]:
    """Given a design and corrections, apply the design-level ones in order to a copy; return it with each
    one's outcome by correction id."""
    design = design.model_copy(deep=True)
    outcomes: dict[str, tuple[CorrectionStatus, str]] = {}
    for fix in corrections:
        if not isinstance(fix, DESIGN_CORRECTIONS):
            continue
        try:
            if isinstance(fix, ItemAdd):
                outcomes[fix.id] = _item_add(design, fix)
            elif isinstance(fix, ItemDrop):
                outcomes[fix.id] = _item_drop(design, fix)
            elif isinstance(fix, CodelistSubset):
                outcomes[fix.id] = _subset(design, fix)
            else:
                outcomes[fix.id] = _condition(design, fix)
        except _Missing as missing:
            outcomes[fix.id] = ("orphaned", str(missing))
        except _Unfit as unfit:
            outcomes[fix.id] = ("rejected", str(unfit))
    return design, outcomes
