"""Spellings of a laboratory or vital-signs test name to try against CT, most literal first.

Protocols write "Leukocytes (WBC)", "Serum creatinine", "Platelet", "Neutrophils, segmented",
"supine/standing pulse"; CT has WBC / Leukocytes, Creatinine, Platelets, Segmented Neutrophils, Pulse
Rate. The exact name is always tried first, so a variant never overrides a real match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_BRACKETED = re.compile(r"\(([^)]*)\)")
MAX_COMPACT = 8


def normalise(text: str) -> str:
    """Given a name as written, return it lower case with single spaces and no edge punctuation."""
    return " ".join(text.lower().replace("\u2011", "-").split()).strip(" ,;:.*")


def _plural_variants(name: str) -> Iterator[str]:
    yield name
    if name.endswith("s") and len(name) > 3:
        yield name[:-1]
    else:
        yield f"{name}s"


def _qualifier(word: str, words: frozenset[str]) -> bool:
    """A word is a qualifier when it, or every part of a slash pair ("supine/standing"), is one."""
    return word in words or ("/" in word and all(part in words for part in word.split("/") if part))


def _strip_qualifiers(words: list[str], prefixes: frozenset[str], suffixes: frozenset[str]) -> list[str]:
    """Shorter spellings: trailing qualifiers off first ("blood pressure readings" -> "blood pressure"),
    then leading ones ("serum creatinine" -> "creatinine"), then both."""
    tails = [words]
    while len(tails[-1]) > 1 and _qualifier(tails[-1][-1], suffixes):
        tails.append(tails[-1][:-1])
    stems: list[str] = [" ".join(t) for t in tails[1:]]
    for tail in tails:
        heads = tail
        while len(heads) > 1 and _qualifier(heads[0], prefixes):
            heads = heads[1:]
            stems.append(" ".join(heads))
    return stems


def test_name_variants(name: str, prefixes: frozenset[str], suffixes: frozenset[str]) -> list[str]:
    """Given a test name as written and qualifier words, return the spellings to look up, in order."""
    written = normalise(name)
    bare = normalise(_BRACKETED.sub(" ", written))
    abbreviations = [
        normalise(part)
        for inside in _BRACKETED.findall(written)
        for part in re.split(r"[/,;]| or ", inside)
        if normalise(part)
    ]
    stems = [written, bare, *abbreviations]
    if len(bare) <= MAX_COMPACT and " " in bare:  # "HbA1 c": a line break inside a short name
        stems.append(bare.replace(" ", ""))
    head, _, tail = bare.partition(",")
    if tail.strip():  # "Neutrophils, segmented" -> "segmented neutrophils" (the head alone is another test)
        stems.append(normalise(f"{tail} {head}"))
    for stem in list(stems):
        stems += _strip_qualifiers(stem.split(), prefixes, suffixes)
    ordered: list[str] = []
    for stem in stems:
        for variant in _plural_variants(stem):
            if variant and variant not in ordered:
                ordered.append(variant)
    return ordered
