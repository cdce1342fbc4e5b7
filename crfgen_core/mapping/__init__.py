"""SoA activities to CDASH forms: the CRF design step."""

from crfgen_core.mapping.design_builder import RULE_SET_VERSION, design_crf

__all__ = ["RULE_SET_VERSION", "design_crf"]
