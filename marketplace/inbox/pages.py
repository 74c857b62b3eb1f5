"""Inbox pages: /notifications, the header badge, mark read, digest preference."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from accounts.deps import CurrentUser, OptionalUser
from core.csrf import verify_csrf
from core.db import SessionDep
from core.templating import render
from marketplace.inbox import service as notifications

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
TEMPLATE = "marketplace/inbox.html"


def _page(request: Request, session, user, *, unread_only: bool, page: int, notice: str | None = None) -> HTMLResponse:
    size = notifications.PAGE_SIZE
    items, total = notifications.list_notifications(session, user=user, unread_only=unread_only, limit=size,
                                                    offset=(page - 1) * size)
    ctx = {
        "items": items, "total": total, "page": page, "pages": max(1, -(-total // size)),
        "unread_only": unread_only, "unread": notifications.unread_count(session, user=user),
        "digest_daily": user.digest_daily, "notice": notice,
    }
    return render(request, TEMPLATE, ctx, block="items")


@router.get("/notifications")
def inbox(request: Request, session: SessionDep, user: CurrentUser, unread: bool = False,
          page: Annotated[int, Query(ge=1, le=100_000)] = 1, saved: bool = False) -> HTMLResponse:
    notice = "通知偏好已保存" if saved else None
    return _page(request, session, user, unread_only=unread, page=page, notice=notice)


@router.get("/notifications/badge")
def badge(session: SessionDep, user: OptionalUser) -> Response:
    """The header's inbox link content: “通知” and the unread count, if any (htmx partial)."""
    if user is None:
        return Response(status_code=204)
    count = notifications.unread_count(session, user=user)
    shown = "99+" if count > 99 else str(count)
    html = f'通知<span class="badge" aria-label="{count} 条未读">{shown}</span>' if count else "通知"
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


def _back(request: Request, session, user, unread_only: bool, page: int) -> Response:
    if request.headers.get("hx-request"):
        return _page(request, session, user, unread_only=unread_only, page=page)
    query = f"?unread=true&page={page}" if unread_only else f"?page={page}"
    return RedirectResponse("/notifications" + query, status_code=303)


@router.post("/notifications/{notification_id}/read")
def read_one(request: Request, notification_id: IdPath, session: SessionDep, user: CurrentUser,
             go: Annotated[bool, Form()] = False, unread: Annotated[bool, Form()] = False,
             page: Annotated[int, Form(ge=1, le=100_000)] = 1) -> Response:
    item = notifications.mark_read(session, user=user, notification_id=notification_id)
    if go and item.link and item.link.startswith("/") and not item.link.startswith("//"):
        return RedirectResponse(item.link, status_code=303)
    return _back(request, session, user, unread, page)


@router.post("/notifications/read-all")
def read_all(request: Request, session: SessionDep, user: CurrentUser,
             unread: Annotated[bool, Form()] = False) -> Response:
    notifications.mark_all_read(session, user=user)
    return _back(request, session, user, unread, 1)


@router.post("/notifications/preferences")
def preferences(session: SessionDep, user: CurrentUser, digest: Annotated[str, Form()] = "instant") -> Response:
    notifications.set_digest(session, user=user, daily=digest == "daily")
    return RedirectResponse("/notifications?saved=true", status_code=303)
