"""What the center, government and expert pages show: plain context dicts built from the services."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, col, select

from accounts import policy
from accounts.models import User
from centers import bookings, gov, recognition, records, report, scores, service, workdays
from centers.indicators.engine import compute_indicators
from centers.indicators.rubric import LINE_BY_ID
from centers.indicators.trend import TREND_FIGURES, monthly
from centers.models import Application, WorkdaySchedule
from core.clock import today
from core.errors import NotFound
from talent import pool
from talent.models import Center, CenterStatus

MANAGED_STATUSES = ("培育期", "已认定", "整改期")


def recent_years() -> list[int]:
    """The year picker: this year and the four before it."""
    return list(range(today().year, today().year - 5, -1))


# ---------------------------------------------------------------- public list and indicator dashboard

def center_list(session: Session, *, city: str | None, cluster: str | None, status: str | None) -> dict:
    centers = service.list_centers(session, city=city, cluster=cluster, status=status)
    groups: dict[str, list[Center]] = {}
    for center in centers:
        groups.setdefault(center.cluster or "其他集群", []).append(center)
    return {
        "groups": groups, "count": len(centers), "query": {"city": city or "", "cluster": cluster or "", "status": status or ""},
        "statuses": [s.value for s in CenterStatus], **service.filter_options(session),
    }


def dashboard(session: Session, *, center: Center, year: int) -> dict:
    result = compute_indicators(session, center=center, year=year)
    this_year, last_year = monthly(session, center, year), monthly(session, center, year - 1)
    months = [f"{m}月" for m in range(1, 13)]
    charts = [{"figure": figure, "title": title, "line": "4.2" if figure in ("services_total", "contract_amount") else "2.3",
               "data": json.dumps({"labels": months, "series": [
                   {"label": f"{year}年", "data": this_year[figure]},
                   {"label": f"{year - 1}年", "data": last_year[figure]}]}, ensure_ascii=False)}
              for figure, title in TREND_FIGURES.items()]
    return {"center": center, "result": result, "year": year, "years": recent_years(),
            "charts": charts, "lines": {line["id"]: line for line in result["lines"]}, "line_defs": LINE_BY_ID}


def evidence(session: Session, *, center: Center, line_id: str, year: int) -> dict:
    """The records behind one indicator line's figures."""
    if line_id not in LINE_BY_ID:
        raise NotFound("指标不存在")
    result = compute_indicators(session, center=center, year=year)
    line = next(item for item in result["lines"] if item["id"] == line_id)
    return {"center": center, "result": result, "line": line, "year": result["year"]}


# ---------------------------------------------------------------- the operator's workspace and report

def workspace(session: Session, *, center: Center, kind: str, done: str | None) -> dict:
    records.spec(kind)
    resources = records.list_records(session, center=center, kind="resource")
    year = today().year
    return {
        "center": center, "profile": service.center_profile(session, center), "members": pool.members(session, center=center),
        "engagements": pool.ENGAGEMENTS,
        "resources": [(r, bookings.utilisation(session, resource=r, year=year)) for r in resources],
        "kind": kind, "kinds": records.KINDS, "rows": records.list_records(session, center=center, kind=kind),
        "form_fields": records.form_fields(kind), "done": done, "year": year,
        "choice_labels": {**records.MECHANISM_LABELS, **records.PARTNER_KIND_LABELS},
    }


def report_editor(session: Session, *, center: Center, year: int) -> dict:
    return {"center": center, "year": year, "data": report.build(session, center=center, year=year),
            "submissions": report.submissions(session, center=center, year=year), "years": recent_years()}


def my_application(session: Session, *, center: Center) -> dict:
    """The operator's applications, newest first, with 第七条's checklist for the latest recognition."""
    rows = session.exec(select(Application).where(Application.center_id == center.id)
                        .order_by(col(Application.id).desc())).all()
    latest = next((a for a in rows if a.kind == "recognition"), None)
    return {"center": center, "applications": rows, "labels": recognition.APPLICATION_LABELS,
            "checklist": recognition.checklist(session, center, latest), "year": today().year}


# ---------------------------------------------------------------- government and experts

def applications(session: Session, *, user: User) -> dict:
    """认定管理: the recognition applications a bureau sees, those under review ranked by score first."""
    centers = {c.id: c for c in gov.visible_centers(session, user=user)}
    rows = session.exec(select(Application).where(Application.kind == "recognition",
                                                  col(Application.center_id).in_(list(centers)))
                        .order_by(col(Application.id).desc())).all()
    year = today().year
    totals = {a.id: compute_indicators(session, center=centers[a.center_id], year=a.year)["total"]
              for a in rows if a.status in ("expert_review", "public_notice")}
    ordered = sorted(rows, key=lambda a: (a.status != "expert_review", -totals.get(a.id, 0)))
    province = policy.can_review_province(user)
    return {
        "applications": [(a, centers[a.center_id]) for a in ordered], "labels": recognition.APPLICATION_LABELS,
        "totals": totals, "experts": recognition.experts(session) if province else [],
        "managed": [c for c in centers.values() if c.status in MANAGED_STATUSES],
        "proposals": recognition.revocation_proposals(session, year=year) if province else [],
        "can_province": province, "today": today(), "year": year,
        "centers": list(centers.values()), "incident_kinds": recognition.INCIDENT_KINDS,
        "library_knows_next": workdays.library_knows(year + 1),
        "schedule": session.exec(select(WorkdaySchedule).where(WorkdaySchedule.day >= date(year, 1, 1))
                                 .order_by(col(WorkdaySchedule.day))).all(),
    }


def expert_home(session: Session, *, expert: User) -> dict:
    reviewing = recognition.assigned_to(session, expert=expert)
    centers = session.exec(select(Center).order_by(col(Center.name))).all()
    by_id = {c.id: c for c in centers}
    return {"reviewing": [(a, by_id.get(a.center_id)) for a in reviewing], "centers": centers, "year": today().year}


def expert_form(session: Session, *, center: Center, year: int, expert: User) -> dict:
    return {"center": center, "year": year, "result": compute_indicators(session, center=center, year=year),
            "mine": scores.scores_by(session, center=center, year=year, expert=expert)}
