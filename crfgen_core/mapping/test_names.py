"""Spellings of a laboratory or vital-signs test name to try against CT, most literal first.

Protocols write "Leukocytes (WBC)", "Serum creatinine", "Platelet"; CT has WBC / Leukocytes,
Creatinine, Platelets. The exact name is always tried first, so a variant never overrides a real match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_BRACKETED = re.compile(r"\(([^)]*)\)")


def _normalise(text: str) -> str:
    return " ".join(text.lower().replace("\u2011", "-").split()).strip(" ,;:.")


def _plural_variants(name: str) -> Iterator[str]:
    yield name
    if name.endswith("s") and len(name) > 3:
        yield name[:-1]
    else:
        yield f"{name}s"


def test_name_variants(name: str, prefixes: frozenset[str], suffixes: frozenset[str]) -> list[str]:
    """Given a test name as written and qualifier words, return the spellings to look up, in order."""
    written = _normalise(name)
    bare = _normalise(_BRACKETED.sub(" ", written))
    abbreviations = [
        _normalise(part)
        for inside in _BRACKETED.findall(written)
        for part in re.split(r"[/,;]| or ", inside)
        if _normalise(part)
    ]
    stems = [written, bare, *abbreviations]
    words = bare.split()
    while words and words[0] in prefixes:
        words = words[1:]
        stems.append(" ".join(words))
    while words and words[-1] in suffixes:
        words = words[:-1]
        stems.append(" ".join(words))
    ordered: list[str] = []
    for stem in stems:
        for variant in _plural_variants(stem):
            if variant and variant not in ordered:
                ordered.append(variant)
    return ordered
