"""Load-or-404 dependencies for center routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from accounts.models import User
from centers.models import Application
from core.db import SessionDep
from core.errors import Forbidden, Invalid, NotFound
from talent.models import Center
from talent.service import get_center


def center_or_404(center_id: str, session: SessionDep) -> Center:
    """A center by database id or external id (path parameter `center_id`)."""
    return get_center(session, center_id)


CenterDep = Annotated[Center, Depends(center_or_404)]


def application_or_404(application_id: int, session: SessionDep) -> Application:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("申报记录不存在")
    return application


ApplicationDep = Annotated[Application, Depends(application_or_404)]


def operated_center(session: Session, user: User) -> Center:
    """The center an operator runs."""
    if user.role != "center" or user.center_id is None:
        raise Forbidden("只有中心运营人员可以进入中心工作台")
    center = session.get(Center, user.center_id)
    if center is None:
        raise NotFound("所运营的中心不存在")
    return center


async def refuse_nul(request: Request) -> None:
    """PostgreSQL text cannot hold NUL: refuse it in query strings and forms with a 422, not a 500."""
    values = list(request.query_params.values()) + list(request.path_params.values())
    if request.method not in ("GET", "HEAD") and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        values += [v for v in form.values() if isinstance(v, str)]
    if any("\x00" in str(value) for value in values):
        raise Invalid("内容包含不允许的控制字符", field="body")
