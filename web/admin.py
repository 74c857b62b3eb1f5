"""Platform administration services: accounts created, (de)activated and reset by an admin, each audited."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from accounts import passwords, policy, sessions
from accounts.models import Role, User
from accounts.service import personal_words, set_password_hash
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
    sessions.revoke_all(session, user=target)
    audit(session, by=by, action="user.activated" if active else "user.deactivated", target=target.username)
    return target


def reset_password(session: Session, *, target: User, password: str, by: User) -> User:
    """Set a user's password (they forgot it, or it leaked): every session and token of theirs ends."""
    policy.require(policy.can_administer(by), "仅平台管理员可重置密码")
    passwords.check_password_policy(password, user_inputs=personal_words(
        username=target.username, display_name=target.display_name, email=target.email))
    set_password_hash(session, user=target, password_hash=passwords.hash_password(password))
    audit(session, by=by, action="user.password_reset", target=target.username)
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
