"""Request-scoped identity: the current user from a bearer token or the session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session

from accounts import service, sessions
from accounts.models import User, UserPublic
from accounts.policy import require_user
from core.db import SAFE_METHODS, SessionDep
from core.settings import get_settings

SESSION_KEY = "sid"  # the server-side session's token, inside the signed cookie beside the CSRF token
DEVICE_COOKIE = "xc_device"
DEVICE_MAX_AGE = 180 * 24 * 3600
DEVICE_MAX_USERS = 10


def _from_session_cookie(request: Request, session: Session) -> User | None:
    data = request.scope.get("session")
    if not data or SESSION_KEY not in data:
        return None
    user = sessions.user_for(session, str(data[SESSION_KEY]), writing=request.method not in SAFE_METHODS)
    if user is None:
        data.pop(SESSION_KEY)  # logged out, expired or revoked elsewhere: the browser forgets it too
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


def sign_in(request: Request, session: Session, user: User) -> None:
    """Open a fresh server-side session (a new token and CSRF token: nothing survives from before)."""
    sign_out(request, session)
    request.session[SESSION_KEY] = sessions.start(session, user=user, user_agent=request.headers.get("user-agent", ""))


def sign_out(request: Request, session: Session) -> None:
    token = request.session.get(SESSION_KEY)
    if token:
        sessions.revoke(session, str(token))
    request.session.clear()


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().resolved_secret(), salt="known-device")


def known_users(request: Request) -> frozenset[int]:
    """The accounts this browser signed in to before (a signed cookie): their owners pass the login delay."""
    try:
        ids = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return frozenset()
    return frozenset(i for i in ids if isinstance(i, int)) if isinstance(ids, list) else frozenset()


def remember_device(request: Request, response: Response, user: User) -> None:
    ids = [user.id, *(i for i in known_users(request) if i != user.id)][:DEVICE_MAX_USERS]
    settings = get_settings()
    response.set_cookie(DEVICE_COOKIE, _devices().dumps(ids), max_age=DEVICE_MAX_AGE, httponly=True, samesite="lax",
                        secure=settings.secure_cookies or settings.mode == "production")


def client_ip(request: Request) -> str | None:
    """The client's address (uvicorn/gunicorn apply X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else None
