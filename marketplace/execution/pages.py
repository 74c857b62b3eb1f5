"""A collaboration's workspace: the page, milestones, work logs, files, delivery, acceptance and ratings."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session, col, select

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import Organisation, User
from core.clock import now
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError, NotFound
from core.eventlog import EVENT_KINDS, Event
from core.schemas import Strict
from core.templating import render
from marketplace import service
from marketplace.challenges import forms as page_forms
from marketplace.challenges.models import Challenge
from marketplace.execution import reputation
from marketplace.execution import service as execution
from marketplace.execution.deps import CollaborationDep, MilestoneDep, party_ids
from marketplace.execution.models import (
    Collaboration,
    CollaborationMember,
    Deliverable,
    Milestone,
    Rating,
    WorkLog,
)
from marketplace.execution.schemas import MilestoneCreate, RatingIn, WorkLogCreate
from marketplace.files import service as storage
from marketplace.files.models import StoredFile
from marketplace.flows import notify_new_events
from talent.models import Engineer

# Included by workspace_pages (the module web.app lists); the same dependencies there resolve once per request.
router = APIRouter(include_in_schema=False,
                   dependencies=[Depends(verify_csrf), Depends(notify_new_events, scope="function")])


# ---------------------------------------------------------------- the page

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
        "is_member": policy.is_team_member(user, party_ids(session, collaboration)),
        "rated": any(r.rater_id == user.id for r in ratings), "ratings": ratings,
        "today": now().date().isoformat(),
        "flash": None, "ms_error": None, "wl_form": None, "rating_form": None,
    }


# ---------------------------------------------------------------- collaboration

@router.get("/collaborations/{collaboration_id:int}")
def collaboration_page(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    return render(request, "marketplace/challenge_work.html", collaboration_view(session, collab, user))


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
