"""Center pages: the public list and profile, and the indicator dashboard with drill-down."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from accounts import policy
from accounts.deps import CurrentUser
from centers import service, views
from centers.audit import audit_request
from centers.deps import CenterDep, operated_center, refuse_nul
from centers.indicators.rubric import FIGURE_LABELS, GROUPS
from centers.workspace_pages import router as workspace_router
from core.clock import today
from core.csrf import verify_csrf
from core.db import SessionDep
from core.templating import environment, render, yuan

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf), Depends(refuse_nul),
                                                   Depends(audit_request, scope="function")])
router.include_router(workspace_router)


def figure_value(key: str, value) -> str:
    """A figure as people read it: money in yuan, rates in per cent."""
    if key.endswith("amount") and isinstance(value, (int, float)):
        return yuan(value)
    if key == "utilisation":
        return f"{value * 100:.1f}%"
    return f"{value:g}" if isinstance(value, float) else str(value)


environment().globals.update(figure_labels=FIGURE_LABELS, indicator_groups=GROUPS, figure_value=figure_value)

YearQuery = Query(None, ge=2000, le=2100)


@router.get("/centers")
def center_list(request: Request, session: SessionDep, city: str | None = Query(None, max_length=20),
                cluster: str | None = Query(None, max_length=60), status: str | None = Query(None, max_length=6)):
    return render(request, "centers/list.html", views.center_list(session, city=city, cluster=cluster, status=status),
                  block="results")


@router.get("/centers/{center_id}")
def center_detail(request: Request, center: CenterDep, session: SessionDep):
    return render(request, "centers/detail.html", {"center": center, **service.center_profile(session, center)})


@router.get("/center/indicators")
def my_indicators(user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    center = operated_center(session, user)
    suffix = f"?year={year}" if year else ""
    return RedirectResponse(f"/centers/{center.id}/indicators{suffix}", status_code=303)


@router.get("/centers/{center_id}/indicators")
def dashboard(request: Request, center: CenterDep, user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    policy.require(policy.can_oversee_center(user, center), "无权查看该中心的评价数据")
    return render(request, "centers/indicators.html", views.dashboard(session, center=center, year=year or today().year))


@router.get("/centers/{center_id}/indicators/{line_id}")
def evidence(request: Request, center: CenterDep, line_id: str, user: CurrentUser, session: SessionDep,
             year: int | None = YearQuery):
    """Drill-down: the records behind one line's figures (an htmx partial, or a page)."""
    policy.require(policy.can_oversee_center(user, center), "无权查看该中心的评价数据")
    return render(request, "centers/evidence.html",
                  views.evidence(session, center=center, line_id=line_id, year=year or today().year), block="evidence")

