"""ODM 1.3.2 ConditionDefs: item conditions as XPath exception expressions, arms as described conditions.

ODM's CollectionExceptionConditionOID is a negation: when the condition is TRUE the item (form, event)
is NOT collected. A design ItemCondition says when an item IS asked, so its ConditionDef is the opposite.

FormalExpression Context is "XPath" over the ODM ClinicalData tree, the form the CDISC ODM 1.3.2 examples
use (`../ItemData[@ItemOID='I_AE_CONTINUES'][@Value='1']`): the expression is evaluated from the
ItemData being decided, so `../ItemData` is the same item group record and `ancestor::FormData` the form.

Arms have no item to test in ODM 1.3.2 (ODM 2.0 adds arms); an arm-only event or form gets a
ConditionDef whose Description names the arms and an Alias (crfgen:arms) with their OIDs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crfgen_core.model.design import CRFDesign, Item, ItemCondition

_SAYS = {
    "eq": "is",
    "in": "is one of",
    "ne": "is not",
    "not_in": "is none of",
    "empty": "is empty",
    "not_empty": "has a value",
}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper() or "X"


def _quoted(value: str) -> str:
    """An XPath 1.0 string literal (XPath has no escape: pick the quote the value does not contain)."""
    return f'"{value}"' if "'" in value else f"'{value}'"


def _source_path(condition: ItemCondition, same_group: bool) -> str:
    scope = ".." if same_group else "ancestor::FormData[1]//ItemGroupData"
    return f"{scope}/ItemData[@ItemOID={_quoted(condition.source_item_oid)}]"


def exception_expression(condition: ItemCondition, same_group: bool) -> str:
    """Given a condition (when to ask), return the XPath that is true when the item is NOT collected."""
    source = _source_path(condition, same_group)
    any_of = " or ".join(f"@Value={_quoted(v)}" for v in condition.values)
    if condition.operator in ("eq", "in"):
        return f"not({source}[{any_of}])" if any_of else f"not({source}[@Value!=''])"
    if condition.operator in ("ne", "not_in"):
        return f"{source}[{any_of}]" if any_of else f"not({source}[@Value!=''])"
    if condition.operator == "empty":
        return f"{source}[@Value!='']"
    return f"not({source}[@Value!=''])"  # not_empty: skipped while the source is blank


def condition_description(condition: ItemCondition, source: Item) -> str:
    """A sentence for EDC builders: when the item is skipped, in words."""
    values = ", ".join(condition.values)
    says = _SAYS[condition.operator] + (f" {values}" if values else "")
    return f"Not collected unless {source.name} {says} ({condition.description})"


@dataclass(frozen=True)
class ArmCondition:
    oid: str
    name: str
    description: str
    arm_oids: tuple[str, ...]


class ArmConditions:
    """One ConditionDef per set of arms an event or form is limited to, created as the writer asks."""

    def __init__(self, design: CRFDesign) -> None:
        self._names = {arm.oid: arm.name for arm in design.arms}
        self._used: dict[tuple[str, ...], ArmCondition] = {}

    def oid(self, arm_oids: list[str]) -> str | None:
        """Given the arms an event or form belongs to (empty: every arm), return its exception OID."""
        if not arm_oids:
            return None
        key = tuple(arm_oids)
        if key not in self._used:
            names = [self._names.get(a, a) for a in key]
            self._used[key] = ArmCondition(
                oid="COND.NOT_ARM." + "_".join(_slug(a.removeprefix("ARM.")) for a in key),
                name=f"Not in arm {' or '.join(names)}",
                description=f"Not collected unless the subject is in arm {' or '.join(names)}",
                arm_oids=key,
            )
        return self._used[key].oid

    def definitions(self) -> list[ArmCondition]:
        return sorted(self._used.values(), key=lambda c: c.oid)
