"""Recognition and assessment (第八条, 第十二条): applications at every stage, reviews, expert scores."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from centers.models import AnnualReport, Application, ExpertScore, Review
from centers.workdays import notice_period
from seed.people import World

LINE_MAX = {"1.1": 5, "1.2": 5, "2.1": 21, "2.2": 5, "2.3": 4, "3.1": 15, "3.2": 4, "3.3": 4, "3.4": 7,
            "4.1": 6, "4.2": 14, "4.3": 4, "4.4": 2, "4.5": 4}
JUDGEMENT_LINES = ["1.1", "1.2", "2.2", "3.2", "3.3", "4.4"]
# 2026 annual assessments: center key -> status (CSGJ and ZZGD wait for the experts, demo_expert included)
ANNUAL_2026 = {"CSGJ": "expert_review", "ZZGD": "expert_review", "XTCN": "city_recommended", "HYSB": "draft",
               "CZYS": "submitted", "CSJS": "submitted"}
PLAN_TEXT = ("围绕{cluster}产业集群共性技术需求，建设{platform}，三年内集聚共享工程师{n}名以上，"
             "年发布揭榜挂帅榜单{m}项以上，开展培训不少于{t}场。")


def build_reviews(session: Session, world: World) -> None:
    gen = world.gen
    apps: list[tuple[Application, list[tuple[str, str, str, int]]]] = []  # app, [(stage, decision, comment, days)]
    province = world.demo["province"]
    for key, center in world.centers.items():
        plan = PLAN_TEXT.format(cluster=center.cluster, platform=center.platform, n=gen.rng.choice([60, 80, 100]),
                                m=gen.rng.choice([20, 30, 40]), t=gen.rng.choice([12, 15, 20]))
        if center.recognised_on:
            submitted = center.recognised_on - timedelta(days=110)
            app = Application(center_id=center.id, year=submitted.year, kind="recognition", status="recognised",
                              plan=plan, city_opinion="同意推荐", decision="经专家评审和公示，认定为省级工程师协同创新中心",
                              notice_starts_on=center.recognised_on - timedelta(days=12),
                              notice_ends_on=center.recognised_on - timedelta(days=6),
                              submitted_at=gen.at(submitted), decided_at=gen.at(center.recognised_on))
            apps.append((app, [("city", "recommend", "材料齐全，同意推荐", 15), ("expert", "pass", "建设方案可行", 60),
                               ("notice", "pass", "公示期内无异议", 104)]))
        if center.cultivation_ends_on and center.cultivation_ends_on <= gen.today:
            failed = center.status == "整改期"
            ends = center.cultivation_ends_on
            app = Application(center_id=center.id, year=ends.year, kind="cultivation",
                              status="rejected" if failed else "recognised", plan=plan, city_opinion="同意报送",
                              decision="培育成效评估不合格，给予一年整改期" if failed else "培育成效评估合格",
                              submitted_at=gen.at(ends - timedelta(days=20)), decided_at=gen.at(ends + timedelta(days=40)))
            apps.append((app, [("city", "recommend", "同意报送", 10),
                               ("expert", "reject" if failed else "pass",
                                "协同攻关成效不足，管理制度不健全" if failed else "培育期目标基本完成", 45)]))
        if key in ANNUAL_2026:
            status = ANNUAL_2026[key]
            submitted = date(2026, 10, gen.rng.randint(8, 28))
            app = Application(center_id=center.id, year=2026, kind="annual", status=status, plan=plan,
                              submitted_at=None if status == "draft" else gen.at(submitted))
            steps = [] if status in ("draft", "submitted") else [("city", "recommend", "同意推荐", 7)]
            apps.append((app, steps))
        if key == "CDSW":  # a recognition in its 5-working-day public notice
            submitted = gen.today - timedelta(days=40)
            starts, ends = _notice(session, gen.today - timedelta(days=2))
            app = Application(center_id=center.id, year=2026, kind="recognition", status="public_notice",
                              plan=plan, city_opinion="同意推荐", submitted_at=gen.at(submitted),
                              notice_starts_on=starts, notice_ends_on=ends)
            apps.append((app, [("city", "recommend", "依托单位基础较好，同意推荐", 12),
                               ("expert", "pass", "建设基础扎实，方案可行", 35)]))
    session.add_all([a for a, _ in apps])
    session.flush()
    rows: list = []
    for app, steps in apps:
        for stage, decision, comment, days in steps:
            reviewer = {"city": world.city_users.get(world_center(world, app.center_id).city, province),
                        "expert": world.experts[1], "notice": province}[stage]
            rows.append(Review(application_id=app.id, stage=stage, reviewer_id=reviewer.id, decision=decision,
                               comment=comment, at=gen.cap(app.submitted_at + timedelta(days=days))))
        if app.kind == "annual" and app.status == "expert_review":
            rows += _scores(world, app, world.experts[1:3], ["1.2", "3.2"], app.submitted_at + timedelta(days=20))
    rows += _annual_reports(world)
    for key in ("CSGJ", "ZZGD"):
        center = world.centers[key]
        rows += _scores(world, None, world.experts[1:4], JUDGEMENT_LINES, gen.at(date(2026, 2, 10)), center.id, 2025)
    session.add_all(rows)
    session.flush()


def _annual_reports(world: World) -> list[AnnualReport]:
    """第十三条: the 2025 reports were submitted in January 2026; the flagship drafts its 2026 report."""
    gen = world.gen
    out = []
    for key, center in world.centers.items():
        if not center.recognised_on or center.recognised_on.year > 2025:
            continue
        sections = {
            "talent": f"全年新增入库共享工程师{gen.rng.randint(12, 30)}名，覆盖{center.cluster}"
                      f"集群主要技术方向，柔性引进高层次人才{gen.rng.randint(1, 5)}名。",
            "platform": f"{center.platform}新增共享设备{gen.rng.randint(2, 6)}台（套），对外开放预约，线上协同平台稳定运行。",
            "services": "围绕集群企业共性技术难题发布揭榜挂帅榜单，开展在线问诊和检验检测、产业咨询服务。",
            "mechanisms": "修订中心运行管理办法，建立工程师差异化薪酬和成果收益分享机制。",
            "funding": "省级财政资金主要用于共性技术平台设备购置，市州配套和自筹经费用于运营团队与人才活动。",
            "results": "协同攻关成果在集群内多家企业推广应用，形成可复制的服务模式。",
        }
        out.append(AnnualReport(center_id=center.id, year=2025, sections=sections,
                                updated_at=gen.at(date(2026, 1, 12)), submitted_at=gen.at(date(2026, 1, 15))))
        if key == "CSGJ":
            draft = {k: v for k, v in sections.items() if k in ("talent", "platform", "services")}
            out.append(AnnualReport(center_id=center.id, year=2026, sections=draft, updated_at=gen.at(gen.today)))
    return out


def _notice(session: Session, start: date) -> tuple[date, date]:
    """The public notice period by the centers' working-day calendar."""
    return notice_period(session, start)


def world_center(world: World, center_id: int):
    return next(c for c in world.centers.values() if c.id == center_id)


def _scores(world: World, app: Application | None, experts, lines: list[str], at: datetime,
            center_id: int | None = None, year: int | None = None) -> list[ExpertScore]:
    rng = world.gen.rng
    out = []
    for expert in experts:
        for line in lines:
            score = round(LINE_MAX[line] * rng.uniform(0.6, 0.95) * 2) / 2
            out.append(ExpertScore(center_id=center_id or app.center_id, year=year or app.year, line_id=line,
                                   expert_id=expert.id, application_id=app.id if app else None,
                                   score=Decimal(str(score)), comment=rng.choice(
                                       ["材料翔实，制度执行到位", "机制已建立，执行记录偏少", "亮点突出，建议总结推广"]),
                                   at=world.gen.cap(at)))
    return out
