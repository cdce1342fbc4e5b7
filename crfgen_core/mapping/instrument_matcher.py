"""Find the CDISC QRS instrument an SoA label names, by the names the CT itself gives instruments.

Rules, in the order they are tried (all deterministic; the reason says which one decided):

1. Whole name: a run of label words spells one of an instrument's CT names (category value 'ADAS-COG',
   abbreviation 'NPI-12', full name 'Disability Assessment for Dementia'), compared without spaces or
   punctuation ('HAM-D 17' = 'HAMD 17'). A name CT writes in capitals (DAD, NPI, ASSIGN) must open in
   capitals in the label, so ordinary words ('dad', 'assigned') never read as abbreviations.
2. Name head: the label spells the head of longer CT names ('HAM-D' heads 'HAMD 17', 'HAMD 21'...).
   Label words that appear among a candidate's remaining words ('17') choose the version; otherwise the
   candidate whose category value heads all the others' (the unversioned 'MMSE' over 'MMSE-2 STANDARD
   VERSION') is chosen; otherwise the match is ambiguous and goes to review with its candidates.
3. Distinctive words: the label's leftover content words all occur in one instrument's names and one of
   them names nothing else in CT ('Hachinski' -> Modified Hachinski Ischemic Scale-NACC Version).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from crfgen_core.terminology.qrs_instruments import QrsIndex, QrsInstrument, words

MAX_SPAN = 12
DISTINCT_MAX_INSTRUMENTS = 3
EXACT_CONFIDENCE = 0.95
HEAD_CONFIDENCE = 0.9
WORDS_CONFIDENCE = 0.85
# a label word this short right beside the name is a version mark of it ('NPI-X', 'PGI-S')
VERSION_MARK_CHARS = 2
SHORT_HEAD_WORDS = 3


@dataclass(frozen=True)
class InstrumentHit:
    """A label span read as an instrument (or as several candidates when CT cannot tell which)."""

    start: int
    end: int
    covered: frozenset[int]
    instrument: QrsInstrument | None
    candidates: tuple[QrsInstrument, ...]
    confidence: float
    reason: str


@dataclass(frozen=True)
class _Name:
    instrument: QrsInstrument
    text: str
    tokens: tuple[str, ...]


def _squash(tokens: Iterable[str]) -> str:
    return "".join(tokens)


def _written_in_capitals(name: _Name, label: str) -> bool:
    """A name CT writes in capitals ('ASSIGN', 'DAD', 'HAMD 17') must open in capitals in the label too.

    So ordinary words ('assigned', 'dad') never read as abbreviations; separators may sit between
    the letters ('HAM-D' for 'HAMD').
    """
    if any(ch.islower() for ch in name.text):
        return True
    letters = name.tokens[0].upper()
    pattern = r"[\s\-/.]?".join(re.escape(ch) for ch in letters)
    return re.search(rf"(?<![A-Za-z0-9]){pattern}(?![a-z])", label) is not None


def _version(token: str) -> str:
    """'v2' and '2' are the same version word."""
    return token[1:] if len(token) > 1 and token[0] == "v" and token[1:].isdigit() else token


def _glued_in_capitals(name: _Name, key: str, label: str) -> bool:
    """'PGIS' reads as 'PGI' + version mark only when CT writes 'PGI' in capitals and so does the label."""
    if any(ch.islower() for ch in name.text) or len(name.tokens) != 1:
        return False
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(key.upper())}(?![A-Za-z])", label) is not None


def _family_head(candidates: list[QrsInstrument]) -> QrsInstrument | None:
    """The one candidate whose category value heads every other's ('MMSE' heads 'MMSE-2 ...'), if any."""
    heads = [
        c
        for c in candidates
        if all(
            tuple(words(o.short_name)[: len(words(c.short_name))]) == tuple(words(c.short_name))
            for o in candidates
        )
    ]
    return heads[0] if len(heads) == 1 else None


class InstrumentMatcher:
    """Name tables over one QRS index: whole names and name heads, by their spelling without spaces."""

    def __init__(self, index: QrsIndex) -> None:
        self.index = index
        self.whole: dict[str, list[_Name]] = {}
        self.heads: dict[str, list[tuple[_Name, int]]] = {}
        self.word_instruments: dict[str, set[str]] = {}
        self.name_word_instruments: dict[str, set[str]] = {}
        for instrument in index.instruments.values():
            for text in instrument.full_names:
                # words CT writes in capitals ('ASSIGN', 'AIMS') are abbreviations, never distinctive words
                for word in re.findall(r"[A-Za-z0-9']+", text):
                    if any(ch.islower() for ch in word):
                        for tok in words(word):
                            self.name_word_instruments.setdefault(tok, set()).add(instrument.form_key)
            for text in (*instrument.abbreviations, *instrument.full_names):
                name = _Name(instrument, text, tuple(words(text)))
                if not name.tokens:
                    continue
                self.whole.setdefault(_squash(name.tokens), []).append(name)
                for size in range(1, len(name.tokens)):
                    self.heads.setdefault(_squash(name.tokens[:size]), []).append((name, size))
                for tok in name.tokens:
                    self.word_instruments.setdefault(tok, set()).add(instrument.form_key)

    def name_words(self, instrument: QrsInstrument) -> set[str]:
        return {tok for text in (*instrument.abbreviations, *instrument.full_names) for tok in words(text)}

    def _head_allowed(self, name: _Name, size: int, skip: frozenset[str]) -> bool:
        """A name head must be a name in itself: 3+ letters, not only generic words; one word only when
        the name is an abbreviation ('HAMD' of 'HAMD 17', never 'Brief' of 'Brief Pain Inventory')."""
        head = name.tokens[:size]
        if len(_squash(head)) < 3 or all(tok in skip or tok.isdigit() for tok in head):
            return False
        # the head must be most of the name: 'HAMD' of 'HAMD 17' yes, 'Patient Reported' of 'Patient-Reported
        # Outcomes Version of the Common Terminology Criteria for Adverse Events' no
        rest = [tok for tok in name.tokens[size:] if tok.isalpha() and len(tok) >= 3 and tok not in skip]
        if len(rest) > size:
            return False
        abbreviation = not any(ch.islower() for ch in name.text)
        if abbreviation:
            return size >= 2 or head[0] not in self.index.general_words
        # a short head of plain words ('Clinician-Administered' of 'Clinician-Administered PTSD Scale',
        # 'Short Form' of 'Short-Form McGill Pain Questionnaire-2') describes, it does not name
        if size < 2:
            return False
        return size >= SHORT_HEAD_WORDS or any(tok not in self.index.general_words for tok in head)

    def _choose(
        self, options: dict[str, tuple[_Name, tuple[str, ...]]], toks: list[str], span: range
    ) -> tuple[QrsInstrument | None, list[QrsInstrument], set[int], str]:
        """Given candidates (instrument -> name, its words beyond the label span), pick one or none."""
        outside = {_version(tok): j for j, tok in enumerate(toks) if j not in span}
        support = {
            key: [outside[_version(tok)] for tok in extra if _version(tok) in outside]
            for key, (_, extra) in options.items()
        }
        best = max(len(v) for v in support.values())
        top = sorted(key for key, found in support.items() if len(found) == best)
        candidates = [options[key][0].instrument for key in top]
        if len(top) == 1:
            key = top[0]
            why = f"version word(s) '{' '.join(toks[j] for j in support[key])}' in the label" if best else ""
            return candidates[0], candidates, set(support[key]), why
        head = _family_head(candidates)
        if head is not None:
            why = f"'{head.short_name}' is the unversioned CT name of the family"
            return head, candidates, set(support[head.form_key]), why
        return None, candidates, set(), ""

    def _version_marks(
        self, toks: list[str], start: int, end: int, covered: set[int], skip: frozenset[str]
    ) -> list[int]:
        return [
            j
            for j in (start - 1, end)
            if 0 <= j < len(toks)
            and j not in covered
            and len(toks[j]) <= VERSION_MARK_CHARS
            and not toks[j].isdigit()
            and toks[j] not in skip
        ]

    def _name_words_beside(
        self,
        instrument: QrsInstrument,
        toks: list[str],
        start: int,
        end: int,
        covered: set[int],
        skip: frozenset[str],
    ) -> set[int]:
        """Label words right after the name that spell more of the same instrument's names
        ('ECOG performance status') are explained by it."""
        known = self.name_words(instrument)
        found: set[int] = set()
        j = end
        while j < len(toks) and j not in covered and (toks[j] in known and toks[j] not in skip):
            found.add(j)
            j += 1
        return found

    def name_hits(
        self, toks: list[str], label: str, skip: frozenset[str], covered: set[int], heads: bool = False
    ) -> list[InstrumentHit]:
        """Given label tokens, the label as written and positions other rules took, return whole-name hits
        (or, with heads=True, name-head hits), left to right."""
        hits: list[InstrumentHit] = []
        taken = set(covered)
        i = 0
        while i < len(toks):
            hit = None
            # of the spans starting here, the reading that explains most label words wins ('C-SSRS
            # Screening/Baseline' is the baseline/screening version, not 'C-SSRS SCREENING' + a stray word)
            for end in range(min(len(toks), i + MAX_SPAN), i, -1):
                if taken.intersection(range(i, end)):
                    continue
                found = self._span_hit(toks, i, end, label, skip, taken, heads)
                if found is not None and (hit is None or len(found.covered) > len(hit.covered)):
                    hit = found
            if hit is None:
                i += 1
                continue
            hits.append(hit)
            taken |= hit.covered
            i = hit.end
        return hits

    def _span_hit(
        self,
        toks: list[str],
        start: int,
        end: int,
        label: str,
        skip: frozenset[str],
        covered: set[int],
        heads: bool,
    ) -> InstrumentHit | None:
        key = _squash(toks[start:end])
        span = range(start, end)
        options: dict[str, tuple[_Name, tuple[str, ...]]] = {}
        outside = {tok for j, tok in enumerate(toks) if j not in span and j not in covered}
        glued = ""
        general = self.index.general_words  # 'COVID' is a word of its own, not 'COVI' + 'D'
        if not heads:
            whole = [n for n in self.whole.get(key, []) if _written_in_capitals(n, label)]
            if not whole and end - start == 1 and key.isalpha() and len(key) >= 4 and key not in general:
                # a capital letter glued to an abbreviation is a version mark too ('PGIS', 'CGIC')
                whole = [n for n in self.whole.get(key[:-1], []) if _glued_in_capitals(n, key, label)]
                glued = key[-1] if whole else ""
            for name in whole:
                if len(key) >= 3 and not all(t in skip for t in toks[start:end]):
                    options.setdefault(name.instrument.form_key, (name, ()))
        for name, size in self.heads.get(key, []):
            extra = name.tokens[size:]
            # before general vocabulary only a head whose version words the label also writes counts
            if not heads and not (options and outside.intersection(extra)):
                continue
            if self._head_allowed(name, size, skip) and _written_in_capitals(name, label):
                current = options.get(name.instrument.form_key)
                supported = len(outside.intersection(extra))
                if (
                    current is None
                    or supported > len(outside.intersection(current[1]))
                    or (current[1] and not supported and len(extra) < len(current[1]))
                ):
                    options[name.instrument.form_key] = (name, extra)
        if not options:
            return None
        chosen, candidates, version_words, why = self._choose(options, toks, span)
        written = " ".join(toks[start:end])
        cover = {*span, *version_words}
        if chosen is None:
            names = ", ".join(c.short_name for c in candidates)
            return InstrumentHit(
                start,
                end,
                frozenset(cover),
                None,
                tuple(candidates),
                HEAD_CONFIDENCE,
                f"'{written}' names {len(candidates)} CT instruments ({names}); CT cannot tell which",
            )
        marks = self._version_marks(toks, start, end, covered | cover, skip)
        cover.update(marks)
        explained = self._name_words_beside(chosen, toks, start, end, covered | cover, skip)
        cover.update(explained)
        name, extra = options[chosen.form_key]
        kind = "head of the CT name" if extra else "CT name"
        codelist = chosen.test_codelist or "category only, no CT test codes"
        reason = f"QRS {kind} '{name.text}' -> {chosen.display_name} [{codelist}]"
        if why:
            reason += f"; {why}"
        if marks or glued:
            mark = " ".join([glued, *(toks[j] for j in marks)]).strip()
            reason += f"; version mark '{mark}' not in CT, nearest CT instrument"
        if explained:
            reason += f"; '{' '.join(toks[j] for j in sorted(explained))}' is part of its CT name"
        confidence = HEAD_CONFIDENCE if extra else EXACT_CONFIDENCE
        return InstrumentHit(start, end, frozenset(cover), chosen, tuple(candidates), confidence, reason)

    def word_hit(self, toks: list[str], covered: set[int], free: frozenset[str]) -> InstrumentHit | None:
        """Given tokens, what other rules took and the words a name may go without (connectives,
        'scale', 'questionnaire'), return a hit if every other leftover word is in one instrument's names
        ('Hachinski' yes; 'Hypoglycemic events' no: no instrument name says 'events')."""
        content = [
            j
            for j, tok in enumerate(toks)
            if j not in covered and tok not in free and not tok.isdigit() and len(tok) >= 3
        ]
        if not content:
            return None
        wanted = {toks[j] for j in content}
        anchors = [
            tok
            for tok in wanted
            if tok not in self.index.general_words
            and 0 < len(self.name_word_instruments.get(tok, ())) <= DISTINCT_MAX_INSTRUMENTS
        ]
        if not anchors:
            return None
        keys = set.intersection(*(self.word_instruments.get(tok, set()) for tok in wanted))
        candidates = sorted(
            (self.index.instruments[k] for k in keys), key=lambda c: (len(c.short_name), c.form_key)
        )
        if not candidates:
            return None
        chosen = candidates[0] if len(candidates) == 1 else _family_head(candidates)
        span = [j for j in range(len(toks)) if j not in covered]
        written = " ".join(toks[j] for j in content)
        if chosen is None:
            names = ", ".join(c.short_name for c in candidates)
            reason = (
                f"words '{written}' occur in {len(candidates)} CT instruments ({names}); CT cannot tell which"
            )
        else:
            reason = (
                f"QRS name words '{written}' (found only in {chosen.display_name}) "
                f"-> {chosen.display_name} [{chosen.test_codelist or 'category only'}]; nearest CT instrument"
            )
        return InstrumentHit(
            min(span),
            max(span) + 1,
            frozenset(span),
            chosen,
            tuple(candidates),
            WORDS_CONFIDENCE,
            reason,
        )


@lru_cache(maxsize=4)
def instrument_matcher(index: QrsIndex) -> InstrumentMatcher:
    """The matcher over one QRS index (tables built once per index)."""
    return InstrumentMatcher(index)
