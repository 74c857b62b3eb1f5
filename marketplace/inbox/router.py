"""JSON API for the inbox: /api/v1/notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict

from accounts.deps import CurrentUser
from core.csrf import verify_csrf_for_cookie_auth
from core.db import SessionDep
from marketplace.inbox import service as notifications

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"],
                   dependencies=[Depends(verify_csrf_for_cookie_auth)])

IdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]

class NotificationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title: str
    body: str | None
    link: str | None
    event_id: int | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    unread: int
    total: int
    items: list[NotificationPublic]


class UnreadCount(BaseModel):
    unread: int


class MarkedCount(BaseModel):
    marked: int


class Preferences(BaseModel):
    digest_daily: bool


@router.get("", response_model=NotificationPage)
def list_mine(session: SessionDep, user: CurrentUser, unread: bool = False,
              limit: Annotated[int, Query(ge=1, le=notifications.MAX_PAGE_SIZE)] = notifications.PAGE_SIZE,
              offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> NotificationPage:
    items, total = notifications.list_notifications(session, user=user, unread_only=unread, limit=limit, offset=offset)
    return NotificationPage(unread=notifications.unread_count(session, user=user), total=total,
                            items=[NotificationPublic.model_validate(i) for i in items])


@router.get("/unread-count", response_model=UnreadCount)
def unread_count(session: SessionDep, user: CurrentUser) -> UnreadCount:
    return UnreadCount(unread=notifications.unread_count(session, user=user))


@router.post("/read-all", response_model=MarkedCount)
def read_all(session: SessionDep, user: CurrentUser) -> MarkedCount:
    return MarkedCount(marked=notifications.mark_all_read(session, user=user))


@router.post("/{notification_id}/read", response_model=NotificationPublic, responses={404: {"description": "通知不存在"}})
def read_one(notification_id: IdPath, session: SessionDep, user: CurrentUser) -> NotificationPublic:
    return NotificationPublic.model_validate(notifications.mark_read(session, user=user, notification_id=notification_id))


@router.get("/preferences", response_model=Preferences)
def get_preferences(user: CurrentUser) -> Preferences:
    return Preferences(digest_daily=user.digest_daily)


@router.put("/preferences", response_model=Preferences)
def set_preferences(body: Preferences, session: SessionDep, user: CurrentUser) -> Preferences:
    return Preferences(digest_daily=notifications.set_digest(session, user=user, daily=body.digest_daily).digest_daily)
