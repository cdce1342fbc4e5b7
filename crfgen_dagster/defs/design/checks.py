"""Blocking Great Expectations gates on the CRF design tables: crfgen_core.quality.gates."""

import dagster as dg

from crfgen_core.model.design import CRFDesign
from crfgen_core.quality.gates import design_gates
from crfgen_core.terminology.ct_index import CTIndex
from crfgen_dagster.gate_checks import gate_check_result, gate_check_specs

design_check_specs = gate_check_specs("crf_design")


def design_check_results(
    design: CRFDesign, ct: CTIndex, coverage_threshold: float
) -> list[dg.AssetCheckResult]:
    """Given a design and its CT, run the GX suites; one check result per suite, failures row by row."""
    return [gate_check_result(result) for result in design_gates(design, ct, coverage_threshold)]
