"""The challenge lifecycle: one transition table, deadlines computed on read.

draft → open → bidding_closed → awarded → in_progress → delivered → accepted → closed;
delivered → in_progress when the firm rejects a delivery; cancelled and expired
from any state before the award. Every change is a conditional UPDATE (safe when
two requests race) and appends one event to the collaboration log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from core import eventlog as events
from core.clock import now
from core.errors import Conflict
from marketplace.challenges.models import (
    Bid,
    BidStatus,
    Challenge,
    ChallengeKind,
    ChallengeStatus,
)

S = ChallengeStatus
PRE_AWARD = (S.draft, S.open, S.bidding_closed)

# to-state → the states it may be reached from
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.open: (S.draft,),
    S.bidding_closed: (S.open,),
    S.awarded: (S.open, S.bidding_closed),
    S.in_progress: (S.awarded, S.delivered),
    S.delivered: (S.in_progress,),
    S.accepted: (S.delivered,),
    S.closed: (S.accepted,),
    S.cancelled: PRE_AWARD,
    S.expired: (S.open,),
}

# the event each transition writes; delivered → in_progress is a rejection
EVENT_FOR: dict[str, str] = {
    S.open: "challenge.published",
    S.bidding_closed: "challenge.bidding_closed",
    S.awarded: "challenge.awarded",
    S.in_progress: "collaboration.started",
    S.delivered: "collaboration.delivered",
    S.accepted: "collaboration.accepted",
    S.closed: "challenge.closed",
    S.cancelled: "challenge.cancelled",
    S.expired: "challenge.expired",
}

def label(status: str) -> str:
    return ChallengeStatus.label_of(status)


def can_move(current: str, target: str) -> bool:
    return current in TRANSITIONS.get(target, ())


def check_move(current: str, target: str) -> None:
    """Raise Conflict with the reason when current → target is not in the table."""
    if target not in TRANSITIONS:
        raise Conflict(f"未知的目标状态“{target}”")
    if not can_move(current, target):
        if target in (S.cancelled, S.expired) and current not in PRE_AWARD:
            verb = "撤榜" if target == S.cancelled else "过期"
            raise Conflict(f"榜单当前为“{label(current)}”，定榜之后不能{verb}")
        raise Conflict(f"榜单当前状态为“{label(current)}”，不能变更为“{label(target)}”")


def effective_status(challenge: Challenge, today: date, *, has_bids: bool) -> str:
    """The status as of `today`: an open challenge past its bidding deadline is closed or expired."""
    if (challenge.kind == ChallengeKind.challenge and challenge.status == S.open
            and challenge.deadline is not None and challenge.deadline < today):
        return S.bidding_closed if has_bids else S.expired
    return challenge.status


def live_bid_count(session: Session, challenge_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(Bid).where(
            Bid.challenge_id == challenge_id, Bid.status.in_([BidStatus.submitted, BidStatus.shortlisted]))  # type: ignore[attr-defined]
    ).one()


def status_on(session: Session, challenge: Challenge, today: date) -> str:
    if challenge.status != S.open or challenge.deadline is None or challenge.deadline >= today:
        return challenge.status
    return effective_status(challenge, today, has_bids=live_bid_count(session, challenge.id) > 0)


def event_scope(challenge: Challenge, collaboration=None) -> dict:
    """The ids an event about this challenge carries (center: hosting center, else the collaboration's)."""
    scope = {"challenge_id": challenge.id, "organisation_id": challenge.company_id, "center_id": challenge.center_id}
    if collaboration is not None:
        scope.update(collaboration_id=collaboration.id, engineer_id=collaboration.lead_engineer_id,
                     center_id=challenge.center_id or collaboration.center_id)
    return scope


BUSY_MESSAGE = "其他请求正在处理同一对象，本次操作未执行，请刷新后重试"


def race_execute(session: Session, statement):
    """Execute a conditional write; SQLite's refusal of a stale concurrent writer becomes a Conflict.

    (SQLite answers "database is locked" at once when this transaction read before another
    writer committed; the other writer won, so this request lost the race.)
    """
    try:
        return session.execute(statement)
    except OperationalError as exc:
        if "locked" in str(exc.orig) or "busy" in str(exc.orig):
            raise Conflict(BUSY_MESSAGE) from exc
        raise


def transition(session: Session, *, challenge: Challenge, to: str, actor_id: int | None, reason: str | None = None,
               collaboration=None, event_kind: str | None = None, data: dict | None = None,
               sources: tuple[str, ...] | None = None, record: bool = True) -> Challenge:
    """Move the challenge to `to` if the table allows it; race-safe; appends the event."""
    check_move(challenge.status, to)
    allowed = sources or TRANSITIONS[to]
    moment = now()
    values: dict = {"status": to, "updated_at": moment, "status_reason": reason}
    if to == S.open and challenge.published_at is None:
        values["published_at"] = moment
    if to == S.awarded:
        values["awarded_at"] = moment
    if to in (S.closed, S.cancelled, S.expired):
        values["closed_at"] = moment
    result = race_execute(
        session,
        update(Challenge).where(Challenge.id == challenge.id, Challenge.status.in_(allowed))  # type: ignore[attr-defined]
        .values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.refresh(challenge)
        raise Conflict(f"榜单状态已变为“{label(challenge.status)}”，操作未执行，请刷新后重试")
    previous = challenge.status
    for key, value in values.items():
        setattr(challenge, key, value)
    if record:
        record_change(session, challenge=challenge, previous=previous, actor_id=actor_id, reason=reason,
                      collaboration=collaboration, event_kind=event_kind, data=data)
    return challenge


def record_change(session: Session, *, challenge: Challenge, previous: str, actor_id: int | None,
                  reason: str | None = None, collaboration=None, event_kind: str | None = None,
                  data: dict | None = None) -> None:
    """The event of a transition (separate when the collaboration is created after the race is won)."""
    payload = {"from": previous, "to": challenge.status, **({"reason": reason} if reason else {}), **(data or {})}
    events.record(session, event_kind or EVENT_FOR[challenge.status], actor_id=actor_id,
                  subject=("challenge", challenge.id), data=payload, **event_scope(challenge, collaboration))


def settle_deadline(session: Session, *, challenge: Challenge, today: date) -> Challenge:
    """Persist what effective_status computes (the sweep and every write path call this)."""
    target = status_on(session, challenge, today)
    if target != challenge.status:
        try:
            transition(session, challenge=challenge, to=target, actor_id=None,
                       reason=f"揭榜截止日 {challenge.deadline.isoformat()} 已过", data={"auto": True})
        except Conflict:
            session.refresh(challenge)  # another request settled it first
    return challenge
