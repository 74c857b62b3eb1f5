"""Talent tables: the shared engineer (共享工程师), the center (工程师协同创新中心) and its pool (工程师库)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import now
from core.columns import list_column, text_column
from core.labels import LabelledEnum


class Engagement(LabelledEnum):
    full_time = "全职"
    dual = "双聘"
    project = "项目聘用"
    flexible = "柔性引进"
    part_time = "兼职"
    advisor = "顾问"


class TalentLevel(LabelledEnum):
    national = "国家级"
    provincial = "省级"
    municipal = "市级"
    none = "none", "无"


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


class CenterStatus(LabelledEnum):
    applying = "申报中"
    cultivating = "培育期"
    recognised = "已认定"
    rectifying = "整改期"
    revoked = "已撤销"


class Center(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True, index=True)
    name: str = Field(max_length=120, unique=True, index=True)
    host_org_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)  # 依托单位
    cluster: str | None = Field(default=None, max_length=60)  # 主攻产业集群
    platform: str | None = Field(default=None, max_length=120)  # 共性技术平台
    city: str | None = Field(default=None, max_length=20, index=True)
    status: str = Field(default=CenterStatus.applying, max_length=6)
    recognised_on: date | None = None
    cultivation_ends_on: date | None = None
    description: str | None = text_column()
    address: str | None = Field(default=None, max_length=200)
    site_area_m2: int | None = None  # 场地面积
    lab_area_m2: int | None = None
    operations_staff: int | None = None  # 专职运营团队人数
    contact: str | None = Field(default=None, max_length=60)
    created_at: datetime = Field(default_factory=now)


class PoolStatus(LabelledEnum):
    invited = "invited", "已邀请"
    pending = "pending", "待审核"
    active = "active", "在库"
    removed = "removed", "已移出"


class PoolMembership(SQLModel, table=True):
    """An engineer in a center's pool (共享工程师库)."""

    __table_args__ = (UniqueConstraint("center_id", "engineer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    engineer_id: int = Field(foreign_key="engineer.id", index=True)
    engagement: str = Field(default="兼职", max_length=10)  # 全职/双聘/项目聘用/柔性引进/兼职/顾问
    status: str = Field(default="active", max_length=10)  # invited | pending | active | removed
    long_term: bool = False  # 长期稳定合作 (2.2)
    recruited_for_cluster: bool = False  # 为集群招引 (2.1)
    joined_on: date | None = None
    left_on: date | None = None
