"""Server-side sessions: the browser holds a random token, the table holds its sha256 and whether it still counts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from accounts.models import User, UserSession
from core.clock import now
from core.settings import get_settings

TOUCH_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often, and only by writing requests


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, *, user: User, user_agent: str = "") -> str:
    """Open a session for a user who just proved who they are; return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(id=_digest(token), user_id=user.id, user_agent=user_agent[:200],
                            expires_at=now() + timedelta(seconds=get_settings().session_max_age)))
    session.flush()
    return token


def user_for(session: Session, token: str, *, writing: bool = False) -> User | None:
    """The active user a live session belongs to, or None (unknown, revoked, expired or deactivated)."""
    row = session.get(UserSession, _digest(token))
    if row is None or row.revoked_at is not None or row.expires_at <= now():
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if writing and row.last_seen_at < now() - TOUCH_EVERY:
        row.last_seen_at = now()  # a writing request holds the write lock already: no extra lock for a read
        session.add(row)
    return user


def revoke(session: Session, token: str) -> None:
    """End one session (logout): its cookie no longer signs anyone in, wherever it was copied."""
    session.execute(update(UserSession).where(col(UserSession.id) == _digest(token), col(UserSession.revoked_at).is_(None))
                    .values(revoked_at=now()))


def revoke_all(session: Session, *, user: User) -> None:
    """End every session and every API token of a user (password change or reset, deactivation)."""
    session.execute(update(UserSession).where(col(UserSession.user_id) == user.id, col(UserSession.revoked_at).is_(None))
                    .values(revoked_at=now()))
    user.token_version += 1  # tokens carry the version they were issued under
    session.add(user)
    session.flush()
