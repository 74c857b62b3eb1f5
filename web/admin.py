"""Platform administration services: accounts created and (de)activated by an admin, each written to the audit log."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from accounts.models import Role, User
from centers.models import AuditLog
from core.errors import Conflict, NotFound
from marketplace.challenges.search import Page
from talent.flows import create_user_account

PER_PAGE = 25


def audit(session: Session, *, by: User, action: str, target: str, detail: dict | None = None) -> AuditLog:
    entry = AuditLog(user_id=by.id, action=action, target=target, detail=detail or {})
    session.add(entry)
    session.flush()
    return entry


def create_account(session: Session, *, by: User, username: str, password: str, role: str, org: str | None = None,
                   center: str | None = None, engineer: str | None = None, region: str | None = None,
                   display_name: str = "") -> User:
    """Create an account and audit it; a refused one leaves nothing behind (not even the firm it named)."""
    with session.begin_nested():
        user = create_user_account(session, username=username, password=password, role=role, org=org, center=center,
                                   engineer=engineer, region=region, display_name=display_name)
    audit(session, by=by, action="user.created", target=user.username, detail={"role": user.role})
    return user


def user_or_404(session: Session, user_id: int) -> User:
    target = session.get(User, user_id)
    if target is None:
        raise NotFound("用户不存在")
    return target


def set_active(session: Session, *, target: User, active: bool, by: User) -> User:
    """Deactivate (every session and token dies) or reactivate an account."""
    if target.id == by.id and not active:
        raise Conflict("不能停用自己的账号")
    target.is_active = active
    target.token_version += 1
    session.add(target)
    audit(session, by=by, action="user.activated" if active else "user.deactivated", target=target.username)
    return target


def list_users(session: Session, *, role: str = "", q: str = "", page: int = 1) -> Page:
    stmt = select(User)
    if role in Role.__members__:
        stmt = stmt.where(User.role == role)
    if q:
        pattern = f"%{q}%"
        stmt = stmt.where(col(User.username).like(pattern) | col(User.display_name).like(pattern))
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    items = session.exec(stmt.order_by(col(User.id).desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return Page(items=list(items), total=total, page=page, per_page=PER_PAGE)
