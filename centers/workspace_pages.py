"""The operator's workspace (/center): profile, pool, roster import, resources and bookings, records."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse

from accounts import policy
from accounts.deps import CurrentUser
from centers import bookings, flows, records, service, views
from centers.deps import operated_center, refuse_nul
from core.clock import today
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import Invalid
from core.templating import environment, render
from marketplace.files.service import read_upload
from talent import pool
from talent.models import PoolStatus
from talent.service import get_engineer

environment().globals.update(PoolStatus=PoolStatus)
router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf), Depends(refuse_nul)])
MAX_UPLOAD = 5 * 1024 * 1024


def _back(anchor: str, message: str | None = None) -> RedirectResponse:
    suffix = f"?done={message}" if message else ""
    return RedirectResponse(f"/center{suffix}#{anchor}", status_code=303)


@router.get("/center")
def workspace(request: Request, user: CurrentUser, session: SessionDep, kind: str = Query("training", max_length=12),
              done: str | None = Query(None, max_length=40)):
    center = operated_center(session, user)
    return render(request, "centers/workspace.html", views.workspace(session, center=center, kind=kind, done=done),
                  block="records" if request.headers.get("hx-target") == "records" else None)


@router.post("/center/profile")
async def save_profile(request: Request, user: CurrentUser, session: SessionDep):
    center = operated_center(session, user)
    form = await request.form()
    values = {k: (str(v).strip() or None) for k, v in form.items() if k in service.CenterUpdate.model_fields}
    try:
        data = service.CenterUpdate.model_validate(values)
    except Exception as exc:
        raise Invalid("场地面积与人数应为非负整数", field="profile") from exc
    service.update_profile(session, center=center, data=data, by=user)
    return _back("profile", "资料已保存")


@router.post("/center/pool/invite")
async def invite(request: Request, user: CurrentUser, session: SessionDep):
    center = operated_center(session, user)
    form = await request.form()
    engineer = get_engineer(session, str(form.get("engineer", "")).strip() or "-")
    pool.add_member(session, center=center, engineer=engineer, engagement=str(form.get("engagement") or "兼职"),
                    long_term=bool(form.get("long_term")), status="invited", by=user)
    return _back("pool", "已发出邀请")


@router.post("/center/pool/{membership_id}/approve")
def pool_approve(membership_id: int, user: CurrentUser, session: SessionDep):
    center = operated_center(session, user)
    flows.approve_member_flow(session, membership=pool.membership_of(session, center=center, membership_id=membership_id),
                              center=center, by=user)
    return _back("pool", "工程师库已更新")


@router.post("/center/pool/{membership_id}/remove")
def pool_remove(membership_id: int, user: CurrentUser, session: SessionDep):
    center = operated_center(session, user)
    flows.remove_member_flow(session, membership=pool.membership_of(session, center=center, membership_id=membership_id),
                             center=center, by=user)
    return _back("pool", "工程师库已更新")


@router.post("/center/pool/import")
async def import_roster(user: CurrentUser, session: SessionDep, file: UploadFile = File(...)):
    center = operated_center(session, user)
    content = read_upload(file, limit=MAX_UPLOAD)
    result = flows.import_roster_flow(session, center=center, filename=file.filename or "", content=content, by=user)
    return _back("pool", f"导入{result['rows']}人")


@router.post("/center/records/{kind}")
async def add_record(kind: str, request: Request, user: CurrentUser, session: SessionDep):
    center = operated_center(session, user)
    form = await request.form()
    data = records.parse(kind, {k: str(v) for k, v in form.items()})
    records.add_record(session, center=center, kind=kind, data=data, by=user)
    return RedirectResponse(f"/center?kind={kind}&done=已登记#records", status_code=303)


@router.get("/resources/{resource_id}/calendar")
def calendar(request: Request, resource_id: int, user: CurrentUser, session: SessionDep,
             month: str | None = Query(None, pattern=r"^\d{4}-\d{2}$")):
    resource = bookings.resource_of(session, resource_id)
    policy.require(policy.can_book_resource(user, resource), "该资源未对外开放")
    day = today()
    year, number = (int(month[:4]), int(month[5:])) if month else (day.year, day.month)
    grid = bookings.month_grid(session, resource=resource, year=year, month=number)
    return render(request, "centers/calendar.html", {"resource": resource, "grid": grid, "today": day,
                                                     "usage": bookings.utilisation(session, resource=resource, year=year)},
                  block="calendar")


@router.post("/resources/{resource_id}/bookings")
async def book(resource_id: int, request: Request, user: CurrentUser, session: SessionDep):
    resource = bookings.resource_of(session, resource_id)
    form = await request.form()
    try:
        data = bookings.BookingIn.model_validate({k: str(v) for k, v in form.items() if k != "csrf_token"})
    except Exception as exc:
        raise Invalid("请填写日期、开始时间（0-23 时）、时长（小时）和用途", field="booking") from exc
    flows.book_flow(session, resource=resource, data=data, by=user)
    return RedirectResponse(f"/resources/{resource.id}/calendar?month={data.day.year}-{data.day.month:02d}",
                            status_code=303)
