"""Sign-in: a progressive delay per (account, address) and per address, never a lock on the account.

Every refusal looks the same (status, words and, roughly, time): an unknown name, a wrong password and a
throttled attempt each cost one argon2 verification and answer 401 "用户名或密码错误…". A browser that
signed in to the account before (the known-device cookie) passes the delay with the right password, so a
stranger hammering an account or a shared address cannot keep its owner out. Only after the right password
does a deactivated account hear that it is deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from accounts import passwords
from accounts.models import LoginAttempt, User
from core.clock import now
from core.db import begin_write
from core.errors import Forbidden, Unauthorized

REFUSED = "用户名或密码错误，或尝试过于频繁，请稍后再试"
WINDOW = timedelta(hours=1)  # failures older than this are forgotten
PAIR_FREE = 3  # failures of one account from one address before the delay starts
ADDRESS_FREE = 20  # failures from one address, over all accounts, before the delay starts
MAX_DELAY = timedelta(minutes=15)


@dataclass(frozen=True)
class _Facts:
    user_id: int | None
    password_hash: str | None
    throttled: bool


def delay_after(failures: int, *, free: int) -> timedelta:
    """The wait after the last failure: none for the first `free`, then 1 s, 2 s, 4 s… up to MAX_DELAY."""
    if failures < free:
        return timedelta(0)
    return min(MAX_DELAY, timedelta(seconds=2 ** min(failures - free, 20)))


def _recent(session: Session, *conditions) -> tuple[int, datetime | None]:
    count, last = session.exec(select(func.count(), func.max(LoginAttempt.at))
                               .where(LoginAttempt.at > now() - WINDOW, *conditions)).one()
    return count, last


def _throttled(session: Session, *, username: str, ip: str) -> bool:
    pair_failures, pair_last = _recent(session, LoginAttempt.username == username, LoginAttempt.ip == ip)
    checks = [(pair_failures, pair_last, PAIR_FREE)]
    if ip:
        checks.append((*_recent(session, LoginAttempt.ip == ip), ADDRESS_FREE))
    return any(last is not None and now() < last + delay_after(count, free=free) for count, last, free in checks)


def _facts(session: Session, *, username: str, ip: str) -> _Facts:
    user = session.exec(select(User).where(User.username == username)).first()
    return _Facts(user_id=user.id if user else None, password_hash=user.password_hash if user else None,
                  throttled=_throttled(session, username=username, ip=ip))


def authenticate(session: Session, *, username: str, password: str, ip: str | None = None,
                 known_users: frozenset[int] = frozenset()) -> User:
    """Check a password without holding the write lock during argon2; record the outcome in a short write.

    known_users: the accounts this browser signed in to before (its known-device cookie).
    """
    username, ip = username.strip()[:64], ip or ""
    session.commit()  # nothing written yet: give back the write lock a POST takes up front, read without it
    facts = _facts(session, username=username, ip=ip)
    session.commit()  # ends the read: argon2 below is CPU work that holds no lock and no connection
    valid, rehash = passwords.verify(password, facts.password_hash)
    begin_write(session)
    excused = facts.user_id in known_users
    if facts.user_id is None or not valid or (facts.throttled and not excused):
        session.execute(delete(LoginAttempt).where(col(LoginAttempt.at) < now() - WINDOW))
        session.add(LoginAttempt(ip=ip, username=username))
        session.flush()
        raise Unauthorized(REFUSED)
    user = session.get(User, facts.user_id)
    if user is None or not user.is_active:
        raise Forbidden("该账号已停用，请联系平台管理员")
    session.execute(delete(LoginAttempt).where(col(LoginAttempt.username) == username, col(LoginAttempt.ip) == ip))
    if rehash:
        user.password_hash = rehash
    user.last_login_at = now()
    session.add(user)
    session.flush()
    return user
