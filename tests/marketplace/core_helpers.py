"""Shared set-up for the marketplace core tests: a firm, engineers, an open challenge."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from accounts.models import User
from core.eventlog import Event
from marketplace.challenges import bids
from marketplace.challenges.models import Bid, Challenge
from marketplace.challenges.schemas import BidCreate
from talent.models import Engineer
from tests.factories import (
    make_center,
    make_challenge,
    make_engineer,
    make_org,
    make_user,
)


@dataclass
class Market:
    firm: User
    challenge: Challenge
    engineers: list[Engineer]
    users: list[User]


def market(session: Session, *, n: int = 3, scheme: str = "single", capacity: int = 2, **challenge_kw) -> Market:
    center = make_center(session)
    org = make_org(session)
    firm = make_user(session, role="sme", organisation=org)
    challenge = make_challenge(session, company=org, center=center, **challenge_kw)
    challenge.scheme = scheme
    session.add(challenge)
    engineers = [make_engineer(session, name=f"工程师{i}", capacity=capacity) for i in range(n)]
    users = [make_user(session, role="engineer", engineer=e) for e in engineers]
    session.flush()
    return Market(firm=firm, challenge=challenge, engineers=engineers, users=users)


def bid(session: Session, m: Market, index: int, *, price: str = "100000", **kw) -> Bid:
    data = BidCreate(proposal=f"方案{index}：优化阀芯间隙并更换密封材料", price=Decimal(price), **kw)
    return bids.submit_bid(session, challenge=m.challenge, data=data, by=m.users[index])


def kinds(session: Session, challenge_id: int) -> list[str]:
    return list(session.exec(select(Event.kind).where(Event.challenge_id == challenge_id)
                             .order_by(col(Event.id))).all())
