"""Blocking Great Expectations gates on the CRF design tables: crfgen_core.quality.gates."""

from collections.abc import Iterator

import dagster as dg

from crfgen_core.model.design import CRFDesign
from crfgen_core.quality.gates import design_gates
from crfgen_core.quality.gx_worker import GXWorker
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_dagster.gate_checks import gate_check_results, gate_check_specs

design_check_specs = gate_check_specs("crf_design")


def design_check_results(
    design: CRFDesign, ct: CTIndex, coverage_threshold: float, worker: GXWorker | None = None
) -> Iterator[dg.AssetCheckResult]:
    """Given a design and its CT, run the GX suites (in `worker` when given); yield one result per suite
    (a failure ends the step)."""
    return gate_check_results(design_gates(design, ct, coverage_threshold, worker))
