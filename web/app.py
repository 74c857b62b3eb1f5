"""Compose the application: middleware, error handlers, routers, static files."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import move_on_after, to_thread
from fastapi import BackgroundTasks, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts import pages as account_pages
from accounts import router as account_api
from accounts.deps import OptionalUser
from centers import gov_pages, report_pages
from centers import pages as center_pages
from centers import router as center_api
from core.concurrency import limiters
from core.db import SAFE_METHODS, SessionDep, ping, take_write_lock
from core.errors import AppError
from core.settings import get_settings
from core.templating import render
from marketplace.challenges import pages as challenge_pages
from marketplace.challenges import router as challenge_api
from marketplace.consultations import pages as consultation_pages
from marketplace.consultations import router as consultation_api
from marketplace.inbox import pages as inbox_pages
from marketplace.inbox import router as inbox_api
from marketplace.inbox.mailer import send_outbox
from marketplace.workspaces import pages as workspace_pages
from matching import pages as matching_pages
from matching import router as matching_api
from matching.service import rank_engineers
from web import admin_pages
from web import pages as web_pages
from web.nav import nav_context
from web.page_cache import AnonymousPageCache

log = logging.getLogger("xiechuang")
STATIC = Path(__file__).parent / "static"
# The routers the app includes: JSON API first, then pages.
ROUTERS = [
    account_api.router, challenge_api.router, consultation_api.router, inbox_api.router, matching_api.router,
    center_api.router,
    account_pages.router, challenge_pages.router, consultation_pages.router, inbox_pages.router,
    workspace_pages.router, matching_pages.router, center_pages.router, gov_pages.router, report_pages.router,
    web_pages.router, admin_pages.router,
]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in {"/healthz", "/openapi.json"} or (
        "application/json" in request.headers.get("accept", "") and "text/html" not in request.headers.get("accept", "")
    )


def _error_response(request: Request, status: int, body: dict) -> Response:
    if wants_json(request):
        return JSONResponse(body, status_code=status)
    if status == 401 and not request.headers.get("hx-request"):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return render(request, "error.html", {"status": status, "message": body.get("detail", "")},
                  block="content" if request.headers.get("hx-request") else None, status_code=status)


FIELD_MESSAGES = {
    "missing": "必填项未填写",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "json_invalid": "JSON 格式错误",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "list_type": "应为列表",
    "bool_parsing": "应为布尔值",
    "value_error": "取值无效",
}


MAX_ERRORS = 20  # a 10 MB body of bad keys must not answer with megabytes of errors
MAX_FIELD_CHARS, MAX_MESSAGE_CHARS = 100, 200


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def validation_body(exc: RequestValidationError) -> dict:
    errors = []
    for err in exc.errors()[:MAX_ERRORS]:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "form")]
        message = FIELD_MESSAGES.get(err.get("type", ""), "取值无效")
        if err.get("type") == "value_error" and err.get("msg"):
            message = str(err["msg"]).removeprefix("Value error, ")
        errors.append({"field": _cut(".".join(loc) or "body", MAX_FIELD_CHARS),
                       "message": _cut(message, MAX_MESSAGE_CHARS)})
    first = errors[0] if errors else {"field": "body", "message": "请求无效"}
    return {"detail": f"{first['field']}: {first['message']}", "field": first["field"], "errors": errors}


class SecurityHeaders:
    """CSP, nosniff, frame and referrer policy on every response (plain ASGI: no extra task per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"] in {"/docs", "/redoc"} else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", csp)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def mail_after_commit(request: Request, tasks: BackgroundTasks) -> None:
    """A write that succeeds sends the outbox once its transaction committed: a background task runs after
    the response, and the session commits before the response (SessionDep). A failed request answers from
    an error handler, without the task, so it mails nothing."""
    if request.method not in SAFE_METHODS and get_settings().smtp_host:
        tasks.add_task(send_outbox)


async def writer_once_signed_in(request: Request, session: SessionDep, user: OptionalUser) -> None:
    """A request that may write becomes the database's writer once it is signed in, before its other
    dependencies load what it writes. An anonymous one (401 to come, or a sign-in) never takes the lock."""
    if request.method not in SAFE_METHODS and user is not None:
        await take_write_lock(session)


BUSY_SECONDS = 2
BUSY_MESSAGES = {PoolTimeout: "当前访问人数较多，请稍后重试", OperationalError: "数据正在被其他操作写入，请稍后重试"}
HEALTH_SECONDS = 1.5


def is_busy(exc: Exception) -> bool:
    """A pool checkout that timed out, or SQLite's lock still held after the busy timeout."""
    if isinstance(exc, PoolTimeout):
        return True
    message = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in message or "database is busy" in message or "database table is locked" in message


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    settings.resolved_secret()  # production refuses to start without a real secret
    limiters()  # size the worker threads with the pool before the first request
    yield


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "中文错误说明"},
        "code": {"type": "string"},
        "field": {"type": "string", "description": "出错的字段"},
        "errors": {
            "type": "array",
            "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}},
        },
    },
}


def _document_error_bodies(app: FastAPI) -> None:
    """Describe the real 422 body (field + Chinese message) instead of FastAPI's default."""
    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["HTTPValidationError"] = ERROR_SCHEMA
            components.pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="协创 Xiechuang API", version="0.1.0", lifespan=lifespan,
                  description="工程师协同创新中心协作平台 JSON API")
    app.add_middleware(AnonymousPageCache)  # inside the session middleware: it reads the session
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.resolved_secret(),
        session_cookie="xc_session",
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.secure_cookies or settings.mode == "production",
    )

    app.add_middleware(SecurityHeaders)

    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError):
        return _error_response(request, exc.status, exc.as_dict())

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return _error_response(request, 422, validation_body(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        messages = {404: "页面不存在", 405: "不支持的请求方法"}
        return _error_response(request, exc.status_code, {"detail": messages.get(exc.status_code, str(exc.detail))})

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: Exception):
        # An id or number beyond what the database column holds (e.g. 10**30 in a path).
        return _error_response(request, 422, {"detail": "数值超出允许范围", "code": "invalid"})

    @app.exception_handler(PoolTimeout)
    @app.exception_handler(OperationalError)
    async def busy(request: Request, exc: Exception):
        if not is_busy(exc):
            return await unexpected(request, exc)
        log.warning("busy on %s %s: %s", request.method, request.url.path, exc)
        message = BUSY_MESSAGES[PoolTimeout if isinstance(exc, PoolTimeout) else OperationalError]
        reply = _error_response(request, 503, {"detail": message, "code": "busy"})
        reply.headers["Retry-After"] = str(BUSY_SECONDS)
        return reply

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error_response(request, 500, {"detail": "服务器内部错误，已记录，请稍后重试"})

    @app.get("/healthz", tags=["system"])
    async def healthz():
        """Its own connection and threads: answers within HEALTH_SECONDS whatever the requests do."""
        with move_on_after(HEALTH_SECONDS):
            try:
                await to_thread.run_sync(ping, limiter=limiters().health, abandon_on_cancel=True)
            except Exception:  # the database is down or restarting
                return JSONResponse({"status": "unavailable"}, status_code=503)
            return {"status": "ok"}
        return JSONResponse({"status": "busy"}, status_code=503, headers={"Retry-After": str(BUSY_SECONDS)})

    @app.get("/hello", include_in_schema=False)
    def hello() -> Response:
        """The load test's floor: no database, no template."""
        return Response("ok", media_type="text/plain")

    app.state.rank_engineers = rank_engineers  # the marketplace's matcher (marketplace/ranker.py)
    _document_error_bodies(app)
    app.state.page_context = nav_context  # every page's navigation (core/templating.py)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(writer_once_signed_in), Depends(mail_after_commit)])
    return app
