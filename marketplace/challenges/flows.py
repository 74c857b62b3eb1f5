"""What follows a challenge or bid action: the service does it, then whoever its events concern is told.

Routes, pages and commands call these instead of the bare services; the events the services record
reach the inbox through `notify_appended`, here and nowhere else.
"""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from accounts.models import User
from marketplace.challenges import bids
from marketplace.challenges import service as challenges
from marketplace.challenges.models import Bid, Challenge, NdaAcceptance
from marketplace.challenges.schemas import BidCreate, ChallengeCreate, ChallengeUpdate
from marketplace.execution.models import Collaboration
from marketplace.inbox.service import notify_appended


def create_flow(session: Session, *, data: ChallengeCreate, by: User) -> Challenge:
    """Post a challenge (published at once when asked): the firm's colleagues and the entrusted center are told."""
    challenge = challenges.create_challenge(session, data=data, by=by)
    notify_appended(session)
    return challenge


def update_flow(session: Session, *, challenge: Challenge, data: ChallengeUpdate, by: User) -> Challenge:
    challenges.update_challenge(session, challenge=challenge, data=data, by=by)
    notify_appended(session)
    return challenge


def publish_flow(session: Session, *, challenge: Challenge, by: User) -> Challenge:
    challenges.publish(session, challenge=challenge, by=by)
    notify_appended(session)
    return challenge


def cancel_flow(session: Session, *, challenge: Challenge, by: User, reason: str | None = None) -> Challenge:
    """撤榜: the bidders whose bids it ends are told, with the reason."""
    challenges.cancel(session, challenge=challenge, by=by, reason=reason)
    notify_appended(session)
    return challenge


def transition_flow(session: Session, *, challenge: Challenge, to: str, by: User, reason: str | None = None) -> Challenge:
    challenges.change_status(session, challenge=challenge, to=to, by=by, reason=reason)
    notify_appended(session)
    return challenge


def nda_flow(session: Session, *, challenge: Challenge, by: User) -> NdaAcceptance:
    """The engineer signs the NDA of an invite-only challenge: the firm is told."""
    acceptance = challenges.accept_nda(session, challenge=challenge, by=by)
    notify_appended(session)
    return acceptance


def bid_flow(session: Session, *, challenge: Challenge, data: BidCreate, by: User) -> Bid:
    """揭榜: the firm and the center are told of the new bid."""
    bid = bids.submit_bid(session, challenge=challenge, data=data, by=by)
    notify_appended(session)
    return bid


def withdraw_flow(session: Session, *, bid: Bid, challenge: Challenge, by: User) -> Bid:
    bids.withdraw_bid(session, bid=bid, challenge=challenge, by=by)
    notify_appended(session)
    return bid


def shortlist_flow(session: Session, *, challenge: Challenge, chosen: list[Bid], by: User) -> list[Bid]:
    """赛马制: each engineer whose bid made the shortlist is told."""
    shortlisted = bids.shortlist(session, challenge=challenge, bids=chosen, by=by)
    notify_appended(session)
    return shortlisted


def award_flow(session: Session, *, challenge: Challenge, bid: Bid, by: User, **terms: str | None) -> Collaboration:
    """定榜 with one bid (`terms`: contract_kind, service_type, reason, note as bids.award takes them):
    the winner is told the work starts, every other bidder is told why not."""
    collaboration = bids.award(session, challenge=challenge, bid=bid, by=by, **terms)
    notify_appended(session)
    return collaboration


def award_split_flow(session: Session, *, challenge: Challenge, parts: list[tuple[Bid, Decimal | None]], by: User,
                     **terms: str | None) -> Collaboration:
    """分包协作: several bids at once, each with its share; told as award_flow."""
    collaboration = bids.award_split(session, challenge=challenge, parts=parts, by=by, **terms)
    notify_appended(session)
    return collaboration


def reject_flow(session: Session, *, bid: Bid, challenge: Challenge, by: User, reason: str | None) -> Bid:
    """The engineer is told the bid was not chosen, and why."""
    bids.reject_bid(session, bid=bid, challenge=challenge, by=by, reason=reason)
    notify_appended(session)
    return bid
