"""Audit trail of government, expert and admin actions (ASVS 7.2: accountability)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from accounts.deps import OptionalUser
from accounts.models import Role, User
from centers.models import AuditLog
from core.db import SAFE_METHODS, SessionDep

AUDITED_ROLES = {Role.city, Role.province, Role.expert, Role.admin}


async def audit_request(request: Request, session: SessionDep, user: OptionalUser) -> AsyncIterator[None]:
    """Route dependency: record every successful write by an audited role.

    Runs after the route (function scope), inside the same transaction, so a
    failed action leaves no audit line and a recorded one cannot be lost. Reads
    and other roles cost nothing; the write goes through the thread pool.
    """
    yield
    if request.method in SAFE_METHODS or user is None or user.role not in AUDITED_ROLES:
        return
    await run_in_threadpool(_record, request, session, user)


def _record(request: Request, session: Session, user: User) -> None:
    session.add(AuditLog(
        user_id=user.id,
        action=f"{request.method} {request.scope.get('route').path if request.scope.get('route') else request.url.path}",
        target=request.url.path[:120],
        detail={"role": user.role, "query": str(request.url.query)[:200]},
    ))
    session.flush()
