"""The engineer pool (共享工程师库): invite, approve, remove, and roster rows."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from accounts import policy
from accounts.models import User
from core import eventlog as events
from core.clock import today
from core.errors import Conflict, Invalid, NotFound
from talent.models import Center, Engagement, Engineer, PoolMembership

ENGAGEMENTS = [e.value for e in Engagement]


def check_engagement(value: str | None) -> str:
    value = (value or "兼职").strip()
    if value not in ENGAGEMENTS:
        raise Invalid(f"聘用方式应为 {'/'.join(ENGAGEMENTS)} 之一", field="engagement")
    return value


def members(session: Session, *, center: Center) -> list[tuple[PoolMembership, Engineer]]:
    return list(session.exec(select(PoolMembership, Engineer).join(Engineer, Engineer.id == PoolMembership.engineer_id)
                             .where(PoolMembership.center_id == center.id)
                             .order_by(PoolMembership.status, Engineer.name)).all())


def membership_of(session: Session, *, center: Center, membership_id: int) -> PoolMembership:
    row = session.get(PoolMembership, membership_id)
    if row is None:
        raise NotFound("工程师库记录不存在")
    _check_belongs(row, center)
    return row


def _check_belongs(membership: PoolMembership, center: Center) -> None:
    if membership.center_id != center.id:
        raise NotFound("工程师库记录不存在")


def add_member(session: Session, *, center: Center, engineer: Engineer, engagement: str | None = None,
               long_term: bool = False, recruited: bool = False, status: str = "invited",
               by: User | None, joined_on: date | None = None) -> PoolMembership:
    """Invite an engineer (or, for a roster import, add them directly as active).
    `by=None` is the platform itself (a bulk import run from the command line)."""
    if by is not None:
        policy.require(policy.can_manage_center(by, center), "只有本中心运营人员可以管理工程师库")
    row = session.exec(select(PoolMembership).where(PoolMembership.center_id == center.id,
                                                    PoolMembership.engineer_id == engineer.id)).first()
    if row is not None and row.status == "active" and status != "active":
        raise Conflict(f"{engineer.name} 已在工程师库中")
    row = row or PoolMembership(center_id=center.id, engineer_id=engineer.id)  # type: ignore[arg-type]
    row.engagement, row.long_term, row.recruited_for_cluster = check_engagement(engagement), long_term, recruited
    was_active = row.status == "active" and row.id is not None
    row.status = status
    if status == "active":
        row.joined_on = row.joined_on if was_active else (joined_on or today())
        row.left_on = None
    session.add(row)
    session.flush()
    if status == "active" and not was_active:
        _log(session, "pool.joined", center, engineer.id, by)  # type: ignore[arg-type]
    return row


def approve(session: Session, *, membership: PoolMembership, center: Center, by: User) -> PoolMembership:
    policy.require(policy.can_manage_center(by, center), "只有本中心运营人员可以管理工程师库")
    _check_belongs(membership, center)
    if membership.status not in ("invited", "pending"):
        raise Conflict("只有已邀请或待审核的工程师可以批准入库")
    membership.status, membership.joined_on, membership.left_on = "active", today(), None
    session.add(membership)
    session.flush()
    _log(session, "pool.joined", center, membership.engineer_id, by)
    return membership


def remove(session: Session, *, membership: PoolMembership, center: Center, by: User) -> PoolMembership:
    policy.require(policy.can_manage_center(by, center), "只有本中心运营人员可以管理工程师库")
    _check_belongs(membership, center)
    if membership.status == "removed":
        raise Conflict("该工程师已移出工程师库")
    was_active = membership.status == "active"
    membership.status, membership.left_on = "removed", today()
    session.add(membership)
    session.flush()
    if was_active:
        _log(session, "pool.left", center, membership.engineer_id, by)
    return membership


def _log(session: Session, kind: str, center: Center, engineer_id: int, by: User | None) -> None:
    events.record(session, kind, actor_id=by.id if by else None, center_id=center.id, engineer_id=engineer_id,
                  subject=("center", center.id))  # type: ignore[arg-type]
