"""How many requests may use the database at once, per process, and in what order.

One setting (`XIECHUANG_DB_CONNECTIONS`, N) sizes everything together:
- the SQLAlchemy pool holds N connections (core/db.py);
- N request slots: a request takes one before its session opens and keeps it until the session
  closed, so at most N requests hold a connection and none waits for a connection;
- anyio's worker threads: N + THREAD_HEADROOM, so a request holding a slot (hence a connection)
  finds a thread at once: the other threads serve work without the database (static files);
- expensive routes marked `@queued` (search, matches) share N // 2 of the slots: a burst of them
  waits in an async queue (no thread, no connection) and leaves slots for everything else;
- on SQLite one writer at a time per process: writers queue on an async lock instead of parking
  threads in the busy timeout (kept for other processes: the CLI, another worker).
Limiters live in anyio run variables: one set per event loop (tests run several loops).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar

from core.settings import get_settings

THREAD_HEADROOM = 8
QUEUED_ATTRIBUTE = "xiechuang_queued"
F = TypeVar("F", bound=Callable)


class Limiters:
    def __init__(self, connections: int) -> None:
        self.slots = CapacityLimiter(connections)
        self.queued = CapacityLimiter(max(1, connections // 2))
        self.writer = CapacityLimiter(1)
        self.health = CapacityLimiter(2)  # /healthz: its own threads, never behind the requests
        to_thread.current_default_thread_limiter().total_tokens = connections + THREAD_HEADROOM


_limiters: RunVar[Limiters] = RunVar("xiechuang_limiters")


def limiters() -> Limiters:
    """This event loop's limiters (created, and the thread limiter sized, on first use)."""
    try:
        return _limiters.get()
    except LookupError:
        made = Limiters(get_settings().db_connections)
        _limiters.set(made)
        return made


def queued(endpoint: F) -> F:
    """Mark an expensive route: its requests queue for a share of the slots."""
    setattr(endpoint, QUEUED_ATTRIBUTE, True)
    return endpoint


def is_queued(endpoint: object) -> bool:
    return bool(getattr(endpoint, QUEUED_ATTRIBUTE, False))
