"""CRF-facing text from standards wording: questions without template placeholders, group labels a
site understands, and SDTM annotations that name SDTM variables (AESTDTC), not CDASH fields (AESTDAT).
"""

from __future__ import annotations

import re

from crfgen_core.mapping.content_rules import load_content_tables

# "[the study-specific time point]": a template placeholder holds words ("Word [1]" is a numbered item)
PLACEHOLDER = re.compile(r"\[([^\]]*[A-Za-z]{2}[^\]]*)\]")
# "(as of [the study-specific time point or period])": a parenthesis that only holds a placeholder
_PLACEHOLDER_ASIDE = re.compile(r"\s*\([^()]*\[[^\]]*[A-Za-z]{2}[^\]]*\][^()]*\)")
_CDASH_ONLY = re.compile(r"\b([A-Z]{2}[A-Z0-9]{0,4})(DAT|TIM)\b")


def clean_question(text: str) -> str:
    """Given a question or prompt from a template, return it without placeholder brackets.

    A parenthesis that holds a placeholder is dropped ("Ongoing (as of [the study-specific time
    point])" -> "Ongoing"); any other placeholder keeps its words without brackets.
    """
    cleaned = _PLACEHOLDER_ASIDE.sub("", text)
    cleaned = PLACEHOLDER.sub(lambda m: m.group(1), cleaned)
    return " ".join(cleaned.split()).replace(" ?", "?")


def group_label(short_name: str) -> str:
    """Given a standards group name ("Adverse Event Free Text Format (Normalized)"), return its CRF label."""
    label = short_name
    for pattern, replacement in load_content_tables().group_labels:
        label = pattern.sub(replacement, label)
    label = " ".join(label.split())
    if label.isupper() and " " not in label:  # a variable name used as a name: AGE, SEX
        label = label.title()
    return label or short_name


def sdtm_name(text: str) -> str:
    """Given an annotation or target, return it naming SDTM variables: a CDASH-only date or time field
    (AESTDAT, CMSTTIM; SDTM has no --DAT or --TIM variable) becomes the --DTC it is submitted in."""
    return _CDASH_ONLY.sub(lambda found: f"{found.group(1)}DTC", text) if text else text
