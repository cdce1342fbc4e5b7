"""The CRF-content tables of the rule set: units per test, codelist order and subsets, laboratory
panels, item conditions, protocol-driven form content and CRF-facing group labels.

Each table is a CSV in mapping/data with a `source` column saying why a row exists; rule_set hashes
them with the rest of the rule set, so provenance records exactly which content rules made a design.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

CONTENT_FILES = (
    "codelist_orders.csv",
    "codelist_subsets.csv",
    "form_content.csv",
    "group_labels.csv",
    "item_conditions.csv",
    "lab_panels.csv",
    "test_units.csv",
)


@dataclass(frozen=True)
class LabPanel:
    """What a laboratory form's panel implies: its specimens (preferred first) and whether a central
    laboratory takes its results off the CRF."""

    form_key: str
    specimens: tuple[str, ...]
    central_eligible: bool


@dataclass(frozen=True)
class ConditionRule:
    """Ask `item` (`*` = every other item of the form) only when `when_item` holds `values`."""

    item: str
    when_item: str
    operator: str
    values: tuple[str, ...]
    domains: frozenset[str]
    description: str


@dataclass(frozen=True)
class ContentRule:
    """Form content a protocol statement switches on: a form placed somewhere, or groups added to one."""

    trigger_kind: str  # "always" or a Mention kind
    trigger_keys: frozenset[str]  # empty: any key of that kind
    form_key: str
    templates: tuple[str, ...]
    drop_items: frozenset[str]
    position: str  # "", "first", "replace", "after:<ITEM>"
    placement: str  # "", "first_visit", "every_visit", "log"
    source: str = ""  # the standard that asks for it (CDASHIG SV: ...), for provenance


@dataclass(frozen=True)
class ContentTables:
    test_units: dict[tuple[str, str], tuple[str, ...]]
    codelist_orders: dict[str, tuple[str, ...]]
    codelist_subsets: dict[tuple[str, str], tuple[str, ...]]  # (variable suffix, codelist) -> values
    lab_panels: dict[str, LabPanel]
    conditions: tuple[ConditionRule, ...]
    content: tuple[ContentRule, ...]
    group_labels: tuple[tuple[re.Pattern[str], str], ...]


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _rows(name: str) -> list[dict[str, str]]:
    raw = resources.files("crfgen_core.mapping").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(raw)))


def _trigger(text: str) -> tuple[str, frozenset[str]]:
    kind, _, keys = text.partition(":")
    return kind, frozenset(k.strip() for k in keys.split("|") if k.strip())


@lru_cache(maxsize=1)
def load_content_tables() -> ContentTables:
    """Return the content tables shipped in mapping/data (read once per process)."""
    content = []
    for row in _rows("form_content.csv"):
        kind, keys = _trigger(row["trigger"])
        content.append(
            ContentRule(
                kind,
                keys,
                row["form_key"],
                _split(row["templates"]),
                frozenset(_split(row["drop_items"])),
                row["position"],
                row["placement"],
                row["source"],
            )
        )
    return ContentTables(
        test_units={(r["domain"], r["test_code"]): _split(r["units"]) for r in _rows("test_units.csv")},
        codelist_orders={r["codelist"]: _split(r["order"]) for r in _rows("codelist_orders.csv")},
        codelist_subsets={
            (r["variable"], r["codelist"]): _split(r["values"]) for r in _rows("codelist_subsets.csv")
        },
        lab_panels={
            r["form_key"]: LabPanel(r["form_key"], _split(r["specimens"]), r["central"] == "Y")
            for r in _rows("lab_panels.csv")
        },
        conditions=tuple(
            ConditionRule(
                r["item"],
                r["when_item"],
                r["operator"],
                _split(r["values"]),
                frozenset(_split(r["domains"])),
                r["description"],
            )
            for r in _rows("item_conditions.csv")
        ),
        content=tuple(content),
        group_labels=tuple((re.compile(r["pattern"]), r["replacement"]) for r in _rows("group_labels.csv")),
    )
