"""When an item is asked: general rules as data (`item_conditions.csv`), bound to the items of a form.

"End date only when not ongoing", "specify other only when OTHER", "the lines of a log only when the
'any ...?' question is Yes": a rule names items by CDASH pattern ({D} = the form's domain, `*` = every
other item of the form), so it holds for any form that has both items. A rule naming an item with a
more specific rule of its own yields to it.
"""

from __future__ import annotations

from crfgen_core.mapping.codelist_book import CodelistBook
from crfgen_core.mapping.content_rules import ConditionRule, load_content_tables
from crfgen_core.mapping.oids import slug
from crfgen_core.model.design import ConditionOperator, Form, Item, ItemCondition

_OPERATORS: dict[str, ConditionOperator] = {
    "eq": "eq",
    "ne": "ne",
    "in": "in",
    "not_in": "not_in",
    "empty": "empty",
    "not_empty": "not_empty",
}


def _items(form: Form) -> list[Item]:
    return [item for group in form.item_groups for item in group.items]


def _description(rule: ConditionRule, source: Item, book: CodelistBook) -> str:
    decodes = {}
    if source.codelist_oid and source.codelist_oid in book.codelists:
        decodes = {c.coded_value: c.decode for c in book.codelists[source.codelist_oid].items}
    shown = " or ".join(decodes.get(v, v) for v in rule.values)
    asked = source.prompt or source.question or source.name
    if rule.operator == "not_empty":
        return f"Only if '{asked}' is answered"
    if rule.operator in ("ne", "not_in"):
        return f"Only if '{asked}' is not {shown}"
    return f"Only if '{asked}' = {shown}"


def bind_conditions(forms: list[Form], book: CodelistBook) -> list[ItemCondition]:
    """Given built forms, set Item.condition_oid where a rule applies; return the conditions made."""
    rules = load_content_tables().conditions
    conditions: dict[str, ItemCondition] = {}
    for form in forms:
        domain = form.domain or ""
        items = _items(form)
        by_name: dict[str, Item] = {}
        for item in items:
            by_name.setdefault(item.name, item)
        specific = [r for r in rules if r.item != "*"]
        general = [r for r in rules if r.item == "*"]
        for item in items:
            for rule in [*specific, *general]:
                if rule.domains and domain not in rule.domains:
                    continue
                wanted = rule.item.replace("{D}", domain)
                if rule.item != "*" and item.name != wanted:
                    continue
                source = by_name.get(rule.when_item.replace("{D}", domain))
                if source is None or source is item or item.condition_oid:
                    continue
                if rule.values and source.codelist_oid and not _offers(book, source, rule.values):
                    continue
                condition = _condition(form, rule, source, book)
                conditions.setdefault(condition.oid, condition)
                item.condition_oid = condition.oid
                break
    return [conditions[oid] for oid in sorted(conditions)]


def _offers(book: CodelistBook, source: Item, values: tuple[str, ...]) -> bool:
    codelist = book.codelists.get(source.codelist_oid or "")
    codes = {c.coded_value for c in codelist.items} if codelist else set()
    return all(value in codes for value in values)


def _condition(form: Form, rule: ConditionRule, source: Item, book: CodelistBook) -> ItemCondition:
    operator = _OPERATORS[rule.operator]
    values = list(rule.values)
    oid = f"COND.{slug(form.oid.removeprefix('F.'))}.{slug(source.name)}.{operator.upper()}"
    if values:
        oid += "." + slug("_".join(values))
    return ItemCondition(
        oid=oid,
        name=f"{source.name} {operator} {' '.join(values)}".strip(),
        description=_description(rule, source, book),
        source_item_oid=source.oid,
        operator=operator,
        values=values,
    )
