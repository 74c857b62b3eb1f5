"""A collaboration's workspace: the page, milestones, work logs, files, delivery, acceptance and ratings."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from accounts.deps import CurrentUser
from accounts.models import User
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError, NotFound
from core.templating import render
from marketplace.challenges import forms as page_forms
from marketplace.execution import flows, views
from marketplace.execution import service as execution
from marketplace.execution.deps import CollaborationDep, MilestoneDep
from marketplace.execution.models import Collaboration, Milestone
from marketplace.files import service as storage

# Included by workspace_pages (the module web.app lists); the same dependencies there resolve once per request.
router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])


# ---------------------------------------------------------------- the page

# ---------------------------------------------------------------- collaboration

@router.get("/collaborations/{collaboration_id:int}")
def collaboration_page(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    return render(request, "marketplace/challenge_work.html", views.collaboration(session, collab, user))


# ---------------------------------------------------------------- execution: milestones, logs, files, delivery

def _milestones_block(request: Request, session: Session, collab: Collaboration, user: User, *,
                      flash: str | None = None, error: str | None = None, status_code: int = 200):
    if request.headers.get("hx-request"):
        ctx = views.collaboration(session, collab, user)
        ctx.update(flash=flash, ms_error=error)
        return render(request, "marketplace/challenge_work.html", ctx, block="milestones", status_code=status_code)
    if error:
        ctx = views.collaboration(session, collab, user)
        ctx.update(ms_error=error)
        return render(request, "marketplace/challenge_work.html", ctx, status_code=status_code)
    return RedirectResponse(f"/collaborations/{collab.id}#milestones", status_code=303)


def _apply_form(session: Session, collab: Collaboration, user: User, form: page_forms.FormResult,
                step: Callable[..., object]) -> page_forms.FormResult:
    """Run the flow on a form that parsed; a value it refuses (422) goes next to its field."""
    if form.ok:
        try:
            step(session, collaboration=collab, challenge=execution.challenge_of(session, collab), data=form.model,
                 by=user)
        except AppError as exc:
            if exc.status != 422:
                raise
            form.fail(exc)
    return form


@router.post("/collaborations/{collaboration_id:int}/milestones")
async def milestone_add(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    form = _apply_form(session, collab, user, page_forms.parse_milestone(await request.form()),
                       flows.add_milestone_flow)
    if not form.ok:
        return _milestones_block(request, session, collab, user, error="；".join(form.errors.values()), status_code=422)
    return _milestones_block(request, session, collab, user, flash="已新增里程碑。")


def _milestone_scope(session: Session, milestone: Milestone, user: User) -> dict:
    collab = execution.collaboration_of(session, milestone)
    return {"milestone": milestone, "collaboration": collab, "challenge": execution.challenge_of(session, collab), "by": user}


@router.post("/milestones/{milestone_id:int}/submit")
def milestone_submit(request: Request, session: SessionDep, user: CurrentUser, milestone: MilestoneDep):
    scope = _milestone_scope(session, milestone, user)
    flows.submit_milestone_flow(session, **scope)
    return _milestones_block(request, session, scope["collaboration"], user, flash="已提交验收，等待企业确认。")


@router.post("/milestones/{milestone_id:int}/accept")
def milestone_accept(request: Request, session: SessionDep, user: CurrentUser, milestone: MilestoneDep):
    scope = _milestone_scope(session, milestone, user)
    flows.accept_milestone_flow(session, **scope)
    return _milestones_block(request, session, scope["collaboration"], user, flash="里程碑已验收通过。")


@router.post("/milestones/{milestone_id:int}/reject")
async def milestone_reject(request: Request, session: SessionDep, user: CurrentUser, milestone: MilestoneDep):
    scope = _milestone_scope(session, milestone, user)
    form = page_forms.parse_reason(await request.form(), label="退回原因")
    if not form.ok:
        return _milestones_block(request, session, scope["collaboration"], user, error=form.errors["reason"],
                                 status_code=422)
    flows.reject_milestone_flow(session, **scope, reason=form.values["reason"])
    return _milestones_block(request, session, scope["collaboration"], user, flash="已退回，工程师将按原因修改后重新提交。")


@router.post("/collaborations/{collaboration_id:int}/worklogs")
async def worklog_add(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    form = _apply_form(session, collab, user, page_forms.parse_worklog(await request.form()),
                       flows.worklog_flow)
    ctx = views.collaboration(session, collab, user)
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
    milestone = execution.find_milestone(session, int(milestone_raw)) if milestone_raw.isdigit() else None
    try:
        content = storage.read_upload(upload) if upload is not None and hasattr(upload, "read") else b""
        flows.upload_flow(session, collaboration=collab, challenge=execution.challenge_of(session, collab),
                          data=content, filename=getattr(upload, "filename", None), by=user,
                          note=str(data.get("note") or "")[:2000] or None, milestone=milestone)
    except AppError as exc:
        if exc.status != 422:
            raise
        ctx = views.collaboration(session, collab, user)
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
    flows.deliver_flow(session, collaboration=collab, challenge=execution.challenge_of(session, collab), by=user, note=note)
    return RedirectResponse(f"/collaborations/{collab.id}#delivery", status_code=303)


@router.post("/collaborations/{collaboration_id:int}/accept")
async def collaboration_accept(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    challenge = execution.challenge_of(session, collab)
    form = page_forms.parse_rating(await request.form())
    if not form.ok:
        ctx = views.collaboration(session, collab, user)
        ctx["rating_form"] = form
        return render(request, "marketplace/challenge_work.html", ctx, status_code=422)
    flows.accept_flow(session, collaboration=collab, challenge=challenge, by=user, rating=form.model)
    return RedirectResponse(f"/collaborations/{collab.id}#delivery", status_code=303)


@router.post("/collaborations/{collaboration_id:int}/reject")
async def collaboration_reject(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    form = page_forms.parse_reason(await request.form(), label="验收未通过的原因")
    if not form.ok:
        ctx = views.collaboration(session, collab, user)
        ctx["ms_error"] = form.errors["reason"]
        return render(request, "marketplace/challenge_work.html", ctx, status_code=422)
    flows.reject_flow(session, collaboration=collab, challenge=execution.challenge_of(session, collab), by=user,
                      reason=form.values["reason"])
    return RedirectResponse(f"/collaborations/{collab.id}#delivery", status_code=303)


@router.post("/collaborations/{collaboration_id:int}/rate")
async def collaboration_rate(request: Request, session: SessionDep, user: CurrentUser, collab: CollaborationDep):
    """The engineer's side of 市场评价: rating the firm after acceptance."""
    form = page_forms.parse_rating(await request.form())
    if not form.ok:
        ctx = views.collaboration(session, collab, user)
        ctx["rating_form"] = form
        return render(request, "marketplace/challenge_work.html", ctx, status_code=422)
    flows.rate_flow(session, collaboration=collab, challenge=execution.challenge_of(session, collab), by=user,
                    data=form.model)
    return RedirectResponse(f"/collaborations/{collab.id}#delivery", status_code=303)
