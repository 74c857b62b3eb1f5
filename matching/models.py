"""Matching state kept in the database so several workers agree on the index."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.clock import now


class IndexState(SQLModel, table=True):
    """Version stamp of a vector index; workers reload when theirs is older."""

    name: str = Field(primary_key=True, max_length=30)  # engineers | challenges
    version: int = 0
    item_count: int = 0
    backend: str = Field(default="", max_length=60)
    updated_at: datetime = Field(default_factory=now)


