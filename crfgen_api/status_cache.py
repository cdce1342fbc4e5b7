"""Status answers reused for a moment: many clients polling one version cost one lookup per second.

A version's status takes several instance queries (runs, check evaluations, materializations) and file
lookups; clients poll it. Within `ttl_seconds` the same key gets the same answer (at most that old);
concurrent misses for one key compute it once. Errors (404, 503) are not kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")
MAX_KEYS = 10_000


class StatusCache(Generic[Value]):
    def __init__(self, ttl_seconds: float = 1.0) -> None:
        self.ttl = ttl_seconds
        self._values: dict[str, tuple[float, Value]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str, compute: Callable[[], Value]) -> Value:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            now = time.monotonic()
            kept = self._values.get(key)
            if kept is not None and kept[0] > now:
                return kept[1]
            value = compute()
            with self._guard:
                if len(self._values) >= MAX_KEYS:
                    self._values.clear()
                    self._locks = {key: lock}
                self._values[key] = (time.monotonic() + self.ttl, value)
            return value
