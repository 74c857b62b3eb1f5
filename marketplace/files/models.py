"""Uploaded files, kept outside the web root."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.clock import now


class StoredFile(SQLModel, table=True):
    """An uploaded file kept outside the web root; served only to the parties."""

    id: int | None = Field(default=None, primary_key=True)
    storage_key: str = Field(max_length=200, unique=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    uploaded_by_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=now)
