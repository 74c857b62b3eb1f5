"""Center tables: the center, its pool, resources, activities and its reviews."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import now
from core.columns import money_column, text_column


class Resource(SQLModel, table=True):
    """Shared equipment, software or space (4.5)."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    name: str = Field(max_length=120)
    kind: str = Field(default="设备", max_length=6)  # 设备 | 软件 | 场地
    description: str | None = text_column()
    open_to_public: bool = True
    hours_per_year: int = 2000  # available hours, the utilisation denominator
    value: Decimal | None = money_column()


class Booking(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    resource_id: int = Field(foreign_key="resource.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    purpose: str | None = Field(default=None, max_length=200)
    status: str = Field(default="confirmed", max_length=10)  # requested | confirmed | cancelled | done
    used_hours: Decimal | None = Field(default=None, sa_column=Column(Numeric(6, 2)))


class Training(SQLModel, table=True):
    """Trainings (3.1 培训), exchanges and competitions (交流/赛事)."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    title: str = Field(max_length=200)
    kind: str = Field(default="培训", max_length=6)  # 培训 | 交流 | 赛事
    level: str | None = Field(default=None, max_length=6)  # 国家级 | 省级 | 市级
    hosted: bool = True  # 承办
    starts_on: date = Field(index=True)
    hours: Decimal = Field(default=Decimal("0"), sa_column=Column(Numeric(6, 1), nullable=False))
    location: str | None = Field(default=None, max_length=120)
    online: bool = False
    description: str | None = text_column()


class Attendance(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    training_id: int = Field(foreign_key="training.id", index=True)
    engineer_id: int | None = Field(default=None, foreign_key="engineer.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    name: str | None = Field(default=None, max_length=60)
    hours: Decimal | None = Field(default=None, sa_column=Column(Numeric(6, 1)))


class Project(SQLModel, table=True):
    """Projects undertaken (4.2): 国家级/省级/市级 重大创新及成果产业化项目."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    title: str = Field(max_length=200)
    level: str = Field(max_length=6)  # 国家级 | 省级 | 市级 | 企业委托
    role: str = Field(default="牵头", max_length=6)  # 牵头 | 参与
    amount: Decimal | None = money_column()
    started_on: date = Field(index=True)
    ended_on: date | None = None
    status: str = Field(default="在研", max_length=6)


class Standard(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    title: str = Field(max_length=200)
    code: str | None = Field(default=None, max_length=60)  # e.g. GB/T 12345-2026
    level: str = Field(max_length=6)  # 国家标准 | 行业标准 | 地方标准 | 团体标准
    role: str = Field(default="牵头", max_length=6)
    published_on: date = Field(index=True)


class Honour(SQLModel, table=True):
    """Honours, awards, leaders' endorsements, media coverage (bonus 2)."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    title: str = Field(max_length=200)
    level: str = Field(max_length=6)  # 国家级 | 省级 | 市级
    kind: str = Field(default="荣誉", max_length=6)  # 荣誉 | 奖励 | 批示 | 媒体
    awarded_on: date = Field(index=True)


class Partnership(SQLModel, table=True):
    """产教融合: cooperation with universities, institutes, firms (3.4)."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=8)  # 项目合作 | 联合培养 | 平台共建
    since: date
    until: date | None = None
    note: str | None = text_column()


class ProfessionalService(SQLModel, table=True):
    """检验检测 and 产业咨询 delivered outside the challenge flow (4.1)."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    kind: str = Field(max_length=6)  # 检验检测 | 产业咨询
    title: str = Field(max_length=200)
    amount: Decimal | None = money_column()
    delivered_on: date = Field(index=True)


class Mechanism(SQLModel, table=True):
    """Rules on record: 管理制度 (1.2), 薪资机制 (3.2), 价值实现 (3.3), 引才 (2.2)…"""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    kind: str = Field(max_length=20)  # management | salary | value_sharing | recruitment | replication
    title: str = Field(max_length=200)
    summary: str | None = text_column()
    adopted_on: date


class LocalSupport(SQLModel, table=True):
    """Support from the city/county government (bonus 1)."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    year: int = Field(index=True)
    level: str = Field(max_length=6)  # 市州 | 县市区 | 园区
    description: str = Field(max_length=300)
    amount: Decimal | None = money_column()


class Incident(SQLModel, table=True):
    """Events that trigger the 一票否决 veto when severe."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    happened_on: date = Field(index=True)
    kind: str = Field(max_length=12)  # 安全事故 | 质量事故 | 环境 | 知识产权 | 税务 | 科研失信 | 保密安全
    description: str = Field(max_length=500)
    severe: bool = False


class Funding(SQLModel, table=True):
    """财政资金和自筹经费 used in a year, for the annual report (第十三条)."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    year: int = Field(index=True)
    source: str = Field(max_length=8)  # 省级财政 | 市州配套 | 自筹
    purpose: str = Field(max_length=120)
    amount: Decimal = Field(sa_column=Column(Numeric(14, 2), nullable=False))


# ---------------------------------------------------------------- recognition and review

class Application(SQLModel, table=True):
    """申报 or assessment of a center, moving through 第八条 and 第十二条."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    year: int
    kind: str = Field(default="recognition", max_length=14)  # recognition | cultivation | annual
    status: str = Field(default="draft", max_length=16)
    # draft → submitted → city_recommended → expert_review → public_notice → recognised | rejected
    plan: str | None = text_column()  # 建设方案
    city_opinion: str | None = text_column()
    decision: str | None = text_column()
    notice_starts_on: date | None = None
    notice_ends_on: date | None = None
    submitted_at: datetime | None = None
    decided_at: datetime | None = None


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True)
    stage: str = Field(max_length=10)  # city | province | expert | notice
    reviewer_id: int | None = Field(default=None, foreign_key="app_user.id")
    decision: str = Field(max_length=12)  # recommend | reject | pass | objection
    comment: str | None = text_column()
    at: datetime = Field(default_factory=now)


class ExpertScore(SQLModel, table=True):
    """One expert's score for one line of the indicator table, for a center and year."""

    __table_args__ = (UniqueConstraint("center_id", "year", "line_id", "expert_id"),)
    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    year: int = Field(index=True)
    line_id: str = Field(max_length=8)  # "1.1" … "4.5", "bonus"
    expert_id: int = Field(foreign_key="app_user.id", index=True)
    application_id: int | None = Field(default=None, foreign_key="application.id")
    score: Decimal = Field(sa_column=Column(Numeric(5, 2), nullable=False))
    comment: str | None = text_column()
    at: datetime = Field(default_factory=now)


class AnnualReport(SQLModel, table=True):
    """第十三条 annual report: figures from data, narrative sections editable."""

    __table_args__ = (UniqueConstraint("center_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", index=True)
    year: int
    sections: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=now)
    submitted_at: datetime | None = None


class ReportSubmission(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="annualreport.id", index=True)
    submitted_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    submitted_at: datetime = Field(default_factory=now)
    snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class WorkdaySchedule(SQLModel, table=True):
    """Administrator-entered holidays and make-up workdays for years a library lacks."""

    day: date = Field(primary_key=True)
    is_workday: bool
    note: str | None = Field(default=None, max_length=60)


class AuditLog(SQLModel, table=True):
    """Admin and government actions, for accountability."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=now, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    action: str = Field(max_length=60)
    target: str | None = Field(default=None, max_length=120)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
