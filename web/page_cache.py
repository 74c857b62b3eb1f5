"""Public pages as anonymous visitors see them, rendered once and served again for a few seconds.

Every anonymous visitor (no bearer token, no signed-in session) sees the same challenge hall and
the same challenge page, so one rendering can serve them all for a while: what Discourse calls its
anonymous cache and nginx users call micro-caching. The CSRF token is the only per-visitor part of
such a page: the page is rendered with `core.csrf.PLACEHOLDER` and every reply swaps in the
visitor's own token (created in their session as usual).

Only GET requests for the paths in PUBLIC_PAGES are considered; signed-in users, API calls and
any reply but a 200 HTML page without cookies of its own always go to the app. A page may be
`anonymous_page_cache_seconds` old (0 turns the cache off); each app process keeps its own copy,
so several hosts agree within that time.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts.deps import SESSION_KEY
from core.csrf import PLACEHOLDER, SHARED_RENDER, session_token
from core.recent import Recent
from core.settings import get_settings

# Pages whose anonymous rendering depends on nothing but the URL, the htmx headers and the time.
PUBLIC_PAGES = re.compile(r"^/(challenges(/\d+)?|engineers(/\d+)?|centers(/\d+)?)?$")
# Request headers that change what a page renders (a full page, an htmx partial, a history restore).
VARY = (b"hx-request", b"hx-boosted", b"hx-history-restore-request")
MAX_PAGES = 1000
_PLACEHOLDER = PLACEHOLDER.encode()


class AnonymousPageCache:
    """ASGI middleware; sits inside SessionMiddleware (it reads the session to tell who is signed in)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.pages = Recent(lambda: get_settings().anonymous_page_cache_seconds, maxsize=MAX_PAGES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.pages.enabled or not _anonymous_page_view(scope):
            await self.app(scope, receive, send)
            return
        key = _key(scope)
        found = self.pages.get(key)
        if found is not None:
            await _reply(scope, send, *found, "hit")
            return
        scope.setdefault("state", {})[SHARED_RENDER] = True
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    body = b"".join(chunks)
                    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                    stored = _storable(start["status"], headers)
                    if stored:
                        self.pages.put(key, (start["status"], headers, body))
                    await _reply(scope, send, start["status"], headers, body, "miss" if stored else "pass")
            else:
                await send(message)

        await self.app(scope, receive, capture)


def _anonymous_page_view(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "GET" or not PUBLIC_PAGES.match(scope["path"]):
        return False
    if SESSION_KEY in (scope.get("session") or {}):
        return False
    return not any(name == b"authorization" for name, _ in scope["headers"])


def _key(scope: Scope) -> tuple:
    headers = dict(scope["headers"])
    return (scope["path"], scope["query_string"], *(headers.get(name) for name in VARY))


def _storable(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    names = {k.lower(): v for k, v in headers}
    return (status == 200 and b"set-cookie" not in names
            and names.get(b"content-type", b"").startswith(b"text/html"))


async def _reply(scope: Scope, send: Send, status: int, headers: list, body: bytes, outcome: str) -> None:
    """Send the page with this visitor's own CSRF token in place of the placeholder."""
    if _PLACEHOLDER in body:
        body = body.replace(_PLACEHOLDER, session_token(scope.get("session")).encode())
    message: Message = {"type": "http.response.start", "status": status, "headers": list(headers)}
    out = MutableHeaders(scope=message)
    out["content-length"] = str(len(body))
    out["x-page-cache"] = outcome
    await send(message)
    await send({"type": "http.response.body", "body": body})
