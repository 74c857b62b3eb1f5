"""Recognition (第八条) and dynamic management (第十二至十四条) of centers.

Application: draft → submitted → city_recommended → expert_review → public_notice → recognised | rejected.
After recognition: 培育期 one year → assessment; a failure opens one year of 整改期; a second failure,
a veto event, or two consecutive years without an annual report or real collaborative activity
leads to 已撤销.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from accounts import policy
from accounts.models import Organisation, User
from centers.indicators.engine import compute_indicators
from centers.models import AnnualReport, Application, Incident, Mechanism, Partnership, Project, Resource, Review
from centers.workdays import notice_period
from core.clock import now, today
from core.errors import Conflict, Invalid
from talent.models import Center, CenterStatus, PoolMembership

APPLICATION_LABELS = {
    "draft": "草稿", "submitted": "待市州初审", "city_recommended": "市州已推荐", "expert_review": "专家评审中",
    "public_notice": "公示中", "recognised": "已认定", "rejected": "未通过",
}
CONDITIONS = [
    "依法登记，具有一定协同创新能力的法人单位",
    "固定办公场所、稳定经费保障、专职运营团队与完善的运营管理体系",
    "主攻产业方向清晰，有建设目标和建设方案",
    "一定规模的专兼职工程师队伍与协同网络",
    "一定的研究、开发、试验条件和仪器设备",
    "一定的行业影响力、资源整合和组织协调能力",
    "信用良好，近三年无重大违法违规和严重失信记录",
]


def checklist(session: Session, center: Center, application: Application | None = None) -> list[dict]:
    """第七条's seven conditions, each with what the records show."""
    host = session.get(Organisation, center.host_org_id) if center.host_org_id else None
    pool = len(session.exec(select(PoolMembership.id).where(PoolMembership.center_id == center.id,
                                                            PoolMembership.status == "active")).all())
    equipment = len(session.exec(select(Resource.id).where(Resource.center_id == center.id)).all())
    rules = len(session.exec(select(Mechanism.id).where(Mechanism.center_id == center.id,
                                                        Mechanism.kind == "management")).all())
    ties = len(session.exec(select(Partnership.id).where(Partnership.center_id == center.id)).all()) + len(
        session.exec(select(Project.id).where(Project.center_id == center.id)).all())
    since = today() - timedelta(days=3 * 365)
    severe = session.exec(select(Incident).where(Incident.center_id == center.id, Incident.severe == True,  # noqa: E712
                                                 Incident.happened_on >= since)).all()
    plan = application.plan if application else None
    facts = [
        (host is not None, f"依托单位：{host.name}" if host else "未填写依托单位"),
        (bool(center.site_area_m2) and bool(center.operations_staff) and rules > 0,
         f"场地 {center.site_area_m2 or 0} ㎡，专职运营 {center.operations_staff or 0} 人，管理制度 {rules} 项"),
        (bool(center.cluster) and bool(plan), f"主攻集群：{center.cluster or '未填写'}；建设方案{'已提交' if plan else '未提交'}"),
        (pool > 0, f"在库工程师 {pool} 人"),
        (equipment > 0, f"共享设备与软件 {equipment} 项"),
        (ties > 0, f"合作与承担项目 {ties} 项"),
        (not severe, "近三年无严重事件" if not severe else f"近三年严重事件 {len(severe)} 起"),
    ]
    return [{"condition": text, "met": met, "evidence": evidence} for text, (met, evidence) in zip(CONDITIONS, facts)]


def center_of(session: Session, application: Application) -> Center:
    center = session.get(Center, application.center_id)
    assert center is not None
    return center


def _move(session: Session, application: Application, expected: tuple[str, ...], new: str) -> Application:
    if application.status not in expected:
        raise Conflict(f"当前状态为“{APPLICATION_LABELS.get(application.status, application.status)}”，不能执行此操作")
    application.status = new
    session.add(application)
    return application


def _review(session: Session, application: Application, stage: str, decision: str, by: User, comment: str | None) -> None:
    session.add(Review(application_id=application.id, stage=stage, decision=decision, reviewer_id=by.id,  # type: ignore[arg-type]
                       comment=comment))
    session.flush()


def submit(session: Session, *, center: Center, year: int, plan: str, by: User) -> Application:
    policy.require(policy.can_manage_center(by, center), "只有本中心运营人员可以提交申报")
    if len(plan.strip()) < 10:
        raise Invalid("请填写建设方案（不少于10字）", field="plan")
    open_one = session.exec(select(Application).where(
        Application.center_id == center.id, Application.year == year, Application.kind == "recognition",
        Application.status.not_in(("rejected",)))).first()  # type: ignore[attr-defined]
    if open_one is not None and open_one.status != "draft":
        raise Conflict("本年度已提交申报")
    application = open_one or Application(center_id=center.id, year=year, kind="recognition")  # type: ignore[arg-type]
    application.plan, application.status, application.submitted_at = plan.strip(), "submitted", now()
    session.add(application)
    session.flush()
    return application


def city_review(session: Session, *, application: Application, recommend: bool, opinion: str, by: User) -> Application:
    policy.require(policy.can_review_city(by, session.get(Center, application.center_id)), "只有中心所在市州工信局可以初审")
    _move(session, application, ("submitted",), "city_recommended" if recommend else "rejected")
    application.city_opinion = opinion
    _review(session, application, "city", "recommend" if recommend else "reject", by, opinion)
    return application


def province_review(session: Session, *, application: Application, passed: bool, comment: str, by: User) -> Application:
    """省级复核: pass to expert review, or reject."""
    policy.require(policy.can_review_province(by), "只有省工信厅可以执行此操作")
    _move(session, application, ("city_recommended",), "expert_review" if passed else "rejected")
    _review(session, application, "province", "pass" if passed else "reject", by, comment)
    return application


def start_notice(session: Session, *, application: Application, start: date, by: User) -> Application:
    """公示 5 个工作日 (Chinese holidays and make-up days counted)."""
    policy.require(policy.can_review_province(by), "只有省工信厅可以执行此操作")
    first, last = notice_period(session, start)
    _move(session, application, ("expert_review",), "public_notice")
    application.notice_starts_on, application.notice_ends_on = first, last
    _review(session, application, "notice", "pass", by, f"公示期 {first.isoformat()} 至 {last.isoformat()}")
    return application


def object_to(session: Session, *, application: Application, comment: str, by: User) -> Application:
    policy.require(policy.can_review_province(by), "只有省工信厅可以执行此操作")
    if application.status != "public_notice":
        raise Conflict("只能在公示期内提出异议")
    _review(session, application, "notice", "objection", by, comment)
    return application


def decide(session: Session, *, application: Application, recognise: bool, by: User, on: date | None = None) -> Application:
    """发文认定 after a notice without objection; recognition opens one year of cultivation (第十二条)."""
    policy.require(policy.can_review_province(by), "只有省工信厅可以执行此操作")
    on = on or today()
    if recognise:
        if application.status != "public_notice" or application.notice_ends_on is None or on <= application.notice_ends_on:
            raise Conflict("公示期满后方可认定")
        objections = session.exec(select(Review.id).where(Review.application_id == application.id,
                                                          Review.decision == "objection")).first()
        if objections is not None:
            raise Conflict("公示期内有异议，需先核查处理")
    _move(session, application, ("public_notice", "expert_review"), "recognised" if recognise else "rejected")
    application.decided_at, application.decision = now(), "认定" if recognise else "不予认定"
    if recognise:
        center = center_of(session, application)
        center.status, center.recognised_on = CenterStatus.cultivating, on
        center.cultivation_ends_on = date(on.year + 1, on.month, min(on.day, 28))
        session.add(center)
    session.flush()
    return application


def assess(session: Session, *, center: Center, passed: bool, by: User, comment: str = "") -> Center:
    """培育期满评估 or 整改后复评 (第十二条): pass → 已认定; first failure → 整改期; second → 已撤销."""
    policy.require(policy.can_review_province(by), "只有省工信厅可以评估或撤销中心")
    transitions = {
        (CenterStatus.cultivating, True): CenterStatus.recognised,
        (CenterStatus.cultivating, False): CenterStatus.rectifying,
        (CenterStatus.recognised, True): CenterStatus.recognised,
        (CenterStatus.recognised, False): CenterStatus.rectifying,
        (CenterStatus.rectifying, True): CenterStatus.recognised,
        (CenterStatus.rectifying, False): CenterStatus.revoked,
    }
    key = (CenterStatus(center.status), passed)
    if key not in transitions:
        raise Conflict(f"“{center.status}”状态的中心不能评估")
    center.status = transitions[key]
    session.add(center)
    session.add(Application(center_id=center.id, year=today().year, kind="cultivation",  # type: ignore[arg-type]
                            status="recognised" if passed else "rejected", decision=comment or None, decided_at=now()))
    session.flush()
    return center


def revoke(session: Session, *, center: Center, reason: str, by: User) -> Center:
    policy.require(policy.can_review_province(by), "只有省工信厅可以评估或撤销中心")
    if center.status == CenterStatus.revoked:
        raise Conflict("该中心已撤销")
    center.status = CenterStatus.revoked
    session.add(center)
    session.add(Application(center_id=center.id, year=today().year, kind="annual", status="rejected",  # type: ignore[arg-type]
                            decision=f"撤销认定：{reason}", decided_at=now()))
    session.flush()
    return center


def revocation_proposals(session: Session, *, year: int) -> list[dict]:
    """第十四条: centers with a veto event, or two consecutive years without a report or real activity."""
    proposals = []
    centers = session.exec(select(Center).where(Center.status.in_((  # type: ignore[attr-defined]
        CenterStatus.cultivating, CenterStatus.recognised, CenterStatus.rectifying)))).all()
    for center in centers:
        reasons = []
        submitted = {r.year for r in session.exec(select(AnnualReport).where(
            AnnualReport.center_id == center.id, AnnualReport.submitted_at.is_not(None))).all()}  # type: ignore[union-attr]
        recognised_year = center.recognised_on.year if center.recognised_on else year - 2
        if recognised_year < year - 1 and not ({year - 1, year - 2} & submitted):
            reasons.append(f"连续两年（{year - 2}、{year - 1}年）未提交年度运行报告")
        idle = []
        for y in (year - 2, year - 1):
            result = compute_indicators(session, center=center, year=y)
            platform = next(line for line in result["lines"] if line["id"] == "2.3")["figures"]
            if result["veto"] and y == year - 1:
                reasons.append(f"{y}年发生严重事件（一票否决）")
            idle.append(platform["challenges_awarded"] == 0 and platform["consultations_answered"] == 0)
        if all(idle) and recognised_year < year - 1:
            reasons.append("连续两年未开展实质性协同活动（无定榜、无问诊解答）")
        if reasons:
            proposals.append({"center": center, "reasons": reasons})
    return proposals


INCIDENT_KINDS = ("安全事故", "质量事故", "环境", "知识产权", "税务", "科研失信", "保密安全")


def record_incident(session: Session, *, center: Center, kind: str, happened_on: date | None, description: str,
                    severe: bool, by: User) -> Incident:
    """A veto event (一票否决) or a lesser incident, recorded by the province."""
    policy.require(policy.can_review_province(by), "只有省工信厅可以登记重大事件")
    if kind not in INCIDENT_KINDS:
        raise Invalid(f"事件类别应为 {'/'.join(INCIDENT_KINDS)} 之一", field="kind")
    if not 2 <= len(description.strip()) <= 500:
        raise Invalid("请填写事件说明（2至500字）", field="description")
    if happened_on is None:
        raise Invalid("请填写事件发生日期", field="happened_on")
    incident = Incident(center_id=center.id, kind=kind, happened_on=happened_on, description=description.strip(),  # type: ignore[arg-type]
                        severe=severe)
    session.add(incident)
    session.flush()
    return incident


def assign_expert(session: Session, *, application: Application, expert: User, by: User) -> Review:
    """省级组织专家评审: assign an expert to score the application line by line."""
    policy.require(policy.can_review_province(by), "只有省工信厅可以分配评审专家")
    if application.status != "expert_review":
        raise Conflict("只有进入专家评审的申报可以分配专家")
    if expert.role != "expert":
        raise Invalid("所选用户不是评审专家", field="expert_id")
    done = session.exec(select(Review).where(Review.application_id == application.id, Review.stage == "expert",
                                             Review.reviewer_id == expert.id)).first()
    if done is not None:
        raise Conflict("该专家已分配")
    review = Review(application_id=application.id, stage="expert", decision="assigned", reviewer_id=expert.id,  # type: ignore[arg-type]
                    comment=f"由{by.display_name or by.username}分配")
    session.add(review)
    session.flush()
    return review


def expert_by_id(session: Session, expert_id: str) -> User:
    """The user picked in the assign form (its role is checked by assign_expert)."""
    expert = session.get(User, int(expert_id)) if expert_id.isdigit() else None
    if expert is None:
        raise Invalid("请选择评审专家", field="expert_id")
    return expert


def assigned_to(session: Session, *, expert: User) -> list[Application]:
    return list(session.exec(select(Application).join(Review, Review.application_id == Application.id).where(
        Review.stage == "expert", Review.reviewer_id == expert.id, Application.status == "expert_review")).all())


def experts(session: Session) -> list[User]:
    return list(session.exec(select(User).where(User.role == "expert", User.is_active == True)  # noqa: E712
                             .order_by(User.username)).all())
