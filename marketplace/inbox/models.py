"""The append-only collaboration log, and the inbox and outbox it feeds."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.clock import now
from core.columns import text_column


class Notification(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    kind: str = Field(max_length=40)
    title: str = Field(max_length=200)
    body: str | None = text_column()
    link: str | None = Field(default=None, max_length=200)
    event_id: int | None = Field(default=None, foreign_key="event.id")
    created_at: datetime = Field(default_factory=now, index=True)
    read_at: datetime | None = None
    emailed_at: datetime | None = None


class OutboxEmail(SQLModel, table=True):
    """E-mail kept here when no SMTP server is configured, or before sending."""

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=120)
    subject: str = Field(max_length=200)
    body: str = text_column(nullable=False)
    created_at: datetime = Field(default_factory=now)
    sent_at: datetime | None = None
    error: str | None = text_column()
