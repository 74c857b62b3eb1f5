"""Annual report pages: edit the narrative, submit, download as PDF, XLSX or DOCX."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from accounts import policy
from accounts.deps import CurrentUser
from centers import report, report_export, views
from centers.deps import CenterDep, operated_center, refuse_nul
from core.clock import today
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import NotFound
from core.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf), Depends(refuse_nul)])
YearQuery = Query(None, ge=2000, le=2100)
FORMATS = {
    "pdf": ("application/pdf", report_export.to_pdf),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report_export.to_xlsx),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", report_export.to_docx),
}


@router.get("/center/report")
def edit(request: Request, user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    center = operated_center(session, user)
    year = year or today().year
    return render(request, "centers/report.html", views.report_editor(session, center=center, year=year))


@router.post("/center/report")
async def save(request: Request, user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    center = operated_center(session, user)
    year = year or today().year
    form = await request.form()
    narratives = {key: str(form[key]) for key in report.SECTION_KEYS if key in form}
    report.save_sections(session, center=center, year=year, narratives=narratives)
    return RedirectResponse(f"/center/report?year={year}", status_code=303)


@router.post("/center/report/submit")
def submit(user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    center = operated_center(session, user)
    year = year or today().year
    report.submit(session, center=center, year=year, by=user)
    return RedirectResponse(f"/center/report?year={year}", status_code=303)


@router.get("/centers/{center_id}/report.{fmt}")
def download(fmt: str, center: CenterDep, user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    policy.require(policy.can_oversee_center(user, center), "无权查看该中心的年度报告")
    if fmt not in FORMATS:
        raise NotFound("不支持的格式")
    year = year or today().year
    media_type, export = FORMATS[fmt]
    body = export(report.build(session, center=center, year=year))
    filename = quote(f"{center.name}{year}年度报告.{fmt}")
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"})
