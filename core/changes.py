"""The change feed of searchable records: owners mark an engineer or a challenge changed, indexes read the feed.

Kept below every domain so talent and marketplace can mark changes without knowing the matcher.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, Session, SQLModel

from core.clock import now
from core.errors import Invalid

INDEX_NAMES = {"engineer": "engineers", "engineers": "engineers", "challenge": "challenges", "challenges": "challenges"}


def index_name(kind: str) -> str:
    """The index a kind of record belongs to ("engineer" or "engineers" → "engineers")."""
    try:
        return INDEX_NAMES[kind]
    except KeyError:
        raise Invalid(f"未知的索引类型“{kind}”", field="kind") from None


def mark_changed(session: Session, kind: str, object_id: int) -> None:
    """Record that an engineer or challenge changed; every worker applies it before its next search."""
    session.add(IndexDirty(index_name=index_name(kind), object_id=int(object_id)))
    session.flush()


class IndexDirty(SQLModel, table=True):
    """Objects changed since the index was last written (updated in place)."""

    id: int | None = Field(default=None, primary_key=True)
    index_name: str = Field(max_length=30, index=True)
    object_id: int = Field(index=True)
    at: datetime = Field(default_factory=now)
