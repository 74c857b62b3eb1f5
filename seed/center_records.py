"""What each center did besides the marketplace: resources, trainings, projects, standards, honours,
partnerships, services, mechanisms, local support, fundings, incidents."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlmodel import Session

from centers.models import (
    Attendance,
    Booking,
    Funding,
    Honour,
    Incident,
    LocalSupport,
    Mechanism,
    Partnership,
    ProfessionalService,
    Project,
    Resource,
    Standard,
    Training,
)
from core.clock import china_midnight
from seed.generate import HISTORY_START
from seed.market import Plan
from seed.people import World, active_from
from seed.reviews import build_reviews
from seed.vocab_clusters import CLUSTERS, Cluster

# activity scale per center: established centers do more
SCALE = {"已认定": 1.0, "培育期": 0.7, "整改期": 0.45, "申报中": 0.35}
MECHANISMS = [
    ("management", "中心建设运行管理办法", "明确理事会、运营团队职责分工和议事规则，规范项目、资金和档案管理。"),
    ("salary", "共享工程师差异化薪酬与绩效激励办法", "按能力等级和攻关业绩确定薪酬档次，项目奖励与验收结果挂钩。"),
    ("value_sharing", "创新成果署名与收益分享办法", "明确成果署名规则，转化收益按依托单位、团队和个人约定比例分享。"),
    ("recruitment", "柔性引才与共享用工管理办法", "建立全职、双聘、项目聘用、柔性引进等多元引才渠道，实行工程师入库动态管理。"),
    ("replication", "揭榜挂帅协同攻关服务模式推广方案", "总结需求征集、榜单发布、组队攻关、车间验收全流程经验，向集群内园区复制推广。"),
]
HONOURS = [("国家级", "荣誉", "工信部工程师协同创新典型案例"), ("省级", "荣誉", "湖南省制造业创新服务优秀平台"),
           ("省级", "奖励", "湖南省科学技术进步奖"), ("省级", "批示", "省领导肯定性批示：协同攻关经验值得推广"),
           ("国家级", "媒体", "中央媒体专题报道中心协同创新做法"), ("市级", "荣誉", "市级人才工作先进集体"),
           ("省级", "媒体", "省级媒体报道揭榜挂帅攻关成效")]
SERVICE_TITLES = {"检验检测": ["材料成分与性能检测", "关键零部件可靠性试验", "产品型式试验预测试", "失效分析检测"],
                  "产业咨询": ["产线智能化改造咨询", "技术路线与产品规划咨询", "质量体系诊断咨询", "专利布局咨询"]}
STANDARD_LEVELS = [("团体标准", "T/HNAM"), ("地方标准", "DB43/T"), ("行业标准", "JB/T"), ("国家标准", "GB/T")]


def build_center_records(session: Session, world: World, plans: list[Plan]) -> None:
    rows: list = []
    resources, trainings = [], []
    for cluster in CLUSTERS:
        center = world.centers[cluster.key]
        scale = SCALE[center.status]
        start = max(HISTORY_START, active_from(center))
        resources += _resources(world, cluster, center)
        trainings += _trainings(world, cluster, center, scale, start)
        rows += _records(world, cluster, center, scale, start)
    session.add_all(resources + trainings + rows)
    session.flush()
    bookings, attendance = [], []
    for resource in resources:
        bookings += _bookings(world, resource)
    for training in trainings:
        attendance += _attendance(world, training)
    session.add_all(bookings)
    session.execute(insert(Attendance), attendance)  # thousands of rows nobody refers to: plain rows
    session.flush()
    _log(world, rows, trainings, bookings, {r.id: r for r in resources})
    build_reviews(session, world)


def _resources(world: World, cluster: Cluster, center) -> list[Resource]:
    rng = world.gen.rng
    return [Resource(center_id=center.id, name=name, kind=kind,
                     description=f"{name}，面向集群企业和库内工程师开放预约使用。",
                     open_to_public=kind != "场地" or rng.random() < 0.5,
                     hours_per_year=1600 if kind == "场地" else rng.choice([1500, 2000, 2400]),
                     value=Decimal(value * 10000) if value else None) for name, kind, value in cluster.resources]


def _trainings(world: World, cluster: Cluster, center, scale: float, start: date) -> list[Training]:
    gen = world.gen
    rng = gen.rng
    out = []
    n = max(4, int(rng.randint(28, 38) * scale))
    for _ in range(n):
        title = rng.choice(cluster.trainings)
        kind = "赛事" if "竞赛" in title else "交流" if ("交流" in title or "论坛" in title or "大会" in title) else "培训"
        level = rng.choices(["国家级", "省级", "市级", None], weights=[6, 30, 44, 20])[0]
        day = gen.day_between(start, gen.today - timedelta(days=2))
        out.append(Training(center_id=center.id, title=f"{day.year}年{title}", kind=kind, level=level,
                            hosted=rng.random() < 0.85, starts_on=day,
                            hours=Decimal(rng.choice([4, 8, 8, 16, 24, 32])), online=rng.random() < 0.2,
                            location=f"{center.city}·{center.name}", description=f"面向{cluster.cluster}集群企业技术骨干和库内工程师。"))
    for year, key in ((2025, "ZZGD"), (2026, "CSGJ"), (2026, "XTCN")):  # hosted national competitions (bonus 3)
        if cluster.key == key:
            day = gen.day_between(date(year, 4, 1), min(date(year, 10, 31), gen.today))
            contest = next(t for t in cluster.trainings if "竞赛" in t)
            out.append(Training(center_id=center.id, title=f"{year}年全国{contest.replace('培训', '')}（湖南赛区）",
                                kind="赛事", level="国家级", hosted=True, starts_on=day, hours=Decimal(24),
                                location=f"{center.city}·{center.name}", description="承办国家级工信领域赛事。"))
    return out


def _records(world: World, cluster: Cluster, center, scale: float, start: date) -> list:
    gen = world.gen
    rng = gen.rng
    rows: list = []
    for title in cluster.projects[: max(1, round(len(cluster.projects) * scale + 0.4))]:
        level = rng.choices(["国家级", "省级", "市级"], weights=[2, 5, 3])[0]
        day = gen.day_between(start, gen.today - timedelta(days=20))
        rows.append(Project(center_id=center.id, title=title, level=level, role=rng.choice(["牵头", "牵头", "参与"]),
                            amount=gen.money(50, 1500 if level == "国家级" else 600, 10000), started_on=day,
                            ended_on=day + timedelta(days=rng.choice([365, 730, 1095])), status="在研"))
    for k, title in enumerate(cluster.standards[: max(1, int(len(cluster.standards) * scale + 0.5))]):
        level, prefix = STANDARD_LEVELS[min(k + (1 if scale >= 1 and rng.random() < 0.5 else 0), 3)]
        day = gen.day_between(start, gen.today - timedelta(days=10))
        rows.append(Standard(center_id=center.id, title=title, level=level, role="牵头" if k == 0 else "参与",
                             code=f"{prefix} {rng.randint(1000, 99999)}-{day.year}", published_on=day))
    for level, kind, title in rng.sample(HONOURS, max(1, int(4 * scale))):
        day = gen.day_between(start, gen.today - timedelta(days=5))
        rows.append(Honour(center_id=center.id, title=f"{title}（{day.year}）", level=level, kind=kind, awarded_on=day))
    partners = rng.sample(world.universities, 3) + rng.sample(world.institutes, 2)
    for org in partners[: max(2, int(len(partners) * scale + 0.5))]:
        rows.append(Partnership(center_id=center.id, organisation_id=org.id,
                                kind=rng.choice(["项目合作", "联合培养", "平台共建"]),
                                since=gen.day_between(start - timedelta(days=200), gen.today - timedelta(days=30)),
                                note=f"与{org.name}围绕{cluster.cluster}方向开展产教融合合作。"))
    for _ in range(int(rng.randint(14, 30) * scale)):
        kind = rng.choice(["检验检测", "检验检测", "产业咨询"])
        rows.append(ProfessionalService(center_id=center.id, organisation_id=rng.choice(world.firms[cluster.key]).id,
                                        kind=kind, title=rng.choice(SERVICE_TITLES[kind]),
                                        amount=gen.money(0.5, 30 if kind == "检验检测" else 50, 100),
                                        delivered_on=gen.day_between(start, gen.today - timedelta(days=1))))
    for kind, title, summary in MECHANISMS[: 2 + int(3 * scale)]:
        rows.append(Mechanism(center_id=center.id, kind=kind, title=title, summary=summary,
                              adopted_on=gen.day_between(start - timedelta(days=90), gen.today - timedelta(days=60))))
    for year in (2025, 2026):
        if date(year, 12, 31) < start:
            continue
        rows.append(LocalSupport(center_id=center.id, year=year, level="市州",
                                 description=f"{center.city}给予中心运营经费补助并提供场地租金减免",
                                 amount=gen.money(30, 200, 10000) if scale >= 0.7 else gen.money(10, 40, 10000)))
        if rng.random() < scale:
            rows.append(LocalSupport(center_id=center.id, year=year, level=rng.choice(["县市区", "园区"]),
                                     description="所在县市区/园区支持举办工程师培训和技能竞赛", amount=gen.money(5, 50, 10000)))
        for source, lo, hi, purpose in (("省级财政", 100, 300, "共性技术平台设备购置"), ("市州配套", 50, 150, "运营团队与活动经费"),
                                        ("自筹", 80, 400, "人才引进与协同攻关投入")):
            if source == "省级财政" and not center.recognised_on:
                continue
            rows.append(Funding(center_id=center.id, year=year, source=source, purpose=purpose,
                                amount=gen.money(lo * scale, hi * scale, 10000)))
    if cluster.key == "YYSH":
        rows.append(Incident(center_id=center.id, happened_on=date(2026, 5, 14), kind="安全事故", severe=True,
                             description="依托单位中试装置发生物料泄漏引发的火灾，造成人员受伤，被应急管理部门立案调查"))
    if cluster.key == "ZZGD":
        rows.append(Incident(center_id=center.id, happened_on=date(2025, 8, 6), kind="质量事故", severe=False,
                             description="一批次试验数据记录不完整，已按程序整改并完成复核"))
    return rows


def _bookings(world: World, resource: Resource) -> list[Booking]:
    gen = world.gen
    rng = gen.rng
    center = next(c for c in world.centers.values() if c.id == resource.center_id)
    key = next(k for k, c in world.centers.items() if c.id == resource.center_id)
    out = []
    start = max(HISTORY_START, active_from(center))
    for _ in range(int(rng.randint(90, 130) * SCALE[center.status])):
        day = gen.day_between(start, gen.today + timedelta(days=20))
        hours = rng.choice([4, 8, 8, 16, 24, 40])
        begins = china_midnight(day) + timedelta(hours=rng.randint(9, 14))
        firm = rng.choice(world.firms[key])
        past = day < gen.today
        out.append(Booking(resource_id=resource.id, user_id=world.firm_users[firm.id][0].id, organisation_id=firm.id,
                           starts_at=begins, ends_at=begins + timedelta(hours=hours),
                           purpose=rng.choice(["样件检测", "仿真计算", "攻关试验", "培训实操", "技术评审会"]),
                           status="done" if past else "confirmed",
                           used_hours=Decimal(hours) if past else None))
    return out


def _attendance(world: World, training: Training) -> list[dict]:
    gen = world.gen
    rng = gen.rng
    key = next(k for k, c in world.centers.items() if c.id == training.center_id)
    pool = world.pools[key]
    row = {"training_id": training.id, "hours": training.hours, "engineer_id": None, "organisation_id": None}
    out = [dict(row, engineer_id=e.id, name=e.name) for e in rng.sample(pool, rng.randint(6, min(20, len(pool))))]
    for _ in range(rng.randint(8, 30)):
        out.append(dict(row, organisation_id=rng.choice(world.firms[key]).id, name=gen.person_name()))
    return out


def _log(world: World, rows: list, trainings: list, bookings: list, resources: dict) -> None:
    gen = world.gen
    log = world.log
    for t in trainings:
        operator = world.operators[next(k for k, c in world.centers.items() if c.id == t.center_id)]
        log.add("training.held", at=gen.at(t.starts_on), actor_id=operator.id, center_id=t.center_id,
                subject=("training", t.id), data={"kind": t.kind, "level": t.level, "hours": str(t.hours)})
    for b in bookings:
        center_id = resources[b.resource_id].center_id
        log.add("booking.created", at=gen.cap(b.starts_at - timedelta(days=world.gen.rng.randint(1, 10))),
                actor_id=b.user_id, center_id=center_id, organisation_id=b.organisation_id,
                subject=("booking", b.id), data={"resource": b.resource_id})
    for row in rows:
        if isinstance(row, Project):
            log.add("project.recorded", at=gen.at(row.started_on), center_id=row.center_id,
                    subject=("project", row.id), data={"level": row.level, "amount": str(row.amount)})
        elif isinstance(row, ProfessionalService):
            log.add("service.delivered", at=gen.at(row.delivered_on), center_id=row.center_id,
                    organisation_id=row.organisation_id, subject=("professionalservice", row.id),
                    data={"kind": row.kind, "amount": str(row.amount)})
