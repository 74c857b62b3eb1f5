"""CSRF tokens bound to the signed session; forms send a field, htmx a header."""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from core.errors import Forbidden

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def csrf_token(request: Request) -> str:
    session = request.scope.get("session")
    if session is None:
        return ""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


async def verify_csrf(request: Request) -> None:
    """Dependency for HTML routes: every unsafe request carries the token."""
    if request.method in SAFE_METHODS:
        return
    expected = (request.scope.get("session") or {}).get(SESSION_KEY)
    sent = request.headers.get(HEADER)
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()  # cached on the request; routes read it again
        sent = form.get(FORM_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


async def verify_csrf_for_cookie_auth(request: Request) -> None:
    """Dependency for the JSON API: bearer calls need no token, cookie calls do."""
    if request.method in SAFE_METHODS or request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    session = request.scope.get("session") or {}
    if "uid" not in session:
        return  # not cookie-authenticated: nothing a forged request could use
    await verify_csrf(request)
