"""在线问诊 tables: the threaded answers (a consultation is a Challenge of kind consultation)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.clock import now
from core.columns import text_column


class Answer(SQLModel, table=True):
    """An answer in an 在线问诊 thread; parent_id makes it threaded."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    author_id: int = Field(foreign_key="app_user.id", index=True)
    engineer_id: int | None = Field(default=None, foreign_key="engineer.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="answer.id")
    body: str = text_column(nullable=False)
    is_best: bool = False
    created_at: datetime = Field(default_factory=now, index=True)
