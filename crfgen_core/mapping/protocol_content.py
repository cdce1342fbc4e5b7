"""What the protocol text switches on in the CRF: laboratory set-up, named standards (RECIST 1.1,
CTCAE), study drug, subject characteristics, and measurement positions and time points.

Given the facts ingest read from the body text (ParsedProtocol.facts), return decisions the form
builder applies; each decision carries the sentence it rests on, for the review list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from crfgen_core.mapping.content_rules import ContentRule, load_content_tables
from crfgen_core.model.protocol import ProtocolFacts, TimedMeasurement

LabSetup = Literal["central", "local"]
_SETUP_WORDS: dict[LabSetup, re.Pattern[str]] = {
    "central": re.compile(r"\bcentral(?:ly)?\b", re.I),
    "local": re.compile(r"\blocal(?:ly)?\b", re.I),
}


@dataclass(frozen=True)
class LabDecision:
    """Where laboratory samples are analysed, and the sentence that says so ('' when none did)."""

    setup: LabSetup
    evidence: str = ""
    page: int | None = None


@dataclass
class ProtocolContent:
    """The content decisions for one protocol."""

    facts: ProtocolFacts = field(default_factory=ProtocolFacts)
    lab: LabDecision = field(default_factory=lambda: LabDecision("local"))
    rules: list[ContentRule] = field(default_factory=list)

    def rules_for(self, form_key: str) -> list[ContentRule]:
        return [rule for rule in self.rules if rule.form_key == form_key]

    def timed(self) -> list[TimedMeasurement]:
        return self.facts.timed_measurements


def lab_decision(facts: ProtocolFacts) -> LabDecision:
    """Central when the text states a central laboratory for safety tests more often than a local one.

    With no statement the results are collected on the CRF (local), as a site would transcribe them.
    """
    by_key = {
        key: [m for m in facts.mentions if m.kind == "lab_setup" and m.key == key] for key in _SETUP_WORDS
    }
    central, local = by_key["central"], by_key["local"]
    if central and len(central) > len(local):
        return LabDecision("central", central[0].text, central[0].page)
    if local:
        return LabDecision("local", local[0].text, local[0].page)
    return LabDecision("local")


def setup_named(text: str | None) -> LabSetup | None:
    """Given an SoA section row or label ('Analysis performed by LOCAL laboratory'), return the set-up it
    names, or None."""
    if not text:
        return None
    found = [setup for setup, pattern in _SETUP_WORDS.items() if pattern.search(text)]
    return found[0] if len(found) == 1 and re.search(r"\blab", text, re.I) else None


def fired_rules(facts: ProtocolFacts) -> list[ContentRule]:
    """Given the protocol facts, return the content rules whose trigger the text satisfies."""
    fired = []
    for rule in load_content_tables().content:
        if rule.trigger_kind == "always":
            fired.append(rule)
            continue
        keys = set(facts.keys(rule.trigger_kind))  # type: ignore[arg-type]
        if keys and (not rule.trigger_keys or keys & rule.trigger_keys):
            fired.append(rule)
    return fired


def protocol_content(facts: ProtocolFacts) -> ProtocolContent:
    """Given the protocol facts, return the content decisions for its CRF."""
    return ProtocolContent(facts=facts, lab=lab_decision(facts), rules=fired_rules(facts))
