"""CDISC Controlled Terminology as published by NCI EVS."""

from __future__ import annotations

from pydantic import Field

from crfgen_core.model.base import Contract


class Term(Contract):
    code: str = Field(description="NCI C-code of the term")
    submission_value: str
    synonyms: list[str] = Field(default_factory=list)
    definition: str = ""
    preferred_term: str = ""


class Codelist(Contract):
    code: str = Field(description="NCI C-code of the codelist")
    name: str
    submission_value: str
    extensible: bool
    synonyms: list[str] = Field(default_factory=list)
    definition: str = ""
    preferred_term: str = ""
    terms: list[Term] = Field(default_factory=list)


class CTVersionRef(Contract):
    """Which CT package version a design used: what an auditor asks for."""

    package: str = Field(description="e.g. sdtm, cdash, protocol")
    version: str = Field(description="publication date, YYYY-MM-DD")
    sha256: str = ""


class CTPackage(Contract):
    package: str
    version: str
    source: str = ""
    sha256: str = ""
    codelists: list[Codelist] = Field(default_factory=list)

    @property
    def ref(self) -> CTVersionRef:
        return CTVersionRef(package=self.package, version=self.version, sha256=self.sha256)
