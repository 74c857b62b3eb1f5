"""揭榜挂帅 challenges over two years: timelines per lifecycle state, bids and teams.

Each challenge gets a plan (dates for every step up to its state); the plan drives the
rows and the event log alike, so the log and the tables tell the same story.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from accounts.models import Organisation
from marketplace.challenges.models import (
    Bid,
    BidMember,
    Challenge,
    Invitation,
    NdaAcceptance,
)
from seed import vocab as v
from seed.accounts import DEMO_CENTER_KEY
from seed.generate import HISTORY_START
from seed.market_events import AFTER_AWARD, Plan, challenge_events
from seed.people import World, active_from
from seed.vocab_clusters import CLUSTERS, Cluster
from talent.models import Engineer

# state -> how many challenges
STATE_PLAN = [("closed", 68), ("accepted", 24), ("delivered", 16), ("in_progress", 34), ("awarded", 12),
              ("bidding_closed", 14), ("open", 40), ("draft", 10), ("cancelled", 10), ("expired", 10)]
DEMO_FIRM_STATES = ["open", "bidding_closed", "in_progress", "delivered", "closed", "accepted", "draft", "open"]
CLUSTER_WEIGHTS = {"CSGJ": 26, "ZZGD": 18, "ZZHF": 10, "XTCN": 14, "CSJS": 11, "YYSH": 10, "HYSB": 10,
                   "CDSW": 7, "CZYS": 10}
TEAM_ROLES = ["结构设计", "仿真分析", "试验测试", "软件开发", "工艺优化", "现场实施"]
TITLE_SUFFIXES = ["（二期）", "联合攻关", "及工程化验证", "及批量导入", "（新产线）", "关键技术研究"]
# latest-step window (days before today) per state after the award
WINDOWS = {"awarded": 25, "in_progress": 140, "delivered": 25, "accepted": 110}




def build_challenges(session: Session, world: World) -> list[Plan]:
    gen = world.gen
    rng = gen.rng
    states = [s for s, n in STATE_PLAN for _ in range(n)]
    rng.shuffle(states)
    keys = list(CLUSTER_WEIGHTS)
    plans: list[Plan] = []
    demo_firm = world.firms[DEMO_CENTER_KEY][0]
    for i, state in enumerate(DEMO_FIRM_STATES + states[len(DEMO_FIRM_STATES):]):
        if i < len(DEMO_FIRM_STATES):
            cluster, firm = CLUSTERS[0], demo_firm
        else:
            key = rng.choices(keys, weights=list(CLUSTER_WEIGHTS.values()))[0]
            cluster = next(c for c in CLUSTERS if c.key == key)
            firm = rng.choice(world.firms[key])
        plan = _timeline(world, cluster, firm, state)
        plan.demo_lead = firm.id == demo_firm.id and state in ("in_progress", "closed")
        plans.append(plan)
    session.add_all([p.challenge for p in plans])
    session.flush()
    world.challenges += [p.challenge for p in plans]
    for plan in plans:
        _bids(world, plan)
    bids = [b for p in plans for b in (p.bids or [])]
    session.add_all(bids)
    session.flush()
    _teams_and_invitations(session, world, plans)
    for plan in plans:
        challenge_events(world, plan)
    return plans


def _timeline(world: World, cluster: Cluster, firm: Organisation, state: str) -> Plan:
    gen = world.gen
    rng = gen.rng
    today = gen.today
    poster = world.firm_users[firm.id][0]
    bid_days, award_gap, start_gap = rng.randint(15, 40), rng.randint(2, 12), rng.randint(1, 7)
    work_days, accept_gap, close_gap = rng.randint(45, 150), rng.randint(5, 20), rng.randint(10, 40)
    plan = Plan(challenge=None, cluster=cluster, firm=firm, poster=poster, state=state, created=today)  # type: ignore[arg-type]
    if state == "draft":
        plan.created = gen.days_ago(0, 40)
        plan.deadline = today + timedelta(days=rng.randint(20, 60))
    elif state == "open":
        plan.published = gen.days_ago(1, 35)
        plan.deadline = today + timedelta(days=rng.randint(5, 60))
    elif state == "bidding_closed":
        plan.deadline = gen.days_ago(1, 20)
        plan.published = plan.deadline - timedelta(days=bid_days)
    elif state in ("expired", "cancelled"):
        plan.published = gen.day_between(HISTORY_START, today - timedelta(days=50 if state == "expired" else 5))
        plan.deadline = plan.published + timedelta(days=bid_days)
        if state == "expired":
            plan.ended = plan.deadline + timedelta(days=1)
        else:
            plan.ended = gen.clamp(plan.published + timedelta(days=rng.randint(3, bid_days + 10)))
    else:
        steps = [bid_days + award_gap, start_gap, work_days, accept_gap, close_gap]
        k = AFTER_AWARD.index(state)
        total = sum(steps[: k + 1])
        hi = today - timedelta(days=total + 1)
        lo = max(HISTORY_START, hi - timedelta(days=WINDOWS.get(state, 10_000)))
        plan.published = gen.day_between(lo, hi, growth=0.4 if state == "closed" else 0.5)
        plan.deadline = plan.published + timedelta(days=bid_days)
        plan.awarded = plan.deadline + timedelta(days=award_gap)
        marks = [plan.awarded]
        for step in steps[1: k + 1]:
            marks.append(marks[-1] + timedelta(days=step))
        names = ["awarded", "started", "delivered", "accepted", "closed"]
        for name, day in zip(names, marks):
            setattr(plan, name, day)
    if plan.published:
        plan.created = max(HISTORY_START, plan.published - timedelta(days=rng.randint(0, 6)))
    budget = gen.budget()
    delivery = (plan.deadline or today) + timedelta(days=start_gap + award_gap + work_days + 10)
    topic, product, title = _fresh_title(world, cluster)
    text = gen.challenge_text(cluster=cluster, topic=topic, product=product, firm=firm.name, budget=budget,
                              deadline=plan.deadline, delivery=delivery)
    text["title"] = title
    center = world.centers[cluster.key]
    if plan.created < active_from(center) or (rng.random() < 0.1 and firm.id != world.firms[DEMO_CENTER_KEY][0].id):
        center = None
    roll = rng.random()
    plan.challenge = Challenge(
        kind="challenge", company_id=firm.id, posted_by_id=poster.id, center_id=center.id if center else None,
        region=firm.region, budget=budget, deadline=plan.deadline, delivery_deadline=delivery,
        scheme="contest" if roll < 0.12 else "split" if roll < 0.2 else "single",
        visibility="invite" if rng.random() < 0.08 else "public", status=state,
        status_reason=rng.choice(v.CANCEL_REASONS) if state == "cancelled" else None,
        created_at=gen.at(plan.created), **text,
    )
    c = plan.challenge
    c.published_at = gen.at(plan.published) if plan.published else None
    c.awarded_at = gen.at(plan.awarded) if plan.awarded else None
    c.closed_at = gen.at(plan.closed or plan.ended) if (plan.closed or plan.ended) else None
    if c.published_at and c.published_at < c.created_at:
        c.published_at = gen.cap(c.created_at + timedelta(hours=2))
    last = plan.closed or plan.accepted or plan.delivered or plan.started or plan.awarded or plan.ended \
        or plan.published or plan.created
    c.updated_at = max(gen.at(last), c.created_at)
    return plan


def _fresh_title(world: World, cluster: Cluster) -> tuple:
    """A topic and product whose title no other challenge has; later tries add a phase suffix."""
    rng = world.gen.rng
    for attempt in range(40):
        topic, product = rng.choice(cluster.topics), rng.choice(cluster.products)
        title = topic[0].format(p=product) + ("" if attempt < 12 else rng.choice(TITLE_SUFFIXES))
        if title not in world.titles:
            break
    world.titles.add(title)
    return topic, product, title


def _pick_bidders(world: World, plan: Plan, n: int) -> list[Engineer]:
    rng = world.gen.rng
    pool = [e for e in world.pools[plan.cluster.key] if e.available]
    others = [e for e in world.engineers if world.home[e.id] != plan.cluster.key]
    chosen: list[Engineer] = []
    demo = world.pools[DEMO_CENTER_KEY][0]
    if plan.demo_lead or (plan.cluster.key == DEMO_CENTER_KEY and rng.random() < 0.3):
        chosen.append(demo)
    while len(chosen) < n:
        e = rng.choice(pool if rng.random() < 0.82 else others)
        if e not in chosen:
            chosen.append(e)
    return chosen


def _bids(world: World, plan: Plan) -> None:
    gen = world.gen
    rng = gen.rng
    c = plan.challenge
    n = {"draft": 0, "expired": 0, "open": rng.choice([0, 1, 2, 3, 4]), "cancelled": rng.choice([0, 0, 1, 2]),
         "bidding_closed": rng.randint(2, 5)}.get(plan.state, rng.randint(2, 5))
    if plan.firm.id == world.firms[DEMO_CENTER_KEY][0].id and plan.state in ("open", "bidding_closed"):
        n = max(n, 3)  # the demo firm has bids to compare
    plan.bids = []
    if n == 0:
        return
    last_day = min(plan.deadline, gen.today)
    for engineer in _pick_bidders(world, plan, n):
        days = rng.randint(30, 160)
        proposal, steps = gen.proposal(c.skills, days)
        price = (c.budget * Decimal(str(round(rng.uniform(0.72, 1.05), 2)))).quantize(Decimal("1000"))
        bid = Bid(challenge_id=c.id, engineer_id=engineer.id, proposal=proposal, plan=steps, price=price,
                  schedule_days=days, created_at=gen.at(gen.day_between(plan.published, last_day, growth=0)))
        if c.scheme == "split":
            bid.part = rng.choice(["方案设计与仿真", "样件试制与试验", "软件与控制系统", "工艺导入"])
        plan.bids.append(bid)
    plan.bids.sort(key=lambda b: b.created_at)
    if plan.state in AFTER_AWARD:
        winner = plan.bids[0] if plan.demo_lead else rng.choice(plan.bids)
        for bid in plan.bids:
            bid.decided_at = c.awarded_at
            if bid is winner:
                bid.status = "awarded"
            else:
                bid.status, bid.reason = "rejected", rng.choice(v.REJECT_REASONS)
        plan.winner = winner
        if c.scheme == "contest" and len(plan.bids) > 1:  # 赛马: a shortlist ran parallel proofs first
            plan.shortlist = [winner] + [b for b in plan.bids if b is not winner][:2]
            for bid in plan.shortlist[1:]:
                bid.reason = "赛马验证中综合指标未胜出"
    elif plan.state == "cancelled":
        for bid in plan.bids:
            bid.status, bid.reason, bid.decided_at = "rejected", "发榜企业已撤榜", c.closed_at
    else:
        for bid in plan.bids:
            roll = rng.random()
            if roll < 0.08 and not (plan.firm.id == world.firms[DEMO_CENTER_KEY][0].id):
                bid.status = "withdrawn"
            elif plan.state == "bidding_closed" and roll < 0.5:
                bid.status = "shortlisted"


def _teams_and_invitations(session: Session, world: World, plans: list[Plan]) -> None:
    gen = world.gen
    rng = gen.rng
    rows: list = []
    demo_eng = world.pools[DEMO_CENTER_KEY][0]
    for plan in plans:
        c = plan.challenge
        for bid in plan.bids or []:
            pool = world.pools[world.home[bid.engineer_id]]
            mates = [e for e in rng.sample(pool, rng.randint(0, 3)) if e.id != bid.engineer_id]
            if bid is plan.winner and not plan.demo_lead and plan.cluster.key == DEMO_CENTER_KEY and \
                    rng.random() < 0.1 and demo_eng.id != bid.engineer_id and demo_eng not in mates:
                mates.append(demo_eng)  # the demo engineer also works as a team member
            world.teams[bid.id] = mates
            for mate in mates:
                rows.append(BidMember(bid_id=bid.id, engineer_id=mate.id, role=rng.choice(TEAM_ROLES)))
        invited: list[Engineer] = []
        if c.visibility == "invite" and plan.published:
            invited = rng.sample(world.pools[plan.cluster.key], 5)
            invited += [world.engineers_by_id[b.engineer_id] for b in plan.bids or [] if
                        world.engineers_by_id[b.engineer_id] not in invited]
        elif plan.state == "open" and plan.cluster.key == DEMO_CENTER_KEY and plan.firm.id != \
                world.firms[DEMO_CENTER_KEY][0].id and demo_eng.id not in {b.engineer_id for b in plan.bids or []}:
            invited = [demo_eng]  # recommendations for the demo engineer
        bidders = {b.engineer_id for b in plan.bids or []}
        for engineer in invited:
            when = gen.at(plan.published) + timedelta(hours=1)
            inv = Invitation(challenge_id=c.id, engineer_id=engineer.id, invited_by_id=plan.poster.id,
                             source="manual" if c.visibility == "invite" else "match",
                             score=round(rng.uniform(0.55, 0.93), 3),
                             status="bid" if engineer.id in bidders else rng.choice(["sent", "seen"]), created_at=when)
            rows.append(inv)
            world.log.add("invitation.sent", at=when, actor_id=plan.poster.id, center_id=c.center_id,
                          organisation_id=c.company_id, engineer_id=engineer.id, challenge_id=c.id,
                          data={"source": inv.source})
        if c.visibility == "invite":
            for bid in plan.bids or []:
                user = world.eng_user[bid.engineer_id]
                when = bid.created_at - timedelta(hours=3)
                rows.append(NdaAcceptance(challenge_id=c.id, user_id=user.id, accepted_at=when))
                world.log.add("challenge.nda_accepted", at=when, actor_id=user.id, center_id=c.center_id,
                              organisation_id=c.company_id, engineer_id=bid.engineer_id, challenge_id=c.id)
    session.add_all(rows)
    session.flush()
