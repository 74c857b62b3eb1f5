"""Center pages: the public list and profile, and the indicator dashboard with drill-down."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse

from accounts import policy
from accounts.deps import CurrentUser
from centers import service
from centers.audit import audit_request
from centers.deps import CenterDep, operated_center, refuse_nul
from centers.indicators.engine import compute_indicators
from centers.indicators.rubric import FIGURE_LABELS, GROUPS, LINE_BY_ID
from centers.indicators.trend import TREND_FIGURES, monthly
from centers.workspace_pages import router as workspace_router
from core.clock import today
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import NotFound
from core.templating import environment, render, yuan
from talent.models import Center, CenterStatus

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
    centers = service.list_centers(session, city=city, cluster=cluster, status=status)
    groups: dict[str, list[Center]] = {}
    for center in centers:
        groups.setdefault(center.cluster or "其他集群", []).append(center)
    return render(request, "centers/list.html", {
        "groups": groups, "count": len(centers), "query": {"city": city or "", "cluster": cluster or "", "status": status or ""},
        "statuses": [s.value for s in CenterStatus], **service.filter_options(session),
    }, block="results")


@router.get("/centers/{center_id}")
def center_detail(request: Request, center: CenterDep, session: SessionDep):
    return render(request, "centers/detail.html", {"center": center, **service.center_profile(session, center)})


@router.get("/center/indicators")
def my_indicators(user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    center = operated_center(session, user)
    suffix = f"?year={year}" if year else ""
    return RedirectResponse(f"/centers/{center.id}/indicators{suffix}", status_code=303)


def _dashboard_context(session, center: Center, year: int) -> dict:
    result = compute_indicators(session, center=center, year=year)
    this_year, last_year = monthly(session, center, year), monthly(session, center, year - 1)
    months = [f"{m}月" for m in range(1, 13)]
    charts = [{"figure": figure, "title": title, "line": "4.2" if figure in ("services_total", "contract_amount") else "2.3",
               "data": json.dumps({"labels": months, "series": [
                   {"label": f"{year}年", "data": this_year[figure]},
                   {"label": f"{year - 1}年", "data": last_year[figure]}]}, ensure_ascii=False)}
              for figure, title in TREND_FIGURES.items()]
    return {"center": center, "result": result, "year": year, "years": list(range(today().year, today().year - 5, -1)),
            "charts": charts, "lines": {line["id"]: line for line in result["lines"]}, "line_defs": LINE_BY_ID}


@router.get("/centers/{center_id}/indicators")
def dashboard(request: Request, center: CenterDep, user: CurrentUser, session: SessionDep, year: int | None = YearQuery):
    policy.require(policy.can_oversee_center(user, center), "无权查看该中心的评价数据")
    return render(request, "centers/indicators.html", _dashboard_context(session, center, year or today().year))


@router.get("/centers/{center_id}/indicators/{line_id}")
def evidence(request: Request, center: CenterDep, line_id: str, user: CurrentUser, session: SessionDep,
             year: int | None = YearQuery):
    """Drill-down: the records behind one line's figures (an htmx partial, or a page)."""
    policy.require(policy.can_oversee_center(user, center), "无权查看该中心的评价数据")
    if line_id not in LINE_BY_ID:
        raise NotFound("指标不存在")
    result = compute_indicators(session, center=center, year=year or today().year)
    line = next(item for item in result["lines"] if item["id"] == line_id)
    return render(request, "centers/evidence.html", {"center": center, "result": result, "line": line,
                                                     "year": result["year"]}, block="evidence")

