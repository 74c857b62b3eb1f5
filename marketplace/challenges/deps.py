"""Load-or-404 dependencies for challenges and bids: the object, if this user may know it exists.

One function per entity for the JSON API, the pages and matching. A path carries the database id
(our own links, an int) or, in the API, an external id (a str); both are accepted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from accounts import policy
from accounts.deps import OptionalUser
from core.db import SessionDep
from core.errors import NotFound
from marketplace.challenges.models import Bid, Challenge
from marketplace.challenges.service import find_challenge


def challenge_or_404(challenge_id: int | str, session: SessionDep, user: OptionalUser) -> Challenge:
    """By database id or external id; a draft exists only for its firm and hosting center."""
    challenge = find_challenge(session, challenge_id)
    if challenge is None or not policy.can_see_challenge(user, challenge):
        raise NotFound("榜单不存在或尚未发布")
    return challenge


def bid_or_404(bid_id: int, session: SessionDep, user: OptionalUser) -> Bid:
    """A bid exists for its engineer, the firm and the hosting center."""
    user = policy.require_user(user)
    bid = session.get(Bid, bid_id)
    if bid is None or not policy.can_see_bid(user, bid, session.get(Challenge, bid.challenge_id)):
        raise NotFound("揭榜申请不存在")
    return bid


ChallengeDep = Annotated[Challenge, Depends(challenge_or_404)]
BidDep = Annotated[Bid, Depends(bid_or_404)]
