"""Blocking structural gates on odm_xml (the official ODM 1.3.2 XSD) and redcap_dictionary (REDCap's
import rules): crfgen_core.quality.gates."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from crfgen_core.quality.gates import odm_gates, redcap_gates
from crfgen_dagster.gate_checks import gate_check_results, gate_check_specs

odm_check_specs = gate_check_specs("odm_xml")


def odm_check_results(odm_path: Path) -> Iterator[dg.AssetCheckResult]:
    """Given the written odm.xml, yield one check result per gate on it (a failure ends the step)."""
    return gate_check_results(odm_gates(odm_path))


redcap_check_specs = gate_check_specs("redcap_dictionary")


def redcap_check_results(directory: Path) -> Iterator[dg.AssetCheckResult]:
    """Given the folder of the REDCap dictionary and project files, yield one result per gate on it."""
    return gate_check_results(redcap_gates(directory))
