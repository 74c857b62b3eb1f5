"""Lines 4.1 to 4.5, the bonus items and the 一票否决 veto."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import or_
from sqlmodel import Session, select

from accounts.models import Organisation
from centers.indicators.evidence import Evidence, LineResult
from centers.indicators.rubric import capped, step
from centers.indicators.scope import Scope
from centers.indicators.talent_figures import mechanisms
from centers.models import (
    Booking,
    Honour,
    Incident,
    LocalSupport,
    ProfessionalService,
    Project,
    Resource,
    Standard,
    Training,
)

PROJECT_POINTS = {("国家级", "牵头"): 3, ("国家级", "参与"): 2, ("省级", "牵头"): 2, ("省级", "参与"): 1}
STANDARD_POINTS = {"国家标准": 4, "行业标准": 3, "地方标准": 2, "团体标准": 1}


def professional_services(session: Session, scope: Scope) -> LineResult:
    ev = Evidence()
    rows = list(session.exec(select(ProfessionalService).where(
        ProfessionalService.center_id == scope.center_id, ProfessionalService.delivered_on >= scope.first_day,
        ProfessionalService.delivered_on <= scope.last_day).order_by(ProfessionalService.delivered_on)).all())
    kinds = Counter(s.kind for s in rows)
    firms = {s.organisation_id for s in rows if s.organisation_id is not None}
    ev.extend("professional_services", "service", rows, title=lambda s: f"{s.kind}：{s.title}",
              when=lambda s: s.delivered_on)
    figures = {"professional_services": len(rows), "by_kind": {"检验检测": kinds.get("检验检测", 0),
                                                            "产业咨询": kinds.get("产业咨询", 0)},
               "amount": float(sum(s.amount or 0 for s in rows)), "firms": len(firms)}
    points = (step(len(rows), [(20, 3), (5, 2), (1, 1)]) + step(len([k for k in kinds if kinds[k]]), [(2, 1)])
              + step(len(firms), [(10, 2), (3, 1)]))
    return LineResult(figures, ev, capped(points, 6))


def projects(session: Session, scope: Scope, services: dict, ev: Evidence) -> LineResult:
    """4.2: projects undertaken in the year (7) and innovation services to firms (7)."""
    rows = list(session.exec(select(Project).where(
        Project.center_id == scope.center_id, Project.started_on <= scope.last_day,
        or_(Project.ended_on.is_(None), Project.ended_on >= scope.first_day))  # type: ignore[union-attr]
        .order_by(Project.started_on)).all())
    national = [p for p in rows if p.level == "国家级"]
    provincial = [p for p in rows if p.level == "省级"]
    for figure, items in (("national_projects", national), ("provincial_projects", provincial)):
        ev.extend(figure, "project", items, title=lambda p: f"{p.title}（{p.role}）", when=lambda p: p.started_on)
    figures = {"national_projects": len(national), "provincial_projects": len(provincial),
               "project_amount": float(sum(p.amount or 0 for p in national + provincial)), **services}
    project_points = capped(sum(PROJECT_POINTS.get((p.level, p.role), 0) for p in national + provincial), 7)
    covered = sum(1 for name in ("研发设计", "技术改造", "技术转移与交易") if services["services_by_type"].get(name))
    service_points = capped(step(services["services_total"], [(20, 4), (10, 3), (5, 2), (1, 1)]) + covered, 7)
    return LineResult(figures, ev, capped(project_points + service_points, 14),
                      {"重大项目": project_points, "创新服务": service_points})


def standards(session: Session, scope: Scope) -> LineResult:
    ev = Evidence()
    rows = list(session.exec(select(Standard).where(
        Standard.center_id == scope.center_id, Standard.published_on >= scope.first_day,
        Standard.published_on <= scope.last_day).order_by(Standard.published_on)).all())
    led = [s for s in rows if s.role == "牵头"]
    ev.extend("standards", "standard", rows, title=lambda s: f"{s.level}{s.code or ''}《{s.title}》（{s.role}）",
              when=lambda s: s.published_on)
    figures = {"standards": len(rows), "led": len(led), "by_level": dict(Counter(s.level for s in rows))}
    points = sum(STANDARD_POINTS.get(s.level, 1) if s.role == "牵头" else 1 for s in rows)
    return LineResult(figures, ev, capped(points, 4))


def replication(session: Session, scope: Scope) -> LineResult:
    ev = Evidence()
    rules = mechanisms(session, scope, "replication")
    ev.extend("replicable_results", "mechanism", rules, when=lambda m: m.adopted_on)
    return LineResult({"replicable_results": len(rules)}, ev, capped(step(len(rules), [(2, 2), (1, 1)]), 2))


def sharing(session: Session, scope: Scope) -> LineResult:
    """4.5: open resources, booked and used hours against the hours they are available."""
    ev = Evidence()
    resources = list(session.exec(select(Resource).where(Resource.center_id == scope.center_id,
                                                         Resource.open_to_public == True)  # noqa: E712
                                  .order_by(Resource.id)).all())
    available = sum(r.hours_per_year for r in resources)
    ids = [r.id for r in resources]
    bookings = list(session.exec(select(Booking).where(
        Booking.resource_id.in_(ids), Booking.status.in_(("confirmed", "done")),  # type: ignore[attr-defined]
        Booking.starts_at >= scope.start, Booking.starts_at < scope.end).order_by(Booking.starts_at)).all()) if ids else []
    host = scope.center.host_org_id
    hours = Decimal("0")
    for b in bookings:
        used = b.used_hours if b.used_hours is not None else Decimal(str((b.ends_at - b.starts_at) / timedelta(hours=1)))
        hours += used
        ev.add("bookings", "booking", b.id, b.purpose or f"预约资源 #{b.resource_id}", b.starts_at, hours=float(used))
    external = {b.organisation_id for b in bookings if b.organisation_id is not None and b.organisation_id != host}
    if external:
        for org_id, name in session.exec(select(Organisation.id, Organisation.name).where(
                Organisation.id.in_(external)).order_by(Organisation.id)).all():  # type: ignore[union-attr]
            ev.add("external_users", "organisation", org_id, name)
    ev.extend("open_resources", "resource", resources, title=lambda r: f"{r.kind}：{r.name}")
    utilisation = round(float(hours) / available, 4) if available else 0.0
    figures = {"open_resources": len(resources), "available_hours": available, "bookings": len(bookings),
               "used_hours": float(hours), "utilisation": utilisation, "external_users": len(external)}
    points = step(utilisation, [(0.5, 2), (0.2, 1), (0.0001, 0.5)]) + step(len(external), [(5, 2), (1, 1)])
    return LineResult(figures, ev, capped(points, 4))


def bonus(session: Session, scope: Scope) -> LineResult:
    """Three items (local support 0-3, honours 3/1 each, hosted national events 2 each), capped at 10."""
    ev = Evidence()
    support = list(session.exec(select(LocalSupport).where(LocalSupport.center_id == scope.center_id,
                                                           LocalSupport.year == scope.year)).all())
    support_amount = sum((s.amount or Decimal("0")) for s in support)
    honours = list(session.exec(select(Honour).where(
        Honour.center_id == scope.center_id, Honour.awarded_on >= scope.first_day,
        Honour.awarded_on <= scope.last_day).order_by(Honour.awarded_on)).all())
    hosted = list(session.exec(select(Training).where(
        Training.center_id == scope.center_id, Training.hosted == True, Training.level == "国家级",  # noqa: E712
        Training.kind != "培训", Training.starts_on >= scope.first_day, Training.starts_on <= scope.last_day)
        .order_by(Training.starts_on)).all())
    ev.extend("local_support", "local_support", support, title=lambda s: f"{s.level}：{s.description}")
    ev.extend("honours", "honour", honours, title=lambda h: f"{h.level}{h.kind}：{h.title}", when=lambda h: h.awarded_on)
    ev.extend("hosted_national_events", "training", hosted, title=lambda t: f"{t.kind}：{t.title}",
              when=lambda t: t.starts_on)
    national = sum(1 for h in honours if h.level == "国家级")
    provincial = sum(1 for h in honours if h.level == "省级")
    support_points = max(step(support_amount, [(1_000_000, 3), (300_000, 2), (0, 1)]) if support else 0.0,
                         step(len(support), [(3, 3), (2, 2), (1, 1)]))
    parts = {"地方支持": support_points, "荣誉表彰": float(3 * national + provincial), "承办国家级赛事": float(2 * len(hosted))}
    figures = {"local_support": len(support), "local_support_amount": float(support_amount),
               "honours_national": national, "honours_provincial": provincial,
               "hosted_national_events": len(hosted)}
    return LineResult(figures, ev, capped(sum(parts.values()), 10), parts)


def veto(session: Session, scope: Scope) -> tuple[bool, list[dict]]:
    """一票否决: any severe incident in the year."""
    rows = session.exec(select(Incident).where(
        Incident.center_id == scope.center_id, Incident.severe == True,  # noqa: E712
        Incident.happened_on >= scope.first_day, Incident.happened_on <= scope.last_day)
        .order_by(Incident.happened_on)).all()
    items = [{"kind": "incident", "id": i.id, "title": f"{i.kind}：{i.description}",
              "date": i.happened_on.isoformat()} for i in rows]
    return bool(items), items
