"""Blocking gates on the parsed protocol (a CRF needs a Schedule of Activities): crfgen_core.quality.gates."""

import dagster as dg

from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.quality.gates import protocol_gates
from crfgen_dagster.gate_checks import gate_check_result, gate_check_specs

protocol_check_specs = gate_check_specs("parsed_protocol")


def protocol_check_results(parsed: ParsedProtocol) -> list[dg.AssetCheckResult]:
    """Given a parsed protocol, return one check result per gate on it."""
    return [gate_check_result(result) for result in protocol_gates(parsed)]
