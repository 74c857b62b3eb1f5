"""Government and expert pages: ranking, talent map, recognition workflow, expert scoring."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import User
from centers import gov, recognition, scores, views, workdays
from centers.audit import audit_request
from centers.deps import ApplicationDep, CenterDep, operated_center, refuse_nul
from core.clock import today
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import Invalid
from core.templating import render
from talent.service import get_center

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf), Depends(refuse_nul),
                                                   Depends(audit_request, scope="function")])
YearQuery = Query(None, ge=2000, le=2100)
FormText = Annotated[str, Form()]


def _government(user: User) -> None:
    policy.require(policy.is_government(user), "仅限市州工信局、省工信厅和管理员")


def _yes(decision: str) -> bool:
    return decision in ("recommend", "pass", "recognise")


def _to_applications() -> RedirectResponse:
    return RedirectResponse("/gov/applications", status_code=303)


def _date(value: str | None, field: str) -> date:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError as exc:
        raise Invalid("日期格式应为 YYYY-MM-DD", field=field) from exc


@router.get("/gov")
def overview(request: Request, user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    _government(user)
    year = year or today().year
    return render(request, "gov/overview.html", {"year": year, "years": views.recent_years(),
                                                 **gov.ranking(session, user=user, year=year)})


@router.get("/gov/talent-map")
def talent_map(request: Request, user: CurrentUser, session: SessionDep):
    _government(user)
    return render(request, "gov/talent_map.html", gov.talent_map(session, city=user.region if user.role == "city" else None))


@router.get("/gov/applications")
def applications(request: Request, user: CurrentUser, session: SessionDep):
    _government(user)
    return render(request, "gov/applications.html", views.applications(session, user=user))


# ---------------------------------------------------------------- one route per step of 第八条's workflow

@router.post("/gov/applications/{application_id}/city")
def city_review(application: ApplicationDep, user: CurrentUser, session: SessionDep, decision: FormText = "",
                comment: FormText = ""):
    center = recognition.center_of(session, application)
    recognition.city_review(session, application=application, recommend=_yes(decision),
                            opinion=comment.strip(), by=user)
    return _to_applications()


@router.post("/gov/applications/{application_id}/province")
def province_review(application: ApplicationDep, user: CurrentUser, session: SessionDep, decision: FormText = "",
                    comment: FormText = ""):
    recognition.province_review(session, application=application, passed=_yes(decision), comment=comment.strip(), by=user)
    return _to_applications()


@router.post("/gov/applications/{application_id}/assign")
def assign_expert(application: ApplicationDep, user: CurrentUser, session: SessionDep, expert_id: FormText = ""):
    recognition.assign_expert(session, application=application, expert=recognition.expert_by_id(session, expert_id),
                              by=user)
    return _to_applications()


@router.post("/gov/applications/{application_id}/notice")
def start_notice(application: ApplicationDep, user: CurrentUser, session: SessionDep, start: FormText = ""):
    recognition.start_notice(session, application=application, start=_date(start, "start"), by=user)
    return _to_applications()


@router.post("/gov/applications/{application_id}/objection")
def object_to(application: ApplicationDep, user: CurrentUser, session: SessionDep, comment: FormText = ""):
    recognition.object_to(session, application=application, comment=comment.strip() or "公示异议", by=user)
    return _to_applications()


@router.post("/gov/applications/{application_id}/decide")
def decide(application: ApplicationDep, user: CurrentUser, session: SessionDep, decision: FormText = ""):
    recognition.decide(session, application=application, recognise=_yes(decision), by=user)
    return _to_applications()


@router.post("/gov/centers/{center_id}/assess")
def assess_center(center: CenterDep, user: CurrentUser, session: SessionDep, decision: FormText = "",
                  comment: FormText = ""):
    recognition.assess(session, center=center, passed=decision == "pass", by=user, comment=comment.strip())
    return _to_applications()


@router.post("/gov/centers/{center_id}/revoke")
def revoke_center(center: CenterDep, user: CurrentUser, session: SessionDep, comment: FormText = ""):
    recognition.revoke(session, center=center, reason=comment.strip() or "第十四条", by=user)
    return _to_applications()


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
    return render(request, "gov/application_form.html", views.my_application(session, center=center))


@router.post("/center/application")
async def submit_application(request: Request, user: CurrentUser, session: SessionDep):
    center = operated_center(session, user)
    form = await request.form()
    recognition.submit(session, center=center, year=today().year, plan=str(form.get("plan") or ""), by=user)
    return RedirectResponse("/center/application", status_code=303)


@router.get("/expert")
def expert_home(request: Request, user: CurrentUser, session: SessionDep):
    policy.require(policy.can_score(user), "仅限评审专家")
    return render(request, "gov/expert_home.html", views.expert_home(session, expert=user))


@router.get("/expert/centers/{center_id}")
def expert_form(request: Request, center: CenterDep, user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    policy.require(policy.can_score(user), "仅限评审专家")
    return render(request, "gov/expert_form.html", views.expert_form(session, center=center, year=year or today().year,
                                                                     expert=user))


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
