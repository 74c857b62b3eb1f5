"""Lines 1.1 to 3.4: site, team, talent pool, recruitment, training, pay and value mechanisms, 产教融合."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import or_
from sqlmodel import Session, select

from accounts.models import Organisation
from centers.indicators.evidence import Evidence, LineResult
from centers.indicators.rubric import capped, step
from centers.indicators.scope import Scope, in_pool_during
from centers.models import Attendance, Mechanism, Partnership, Resource, Training
from marketplace.execution.models import ShareAgreement
from talent.models import Engineer, PoolMembership

SENIOR_TITLE_WORDS = ("高级", "正高", "教授", "研究员", "首席")


def mechanisms(session: Session, scope: Scope, kind: str) -> list[Mechanism]:
    return list(session.exec(select(Mechanism).where(
        Mechanism.center_id == scope.center_id, Mechanism.kind == kind,
        Mechanism.adopted_on <= scope.last_day).order_by(Mechanism.adopted_on)).all())


def site(session: Session, scope: Scope) -> LineResult:
    center, ev = scope.center, Evidence()
    resources = list(session.exec(select(Resource).where(Resource.center_id == scope.center_id)
                                  .order_by(Resource.id)).all())
    by_kind = Counter(r.kind for r in resources)
    ev.add("site_area_m2", "center", center.id, f"场地面积 {center.site_area_m2 or 0} ㎡，地址：{center.address or '未填写'}")
    ev.add("lab_area_m2", "center", center.id, f"实验场地 {center.lab_area_m2 or 0} ㎡")
    ev.extend("resources", "resource", resources, title=lambda r: f"{r.kind}：{r.name}")
    figures = {"site_area_m2": center.site_area_m2 or 0, "lab_area_m2": center.lab_area_m2 or 0,
               "resources": len(resources), "resources_by_kind": dict(by_kind)}
    points = (step(figures["site_area_m2"], [(1000, 2), (300, 1)]) + step(figures["lab_area_m2"], [(300, 2), (100, 1)])
              + step(by_kind.get("设备", 0), [(5, 1), (1, 0.5)]))
    return LineResult(figures, ev, capped(points, 5))


def team(session: Session, scope: Scope) -> LineResult:
    ev = Evidence()
    rules = mechanisms(session, scope, "management")
    ev.add("operations_staff", "center", scope.center.id, f"专职运营团队 {scope.center.operations_staff or 0} 人")
    ev.extend("management_rules", "mechanism", rules, when=lambda m: m.adopted_on)
    figures = {"operations_staff": scope.center.operations_staff or 0, "management_rules": len(rules)}
    points = step(figures["operations_staff"], [(5, 3), (3, 2), (1, 1)]) + step(len(rules), [(3, 2), (1, 1)])
    return LineResult(figures, ev, capped(points, 5))


def pool_rows(session: Session, scope: Scope) -> list[tuple[PoolMembership, Engineer]]:
    return list(session.exec(
        select(PoolMembership, Engineer).join(Engineer, Engineer.id == PoolMembership.engineer_id)
        .where(in_pool_during(scope.center_id, scope.first_day, scope.last_day)).order_by(Engineer.id)).all())


def talent(session: Session, scope: Scope, pool: list[tuple[PoolMembership, Engineer]]) -> LineResult:
    ev = Evidence()
    engagement = Counter(m.engagement for m, _ in pool)
    fields = {f for _, e in pool for f in (e.fields or [])}
    senior = [(m, e) for m, e in pool if e.title and any(w in e.title for w in SENIOR_TITLE_WORDS)]
    recruited = [(m, e) for m, e in pool if m.recruited_for_cluster]
    national = [(m, e) for m, e in pool if e.talent_level == "国家级"]
    provincial = [(m, e) for m, e in pool if e.talent_level == "省级"]
    for figure, rows in (("pool_size", pool), ("senior_titles", senior), ("recruited_for_cluster", recruited),
                         ("talent_national", national), ("talent_provincial", provincial)):
        for m, e in rows:
            ev.add(figure, "engineer", e.id, f"{e.name}（{m.engagement}，{e.title or '无职称'}）", m.joined_on)
    figures = {
        "pool_size": len(pool), "by_engagement": dict(engagement), "engagement_modes": len(engagement),
        "fields_covered": len(fields), "senior_titles": len(senior), "recruited_for_cluster": len(recruited),
        "talent_national": len(national), "talent_provincial": len(provincial),
    }
    team_points = capped(step(len(pool), [(50, 4), (20, 3), (10, 2), (1, 1)]) + step(len(engagement), [(3, 3), (2, 2), (1, 1)])
                         + step(len(recruited), [(5, 3), (2, 2), (1, 1)]) + step(len(fields), [(5, 2), (2, 1)]), 12)
    high_points = capped(3 * len(national) + len(provincial), 9)
    return LineResult(figures, ev, capped(team_points + high_points, 21), {"人才队伍": team_points, "高层次人才": high_points})


def recruitment(session: Session, scope: Scope, pool: list[tuple[PoolMembership, Engineer]]) -> LineResult:
    ev = Evidence()
    long_term = [(m, e) for m, e in pool if m.long_term]
    joined = [(m, e) for m, e in pool if m.joined_on and scope.first_day <= m.joined_on <= scope.last_day]
    rules = mechanisms(session, scope, "recruitment")
    for figure, rows in (("long_term_partners", long_term), ("new_members", joined)):
        for m, e in rows:
            ev.add(figure, "engineer", e.id, f"{e.name}（{m.engagement}）", m.joined_on)
    ev.extend("recruitment_rules", "mechanism", rules, when=lambda m: m.adopted_on)
    figures = {"long_term_partners": len(long_term), "new_members": len(joined), "recruitment_rules": len(rules)}
    points = (step(len(long_term), [(20, 3), (10, 2), (1, 1)]) + step(len(rules), [(1, 1)])
              + step(len(joined), [(5, 1)]))
    return LineResult(figures, ev, capped(points, 5))


def trainings(session: Session, scope: Scope) -> LineResult:
    ev = Evidence()
    events = list(session.exec(select(Training).where(
        Training.center_id == scope.center_id, Training.starts_on >= scope.first_day,
        Training.starts_on <= scope.last_day).order_by(Training.starts_on)).all())
    courses = [t for t in events if t.kind == "培训"]
    exchanges = [t for t in events if t.kind != "培训"]
    ranked = [t for t in exchanges if t.level in ("国家级", "省级")]
    course_ids = [t.id for t in courses]
    attendance = list(session.exec(select(Attendance.organisation_id, Attendance.engineer_id).where(
        Attendance.training_id.in_(course_ids))).all()) if course_ids else []  # type: ignore[attr-defined]
    firm_ids = {org for org, _ in attendance if org is not None}
    ev.extend("trainings", "training", courses, when=lambda t: t.starts_on)
    ev.extend("exchanges_and_competitions", "training", exchanges, title=lambda t: f"{t.kind}：{t.title}",
              when=lambda t: t.starts_on)
    ev.extend("provincial_or_national_events", "training", ranked, title=lambda t: f"{t.level}{t.kind}：{t.title}",
              when=lambda t: t.starts_on)
    if firm_ids:
        for org_id, name in session.exec(select(Organisation.id, Organisation.name).where(
                Organisation.id.in_(firm_ids)).order_by(Organisation.id)).all():  # type: ignore[union-attr]
            ev.add("firms_trained", "organisation", org_id, name)
    figures = {
        "trainings": len(courses), "training_hours": float(sum(t.hours or 0 for t in courses)),
        "attendees": len(attendance), "engineers_trained": len({e for _, e in attendance if e is not None}),
        "firms_trained": len(firm_ids), "exchanges_and_competitions": len(exchanges),
        "provincial_or_national_events": len(ranked),
    }
    course_points = capped(step(len(courses), [(10, 4), (5, 3), (2, 2), (1, 1)]) + step(len(attendance), [(500, 3), (100, 2), (1, 1)])
                           + step(len(firm_ids), [(20, 2), (5, 1)]), 9)
    exchange_points = capped(step(len(exchanges), [(6, 3), (3, 2), (1, 1)]) + step(len(ranked), [(2, 3), (1, 2)]), 6)
    return LineResult(figures, ev, capped(course_points + exchange_points, 15),
                      {"技术培训": course_points, "交流赛事": exchange_points})


def shares(session: Session, scope: Scope, collaboration_ids: list[int], kinds: tuple[str, ...]) -> list[ShareAgreement]:
    if not collaboration_ids:
        return []
    return list(session.exec(select(ShareAgreement).where(
        ShareAgreement.collaboration_id.in_(collaboration_ids), ShareAgreement.kind.in_(kinds),  # type: ignore[attr-defined]
        ShareAgreement.created_at >= scope.start, ShareAgreement.created_at < scope.end)
        .order_by(ShareAgreement.created_at)).all())


def _mechanism_line(session: Session, scope: Scope, collaboration_ids: list[int], *, rule_kind: str,
                    share_kinds: tuple[str, ...], figure: str, share_steps: list[tuple[float, float]]) -> LineResult:
    ev = Evidence()
    rules = mechanisms(session, scope, rule_kind)
    records = shares(session, scope, collaboration_ids, share_kinds)
    ev.extend(f"{rule_kind}_rules", "mechanism", rules, when=lambda m: m.adopted_on)
    ev.extend(figure, "share", records, title=lambda s: f"{s.kind}：协作 #{s.collaboration_id} {s.note or ''}".strip(),
              when=lambda s: s.created_at)
    figures = {f"{rule_kind}_rules": len(rules), figure: len(records),
               f"{figure}_amount": float(sum(s.amount or 0 for s in records))}
    return LineResult(figures, ev, capped(step(len(rules), [(1, 2)]) + step(len(records), share_steps), 4))


def salary(session: Session, scope: Scope, collaboration_ids: list[int]) -> LineResult:
    return _mechanism_line(session, scope, collaboration_ids, rule_kind="salary", share_kinds=("项目奖励",),
                           figure="project_rewards", share_steps=[(5, 2), (1, 1)])


def value_sharing(session: Session, scope: Scope, collaboration_ids: list[int]) -> LineResult:
    return _mechanism_line(session, scope, collaboration_ids, rule_kind="value_sharing",
                           share_kinds=("署名", "知识产权入股分成"), figure="credit_and_equity_shares",
                           share_steps=[(3, 2), (1, 1)])


def education(session: Session, scope: Scope) -> LineResult:
    ev = Evidence()
    rows = list(session.exec(select(Partnership, Organisation).join(
        Organisation, Organisation.id == Partnership.organisation_id).where(
        Partnership.center_id == scope.center_id, Partnership.since <= scope.last_day,
        or_(Partnership.until.is_(None), Partnership.until >= scope.first_day))  # type: ignore[union-attr]
        .order_by(Partnership.since)).all())
    academic = {o.id for _, o in rows if o.kind in ("university", "institute")}
    firms = {o.id for _, o in rows if o.kind == "enterprise"}
    kinds = Counter(p.kind for p, _ in rows)
    for p, o in rows:
        ev.add("partnerships", "partnership", p.id, f"{p.kind}：{o.name}", p.since)
    figures = {"partnerships": len(rows), "universities_and_institutes": len(academic), "firm_partners": len(firms),
               "by_kind": dict(kinds), "kinds_covered": len(kinds)}
    points = (step(len(academic), [(5, 3), (2, 2), (1, 1)]) + step(len(kinds), [(3, 3), (2, 2), (1, 1)])
              + step(len(firms), [(1, 1)]))
    return LineResult(figures, ev, capped(points, 7))
