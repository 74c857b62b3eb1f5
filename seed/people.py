"""Organisations, centers, engineers, users and pools: the cast of the demo data set."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from accounts.models import Organisation, User
from accounts.passwords import hash_password
from seed import vocab as v
from seed.accounts import (
    DEMO_ACCOUNTS,
    DEMO_CENTER_KEY,
    DEMO_CITY,
    DEMO_FIRM,
    DEMO_PASSWORD,
)
from seed.generate import Gen, weighted
from seed.log import Log
from seed.vocab_clusters import CLUSTERS, GENERIC_SKILLS, Cluster
from talent.models import Center, Engineer, PoolMembership

UNIVERSITY_CITY = {
    "中南大学": "长沙市", "湖南大学": "长沙市", "湘潭大学": "湘潭市", "湖南科技大学": "湘潭市", "长沙理工大学": "长沙市",
    "南华大学": "衡阳市", "湖南工业大学": "株洲市", "湖南农业大学": "长沙市", "湖南工程学院": "湘潭市",
    "湖南文理学院": "常德市", "湘南学院": "郴州市", "湖南理工学院": "岳阳市", "湖南工学院": "衡阳市",
}
# key -> (status, recognised_on, cultivation_ends_on, operations staff, site m², lab m²)
CENTER_PROFILES = {
    "CSGJ": ("已认定", date(2024, 9, 20), date(2025, 9, 20), 12, 3200, 1800),
    "ZZGD": ("已认定", date(2024, 9, 20), date(2025, 9, 20), 10, 2800, 1500),
    "ZZHF": ("培育期", date(2026, 3, 18), date(2027, 3, 18), 6, 1500, 900),
    "XTCN": ("已认定", date(2024, 12, 6), date(2025, 12, 6), 9, 2400, 1600),
    "CSJS": ("培育期", date(2025, 12, 26), date(2026, 12, 26), 7, 1200, 600),
    "YYSH": ("整改期", date(2024, 9, 20), date(2025, 9, 20), 5, 1600, 800),
    "HYSB": ("已认定", date(2024, 12, 6), date(2025, 12, 6), 8, 2000, 1200),
    "CDSW": ("申报中", None, None, 4, 900, 500),
    "CZYS": ("已认定", date(2024, 12, 6), date(2025, 12, 6), 8, 2200, 1300),
}
FIRMS_PER_CLUSTER = 14
ENGINEERS_PER_CLUSTER = 48
PLACEHOLDER_PASSWORD = "xc-placeholder-7d1f"  # shared by the generated accounts; not a demo login


def active_from(center: Center) -> date:
    """When a center started working: some months before its recognition (or its application)."""
    return (center.recognised_on or date(2026, 6, 1)) - timedelta(days=120)


@dataclass
class World:
    gen: Gen
    log: Log
    centers: dict[str, Center] = field(default_factory=dict)
    hosts: dict[str, Organisation] = field(default_factory=dict)
    universities: list[Organisation] = field(default_factory=list)
    institutes: list[Organisation] = field(default_factory=list)
    firms: dict[str, list[Organisation]] = field(default_factory=dict)
    firm_users: dict[int, list[User]] = field(default_factory=dict)
    engineers: list[Engineer] = field(default_factory=list)
    pools: dict[str, list[Engineer]] = field(default_factory=dict)
    home: dict[int, str] = field(default_factory=dict)  # engineer id -> primary cluster key
    eng_user: dict[int, User] = field(default_factory=dict)
    demo: dict[str, User] = field(default_factory=dict)
    experts: list[User] = field(default_factory=list)
    operators: dict[str, User] = field(default_factory=dict)
    city_users: dict[str, User] = field(default_factory=dict)
    cluster_of_firm: dict[int, Cluster] = field(default_factory=dict)
    engineers_by_id: dict[int, Engineer] = field(default_factory=dict)
    teams: dict[int, list[Engineer]] = field(default_factory=dict)  # bid id -> team members
    collab_ctx: dict[int, dict] = field(default_factory=dict)
    challenges: list = field(default_factory=list)  # 揭榜 challenges and consultations, for titles  # collaboration id -> ids for its events

    titles: set[str] = field(default_factory=set)  # challenge titles already used
    joined: dict[int, date] = field(default_factory=dict)  # engineer id -> day joined the home pool

    def center_at(self, engineer_id: int, moment) -> int | None:
        """The engineer's home center if the engineer was already in its pool at that moment."""
        day = moment.date() if hasattr(moment, "date") else moment
        joined = self.joined.get(engineer_id)
        return self.centers[self.home[engineer_id]].id if joined and joined <= day else None


def build_people(session: Session, world: World) -> None:
    _organisations(session, world)
    _centers(session, world)
    _engineers(session, world)
    _users(session, world)
    _pools(session, world)


def _org(gen: Gen, name: str, kind: str, city: str, *, industry: str | None = None, size: str | None = None,
         institution: bool = False) -> Organisation:
    _, _, division, counties = v.CITY_BY_NAME[city]
    return Organisation(name=gen.reserve_name(name), kind=kind, region=city, county=gen.rng.choice(counties),
                        industry=industry, size=size,
                        credit_code=gen.credit_code(division, institution=institution))


def _organisations(session: Session, world: World) -> None:
    gen = world.gen
    rng = gen.rng
    for cluster in CLUSTERS:
        institution = cluster.host_kind in ("高校", "科研院所")
        org = _org(gen, cluster.host, "host", cluster.city, industry=cluster.industry,
                   size=None if institution else "大型", institution=institution)
        org.county = cluster.county
        world.hosts[cluster.key] = org
    world.universities = [_org(gen, name, "university", city, institution=True) for name, city in UNIVERSITY_CITY.items()]
    world.institutes = [_org(gen, stem + suffix, "institute", rng.choice(["长沙市", "长沙市", "株洲市", "湘潭市"]),
                             institution=True) for stem, suffix in v.INSTITUTE_STEMS]
    index = 0
    for cluster in CLUSTERS:
        firms = []
        if cluster.key == DEMO_CENTER_KEY:
            demo = _org(gen, DEMO_FIRM, "enterprise", DEMO_CITY, industry=cluster.industry, size="中型")
            firms.append(demo)
        while len(firms) < FIRMS_PER_CLUSTER:
            city = v.CITY_NAMES[index] if index < len(v.CITY_NAMES) else (
                cluster.city if rng.random() < 0.55 else rng.choice(v.CITY_NAMES))
            index += 1
            short = v.CITY_BY_NAME[city][1]
            firms.append(_org(gen, gen.firm_name(short, cluster.firm_words), "enterprise", city,
                              industry=cluster.industry, size=weighted(rng, v.FIRM_SIZES)))
        world.firms[cluster.key] = firms
    everything = list(world.hosts.values()) + world.universities + world.institutes
    everything += [f for firms in world.firms.values() for f in firms]
    session.add_all(everything)
    session.flush()
    for cluster in CLUSTERS:
        for firm in world.firms[cluster.key]:
            world.cluster_of_firm[firm.id] = cluster


def _centers(session: Session, world: World) -> None:
    gen = world.gen
    for cluster in CLUSTERS:
        status, recognised, ends, staff, site, lab = CENTER_PROFILES[cluster.key]
        short = v.CITY_BY_NAME[cluster.city][1]
        center = Center(
            external_id=f"XC-{cluster.key}", name=f"{short}{cluster.cluster}工程师协同创新中心",
            host_org_id=world.hosts[cluster.key].id, cluster=cluster.cluster, platform=cluster.platform,
            city=cluster.city, status=status, recognised_on=recognised, cultivation_ends_on=ends,
            description=(f"依托{cluster.host}建设，面向{cluster.city}及全省{cluster.cluster}产业集群，"
                         f"围绕{'、'.join(cluster.fields)}等方向集聚共享工程师，建设{cluster.platform}，"
                         f"开展揭榜挂帅、在线问诊、人才培训和检验检测等服务。"),
            address=f"湖南省{cluster.city}{cluster.county}{gen.rng.choice(['科技大道', '创新路', '工业园路', '高新大道'])}"
                    f"{gen.rng.randint(8, 388)}号",
            site_area_m2=site, lab_area_m2=lab, operations_staff=staff,
            contact=f"{gen.person_name()} 0731-8{gen.rng.randint(1000000, 9999999)}",
        )
        center.created_at = gen.at(max(date(2024, 5, 1), active_from(center)))
        world.centers[cluster.key] = center
    session.add_all(list(world.centers.values()))
    session.flush()


def _engineers(session: Session, world: World) -> None:
    gen = world.gen
    rng = gen.rng
    n = 0
    for cluster in CLUSTERS:
        pool = []
        for i in range(ENGINEERS_PER_CLUSTER):
            n += 1
            title = weighted(rng, v.TITLES)
            roll = rng.random()
            if title in v.ACADEMIC_TITLES or roll < 0.25:
                employer = rng.choice(world.universities if title in ("教授", "副教授") or roll < 0.15
                                      else world.institutes)
            elif roll < 0.40:
                employer = world.hosts[cluster.key]
            else:
                employer = rng.choice(world.firms[cluster.key])
            senior = title in ("正高级工程师", "教授", "研究员")
            years = rng.randint(15, 32) if senior else rng.randint(3, 20)
            skills = rng.sample(cluster.skills, rng.randint(3, 6))
            if rng.random() < 0.2:
                skills.append(rng.choice(GENERIC_SKILLS))
            talent = weighted(rng, v.TALENT_LEVELS)
            if i == 0:  # the demo engineer: a senior hydraulics engineer in Changsha
                title, talent, senior, years = "高级工程师", "市级", True, 14
                skills = ["液压", "电液比例控制", "CAE", "FMEA", "密封"]
                employer = world.hosts[cluster.key]
            name = gen.person_name()
            bio = gen.bio(cluster=cluster, skills=skills, title=title, employer=employer.name, years=years)
            if talent != "none":
                bio = f"入选{rng.choice(v.TALENT_PROGRAMS[talent])}。" + bio
            engineer = Engineer(
                external_id=f"E-{n:04d}", name=name, title=title, talent_level=talent,
                engagement=weighted(rng, v.ENGAGEMENTS), region=employer.region,
                capacity=rng.choices([1, 2, 3, 4], weights=[15, 40, 30, 15])[0], years_experience=years,
                education="博士" if senior and rng.random() < 0.6 else weighted(rng, v.EDUCATION),
                employer_id=employer.id, skills=skills,
                fields=list(dict.fromkeys([cluster.cluster] + rng.sample(cluster.fields, rng.randint(1, 2)))),
                bio=bio[:150], available=rng.random() > 0.08,
                created_at=gen.at(gen.day_between(date(2024, 6, 1), gen.today - timedelta(days=10))),
            )
            engineer.updated_at = engineer.created_at
            if i == 0:
                engineer.capacity, engineer.available, engineer.engagement = 3, True, "双聘"
            pool.append(engineer)
        world.pools[cluster.key] = pool
    world.engineers = [e for pool in world.pools.values() for e in pool]
    session.add_all(world.engineers)
    session.flush()
    for key, pool in world.pools.items():
        for engineer in pool:
            world.home[engineer.id] = key
            world.engineers_by_id[engineer.id] = engineer


def _users(session: Session, world: World) -> None:
    gen = world.gen
    rng = gen.rng
    demo_hash = hash_password(DEMO_PASSWORD)
    shared_hash = hash_password(PLACEHOLDER_PASSWORD)
    demo_firm = world.firms[DEMO_CENTER_KEY][0]
    demo_engineer = world.pools[DEMO_CENTER_KEY][0]
    links = {
        "sme": dict(organisation_id=demo_firm.id, display_name=f"{gen.person_name()}（{demo_firm.name}）"),
        "engineer": dict(engineer_id=demo_engineer.id, display_name=demo_engineer.name),
        "center": dict(center_id=world.centers[DEMO_CENTER_KEY].id, display_name="长沙工程机械中心运营"),
        "city": dict(region=DEMO_CITY, display_name="长沙市工业和信息化局"),
        "province": dict(display_name="湖南省工业和信息化厅"),
        "expert": dict(display_name=f"{gen.person_name()}（评审专家）"),
        "admin": dict(display_name="平台管理员"),
    }
    users: list[User] = []
    for username, _password, role, _label in DEMO_ACCOUNTS:
        user = User(username=username, role=role, password_hash=demo_hash, email=f"{username}@demo.xiechuang.cn",
                    created_at=gen.at(date(2025, 1, 2)), **links[role])
        world.demo[role] = user
        users.append(user)
    world.firm_users[demo_firm.id] = [world.demo["sme"]]
    world.eng_user[demo_engineer.id] = world.demo["engineer"]
    world.operators[DEMO_CENTER_KEY] = world.demo["center"]
    world.city_users[DEMO_CITY] = world.demo["city"]
    world.experts.append(world.demo["expert"])

    def placeholder(username: str, role: str, display: str, **extra) -> User:
        user = User(username=username, role=role, password_hash=shared_hash, display_name=display,
                    created_at=gen.at(date(2025, 1, 2)), **extra)
        users.append(user)
        return user

    n = 0
    for cluster in CLUSTERS:
        for firm in world.firms[cluster.key]:
            if firm.id == demo_firm.id:
                continue
            n += 1
            count = 2 if rng.random() < 0.25 else 1
            world.firm_users[firm.id] = [
                placeholder(f"qy{n:03d}{'ab'[k]}", "sme", f"{gen.person_name()}（{firm.name}）", organisation_id=firm.id)
                for k in range(count)]
        if cluster.key != DEMO_CENTER_KEY:
            world.operators[cluster.key] = placeholder(
                f"zx_{cluster.key.lower()}", "center", f"{cluster.cluster}中心运营",
                center_id=world.centers[cluster.key].id)
        if cluster.city not in world.city_users:
            world.city_users[cluster.city] = placeholder(
                f"gxj_{v.CITY_BY_NAME[cluster.city][2]}", "city", f"{cluster.city}工业和信息化局", region=cluster.city)
    for engineer in world.engineers:
        if engineer.id != demo_engineer.id:
            world.eng_user[engineer.id] = placeholder(
                f"gcs{engineer.external_id[2:]}", "engineer", engineer.name, engineer_id=engineer.id)
    for k in range(1, 5):
        world.experts.append(placeholder(f"zj{k:02d}", "expert", f"{gen.person_name()}（评审专家）"))
    session.add_all(users)
    session.flush()


def _pools(session: Session, world: World) -> None:
    gen = world.gen
    rng = gen.rng
    rows: list[PoolMembership] = []
    keys = [c.key for c in CLUSTERS]
    for key, pool in world.pools.items():
        center = world.centers[key]
        start = active_from(center)
        for engineer in pool:
            joined = gen.day_between(start, gen.today - timedelta(days=20))
            if engineer.id == world.demo["engineer"].engineer_id:
                joined = date(2025, 2, 18)
            world.joined[engineer.id] = joined
            if engineer.created_at.date() > joined:  # the profile exists before the membership
                engineer.created_at = engineer.updated_at = gen.at(joined - timedelta(days=rng.randint(1, 20)))
            member = PoolMembership(center_id=center.id, engineer_id=engineer.id, engagement=engineer.engagement,
                                    long_term=rng.random() < 0.4, recruited_for_cluster=rng.random() < 0.25,
                                    joined_on=joined)
            if rng.random() < 0.03 and engineer.id != world.demo["engineer"].engineer_id:
                member.status, member.left_on = "removed", gen.day_between(joined, gen.today, growth=0)
            rows.append(member)
            if rng.random() < 0.12:  # a second pool, usually as a part-timer or adviser
                other = world.centers[rng.choice([k for k in keys if k != key])]
                rows.append(PoolMembership(center_id=other.id, engineer_id=engineer.id,
                                           engagement=rng.choice(["兼职", "顾问", "柔性引进"]),
                                           joined_on=gen.day_between(joined, gen.today, growth=0)))
    session.add_all(rows)
    session.flush()
    for member in rows:
        user = world.eng_user[member.engineer_id]
        world.log.add("pool.joined", at=gen.at(member.joined_on), actor_id=user.id, center_id=member.center_id,
                      engineer_id=member.engineer_id, subject=("poolmembership", member.id),
                      data={"engagement": member.engagement})
        if member.left_on:
            world.log.add("pool.left", at=gen.at(member.left_on), actor_id=user.id, center_id=member.center_id,
                          engineer_id=member.engineer_id, subject=("poolmembership", member.id))
