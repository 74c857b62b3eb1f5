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


class IndexDirty(SQLModel, table=True):
    """Objects changed since the index was last written (updated in place)."""

    id: int | None = Field(default=None, primary_key=True)
    index_name: str = Field(max_length=30, index=True)
    object_id: int = Field(index=True)
    at: datetime = Field(default_factory=now)
