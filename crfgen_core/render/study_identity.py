"""What every output states about where it came from: protocol identity, CT and standards versions."""

from __future__ import annotations

from dataclasses import dataclass

from crfgen_core import __version__
from crfgen_core.model.design import CRFDesign

GENERATOR_NAME = "protocol-to-crf-generator"


@dataclass(frozen=True)
class StudyIdentity:
    """Cover facts in display order; `lines` is what a reader sees on every cover."""

    title: str
    lines: tuple[tuple[str, str], ...]

    def one_line(self) -> str:
        """Return the identity as one 'label: value; ...' string (ODM descriptions, REDCap notes)."""
        return "; ".join(f"{label}: {value}" for label, value in self.lines)


def ct_versions(design: CRFDesign) -> str:
    """Given a design, return its CT packages as 'sdtm 2025-03-25, cdash ...' (or 'none')."""
    return ", ".join(f"{ref.package} {ref.version}" for ref in design.ct) or "none"


def standards_versions(design: CRFDesign) -> str:
    """Given a design, return its standards as 'COSMoS 2025-12-31, ...' (or 'none')."""
    return ", ".join(f"{name} {version}" for name, version in sorted(design.standards.items())) or "none"


def study_identity(design: CRFDesign) -> StudyIdentity:
    """Given a design, return the identity block printed on every cover."""
    meta = design.metadata
    candidates = [
        ("Protocol number", meta.protocol_number),
        ("Title", meta.title),
        ("Phase", meta.phase),
        ("Sponsor", meta.sponsor),
        ("NCT number", meta.nct_number),
        ("Protocol version", " ".join(v for v in (meta.version, meta.amendment, meta.date) if v) or None),
        ("Protocol file", design.protocol_file),
        ("Protocol SHA-256", design.protocol_sha256),
        ("Controlled terminology", ct_versions(design)),
        ("Standards", standards_versions(design)),
        ("Mapping rule set", design.rule_set_version),
        ("Generator", f"{GENERATOR_NAME} {__version__}"),
    ]
    lines = tuple((label, value) for label, value in candidates if value)
    return StudyIdentity(title=meta.title or design.study_name, lines=lines)
