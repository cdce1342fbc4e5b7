"""Blocking check on the parsed protocol: a CRF needs a Schedule of Activities."""

import dagster as dg

from crfgen_core.model.protocol import ParsedProtocol

soa_found = dg.AssetCheckSpec(
    "soa_found",
    asset="parsed_protocol",
    blocking=True,
    description="At least one Schedule of Activities with visits, activities and marked cells.",
)


def soa_found_result(parsed: ParsedProtocol) -> dg.AssetCheckResult:
    """Given a parsed protocol, pass when a non-empty SoA was found; list each empty schedule otherwise."""
    problems = [
        f"{s.id} ({s.title}): {len(s.visits)} visits, {len(s.activities)} activities, {len(s.cells)} cells"
        for s in parsed.schedules
        if not (s.visits and s.activities and s.cells)
    ]
    passed = bool(parsed.schedules) and not problems
    reasons = problems or ["no Schedule of Activities table found"] if not passed else []
    return dg.AssetCheckResult(
        check_name="soa_found",
        passed=passed,
        metadata={
            "schedules": len(parsed.schedules),
            "activities": sum(len(s.activities) for s in parsed.schedules),
            "failures": dg.MetadataValue.md("\n".join(f"- {r}" for r in reasons) or "none"),
            "warnings": dg.MetadataValue.md(
                "\n".join(f"- {w.code}: {w.message}" for w in parsed.warnings) or "none"
            ),
        },
    )
