"""Organisations (企业, 依托单位, 高校/院所, 园区…) and users with their roles."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.clock import now
from core.labels import LabelledEnum


class Role(LabelledEnum):
    sme = "sme", "企业"
    engineer = "engineer", "共享工程师"
    center = "center", "中心运营"
    city = "city", "市州工信局"
    province = "province", "省工信厅"
    expert = "expert", "评审专家"
    admin = "admin", "平台管理员"


class OrgKind(LabelledEnum):
    enterprise = "enterprise", "企业"
    host = "host", "依托单位"
    university = "university", "高校"
    institute = "institute", "科研院所"
    park = "park", "产业园区"
    association = "association", "行业组织"
    government = "government", "政府部门"


class OrganisationBase(SQLModel):
    name: str = Field(max_length=120, index=True, unique=True)
    kind: str = Field(default=OrgKind.enterprise, max_length=20)
    credit_code: str | None = Field(default=None, max_length=18, unique=True)
    region: str | None = Field(default=None, max_length=20)  # 市州, e.g. 长沙市
    county: str | None = Field(default=None, max_length=30)
    industry: str | None = Field(default=None, max_length=60)
    size: str | None = Field(default=None, max_length=10)  # 大型/中型/小型/微型


class Organisation(OrganisationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=now)


class UserBase(SQLModel):
    username: str = Field(max_length=64, index=True, unique=True)
    display_name: str = Field(default="", max_length=60)
    role: str = Field(max_length=12, index=True)
    email: str | None = Field(default=None, max_length=120)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    center_id: int | None = Field(default=None, foreign_key="center.id", index=True)
    engineer_id: int | None = Field(default=None, foreign_key="engineer.id", index=True, unique=True)
    region: str | None = Field(default=None, max_length=20)  # a city bureau's 市州


class User(UserBase, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    token_version: int = 0  # bumped on password change, reset and deactivation: every API token dies
    digest_daily: bool = False  # notifications as one daily e-mail
    created_at: datetime = Field(default_factory=now)
    last_login_at: datetime | None = None

    @property
    def role_label(self) -> str:
        return Role.label_of(self.role)


class UserPublic(SQLModel):
    id: int
    username: str
    display_name: str
    role: str
    organisation_id: int | None
    center_id: int | None
    engineer_id: int | None
    region: str | None


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins by account name and client address: the progressive delay is computed from them."""

    id: int | None = Field(default=None, primary_key=True)
    ip: str = Field(max_length=45, index=True)
    username: str = Field(default="", max_length=64, index=True)
    at: datetime = Field(default_factory=now, index=True)


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie carries a random token; only its sha256 is stored, as the id."""

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=now)
    last_seen_at: datetime = Field(default_factory=now)
    expires_at: datetime
    revoked_at: datetime | None = None
    user_agent: str = Field(default="", max_length=200)
