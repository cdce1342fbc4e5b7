"""Mapping accuracy: the share of a CDISC-built USDM's activity -> concept links our mapping reproduces.

Run by hand: .venv/bin/python benchmarks/bench_mapping_accuracy.py [SHARED_DIR] [--misses]

The CDISC DDF team's USDM files for some corpus studies link each SoA activity to biomedical concepts
(BCs). For each study this runs our pipeline (read_protocol + design_crf) on the protocol and asks, per
USDM link, whether our design says the same thing. Target: >= 0.80 per study.

Alignment (USDM activity -> our SoA row), documented rule:
  1. Both labels are normalised the way the matcher reads them (footnote markers off, lower-case words,
     '+' as 'plus', the matcher's noise words such as 'collect', 'tests' dropped). The USDM text is its
     `label`, or its `name` when the label is empty.
  2. Similarity = Dice coefficient of the two word sets, where two words are the same when equal, when
     one abbreviates the other (a prefix of 3+ letters: 'lab', 'laboratory') or when both have 5+ letters
     and a difflib ratio >= 0.8 (a typo: 'uninalysis', 'urinalysis').
  3. A USDM activity aligns to our row with the highest similarity >= ALIGN_MIN (ties: first row);
     several USDM activities may align to one row (a merged row in one SoA is several rows in the other).
  4. With no row >= ALIGN_MIN it aligns to a generated form whose name is that similar: standard forms
     (demographics, adverse events...) exist without an SoA row.
  5. Otherwise the activity is unaligned and its links count as misses.

A link is reproduced when the evidence of the aligned row (its mapping row's concept ids; every item and
form of the forms that row scheduled: item concept ids, test codes, the tests a central-lab form lists as
transferred, COSMoS concept names) holds:
  - the BC's NCI C-code (its `code.standardCode.code`, or the C-code at the end of its reference), or
  - its test code (`standardCode.decode` when it is a --TESTCD-like value), or
  - one of its names (name, label, synonyms; normalised) as the name or synonym of one of our concepts.
BCs named 'Placeholder' (code C198218 'Not Set') name no concept and are left out of the count.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crfgen_core.ingest.reader import read_protocol
from crfgen_core.mapping import design_crf
from crfgen_core.mapping.label_normalizer import clean_label, tokens
from crfgen_core.mapping.rule_set import load_rule_set
from crfgen_core.model.design import CRFDesign, Form
from crfgen_core.standards.cosmos import StandardsLibrary, load_bundled_standards, name_key
from crfgen_core.terminology.bundled import load_bundled_ct

DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared"
ALIGN_MIN = 0.5
TARGET = 0.80
PLACEHOLDER_CODE = "C198218"
TEST_CODE = re.compile(r"[A-Z][A-Z0-9]{0,7}")
# study -> (protocol files under corpus/protocols, USDM files under corpus/reference)
STUDIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "cdisc_pilot_lzzt": (
        ("CDISC_Pilot_Study.pdf", "LZZT_ICH_M11.docx"),
        ("CDISC_Pilot_Study.usdm.json", "CDISC_Pilot_Study_v4.360i_core_clean.usdm.json"),
    ),
    "lilly_nct03421379_diabetes": (
        ("EliLilly_NCT03421379_Diabetes.pdf",),
        ("EliLilly_NCT03421379_Diabetes.usdm.json",),
    ),
    "sanofi_nct03637764_oncology": (
        ("Sanofi_NCT03637764_Oncology.pdf", "Sanofi_NCT03637764_Oncology_protocol.docx"),
        ("Sanofi_NCT03637764_Oncology.usdm.json",),
    ),
}


@dataclass(frozen=True)
class ReferenceLink:
    activity: str
    concept: str
    code: str
    test_code: str
    names: frozenset[str]


@dataclass
class Evidence:
    codes: set[str] = field(default_factory=set)
    test_codes: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    what: str = ""


@dataclass
class Score:
    links: int = 0
    reproduced: int = 0
    placeholders: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.reproduced / self.links if self.links else 1.0


NOISE = load_rule_set().noise_words
SAME_WORD_RATIO = 0.8


def _words(text: str) -> set[str]:
    return {tok for tok in tokens(clean_label(text)) if tok not in NOISE}


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.startswith(short) and not short.isdigit():
        return True
    return min(len(a), len(b)) >= 5 and difflib.SequenceMatcher(None, a, b).ratio() >= SAME_WORD_RATIO


def similarity(a: str, b: str) -> float:
    """Given two labels, return the Dice coefficient of their word sets (abbreviations and typos allowed)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    shared = sum(1 for x in wa if any(_same(x, y) for y in wb))
    shared_b = sum(1 for y in wb if any(_same(x, y) for x in wa))
    return (shared + shared_b) / (len(wa) + len(wb))


def _bc_names(bc: dict[str, object]) -> frozenset[str]:
    raw = [str(bc.get("name", "")), str(bc.get("label", "")), *(str(s) for s in bc.get("synonyms", []) or [])]  # type: ignore[union-attr]
    return frozenset(name_key(re.sub(r"\s*\(\d+\)$", "", n)) for n in raw if n.strip())


def reference_links(path: Path) -> tuple[list[tuple[str, list[ReferenceLink]]], int]:
    """Given a USDM JSON, return [(activity text, its BC links)] and the count of placeholder links."""
    version = json.loads(path.read_text(encoding="utf-8"))["study"]["versions"][0]
    concepts = {bc["id"]: bc for bc in version.get("biomedicalConcepts", [])}
    activities: list[tuple[str, list[ReferenceLink]]] = []
    placeholders = 0
    for design in version["studyDesigns"]:
        for activity in design.get("activities", []):
            text = (activity.get("label") or "").strip() or activity.get("name", "")
            links = []
            for bc_id in activity.get("biomedicalConceptIds", []):
                bc = concepts[bc_id]
                standard = (bc.get("code") or {}).get("standardCode") or {}
                code = standard.get("code", "")
                if code == PLACEHOLDER_CODE or bc.get("name") == "Placeholder":
                    placeholders += 1
                    continue
                tail = str(bc.get("reference", "")).rstrip("/").rsplit("/", 1)[-1]
                decode = str(standard.get("decode", ""))
                links.append(
                    ReferenceLink(
                        activity=text,
                        concept=str(bc.get("label") or bc.get("name")),
                        code=code or (tail if re.fullmatch(r"C\d+", tail) else ""),
                        test_code=decode if TEST_CODE.fullmatch(decode) else "",
                        names=_bc_names(bc),
                    )
                )
            activities.append((text, links))
    return activities, placeholders


def _concept_names(codes: Iterable[str], standards: StandardsLibrary) -> set[str]:
    names: set[str] = set()
    for code in codes:
        concept = standards.concept(code)
        if concept is not None:
            names.update(name_key(n) for n in (concept.short_name, *concept.synonyms))
    return names


def _form_evidence(form: Form, evidence: Evidence) -> None:
    for provenance in form.provenance:
        if provenance.concept_id:
            evidence.codes.add(provenance.concept_id)
    for group in form.item_groups:
        evidence.names.add(name_key(re.sub(r"\s*\((?:De)?[Nn]ormalized\)$", "", group.name)))
        for item in group.items:
            if item.concept_id:
                evidence.codes.add(item.concept_id)
            if item.test_code:
                evidence.test_codes.add(item.test_code.upper())
    evidence.test_codes.update(code.upper() for code in form.transferred_tests)


def row_evidence(design: CRFDesign, standards: StandardsLibrary) -> dict[str, Evidence]:
    """Our evidence per SoA row (schedule, activity id) and per form name: what the design says it holds."""
    evidence: dict[str, Evidence] = {}
    by_activity: dict[tuple[str | None, str | None], list[Form]] = {}
    for form in design.forms:
        for provenance in form.provenance:
            by_activity.setdefault((provenance.schedule_id, provenance.activity_id), []).append(form)
    for row in design.mappings:
        found = evidence.setdefault(f"row:{row.schedule}:{row.activity_id}", Evidence(what=row.activity))
        found.codes.update(c for c in (row.concept_id or "").split(";") if c)
        for form in by_activity.get((row.schedule, row.activity_id), []):
            _form_evidence(form, found)
    for form in design.forms:
        _form_evidence(form, evidence.setdefault(f"form:{form.oid}", Evidence(what=f"form {form.name}")))
    for found in evidence.values():
        found.names |= _concept_names(found.codes, standards)
    return evidence


def align(text: str, design: CRFDesign) -> tuple[str | None, float]:
    """Given a USDM activity text, return the key of our aligned row (or form) and the similarity."""
    best: tuple[str | None, float] = (None, 0.0)
    for row in design.mappings:
        score = similarity(text, row.activity)
        if score > best[1]:
            best = (f"row:{row.schedule}:{row.activity_id}", score)
    if best[1] >= ALIGN_MIN:
        return best
    best = (None, 0.0)
    for form in design.forms:
        score = similarity(text, form.name)
        if score > best[1]:
            best = (f"form:{form.oid}", score)
    return best if best[1] >= ALIGN_MIN else (None, best[1])


def reproduced(link: ReferenceLink, evidence: Evidence) -> bool:
    if link.code and link.code in evidence.codes:
        return True
    if link.test_code and link.test_code.upper() in evidence.test_codes:
        return True
    return bool(link.names & evidence.names)


def score_study(design: CRFDesign, usdm: Path, standards: StandardsLibrary) -> Score:
    evidence = row_evidence(design, standards)
    activities, placeholders = reference_links(usdm)
    score = Score(placeholders=placeholders)
    for text, links in activities:
        if not links:
            continue
        key, sim = align(text, design)
        found = evidence.get(key) if key else None
        for link in links:
            score.links += 1
            if found is not None and reproduced(link, found):
                score.reproduced += 1
                continue
            where = f"aligned to '{found.what}' ({sim:.2f})" if found else f"unaligned (best {sim:.2f})"
            score.misses.append(
                f"'{text}' -> {link.concept} [{link.code or '-'}/{link.test_code or '-'}]: {where}"
            )
    return score


def main(shared: Path, show_misses: bool) -> int:
    ct, standards = load_bundled_ct(), load_bundled_standards()
    corpus, reference = shared / "corpus" / "protocols", shared / "corpus" / "reference"
    print(f"{'study / protocol':<58} {'USDM reference':<48} {'links':>5} {'reproduced':>10}", end="")
    print(f" {'share':>6} {'s':>5}")
    shares: list[float] = []
    misses: list[str] = []
    for study, (protocols, usdms) in STUDIES.items():
        for protocol in protocols:
            start = time.perf_counter()
            design = design_crf(read_protocol(corpus / study / protocol), ct, standards)
            elapsed = time.perf_counter() - start
            for usdm in usdms:
                score = score_study(design, reference / study / usdm, standards)
                shares.append(score.share)
                mark = "" if score.share >= TARGET else "  < target"
                note = f" (+{score.placeholders} placeholder)" if score.placeholders else ""
                print(
                    f"{study + '/' + protocol:<58.58} {usdm:<48.48} {score.links:>5} {score.reproduced:>10} "
                    f"{score.share:>6.1%} {elapsed:>5.1f}{mark}{note}"
                )
                misses += [f"  {protocol} vs {usdm}: {miss}" for miss in score.misses]
    print(f"{'MEAN':<58} {'':<48} {'':>5} {'':>10} {sum(shares) / len(shares):>6.1%}")
    if show_misses and misses:
        print("\nmisses:")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    sys.exit(main(Path(args[0]) if args else DEFAULT_SHARED, "--misses" in sys.argv))
