"""The crfgen_core gates as blocking Dagster asset checks: one spec per gate, one result per verdict.

Every gated asset is partitioned by protocol version, and so are its checks: each verdict is recorded
against the protocol it judged, so the Checks tab of one protocol shows that protocol's state.
"""

import warnings
from collections.abc import Iterator

import dagster as dg

from crfgen_core.quality.gates import GateResult, GateStage, gate_specs
from crfgen_dagster.defs.partitions import protocol_versions

FIRST_ROWS_IN_MESSAGE = 3


def gate_check_specs(stage: GateStage) -> list[dg.AssetCheckSpec]:
    """Given a stage (the asset a gate judges), return its gates as blocking, partitioned check specs."""
    with warnings.catch_warnings():
        # Partitioned asset checks are a Dagster "preview" API; we rely on them on purpose (per-protocol
        # check status), and the warning would otherwise print in every process that loads the code.
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return [
            dg.AssetCheckSpec(
                spec.name,
                asset=stage,
                blocking=True,
                description=spec.description,
                partitions_def=protocol_versions,
            )
            for spec in gate_specs(stage)
        ]


def _table(rows: list[dict[str, str]]) -> str:
    if not rows:
        return "none"
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row.get(c, "").replace("|", "\\|") for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def _row_text(row: dict[str, str]) -> str:
    return ", ".join(f"{k}={' '.join(v.split())}" for k, v in row.items() if v)


def failure_line(result: GateResult, first_rows: int = FIRST_ROWS_IN_MESSAGE) -> str:
    """Given a failed verdict, return one line naming the check, the asset and its first failing rows."""
    observed = f" (observed {result.observed})" if result.observed else ""
    rows = "; ".join(_row_text(row) for row in result.failures[:first_rows]) or result.description
    more = len(result.failures) - first_rows
    tail = f"; +{more} more row(s) in the check's failures table" if more > 0 else ""
    return f"blocking check {result.name} failed on {result.stage}{observed}: {rows}{tail}"


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
    return dg.AssetCheckResult(
        check_name=result.name,
        passed=result.passed,
        metadata=metadata,
        description=None if result.passed else failure_line(result),
    )


def gate_check_results(results: list[GateResult]) -> Iterator[dg.AssetCheckResult]:
    """Yield one check result per verdict; if any failed, end the step with a readable one-line Failure.

    Dagster's own blocking-check error names only the check, under a framework stack trace; the
    Failure says which rows failed, so the run's failure reads as what a user must fix.
    """
    for result in results:
        yield gate_check_result(result)
    failed = [r for r in results if not r.passed]
    if failed:
        raise dg.Failure(
            description=" | ".join(failure_line(r) for r in failed),
            metadata={"failed_checks": ", ".join(r.name for r in failed)},
            allow_retries=False,
        )
