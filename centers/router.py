"""JSON API for centers: the public list and profile, the indicator table, expert scores."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from accounts import policy
from accounts.deps import CurrentUser
from centers import scores as scoring
from centers import service
from centers.audit import audit_request
from centers.deps import CenterDep, refuse_nul
from centers.indicators.engine import compute_indicators
from core.clock import today
from core.csrf import verify_csrf_for_cookie_auth
from core.db import SessionDep

router = APIRouter(prefix="/api/v1", tags=["centers"],
                   dependencies=[Depends(verify_csrf_for_cookie_auth), Depends(refuse_nul),
                                 Depends(audit_request, scope="function")])


class CenterPublic(BaseModel):
    id: int
    external_id: str | None
    name: str
    city: str | None
    cluster: str | None
    platform: str | None
    status: str
    recognised_on: date | None
    description: str | None


@router.get("/centers", response_model=list[CenterPublic])
def list_centers(session: SessionDep, city: str | None = Query(None, max_length=20),
                 cluster: str | None = Query(None, max_length=60),
                 status: str | None = Query(None, max_length=6)) -> list[CenterPublic]:
    return [CenterPublic.model_validate(c, from_attributes=True)
            for c in service.list_centers(session, city=city, cluster=cluster, status=status)]


@router.get("/centers/{center_id}", response_model=CenterPublic)
def get_center(center: CenterDep) -> CenterPublic:
    return CenterPublic.model_validate(center, from_attributes=True)


@router.get("/centers/{center_id}/indicators")
def indicators(center: CenterDep, user: CurrentUser, session: SessionDep,
               year: int | None = Query(None, ge=2000, le=2100)) -> dict:
    """The indicator table for a year (same body as `xiechuang indicators --json`)."""
    policy.require(policy.can_oversee_center(user, center), "无权查看该中心的评价数据")
    return compute_indicators(session, center=center, year=year or today().year)


class ScoreSaved(BaseModel):
    center: str
    year: int
    saved: list[str]


@router.post("/centers/{center_id}/expert-scores", response_model=ScoreSaved, status_code=201)
def post_scores(center: CenterDep, body: scoring.ScoresIn, user: CurrentUser, session: SessionDep) -> ScoreSaved:
    """An expert scores lines of the table for the center and year (replaces the expert's earlier score)."""
    rows = scoring.record_scores(session, center=center, year=body.year, scores=body.scores, by=user,
                                 application_id=body.application_id)
    return ScoreSaved(center=center.name, year=body.year, saved=[row.line_id for row in rows])
