"""Typed rendering errors: a design that no renderer can turn into a loadable package."""

from __future__ import annotations


class RenderError(Exception):
    """A design cannot be rendered. `detail` names the object a designer must fix."""

    code = "RENDER_ERROR"

    def __init__(self, study_oid: str, detail: str) -> None:
        self.study_oid = study_oid
        self.detail = detail
        super().__init__(f"{study_oid}: {detail}")


class DuplicateOIDError(RenderError):
    """Two different definitions share one OID: an EDC import would silently merge them."""

    code = "DUPLICATE_OID"


class MissingCodelistError(RenderError):
    """An item references a codelist the design does not contain."""

    code = "MISSING_CODELIST"


class MissingUnitError(RenderError):
    """An item references a measurement unit the design does not define."""

    code = "MISSING_UNIT"


class MissingConditionError(RenderError):
    """An item references a condition the design does not define, or a condition asks about an item
    the design does not have: the EDC could not evaluate it."""

    code = "MISSING_CONDITION"
