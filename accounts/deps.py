"""Request-scoped identity: the current user from a bearer token or the session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from accounts import service
from accounts.models import User, UserPublic
from accounts.policy import require_user
from core.db import SessionDep

SESSION_USER_KEY = "uid"
SESSION_VERSION_KEY = "uv"


def _from_session_cookie(request: Request, session: Session) -> User | None:
    data = request.scope.get("session")
    if not data or SESSION_USER_KEY not in data:
        return None
    user = session.get(User, data[SESSION_USER_KEY])
    if user is None or not user.is_active or user.token_version != data.get(SESSION_VERSION_KEY):
        data.clear()
        return None
    return user


def optional_user(request: Request, session: SessionDep) -> User | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = service.user_from_token(session, header[7:].strip())
    else:
        user = _from_session_cookie(request, session)
    # A detached copy for the template context (navigation, inbox): error pages
    # render after a rollback, when the ORM object's attributes have expired.
    request.state.user = UserPublic.model_validate(user, from_attributes=True) if user is not None else None
    return user


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """No I/O: async, so FastAPI calls it without a trip through the thread pool."""
    return require_user(user)


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]


def sign_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    request.session[SESSION_VERSION_KEY] = user.token_version


def sign_out(request: Request) -> None:
    request.session.clear()


def client_ip(request: Request) -> str | None:
    """The client's address (uvicorn/gunicorn apply X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else None
