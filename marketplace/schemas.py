"""Input and output models of the marketplace API (table models do not validate)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from marketplace.models import ContractKind, ServiceType

LIST_SPLIT = re.compile(r"[;；,，、]+")


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in LIST_SPLIT.split(value) if item.strip()]
    return value


TextList = Annotated[list[Annotated[str, Field(min_length=1, max_length=40)]], BeforeValidator(_as_list),
                     Field(max_length=30)]
Money = Annotated[Decimal, Field(ge=0, lt=Decimal("1e12"), max_digits=14, decimal_places=2)]
Score = Annotated[int, Field(ge=1, le=5)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# ---------------------------------------------------------------- challenges

class ChallengeFields(Strict):
    kind: Literal["challenge", "consultation"] | None = None
    title: str | None = Field(default=None, min_length=2, max_length=200)
    description: str | None = Field(default=None, min_length=5, max_length=20000)
    fields: TextList | None = None
    skills: TextList | None = None
    region: str | None = Field(default=None, max_length=20)
    budget: Money | None = None
    deadline: date | None = None
    delivery_deadline: date | None = None
    kpis: str | None = Field(default=None, max_length=5000)
    ip_terms: str | None = Field(default=None, max_length=2000)
    solver_conditions: str | None = Field(default=None, max_length=5000)
    scheme: Literal["single", "contest", "split"] | None = None
    visibility: Literal["public", "invite"] | None = None
    center: str | None = Field(default=None, max_length=120)


class ChallengeCreate(ChallengeFields):
    """The import fields of CONTRACT.md, plus the notice's other parts."""

    external_id: str | None = Field(default=None, min_length=1, max_length=64)
    kind: Literal["challenge", "consultation"] = "challenge"
    title: str = Field(min_length=2, max_length=200)
    description: str = Field(min_length=5, max_length=20000)
    company: str | None = Field(default=None, max_length=120)
    credit_code: str | None = Field(default=None, max_length=18)
    scheme: Literal["single", "contest", "split"] = "single"
    visibility: Literal["public", "invite"] = "public"
    status: Literal["draft", "open"] = "open"


class ChallengeUpdate(ChallengeFields):
    pass


class TransitionIn(Strict):
    status: Literal["open", "bidding_closed", "cancelled", "closed"]
    reason: str | None = Field(default=None, max_length=1000)


class ReasonIn(Strict):
    reason: str | None = Field(default=None, max_length=1000)


class ChallengePublic(BaseModel):
    id: int
    external_id: str | None
    kind: str
    title: str
    status: str
    status_label: str
    company_id: int
    company: str | None
    center_id: int | None
    fields: list[str]
    skills: list[str]
    region: str | None
    budget: Decimal | None
    deadline: date | None
    delivery_deadline: date | None
    ip_terms: str | None
    solver_conditions: str | None
    scheme: str
    visibility: str
    published_at: datetime | None
    details_visible: bool
    description: str | None = None  # hidden for invite-only challenges until the NDA
    kpis: str | None = None
    attachments: list[dict] = []


class ChallengePage(BaseModel):
    items: list[ChallengePublic]
    total: int
    page: int
    pages: int


# ---------------------------------------------------------------- bids

class TeamMemberIn(Strict):
    engineer: str = Field(min_length=1, max_length=64)  # database id or external id
    role: str | None = Field(default=None, max_length=40)


class BidCreate(Strict):
    proposal: str = Field(min_length=2, max_length=20000)
    price: Money | None = None
    plan: str | None = Field(default=None, max_length=20000)
    schedule_days: int | None = Field(default=None, ge=1, le=3650)
    part: str | None = Field(default=None, max_length=200)
    team: list[TeamMemberIn] = Field(default_factory=list, max_length=20)


class BidPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    challenge_id: int
    engineer_id: int
    proposal: str
    plan: str | None
    price: Decimal | None
    schedule_days: int | None
    part: str | None
    status: str
    reason: str | None
    created_at: datetime


class AwardIn(Strict):
    contract_kind: ContractKind = ContractKind.development
    service_type: ServiceType = ServiceType.rnd
    reason: str | None = Field(default=None, max_length=1000, description="给未中选者的理由")
    note: str | None = Field(default=None, max_length=2000)


class SplitPart(Strict):
    bid_id: int
    share_pct: Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]


class SplitAwardIn(AwardIn):
    parts: list[SplitPart] = Field(min_length=1, max_length=20)


class ShortlistIn(Strict):
    bid_ids: list[int] = Field(min_length=1, max_length=50)


# ---------------------------------------------------------------- collaborations

class MemberPublic(BaseModel):
    engineer_id: int
    role: str
    share_pct: Decimal | None
    active: bool


class CollaborationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    challenge_id: int
    bid_id: int | None
    lead_engineer_id: int
    center_id: int | None
    status: str
    contract_kind: str
    service_type: str
    amount: Decimal | None
    note: str | None
    started_at: datetime
    delivered_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    challenge_status: str | None = None
    members: list[MemberPublic] = []


class DeliverIn(Strict):
    note: str | None = Field(default=None, max_length=5000)


class RatingIn(Strict):
    rating: Score | None = None  # CONTRACT: overall
    overall: Score | None = None
    quality: Score | None = None
    timeliness: Score | None = None
    communication: Score | None = None
    comment: str | None = Field(default=None, max_length=2000)

    def overall_score(self) -> int | None:
        return self.overall or self.rating


class AcceptIn(RatingIn):
    pass


class RejectIn(Strict):
    reason: str = Field(min_length=2, max_length=2000)


class ReassignIn(Strict):
    engineer: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=2, max_length=1000)


class ContractIn(Strict):
    contract_kind: ContractKind | None = None
    service_type: ServiceType | None = None


class MilestoneCreate(Strict):
    title: str = Field(min_length=2, max_length=200)
    amount: Money | None = None
    due_date: date | None = None


class MilestonePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    collaboration_id: int
    seq: int
    title: str
    amount: Decimal | None
    due_date: date | None
    status: str
    submitted_at: datetime | None
    auto_accept_at: datetime | None
    accepted_at: datetime | None
    reject_reason: str | None


class WorkLogCreate(Strict):
    day: date
    hours: Annotated[Decimal, Field(gt=0, le=24, max_digits=5, decimal_places=2)]
    note: str | None = Field(default=None, max_length=2000)


class WorkLogPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    collaboration_id: int
    engineer_id: int
    day: date
    hours: Decimal
    note: str | None


class DeliverablePublic(BaseModel):
    id: int
    collaboration_id: int
    milestone_id: int | None
    note: str | None
    filename: str | None
    size: int | None
    content_type: str | None
    created_at: datetime


class RatingPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    collaboration_id: int | None
    direction: str
    engineer_id: int | None
    organisation_id: int | None
    overall: int
    quality: int | None
    timeliness: int | None
    communication: int | None
    comment: str | None


class PaymentCreate(Strict):
    amount: Annotated[Decimal, Field(gt=0, lt=Decimal("1e12"), max_digits=14, decimal_places=2)]
    paid_on: date
    milestone_id: int | None = None
    reference: str | None = Field(default=None, max_length=80)


class PaymentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    collaboration_id: int
    milestone_id: int | None
    amount: Decimal
    paid_on: date
    reference: str | None


class ShareLine(Strict):
    party_kind: Literal["engineer", "employer", "center", "firm"]
    engineer_id: int | None = None
    organisation_id: int | None = None
    center_id: int | None = None
    percent: Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]
    note: str | None = Field(default=None, max_length=500)


class ShareAgreementIn(Strict):
    kind: Literal["项目奖励", "知识产权入股分成"] = "项目奖励"
    total_amount: Money | None = None
    lines: list[ShareLine] = Field(min_length=1, max_length=30)

    @field_validator("lines")
    @classmethod
    def _sum_at_most_100(cls, lines: list[ShareLine]) -> list[ShareLine]:
        total = sum((line.percent for line in lines), Decimal(0))
        if total > 100:
            raise ValueError(f"各方比例合计 {total}% 超过 100%")
        return lines


class SharePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    party_kind: str
    engineer_id: int | None
    organisation_id: int | None
    center_id: int | None
    percent: Decimal | None
    amount: Decimal | None
    note: str | None
