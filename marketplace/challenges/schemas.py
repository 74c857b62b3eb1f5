"""Input and output models of the challenge and bid API (table models do not validate).

Awarded work is in marketplace.execution.schemas; shared field types in core.schemas.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.schemas import CleanLine, CleanText, Money, PlanDate, Strict, TextList
from marketplace.execution.models import ContractKind, ServiceType

# ---------------------------------------------------------------- challenges

class ChallengeFields(Strict):
    kind: Literal["challenge", "consultation"] | None = None
    title: CleanLine | None = Field(default=None, min_length=2, max_length=200)
    description: CleanText | None = Field(default=None, min_length=5, max_length=20000)
    fields: TextList | None = None
    skills: TextList | None = None
    region: CleanLine | None = Field(default=None, max_length=20)
    budget: Money | None = None
    deadline: PlanDate | None = None
    delivery_deadline: PlanDate | None = None
    kpis: CleanText | None = Field(default=None, max_length=5000)
    ip_terms: CleanText | None = Field(default=None, max_length=2000)
    solver_conditions: CleanText | None = Field(default=None, max_length=5000)
    scheme: Literal["single", "contest", "split"] | None = None
    visibility: Literal["public", "invite"] | None = None
    center: CleanLine | None = Field(default=None, max_length=120)


class ChallengeCreate(ChallengeFields):
    """The import fields of CONTRACT.md, plus the notice's other parts."""

    external_id: CleanLine | None = Field(default=None, min_length=1, max_length=64)
    kind: Literal["challenge", "consultation"] = "challenge"
    title: CleanLine = Field(min_length=2, max_length=200)
    description: CleanText = Field(min_length=5, max_length=20000)
    company: CleanLine | None = Field(default=None, max_length=120)
    credit_code: CleanLine | None = Field(default=None, max_length=18)
    scheme: Literal["single", "contest", "split"] = "single"
    visibility: Literal["public", "invite"] = "public"
    status: Literal["draft", "open"] = "open"


class ChallengeUpdate(ChallengeFields):
    pass


class TransitionIn(Strict):
    status: Literal["open", "bidding_closed", "cancelled", "closed"]
    reason: CleanText | None = Field(default=None, max_length=1000)


class ReasonIn(Strict):
    reason: CleanText | None = Field(default=None, max_length=1000)


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
    budget: Decimal | None = None  # hidden with the description for invite-only challenges until the NDA
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
    engineer: CleanLine = Field(min_length=1, max_length=64)  # database id or external id
    role: CleanLine | None = Field(default=None, max_length=40)


class BidCreate(Strict):
    proposal: CleanText = Field(min_length=2, max_length=20000)
    price: Money | None = None
    plan: CleanText | None = Field(default=None, max_length=20000)
    schedule_days: int | None = Field(default=None, ge=1, le=3650)
    part: CleanLine | None = Field(default=None, max_length=200)
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
    reason: CleanText | None = Field(default=None, max_length=1000, description="给未中选者的理由")
    note: CleanText | None = Field(default=None, max_length=2000)


class SplitPart(Strict):
    bid_id: int
    share_pct: Annotated[Decimal, Field(gt=0, le=100, max_digits=5, decimal_places=2)]


class SplitAwardIn(AwardIn):
    parts: list[SplitPart] = Field(min_length=1, max_length=20)


class ShortlistIn(Strict):
    bid_ids: list[int] = Field(min_length=1, max_length=50)
