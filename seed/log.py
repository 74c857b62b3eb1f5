"""The seed's side of the append-only log: the same rows events.record writes, inserted in bulk.

events.record builds one ORM object and flushes it; for ten thousand historical events
the seed validates the kind the same way and inserts plain rows in one statement per batch.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from core.eventlog import EVENT_KINDS, Event

BATCH = 2000


class Log:
    def __init__(self) -> None:
        self.pending: list[dict[str, Any]] = []

    def add(self, kind: str, *, at: datetime, actor_id: int | None = None, center_id: int | None = None,
            organisation_id: int | None = None, engineer_id: int | None = None,
            challenge_id: int | None = None, collaboration_id: int | None = None,
            subject: tuple[str, int] | None = None, data: dict[str, Any] | None = None) -> None:
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        self.pending.append({
            "kind": kind, "at": at, "actor_id": actor_id, "center_id": center_id, "organisation_id": organisation_id,
            "engineer_id": engineer_id, "challenge_id": challenge_id, "collaboration_id": collaboration_id,
            "subject_kind": subject[0] if subject else None, "subject_id": subject[1] if subject else None,
            "data": data or {},
        })

    def flush(self, session: Session) -> int:
        """Insert the events in time order (so ids follow history); return how many."""
        rows = sorted(self.pending, key=lambda e: e["at"])
        for start in range(0, len(rows), BATCH):
            session.execute(insert(Event), rows[start:start + BATCH])
        session.flush()
        self.pending = []
        return len(rows)
