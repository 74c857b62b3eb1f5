"""Oversight of a running collaboration: disputes to the center operator, stop-work,
resumption, and reassignment of a lead engineer who went silent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from accounts import policy
from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from marketplace.challenges import lifecycle
from marketplace.challenges.bids import check_capacity
from marketplace.challenges.models import Challenge, ChallengeStatus
from marketplace.execution.models import (
    Collaboration,
    CollaborationMember,
    CollabStatus,
)
from marketplace.execution.service import member_ids, members, record_step, set_status
from talent.models import Engineer

S = ChallengeStatus


@dataclass(frozen=True)
class Move:
    """A status change of a running collaboration: who may make it, from where to where, what it logs."""

    allowed: Callable[[User, Collaboration, Challenge], bool]
    refusal: str
    to: str
    sources: tuple[str, ...]
    kind: str


DISPUTE = Move(policy.can_raise_dispute, "只有发榜企业或挂帅工程师可以提请调解", CollabStatus.disputed,
               (CollabStatus.in_progress, CollabStatus.delivered), "collaboration.disputed")
STOP = Move(policy.can_stop_work, "只有发榜企业或所属中心可以停工", CollabStatus.stopped,
            (CollabStatus.in_progress, CollabStatus.disputed), "collaboration.stopped")
RESUME = Move(policy.can_stop_work, "只有发榜企业或所属中心可以复工", CollabStatus.in_progress,
              (CollabStatus.stopped,), "collaboration.resumed")


def _move(session: Session, move: Move, *, collaboration: Collaboration, challenge: Challenge, by: User,
          data: dict | None = None) -> Collaboration:
    """Refuse unless allowed; change the status only if it is still one of the sources (race-safe), and log it."""
    if not move.allowed(by, collaboration, challenge):
        raise Forbidden(move.refusal)
    set_status(session, collaboration, move.to, move.sources)
    record_step(session, move.kind, collaboration=collaboration, challenge=challenge, by=by, data=data)
    return collaboration


def raise_dispute(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
                  reason: str) -> Collaboration:
    """Either party asks the center operator to mediate; timers pause meanwhile."""
    return _move(session, DISPUTE, collaboration=collaboration, challenge=challenge, by=by, data={"reason": reason})


def resolve_dispute(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
                    outcome: str, note: str) -> Collaboration:
    """The center operator decides: resume the work, or stop it."""
    if not policy.can_resolve_dispute(by, collaboration, challenge):
        raise Forbidden("只有所属中心的运营人员可以调解")
    if outcome not in ("resume", "stop"):
        raise Invalid("调解结果应为 resume（继续攻关）或 stop（停工）", field="outcome")
    to = CollabStatus.in_progress if outcome == "resume" else CollabStatus.stopped
    set_status(session, collaboration, to, (CollabStatus.disputed,), delivered_at=None)
    if challenge.status == S.delivered:
        lifecycle.transition(session, challenge=challenge, to=S.in_progress, actor_id=by.id,
                             collaboration=collaboration, record=False)
    record_step(session, "collaboration.dispute_resolved", collaboration=collaboration, challenge=challenge, by=by,
            data={"outcome": outcome, "note": note})
    return collaboration


def stop_work(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
              reason: str) -> Collaboration:
    return _move(session, STOP, collaboration=collaboration, challenge=challenge, by=by, data={"reason": reason})


def resume_work(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User) -> Collaboration:
    return _move(session, RESUME, collaboration=collaboration, challenge=challenge, by=by)


def reassign_lead(session: Session, *, collaboration: Collaboration, challenge: Challenge, engineer: Engineer,
                  by: User, reason: str) -> Collaboration:
    """Replace a silent lead; the old lead stays on record as an inactive member."""
    if not policy.can_stop_work(by, collaboration, challenge):
        raise Forbidden("只有发榜企业或所属中心可以更换挂帅工程师")
    if engineer.id == collaboration.lead_engineer_id:
        raise Invalid("新的挂帅工程师与原挂帅工程师相同", field="engineer")
    if collaboration.status not in (CollabStatus.in_progress, CollabStatus.stopped, CollabStatus.disputed):
        raise Conflict("协作已交付或结束，不能更换挂帅工程师")
    if engineer.id not in member_ids(session, collaboration):
        check_capacity(session, engineer)
    old = collaboration.lead_engineer_id
    for member in members(session, collaboration):
        if member.engineer_id == old:
            member.active, member.role = False, "former_lead"
            session.add(member)
    current = session.get(CollaborationMember, (collaboration.id, engineer.id))
    if current is None:
        current = CollaborationMember(collaboration_id=collaboration.id, engineer_id=engineer.id)
    current.role, current.active = "lead", True
    session.add(current)
    collaboration.lead_engineer_id = engineer.id
    collaboration.status = CollabStatus.in_progress
    session.add(collaboration)
    session.flush()
    record_step(session, "collaboration.reassigned", collaboration=collaboration, challenge=challenge, by=by,
            data={"from_engineer": old, "to_engineer": engineer.id, "reason": reason})
    return collaboration
