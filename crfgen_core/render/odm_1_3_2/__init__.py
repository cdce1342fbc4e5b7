"""CDISC ODM 1.3.2 writer."""

from crfgen_core.render.odm_1_3_2.odm_writer import write_odm

__all__ = ["write_odm"]
