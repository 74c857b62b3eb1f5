"""JSON API for 在线问诊: /api/v1/consultations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from accounts import policy
from accounts.deps import CurrentUser
from core.csrf import verify_csrf_for_cookie_auth
from core.db import SessionDep
from core.lookup import MAX_ID
from core.schemas import CleanText
from marketplace.challenges.models import Challenge
from marketplace.consultations import flows, service
from marketplace.consultations.deps import ConsultationDep
from marketplace.consultations.service import (
    AnswerCreate,
    ConsultationCreate,
)
from marketplace.execution.schemas import RatingIn
from marketplace.ranker import RankerDep

router = APIRouter(prefix="/api/v1/consultations", tags=["consultations"],
                   dependencies=[Depends(verify_csrf_for_cookie_auth)])


IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]




class ConsultationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    external_id: str | None
    kind: str
    title: str
    description: str
    status: str
    company_id: int
    fields: list[str]
    skills: list[str]
    region: str | None
    created_at: datetime
    closed_at: datetime | None


class AnswerPublic(BaseModel):
    id: int
    parent_id: int | None
    engineer_id: int | None
    author: str
    body: str
    is_best: bool
    created_at: datetime


class RoutedEngineer(BaseModel):
    engineer_id: int
    engineer: str | int
    name: str
    score: float | None
    status: str


class ConsultationDetail(ConsultationPublic):
    answers: list[AnswerPublic]
    routed: list[RoutedEngineer]
    escalated_to: int | None


class ConsultationPage(BaseModel):
    total: int
    items: list[ConsultationPublic]


class BestAnswer(BaseModel):
    rating: int | None = Field(default=None, ge=1, le=5)
    comment: CleanText | None = Field(default=None, max_length=2000)


class RateIn(RatingIn):
    engineer_id: int = Field(ge=1, le=2**31 - 1)


class RatingOut(BaseModel):
    id: int
    engineer_id: int
    overall: int


class EscalatedOut(BaseModel):
    id: int
    kind: str
    status: str
    escalated_from_id: int
    invited_engineers: int


def _detail(session, consultation: Challenge, user) -> ConsultationDetail:
    answers = [AnswerPublic(id=i.answer.id, parent_id=i.answer.parent_id, engineer_id=i.answer.engineer_id,
                            author=i.author, body=i.answer.body, is_best=i.answer.is_best, created_at=i.answer.created_at)
               for i in service.flatten(service.thread(session, consultation=consultation))]
    routed = []
    if policy.can_edit_challenge(user, consultation):
        routed = [RoutedEngineer(engineer_id=e.id, engineer=e.external_id or e.id, name=e.name, score=inv.score,
                                 status=inv.status) for inv, e in service.routed_engineers(session, consultation=consultation)]
    escalated = service.escalated_challenge(session, consultation=consultation)
    base = ConsultationPublic.model_validate(consultation).model_dump()
    return ConsultationDetail(**base, answers=answers, routed=routed, escalated_to=escalated.id if escalated else None)


@router.get("", response_model=ConsultationPage)
def list_consultations(session: SessionDep, user: CurrentUser, mine: bool = False, status: str | None = None,
                       limit: Annotated[int, Query(ge=1, le=100)] = 20,
                       offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> ConsultationPage:
    rows, total = service.list_consultations(session, user=user, mine=mine, status=status, limit=limit, offset=offset)
    return ConsultationPage(total=total, items=[ConsultationPublic.model_validate(c) for c in rows])


@router.post("", response_model=ConsultationDetail, status_code=201)
def ask(body: ConsultationCreate, session: SessionDep, user: CurrentUser, rank: RankerDep) -> ConsultationDetail:
    return _detail(session, flows.ask_flow(session, by=user, data=body, rank=rank), user)


@router.get("/{consultation_id}", response_model=ConsultationDetail)
def get_consultation(consultation: ConsultationDep, session: SessionDep, user: CurrentUser) -> ConsultationDetail:
    return _detail(session, consultation, user)


@router.post("/{consultation_id}/answers", response_model=AnswerPublic, status_code=201)
def post_answer(body: AnswerCreate, consultation: ConsultationDep, session: SessionDep,
                user: CurrentUser) -> AnswerPublic:
    reply = flows.answer_flow(session, consultation=consultation, by=user, data=body)
    return AnswerPublic(id=reply.id, parent_id=reply.parent_id, engineer_id=reply.engineer_id,
                        author=user.display_name or user.username, body=reply.body, is_best=reply.is_best,
                        created_at=reply.created_at)


@router.post("/{consultation_id}/answers/{answer_id}/best", response_model=ConsultationDetail)
def best_answer(answer_id: IdPath, body: BestAnswer, consultation: ConsultationDep, session: SessionDep,
                user: CurrentUser) -> ConsultationDetail:
    rating = RatingIn(overall=body.rating, comment=body.comment) if body.rating else None
    flows.best_answer_flow(session, consultation=consultation, answer_id=answer_id, by=user, rating=rating)
    return _detail(session, consultation, user)


@router.post("/{consultation_id}/ratings", response_model=RatingOut, status_code=201)
def rate(body: RateIn, consultation: ConsultationDep, session: SessionDep, user: CurrentUser) -> RatingOut:
    data = RatingIn(**body.model_dump(exclude={"engineer_id"}))
    rating = service.rate(session, consultation=consultation, engineer_id=body.engineer_id, by=user, data=data)
    return RatingOut(id=rating.id, engineer_id=rating.engineer_id, overall=rating.overall)


@router.post("/{consultation_id}/escalate", response_model=EscalatedOut, status_code=201)
def escalate(consultation: ConsultationDep, session: SessionDep, user: CurrentUser) -> EscalatedOut:
    draft = flows.escalate_flow(session, consultation=consultation, by=user)
    invited = len(service.routed_engineers(session, consultation=draft))
    return EscalatedOut(id=draft.id, kind=draft.kind, status=draft.status, escalated_from_id=consultation.id,
                        invited_engineers=invited)
