"""Title-page facts (protocol number, title, phase, sponsor, NCT number, version, amendment, date)."""

from __future__ import annotations

import re

from crfgen_core.model.protocol import StudyMetadata

DEFAULT_FRONT_CHARS = 12_000  # the title page and its neighbours; later text cites other studies

_NCT = re.compile(r"\bNCT\s?(\d{8})\b")
_PROTOCOL_NUMBER = re.compile(
    r"(?:sponsor (?:trial|protocol|study) (?:id|identifier|number|no\.?)"
    r"|protocol (?:number|no\.?|identifier|id|code)"
    r"|study (?:number|no\.?|code)|^protocol)\s*[:#]?\s*([A-Z0-9][A-Z0-9\-()/._]{3,40})",
    re.I | re.M,
)
_PHASE = re.compile(
    r"\bphase\s*(?::\s*)?(1|2|3|4|I{1,3}|IV)([ab])?(?:\s*[/-]\s*(1|2|3|4|I{1,3}|IV)([ab])?)?\b", re.I
)
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
_SPONSOR_LABEL = re.compile(r"^\s*sponsor(?: name)?\s*:\s*(.{3,100})$", re.I | re.M)
_COMPANY = re.compile(
    r"([A-Z][\w.&'\-]*(?: [A-Z&][\w.&'\-]*){0,5},? (?:Ltd|Limited|Inc|A/S|GmbH|Company|AG|plc|LLC|Corporation"
    r"|S\.A\.|N\.V\.|B\.V\.|Pharmaceuticals|Pharma)\b\.?)"
)
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
_DATE_LABEL = re.compile(r"\b(?:date|dated)\b[^:\n]{0,30}?[:\s]\s*" + _DATE_VALUE, re.I)
_ANY_DATE = re.compile(_DATE_VALUE)


def extract_metadata(front_text: str) -> StudyMetadata:
    """Given the text of the first pages (or first paragraphs and tables), return the title-page facts."""
    text = front_text[:DEFAULT_FRONT_CHARS]
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
    match = _PHASE.search(text)
    if not match:
        return None
    first = _ROMAN.get(match.group(1).upper(), match.group(1)) + (match.group(2) or "")
    if match.group(3):
        return f"Phase {first}/{_ROMAN.get(match.group(3).upper(), match.group(3))}{match.group(4) or ''}"
    return f"Phase {first}"


def _sponsor(text: str) -> str | None:
    labelled = _SPONSOR_LABEL.search(text)
    if labelled:
        return labelled.group(1).strip()
    companies = [match.group(1).strip() for match in _COMPANY.finditer(text)]
    return max(set(companies), key=companies.count) if companies else None


def _title(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines()]
    labelled = _TITLE_LABEL.search(text)
    if labelled:
        start = text[: labelled.start(1)].count("\n")
        parts = [labelled.group(1).strip()]
        for line in lines[start + 1 :]:
            if not line or _LABEL_LINE.match(line):
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
    match = _DATE_LABEL.search(text) or _ANY_DATE.search(text)
    return " ".join(match.group(1).split()) if match else None
