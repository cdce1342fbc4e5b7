"""The versioned mapping rule set: the data tables the matcher and form builder read, and their hash."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from crfgen_core.mapping.content_rules import CONTENT_FILES

RULE_SET_VERSION = "1.0.0"
MAPPED_THRESHOLD = 0.5
DATA_FILES = (
    "activity_synonyms.csv",
    "forms.csv",
    "form_review_notes.csv",
    "generic_words.csv",
    "instrument_templates.csv",
    "item_templates.csv",
    "label_noise_words.csv",
    "schedule_terms.csv",
    "test_aliases.csv",
    "test_name_qualifiers.csv",
    *CONTENT_FILES,
)


@dataclass(frozen=True)
class Synonym:
    pattern: tuple[str, ...]
    form_keys: tuple[str, ...]
    kind: str
    tests: tuple[str, ...]
    concept_id: str
    confidence: float
    source: str = ""

    @property
    def single_word(self) -> str | None:
        return self.pattern[0] if len(self.pattern) == 1 else None


@dataclass(frozen=True)
class FormSpec:
    key: str
    name: str
    domain: str
    repeating: bool
    is_log: bool
    header_groups: tuple[str, ...]
    template: str
    test_codelist: str
    default_tests: tuple[str, ...]
    category: str
    category_codelist: str
    concept_id: str


@dataclass(frozen=True)
class ItemTemplate:
    template: str
    order: int
    variable: str
    question: str
    prompt: str
    data_type: str
    length: int | None
    codelist: str
    value_list: tuple[str, ...]
    sdtm_target: str
    annotation: str
    mandatory: bool
    domain: str = ""  # the SDTM domain of a group made from this template, when not the form's


@dataclass(frozen=True)
class RuleSet:
    version: str
    sha256: str
    synonyms: tuple[Synonym, ...]
    forms: dict[str, FormSpec]
    templates: dict[str, tuple[ItemTemplate, ...]]
    noise_words: frozenset[str]
    test_aliases: dict[tuple[str, str], tuple[str, ...]]
    test_name_prefixes: frozenset[str] = frozenset()
    test_name_suffixes: frozenset[str] = frozenset()
    # words that never decide a form alone; instrument-type words ("scale") may name an unknown instrument
    generic_words: frozenset[str] = frozenset()
    instrument_type_words: frozenset[str] = frozenset()
    form_review_notes: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Return 'version+hash12': what provenance records so a design can be reproduced."""
        return f"{self.version}+{self.sha256[:12]}"


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _rows(raw: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(raw)))


@lru_cache(maxsize=1)
def load_rule_set() -> RuleSet:
    """Return the rule set shipped in mapping/data (read once per process)."""
    digest = hashlib.sha256(RULE_SET_VERSION.encode())
    texts: dict[str, str] = {}
    for name in DATA_FILES:
        raw = resources.files("crfgen_core.mapping").joinpath("data", name).read_bytes()
        digest.update(name.encode() + b"\0" + raw)
        texts[name] = raw.decode("utf-8")
    synonyms = tuple(
        Synonym(
            tuple(row["pattern"].split()),
            tuple(k for k in row["form_key"].split("+") if k),
            row["kind"],
            _split(row["tests"]),
            row["concept_id"],
            float(row["confidence"]),
            row["source"],
        )
        for row in _rows(texts["activity_synonyms.csv"])
    )
    forms = {
        row["form_key"]: FormSpec(
            row["form_key"],
            row["form_name"],
            row["domain"],
            row["repeating"] == "Y",
            row["is_log"] == "Y",
            _split(row["header_groups"]),
            row["template"],
            row["test_codelist"],
            _split(row["default_tests"]),
            row["category"],
            row["category_codelist"],
            row["concept_id"],
        )
        for row in _rows(texts["forms.csv"])
    }
    templates: dict[str, list[ItemTemplate]] = {}
    for row in [*_rows(texts["item_templates.csv"]), *_rows(texts["instrument_templates.csv"])]:
        templates.setdefault(row["template"], []).append(
            ItemTemplate(
                row["template"],
                int(row["order"]),
                row["variable"],
                row["question"],
                row["prompt"],
                row["data_type"],
                int(row["length"]) if row["length"] else None,
                row["codelist"],
                _split(row["value_list"]),
                row["sdtm_target"],
                row["annotation"],
                row["mandatory"] == "Y",
                row.get("domain") or "",
            )
        )
    generic = _rows(texts["generic_words.csv"])
    aliases = {
        (row["domain"], row["alias"]): _split(row["tests"]) for row in _rows(texts["test_aliases.csv"])
    }
    return RuleSet(
        version=RULE_SET_VERSION,
        sha256=digest.hexdigest(),
        synonyms=synonyms,
        forms=forms,
        templates={key: tuple(sorted(rows, key=lambda t: t.order)) for key, rows in templates.items()},
        noise_words=frozenset(row["word"] for row in _rows(texts["label_noise_words.csv"])),
        test_aliases=aliases,
        test_name_prefixes=frozenset(
            row["word"] for row in _rows(texts["test_name_qualifiers.csv"]) if row["position"] == "prefix"
        ),
        test_name_suffixes=frozenset(
            row["word"] for row in _rows(texts["test_name_qualifiers.csv"]) if row["position"] == "suffix"
        ),
        generic_words=frozenset(row["word"] for row in generic),
        instrument_type_words=frozenset(row["word"] for row in generic if row["role"] == "instrument_type"),
        form_review_notes={row["form_key"]: row["note"] for row in _rows(texts["form_review_notes.csv"])},
    )
