"""The crfgen_core gates as blocking Dagster asset checks: one spec per gate, one result per verdict."""

import dagster as dg

from crfgen_core.quality.gates import GateResult, GateStage, gate_specs


def gate_check_specs(stage: GateStage) -> list[dg.AssetCheckSpec]:
    """Given a stage (the asset a gate judges), return its gates as blocking check specs."""
    return [
        dg.AssetCheckSpec(spec.name, asset=stage, blocking=True, description=spec.description)
        for spec in gate_specs(stage)
    ]


def _table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "none"
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row.get(c, "").replace("|", "\\|") for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def gate_check_result(result: GateResult) -> dg.AssetCheckResult:
    """Given a gate verdict, return the check result with its failing rows as a Markdown table."""
    metadata: dict[str, dg.RawMetadataValue] = {
        "rule": result.description,
        "rows_checked": result.rows_checked,
        "failed_rows": len(result.failures),
        "observed": result.observed or "-",
        "failures": dg.MetadataValue.md(_table(result.failures)),
    }
    for key, value in result.metadata.items():
        metadata[key] = dg.MetadataValue.md(value) if isinstance(value, str) and "\n" in value else value
    return dg.AssetCheckResult(check_name=result.name, passed=result.passed, metadata=metadata)
