"""Workspaces: the firm's (/firm), the engineer's (/engineer, profile) and a collaboration's."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import Organisation, User
from core.clock import now
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError, NotFound
from core.templating import render
from marketplace.flows import notify_new_events
from marketplace import bids, execution, page_forms, reputation, service, storage
from marketplace.events import EVENT_KINDS
from marketplace.schemas import MilestoneCreate, RatingIn, Strict, WorkLogCreate
from matching import service as matching_service
from marketplace.models import (Bid, BidStatus, Challenge, Collaboration, CollaborationMember, Deliverable, Engineer,
                                Event, Milestone, Rating, ShareAgreement, StoredFile, WorkLog)

router = APIRouter(include_in_schema=False,
                   dependencies=[Depends(verify_csrf), Depends(notify_new_events, scope="function")])

FIRM_GROUPS = [
    ("draft", "草稿", {"draft"}),
    ("open", "揭榜中", {"open", "bidding_closed", "answered"}),
    ("working", "攻关中", {"awarded", "in_progress", "delivered"}),
    ("done", "已完成", {"accepted", "closed", "resolved"}),
    ("ended", "已撤榜或过期", {"cancelled", "expired"}),
]
ACTIVE_COLLAB = ("in_progress", "delivered", "disputed")


# ---------------------------------------------------------------- loaders

def firm_user(user: CurrentUser) -> User:
    policy.require(policy.is_role(user, "sme") and user.organisation_id is not None, "企业工作台仅对企业用户开放")
    return user


def engineer_user(user: CurrentUser) -> User:
    policy.require(policy.can_bid(user), "工程师工作台仅对共享工程师开放")
    return user


FirmDep = Annotated[User, Depends(firm_user)]
EngineerUserDep = Annotated[User, Depends(engineer_user)]


def member_ids(session: Session, collaboration: Collaboration) -> set[int]:
    rows = session.exec(select(CollaborationMember.engineer_id)
                        .where(CollaborationMember.collaboration_id == collaboration.id)).all()
    return set(rows) | {collaboration.lead_engineer_id}


def collaboration_or_404(collaboration_id: int, session: SessionDep, user: CurrentUser) -> Collaboration:
    collaboration = session.get(Collaboration, collaboration_id)
    if collaboration is None:
        raise NotFound("协作项目不存在")
    challenge = session.get(Challenge, collaboration.challenge_id)
    if not policy.can_see_collaboration(user, collaboration, challenge, member_ids(session, collaboration)):
        raise NotFound("协作项目不存在")
    return collaboration


CollaborationDep = Annotated[Collaboration, Depends(collaboration_or_404)]


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


def collaboration_view(session: Session, collaboration: Collaboration, user: User) -> dict:
    challenge = session.get(Challenge, collaboration.challenge_id)
    team = session.exec(select(Engineer, CollaborationMember)
                        .join(CollaborationMember, CollaborationMember.engineer_id == Engineer.id)
                        .where(CollaborationMember.collaboration_id == collaboration.id)).all()
    lead = session.get(Engineer, collaboration.lead_engineer_id)
    events = session.exec(select(Event).where(Event.collaboration_id == collaboration.id)
                          .order_by(col(Event.at), col(Event.id))).all()
    ratings = session.exec(select(Rating).where(Rating.collaboration_id == collaboration.id)).all()
    files = session.exec(select(Deliverable, StoredFile).outerjoin(StoredFile, StoredFile.id == Deliverable.file_id)
                         .where(Deliverable.collaboration_id == collaboration.id)
                         .order_by(col(Deliverable.created_at).desc())).all()
    is_firm = policy.can_accept(user, challenge)
    return {
        "collab": collaboration, "challenge": challenge, "lead": lead, "team": team,
        "company": session.get(Organisation, challenge.company_id),
        "milestones": session.exec(select(Milestone).where(Milestone.collaboration_id == collaboration.id)
                                   .order_by(Milestone.seq)).all(),
        "worklogs": session.exec(select(WorkLog, Engineer).join(Engineer, Engineer.id == WorkLog.engineer_id)
                                 .where(WorkLog.collaboration_id == collaboration.id)
                                 .order_by(col(WorkLog.day).desc())).all(),
        "deliverables": files, "events": events, "event_labels": EVENT_KINDS,
        "is_firm": is_firm, "is_lead": policy.is_lead(user, collaboration),
        "is_member": policy.is_team_member(user, member_ids(session, collaboration)),
        "rated": any(r.rater_id == user.id for r in ratings), "ratings": ratings,
        "today": now().date().isoformat(),
        "flash": None, "ms_error": None, "wl_form": None, "rating_form": None,
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
    update_profile(session, engineer=engineer, values=form.values)
    return RedirectResponse("/engineer/profile?saved=1", status_code=303)


def update_profile(session: Session, *, engineer: Engineer, values: dict) -> Engineer:
    """The engineer's own profile fields; matching picks the change up from updated_at."""
    for name in ("name", "title", "region", "skills", "fields", "bio", "capacity", "available"):
        setattr(engineer, name, values[name])
    engineer.updated_at = now()
    session.add(engineer)
    session.flush()
    matching_service.mark_dirty(session, "engineer", engineer.id)  # the matcher re-embeds the profile
    return engineer


# ---------------------------------------------------------------- collaboration

@router.get("/collaborations/{collaboration_id:int}")
def collaboration_page(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    return render(request, "marketplace/challenge_work.html", collaboration_view(session, collab, user))


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


# ---------------------------------------------------------------- execution: milestones, logs, files, delivery

def _challenge_of(session: Session, collaboration: Collaboration) -> Challenge:
    return session.get(Challenge, collaboration.challenge_id)


def _milestones_block(request: Request, session: Session, collab: Collaboration, user: User, *,
                      flash: str | None = None, error: str | None = None, status_code: int = 200):
    if request.headers.get("hx-request"):
        ctx = collaboration_view(session, collab, user)
        ctx.update(flash=flash, ms_error=error)
        return render(request, "marketplace/challenge_work.html", ctx, block="milestones", status_code=status_code)
    if error:
        ctx = collaboration_view(session, collab, user)
        ctx.update(ms_error=error)
        return render(request, "marketplace/challenge_work.html", ctx, status_code=status_code)
    return RedirectResponse(f"/collaborations/{collab.id}#milestones", status_code=303)


def milestone_or_404(milestone_id: int, session: SessionDep, user: CurrentUser) -> Milestone:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound("里程碑不存在")
    collaboration_or_404(milestone.collaboration_id, session, user)  # the same visibility as its collaboration
    return milestone


MilestoneDep = Annotated[Milestone, Depends(milestone_or_404)]


def _apply_form(session: Session, collab: Collaboration, user: User, form: page_forms.FormResult,
                step: Callable[..., object], schema: type[Strict]) -> page_forms.FormResult:
    """Run the service step on a form that parsed; a value it refuses (422) goes next to its field."""
    if form.ok:
        try:
            step(session, collaboration=collab, challenge=_challenge_of(session, collab), data=schema(**form.values),
                 by=user)
        except (AppError, ValidationError) as exc:
            if isinstance(exc, AppError) and exc.status != 422:
                raise
            form.fail(exc)
    return form


@router.post("/collaborations/{collaboration_id:int}/milestones")
async def milestone_add(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    form = _apply_form(session, collab, user, page_forms.parse_milestone(await request.form()),
                       execution.add_milestone, MilestoneCreate)
    if not form.ok:
        return _milestones_block(request, session, collab, user, error="；".join(form.errors.values()), status_code=422)
    return _milestones_block(request, session, collab, user, flash="已新增里程碑。")


@router.post("/milestones/{milestone_id:int}/{action}")
async def milestone_decide(request: Request, session: SessionDep, user: CurrentUser, milestone: MilestoneDep,
                           action: str):
    collab = session.get(Collaboration, milestone.collaboration_id)
    scope = {"milestone": milestone, "collaboration": collab, "challenge": _challenge_of(session, collab), "by": user}
    if action == "submit":
        execution.submit_milestone(session, **scope)
        flash = "已提交验收，等待企业确认。"
    elif action == "accept":
        execution.accept_milestone(session, **scope)
        flash = "里程碑已验收通过。"
    elif action == "reject":
        form = page_forms.parse_reason(await request.form(), label="退回原因")
        if not form.ok:
            return _milestones_block(request, session, collab, user, error=form.errors["reason"], status_code=422)
        execution.reject_milestone(session, **scope, reason=form.values["reason"])
        flash = "已退回，工程师将按原因修改后重新提交。"
    else:
        raise NotFound("不支持的操作")
    return _milestones_block(request, session, collab, user, flash=flash)


@router.post("/collaborations/{collaboration_id:int}/worklogs")
async def worklog_add(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    form = _apply_form(session, collab, user, page_forms.parse_worklog(await request.form()),
                       execution.add_worklog, WorkLogCreate)
    ctx = collaboration_view(session, collab, user)
    ctx["wl_form"] = form
    if request.headers.get("hx-request"):
        return render(request, "marketplace/challenge_work.html", ctx, block="worklogs",
                      status_code=200 if form.ok else 422)
    if not form.ok:
        return render(request, "marketplace/challenge_work.html", ctx, status_code=422)
    return RedirectResponse(f"/collaborations/{collab.id}#worklogs", status_code=303)


@router.post("/collaborations/{collaboration_id:int}/deliverables")
async def deliverable_upload(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    data = await request.form()
    upload = data.get("file")
    milestone_raw = str(data.get("milestone_id") or "")
    milestone = session.get(Milestone, int(milestone_raw)) if milestone_raw.isdigit() else None
    try:
        content = storage.read_upload(upload) if upload is not None and hasattr(upload, "read") else b""
        execution.upload_deliverable(session, collaboration=collab, challenge=_challenge_of(session, collab),
                                     data=content, filename=getattr(upload, "filename", None), by=user,
                                     note=str(data.get("note") or "")[:2000] or None, milestone=milestone)
    except AppError as exc:
        if exc.status != 422:
            raise
        ctx = collaboration_view(session, collab, user)
        ctx["ms_error"] = f"上传失败：{exc.message}"
        return render(request, "marketplace/challenge_work.html", ctx, status_code=422)
    return RedirectResponse(f"/collaborations/{collab.id}#deliverables", status_code=303)


@router.get("/collaborations/{collaboration_id:int}/files/{file_id:int}")
def deliverable_download(session: SessionDep, user: CurrentUser, collab: CollaborationDep, file_id: int):
    """Only the parties get the file, always as a download, never rendered."""
    from fastapi.responses import Response
    from urllib.parse import quote

    from marketplace import storage

    stored = next((f for _, f in execution.deliverables(session, collab) if f is not None and f.id == file_id), None)
    if stored is None:
        raise NotFound("文件不存在")
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(stored.filename)}",
               "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
    return Response(storage.read(stored), media_type="application/octet-stream", headers=headers)


@router.post("/collaborations/{collaboration_id:int}/deliver")
async def collaboration_deliver(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    note = str((await request.form()).get("note") or "").strip()[:5000] or None
    execution.deliver(session, collaboration=collab, challenge=_challenge_of(session, collab), by=user, note=note)
    return RedirectResponse(f"/collaborations/{collab.id}#delivery", status_code=303)


@router.post("/collaborations/{collaboration_id:int}/accept")
async def collaboration_accept(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    challenge = _challenge_of(session, collab)
    policy.require(policy.can_accept(user, challenge), "只有发榜企业可以验收")
    form = page_forms.parse_rating(await request.form())
    if not form.ok:
        ctx = collaboration_view(session, collab, user)
        ctx["rating_form"] = form
        return render(request, "marketplace/challenge_work.html", ctx, status_code=422)
    service.accept_and_rate(session, collaboration=collab, challenge=challenge, by=user, rating=_rating_in(form.values))
    return RedirectResponse(f"/collaborations/{collab.id}#delivery", status_code=303)


@router.post("/collaborations/{collaboration_id:int}/reject")
async def collaboration_reject(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    form = page_forms.parse_reason(await request.form(), label="验收未通过的原因")
    if not form.ok:
        ctx = collaboration_view(session, collab, user)
        ctx["ms_error"] = form.errors["reason"]
        return render(request, "marketplace/challenge_work.html", ctx, status_code=422)
    execution.reject_delivery(session, collaboration=collab, challenge=_challenge_of(session, collab), by=user,
                              reason=form.values["reason"])
    return RedirectResponse(f"/collaborations/{collab.id}#delivery", status_code=303)


@router.post("/collaborations/{collaboration_id:int}/rate")
async def collaboration_rate(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    """The engineer's side of 市场评价: rating the firm after acceptance."""
    form = page_forms.parse_rating(await request.form())
    if not form.ok:
        ctx = collaboration_view(session, collab, user)
        ctx["rating_form"] = form
        return render(request, "marketplace/challenge_work.html", ctx, status_code=422)
    reputation.rate(session, collaboration=collab, challenge=_challenge_of(session, collab), by=user,
                    data=_rating_in(form.values))
    return RedirectResponse(f"/collaborations/{collab.id}#delivery", status_code=303)


def _rating_in(values: dict) -> RatingIn:
    scores = [values[k] for k in ("quality", "timeliness", "communication")]
    return RatingIn(overall=round(sum(scores) / len(scores)), quality=values["quality"],
                    timeliness=values["timeliness"], communication=values["communication"], comment=values["comment"])
