"""The in-app inbox, e-mail per user preference, and the daily digest.

Flows call `notify(...)` with explicit recipients, or `notify_appended(...)` at
their end, which tells whoever each event they recorded concerns: the firm's
users, the engineers involved and the operators of the center. Nothing here
talks SMTP: an e-mail is a row in the outbox, sent after commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, inspect, update
from sqlmodel import Session, select

from accounts.models import Role, User
from core.clock import now
from core.errors import Invalid, NotFound
from core.eventlog import EVENT_KINDS, Event, take_appended
from core.settings import get_settings
from marketplace.challenges.models import Challenge
from marketplace.execution.models import Collaboration, CollaborationMember
from marketplace.inbox.mailer import queue_email
from marketplace.inbox.models import Notification

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def notify(
    session: Session,
    *,
    user_ids: Iterable[int | None],
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
    event_id: int | None = None,
    at: datetime | None = None,
) -> list[Notification]:
    """One inbox item per active user; an e-mail in the outbox now, or held for the daily digest."""
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return []
    moment = at or now()
    users = session.exec(select(User).where(User.id.in_(ids), User.is_active.is_(True))).all()
    created = []
    for user in users:
        item = Notification(user_id=user.id, kind=kind[:40], title=title[:200], body=body or None,
                            link=(link or None) and link[:200], event_id=event_id, created_at=moment)
        session.add(item)
        if user.email and not user.digest_daily:
            queue_email(session, to_address=user.email, subject=f"【协创】{title}"[:200],
                        body=_email_body([item]))
            item.emailed_at = moment
        created.append(item)
    session.flush()
    return created


def _absolute(link: str | None) -> str:
    if not link:
        return ""
    return link if link.startswith("http") else get_settings().base_url.rstrip("/") + link


def _email_body(items: list[Notification]) -> str:
    lines = []
    for item in items:
        lines.append(f"· {item.title}")
        if item.body:
            lines.append(f"  {item.body}")
        if item.link:
            lines.append(f"  {_absolute(item.link)}")
    lines += ["", "—— 协创 · 工程师协同创新平台（可在“通知”页面改为每日汇总）"]
    return "\n".join(lines)


# ---------------------------------------------------------------- recipients of an event

def event_recipients(session: Session, event: Event) -> set[int]:
    """Users concerned by an event: the firm, the engineers involved, the center's operators."""
    engineer_ids: set[int] = {event.engineer_id} if event.engineer_id else set()
    org_ids: set[int] = {event.organisation_id} if event.organisation_id else set()
    center_ids: set[int] = {event.center_id} if event.center_id else set()
    challenge = session.get(Challenge, event.challenge_id) if event.challenge_id else None
    if challenge is not None:
        org_ids.add(challenge.company_id)
        if challenge.center_id:
            center_ids.add(challenge.center_id)
    if event.collaboration_id:
        collaboration = session.get(Collaboration, event.collaboration_id)
        if collaboration is not None:
            engineer_ids.add(collaboration.lead_engineer_id)
            engineer_ids |= set(session.exec(select(CollaborationMember.engineer_id).where(
                CollaborationMember.collaboration_id == collaboration.id, CollaborationMember.active.is_(True))).all())
    conditions = []
    if org_ids:
        conditions.append((User.role == Role.sme) & User.organisation_id.in_(org_ids))
    if engineer_ids:
        conditions.append(User.engineer_id.in_(engineer_ids))
    if center_ids:
        conditions.append((User.role == Role.center) & User.center_id.in_(center_ids))
    if not conditions:
        return set()
    clause = conditions[0]
    for extra in conditions[1:]:
        clause = clause | extra
    ids = set(session.exec(select(User.id).where(clause)).all())
    ids.discard(event.actor_id)
    return ids


def event_link(session: Session, event: Event) -> str | None:
    if event.collaboration_id:
        return f"/collaborations/{event.collaboration_id}"
    if event.challenge_id:
        challenge = session.get(Challenge, event.challenge_id)
        if challenge is not None and challenge.kind == "consultation":
            return f"/consultations/{challenge.id}"
        return f"/challenges/{event.challenge_id}"
    return None


def notify_for_event(session: Session, event: Event, *, body: str = "",
                     exclude: Iterable[int] = ()) -> list[Notification]:
    """Tell everyone an event concerns (never its actor)."""
    recipients = event_recipients(session, event) - set(exclude)
    label = EVENT_KINDS.get(event.kind, event.kind)
    challenge = session.get(Challenge, event.challenge_id) if event.challenge_id else None
    title = f"{label}：{challenge.title}" if challenge is not None else label
    return notify(session, user_ids=recipients, kind=event.kind, title=title, body=body,
                  link=event_link(session, event), event_id=event.id, at=event.at)


def notify_appended(session: Session, *, body: str = "", kinds: Iterable[str] | None = None) -> list[Event]:
    """Tell whoever each event recorded since the last call concerns, once; return the events told.

    With `kinds`, only events of those kinds tell anyone (the others are taken all the same). An event
    whose transaction was rolled back meanwhile is no longer persistent and tells no one."""
    wanted = None if kinds is None else set(kinds)
    told = [event for event in take_appended(session)
            if inspect(event).persistent and (wanted is None or event.kind in wanted)]
    for event in told:
        notify_for_event(session, event, body=body)
    return told


# ---------------------------------------------------------------- the inbox

def unread_count(session: Session, *, user: User) -> int:
    return session.exec(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))).one()


def list_notifications(session: Session, *, user: User, unread_only: bool = False, limit: int = PAGE_SIZE,
                       offset: int = 0) -> tuple[list[Notification], int]:
    """A page of the user's notifications, newest first, and the total."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise Invalid(f"limit 须在 1 到 {MAX_PAGE_SIZE} 之间", field="limit")
    if offset < 0:
        raise Invalid("offset 不能为负数", field="offset")
    where = [Notification.user_id == user.id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = session.exec(select(func.count()).select_from(Notification).where(*where)).one()
    rows = session.exec(select(Notification).where(*where).order_by(Notification.created_at.desc(),
                                                                    Notification.id.desc())
                        .offset(offset).limit(limit)).all()
    return list(rows), total


def get_notification(session: Session, *, user: User, notification_id: int) -> Notification:
    """The user's own notification; another user's is as absent as a missing one."""
    item = session.get(Notification, notification_id)
    if item is None or item.user_id != user.id:
        raise NotFound("通知不存在")
    return item


def mark_read(session: Session, *, user: User, notification_id: int) -> Notification:
    item = get_notification(session, user=user, notification_id=notification_id)
    if item.read_at is None:
        item.read_at = now()
        session.flush()
    return item


def mark_all_read(session: Session, *, user: User) -> int:
    result = session.execute(update(Notification).where(Notification.user_id == user.id,
                                                        Notification.read_at.is_(None)).values(read_at=now()))
    session.expire_all()
    return result.rowcount or 0


def set_digest(session: Session, *, user: User, daily: bool) -> User:
    user.digest_daily = daily
    session.add(user)
    session.flush()
    return user


# ---------------------------------------------------------------- the daily digest

def build_digests(session: Session, *, at: datetime | None = None) -> dict[str, int]:
    """One e-mail per digest user with the unread items not yet e-mailed; they are then marked."""
    moment = at or now()
    rows = session.exec(select(Notification, User).join(User, User.id == Notification.user_id).where(
        User.digest_daily.is_(True), User.is_active.is_(True), User.email.is_not(None),
        Notification.emailed_at.is_(None), Notification.read_at.is_(None), Notification.created_at <= moment,
    ).order_by(Notification.user_id, Notification.created_at)).all()
    users: dict[int, User] = {}
    grouped: dict[int, list[Notification]] = defaultdict(list)
    for item, user in rows:
        users[user.id] = user
        grouped[user.id].append(item)
    for user_id, items in grouped.items():
        subject = f"【协创】每日汇总：{len(items)} 条未读通知"
        queue_email(session, to_address=users[user_id].email, subject=subject, body=_email_body(items))
        for item in items:
            item.emailed_at = moment
    session.flush()
    return {"users": len(users), "items": len(rows)}
