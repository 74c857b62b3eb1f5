"""在线问诊: short questions routed to engineers, threaded answers, best answers, a few escalations."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from marketplace.challenges.models import Challenge, Invitation
from marketplace.consultations.models import Answer
from marketplace.execution.models import Rating
from seed import vocab as v
from seed.generate import HISTORY_START
from seed.market import Plan
from seed.people import World, active_from
from seed.vocab_clusters import CLUSTERS

STATES = [("resolved", 36), ("answered", 30), ("open", 16), ("closed", 8)]
QUESTION_TAILS = ["有什么排查思路？", "请教各位专家有何建议？", "是否有成熟的解决方案？", "应该从哪些方面入手？"]


def build_consultations(session: Session, world: World, plans: list[Plan]) -> None:
    gen = world.gen
    rng = gen.rng
    states = [s for s, n in STATES for _ in range(n)]
    rng.shuffle(states)
    escalated = [p for p in plans if p.state in ("open", "in_progress", "closed", "draft") and p.firm.id
                 and (p.created - HISTORY_START).days > 40][:6]
    items = []
    for i, state in enumerate(states):
        target = escalated[i] if i < len(escalated) else None
        if target:
            cluster, firm, state = target.cluster, target.firm, "resolved"
            asked = target.created - timedelta(days=rng.randint(5, 30))
        else:
            cluster = rng.choice(CLUSTERS[:1] * 3 + CLUSTERS)
            firm = world.firms[cluster.key][0] if i % 15 == 0 else rng.choice(world.firms[cluster.key])
            lo = gen.today - timedelta(days=25) if state == "open" else HISTORY_START
            asked = gen.day_between(lo, gen.today - timedelta(days=1 if state == "open" else 8))
        center = world.centers[cluster.key]
        title_tpl, problem_tpl, _kpis, skills = rng.choice(cluster.topics)
        product = rng.choice(cluster.products)
        poster = world.firm_users[firm.id][0]
        c = Challenge(kind="consultation", title=title_tpl.format(p=product).replace("攻关", "") + "，" +
                      rng.choice(QUESTION_TAILS), description=problem_tpl.format(p=product) +
                      "。目前产线正常运行但问题反复出现，希望先听听专家意见，必要时再委托攻关。",
                      company_id=firm.id, posted_by_id=poster.id,
                      center_id=center.id if asked >= active_from(center) else None,
                      fields=[cluster.cluster], skills=list(skills), region=firm.region, status=state,
                      created_at=gen.at(asked))
        c.published_at = c.created_at
        c.updated_at = c.created_at
        items.append((c, cluster, poster, target))
    session.add_all([c for c, *_ in items])
    session.flush()
    world.challenges += [c for c, *_ in items]
    company_of = {c.id: c.company_id for c, *_ in items}
    top, invitations, ratings, threads = [], [], [], []
    for c, cluster, poster, target in items:
        base = dict(organisation_id=c.company_id, challenge_id=c.id, center_id=c.center_id)
        world.log.add("consultation.asked", at=c.created_at, actor_id=poster.id, subject=("challenge", c.id), **base)
        routed = rng.sample(world.pools[cluster.key], rng.randint(3, 5))
        when = c.created_at + timedelta(minutes=5)
        for e in routed:
            invitations.append(Invitation(challenge_id=c.id, engineer_id=e.id, source="route", created_at=when,
                                          score=round(rng.uniform(0.5, 0.9), 3), status="seen"))
        world.log.add("consultation.routed", at=when, subject=("challenge", c.id), **base,
                      data={"engineers": [e.id for e in routed]})
        if c.status == "open":
            continue
        answerers = routed[: rng.randint(1, 3)] + ([rng.choice(world.engineers)] if rng.random() < 0.3 else [])
        answers = []
        for k, e in enumerate(answerers):
            at = gen.cap(c.created_at + timedelta(hours=rng.randint(2, 72) * (k + 1)))
            answers.append(Answer(challenge_id=c.id, author_id=world.eng_user[e.id].id, engineer_id=e.id,
                                  body=gen.answer(c.skills, cluster), created_at=at))
        top += answers
        threads.append((c, poster, answers, target))
    session.add_all(invitations + top)
    session.flush()
    followups = []
    for c, poster, answers, target in threads:
        for a in answers:
            world.log.add("consultation.answered", at=a.created_at, actor_id=a.author_id,
                          center_id=world.center_at(a.engineer_id, a.created_at),
                          organisation_id=c.company_id, engineer_id=a.engineer_id, challenge_id=c.id,
                          subject=("answer", a.id), data={"follow_up": False, "parent_id": None})
        if rng.random() < 0.35:
            a = answers[0]
            q = Answer(challenge_id=c.id, author_id=poster.id, parent_id=a.id, body=rng.choice(v.FOLLOWUPS_FIRM),
                       created_at=gen.cap(a.created_at + timedelta(hours=5)))
            followups.append((q, a, c))
        last = max(a.created_at for a in answers)
        c.updated_at = last
        if c.status in ("resolved", "closed"):
            c.closed_at = gen.cap(last + timedelta(days=rng.randint(1, 6)))
        if c.status == "resolved":
            best = rng.choice(answers)
            best.is_best = True
            world.log.add("consultation.best_answer", at=c.closed_at, actor_id=poster.id,
                          center_id=world.center_at(best.engineer_id, c.closed_at),
                          organisation_id=c.company_id, engineer_id=best.engineer_id, challenge_id=c.id,
                          subject=("answer", best.id))
            ratings.append((Rating(challenge_id=c.id, rater_id=poster.id, direction="firm_to_engineer",
                                   engineer_id=best.engineer_id, organisation_id=c.company_id,
                                   overall=rng.choice([4, 5, 5]), comment="答复专业，解决了实际问题。",
                                   created_at=c.closed_at), c))
        if target:
            target.challenge.escalated_from_id = c.id
            lead = best.engineer_id
            world.log.add("consultation.escalated", at=target.challenge.created_at, actor_id=poster.id,
                          center_id=world.center_at(lead, target.challenge.created_at), engineer_id=lead,
                          organisation_id=c.company_id, challenge_id=c.id, subject=("challenge", target.challenge.id),
                          data={"challenge_id": target.challenge.id, "engineers": [a.engineer_id for a in answers]})
    session.add_all([q for q, _, _ in followups] + [r for r, _ in ratings])
    session.flush()
    replies = []
    for q, a, c in followups:
        world.log.add("consultation.answered", at=q.created_at, actor_id=q.author_id,
                      organisation_id=c.company_id, challenge_id=c.id, subject=("answer", q.id),
                      data={"follow_up": True, "parent_id": a.id})
        replies.append(Answer(challenge_id=q.challenge_id, author_id=a.author_id, engineer_id=a.engineer_id,
                              parent_id=q.id, body=rng.choice(v.FOLLOWUPS_ENGINEER),
                              created_at=gen.cap(q.created_at + timedelta(hours=3))))
    session.add_all(replies)
    session.flush()
    for r in replies:
        world.log.add("consultation.answered", at=r.created_at, actor_id=r.author_id,
                      center_id=world.center_at(r.engineer_id, r.created_at),
                      organisation_id=company_of[r.challenge_id], engineer_id=r.engineer_id, challenge_id=r.challenge_id,
                      subject=("answer", r.id), data={"follow_up": False, "parent_id": r.parent_id})
    for r, c in ratings:
        world.log.add("rating.created", at=r.created_at, actor_id=r.rater_id, center_id=c.center_id,
                      organisation_id=c.company_id, engineer_id=r.engineer_id, challenge_id=c.id,
                      subject=("rating", r.id), data={"direction": r.direction, "overall": r.overall})
