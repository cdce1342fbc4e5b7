"""SoA activity labels to comparable token lists: case, footnote markers, punctuation."""

from __future__ import annotations

import re
import unicodedata

# Superscript digits/letters and typographic footnote symbols never carry meaning in a label.
_FOOTNOTE_SYMBOLS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f\u1d2c-\u1d6a*†‡§¶#]+")
_BRACKETED_MARKER = re.compile(r"[\(\[]\s*[a-z0-9]{1,2}\s*[\)\]]$")
_TOKEN = re.compile(r"[a-z0-9]+|\+")


def clean_label(label: str) -> str:
    """Given a raw label, return it on one line without footnote symbols and bracketed markers."""
    text = unicodedata.normalize("NFKC", _FOOTNOTE_SYMBOLS.sub(" ", label))
    text = " ".join(text.split())
    text = _BRACKETED_MARKER.sub("", text).strip()
    text = re.sub(r"(?<=\))[a-z]{1,2}$", "", text)
    return text.rstrip(":;,. ")


def tokens(text: str) -> list[str]:
    """Given text, return lower-case word tokens; '+' is kept because scale names use it (CIBIC+)."""
    found = _TOKEN.findall(text.lower().replace("&", " and "))
    return ["plus" if tok == "+" else tok for tok in found]


def marker_variants(label: str) -> list[tuple[list[str], int]]:
    """Given a label, return (tokens, letters stripped) to try: as written, then without a glued marker.

    SoA extraction often glues a footnote letter to the last word ("Vital Signsl", "Dosep"); a word
    that only matches without its last one or two lower-case letters is read that way, at a cost.
    """
    base = clean_label(label)
    variants = [(tokens(base), 0)]
    for count in (1, 2):
        match = re.search(r"[A-Za-z]{3,}$", base)
        if match and base[-count:].islower() and len(match.group()) > count + 1:
            variants.append((tokens(base[:-count]), count))
    digits = re.sub(r"(?<=[A-Za-z]{2})\d{1,2}(?:\s*,\s*\d{1,2})*$", "", base)
    if digits != base:
        variants.append((tokens(digits), 1))
    return variants
