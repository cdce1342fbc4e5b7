"""Typed ingestion errors: each says what is wrong and what the user can do; none loses the input."""

from __future__ import annotations

from pathlib import Path


class ProtocolReadError(Exception):
    """The protocol file could not be read. `reason` is one line a user can act on."""

    code = "PROTOCOL_READ_ERROR"

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(self.path).name}: {reason}")


class UnsupportedFormatError(ProtocolReadError):
    code = "UNSUPPORTED_FORMAT"


class EmptyFileError(ProtocolReadError):
    code = "EMPTY_FILE"


class EncryptedProtocolError(ProtocolReadError):
    code = "ENCRYPTED"


class CorruptProtocolError(ProtocolReadError):
    code = "CORRUPT"


class InputLimitExceededError(ProtocolReadError):
    code = "LIMIT_EXCEEDED"


class NoScheduleFoundError(ProtocolReadError):
    """Raised only where a caller demands a schedule; extraction itself reports a warning instead."""

    code = "NO_SOA_FOUND"
