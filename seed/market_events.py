"""The log of a challenge up to the award: creation, publication, bids, shortlist, closing of bids, the end.

(From the award on, seed/execution.py writes the collaboration's events.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from accounts.models import Organisation, User
from marketplace.challenges.models import Bid, Challenge
from seed.people import World
from seed.vocab_clusters import Cluster


@dataclass
class Plan:
    challenge: Challenge
    cluster: Cluster
    firm: Organisation
    poster: User
    state: str
    created: date
    published: date | None = None
    deadline: date | None = None
    awarded: date | None = None
    started: date | None = None
    delivered: date | None = None
    accepted: date | None = None
    closed: date | None = None
    ended: date | None = None  # cancelled / expired
    bids: list[Bid] | None = None
    winner: Bid | None = None
    demo_lead: bool = False
    shortlist: list[Bid] = field(default_factory=list)  # contest bids shortlisted before the award


AFTER_AWARD = ["awarded", "in_progress", "delivered", "accepted", "closed"]


def center_for(world: World, c: Challenge, engineer_id: int | None = None, at=None) -> int | None:
    """The hosting center, else the engineer's home center (if a member by then)."""
    if c.center_id:
        return c.center_id
    return world.center_at(engineer_id, at or c.created_at) if engineer_id else None


def challenge_events(world: World, plan: Plan) -> None:
    gen = world.gen
    log = world.log
    c = plan.challenge
    base = dict(organisation_id=c.company_id, challenge_id=c.id, center_id=c.center_id)
    log.add("challenge.created", at=c.created_at, actor_id=plan.poster.id, subject=("challenge", c.id), **base,
            data={"title": c.title})
    if c.published_at:
        log.add("challenge.published", at=c.published_at, actor_id=plan.poster.id, subject=("challenge", c.id),
                **base, data={"from": "draft", "to": "open", "budget": str(c.budget),
                              "deadline": c.deadline.isoformat()})
        if gen.rng.random() < 0.15:
            log.add("challenge.updated", at=gen.cap(c.published_at + timedelta(days=2)), actor_id=plan.poster.id,
                    subject=("challenge", c.id), **base, data={"fields": ["deadline"]})
    for bid in plan.bids or []:
        user = world.eng_user[bid.engineer_id]
        ctx = dict(base, center_id=center_for(world, c, bid.engineer_id, bid.created_at), engineer_id=bid.engineer_id)
        log.add("bid.created", at=bid.created_at, actor_id=user.id, subject=("bid", bid.id), **ctx,
                data={"price": str(bid.price), "team": [e.id for e in world.teams.get(bid.id, [])]})
        if bid.status == "shortlisted" or any(bid is b for b in plan.shortlist):
            log.add("bid.shortlisted", at=gen.cap(gen.at(plan.deadline + timedelta(days=1), 12, 18)),
                    actor_id=plan.poster.id, subject=("bid", bid.id), **ctx)
        if bid.status == "withdrawn":
            log.add("bid.withdrawn", at=gen.cap(bid.created_at + timedelta(days=2)), actor_id=user.id,
                    subject=("bid", bid.id), **ctx)
    active_bids = [b for b in plan.bids or [] if b.status != "withdrawn"]
    if plan.state in ["bidding_closed"] + AFTER_AWARD:
        log.add("challenge.bidding_closed", at=gen.at(plan.deadline + timedelta(days=1), 0, 1), **base,
                subject=("challenge", c.id), data={"from": "open", "to": "bidding_closed", "bids": len(active_bids)})
    for bid in plan.bids or []:
        if bid.status == "rejected":
            log.add("bid.rejected", at=bid.decided_at, actor_id=plan.poster.id, subject=("bid", bid.id),
                    **dict(base, center_id=center_for(world, c, bid.engineer_id, bid.decided_at),
                           engineer_id=bid.engineer_id),
                    data={"reason": bid.reason})
    if plan.state == "cancelled":
        log.add("challenge.cancelled", at=c.closed_at, actor_id=plan.poster.id, subject=("challenge", c.id),
                **base, data={"from": "bidding_closed" if plan.bids else "open", "to": "cancelled",
                              "reason": c.status_reason})
    if plan.state == "expired":
        log.add("challenge.expired", at=c.closed_at, subject=("challenge", c.id), **base,
                data={"from": "open", "to": "expired", "auto": True})


