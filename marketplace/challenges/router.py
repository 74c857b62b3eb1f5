"""JSON API of the marketplace core: challenges and bids (collaborations in execution_router)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from accounts.deps import CurrentUser, current_user
from core.concurrency import queued
from core.csrf import verify_csrf_for_cookie_auth
from core.db import SessionDep
from core.errors import NotFound
from marketplace.challenges import bids, flows
from marketplace.challenges import service as challenges
from marketplace.challenges.deps import BidDep, ChallengeDep
from marketplace.challenges.models import Challenge
from marketplace.challenges.schemas import (
    AwardIn,
    BidCreate,
    BidPublic,
    ChallengeCreate,
    ChallengePage,
    ChallengePublic,
    ChallengeUpdate,
    ReasonIn,
    ShortlistIn,
    SplitAwardIn,
    TransitionIn,
)
from marketplace.challenges.visibility import details_allowed
from marketplace.execution import router as execution_router
from marketplace.execution.schemas import CollaborationPublic
from marketplace.execution.views import collaboration_public
from marketplace.files import service as storage
from marketplace.files.service import FILE_RESPONSES, file_response

# Every API call is signed in: the user is known (401) before any object is looked up (404).
router = APIRouter(prefix="/api/v1", tags=["marketplace"],
                   dependencies=[Depends(current_user), Depends(verify_csrf_for_cookie_auth)])
ERRORS = {401: {"description": "未登录"}, 403: {"description": "无权操作"}, 404: {"description": "不存在"},
          409: {"description": "状态冲突"}}


# ---------------------------------------------------------------- challenges

@router.get("/challenges", response_model=ChallengePage, responses=ERRORS)
@queued
def list_challenges(session: SessionDep, user: CurrentUser, q: str = Query("", max_length=100),
                    status: str = Query("", max_length=16), kind: str = Query("", max_length=12),
                    field: str = Query("", max_length=40), region: str = Query("", max_length=20),
                    page: int = Query(1, ge=1, le=10000)) -> ChallengePage:
    return challenges.list_challenges(session, user=user, q=q, status=status, kind=kind, field=field, region=region,
                                      page=page)


@router.post("/challenges", response_model=ChallengePublic, status_code=201, responses=ERRORS)
def create_challenge(data: ChallengeCreate, session: SessionDep, user: CurrentUser) -> ChallengePublic:
    challenge = flows.create_flow(session, data=data, by=user)
    return challenges.public_view(session, challenge, user)


@router.get("/challenges/{challenge_id}", response_model=ChallengePublic, responses=ERRORS)
def get_challenge(challenge: ChallengeDep, session: SessionDep, user: CurrentUser) -> ChallengePublic:
    return challenges.public_view(session, challenge, user)


@router.patch("/challenges/{challenge_id}", response_model=ChallengePublic, responses=ERRORS)
def update_challenge(challenge: ChallengeDep, data: ChallengeUpdate, session: SessionDep,
                     user: CurrentUser) -> ChallengePublic:
    flows.update_flow(session, challenge=challenge, data=data, by=user)
    return challenges.public_view(session, challenge, user)


@router.post("/challenges/{challenge_id}/publish", response_model=ChallengePublic, responses=ERRORS)
def publish(challenge: ChallengeDep, session: SessionDep, user: CurrentUser) -> ChallengePublic:
    flows.publish_flow(session, challenge=challenge, by=user)
    return challenges.public_view(session, challenge, user)


@router.post("/challenges/{challenge_id}/cancel", response_model=ChallengePublic, responses=ERRORS)
def cancel(challenge: ChallengeDep, session: SessionDep, user: CurrentUser,
           data: ReasonIn | None = None) -> ChallengePublic:
    flows.cancel_flow(session, challenge=challenge, by=user, reason=data.reason if data else None)
    return challenges.public_view(session, challenge, user)


@router.post("/challenges/{challenge_id}/transition", response_model=ChallengePublic, responses=ERRORS)
def transition(challenge: ChallengeDep, data: TransitionIn, session: SessionDep, user: CurrentUser) -> ChallengePublic:
    flows.transition_flow(session, challenge=challenge, to=data.status, by=user, reason=data.reason)
    return challenges.public_view(session, challenge, user)


@router.post("/challenges/{challenge_id}/nda", response_model=ChallengePublic, responses=ERRORS)
def accept_nda(challenge: ChallengeDep, session: SessionDep, user: CurrentUser) -> ChallengePublic:
    flows.nda_flow(session, challenge=challenge, by=user)
    return challenges.public_view(session, challenge, user)


@router.post("/challenges/{challenge_id}/attachments", response_model=ChallengePublic, status_code=201,
             responses=ERRORS)
def attach(challenge: ChallengeDep, session: SessionDep, user: CurrentUser,
           file: Annotated[UploadFile, File(description="附件")]) -> ChallengePublic:
    challenges.attach_file(session, challenge=challenge, data=storage.read_upload(file), filename=file.filename,
                           by=user)
    return challenges.public_view(session, challenge, user)


@router.get("/challenges/{challenge_id}/attachments/{file_id}",
            responses={**ERRORS, **FILE_RESPONSES}, response_class=Response)
def download_attachment(challenge: ChallengeDep, file_id: int, session: SessionDep, user: CurrentUser):
    if not details_allowed(session, challenge, user):
        raise NotFound("附件不存在")
    stored = challenges.attachment(session, challenge, file_id)
    if stored is None:
        raise NotFound("附件不存在")
    return file_response(stored, storage.read(stored))


# ---------------------------------------------------------------- bids

@router.get("/challenges/{challenge_id}/bids", response_model=list[BidPublic], responses=ERRORS)
def list_bids(challenge: ChallengeDep, session: SessionDep, user: CurrentUser) -> list[BidPublic]:
    return [BidPublic.model_validate(b) for b in bids.bids_visible_to(session, challenge, user)]


@router.post("/challenges/{challenge_id}/bids", response_model=BidPublic, status_code=201, responses=ERRORS)
def submit_bid(challenge: ChallengeDep, data: BidCreate, session: SessionDep, user: CurrentUser) -> BidPublic:
    return BidPublic.model_validate(flows.bid_flow(session, challenge=challenge, data=data, by=user))


@router.post("/challenges/{challenge_id}/shortlist", response_model=list[BidPublic], responses=ERRORS)
def shortlist(challenge: ChallengeDep, data: ShortlistIn, session: SessionDep, user: CurrentUser) -> list[BidPublic]:
    chosen = bids.bids_by_ids(session, challenge=challenge, bid_ids=data.bid_ids)
    return [BidPublic.model_validate(b) for b in flows.shortlist_flow(session, challenge=challenge, chosen=chosen, by=user)]


@router.post("/challenges/{challenge_id}/award", response_model=CollaborationPublic, responses=ERRORS)
def award_split(challenge: ChallengeDep, data: SplitAwardIn, session: SessionDep,
                user: CurrentUser) -> CollaborationPublic:
    """分包协作: several bids at once, each with its share (also works for one bid)."""
    chosen = bids.bids_by_ids(session, challenge=challenge, bid_ids=[p.bid_id for p in data.parts])
    parts = [(b, p.share_pct) for b, p in zip(chosen, data.parts)]
    collaboration = flows.award_split_flow(session, challenge=challenge, parts=parts, by=user,
                                           contract_kind=data.contract_kind, service_type=data.service_type,
                                           reason=data.reason, note=data.note)
    return collaboration_public(session, collaboration)


@router.get("/bids/{bid_id}", response_model=BidPublic, responses=ERRORS)
def get_bid(bid: BidDep) -> BidPublic:
    return BidPublic.model_validate(bid)


@router.post("/bids/{bid_id}/award", response_model=CollaborationPublic, responses=ERRORS)
def award(bid: BidDep, session: SessionDep, user: CurrentUser, data: AwardIn | None = None) -> CollaborationPublic:
    data = data or AwardIn()
    collaboration = flows.award_flow(session, challenge=session.get(Challenge, bid.challenge_id), bid=bid, by=user,
                                     contract_kind=data.contract_kind, service_type=data.service_type,
                                     reason=data.reason, note=data.note)
    return collaboration_public(session, collaboration)


@router.post("/bids/{bid_id}/withdraw", response_model=BidPublic, responses=ERRORS)
def withdraw(bid: BidDep, session: SessionDep, user: CurrentUser) -> BidPublic:
    return BidPublic.model_validate(flows.withdraw_flow(session, bid=bid, challenge=session.get(Challenge, bid.challenge_id),
                                                        by=user))


@router.post("/bids/{bid_id}/reject", response_model=BidPublic, responses=ERRORS)
def reject(bid: BidDep, session: SessionDep, user: CurrentUser, data: ReasonIn | None = None) -> BidPublic:
    challenge = session.get(Challenge, bid.challenge_id)
    return BidPublic.model_validate(flows.reject_flow(session, bid=bid, challenge=challenge, by=user,
                                                      reason=data.reason if data else None))


router.include_router(execution_router.router)
