"""Public marketplace pages: the 揭榜大厅, challenge detail, the engineer directory."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from accounts import policy
from accounts.deps import CurrentUser, OptionalUser
from accounts.models import User
from core.concurrency import queued
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError, Forbidden, NotFound
from core.templating import environment, render
from marketplace.challenges import bids, flows, views
from marketplace.challenges import forms as page_forms
from marketplace.challenges.deps import BidDep, ChallengeDep
from marketplace.challenges.models import (
    BidStatus,
    Challenge,
    ChallengeKind,
    ChallengeStatus,
    ConsultationStatus,
    Scheme,
)
from marketplace.execution.models import CollabStatus, MilestoneStatus
from marketplace.ranker import RankEngineers, RankerDep
from talent.models import Engineer

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])

# the templates read every status word from its enum: m.status(value, BidStatus)
environment().globals.update(ChallengeKind=ChallengeKind, ChallengeStatus=ChallengeStatus, BidStatus=BidStatus,
                             ConsultationStatus=ConsultationStatus, CollabStatus=CollabStatus,
                             MilestoneStatus=MilestoneStatus, Scheme=Scheme)


# ---------------------------------------------------------------- loaders

def engineer_or_404(engineer_id: int, session: SessionDep) -> Engineer:
    engineer = session.get(Engineer, engineer_id)
    if engineer is None:
        raise NotFound("工程师不存在")
    return engineer


EngineerDep = Annotated[Engineer, Depends(engineer_or_404)]


# ---------------------------------------------------------------- the hall

@router.get("/challenges")
@queued
def challenge_hall(request: Request, session: SessionDep, user: OptionalUser):
    params = request.query_params
    ctx = views.hall(session, query=page_forms.parse_hall(params), params=params, user=user)
    block = None if request.headers.get("hx-history-restore-request") else "results"
    return render(request, "marketplace/challenge_list.html", ctx, block=block)


@router.get("/challenges/{challenge_id:int}")
def challenge_detail(request: Request, session: SessionDep, user: OptionalUser, challenge: ChallengeDep):
    return render(request, "marketplace/challenge_detail.html",
                  views.detail(session, user=user, challenge=challenge, bid=views.my_bid(session, challenge, user)))


# ---------------------------------------------------------------- engineers

@router.get("/engineers")
def engineer_directory(request: Request, session: SessionDep, user: OptionalUser):
    params = request.query_params
    q = params.get("q", "").strip()[:100]
    skill = params.get("skill", "").strip()[:40]
    center_raw = params.get("center", "")
    center_id = int(center_raw) if center_raw.isdigit() else None
    page_raw = params.get("page", "1")
    page_no = int(page_raw) if page_raw.isdigit() and 0 < int(page_raw) < 100000 else 1
    ctx = views.engineer_directory(session, q=q, skill=skill, center_id=center_id, page_no=page_no, params=params)
    block = None if request.headers.get("hx-history-restore-request") else "results"
    return render(request, "marketplace/engineer_list.html", ctx, block=block)


@router.get("/engineers/{engineer_id:int}")
def engineer_profile(request: Request, session: SessionDep, user: OptionalUser, engineer: EngineerDep):
    return render(request, "marketplace/engineer_detail.html",
                  views.engineer_profile(session, user=user, engineer=engineer))


# ---------------------------------------------------------------- firm: post and compare

async def poster(user: OptionalUser) -> User:
    user = policy.require_user(user)
    policy.require(policy.can_post_challenge(user), "只有企业用户可以发布榜单")
    return user


PosterDep = Annotated[User, Depends(poster)]


@router.get("/challenges/new")
def challenge_new(request: Request, session: SessionDep, user: PosterDep):
    return render(request, "marketplace/challenge_form.html", views.challenge_form(session, page_forms.FormResult()))


def bids_viewer(challenge: Challenge, user: User | None) -> User:
    """The bids page (and its fragments) exists only for the firm and the hosting center."""
    user = policy.require_user(user)
    if not policy.can_see_bids(user, challenge):
        raise NotFound("榜单不存在或无权查看揭榜申请")
    return user


async def bid_manager(challenge: ChallengeDep, user: OptionalUser) -> User:
    return bids_viewer(challenge, user)


@router.get("/challenges/{challenge_id:int}/bids")
def challenge_bids(request: Request, session: SessionDep, challenge: ChallengeDep, rank: RankerDep,
                   user: Annotated[User, Depends(bid_manager)]):
    return render(request, "marketplace/challenge_bids.html", views.bids(session, user=user, challenge=challenge, rank=rank))


@router.post("/challenges/new")
async def challenge_create(request: Request, session: SessionDep, user: PosterDep):
    form = page_forms.parse_challenge(await request.form())
    challenge = None
    if form.ok:
        try:
            challenge = flows.create_flow(session, data=form.model, by=user)
        except AppError as exc:
            form.fail(exc)
    if challenge is None:
        return render(request, "marketplace/challenge_form.html", views.challenge_form(session, form), status_code=422)
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)


@router.post("/challenges/{challenge_id:int}/publish")
def challenge_publish(session: SessionDep, challenge: ChallengeDep, user: CurrentUser):
    flows.publish_flow(session, challenge=challenge, by=user)
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)


@router.post("/challenges/{challenge_id:int}/nda")
async def challenge_nda(request: Request, session: SessionDep, challenge: ChallengeDep, user: OptionalUser):
    user = policy.require_user(user)
    if (await request.form()).get("agree") != "1":
        return RedirectResponse(f"/challenges/{challenge.id}#nda", status_code=303)
    flows.nda_flow(session, challenge=challenge, by=user)
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)


@router.post("/challenges/{challenge_id:int}/bids")
async def challenge_bid(request: Request, session: SessionDep, challenge: ChallengeDep, user: OptionalUser):
    user = policy.require_user(user)
    form = page_forms.parse_bid(await request.form())
    bid = None
    if form.ok:
        try:
            bid = flows.bid_flow(session, challenge=challenge, data=form.model, by=user)
        except Forbidden:
            raise
        except AppError as exc:
            form.fail(exc)
            if any(k.startswith("team") for k in form.errors):
                form.errors["members"] = next(v for k, v in form.errors.items() if k.startswith("team"))
    ctx = views.detail(session, user=user, challenge=challenge, bid=bid, bid_form=None if bid else form)
    if bid is None:
        return render(request, "marketplace/challenge_detail.html", ctx, block="bid_section", status_code=422)
    if request.headers.get("hx-request"):
        return render(request, "marketplace/challenge_detail.html", ctx, block="bid_section")
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)


# ---------------------------------------------------------------- firm: decide on bids

def _decided(request: Request, session: Session, user: User, challenge: Challenge, rank: RankEngineers | None,
             flash: str):
    if request.headers.get("hx-request"):
        return render(request, "marketplace/challenge_bids.html", views.bids(session, user=user, challenge=challenge, rank=rank, flash=flash),
                      block="bids")
    return RedirectResponse(f"/challenges/{challenge.id}/bids", status_code=303)


@router.post("/bids/{bid_id:int}/award")
async def bid_award(request: Request, session: SessionDep, bid: BidDep, user: CurrentUser, rank: RankerDep):
    challenge = bids.challenge_of(session, bid)
    form = page_forms.parse_award(await request.form())
    if not form.ok:
        bids_viewer(challenge, user)
        return render(request, "marketplace/challenge_bids.html",
                      views.bids(session, user=user, challenge=challenge, rank=rank, error="；".join(form.errors.values())),
                      block="bids", status_code=422)
    collaboration = flows.award_flow(session, challenge=challenge, bid=bid, by=user, **form.values)
    if request.headers.get("hx-request"):
        return render(request, "marketplace/challenge_bids.html",
                      views.bids(session, user=user, challenge=challenge, rank=rank, flash="已选定挂帅工程师，协作空间已开启。"), block="bids")
    return RedirectResponse(f"/collaborations/{collaboration.id}", status_code=303)


@router.post("/bids/{bid_id:int}/reject")
async def bid_reject(request: Request, session: SessionDep, bid: BidDep, user: CurrentUser, rank: RankerDep):
    challenge = bids.challenge_of(session, bid)
    form = page_forms.parse_reason(await request.form(), label="不选原因")
    if not form.ok:
        bids_viewer(challenge, user)
        return render(request, "marketplace/challenge_bids.html",
                      views.bids(session, user=user, challenge=challenge, rank=rank, error=form.errors["reason"]), block="bids", status_code=422)
    flows.reject_flow(session, bid=bid, challenge=challenge, by=user, reason=form.values["reason"])
    return _decided(request, session, user, challenge, rank, "已告知揭榜人未中选的原因。")


@router.post("/challenges/{challenge_id:int}/cancel")
async def challenge_cancel(request: Request, session: SessionDep, challenge: ChallengeDep, user: CurrentUser):
    form = page_forms.parse_reason(await request.form(), label="撤榜原因")
    if not form.ok:
        return RedirectResponse(f"/challenges/{challenge.id}#cancel", status_code=303)
    flows.cancel_flow(session, challenge=challenge, by=user, reason=form.values["reason"])
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)
