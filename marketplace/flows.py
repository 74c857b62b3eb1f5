"""Workflows that touch several domains (accounts, centers, marketplace, matching)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session as SASession
from sqlmodel import Session

from accounts import service as accounts
from accounts.models import OrgKind, Role, User
from core.db import SessionDep
from core.errors import Invalid
from core.eventlog import Event
from marketplace.inbox.service import notify_for_event
from talent.models import Engineer
from talent.service import find_engineer, get_center


def create_user_account(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    org: str | None = None,
    center: str | None = None,
    engineer: str | None = None,
    region: str | None = None,
    display_name: str = "",
) -> User:
    """Create a user and link it to its firm, center, engineer profile or city."""
    organisation_id = center_id = engineer_id = None
    if role == Role.sme and not org:
        raise Invalid("企业用户需要 --org 指定所属企业", field="org")
    if role == Role.center and not center:
        raise Invalid("中心运营用户需要 --center 指定所运营的中心", field="center")
    if role == Role.city and not region:
        raise Invalid("市州工信局用户需要 --region 指定城市", field="region")
    if org:
        organisation_id = accounts.get_or_create_org(session, org.strip(), kind=OrgKind.enterprise).id
    if center:
        center_id = get_center(session, center).id
    if role == Role.engineer or engineer:
        profile = find_engineer(session, engineer) if engineer else None
        if profile is None:
            profile = Engineer(external_id=engineer, name=display_name or username, region=region)
            session.add(profile)
            session.flush()
        engineer_id = profile.id
    return accounts.create_user(
        session,
        username=username,
        password=password,
        role=role,
        display_name=display_name,
        organisation_id=organisation_id,
        center_id=center_id,
        engineer_id=engineer_id,
        region=region,
    )


# ---------------------------------------------------------------- events → inbox

def _collect_events(session, _flush_context) -> None:
    bucket = session.info.get("event_bucket")
    if bucket is not None:
        bucket.extend(obj for obj in session.new if isinstance(obj, Event))


sa_event.listen(SASession, "after_flush", _collect_events)


async def notify_new_events(session: SessionDep) -> AsyncIterator[None]:
    """Route dependency: every event the request appended is sent to the inbox of whoever it concerns,
    in the same transaction (nothing is sent when the request fails). A request that appended no
    event (most reads) costs nothing: the database work runs, in the thread pool, only when there is some."""
    bucket: list[Event] = []
    session.info["event_bucket"] = bucket
    try:
        yield
    finally:
        session.info.pop("event_bucket", None)
    if bucket or any(isinstance(obj, Event) for obj in session.new):
        await run_in_threadpool(_send_to_inboxes, session, bucket)


def _send_to_inboxes(session: Session, bucket: list[Event]) -> None:
    session.info["event_bucket"] = bucket  # the flush below adds the events not yet flushed
    try:
        session.flush()
    finally:
        session.info.pop("event_bucket", None)
    for event in sorted(bucket, key=lambda e: e.id):
        notify_for_event(session, event)
