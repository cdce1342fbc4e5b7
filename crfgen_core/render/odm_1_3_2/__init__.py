"""CDISC ODM 1.3.2 writer."""

from crfgen_core.render.odm_1_3_2.odm_writer import build_odm, odm_bytes, write_odm

__all__ = ["build_odm", "odm_bytes", "write_odm"]
