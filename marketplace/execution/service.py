"""Execution of an awarded challenge: milestones, work logs, deliverables, delivery and
acceptance (车间验题), auto-accept, disputes, stop-work and reassignment of the lead."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from accounts import policy
from accounts.models import User
from core import eventlog as events
from core.clock import now
from core.errors import Conflict, Forbidden, Invalid
from core.settings import get_settings
from marketplace.challenges import lifecycle
from marketplace.challenges.models import Challenge, ChallengeStatus
from marketplace.execution.models import (
    Collaboration,
    CollaborationMember,
    CollabStatus,
    Deliverable,
    Milestone,
    WorkLog,
)
from marketplace.execution.schemas import MilestoneCreate, WorkLogCreate
from marketplace.files import service as storage
from marketplace.files.models import StoredFile

S = ChallengeStatus
WORKING = (CollabStatus.in_progress,)


def member_ids(session: Session, collaboration: Collaboration) -> set[int]:
    rows = session.exec(select(CollaborationMember.engineer_id).where(
        CollaborationMember.collaboration_id == collaboration.id, CollaborationMember.active)).all()
    return set(rows) | {collaboration.lead_engineer_id}


def members(session: Session, collaboration: Collaboration) -> list[CollaborationMember]:
    return list(session.exec(select(CollaborationMember).where(
        CollaborationMember.collaboration_id == collaboration.id).order_by(CollaborationMember.engineer_id)).all())


def ever_member_ids(session: Session, collaboration: Collaboration) -> set[int]:
    """The lead and everyone ever on the team: former members keep read access to the workspace."""
    return {m.engineer_id for m in members(session, collaboration)} | {collaboration.lead_engineer_id}


def record_step(session: Session, kind: str, *, collaboration: Collaboration, challenge: Challenge, by: User | None,
            subject: tuple[str, int] | None = None, data: dict | None = None, engineer_id: int | None = None) -> None:
    scope = lifecycle.event_scope(challenge, collaboration)
    if engineer_id is not None:
        scope["engineer_id"] = engineer_id
    events.record(session, kind, actor_id=by.id if by else None, subject=subject or ("collaboration", collaboration.id),
                  data=data or {}, **scope)


def set_status(session: Session, collaboration: Collaboration, to: str, sources: tuple[str, ...], **values) -> None:
    statement = (update(Collaboration).where(Collaboration.id == collaboration.id, col(Collaboration.status).in_(sources))
                 .values(status=to, **values).execution_options(synchronize_session=False))
    result = lifecycle.race_execute(session, statement)
    if result.rowcount != 1:
        session.refresh(collaboration)
        raise Conflict(f"协作当前为“{CollabStatus.label_of(collaboration.status)}”，操作未执行，请刷新后重试")
    collaboration.status = to
    for key, value in values.items():
        setattr(collaboration, key, value)


def _require_working(collaboration: Collaboration) -> None:
    if collaboration.status == CollabStatus.stopped:
        raise Conflict("协作已停工，请等待发榜方或中心复工")
    if collaboration.status == CollabStatus.disputed:
        raise Conflict("协作正在中心调解中")
    if collaboration.status not in WORKING:
        raise Conflict("协作已交付或结束，不能再修改")


def start(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User | None) -> None:
    """Kick-off: awarded → in_progress (done on the first milestone, work log or delivery)."""
    if challenge.status == S.awarded:
        lifecycle.transition(session, challenge=challenge, to=S.in_progress, actor_id=by.id if by else None,
                             collaboration=collaboration)


# ---------------------------------------------------------------- milestones

def add_milestone(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: MilestoneCreate,
                  by: User) -> Milestone:
    if not policy.can_plan_milestones(by, collaboration, challenge):
        raise Forbidden("只有发榜企业或挂帅工程师可以设立里程碑")
    _require_working(collaboration)
    start(session, collaboration=collaboration, challenge=challenge, by=by)
    seq = session.exec(select(func.coalesce(func.max(Milestone.seq), 0))
                       .where(Milestone.collaboration_id == collaboration.id)).one() + 1
    milestone = Milestone(collaboration_id=collaboration.id, seq=seq, **data.model_dump())
    session.add(milestone)
    session.flush()
    record_step(session, "milestone.created", collaboration=collaboration, challenge=challenge, by=by,
            subject=("milestone", milestone.id), data={"title": milestone.title, "amount": str(milestone.amount or "")})
    return milestone


def milestone_status(milestone: Milestone, at: datetime) -> str:
    """Submitted milestones count as accepted once the auto-accept time has passed."""
    if milestone.status == "submitted" and milestone.auto_accept_at is not None:
        due = milestone.auto_accept_at if milestone.auto_accept_at.tzinfo else milestone.auto_accept_at.replace(
            tzinfo=at.tzinfo)
        if due <= at:
            return "accepted"
    return milestone.status


def submit_milestone(session: Session, *, milestone: Milestone, collaboration: Collaboration, challenge: Challenge,
                     by: User, note: str | None = None) -> Milestone:
    if not policy.is_lead(by, collaboration):
        raise Forbidden("只有挂帅工程师可以提交里程碑")
    _require_working(collaboration)
    if milestone.status not in ("pending", "rejected"):
        raise Conflict("该里程碑已提交或已验收")
    moment = now()
    milestone.status, milestone.submitted_at = "submitted", moment
    milestone.auto_accept_at = moment + timedelta(days=get_settings().auto_accept_days)
    milestone.reject_reason = None
    session.add(milestone)
    record_step(session, "milestone.submitted", collaboration=collaboration, challenge=challenge, by=by,
            subject=("milestone", milestone.id), data={"note": note} if note else {})
    return milestone


def _decide_milestone(session: Session, milestone: Milestone, to: str, **values) -> None:
    statement = (update(Milestone).where(Milestone.id == milestone.id, Milestone.status == "submitted")
                 .values(status=to, **values).execution_options(synchronize_session=False))
    result = lifecycle.race_execute(session, statement)
    if result.rowcount != 1:
        session.refresh(milestone)
        raise Conflict("该里程碑不在待验收状态")
    milestone.status = to
    for key, value in values.items():
        setattr(milestone, key, value)


def accept_milestone(session: Session, *, milestone: Milestone, collaboration: Collaboration, challenge: Challenge,
                     by: User | None, auto: bool = False) -> Milestone:
    """The firm accepts a submitted milestone; auto=True for the timer (no user)."""
    if not auto and not policy.can_accept(by, challenge):
        raise Forbidden("只有发榜企业可以验收里程碑")
    if not auto and milestone_status(milestone, now()) == "accepted" and milestone.status == "submitted":
        auto = True  # the timer ran out before the firm looked: record it as automatic
    moment = milestone.auto_accept_at if auto else now()
    _decide_milestone(session, milestone, "accepted", accepted_at=moment)
    record_step(session, "milestone.auto_accepted" if auto else "milestone.accepted", collaboration=collaboration,
            challenge=challenge, by=None if auto else by, subject=("milestone", milestone.id),
            data={"amount": str(milestone.amount or "")})
    return milestone


def reject_milestone(session: Session, *, milestone: Milestone, collaboration: Collaboration, challenge: Challenge,
                     by: User, reason: str) -> Milestone:
    if not policy.can_accept(by, challenge):
        raise Forbidden("只有发榜企业可以退回里程碑")
    if milestone_status(milestone, now()) == "accepted":
        raise Conflict("该里程碑已超过验收期限，已自动验收")
    _decide_milestone(session, milestone, "rejected", reject_reason=reason, auto_accept_at=None)
    record_step(session, "milestone.rejected", collaboration=collaboration, challenge=challenge, by=by,
            subject=("milestone", milestone.id), data={"reason": reason})
    return milestone


def auto_accept_due(session: Session, *, at: datetime) -> list[Milestone]:
    """Persist every auto-acceptance whose time has come (the sweep)."""
    due = session.exec(select(Milestone).where(Milestone.status == "submitted", Milestone.auto_accept_at <= at)
                       .order_by(Milestone.id)).all()
    accepted = []
    for milestone in due:
        collaboration = session.get(Collaboration, milestone.collaboration_id)
        if collaboration.status != CollabStatus.in_progress:
            continue  # a dispute or stop-work holds the timer
        challenge = session.get(Challenge, collaboration.challenge_id)
        accepted.append(accept_milestone(session, milestone=milestone, collaboration=collaboration,
                                         challenge=challenge, by=None, auto=True))
    return accepted


# ---------------------------------------------------------------- work logs and deliverables

def add_worklog(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: WorkLogCreate,
                by: User) -> WorkLog:
    if not policy.can_log_work(by, collaboration, member_ids(session, collaboration)):
        raise Forbidden("只有协作团队成员可以登记工时")
    _require_working(collaboration)
    if data.day > now().date() + timedelta(days=1):
        raise Invalid("不能登记未来日期的工时", field="day")
    start(session, collaboration=collaboration, challenge=challenge, by=by)
    log = WorkLog(collaboration_id=collaboration.id, engineer_id=by.engineer_id, **data.model_dump())
    session.add(log)
    session.flush()
    record_step(session, "worklog.added", collaboration=collaboration, challenge=challenge, by=by,
            subject=("worklog", log.id), engineer_id=by.engineer_id, data={"hours": str(log.hours), "day": str(log.day)})
    return log


def upload_deliverable(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: bytes,
                       filename: str | None, by: User, note: str | None = None,
                       milestone: Milestone | None = None) -> Deliverable:
    if not policy.can_log_work(by, collaboration, member_ids(session, collaboration)):
        raise Forbidden("只有协作团队成员可以上传交付物")
    _require_working(collaboration)
    if milestone is not None and milestone.collaboration_id != collaboration.id:
        raise Invalid("里程碑不属于该协作", field="milestone_id")
    stored = storage.save(session, data=data, filename=filename, by_id=by.id)
    deliverable = Deliverable(collaboration_id=collaboration.id, milestone_id=milestone.id if milestone else None,
                              file_id=stored.id, note=note, submitted_by_id=by.id)
    session.add(deliverable)
    session.flush()
    record_step(session, "deliverable.uploaded", collaboration=collaboration, challenge=challenge, by=by,
            subject=("deliverable", deliverable.id), data={"filename": stored.filename, "size": stored.size})
    return deliverable


def deliverables(session: Session, collaboration: Collaboration) -> list[tuple[Deliverable, StoredFile | None]]:
    return list(session.exec(select(Deliverable, StoredFile).outerjoin(StoredFile, StoredFile.id == Deliverable.file_id)
                             .where(Deliverable.collaboration_id == collaboration.id).order_by(Deliverable.id)).all())


# ---------------------------------------------------------------- delivery and acceptance

def deliver(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
            note: str | None = None) -> Collaboration:
    """The lead hands the result over for 车间验题."""
    if not policy.can_deliver(by, collaboration):
        raise Forbidden("只有挂帅工程师可以提交交付")
    _require_working(collaboration)
    start(session, collaboration=collaboration, challenge=challenge, by=by)
    lifecycle.check_move(challenge.status, S.delivered)
    set_status(session, collaboration, CollabStatus.delivered, WORKING, delivered_at=now())
    lifecycle.transition(session, challenge=challenge, to=S.delivered, actor_id=by.id, collaboration=collaboration,
                         data={"note": note} if note else None)
    return collaboration


def accept_delivery(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User) -> Collaboration:
    """The firm verifies the delivery: the collaboration and the challenge are accepted."""
    if not policy.can_accept(by, challenge):
        raise Forbidden("只有发榜企业可以验收")
    if collaboration.status != CollabStatus.delivered:
        raise Conflict("工程师尚未提交交付，不能验收")
    set_status(session, collaboration, CollabStatus.accepted, (CollabStatus.delivered,), accepted_at=now())
    lifecycle.transition(session, challenge=challenge, to=S.accepted, actor_id=by.id, collaboration=collaboration)
    return collaboration


def reject_delivery(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
                    reason: str) -> Collaboration:
    """Not accepted: back to work with the firm's reason."""
    if not policy.can_accept(by, challenge):
        raise Forbidden("只有发榜企业可以验收")
    if collaboration.status != CollabStatus.delivered:
        raise Conflict("工程师尚未提交交付，不能退回")
    set_status(session, collaboration, CollabStatus.in_progress, (CollabStatus.delivered,), delivered_at=None)
    lifecycle.transition(session, challenge=challenge, to=S.in_progress, actor_id=by.id, collaboration=collaboration,
                         reason=reason, event_kind="collaboration.rejected")
    return collaboration


def collaboration_of(session: Session, milestone: Milestone) -> Collaboration:
    return session.get(Collaboration, milestone.collaboration_id)


def challenge_of(session: Session, collaboration: Collaboration) -> Challenge:
    return session.get(Challenge, collaboration.challenge_id)


def find_milestone(session: Session, milestone_id: int) -> Milestone | None:
    return session.get(Milestone, milestone_id)


def milestones(session: Session, collaboration: Collaboration) -> list[Milestone]:
    """The plan, with auto-acceptance applied on read."""
    rows = list(session.exec(select(Milestone).where(Milestone.collaboration_id == collaboration.id)
                             .order_by(Milestone.seq, Milestone.id)).all())
    moment = now()
    for milestone in rows:
        if collaboration.status == CollabStatus.in_progress and milestone_status(milestone, moment) == "accepted" \
                and milestone.status == "submitted":
            session.expunge(milestone)  # shown as accepted; the sweep or the next write persists it
            milestone.status = "accepted"
    return rows


def worklogs(session: Session, collaboration: Collaboration) -> list[WorkLog]:
    return list(session.exec(select(WorkLog).where(WorkLog.collaboration_id == collaboration.id)
                             .order_by(WorkLog.day, WorkLog.id)).all())
