"""揭榜挂帅 tables: challenges, their attachments and NDAs, invitations, bids and bid teams."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import now
from core.columns import list_column, money_column, text_column
from core.labels import LabelledEnum


class ChallengeKind(LabelledEnum):
    challenge = "challenge", "揭榜挂帅"
    consultation = "consultation", "在线问诊"


class ChallengeStatus(LabelledEnum):
    draft = "draft", "草稿"
    open = "open", "揭榜中"
    bidding_closed = "bidding_closed", "揭榜截止"
    awarded = "awarded", "已定榜"
    in_progress = "in_progress", "攻关中"
    delivered = "delivered", "已交付"
    accepted = "accepted", "已验收"
    closed = "closed", "已结项"
    cancelled = "cancelled", "已撤榜"
    expired = "expired", "已过期"
    # consultations
    answered = "answered", "已解答"
    resolved = "resolved", "已解决"


class ConsultationStatus(LabelledEnum):
    """The statuses an 在线问诊 goes through, in the words of a question rather than a challenge."""

    open = "open", "待解答"
    answered = "answered", "已有答复"
    resolved = "resolved", "已解决"
    closed = "closed", "已结项"
    cancelled = "cancelled", "已撤榜"


class Scheme(LabelledEnum):
    single = "single", "单一挂帅"  # one lead and a team
    contest = "contest", "赛马制"  # parallel proofs, best wins
    split = "split", "分包协作"  # parts with shares


class Visibility(LabelledEnum):
    public = "public", "公开"
    invite = "invite", "定向邀请（签署保密协议后可见详情）"  # details after NDA


class BidStatus(LabelledEnum):
    submitted = "submitted", "已提交"
    shortlisted = "shortlisted", "已入围"
    withdrawn = "withdrawn", "已撤回"
    awarded = "awarded", "中选"
    rejected = "rejected", "未中选"


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
