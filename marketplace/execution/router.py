"""JSON API for awarded work: collaborations, milestones, work logs, deliverables, ratings, money."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import Field
from sqlmodel import Session

from accounts.deps import CurrentUser
from accounts.models import User
from core.db import SessionDep
from core.errors import NotFound
from core.schemas import CleanLine, CleanText, Strict
from marketplace.challenges.models import Challenge
from marketplace.execution import flows, money, reputation
from marketplace.execution import service as execution
from marketplace.execution.deps import CollaborationDep, DeliverableDep, MilestoneDep
from marketplace.execution.models import Collaboration, Milestone
from marketplace.execution.schemas import (
    AcceptIn,
    CollaborationPublic,
    ContractIn,
    DeliverablePublic,
    DeliverIn,
    MilestoneCreate,
    MilestonePublic,
    PaymentCreate,
    PaymentPublic,
    RatingIn,
    RatingPublic,
    ReassignIn,
    RejectIn,
    ShareAgreementIn,
    SharePublic,
    WorkLogCreate,
    WorkLogPublic,
)
from marketplace.execution.views import collaboration_public
from marketplace.files import service as storage
from marketplace.files.models import StoredFile
from marketplace.files.service import FILE_RESPONSES, file_response
from talent.service import get_engineer

router = APIRouter()
ERRORS = {401: {"description": "未登录"}, 403: {"description": "无权操作"}, 404: {"description": "不存在"},
          409: {"description": "状态冲突"}}


class ResolveIn(Strict):
    outcome: Literal["resume", "stop"]
    note: CleanText = Field(min_length=2, max_length=2000)


class RateIn(RatingIn):
    engineer: CleanLine | None = Field(default=None, max_length=64, description="企业评价分包成员时指定")


def _challenge(session: Session, collaboration: Collaboration) -> Challenge:
    return session.get(Challenge, collaboration.challenge_id)


def _act(session: Session, collaboration: Collaboration, user: User, step: Callable[..., object],
         **values: object) -> CollaborationPublic:
    """Run one flow on the collaboration as `user`; answer with the collaboration as it now stands."""
    step(session, collaboration=collaboration, challenge=_challenge(session, collaboration), by=user, **values)
    return collaboration_public(session, collaboration)


# ---------------------------------------------------------------- the collaboration

@router.get("/collaborations/{collaboration_id}", response_model=CollaborationPublic, responses=ERRORS)
def get_collaboration(collaboration: CollaborationDep, session: SessionDep) -> CollaborationPublic:
    return collaboration_public(session, collaboration)


@router.post("/collaborations/{collaboration_id}/deliver", response_model=CollaborationPublic, responses=ERRORS)
def deliver(collaboration: CollaborationDep, session: SessionDep, user: CurrentUser,
            data: DeliverIn | None = None) -> CollaborationPublic:
    return _act(session, collaboration, user, flows.deliver_flow, note=data.note if data else None)


@router.post("/collaborations/{collaboration_id}/accept", response_model=CollaborationPublic, responses=ERRORS)
def accept(collaboration: CollaborationDep, data: AcceptIn, session: SessionDep,
           user: CurrentUser) -> CollaborationPublic:
    """车间验题 passed; the rating (1-5) is recorded with the acceptance."""
    return _act(session, collaboration, user, flows.accept_flow,
                rating=data if data.overall_score() is not None else None)


@router.post("/collaborations/{collaboration_id}/reject", response_model=CollaborationPublic, responses=ERRORS)
def reject(collaboration: CollaborationDep, data: RejectIn, session: SessionDep,
           user: CurrentUser) -> CollaborationPublic:
    return _act(session, collaboration, user, flows.reject_flow, reason=data.reason)


@router.post("/collaborations/{collaboration_id}/dispute", response_model=CollaborationPublic, responses=ERRORS)
def dispute(collaboration: CollaborationDep, data: RejectIn, session: SessionDep,
            user: CurrentUser) -> CollaborationPublic:
    return _act(session, collaboration, user, flows.dispute_flow, reason=data.reason)


@router.post("/collaborations/{collaboration_id}/resolve", response_model=CollaborationPublic, responses=ERRORS)
def resolve(collaboration: CollaborationDep, data: ResolveIn, session: SessionDep,
            user: CurrentUser) -> CollaborationPublic:
    return _act(session, collaboration, user, flows.resolve_flow, outcome=data.outcome, note=data.note)


@router.post("/collaborations/{collaboration_id}/stop", response_model=CollaborationPublic, responses=ERRORS)
def stop(collaboration: CollaborationDep, data: RejectIn, session: SessionDep, user: CurrentUser) -> CollaborationPublic:
    return _act(session, collaboration, user, flows.stop_flow, reason=data.reason)


@router.post("/collaborations/{collaboration_id}/resume", response_model=CollaborationPublic, responses=ERRORS)
def resume(collaboration: CollaborationDep, session: SessionDep, user: CurrentUser) -> CollaborationPublic:
    return _act(session, collaboration, user, flows.resume_flow)


@router.post("/collaborations/{collaboration_id}/reassign", response_model=CollaborationPublic, responses=ERRORS)
def reassign(collaboration: CollaborationDep, data: ReassignIn, session: SessionDep,
             user: CurrentUser) -> CollaborationPublic:
    return _act(session, collaboration, user, flows.reassign_flow, engineer=get_engineer(session, data.engineer),
                reason=data.reason)


@router.post("/collaborations/{collaboration_id}/contract", response_model=CollaborationPublic, responses=ERRORS)
def set_contract(collaboration: CollaborationDep, data: ContractIn, session: SessionDep,
                 user: CurrentUser) -> CollaborationPublic:
    return _act(session, collaboration, user, flows.contract_flow, contract_kind=data.contract_kind,
                service_type=data.service_type)


# ---------------------------------------------------------------- milestones

@router.get("/collaborations/{collaboration_id}/milestones", response_model=list[MilestonePublic], responses=ERRORS)
def list_milestones(collaboration: CollaborationDep, session: SessionDep) -> list[MilestonePublic]:
    return [MilestonePublic.model_validate(m) for m in execution.milestones(session, collaboration)]


@router.post("/collaborations/{collaboration_id}/milestones", response_model=MilestonePublic, status_code=201,
             responses=ERRORS)
def add_milestone(collaboration: CollaborationDep, data: MilestoneCreate, session: SessionDep,
                  user: CurrentUser) -> MilestonePublic:
    return MilestonePublic.model_validate(flows.add_milestone_flow(
        session, collaboration=collaboration, challenge=_challenge(session, collaboration), data=data, by=user))


def _milestone_parties(session, milestone: Milestone):
    collaboration = execution.collaboration_of(session, milestone)
    return collaboration, _challenge(session, collaboration)


@router.post("/milestones/{milestone_id}/submit", response_model=MilestonePublic, responses=ERRORS)
def submit_milestone(milestone: MilestoneDep, session: SessionDep, user: CurrentUser) -> MilestonePublic:
    collaboration, challenge = _milestone_parties(session, milestone)
    return MilestonePublic.model_validate(flows.submit_milestone_flow(
        session, milestone=milestone, collaboration=collaboration, challenge=challenge, by=user))


@router.post("/milestones/{milestone_id}/accept", response_model=MilestonePublic, responses=ERRORS)
def accept_milestone(milestone: MilestoneDep, session: SessionDep, user: CurrentUser) -> MilestonePublic:
    collaboration, challenge = _milestone_parties(session, milestone)
    return MilestonePublic.model_validate(flows.accept_milestone_flow(
        session, milestone=milestone, collaboration=collaboration, challenge=challenge, by=user))


@router.post("/milestones/{milestone_id}/reject", response_model=MilestonePublic, responses=ERRORS)
def reject_milestone(milestone: MilestoneDep, data: RejectIn, session: SessionDep, user: CurrentUser) -> MilestonePublic:
    collaboration, challenge = _milestone_parties(session, milestone)
    return MilestonePublic.model_validate(flows.reject_milestone_flow(
        session, milestone=milestone, collaboration=collaboration, challenge=challenge, by=user, reason=data.reason))


# ---------------------------------------------------------------- work logs and deliverables

@router.get("/collaborations/{collaboration_id}/worklogs", response_model=list[WorkLogPublic], responses=ERRORS)
def list_worklogs(collaboration: CollaborationDep, session: SessionDep) -> list[WorkLogPublic]:
    return [WorkLogPublic.model_validate(w) for w in execution.worklogs(session, collaboration)]


@router.post("/collaborations/{collaboration_id}/worklogs", response_model=WorkLogPublic, status_code=201,
             responses=ERRORS)
def add_worklog(collaboration: CollaborationDep, data: WorkLogCreate, session: SessionDep,
                user: CurrentUser) -> WorkLogPublic:
    return WorkLogPublic.model_validate(flows.worklog_flow(
        session, collaboration=collaboration, challenge=_challenge(session, collaboration), data=data, by=user))


def _deliverable_public(deliverable, stored: StoredFile | None) -> DeliverablePublic:
    return DeliverablePublic(id=deliverable.id, collaboration_id=deliverable.collaboration_id,
                             milestone_id=deliverable.milestone_id, note=deliverable.note,
                             filename=stored.filename if stored else None, size=stored.size if stored else None,
                             content_type=stored.content_type if stored else None, created_at=deliverable.created_at)


@router.get("/collaborations/{collaboration_id}/deliverables", response_model=list[DeliverablePublic],
            responses=ERRORS)
def list_deliverables(collaboration: CollaborationDep, session: SessionDep) -> list[DeliverablePublic]:
    return [_deliverable_public(d, f) for d, f in execution.deliverables(session, collaboration)]


@router.post("/collaborations/{collaboration_id}/deliverables", response_model=DeliverablePublic, status_code=201,
             responses={**ERRORS, 422: {"description": "文件过大、类型不被接受或空间已满"}})
def upload_deliverable(collaboration: CollaborationDep, session: SessionDep, user: CurrentUser,
                       file: Annotated[UploadFile, File(description="交付物文件")],
                       note: Annotated[str | None, Form(max_length=2000)] = None,
                       milestone_id: Annotated[int | None, Form()] = None) -> DeliverablePublic:
    milestone = session.get(Milestone, milestone_id) if milestone_id is not None else None
    if milestone_id is not None and milestone is None:
        raise NotFound("里程碑不存在")
    data = storage.read_upload(file)
    deliverable = flows.upload_flow(session, collaboration=collaboration, challenge=_challenge(session, collaboration),
                                    data=data, filename=file.filename, by=user, note=note, milestone=milestone)
    return _deliverable_public(deliverable, session.get(StoredFile, deliverable.file_id))


@router.get("/deliverables/{deliverable_id}/download",
            responses={**ERRORS, **FILE_RESPONSES}, response_class=Response)
def download_deliverable(deliverable: DeliverableDep, session: SessionDep):
    """Only the parties reach this (the dependency); always a download, never a page."""
    stored = session.get(StoredFile, deliverable.file_id) if deliverable.file_id else None
    if stored is None:
        raise NotFound("交付物没有文件")
    return file_response(stored, storage.read(stored))


# ---------------------------------------------------------------- ratings and money

@router.get("/collaborations/{collaboration_id}/ratings", response_model=list[RatingPublic], responses=ERRORS)
def list_ratings(collaboration: CollaborationDep, session: SessionDep) -> list[RatingPublic]:
    return [RatingPublic.model_validate(r) for r in reputation.ratings_of(session, collaboration)]


@router.post("/collaborations/{collaboration_id}/ratings", response_model=RatingPublic, status_code=201,
             responses=ERRORS)
def rate(collaboration: CollaborationDep, data: RateIn, session: SessionDep, user: CurrentUser) -> RatingPublic:
    engineer = get_engineer(session, data.engineer) if data.engineer else None
    return RatingPublic.model_validate(flows.rate_flow(
        session, collaboration=collaboration, challenge=_challenge(session, collaboration), by=user, data=data,
        engineer=engineer))


@router.get("/collaborations/{collaboration_id}/payments", response_model=list[PaymentPublic], responses=ERRORS)
def list_payments(collaboration: CollaborationDep, session: SessionDep) -> list[PaymentPublic]:
    return [PaymentPublic.model_validate(p) for p in money.payments(session, collaboration)]


@router.post("/collaborations/{collaboration_id}/payments", response_model=PaymentPublic, status_code=201,
             responses=ERRORS)
def record_payment(collaboration: CollaborationDep, data: PaymentCreate, session: SessionDep,
                   user: CurrentUser) -> PaymentPublic:
    return PaymentPublic.model_validate(flows.payment_flow(
        session, collaboration=collaboration, challenge=_challenge(session, collaboration), data=data, by=user))


@router.get("/collaborations/{collaboration_id}/shares", response_model=list[SharePublic], responses=ERRORS)
def list_shares(collaboration: CollaborationDep, session: SessionDep) -> list[SharePublic]:
    return [SharePublic.model_validate(s) for s in money.shares(session, collaboration)]


@router.post("/collaborations/{collaboration_id}/shares", response_model=list[SharePublic], status_code=201,
             responses=ERRORS)
def record_shares(collaboration: CollaborationDep, data: ShareAgreementIn, session: SessionDep,
                  user: CurrentUser) -> list[SharePublic]:
    rows = flows.shares_flow(session, collaboration=collaboration, challenge=_challenge(session, collaboration),
                             data=data, by=user)
    return [SharePublic.model_validate(s) for s in rows]


@router.get("/engineers/{engineer_id}/reputation", responses=ERRORS)
def engineer_reputation(engineer_id: str, session: SessionDep, user: CurrentUser) -> dict:
    """Averages with their basis: number of ratings, six-month trend, accepted deliveries."""
    return reputation.engineer_reputation(session, engineer=get_engineer(session, engineer_id))
