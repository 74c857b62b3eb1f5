"""Awarded work: collaborations, members, milestones, work logs, deliverables, ratings and money."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import now
from core.columns import money_column, text_column
from core.labels import LabelledEnum


class CollabStatus(LabelledEnum):
    in_progress = "in_progress", "攻关中"
    delivered = "delivered", "已交付"
    accepted = "accepted", "已验收"
    disputed = "disputed", "调解中"
    stopped = "stopped", "已停工"
    closed = "closed", "已结项"


class MilestoneStatus(LabelledEnum):
    pending = "pending", "待提交"
    submitted = "submitted", "待验收"
    accepted = "accepted", "已验收"
    rejected = "rejected", "已退回"
    disputed = "disputed", "调解中"


class ContractKind(LabelledEnum):
    development = "技术开发"
    transfer = "技术转让"
    consulting = "技术咨询"
    service = "技术服务"


class ServiceType(LabelledEnum):
    rnd = "研发设计"
    retrofit = "技术改造"
    transfer = "技术转移与交易"
    testing = "检验检测"
    consulting = "产业咨询"


class Collaboration(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    bid_id: int | None = Field(default=None, foreign_key="bid.id", unique=True)
    lead_engineer_id: int = Field(foreign_key="engineer.id", index=True)
    center_id: int | None = Field(default=None, foreign_key="center.id", index=True)  # lead's center at award
    status: str = Field(default=CollabStatus.in_progress, max_length=12, index=True)
    contract_kind: str = Field(default=ContractKind.development, max_length=10)
    service_type: str = Field(default=ServiceType.rnd, max_length=10)
    amount: Decimal | None = money_column()
    note: str | None = text_column()
    started_at: datetime = Field(default_factory=now, index=True)
    delivered_at: datetime | None = None
    accepted_at: datetime | None = None
    closed_at: datetime | None = None


class CollaborationMember(SQLModel, table=True):
    collaboration_id: int = Field(foreign_key="collaboration.id", primary_key=True)
    engineer_id: int = Field(foreign_key="engineer.id", primary_key=True)
    role: str = Field(default="member", max_length=20)  # lead | member
    share_pct: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2)))
    active: bool = True


class Milestone(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    seq: int = 1
    title: str = Field(max_length=200)
    amount: Decimal | None = money_column()
    due_date: date | None = None
    status: str = Field(default="pending", max_length=10)  # pending|submitted|accepted|rejected|disputed
    submitted_at: datetime | None = None
    auto_accept_at: datetime | None = None
    accepted_at: datetime | None = None
    reject_reason: str | None = text_column()


class WorkLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    engineer_id: int = Field(foreign_key="engineer.id", index=True)
    day: date
    hours: Decimal = Field(sa_column=Column(Numeric(5, 2), nullable=False))
    note: str | None = text_column()
    created_at: datetime = Field(default_factory=now)


class Deliverable(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id", index=True)
    file_id: int | None = Field(default=None, foreign_key="storedfile.id")
    note: str | None = text_column()
    submitted_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=now)


class Rating(SQLModel, table=True):
    """市场评价: both ways, on quality, timeliness and communication (1-5)."""

    __table_args__ = (UniqueConstraint("collaboration_id", "challenge_id", "rater_id", "engineer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int | None = Field(default=None, foreign_key="collaboration.id", index=True)
    challenge_id: int | None = Field(default=None, foreign_key="challenge.id", index=True)
    rater_id: int = Field(foreign_key="app_user.id", index=True)
    direction: str = Field(default="firm_to_engineer", max_length=20)  # or engineer_to_firm
    engineer_id: int | None = Field(default=None, foreign_key="engineer.id", index=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    overall: int = Field(ge=1, le=5)
    quality: int | None = Field(default=None, ge=1, le=5)
    timeliness: int | None = Field(default=None, ge=1, le=5)
    communication: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = text_column()
    created_at: datetime = Field(default_factory=now, index=True)


class Payment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    milestone_id: int | None = Field(default=None, foreign_key="milestone.id")
    amount: Decimal = money_column(nullable=False)
    paid_on: date
    reference: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=now)


class ShareAgreement(SQLModel, table=True):
    """项目奖励 / 知识产权入股分成: how credit and revenue split between parties."""

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    kind: str = Field(default="项目奖励", max_length=12)  # 项目奖励 | 知识产权入股分成 | 署名
    party_kind: str = Field(max_length=10)  # engineer | employer | center | firm
    engineer_id: int | None = Field(default=None, foreign_key="engineer.id")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    center_id: int | None = Field(default=None, foreign_key="center.id")
    percent: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 2)))
    amount: Decimal | None = money_column()
    note: str | None = text_column()
    created_at: datetime = Field(default_factory=now)
