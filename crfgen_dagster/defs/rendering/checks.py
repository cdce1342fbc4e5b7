"""Blocking structural check on odm_xml: the official ODM 1.3.2 XSD."""

from pathlib import Path

import dagster as dg

from crfgen_core.quality.odm_xsd import odm_xsd_errors

odm_xsd_valid = dg.AssetCheckSpec(
    "odm_xsd_valid",
    asset="odm_xml",
    blocking=True,
    description="odm.xml validates against the official CDISC ODM 1.3.2 XSD.",
)


def odm_xsd_result(odm_path: Path) -> dg.AssetCheckResult:
    errors = odm_xsd_errors(odm_path)
    return dg.AssetCheckResult(
        check_name="odm_xsd_valid",
        passed=not errors,
        metadata={
            "file": dg.MetadataValue.path(str(odm_path)),
            "errors": len(errors),
            "failures": dg.MetadataValue.md("\n".join(f"- {e}" for e in errors[:200]) or "none"),
        },
    )
