"""Results computed a moment ago, kept for a few seconds: one small cache for pages, match lists
and indicator tables, each with its own setting for how long a result may be reused."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache


class Recent:
    """A bounded, thread-safe map whose entries expire `seconds()` after they are stored.

    `seconds` is read on every use (a setting can change under a running process, and tests turn
    caches on and off); 0 or less keeps nothing.
    """

    def __init__(self, seconds: Callable[[], float], *, maxsize: int = 1024) -> None:
        self.seconds = seconds
        self._entries: LRUCache = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.seconds() > 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
        if found is None or found[0] <= time.monotonic():
            return None
        return found[1]

    def put(self, key: Hashable, value: Any) -> None:
        seconds = self.seconds()
        if seconds > 0:
            with self._lock:
                self._entries[key] = (time.monotonic() + seconds, value)

    def remember(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value stored under key, or compute() stored now (computed outside the lock: two
        threads may both compute a missing value, and the later one is kept)."""
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
