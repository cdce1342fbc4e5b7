"""Shared base class: strict, immutable-by-convention models that serialize to readable JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Contract(BaseModel):
    """Base for every stage contract: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json(self) -> str:
        """Given a model, return stable, indented JSON (the byte-identical form used for hashing)."""
        return self.model_dump_json(indent=2) + "\n"
