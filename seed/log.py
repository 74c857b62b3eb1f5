"""The seed's side of the append-only log: the same Event rows events.record writes, added in bulk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from marketplace.events import EVENT_KINDS
from marketplace.models import Event


class Log:
    """Collects historical events; flush() adds them in one batch (record() flushes one by one)."""

    def __init__(self) -> None:
        self.pending: list[Event] = []

    def add(self, kind: str, *, at: datetime, actor_id: int | None = None, center_id: int | None = None,
            organisation_id: int | None = None, engineer_id: int | None = None,
            challenge_id: int | None = None, collaboration_id: int | None = None,
            subject: tuple[str, int] | None = None, data: dict[str, Any] | None = None) -> Event:
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        event = Event(kind=kind, at=at, actor_id=actor_id, center_id=center_id, organisation_id=organisation_id,
                      engineer_id=engineer_id, challenge_id=challenge_id, collaboration_id=collaboration_id,
                      subject_kind=subject[0] if subject else None, subject_id=subject[1] if subject else None,
                      data=data or {})
        self.pending.append(event)
        return event

    def flush(self, session: Session) -> list[Event]:
        events = sorted(self.pending, key=lambda e: e.at)
        session.add_all(events)
        session.flush()
        self.pending = []
        return events
