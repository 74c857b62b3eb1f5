"""Load-or-404 dependencies for the marketplace API: the object, if this user may know it exists."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import User
from core.db import SessionDep
from core.errors import NotFound
from marketplace.challenges.models import Bid, Challenge
from marketplace.execution import service as execution
from marketplace.execution.models import Collaboration, Deliverable, Milestone
from marketplace.service import find_challenge


def challenge_or_404(challenge_id: str, session: SessionDep, user: CurrentUser) -> Challenge:
    """By database id or external id; a draft exists only for its firm and hosting center."""
    challenge = find_challenge(session, challenge_id)
    if challenge is None or not policy.can_see_challenge(user, challenge):
        raise NotFound("榜单不存在或尚未发布")
    return challenge


def bid_or_404(bid_id: int, session: SessionDep, user: CurrentUser) -> Bid:
    bid = session.get(Bid, bid_id)
    if bid is None or not policy.can_see_bid(user, bid, session.get(Challenge, bid.challenge_id)):
        raise NotFound("揭榜申请不存在")
    return bid


def _visible_collaboration(session: Session, collaboration: Collaboration | None, user: User) -> Collaboration:
    if collaboration is None:
        raise NotFound("协作不存在")
    challenge = session.get(Challenge, collaboration.challenge_id)
    former = {m.engineer_id for m in execution.members(session, collaboration)}  # former leads keep read access
    if not policy.can_see_collaboration(user, collaboration, challenge, former):
        raise NotFound("协作不存在")
    return collaboration


def collaboration_or_404(collaboration_id: int, session: SessionDep, user: CurrentUser) -> Collaboration:
    return _visible_collaboration(session, session.get(Collaboration, collaboration_id), user)


def milestone_or_404(milestone_id: int, session: SessionDep, user: CurrentUser) -> Milestone:
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound("里程碑不存在")
    _visible_collaboration(session, session.get(Collaboration, milestone.collaboration_id), user)
    return milestone


def deliverable_or_404(deliverable_id: int, session: SessionDep, user: CurrentUser) -> Deliverable:
    deliverable = session.get(Deliverable, deliverable_id)
    if deliverable is None:
        raise NotFound("交付物不存在")
    _visible_collaboration(session, session.get(Collaboration, deliverable.collaboration_id), user)
    return deliverable


ChallengeDep = Annotated[Challenge, Depends(challenge_or_404)]
BidDep = Annotated[Bid, Depends(bid_or_404)]
CollaborationDep = Annotated[Collaboration, Depends(collaboration_or_404)]
MilestoneDep = Annotated[Milestone, Depends(milestone_or_404)]
DeliverableDep = Annotated[Deliverable, Depends(deliverable_or_404)]
