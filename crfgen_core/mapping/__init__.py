"""SoA activities to CDASH forms: the CRF design step."""

from crfgen_core.mapping.design_builder import design_crf
from crfgen_core.mapping.rule_set import MAPPED_THRESHOLD, RULE_SET_VERSION

__all__ = ["MAPPED_THRESHOLD", "RULE_SET_VERSION", "design_crf"]
