"""Collaborations after the award: team, milestones, work logs, deliverables, payments, shares, ratings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from marketplace.execution.models import (
    Collaboration,
    CollaborationMember,
    Deliverable,
    Milestone,
    Payment,
    Rating,
    ShareAgreement,
    WorkLog,
)
from seed import vocab as v
from seed.generate import weighted
from seed.market import Plan
from seed.people import World

CONTRACT_KINDS = [("技术开发", 50), ("技术服务", 25), ("技术咨询", 15), ("技术转让", 10)]
SERVICE_BY_CONTRACT = {
    "技术开发": [("研发设计", 70), ("技术改造", 30)],
    "技术服务": [("技术改造", 50), ("检验检测", 30), ("研发设计", 20)],
    "技术咨询": [("产业咨询", 70), ("技术改造", 30)],
    "技术转让": [("技术转移与交易", 100)],
}
COLLAB_STATUS = {"awarded": "in_progress", "in_progress": "in_progress", "delivered": "delivered",
                 "accepted": "accepted", "closed": "closed"}


def build_collaborations(session: Session, world: World, plans: list[Plan]) -> None:
    gen = world.gen
    rng = gen.rng
    awarded = [p for p in plans if p.winner]
    collabs = []
    for plan in awarded:
        kind = weighted(rng, CONTRACT_KINDS)
        lead = world.engineers_by_id[plan.winner.engineer_id]
        c = plan.challenge
        collab = Collaboration(
            challenge_id=c.id, bid_id=plan.winner.id, lead_engineer_id=lead.id,
            center_id=world.center_at(lead.id, plan.awarded) or c.center_id, status=COLLAB_STATUS[plan.state],
            contract_kind=kind,
            service_type=weighted(rng, SERVICE_BY_CONTRACT[kind]), amount=plan.winner.price,
            note=f"{kind}合同，按里程碑分期支付，攻关周期{plan.winner.schedule_days}天。",
            started_at=c.awarded_at,
            delivered_at=gen.at(plan.delivered) if plan.delivered else None,
            accepted_at=gen.at(plan.accepted) if plan.accepted else None,
            closed_at=c.closed_at if plan.closed else None,
        )
        collabs.append(collab)
    if awarded:
        # one dispute among the running collaborations, mediated by the center
        running = [i for i, p in enumerate(awarded) if p.state == "in_progress"]
        if running:
            collabs[running[-1]].status = "disputed"
    session.add_all(collabs)
    session.flush()
    milestones: list[tuple[Plan, Collaboration, list[Milestone]]] = []
    members = []
    for plan, collab in zip(awarded, collabs):
        team = world.teams.get(plan.winner.id, [])
        lead_pct = Decimal(100) if not team else Decimal(rng.choice([50, 55, 60]))
        members.append(CollaborationMember(collaboration_id=collab.id, engineer_id=collab.lead_engineer_id,
                                           role="lead", share_pct=lead_pct))
        rest = (Decimal(100) - lead_pct) / len(team) if team else Decimal(0)
        for mate in team:
            members.append(CollaborationMember(collaboration_id=collab.id, engineer_id=mate.id, role="member",
                                               share_pct=rest.quantize(Decimal("0.01"))))
        milestones.append((plan, collab, _milestones(world, plan, collab)))
    session.add_all(members)
    session.add_all([m for _, _, ms in milestones for m in ms])
    session.flush()
    rows = []
    for plan, collab, ms in milestones:
        world.collab_ctx[collab.id] = {
            "lead": collab.lead_engineer_id, "lead_user": world.eng_user[collab.lead_engineer_id].id,
            "firm_user": plan.poster.id, "firm": plan.firm.id, "challenge": plan.challenge.id,
            "center": plan.challenge.center_id or collab.center_id}
        _collab_events(world, plan, collab, ms)
        rows += _trail(world, plan, collab, ms)
    session.add_all(rows)
    session.flush()
    for row in rows:
        _log_row(world, row)


def _milestones(world: World, plan: Plan, collab: Collaboration) -> list[Milestone]:
    gen = world.gen
    rng = gen.rng
    if plan.state == "awarded":
        return []
    n = rng.randint(2, 4)
    end = plan.delivered or (plan.started + timedelta(days=plan.winner.schedule_days))
    span = max((end - plan.started).days, n * 7)
    amount = collab.amount or Decimal(0)
    parts = [(amount * Decimal(pct) / 100).quantize(Decimal("1")) for pct in _split(rng, n)]
    parts[-1] = amount - sum(parts[:-1])
    titles = v.MILESTONE_TITLES[:n - 1] + [v.MILESTONE_TITLES[-1]]
    out = []
    for j in range(n):
        due = plan.started + timedelta(days=span * (j + 1) // n)
        m = Milestone(collaboration_id=collab.id, seq=j + 1, title=titles[j], amount=parts[j], due_date=due)
        submitted = due - timedelta(days=rng.randint(0, 4)) if j < n - 1 else (plan.delivered or due)
        accepted = submitted + timedelta(days=rng.randint(2, 10))
        last = j == n - 1
        if plan.state in ("accepted", "closed"):
            if last:
                accepted = plan.accepted
            m.status, m.submitted_at, m.accepted_at = "accepted", gen.at(submitted), gen.at(accepted)
        elif plan.state == "delivered":
            if last:
                m.status, m.submitted_at = "submitted", gen.at(plan.delivered)
                m.auto_accept_at = m.submitted_at + timedelta(days=15)
            else:
                m.status, m.submitted_at, m.accepted_at = "accepted", gen.at(submitted), gen.at(min(accepted, gen.today))
        elif not last and submitted <= gen.today - timedelta(days=2):
            m.submitted_at = gen.at(submitted)
            if accepted < gen.today:
                m.status, m.accepted_at = "accepted", gen.at(accepted)
            else:
                m.status, m.auto_accept_at = "submitted", m.submitted_at + timedelta(days=15)
        out.append(m)
    return out


def _collab_events(world: World, plan: Plan, collab: Collaboration, ms: list[Milestone]) -> None:
    gen = world.gen
    ctx = world.collab_ctx[collab.id]
    base = dict(center_id=ctx["center"], organisation_id=plan.firm.id, engineer_id=collab.lead_engineer_id,
                challenge_id=plan.challenge.id, collaboration_id=collab.id)
    lead, firm_user = ctx["lead_user"], ctx["firm_user"]
    log = world.log
    c = plan.challenge
    terms = {"amount": str(collab.amount), "contract_kind": collab.contract_kind, "service_type": collab.service_type}
    log.add("challenge.awarded", at=c.awarded_at, actor_id=firm_user, subject=("challenge", c.id), **base,
            data={"from": "bidding_closed", "to": "awarded", "bids": [plan.winner.id], **terms})
    log.add("bid.awarded", at=c.awarded_at, actor_id=firm_user, subject=("bid", plan.winner.id), **base)
    if plan.started:
        log.add("collaboration.started", at=gen.at(plan.started), actor_id=lead, subject=("challenge", c.id),
                **base, data={"from": "awarded", "to": "in_progress", **terms})
    for m in ms:
        log.add("milestone.created", at=gen.at(plan.started), actor_id=lead, subject=("milestone", m.id), **base,
                data={"title": m.title, "amount": str(m.amount)})
        if m.submitted_at:
            log.add("milestone.submitted", at=m.submitted_at, actor_id=lead, subject=("milestone", m.id), **base)
        if m.accepted_at:
            log.add("milestone.accepted", at=m.accepted_at, actor_id=firm_user, subject=("milestone", m.id), **base,
                    data={"amount": str(m.amount)})
    if collab.status == "disputed":
        log.add("collaboration.disputed", at=gen.at(gen.days_ago(3, 12)), actor_id=firm_user,
                subject=("collaboration", collab.id), **base, data={"reason": "对阶段成果的验收标准存在分歧"})
    if plan.delivered:
        if plan.accepted and gen.rng.random() < 0.15:  # a first delivery sent back, then redone
            first = plan.delivered - timedelta(days=gen.rng.randint(8, 20))
            log.add("collaboration.delivered", at=gen.at(first), actor_id=lead, subject=("challenge", c.id),
                    **base, data={"from": "in_progress", "to": "delivered"})
            log.add("collaboration.rejected", at=gen.at(first + timedelta(days=3)), actor_id=firm_user,
                    subject=("challenge", c.id), **base,
                    data={"from": "delivered", "to": "in_progress", "reason": "部分指标未达到验收要求"})
        log.add("collaboration.delivered", at=collab.delivered_at, actor_id=lead, subject=("challenge", c.id),
                **base, data={"from": "in_progress", "to": "delivered"})
    if plan.accepted:
        log.add("collaboration.accepted", at=collab.accepted_at, actor_id=firm_user, subject=("challenge", c.id),
                **base, data={"from": "delivered", "to": "accepted", "amount": str(collab.amount)})
    if plan.closed:
        log.add("collaboration.closed", at=collab.closed_at, actor_id=firm_user, subject=("collaboration", collab.id),
                **base)
        log.add("challenge.closed", at=collab.closed_at, actor_id=firm_user, subject=("challenge", c.id),
                **base, data={"from": "accepted", "to": "closed"})


def _split(rng, n: int) -> list[int]:
    return {2: [40, 60], 3: rng.choice([[30, 40, 30], [20, 50, 30]]), 4: [20, 30, 30, 20]}[n]


def _trail(world: World, plan: Plan, collab: Collaboration, ms: list[Milestone]) -> list:
    """Work logs, deliverables, payments, shares and ratings implied by the plan."""
    gen = world.gen
    rng = gen.rng
    lead_user = world.eng_user[collab.lead_engineer_id]
    team = [collab.lead_engineer_id] + [e.id for e in world.teams.get(plan.winner.id, [])]
    rows: list = []
    if plan.started:
        end = min(plan.delivered or gen.today, gen.today)
        for _ in range(rng.randint(5, 14)):
            day = gen.day_between(plan.started, end, growth=0)
            rows.append(WorkLog(collaboration_id=collab.id, engineer_id=rng.choice(team), day=day,
                                hours=Decimal(rng.randint(4, 16)) / 2, note=rng.choice(v.WORK_NOTES),
                                created_at=gen.at(day, 17, 21)))
    for m in ms:
        if m.submitted_at:
            rows.append(Deliverable(collaboration_id=collab.id, milestone_id=m.id, note=rng.choice(v.DELIVERABLE_NOTES),
                                    submitted_by_id=lead_user.id, created_at=m.submitted_at))
        if m.accepted_at:
            paid = m.accepted_at.date() + timedelta(days=rng.randint(3, 15))
            if paid <= gen.today and (plan.state == "closed" or rng.random() < 0.85):
                rows.append(Payment(collaboration_id=collab.id, milestone_id=m.id, amount=m.amount, paid_on=paid,
                                    reference=f"HK{paid:%Y%m%d}{m.id:05d}", created_at=gen.at(paid)))
    if plan.state in ("accepted", "closed"):
        when = gen.at(plan.accepted + timedelta(days=rng.randint(1, 8)))
        reward = (collab.amount * Decimal(rng.choice([10, 12, 15])) / 100).quantize(Decimal("1"))
        for member_id in team:
            pct = Decimal(100) / len(team) if len(team) > 1 else Decimal(100)
            if len(team) > 1:
                pct = Decimal(50) if member_id == collab.lead_engineer_id else Decimal(50) / (len(team) - 1)
            rows.append(ShareAgreement(collaboration_id=collab.id, kind="项目奖励", party_kind="engineer",
                                       engineer_id=member_id, percent=pct.quantize(Decimal("0.01")),
                                       amount=(reward * pct / 100).quantize(Decimal("1")),
                                       note="按贡献度分配项目奖励", created_at=when))
        if rng.random() < 0.3:
            for party, pct in (("firm", 60), ("engineer", 25), ("center", 15)):
                rows.append(ShareAgreement(
                    collaboration_id=collab.id, kind="知识产权入股分成", party_kind=party, percent=Decimal(pct),
                    engineer_id=collab.lead_engineer_id if party == "engineer" else None,
                    organisation_id=plan.firm.id if party == "firm" else None,
                    center_id=(collab.center_id or plan.challenge.center_id) if party == "center" else None,
                    note="成果转化收益按约定比例分成", created_at=when))
        firm_rating = Rating(collaboration_id=collab.id, challenge_id=plan.challenge.id, rater_id=plan.poster.id,
                             direction="firm_to_engineer", engineer_id=collab.lead_engineer_id,
                             organisation_id=plan.firm.id, created_at=gen.cap(when + timedelta(days=1)),
                             comment=rng.choice(v.RATING_COMMENTS_FIRM), **_scores(rng))
        eng_rating = Rating(collaboration_id=collab.id, challenge_id=plan.challenge.id, rater_id=lead_user.id,
                            direction="engineer_to_firm", organisation_id=plan.firm.id,
                            engineer_id=collab.lead_engineer_id, created_at=gen.cap(when + timedelta(days=2)),
                            comment=rng.choice(v.RATING_COMMENTS_ENGINEER), **_scores(rng))
        rows += [firm_rating, eng_rating]
    return rows


def _scores(rng) -> dict:
    overall = rng.choices([3, 4, 5], weights=[10, 40, 50])[0]
    return {"overall": overall, "quality": min(5, overall + rng.choice([-1, 0, 0, 1])),
            "timeliness": min(5, overall + rng.choice([-1, 0, 0])), "communication": min(5, overall + rng.choice([0, 0, 1]))}


_ROW_KINDS = {WorkLog: "worklog.added", Deliverable: "deliverable.uploaded", Payment: "payment.recorded",
              ShareAgreement: "share.recorded", Rating: "rating.created"}


def _log_row(world: World, row) -> None:
    """Log one trail row (set after the plan's events so ids exist)."""
    plan_ctx = world.collab_ctx[row.collaboration_id]
    kind = _ROW_KINDS[type(row)]
    at = row.created_at
    data: dict = {}
    actor = plan_ctx["lead_user"]
    engineer_id = plan_ctx["lead"]
    if isinstance(row, WorkLog):
        data, engineer_id = {"hours": str(row.hours), "day": str(row.day)}, row.engineer_id
        actor = world.eng_user[row.engineer_id].id
    elif isinstance(row, Payment):
        data, actor = {"amount": str(row.amount)}, plan_ctx["firm_user"]
    elif isinstance(row, ShareAgreement):
        data = {"kind": row.kind, "party": row.party_kind, "percent": str(row.percent)}
        actor = plan_ctx["firm_user"]
    elif isinstance(row, Rating):
        data, actor = {"direction": row.direction, "overall": row.overall}, row.rater_id
    world.log.add(kind, at=at, actor_id=actor, center_id=plan_ctx["center"], organisation_id=plan_ctx["firm"],
                  engineer_id=engineer_id, challenge_id=plan_ctx["challenge"], collaboration_id=row.collaboration_id,
                  subject=(type(row).__name__.lower(), row.id), data=data)

