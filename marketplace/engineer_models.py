"""Engineer tables: the shared engineer's profile and its vocabularies."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from core.clock import now
from marketplace.columns import list_column, text_column


class Engagement(StrEnum):
    full_time = "全职"
    dual = "双聘"
    project = "项目聘用"
    flexible = "柔性引进"
    part_time = "兼职"
    advisor = "顾问"


class TalentLevel(StrEnum):
    national = "国家级"
    provincial = "省级"
    municipal = "市级"
    none = "none"


class EngineerBase(SQLModel):
    external_id: str | None = Field(default=None, max_length=64, unique=True, index=True)
    name: str = Field(max_length=60)
    title: str | None = Field(default=None, max_length=30)  # 职称
    talent_level: str = Field(default=TalentLevel.none, max_length=10)
    engagement: str | None = Field(default=None, max_length=10)  # primary mode
    region: str | None = Field(default=None, max_length=20, index=True)
    capacity: int = Field(default=2, ge=0)
    years_experience: int | None = None
    education: str | None = Field(default=None, max_length=20)
    employer_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)


class Engineer(EngineerBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    skills: list[str] = list_column()
    fields: list[str] = list_column()
    bio: str | None = text_column()
    available: bool = True  # engineer's own switch, besides capacity
    created_at: datetime = Field(default_factory=now)
    updated_at: datetime = Field(default_factory=now)
