"""Login and logout pages (session cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from accounts import service
from accounts.deps import OptionalUser, client_ip, sign_in, sign_out
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError
from core.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])

ROLE_HOME = {"sme": "/firm", "engineer": "/engineer", "center": "/center", "city": "/gov",
             "province": "/gov", "expert": "/expert", "admin": "/admin"}


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@router.get("/login")
def login_form(request: Request, user: OptionalUser, next: str | None = None):  # noqa: A002 - query name
    return render(request, "accounts/login.html", {"next": _safe_next(next) or "", "error": None, "username": ""})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",  # noqa: A002
):
    try:
        user = service.authenticate(session, username=username, password=password, ip=client_ip(request))
    except AppError as exc:  # answered, not raised: the session still commits the failure count
        return render(request, "accounts/login.html",
                      {"next": _safe_next(next) or "", "error": exc.message, "username": username},
                      status_code=exc.status)
    sign_in(request, user)
    return RedirectResponse(_safe_next(next) or ROLE_HOME.get(user.role, "/"), status_code=303)


@router.post("/logout")
def logout(request: Request):
    sign_out(request)
    return RedirectResponse("/", status_code=303)
