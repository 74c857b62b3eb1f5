"""Government and expert pages: ranking, talent map, recognition workflow, expert scoring."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from sqlmodel import select

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import User
from centers import gov, recognition, scores, workdays
from centers.audit import audit_request
from centers.deps import CenterDep, operated_center, refuse_nul
from centers.indicators.engine import compute_indicators
from centers.models import Application, WorkdaySchedule
from core.clock import today
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import Invalid, NotFound
from core.templating import render
from talent.models import Center
from talent.service import get_center

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf), Depends(refuse_nul),
                                                   Depends(audit_request, scope="function")])
YearQuery = Query(None, ge=2000, le=2100)


def _government(user: User) -> None:
    policy.require(policy.is_government(user), "仅限市州工信局、省工信厅和管理员")


def application_or_404(application_id: int, session: SessionDep) -> Application:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("申报记录不存在")
    return application


def _date(value: str | None, field: str) -> date:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError as exc:
        raise Invalid("日期格式应为 YYYY-MM-DD", field=field) from exc


@router.get("/gov")
def overview(request: Request, user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    _government(user)
    year = year or today().year
    return render(request, "gov/overview.html", {"year": year, "years": list(range(today().year, today().year - 5, -1)),
                                                 **gov.ranking(session, user=user, year=year)})


@router.get("/gov/talent-map")
def talent_map(request: Request, user: CurrentUser, session: SessionDep):
    _government(user)
    return render(request, "gov/talent_map.html", gov.talent_map(session, city=user.region if user.role == "city" else None))


@router.get("/gov/applications")
def applications(request: Request, user: CurrentUser, session: SessionDep):
    _government(user)
    centers = {c.id: c for c in gov.visible_centers(session, user=user)}
    rows = session.exec(select(Application).where(Application.kind == "recognition",
                                                  Application.center_id.in_(list(centers)))  # type: ignore[attr-defined]
                        .order_by(Application.id.desc())).all()  # type: ignore[union-attr]
    year = today().year
    totals = {a.id: compute_indicators(session, center=centers[a.center_id], year=a.year)["total"]
              for a in rows if a.status in ("expert_review", "public_notice")}
    ordered = sorted(rows, key=lambda a: (a.status != "expert_review", -totals.get(a.id, 0)))
    return render(request, "gov/applications.html", {
        "applications": [(a, centers[a.center_id]) for a in ordered], "labels": recognition.APPLICATION_LABELS,
        "totals": totals, "experts": recognition.experts(session) if policy.can_review_province(user) else [],
        "managed": [c for c in centers.values() if c.status in ("培育期", "已认定", "整改期")],
        "proposals": recognition.revocation_proposals(session, year=year) if policy.can_review_province(user) else [],
        "can_province": policy.can_review_province(user), "today": today(), "year": year,
        "centers": list(centers.values()), "incident_kinds": recognition.INCIDENT_KINDS,
        "library_knows_next": workdays.library_knows(year + 1),
        "schedule": session.exec(select(WorkdaySchedule).where(WorkdaySchedule.day >= date(year, 1, 1))
                                 .order_by(WorkdaySchedule.day)).all(),
    })


@router.post("/gov/applications/{application_id}/{step}")
async def application_step(application_id: int, step: str, request: Request, user: CurrentUser, session: SessionDep):
    application = application_or_404(application_id, session)
    form = await request.form()
    comment = str(form.get("comment") or "").strip()
    yes = form.get("decision") in ("recommend", "pass", "recognise")
    if step == "city":
        recognition.city_review(session, application=application, recommend=yes, opinion=comment, by=user)
    elif step == "assign":
        expert = session.get(User, int(form.get("expert_id") or 0)) if str(form.get("expert_id") or "").isdigit() else None
        if expert is None:
            raise Invalid("请选择评审专家", field="expert_id")
        recognition.assign_expert(session, application=application, expert=expert, by=user)
    elif step == "province":
        recognition.province_review(session, application=application, passed=yes, comment=comment, by=user)
    elif step == "notice":
        recognition.start_notice(session, application=application, start=_date(form.get("start"), "start"), by=user)
    elif step == "objection":
        recognition.object_to(session, application=application, comment=comment or "公示异议", by=user)
    elif step == "decide":
        recognition.decide(session, application=application, recognise=yes, by=user)
    else:
        raise NotFound("操作不存在")
    return RedirectResponse("/gov/applications", status_code=303)


@router.post("/gov/centers/{center_id}/{action}")
async def manage_center(action: str, center: CenterDep, request: Request, user: CurrentUser, session: SessionDep):
    form = await request.form()
    comment = str(form.get("comment") or "").strip()
    if action == "assess":
        recognition.assess(session, center=center, passed=form.get("decision") == "pass", by=user, comment=comment)
    elif action == "revoke":
        recognition.revoke(session, center=center, reason=comment or "第十四条", by=user)

    else:
        raise NotFound("操作不存在")
    return RedirectResponse("/gov/applications", status_code=303)


@router.post("/gov/incidents")
async def record_incident(request: Request, user: CurrentUser, session: SessionDep):
    form = await request.form()
    center = get_center(session, str(form.get("center_id") or "-"))
    recognition.record_incident(session, center=center, kind=str(form.get("kind") or ""),
                                happened_on=_date(form.get("happened_on"), "happened_on") if form.get("happened_on") else None,
                                description=str(form.get("description") or ""), severe=bool(form.get("severe")), by=user)
    return RedirectResponse("/gov/applications#incidents", status_code=303)


@router.post("/gov/workdays")
async def enter_workday(request: Request, user: CurrentUser, session: SessionDep):
    policy.require(policy.can_review_province(user), "只有省工信厅或管理员可以录入放假安排")
    form = await request.form()
    workdays.enter_day(session, day=_date(form.get("day"), "day"), is_workday=form.get("is_workday") == "1",
                       note=str(form.get("note") or "")[:60])
    return RedirectResponse("/gov/applications#workdays", status_code=303)


@router.get("/center/application")
def my_application(request: Request, user: CurrentUser, session: SessionDep):
    center = operated_center(session, user)
    rows = session.exec(select(Application).where(Application.center_id == center.id)
                        .order_by(Application.id.desc())).all()  # type: ignore[union-attr]
    latest = next((a for a in rows if a.kind == "recognition"), None)
    return render(request, "gov/application_form.html", {
        "center": center, "applications": rows, "labels": recognition.APPLICATION_LABELS,
        "checklist": recognition.checklist(session, center, latest), "year": today().year})


@router.post("/center/application")
async def submit_application(request: Request, user: CurrentUser, session: SessionDep):
    center = operated_center(session, user)
    form = await request.form()
    recognition.submit(session, center=center, year=today().year, plan=str(form.get("plan") or ""), by=user)
    return RedirectResponse("/center/application", status_code=303)


@router.get("/expert")
def expert_home(request: Request, user: CurrentUser, session: SessionDep):
    policy.require(policy.can_score(user), "仅限评审专家")
    reviewing = recognition.assigned_to(session, expert=user)
    centers = session.exec(select(Center).order_by(Center.name)).all()
    return render(request, "gov/expert_home.html", {"reviewing": [(a, session.get(Center, a.center_id)) for a in reviewing],
                                                    "centers": centers, "year": today().year})


@router.get("/expert/centers/{center_id}")
def expert_form(request: Request, center: CenterDep, user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    policy.require(policy.can_score(user), "仅限评审专家")
    year = year or today().year
    return render(request, "gov/expert_form.html", {
        "center": center, "year": year, "result": compute_indicators(session, center=center, year=year),
        "mine": scores.scores_by(session, center=center, year=year, expert=user)})


@router.post("/expert/centers/{center_id}")
async def expert_save(center: CenterDep, request: Request, user: CurrentUser, session: SessionDep,
                      year: int | None = YearQuery):
    year = year or today().year
    form = await request.form()
    items = []
    for key, value in form.items():
        if key.startswith("score_") and str(value).strip():
            line_id = key.removeprefix("score_")
            try:
                score = Decimal(str(value).strip())
            except InvalidOperation as exc:
                raise Invalid("分数应为数字", field=key) from exc
            try:
                items.append(scores.ScoreIn(line_id=line_id, score=score,
                                            comment=str(form.get(f"comment_{line_id}") or "") or None))
            except ValueError as exc:
                raise Invalid("分数不能为负，指标编号须有效", field=key) from exc
    if not items:
        raise Invalid("请至少为一项指标打分", field="score")
    scores.record_scores(session, center=center, year=year, scores=items, by=user)
    return RedirectResponse(f"/expert/centers/{center.id}?year={year}", status_code=303)
