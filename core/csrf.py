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
# A page rendered once for every anonymous visitor (web.page_cache) carries this in place of the
# token; each reply swaps in the visitor's own. Random per process, so no page can forge it.
PLACEHOLDER = "xc-csrf-" + secrets.token_hex(12)
SHARED_RENDER = "xiechuang.shared_render"  # request.state flag set by the page cache


def session_token(session: dict | None) -> str:
    """The session's token, created on first use ("" when the app runs without sessions)."""
    if session is None:
        return ""
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def csrf_token(request: Request) -> str:
    if request.scope.get("state", {}).get(SHARED_RENDER):
        return PLACEHOLDER
    return session_token(request.scope.get("session"))


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
    if "sid" not in session:
        return  # not cookie-authenticated: nothing a forged request could use
    await verify_csrf(request)
