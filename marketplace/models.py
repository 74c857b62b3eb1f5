"""Marketplace tables: challenges, bids, collaborations and their trail.

Engineers live in engineer_models and the log in log_models; both are re-exported
here, so `from marketplace.models import Engineer, Event` and Alembic's view of
the schema (through core.models) stay as they were. Column helpers: columns.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import now
from marketplace.columns import list_column, money_column, text_column
from marketplace.engineer_models import Engagement, Engineer, EngineerBase, TalentLevel  # noqa: F401  (re-exported)
from marketplace.log_models import Event, Notification, OutboxEmail  # noqa: F401  (re-exported)


# ---------------------------------------------------------------- vocabularies

class ChallengeKind(StrEnum):
    challenge = "challenge"  # 揭榜挂帅
    consultation = "consultation"  # 在线问诊


class ChallengeStatus(StrEnum):
    draft = "draft"
    open = "open"
    bidding_closed = "bidding_closed"
    awarded = "awarded"
    in_progress = "in_progress"
    delivered = "delivered"
    accepted = "accepted"
    closed = "closed"
    cancelled = "cancelled"
    expired = "expired"
    # consultations
    answered = "answered"
    resolved = "resolved"


STATUS_LABELS = {
    "draft": "草稿", "open": "揭榜中", "bidding_closed": "揭榜截止", "awarded": "已定榜",
    "in_progress": "攻关中", "delivered": "已交付", "accepted": "已验收", "closed": "已结项",
    "cancelled": "已撤榜", "expired": "已过期", "answered": "已解答", "resolved": "已解决",
}


class Scheme(StrEnum):
    single = "single"  # 单一挂帅: one lead and a team
    contest = "contest"  # 赛马: parallel proofs, best wins
    split = "split"  # 分包协作: parts with shares


class Visibility(StrEnum):
    public = "public"
    invite = "invite"  # details after NDA


class BidStatus(StrEnum):
    submitted = "submitted"
    shortlisted = "shortlisted"
    withdrawn = "withdrawn"
    awarded = "awarded"
    rejected = "rejected"


class CollabStatus(StrEnum):
    in_progress = "in_progress"
    delivered = "delivered"
    accepted = "accepted"
    disputed = "disputed"
    stopped = "stopped"
    closed = "closed"


class ContractKind(StrEnum):
    development = "技术开发"
    transfer = "技术转让"
    consulting = "技术咨询"
    service = "技术服务"


class ServiceType(StrEnum):
    rnd = "研发设计"
    retrofit = "技术改造"
    transfer = "技术转移与交易"
    testing = "检验检测"
    consulting = "产业咨询"


# ---------------------------------------------------------------- files

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


# ---------------------------------------------------------------- challenges

class Challenge(SQLModel, table=True):
    """A 揭榜挂帅 challenge or an 在线问诊 consultation (kind)."""

    id: int | None = Field(default=None, primary_key=True)
    external_id: str | None = Field(default=None, max_length=64, unique=True, index=True)
    kind: str = Field(default=ChallengeKind.challenge, max_length=12, index=True)
    title: str = Field(max_length=200)
    description: str = text_column(nullable=False)
    company_id: int = Field(foreign_key="organisation.id", index=True)
    posted_by_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    center_id: int | None = Field(default=None, foreign_key="center.id", index=True)
    fields: list[str] = list_column()
    skills: list[str] = list_column()
    region: str | None = Field(default=None, max_length=20, index=True)
    budget: Decimal | None = money_column()
    deadline: date | None = None  # bidding deadline (揭榜截止)
    delivery_deadline: date | None = None  # 攻关期限
    kpis: str | None = text_column()  # 核心指标
    ip_terms: str | None = text_column()  # 产权归属
    solver_conditions: str | None = text_column()  # 揭榜方条件
    scheme: str = Field(default=Scheme.single, max_length=10)
    visibility: str = Field(default=Visibility.public, max_length=10)
    status: str = Field(default=ChallengeStatus.draft, max_length=16, index=True)
    status_reason: str | None = text_column()
    # unique: one challenge per consultation, however many requests 转为揭榜 at once
    escalated_from_id: int | None = Field(default=None, foreign_key="challenge.id", unique=True, index=True)
    created_at: datetime = Field(default_factory=now, index=True)
    updated_at: datetime = Field(default_factory=now)
    published_at: datetime | None = None
    awarded_at: datetime | None = None
    closed_at: datetime | None = None


class ChallengeAttachment(SQLModel, table=True):
    challenge_id: int = Field(foreign_key="challenge.id", primary_key=True)
    file_id: int = Field(foreign_key="storedfile.id", primary_key=True)


class NdaAcceptance(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("challenge_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    accepted_at: datetime = Field(default_factory=now)


class Invitation(SQLModel, table=True):
    """An engineer invited to a challenge (by the firm, a center or the allocator)."""

    __table_args__ = (UniqueConstraint("challenge_id", "engineer_id"),)
    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    engineer_id: int = Field(foreign_key="engineer.id", index=True)
    invited_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    source: str = Field(default="manual", max_length=12)  # manual | match | allocate | route
    score: float | None = None
    status: str = Field(default="sent", max_length=10)  # sent | seen | declined | bid
    created_at: datetime = Field(default_factory=now)


# ---------------------------------------------------------------- bids

class Bid(SQLModel, table=True):
    """A 揭榜申请: the lead engineer's proposal, price and team."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    engineer_id: int = Field(foreign_key="engineer.id", index=True)
    proposal: str = text_column(nullable=False)
    plan: str | None = text_column()
    price: Decimal | None = money_column()
    schedule_days: int | None = None
    part: str | None = Field(default=None, max_length=200)  # the part taken, for split schemes
    status: str = Field(default=BidStatus.submitted, max_length=12, index=True)
    reason: str | None = text_column()  # why it lost, or feedback in a contest
    created_at: datetime = Field(default_factory=now)
    decided_at: datetime | None = None


class BidMember(SQLModel, table=True):
    bid_id: int = Field(foreign_key="bid.id", primary_key=True)
    engineer_id: int = Field(foreign_key="engineer.id", primary_key=True)
    role: str | None = Field(default=None, max_length=40)


# ---------------------------------------------------------------- collaborations

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


# ---------------------------------------------------------------- consultations

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
