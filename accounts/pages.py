"""Login, logout and password pages (server-side session behind the cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from accounts import login as login_service
from accounts import service
from accounts.deps import CurrentUser, OptionalUser, client_ip, known_users, remember_device, sign_in, sign_out
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError, Invalid
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
        user = login_service.authenticate(session, username=username, password=password, ip=client_ip(request),
                                          known_users=known_users(request))
    except AppError as exc:  # answered, not raised: the session still commits the failure
        return render(request, "accounts/login.html",
                      {"next": _safe_next(next) or "", "error": exc.message, "username": username},
                      status_code=exc.status)
    sign_in(request, session, user)
    response = RedirectResponse(_safe_next(next) or ROLE_HOME.get(user.role, "/"), status_code=303)
    remember_device(request, response, user)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep):
    sign_out(request, session)
    return RedirectResponse("/", status_code=303)


@router.get("/account/password")
def password_form(request: Request, user: CurrentUser, done: bool = False):
    return render(request, "accounts/password.html", {"done": done, "error": None, "field": None})


@router.post("/account/password")
def change_password(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
):
    """Every other session and token ends; this browser gets a fresh session."""
    try:
        if new != confirm:
            raise Invalid("两次输入的新密码不一致", field="confirm")
        service.change_password(session, user=user, current=current, new=new)
    except AppError as exc:
        return render(request, "accounts/password.html", {"done": False, "error": exc.message, "field": exc.field},
                      status_code=exc.status)
    sign_in(request, session, user)
    return RedirectResponse("/account/password?done=1", status_code=303)
