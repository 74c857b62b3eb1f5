"""What the admin pages show: plain context dicts."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from accounts.models import Organisation, OrgKind, Role, User
from centers.models import AuditLog
from marketplace.challenges.forms import FormResult
from marketplace.challenges.search import Page
from talent.models import Center
from web.admin import list_users

LOG_PER_PAGE = 50
ACTION_LABELS = {"user.created": "创建账号", "user.deactivated": "停用账号", "user.activated": "启用账号",
                 "user.password_reset": "重置密码"}
ROLE_OPTIONS = list(Role.labels().items())


def admin_home(session: Session) -> dict:
    counts = dict(session.exec(select(User.role, func.count()).group_by(User.role)).all())
    return {
        "role_counts": [(role.label, counts.get(role.value, 0)) for role in Role],
        "org_count": session.exec(select(func.count()).select_from(Organisation)).one(),
        "recent": session.exec(select(AuditLog).order_by(col(AuditLog.id).desc()).limit(10)).all(),
        "action_labels": ACTION_LABELS,
    }


def users(session: Session, *, role: str, q: str, page_no: int, form: FormResult | None = None) -> dict:
    return {
        "page": list_users(session, role=role, q=q, page=page_no), "role": role, "q": q, "roles": ROLE_OPTIONS,
        "form": form or FormResult(),
        "orgs": {o.id: o.name for o in session.exec(select(Organisation)).all()},
        "centers": {c.id: c.name for c in session.exec(select(Center)).all()},
    }


def organisations(session: Session, *, page_no: int) -> dict:
    members = dict(session.exec(select(User.organisation_id, func.count()).group_by(User.organisation_id)).all())
    orgs = session.exec(select(Organisation).order_by(Organisation.name).offset((page_no - 1) * LOG_PER_PAGE)
                        .limit(LOG_PER_PAGE)).all()
    total = session.exec(select(func.count()).select_from(Organisation)).one()
    return {"orgs": orgs, "members": members, "kinds": OrgKind.labels(),
            "page": Page(items=list(orgs), total=total, page=page_no, per_page=LOG_PER_PAGE)}


def audit_log(session: Session, *, page_no: int) -> dict:
    total = session.exec(select(func.count()).select_from(AuditLog)).one()
    entries = session.exec(select(AuditLog).order_by(col(AuditLog.id).desc()).offset((page_no - 1) * LOG_PER_PAGE)
                           .limit(LOG_PER_PAGE)).all()
    return {"page": Page(items=list(entries), total=total, page=page_no, per_page=LOG_PER_PAGE),
            "users": {u.id: u.username for u in session.exec(select(User)).all()}, "action_labels": ACTION_LABELS}
