"""Blocking gates on the parsed protocol (a CRF needs a Schedule of Activities): crfgen_core.quality.gates."""

from collections.abc import Iterator

import dagster as dg

from crfgen_core.model.protocol import ParsedProtocol
from crfgen_core.quality.gates import protocol_gates
from crfgen_dagster.gate_checks import gate_check_results, gate_check_specs

protocol_check_specs = gate_check_specs("parsed_protocol")


def protocol_check_results(parsed: ParsedProtocol) -> Iterator[dg.AssetCheckResult]:
    """Given a parsed protocol, yield one check result per gate on it (a failure ends the step)."""
    return gate_check_results(protocol_gates(parsed))
