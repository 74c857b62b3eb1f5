"""Platform administration: users, organisations and the audit log (role admin only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func
from sqlmodel import Session, col, select

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import Organisation, OrgKind, Role, User
from centers.models import AuditLog
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError, Conflict, NotFound
from core.templating import render
from marketplace.challenges.forms import FormResult
from marketplace.challenges.search import Page
from marketplace.flows import create_user_account
from talent.models import Center

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
PER_PAGE = 25
ACTION_LABELS = {"user.created": "创建账号", "user.deactivated": "停用账号", "user.activated": "启用账号"}
ROLE_OPTIONS = list(Role.labels().items())


async def admin_user(user: CurrentUser) -> User:
    policy.require(policy.can_administer(user), "仅平台管理员可访问")
    return user


AdminDep = Annotated[User, Depends(admin_user)]


# ---------------------------------------------------------------- services

def audit(session: Session, *, by: User, action: str, target: str, detail: dict | None = None) -> AuditLog:
    entry = AuditLog(user_id=by.id, action=action, target=target, detail=detail or {})
    session.add(entry)
    session.flush()
    return entry


def set_active(session: Session, *, target: User, active: bool, by: User) -> User:
    """Deactivate (every session and token dies) or reactivate an account."""
    if target.id == by.id and not active:
        raise Conflict("不能停用自己的账号")
    target.is_active = active
    target.token_version += 1
    session.add(target)
    audit(session, by=by, action="user.activated" if active else "user.deactivated", target=target.username)
    return target


def list_users(session: Session, *, role: str = "", q: str = "", page: int = 1) -> Page:
    stmt = select(User)
    if role in Role.__members__:
        stmt = stmt.where(User.role == role)
    if q:
        pattern = f"%{q}%"
        stmt = stmt.where(col(User.username).like(pattern) | col(User.display_name).like(pattern))
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    items = session.exec(stmt.order_by(col(User.id).desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return Page(items=list(items), total=total, page=page, per_page=PER_PAGE)


def name_maps(session: Session) -> dict:
    return {
        "orgs": {o.id: o.name for o in session.exec(select(Organisation)).all()},
        "centers": {c.id: c.name for c in session.exec(select(Center)).all()},
    }


# ---------------------------------------------------------------- pages

def _page_no(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100000 else 1


def _users_page(request: Request, session: Session, form: FormResult | None = None, status_code: int = 200):
    role = request.query_params.get("role", "")
    q = request.query_params.get("q", "").strip()[:60]
    page = list_users(session, role=role, q=q, page=_page_no(request))
    return render(request, "admin/users.html", {
        "page": page, "role": role, "q": q, "roles": ROLE_OPTIONS, "form": form or FormResult(),
        **name_maps(session),
    }, status_code=status_code)


@router.get("/admin")
def admin_home(request: Request, session: SessionDep, admin: AdminDep):
    counts = dict(session.exec(select(User.role, func.count()).group_by(User.role)).all())
    return render(request, "admin/home.html", {
        "role_counts": [(role.label, counts.get(role.value, 0)) for role in Role],
        "org_count": session.exec(select(func.count()).select_from(Organisation)).one(),
        "recent": session.exec(select(AuditLog).order_by(col(AuditLog.id).desc()).limit(10)).all(),
        "action_labels": ACTION_LABELS,
    })


@router.get("/admin/users")
def admin_users(request: Request, session: SessionDep, admin: AdminDep):
    return _users_page(request, session)


@router.post("/admin/users")
async def admin_create_user(request: Request, session: SessionDep, admin: AdminDep):
    data = await request.form()
    names = ["username", "display_name", "password", "role", "org", "center", "engineer", "region"]
    form = FormResult(raw={n: str(data.get(n, "")).strip() for n in names})
    raw = form.raw
    try:
        user = create_user_account(
            session, username=raw["username"], password=raw["password"], role=raw["role"],
            org=raw["org"] or None, center=raw["center"] or None, engineer=raw["engineer"] or None,
            region=raw["region"] or None, display_name=raw["display_name"])
    except AppError as exc:
        session.rollback()
        form.fail(exc)
        return _users_page(request, session, form, status_code=exc.status)
    audit(session, by=admin, action="user.created", target=user.username, detail={"role": user.role})
    return RedirectResponse(f"/admin/users?q={user.username}", status_code=303)


def _target(session: Session, user_id: int) -> User:
    target = session.get(User, user_id)
    if target is None:
        raise NotFound("用户不存在")
    return target


@router.post("/admin/users/{user_id:int}/deactivate")
def admin_deactivate(request: Request, session: SessionDep, admin: AdminDep, user_id: int):
    set_active(session, target=_target(session, user_id), active=False, by=admin)
    return RedirectResponse(request.headers.get("referer") or "/admin/users", status_code=303)


@router.post("/admin/users/{user_id:int}/activate")
def admin_activate(request: Request, session: SessionDep, admin: AdminDep, user_id: int):
    set_active(session, target=_target(session, user_id), active=True, by=admin)
    return RedirectResponse(request.headers.get("referer") or "/admin/users", status_code=303)


@router.get("/admin/organisations")
def admin_organisations(request: Request, session: SessionDep, admin: AdminDep):
    members = dict(session.exec(select(User.organisation_id, func.count()).group_by(User.organisation_id)).all())
    orgs = session.exec(select(Organisation).order_by(Organisation.name).offset((_page_no(request) - 1) * 50)
                        .limit(50)).all()
    total = session.exec(select(func.count()).select_from(Organisation)).one()
    return render(request, "admin/organisations.html", {
        "orgs": orgs, "members": members, "kinds": OrgKind.labels(),
        "page": Page(items=list(orgs), total=total, page=_page_no(request), per_page=50)})


@router.get("/admin/audit")
def admin_audit(request: Request, session: SessionDep, admin: AdminDep):
    page_no = _page_no(request)
    total = session.exec(select(func.count()).select_from(AuditLog)).one()
    entries = session.exec(select(AuditLog).order_by(col(AuditLog.id).desc()).offset((page_no - 1) * 50).limit(50)).all()
    users = {u.id: u.username for u in session.exec(select(User)).all()}
    return render(request, "admin/audit.html", {
        "page": Page(items=list(entries), total=total, page=page_no, per_page=50), "users": users,
        "action_labels": ACTION_LABELS})
