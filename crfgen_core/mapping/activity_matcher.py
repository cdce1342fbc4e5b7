"""Match one SoA activity label to forms, tests and concepts, with a confidence and a reason."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal

from crfgen_core.mapping.label_normalizer import marker_variants, tokens
from crfgen_core.mapping.rule_set import RuleSet, Synonym
from crfgen_core.standards.cosmos import StandardsLibrary

MatchKind = Literal["data", "procedure", "unmapped"]
STRIPPED_MARKER_COST = 0.05
GROUP_CONTEXT_FACTOR = 0.8
MAX_NGRAM = 5
# a matched concept surrounded by unknown words keeps this share of its confidence
COVERAGE_FLOOR = 0.6


@dataclass
class ActivityMatch:
    """How one label was read: which forms (with the tests it names) and how sure we are."""

    kind: MatchKind
    confidence: float
    reason: str
    form_tests: dict[str, list[str]] = field(default_factory=dict)
    form_defaults: dict[str, bool] = field(default_factory=dict)
    concept_ids: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)


@dataclass
class _Hit:
    start: int
    end: int
    synonym: Synonym | None
    concept_id: str
    form_keys: tuple[str, ...]
    tests: tuple[str, ...]
    kind: str
    confidence: float
    source: str


def _synonym_hits(toks: list[str], rules: RuleSet) -> list[_Hit]:
    hits: list[_Hit] = []
    i = 0
    while i < len(toks):
        best: Synonym | None = None
        for synonym in rules.synonyms:
            size = len(synonym.pattern)
            if tuple(toks[i : i + size]) == synonym.pattern and (best is None or size > len(best.pattern)):
                best = synonym
        if best is None:
            i += 1
            continue
        end = i + len(best.pattern)
        hits.append(
            _Hit(
                i,
                end,
                best,
                best.concept_id,
                best.form_keys,
                best.tests,
                best.kind,
                best.confidence,
                f"synonym '{' '.join(best.pattern)}'",
            )
        )
        i = end
    return hits


def _alias_hits(toks: list[str], covered: set[int], forms: list[str], rules: RuleSet) -> list[_Hit]:
    """Test abbreviations listed beside a panel ("Vital signs (T, P, RR, BP)") name the panel's tests."""
    domains = {rules.forms[key].domain: key for key in forms if key in rules.forms}
    hits: list[_Hit] = []
    for domain, form_key in sorted(domains.items()):
        i = 0
        while i < len(toks):
            found = None
            for size in (3, 2, 1):
                if any(j in covered for j in range(i, i + size)):
                    continue
                tests = rules.test_aliases.get((domain, " ".join(toks[i : i + size])))
                if tests:
                    found = (size, tests)
                    break
            if found is None:
                i += 1
                continue
            hits.append(_Hit(i, i + found[0], None, "", (form_key,), found[1], "data", 0.9, "test alias"))
            covered.update(range(i, i + found[0]))
            i += found[0]
    return hits


def _concept_hits(
    toks: list[str], covered: set[int], rules: RuleSet, standards: StandardsLibrary
) -> list[_Hit]:
    """Uncovered word runs that name a COSMoS concept (name or synonym) map through its domain."""
    domain_form: dict[str, str] = {}
    for key, spec in sorted(rules.forms.items()):
        # the domain's own form, or its catch-all "<domain>_OTHER" form, receives a concept's test
        if key in (spec.domain, f"{spec.domain}_OTHER") or spec.domain not in domain_form:
            domain_form[spec.domain] = key
    names = standards.name_keys()
    hits: list[_Hit] = []
    i = 0
    while i < len(toks):
        found = None
        for size in range(min(MAX_NGRAM, len(toks) - i), 0, -1):
            span = range(i, i + size)
            words = toks[i : i + size]
            if any(j in covered for j in span) or (
                size == 1 and (len(words[0]) < 3 or words[0].isdigit() or words[0] in rules.noise_words)
            ):
                continue
            ids = names.get(" ".join(words))
            if ids:
                found = (size, ids[0])
                break
        if found is None:
            i += 1
            continue
        size, bc_id = found
        concept = standards.concept(bc_id)
        domains = [g.domain for g in standards.crf_groups_for(bc_id)] or standards.sdtm_domains_for(bc_id)
        form_key = next((domain_form[d] for d in domains if d in domain_form), "")
        test = standards.test_code_for(bc_id, domains[0]) if domains else None
        name = concept.short_name if concept else bc_id
        hits.append(
            _Hit(
                i,
                i + size,
                None,
                bc_id,
                (form_key,) if form_key else (),
                (test,) if test and form_key else (),
                "data" if form_key else "unmapped",
                0.8 if form_key else 0.4,
                f"COSMoS concept '{name}' ({bc_id})",
            )
        )
        covered.update(range(i, i + size))
        i += size
    return hits


def _candidates(label_tokens: list[str], rules: RuleSet, standards: StandardsLibrary) -> list[str]:
    text = " ".join(label_tokens)
    pool = sorted({" ".join(s.pattern) for s in rules.synonyms} | set(standards.name_keys()))
    return difflib.get_close_matches(text, pool, n=3, cutoff=0.6)


def _drop_generic_forms(match: ActivityMatch, rules: RuleSet) -> None:
    """A generic word ("laboratory") next to specific panels ("chem/hemat") adds no form of its own."""
    for key in list(match.form_tests):
        spec = rules.forms.get(key)
        if spec is None or spec.default_tests or match.form_tests[key]:
            continue
        if any(
            rules.forms[o].domain == spec.domain for o in match.form_tests if o != key and o in rules.forms
        ):
            del match.form_tests[key]
            match.form_defaults.pop(key, None)


def _score(toks: list[str], rules: RuleSet, standards: StandardsLibrary) -> ActivityMatch | None:
    hits = _synonym_hits(toks, rules)
    covered = {j for hit in hits for j in range(hit.start, hit.end)}
    data_forms = [key for hit in hits if hit.kind == "data" for key in hit.form_keys]
    hits += _alias_hits(toks, covered, data_forms, rules)
    hits += _concept_hits(toks, covered, rules, standards)
    useful = [hit for hit in hits if hit.kind != "unmapped"]
    if not useful:
        return None
    content = [j for j, tok in enumerate(toks) if tok not in rules.noise_words and not tok.isdigit()]
    coverage = sum(1 for j in content if j in covered) / len(content) if content else 0.0
    base = max(hit.confidence for hit in useful)
    kind: MatchKind = "data" if any(hit.kind == "data" for hit in useful) else "procedure"
    match = ActivityMatch(
        kind=kind, confidence=round(base * (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage), 3), reason=""
    )
    reasons: list[str] = []
    for hit in sorted(useful, key=lambda h: h.start):
        reasons.append(hit.source)
        if hit.concept_id and hit.concept_id not in match.concept_ids:
            match.concept_ids.append(hit.concept_id)
        if hit.kind != "data":
            continue
        for key in hit.form_keys:
            tests = match.form_tests.setdefault(key, [])
            tests.extend(t for t in hit.tests if t not in tests)
            # A panel named without tests means its standard content; a named test adds to it.
            if not hit.tests:
                match.form_defaults[key] = True
            else:
                match.form_defaults.setdefault(key, False)
    _drop_generic_forms(match, rules)
    alias_forms = {key for hit in useful if hit.source == "test alias" for key in hit.form_keys}
    for key in alias_forms:
        match.form_defaults[key] = False
    match.reason = f"{'; '.join(reasons)}; coverage {coverage:.2f}"
    return match


def match_activity(
    label: str, group: str | None, rules: RuleSet, standards: StandardsLibrary
) -> ActivityMatch:
    """Given an SoA activity label (and its section row), return the best reading of it."""
    best: ActivityMatch | None = None
    for toks, stripped in marker_variants(label):
        found = _score(toks, rules, standards)
        if found is None:
            continue
        if stripped:
            found.confidence = round(max(0.0, found.confidence - STRIPPED_MARKER_COST), 3)
            found.reason += f"; trailing footnote marker of {stripped} letter(s) ignored"
        if best is None or found.confidence > best.confidence:
            best = found
    if best is None and group:
        found = _score(tokens(group), rules, standards)
        if found is not None:
            found.confidence = round(found.confidence * GROUP_CONTEXT_FACTOR, 3)
            found.reason = f"from section row '{group}': {found.reason}"
            best = found
    if best is None:
        label_tokens = marker_variants(label)[0][0]
        reason = "no synonym or COSMoS concept matched"
        if not [tok for tok in label_tokens if tok not in rules.noise_words]:
            reason = "label has no content words (table header or footnote row?)"
        return ActivityMatch(
            kind="unmapped",
            confidence=0.0,
            reason=reason,
            candidates=_candidates(label_tokens, rules, standards),
        )
    if best.confidence < 0.5:
        best.candidates = _candidates(marker_variants(label)[0][0], rules, standards)
    return best
