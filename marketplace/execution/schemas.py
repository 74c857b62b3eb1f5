"""Input and output models of the API for awarded work: collaborations, milestones, work logs,
deliverables, ratings and money."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.schemas import CleanLine, CleanText, Money, PastDate, PlanDate, Score, Strict
from marketplace.execution.models import ContractKind, ServiceType

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
    note: CleanText | None = Field(default=None, max_length=5000)


class RatingIn(Strict):
    rating: Score | None = None  # CONTRACT: overall
    overall: Score | None = None
    quality: Score | None = None
    timeliness: Score | None = None
    communication: Score | None = None
    comment: CleanText | None = Field(default=None, max_length=2000)

    def overall_score(self) -> int | None:
        return self.overall or self.rating


class AcceptIn(RatingIn):
    pass


class RejectIn(Strict):
    reason: CleanText = Field(min_length=2, max_length=2000)


class ReassignIn(Strict):
    engineer: CleanLine = Field(min_length=1, max_length=64)
    reason: CleanText = Field(min_length=2, max_length=1000)


class ContractIn(Strict):
    contract_kind: ContractKind | None = None
    service_type: ServiceType | None = None


class MilestoneCreate(Strict):
    title: CleanLine = Field(min_length=2, max_length=200)
    amount: Money | None = None
    due_date: PlanDate | None = None


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
    day: PastDate
    hours: Annotated[Decimal, Field(gt=0, le=24, max_digits=5, decimal_places=2)]
    note: CleanText | None = Field(default=None, max_length=2000)


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
    paid_on: PastDate
    milestone_id: int | None = None
    reference: CleanLine | None = Field(default=None, max_length=80)


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
    note: CleanText | None = Field(default=None, max_length=500)


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
