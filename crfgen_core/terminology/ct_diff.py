"""Differences between two versions of one CT package, as data (pydantic) and as a Markdown report.

Codelists are matched by C-code, terms by (codelist C-code, term C-code): a term whose submission value
changed is a change, not a removal plus an addition. Terms of an added or removed codelist are counted
in that codelist's entry, not listed one by one.
"""

from __future__ import annotations

from pydantic import Field

from crfgen_core.model.base import Contract
from crfgen_core.terminology.ct_index import (
    CODE,
    DEFINITION,
    EXTENSIBLE,
    NAME,
    PREFERRED,
    SYNONYMS,
    VALUE,
    CTIndex,
    CTRow,
    split_synonyms,
)

_CODELIST_FIELDS = {
    "name": NAME,
    "submission_value": VALUE,
    "extensible": EXTENSIBLE,
    "synonyms": SYNONYMS,
    "definition": DEFINITION,
    "preferred_term": PREFERRED,
}
_TERM_FIELDS = {
    "submission_value": VALUE,
    "synonyms": SYNONYMS,
    "definition": DEFINITION,
    "preferred_term": PREFERRED,
}


class FieldChange(Contract):
    field: str
    old: str
    new: str


class CodelistEntry(Contract):
    code: str
    submission_value: str
    name: str
    terms: int = Field(description="number of terms in the codelist")


class CodelistChange(Contract):
    code: str
    submission_value: str
    changes: list[FieldChange]


class TermEntry(Contract):
    codelist: str = Field(description="codelist C-code")
    codelist_submission_value: str
    code: str
    submission_value: str


class TermChange(TermEntry):
    changes: list[FieldChange]


class CTDiff(Contract):
    package: str
    old_version: str
    new_version: str
    old_sha256: str = ""
    new_sha256: str = ""
    codelists_added: list[CodelistEntry] = Field(default_factory=list)
    codelists_removed: list[CodelistEntry] = Field(default_factory=list)
    codelists_changed: list[CodelistChange] = Field(default_factory=list)
    terms_added: list[TermEntry] = Field(default_factory=list)
    terms_removed: list[TermEntry] = Field(default_factory=list)
    terms_changed: list[TermChange] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.codelists_added
            or self.codelists_removed
            or self.codelists_changed
            or self.terms_added
            or self.terms_removed
            or self.terms_changed
        )

    def to_markdown(self) -> str:
        return render_diff_markdown(self)


def _normalized(row: CTRow, column: int) -> str:
    if column == SYNONYMS:
        return "; ".join(split_synonyms(row[column]))
    if column == EXTENSIBLE:
        return row[column].strip().capitalize()
    return row[column]


def _changes(old: CTRow, new: CTRow, fields: dict[str, int]) -> list[FieldChange]:
    found = []
    for name, column in fields.items():
        before, after = _normalized(old, column), _normalized(new, column)
        if before != after:
            found.append(FieldChange(field=name, old=before, new=after))
    return found


def diff_ct(old: CTIndex, new: CTIndex) -> CTDiff:
    """Given two versions of one package, return what changed from `old` to `new`."""
    result = CTDiff(
        package=new.package_name,
        old_version=old.version,
        new_version=new.version,
        old_sha256=old.sha256,
        new_sha256=new.sha256,
    )
    old_lists = {row[CODE]: row for row in old.codelist_rows()}
    new_lists = {row[CODE]: row for row in new.codelist_rows()}
    for code, row in new_lists.items():
        if code not in old_lists:
            result.codelists_added.append(_codelist_entry(new, row))
    for code, row in old_lists.items():
        if code not in new_lists:
            result.codelists_removed.append(_codelist_entry(old, row))
    for code in sorted(old_lists.keys() & new_lists.keys()):
        old_row, new_row = old_lists[code], new_lists[code]
        changes = _changes(old_row, new_row, _CODELIST_FIELDS)
        if changes:
            result.codelists_changed.append(
                CodelistChange(code=code, submission_value=new_row[VALUE], changes=changes)
            )
        old_terms = {row[CODE]: row for row in old.term_rows(code)}
        new_terms = {row[CODE]: row for row in new.term_rows(code)}
        for term_code, term in new_terms.items():
            if term_code not in old_terms:
                result.terms_added.append(_term_entry(new_row, term))
        for term_code, term in old_terms.items():
            if term_code not in new_terms:
                result.terms_removed.append(_term_entry(old_row, term))
        for term_code in sorted(old_terms.keys() & new_terms.keys()):
            term_changes = _changes(old_terms[term_code], new_terms[term_code], _TERM_FIELDS)
            if term_changes:
                entry = _term_entry(new_row, new_terms[term_code])
                result.terms_changed.append(TermChange(**entry.model_dump(), changes=term_changes))
    for listing in (result.codelists_added, result.codelists_removed, result.codelists_changed):
        listing.sort(key=lambda e: e.submission_value)
    for terms in (result.terms_added, result.terms_removed, result.terms_changed):
        terms.sort(key=lambda e: (e.codelist_submission_value, e.submission_value))
    return result


def _codelist_entry(index: CTIndex, row: CTRow) -> CodelistEntry:
    return CodelistEntry(
        code=row[CODE], submission_value=row[VALUE], name=row[NAME], terms=len(index.term_rows(row[CODE]))
    )


def _term_entry(codelist: CTRow, term: CTRow) -> TermEntry:
    return TermEntry(
        codelist=codelist[CODE],
        codelist_submission_value=codelist[VALUE],
        code=term[CODE],
        submission_value=term[VALUE],
    )


def _cell(text: str, limit: int = 120) -> str:
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_diff_markdown(diff: CTDiff) -> str:
    """Given a CTDiff, return a Markdown report a reviewer can read."""
    lines = [f"# CT change report: {diff.package} {diff.old_version} → {diff.new_version}", ""]
    lines.append(f"- old sha256: `{diff.old_sha256}`")
    lines.append(f"- new sha256: `{diff.new_sha256}`")
    counts = (
        f"{len(diff.codelists_added)} codelists added, {len(diff.codelists_removed)} removed, "
        f"{len(diff.codelists_changed)} changed; {len(diff.terms_added)} terms added, "
        f"{len(diff.terms_removed)} removed, {len(diff.terms_changed)} changed"
    )
    lines += [f"- summary: {counts}", ""]
    if diff.is_empty:
        return "\n".join([*lines, "No differences.", ""])
    for title, entries in (
        ("Codelists added", diff.codelists_added),
        ("Codelists removed", diff.codelists_removed),
    ):
        if entries:
            lines += [f"## {title}", "", "| Codelist | Code | Name | Terms |", "|---|---|---|---|"]
            lines += [
                f"| {_cell(e.submission_value)} | {e.code} | {_cell(e.name)} | {e.terms} |" for e in entries
            ]
            lines.append("")
    if diff.codelists_changed:
        lines += [
            "## Codelists changed",
            "",
            "| Codelist | Code | Field | Old | New |",
            "|---|---|---|---|---|",
        ]
        for change in diff.codelists_changed:
            lines += [
                f"| {_cell(change.submission_value)} | {change.code} | {c.field} | {_cell(c.old)} | "
                f"{_cell(c.new)} |"
                for c in change.changes
            ]
        lines.append("")
    for title, terms in (("Terms added", diff.terms_added), ("Terms removed", diff.terms_removed)):
        if terms:
            lines += [f"## {title}", "", "| Codelist | Term | Code |", "|---|---|---|"]
            lines += [
                f"| {_cell(t.codelist_submission_value)} | {_cell(t.submission_value)} | {t.code} |"
                for t in terms
            ]
            lines.append("")
    if diff.terms_changed:
        lines += [
            "## Terms changed",
            "",
            "| Codelist | Term | Code | Field | Old | New |",
            "|---|---|---|---|---|---|",
        ]
        for term in diff.terms_changed:
            lines += [
                f"| {_cell(term.codelist_submission_value)} | {_cell(term.submission_value)} | {term.code} "
                f"| {c.field} | {_cell(c.old)} | {_cell(c.new)} |"
                for c in term.changes
            ]
        lines.append("")
    return "\n".join(lines)
