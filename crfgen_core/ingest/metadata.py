"""Title-page facts (protocol number, title, phase, sponsor, NCT number, version, amendment, date)."""

from __future__ import annotations

import re

from crfgen_core.model.protocol import StudyMetadata

DEFAULT_FRONT_CHARS = 12_000  # the title page and its neighbours; later text cites other studies

_NCT = re.compile(r"\bNCT\s?(\d{8})\b")
_PROTOCOL_NUMBER = re.compile(
    r"(?:sponsor (?:trial|protocol|study) (?:identifier|id|number|no\.?)"
    r"|protocol (?:number|no\.?|identifier|id|code)"
    r"|study (?:number|no\.?|code)|^protocol)\b\.?(?:[ \t]*[:#][ \t]*|[ \t]+)([A-Z0-9][A-Z0-9\-()/._]{3,40})",
    re.I | re.M,
)
_PHASE = re.compile(
    r"\bphase\s*(?::\s*)?(1|2|3|4|I{1,3}|IV)([ab])?(?:\s*[/-]\s*(1|2|3|4|I{1,3}|IV)([ab])?)?\b", re.I
)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
_SPONSOR_LABEL = re.compile(r"^[ \t]*sponsor(?: name)?(?: and address)?[ \t]*:[ \t]*(.*)$", re.I | re.M)
_COMPANY = re.compile(
    r"([A-Z][\w.&'\-]*(?: (?:[A-Z&][\w.&'\-]*|and)){0,5},? "
    r"(?:Ltd|Limited|Inc|A/S|GmbH|Company|AG|plc|LLC|Corporation|S\.A\.|N\.V\.|B\.V\.|Pharmaceuticals|Pharma)\b\.?)"
)
_COMPANY_END = re.compile(r"(?<=[a-z]{4})\.$")  # a sentence's full stop, not the one of "Inc."
_TITLE_LABEL = re.compile(
    r"^\s*(?:full |official |protocol |study )?(?:study )?title(?: of study)?\s*:\s*(.+)$", re.I | re.M
)
_TITLE_WORDS = re.compile(r"\b(study|trial|phase|randomi[sz]ed|efficacy|safety)\b", re.I)
_BOILERPLATE = re.compile(r"confidential|copyright|property of|information contained|page \d", re.I)
_LABEL_LINE = re.compile(r"^[A-Z][A-Za-z /()]{1,40}:\s|^[A-Z][A-Z /()]{2,40}:")
_VERSION = re.compile(r"\bversion(?: number| no\.?)?\s*[:#]?\s*(\d+(?:\.\d+)*)\b", re.I)
_AMENDMENT = re.compile(
    r"\b(?:amendment(?: number| no\.?)?(?:\s*[:#]\s*|\s+)(\d+|[A-Z]\b)"
    r"|amended (?:clinical )?(?:trial |study )?protocol\s+(\d+))",
    re.I,
)
_DATE_VALUE = (
    r"(\d{1,2}[- ](?:[A-Za-z]{3,9})[- ,]+\d{4}|[A-Za-z]{3,9}\.? \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}/\d{1,2}/\d{4})"
)
_DATE_LABEL = re.compile(r"\bdate\b[ \t]*:[ \t]*" + _DATE_VALUE, re.I)
_DATED = re.compile(r"\b(?:date|dated)\b[^:\n]{0,30}?[:\s]\s*" + _DATE_VALUE, re.I)
# "According to template: Version X dated ... based on CPT version 4" describes the template, not the study
_TEMPLATE_LINE = re.compile(r"^.*\btemplate\b.*$", re.I | re.M)
_PHASE_LABEL = re.compile(r"^[ \t]*(?:trial |study )?phase[ \t]*:[ \t]*(.+)$", re.I | re.M)
_LABEL_ONLY = re.compile(r"^[A-Z][\w /()&,'-]{0,50}:$|^[a-z][\w /()]{0,30}:$")
_ANY_DATE = re.compile(_DATE_VALUE)
DEFAULT_TITLE_LINES = 5  # a title wraps over a few lines; more is the text that follows it
# Where a labelled title ends even without a blank line: a cover-page label written without a colon
# ("Document date"), a contents line with dot leaders, or text a PDF font left unreadable (control bytes).
_TITLE_STOP = re.compile(
    r"^(?:document date|date|version(?: number)?|protocol (?:number|version)|amendment|sponsor\b.*"
    r"|list of contents|table of contents|contents)$|\.{5,}|[\x00-\x08\x0b\x0c\x0e-\x1f]",
    re.I,
)


def extract_metadata(front_text: str) -> StudyMetadata:
    """Given the text of the first pages (or first paragraphs and tables), return the title-page facts."""
    text = _TEMPLATE_LINE.sub("", front_text[:DEFAULT_FRONT_CHARS])
    return StudyMetadata(
        protocol_number=_protocol_number(text),
        title=_title(text),
        phase=_phase(text),
        sponsor=_sponsor(text),
        nct_number=(f"NCT{match.group(1)}" if (match := _NCT.search(text)) else None),
        version=(match.group(1) if (match := _VERSION.search(text)) else None),
        amendment=_amendment(text),
        date=_date(text),
    )


def _protocol_number(text: str) -> str | None:
    for match in _PROTOCOL_NUMBER.finditer(text):
        value = match.group(1).rstrip(".,;")
        if value.endswith(")") and value.count("(") < value.count(")"):
            value = value[:-1]
        if any(ch.isdigit() for ch in value) and not value.upper().startswith("NCT"):
            return value
    return None


def _phase(text: str) -> str | None:
    labelled = _PHASE_LABEL.search(text)
    match = (_PHASE.search(f"phase {labelled.group(1)}") if labelled else None) or _PHASE.search(text)
    if not match:
        return None
    first = _ROMAN.get(match.group(1).upper(), match.group(1)) + (match.group(2) or "")
    if match.group(3):
        return f"Phase {first}/{_ROMAN.get(match.group(3).upper(), match.group(3))}{match.group(4) or ''}"
    return f"Phase {first}"


def _labelled_value(text: str, match: re.Match[str]) -> str | None:
    """The value after a label: on the label's line, else on the next line; never another label."""
    value = match.group(1).strip()
    if not value:
        following = text[match.end() :].lstrip("\n").split("\n", 2)
        value = following[0].strip() if following else ""
        after = following[1].strip() if len(following) > 1 else ""
        if _LABEL_ONLY.match(after) and after[:1].islower():  # "Legal registered" + "address:"
            return None
    if not value or _LABEL_ONLY.match(value) or value.endswith(":"):
        return None
    return value


def _sponsor(text: str) -> str | None:
    for labelled in _SPONSOR_LABEL.finditer(text):
        value = _labelled_value(text, labelled)
        if value:
            company = _COMPANY.search(value) if any(ch.isdigit() for ch in value) else None
            return _COMPANY_END.sub("", company.group(1).strip() if company else value)  # name, not address
    companies = [_COMPANY_END.sub("", match.group(1).strip()) for match in _COMPANY.finditer(text)]
    return max(set(companies), key=companies.count) if companies else None


def _title(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines()]
    labelled = _TITLE_LABEL.search(text)
    if labelled:
        start = text[: labelled.start(1)].count("\n")
        parts = [labelled.group(1).strip()]
        for line in lines[start + 1 : start + DEFAULT_TITLE_LINES]:
            if not line or _LABEL_LINE.match(line) or _TITLE_STOP.search(line):
                break
            parts.append(line)
        return " ".join(" ".join(parts).split()) or None
    for index, line in enumerate(lines):
        if (
            len(line) >= 25
            and _TITLE_WORDS.search(line)
            and not _LABEL_LINE.match(line)
            and line[:1].isupper()
            and not _BOILERPLATE.search(line)
        ):
            parts = [line]
            for following in lines[index + 1 : index + 6]:
                if not following or _LABEL_LINE.match(following) or len(following) < 15 or following == line:
                    break
                parts.append(following)
            title = " ".join(" ".join(parts).split())
            if len(title.split()) >= 6:
                return title
    return None


def _amendment(text: str) -> str | None:
    match = _AMENDMENT.search(text)
    if not match:
        return None
    return match.group(1) or match.group(2)


def _date(text: str) -> str | None:
    match = _DATE_LABEL.search(text) or _DATED.search(text) or _ANY_DATE.search(text)
    return " ".join(match.group(1).split()) if match else None
