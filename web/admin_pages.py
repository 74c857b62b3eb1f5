"""Platform administration: users, organisations and the audit log (role admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import User
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError
from core.templating import render
from marketplace.challenges.forms import FormResult
from web import admin as admin_service
from web import views

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
ACCOUNT_FIELDS = ["username", "display_name", "password", "role", "org", "center", "engineer", "region"]


async def admin_user(user: CurrentUser) -> User:
    policy.require(policy.can_administer(user), "仅平台管理员可访问")
    return user


AdminDep = Annotated[User, Depends(admin_user)]


def _page_no(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100000 else 1


def _users_page(request: Request, session: Session, form: FormResult | None = None, status_code: int = 200):
    role = request.query_params.get("role", "")
    q = request.query_params.get("q", "").strip()[:60]
    return render(request, "admin/users.html",
                  views.users(session, role=role, q=q, page_no=_page_no(request), form=form), status_code=status_code)


@router.get("/admin")
def admin_home(request: Request, session: SessionDep, admin: AdminDep):
    return render(request, "admin/home.html", views.admin_home(session))


@router.get("/admin/users")
def admin_users(request: Request, session: SessionDep, admin: AdminDep):
    return _users_page(request, session)


@router.post("/admin/users")
async def admin_create_user(request: Request, session: SessionDep, admin: AdminDep):
    data = await request.form()
    form = FormResult(raw={n: str(data.get(n, "")).strip() for n in ACCOUNT_FIELDS})
    raw = form.raw
    try:
        user = admin_service.create_account(
            session, by=admin, username=raw["username"], password=raw["password"], role=raw["role"],
            org=raw["org"] or None, center=raw["center"] or None, engineer=raw["engineer"] or None,
            region=raw["region"] or None, display_name=raw["display_name"])
    except AppError as exc:
        form.fail(exc)
        return _users_page(request, session, form, status_code=exc.status)
    return RedirectResponse(f"/admin/users?q={user.username}", status_code=303)


@router.post("/admin/users/{user_id:int}/deactivate")
def admin_deactivate(request: Request, session: SessionDep, admin: AdminDep, user_id: int):
    admin_service.set_active(session, target=admin_service.user_or_404(session, user_id), active=False, by=admin)
    return RedirectResponse(request.headers.get("referer") or "/admin/users", status_code=303)


@router.post("/admin/users/{user_id:int}/activate")
def admin_activate(request: Request, session: SessionDep, admin: AdminDep, user_id: int):
    admin_service.set_active(session, target=admin_service.user_or_404(session, user_id), active=True, by=admin)
    return RedirectResponse(request.headers.get("referer") or "/admin/users", status_code=303)


@router.post("/admin/users/{user_id:int}/password")
async def admin_reset_password(request: Request, session: SessionDep, admin: AdminDep, user_id: int):
    password = str((await request.form()).get("password", ""))
    admin_service.reset_password(session, target=admin_service.user_or_404(session, user_id), password=password,
                                 by=admin)
    return RedirectResponse(request.headers.get("referer") or "/admin/users", status_code=303)


@router.get("/admin/organisations")
def admin_organisations(request: Request, session: SessionDep, admin: AdminDep):
    return render(request, "admin/organisations.html", views.organisations(session, page_no=_page_no(request)))


@router.get("/admin/audit")
def admin_audit(request: Request, session: SessionDep, admin: AdminDep):
    return render(request, "admin/audit.html", views.audit_log(session, page_no=_page_no(request)))
