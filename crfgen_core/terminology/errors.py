"""Typed terminology errors: each carries a machine-readable `code` and one line a user can act on."""

from __future__ import annotations


class CTError(Exception):
    """Base of every controlled-terminology error. `source` names the file or URL concerned."""

    code = "CT_ERROR"

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}" if source else reason)


class CTFormatError(CTError, ValueError):
    """The bytes are not an NCI EVS CT publication we can read (tab-delimited or CT-ODM XML)."""

    code = "CT_FORMAT"


class CTVersionUnknownError(CTError):
    """The package or version of a CT file could not be learned; the caller must name it."""

    code = "CT_VERSION_UNKNOWN"


class CTStoreConflictError(CTError):
    """A package version is already stored with different bytes: stored versions are immutable."""

    code = "CT_STORE_CONFLICT"


class CTNotInStoreError(CTError):
    code = "CT_NOT_IN_STORE"


class CTFetchError(CTError):
    """A download failed. `kind` is one of: network, http-status, timeout, truncated, oversized."""

    code = "CT_FETCH"

    def __init__(self, source: str, reason: str, kind: str) -> None:
        self.kind = kind
        super().__init__(source, reason)
