"""The extraction deadline of the read in progress, for loops deep inside a format reader.

Readers are opened through a fixed interface that takes only a path (formats.py), so the deadline of
`read_protocol` reaches them as a context variable rather than one more argument on every reader. This
module imports nothing from ingest, so any reader can use it without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol


class Deadline(Protocol):
    def check(self, step: str) -> None:
        """Raise InputLimitExceededError once the time budget is spent."""
        ...


_RUNNING: ContextVar[Deadline | None] = ContextVar("crfgen_extraction_deadline", default=None)


@contextmanager
def deadline_running(deadline: Deadline) -> Iterator[None]:
    """Make `deadline` the one `check_running_deadline` checks until the block ends."""
    token = _RUNNING.set(deadline)
    try:
        yield
    finally:
        _RUNNING.reset(token)


def check_running_deadline(step: str) -> None:
    """Raise InputLimitExceededError if the deadline of the read in progress (if any) is spent."""
    deadline = _RUNNING.get()
    if deadline is not None:
        deadline.check(step)
