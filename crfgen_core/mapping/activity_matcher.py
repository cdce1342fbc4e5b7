"""Match one SoA activity label to forms, tests and concepts, with a confidence and a reason."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal

from crfgen_core.mapping.instrument_matcher import InstrumentHit, InstrumentMatcher
from crfgen_core.mapping.label_normalizer import clean_label, marker_variants, tokens
from crfgen_core.mapping.rule_set import RuleSet, Synonym
from crfgen_core.standards.cosmos import StandardsLibrary

MatchKind = Literal["data", "procedure", "unmapped"]
STRIPPED_MARKER_COST = 0.05
GROUP_CONTEXT_FACTOR = 0.8
MAX_NGRAM = 5
# a matched concept surrounded by unknown words keeps this share of its confidence
COVERAGE_FLOOR = 0.6
# a stub for an instrument CT does not know ("Clarke Hypoglycemia Awareness Survey") is mapped, and reviewed
UNKNOWN_INSTRUMENT_CONFIDENCE = 0.6
STUB_FORM = "QS_SCALE"


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
    # (why a data manager must look, candidates): unknown instruments, ambiguous versions, stub forms
    reviews: list[tuple[str, list[str]]] = field(default_factory=list)


class UnknownMappingTarget(ValueError):
    """A reviewer's form key or concept that the rule set and standards cannot place on a form."""


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
    extra: frozenset[int] = frozenset()
    review: tuple[str, list[str]] | None = None

    @property
    def positions(self) -> set[int]:
        return {*range(self.start, self.end), *self.extra}


PLURAL_MIN_CHARS = 4
TRUNCATION_MIN_CHARS = 4
TRUNCATION_COST = 0.1
TRUNCATION_MIN_CUT = 2  # one letter off is a plural or a typo, not an abbreviation ('lipid', 'lipids')


def _same_word(label_token: str, pattern_token: str) -> bool:
    """A pattern word matches itself or its plural ('blood sample' reads 'blood samples').

    Abbreviations are too short to pluralise safely ('ada' is not 'adas').
    """
    if label_token == pattern_token:
        return True
    return len(pattern_token) >= PLURAL_MIN_CHARS and label_token == f"{pattern_token}s"


def _synonym_hits(toks: list[str], rules: RuleSet, covered: set[int]) -> list[_Hit]:
    hits: list[_Hit] = []
    i = 0
    while i < len(toks):
        best: Synonym | None = None
        for synonym in rules.synonyms:
            size = len(synonym.pattern)
            span = toks[i : i + size]
            if (
                len(span) == size
                and not covered.intersection(range(i, i + size))
                and all(_same_word(t, p) for t, p in zip(span, synonym.pattern, strict=True))
                and (best is None or size > len(best.pattern))
            ):
                best = synonym
        source = f"synonym '{' '.join(best.pattern)}'" if best else ""
        if best is None and i not in covered:
            best = _truncated(toks[i], rules)
            source = f"'{toks[i]}' abbreviates synonym '{best.pattern[0]}'" if best else ""
        if best is None:
            i += 1
            continue
        end = i + len(best.pattern)
        confidence = best.confidence - (TRUNCATION_COST if best.pattern[0] != toks[i] else 0.0)
        hits.append(
            _Hit(i, end, best, best.concept_id, best.form_keys, best.tests, best.kind, confidence, source)
        )
        i = end
    return hits


def _truncated(token: str, rules: RuleSet) -> Synonym | None:
    """A word cut short ('infus', 'preg') reads as the one-word synonym it starts, when every such
    synonym means the same (one form, one kind); clinical abbreviation by truncation, not a word list."""
    if len(token) < TRUNCATION_MIN_CHARS or not token.isalpha() or token in rules.noise_words:
        return None
    found = [
        s
        for s in rules.synonyms
        if len(s.pattern) == 1
        and len(s.pattern[0]) - len(token) >= TRUNCATION_MIN_CUT
        and s.pattern[0].startswith(token)
    ]
    if not found or token in rules.generic_words or any(s.single_word in rules.generic_words for s in found):
        return None
    return found[0] if len({(s.form_keys, s.kind, s.tests) for s in found}) == 1 else None


def _instrument_hit(found: InstrumentHit, rules: RuleSet) -> _Hit:
    """A QRS instrument read from CT; several candidates CT cannot tell apart make a reviewed stub."""
    if found.instrument is not None:
        return _Hit(
            found.start,
            found.end,
            None,
            found.instrument.category_code,
            (found.instrument.form_key,),
            (),
            "data",
            found.confidence,
            found.reason,
            found.covered,
        )
    candidates = [f"{c.display_name} [{c.test_codelist}]" for c in found.candidates]
    return _Hit(
        found.start,
        found.end,
        None,
        "",
        (STUB_FORM,) if STUB_FORM in rules.forms else (),
        (),
        "data",
        found.confidence,
        found.reason,
        found.covered,
        review=(f"{found.reason}: stub form made; choose the version and its CT items", candidates),
    )


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


def _domain_forms(rules: RuleSet) -> dict[str, str]:
    domain_form: dict[str, str] = {}
    for key, spec in sorted(rules.forms.items()):
        # the domain's own form, or its catch-all "<domain>_OTHER" form, receives a concept's test
        if key in (spec.domain, f"{spec.domain}_OTHER") or spec.domain not in domain_form:
            domain_form[spec.domain] = key
    return domain_form


def concept_form(bc_id: str, rules: RuleSet, standards: StandardsLibrary) -> tuple[str, str | None]:
    """Given a COSMoS concept id, return the form key its domain maps to ('' if none) and its --TESTCD."""
    domain_form = _domain_forms(rules)
    domains = [g.domain for g in standards.crf_groups_for(bc_id)] or standards.sdtm_domains_for(bc_id)
    form_key = next((domain_form[d] for d in domains if d in domain_form), "")
    test = standards.test_code_for(bc_id, domains[0]) if domains else None
    return form_key, test if form_key else None


def _concept_hits(
    toks: list[str], covered: set[int], rules: RuleSet, standards: StandardsLibrary
) -> list[_Hit]:
    """Uncovered word runs that name a COSMoS concept (name or synonym) map through its domain."""
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
        form_key, test = concept_form(bc_id, rules, standards)
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
    """A generic word ("laboratory") beside specific panels ("chemistry/hematology") adds no form."""
    for key in list(match.form_tests):
        spec = rules.forms.get(key)
        if spec is None or spec.default_tests or match.form_tests[key]:
            continue
        if any(
            rules.forms[o].domain == spec.domain for o in match.form_tests if o != key and o in rules.forms
        ):
            del match.form_tests[key]
            match.form_defaults.pop(key, None)


def _is_generic(hit: _Hit, rules: RuleSet) -> bool:
    word = hit.synonym.single_word if hit.synonym else None
    return word is not None and word in rules.generic_words


def _generic_only(
    hits: list[_Hit], toks: list[str], covered: set[int], rules: RuleSet
) -> tuple[list[_Hit], str | None]:
    """A generic word ('score', 'sample') never decides a form alone: return (hits kept, refusal reason).

    Beside a specific hit the generic hit is dropped; alone it is refused, except an instrument-type word
    ('scale', 'survey') next to name words nothing else explains: that names an instrument CT does not
    publish ('Clarke Hypoglycemia Awareness Survey'), which becomes a reviewed stub at a fixed confidence.
    """
    generic = [hit for hit in hits if _is_generic(hit, rules)]
    specific = [hit for hit in hits if hit not in generic]
    if not generic or specific:
        return specific, None
    name_words = [
        tok
        for j, tok in enumerate(toks)
        if j not in covered
        and tok not in rules.noise_words
        and tok not in rules.generic_words
        and not tok.isdigit()
        and len(tok) > 1
    ]
    stub = [h for h in generic if h.synonym and h.synonym.single_word in rules.instrument_type_words]
    if stub and name_words and STUB_FORM in rules.forms:
        hit = stub[0]
        hit.confidence = UNKNOWN_INSTRUMENT_CONFIDENCE
        hit.form_keys = (STUB_FORM,)
        hit.source += f" beside name words '{' '.join(name_words)}' that no CT instrument has"
        return [hit], None
    written = ", ".join(f"'{' '.join(h.synonym.pattern)}'" for h in generic if h.synonym)
    return [], f"only generic word(s) {written} matched; a generic word never decides a form alone"


def _reviews(match: ActivityMatch, hits: list[_Hit], rules: RuleSet, name: str) -> None:
    """Record why a data manager must look at the forms this label kept (stubs, ambiguous versions)."""
    for hit in hits:
        kept = [key for key in hit.form_keys if key in match.form_tests]
        if hit.kind != "data" or not kept:
            continue
        if hit.review is not None:
            match.reviews.append(hit.review)
            continue
        match.reviews.extend(
            (rules.form_review_notes[key].replace("{LABEL}", name), [])
            for key in kept
            if key in rules.form_review_notes
        )


def _score(
    toks: list[str],
    rules: RuleSet,
    standards: StandardsLibrary,
    label: str = "",
    instruments: InstrumentMatcher | None = None,
) -> ActivityMatch | None:
    skip = rules.noise_words | rules.generic_words
    # an instrument's whole CT name beats general vocabulary; the head of a name ('Body Mass Index,
    # Airflow Obstruction...' headed by 'body mass index') does not
    hits = (
        [_instrument_hit(f, rules) for f in instruments.name_hits(toks, label, skip, set())]
        if instruments
        else []
    )
    covered = {j for hit in hits for j in hit.positions}
    hits += _synonym_hits(toks, rules, covered)
    covered = {j for hit in hits for j in hit.positions}
    if instruments:
        hits += [
            _instrument_hit(f, rules) for f in instruments.name_hits(toks, label, skip, covered, heads=True)
        ]
        covered = {j for hit in hits for j in hit.positions}
    data_forms = [key for hit in hits if hit.kind == "data" for key in hit.form_keys]
    hits += _alias_hits(toks, covered, data_forms, rules)
    free = rules.noise_words | rules.instrument_type_words
    found = instruments.word_hit(toks, covered, free) if instruments else None
    if found is not None:
        hits.append(_instrument_hit(found, rules))
        covered |= found.covered
    hits += _concept_hits(toks, covered, rules, standards)
    useful, refused = _generic_only([hit for hit in hits if hit.kind != "unmapped"], toks, covered, rules)
    if refused is not None:
        return ActivityMatch(kind="unmapped", confidence=0.0, reason=refused)
    if not useful:
        return None
    content = [j for j, tok in enumerate(toks) if tok not in rules.noise_words and not tok.isdigit()]
    coverage = sum(1 for j in content if j in covered) / len(content) if content else 0.0
    base = max(hit.confidence for hit in useful)
    kind: MatchKind = "data" if any(hit.kind == "data" for hit in useful) else "procedure"
    match = ActivityMatch(
        kind=kind, confidence=round(base * (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage), 3), reason=""
    )
    if all(hit.confidence == UNKNOWN_INSTRUMENT_CONFIDENCE for hit in useful):
        match.confidence = UNKNOWN_INSTRUMENT_CONFIDENCE  # the stub is reviewed whatever the coverage
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
    _reviews(
        match, sorted(useful, key=lambda h: h.start), rules, clean_label(label) if label else " ".join(toks)
    )
    alias_forms = {key for hit in useful if hit.source == "test alias" for key in hit.form_keys}
    for key in alias_forms:
        match.form_defaults[key] = False
    match.reason = f"{'; '.join(reasons)}; coverage {coverage:.2f}"
    return match


def match_activity(
    label: str,
    group: str | None,
    rules: RuleSet,
    standards: StandardsLibrary,
    instruments: InstrumentMatcher | None = None,
) -> ActivityMatch:
    """Given an SoA activity label (and its section row), return the best reading of it.

    With an instrument matcher, labels naming a CDISC QRS instrument map to that instrument's form.
    """
    best: ActivityMatch | None = None
    refused: ActivityMatch | None = None
    for toks, stripped in marker_variants(label):
        found = _score(toks, rules, standards, label, instruments)
        if found is None:
            continue
        if found.kind == "unmapped":
            refused = refused or found
            continue
        if stripped:
            found.confidence = round(max(0.0, found.confidence - STRIPPED_MARKER_COST), 3)
            found.reason += f"; trailing footnote marker of {stripped} letter(s) ignored"
        if best is None or found.confidence > best.confidence:
            best = found
    if best is None and group:
        found = _score(tokens(group), rules, standards, group, instruments)
        if found is not None and found.kind != "unmapped":
            found.confidence = round(found.confidence * GROUP_CONTEXT_FACTOR, 3)
            found.reason = f"from section row '{group}': {found.reason}"
            best = found
    if best is None:
        label_tokens = marker_variants(label)[0][0]
        reason = refused.reason if refused else "no synonym, CT instrument or COSMoS concept matched"
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


def reviewer_match(
    form: str | None,
    concept: str | None,
    tests: list[str],
    note: str,
    rules: RuleSet,
    standards: StandardsLibrary,
) -> ActivityMatch:
    """Given a reviewer's mapping of an activity (a rule-set form key and/or a COSMoS concept, the tests
    it collects), return it as a certain match; `note` is the reason shown in mapping.csv.

    A form alone collects the tests named, else the form's default tests; a concept alone goes to the
    form its domain maps to, with its --TESTCD. Raises UnknownMappingTarget if neither leads to a form.
    """
    key, test = concept_form(concept, rules, standards) if concept else ("", None)
    if form:
        if form not in rules.forms:
            raise UnknownMappingTarget(f"form key {form!r} is not in mapping rule set {rules.label}")
        key = form
    if not key:
        raise UnknownMappingTarget(f"concept {concept!r} maps to no form of rule set {rules.label}")
    collected = list(dict.fromkeys([*tests, *([test] if test and not tests else [])]))
    return ActivityMatch(
        kind="data",
        confidence=1.0,
        reason=note,
        form_tests={key: collected},
        form_defaults={key: not collected},
        concept_ids=[concept] if concept else [],
    )
