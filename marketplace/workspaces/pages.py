"""Workspaces: the firm's (/firm) and the engineer's (/engineer, profile, bids).

A collaboration's workspace is in collaboration_pages; its routes are included here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func
from sqlmodel import Session, col, select

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import Organisation, User
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import NotFound
from core.templating import render
from marketplace.challenges import bids
from marketplace.challenges import forms as page_forms
from marketplace.challenges.models import Bid, BidStatus, Challenge
from marketplace.execution.models import (
    Collaboration,
    CollaborationMember,
    Milestone,
    ShareAgreement,
    WorkLog,
)
from marketplace.execution.pages import router as collaboration_router
from marketplace.flows import notify_new_events
from talent import service as talent
from talent.models import Engineer

router = APIRouter(include_in_schema=False,
                   dependencies=[Depends(verify_csrf), Depends(notify_new_events, scope="function")])
router.include_router(collaboration_router)

FIRM_GROUPS = [
    ("draft", "草稿", {"draft"}),
    ("open", "揭榜中", {"open", "bidding_closed", "answered"}),
    ("working", "攻关中", {"awarded", "in_progress", "delivered"}),
    ("done", "已完成", {"accepted", "closed", "resolved"}),
    ("ended", "已撤榜或过期", {"cancelled", "expired"}),
]
ACTIVE_COLLAB = ("in_progress", "delivered", "disputed")


# ---------------------------------------------------------------- loaders

async def firm_user(user: CurrentUser) -> User:
    policy.require(policy.is_role(user, "sme") and user.organisation_id is not None, "企业工作台仅对企业用户开放")
    return user


async def engineer_user(user: CurrentUser) -> User:
    policy.require(policy.can_bid(user), "工程师工作台仅对共享工程师开放")
    return user


FirmDep = Annotated[User, Depends(firm_user)]
EngineerUserDep = Annotated[User, Depends(engineer_user)]


def firm_overview(session: Session, organisation_id: int) -> dict:
    challenges = session.exec(select(Challenge).where(Challenge.company_id == organisation_id)
                              .order_by(col(Challenge.created_at).desc())).all()
    ids = [c.id for c in challenges]
    bid_counts = dict(session.exec(select(Bid.challenge_id, func.count()).where(col(Bid.challenge_id).in_(ids),
                                   Bid.status != BidStatus.withdrawn).group_by(Bid.challenge_id)).all()) if ids else {}
    collabs = {c.challenge_id: c for c in session.exec(select(Collaboration)
                                                        .where(col(Collaboration.challenge_id).in_(ids))).all()} if ids else {}
    groups = []
    for key, label, states in FIRM_GROUPS:
        items = [(c, bid_counts.get(c.id, 0), collabs.get(c.id)) for c in challenges if c.status in states]
        groups.append((key, label, items))
    pending = session.exec(
        select(Milestone, Collaboration, Challenge)
        .join(Collaboration, Collaboration.id == Milestone.collaboration_id)
        .join(Challenge, Challenge.id == Collaboration.challenge_id)
        .where(Challenge.company_id == organisation_id, Milestone.status == "submitted")
    ).all() if ids else []
    counts = {key: len(items) for key, _, items in groups}
    counts["to_review"] = len(pending) + sum(1 for c in collabs.values() if c.status == "delivered")
    return {"groups": groups, "pending_milestones": pending, "counts": counts}


def engineer_overview(session: Session, engineer: Engineer) -> dict:
    bids = session.exec(select(Bid, Challenge).join(Challenge, Challenge.id == Bid.challenge_id)
                        .where(Bid.engineer_id == engineer.id).order_by(col(Bid.created_at).desc())).all()
    mine = select(CollaborationMember.collaboration_id).where(CollaborationMember.engineer_id == engineer.id)
    collabs = session.exec(select(Collaboration, Challenge).join(Challenge, Challenge.id == Collaboration.challenge_id)
                           .where((Collaboration.lead_engineer_id == engineer.id) | col(Collaboration.id).in_(mine))
                           .order_by(col(Collaboration.started_at).desc())).all()
    rows = []
    for collab, challenge in collabs:
        milestones = session.exec(select(Milestone).where(Milestone.collaboration_id == collab.id)
                                  .order_by(Milestone.seq)).all()
        hours = session.exec(select(func.coalesce(func.sum(WorkLog.hours), 0)).where(
            WorkLog.collaboration_id == collab.id, WorkLog.engineer_id == engineer.id)).one()
        rows.append((collab, challenge, milestones, Decimal(hours)))
    shares = session.exec(select(ShareAgreement, Challenge)
                          .join(Collaboration, Collaboration.id == ShareAgreement.collaboration_id)
                          .join(Challenge, Challenge.id == Collaboration.challenge_id)
                          .where(ShareAgreement.engineer_id == engineer.id)).all()
    return {
        "engineer": engineer, "bids": bids, "collaborations": rows, "shares": shares,
        "active_count": sum(1 for c, *_ in rows if c.status in ACTIVE_COLLAB),
        "reward_total": sum((s.amount or Decimal(0) for s, _ in shares), Decimal(0)),
        "flash": None,
    }


# ---------------------------------------------------------------- firm

@router.get("/firm")
def firm_home(request: Request, session: SessionDep, user: FirmDep):
    ctx = firm_overview(session, user.organisation_id)
    ctx["org"] = session.get(Organisation, user.organisation_id)
    return render(request, "marketplace/firm_home.html", ctx)


# ---------------------------------------------------------------- engineer

def _my_engineer(session: Session, user: User) -> Engineer:
    engineer = session.get(Engineer, user.engineer_id)
    if engineer is None:
        raise NotFound("工程师档案不存在")
    return engineer


@router.get("/engineer")
def engineer_home(request: Request, session: SessionDep, user: EngineerUserDep):
    return render(request, "marketplace/engineer_home.html", engineer_overview(session, _my_engineer(session, user)))


def _profile_form(engineer: Engineer) -> page_forms.FormResult:
    return page_forms.FormResult(raw={
        "name": engineer.name, "title": engineer.title or "", "region": engineer.region or "",
        "skills": "、".join(engineer.skills), "fields": "、".join(engineer.fields), "bio": engineer.bio or "",
        "capacity": str(engineer.capacity), "available": "1" if engineer.available else "",
    })


@router.get("/engineer/profile")
def engineer_profile_form(request: Request, session: SessionDep, user: EngineerUserDep):
    engineer = _my_engineer(session, user)
    return render(request, "marketplace/engineer_profile.html", {"engineer": engineer, "form": _profile_form(engineer),
                                                                 "saved": request.query_params.get("saved") == "1"})


@router.post("/engineer/profile")
async def engineer_profile_save(request: Request, session: SessionDep, user: EngineerUserDep):
    engineer = _my_engineer(session, user)
    form = page_forms.parse_profile(await request.form())
    if not form.ok:
        return render(request, "marketplace/engineer_profile.html", {"engineer": engineer, "form": form, "saved": False},
                      status_code=422)
    talent.update_profile(session, engineer=engineer, values=form.values)
    return RedirectResponse("/engineer/profile?saved=1", status_code=303)


@router.post("/bids/{bid_id:int}/withdraw")
def bid_withdraw(request: Request, session: SessionDep, user: EngineerUserDep, bid_id: int):
    bid = session.get(Bid, bid_id)
    if bid is None or not policy.can_withdraw_bid(user, bid):
        raise NotFound("揭榜申请不存在")
    bids.withdraw_bid(session, bid=bid, challenge=session.get(Challenge, bid.challenge_id), by=user)
    if request.headers.get("hx-request"):
        ctx = engineer_overview(session, _my_engineer(session, user))
        ctx["flash"] = "已撤回揭榜申请。"
        return render(request, "marketplace/engineer_home.html", ctx, block="my_bids")
    return RedirectResponse("/engineer", status_code=303)
