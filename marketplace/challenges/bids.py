"""Bids (揭榜申请): submit with a team, withdraw, shortlist, award, reject with reasons.

Capacity: an engineer's load is the active collaborations it leads or works in plus
its bids still waiting for a decision; at capacity it cannot bid. Award is a
conditional UPDATE on the challenge, so two racing awards give exactly one winner.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, or_, update
from sqlmodel import Session, col, select

from accounts import policy
from accounts.models import User
from core import eventlog as events
from core.clock import now, today
from core.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.challenges import lifecycle
from marketplace.challenges.models import (
    Bid,
    BidMember,
    BidStatus,
    Challenge,
    ChallengeKind,
    ChallengeStatus,
    Invitation,
    Scheme,
)
from marketplace.challenges.schemas import BidCreate
from marketplace.challenges.visibility import details_allowed
from marketplace.execution.models import (
    Collaboration,
    CollaborationMember,
    CollabStatus,
    ContractKind,
    ServiceType,
)
from talent.models import Engineer, PoolMembership
from talent.service import find_engineer

S = ChallengeStatus
LIVE = (BidStatus.submitted, BidStatus.shortlisted)
ACTIVE_COLLAB = (CollabStatus.in_progress, CollabStatus.delivered, CollabStatus.disputed)
DEFAULT_LOSS_REASON = "发榜方已选定其他揭榜方案，感谢参与"


def engineer_load(session: Session, engineer_id: int) -> dict:
    """What counts against capacity, with its parts."""
    led = select(Collaboration.id).where(Collaboration.lead_engineer_id == engineer_id,
                                         col(Collaboration.status).in_(ACTIVE_COLLAB))
    member = (select(Collaboration.id).join(CollaborationMember, CollaborationMember.collaboration_id == Collaboration.id)
              .where(CollaborationMember.engineer_id == engineer_id, CollaborationMember.active,
                     col(Collaboration.status).in_(ACTIVE_COLLAB)))
    collabs = session.exec(select(func.count()).select_from(led.union(member).subquery())).one()
    pending = session.exec(select(func.count()).select_from(Bid).join(Challenge, Challenge.id == Bid.challenge_id)
                           .where(Bid.engineer_id == engineer_id, col(Bid.status).in_(LIVE),
                                  col(Challenge.status).in_((S.open, S.bidding_closed)))).one()
    return {"collaborations": int(collabs), "pending_bids": int(pending), "total": int(collabs) + int(pending)}


def check_capacity(session: Session, engineer: Engineer) -> None:
    load = engineer_load(session, engineer.id)
    if load["total"] >= engineer.capacity:
        raise Conflict(
            f"您目前有 {load['collaborations']} 项进行中的协作和 {load['pending_bids']} 份待定的揭榜申请，"
            f"已达到可同时承接的上限（{engineer.capacity} 项），请完成或撤回后再揭榜")


def _lock_engineer(session: Session, engineer_id: int) -> None:
    # Taking the engineer's row for writing first serialises its concurrent bids
    # (a row lock on PostgreSQL, the write lock on SQLite) before the load is counted.
    lifecycle.race_execute(session, update(Engineer).where(Engineer.id == engineer_id).values(updated_at=now())
                           .execution_options(synchronize_session=False))


def _team(session: Session, data: BidCreate, lead_id: int) -> list[tuple[Engineer, str | None]]:
    team, seen = [], {lead_id}
    for index, member in enumerate(data.team):
        engineer = find_engineer(session, member.engineer)
        if engineer is None:
            raise Invalid(f"团队成员“{member.engineer}”不存在", field=f"team.{index}.engineer")
        if engineer.id in seen:
            raise Invalid(f"团队成员“{engineer.name}”重复", field=f"team.{index}.engineer")
        seen.add(engineer.id)
        team.append((engineer, member.role))
    return team


def submit_bid(session: Session, *, challenge: Challenge, data: BidCreate, by: User) -> Bid:
    """An engineer bids (揭榜) with proposal, price, schedule and team."""
    if not policy.can_bid(by):
        raise Forbidden("只有共享工程师可以揭榜")
    if challenge.kind != ChallengeKind.challenge:
        raise Conflict("在线问诊请直接解答，不接受揭榜申请")

    if challenge.visibility == "invite" and not details_allowed(session, challenge, by):
        raise Forbidden("定向榜单需先签署保密协议才能揭榜")
    lifecycle.settle_deadline(session, challenge=challenge, today=today())
    if challenge.status != S.open:
        raise Conflict(f"榜单当前为“{lifecycle.label(challenge.status)}”，不接受揭榜申请")
    if challenge.scheme == Scheme.split and not data.part:
        raise Invalid("分包协作的榜单请写明承担的部分", field="part")
    engineer = session.get(Engineer, by.engineer_id)
    team = _team(session, data, engineer.id)
    check_capacity(session, engineer)  # optimistic, read-only: most refusals need no lock
    _lock_engineer(session, engineer.id)
    if session.exec(select(Bid.id).where(Bid.challenge_id == challenge.id, Bid.engineer_id == engineer.id,
                                         Bid.status != BidStatus.withdrawn)).first():
        raise Conflict("您已揭榜此榜单，可撤回后重新提交")
    if not engineer.available:
        raise Conflict("您已将状态设为暂不接单，请先在个人资料中开启")
    check_capacity(session, engineer)
    bid = Bid(challenge_id=challenge.id, engineer_id=engineer.id, **data.model_dump(exclude={"team"}))
    session.add(bid)
    session.flush()
    for member, role in team:
        session.add(BidMember(bid_id=bid.id, engineer_id=member.id, role=role))
    session.execute(update(Invitation).where(Invitation.challenge_id == challenge.id,
                                             Invitation.engineer_id == engineer.id).values(status="bid"))
    events.record(session, "bid.created", actor_id=by.id, engineer_id=engineer.id, challenge_id=challenge.id,
                  organisation_id=challenge.company_id, center_id=challenge.center_id, subject=("bid", bid.id),
                  data={"price": str(bid.price) if bid.price is not None else None, "team": [m.id for m, _ in team]})
    return bid


def _decide(session: Session, bid: Bid, *, to: str, sources: tuple[str, ...], reason: str | None = None) -> None:
    result = lifecycle.race_execute(session, update(Bid).where(Bid.id == bid.id, col(Bid.status).in_(sources))
                             .values(status=to, reason=reason, decided_at=now())
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.refresh(bid)
        raise Conflict(f"该揭榜申请当前为“{BidStatus.label_of(bid.status)}”，操作未执行")
    bid.status, bid.reason, bid.decided_at = to, reason, now()


def withdraw_bid(session: Session, *, bid: Bid, challenge: Challenge, by: User) -> Bid:
    if not policy.can_withdraw_bid(by, bid):
        raise Forbidden("只能撤回自己的揭榜申请")
    if bid.status not in LIVE or challenge.status not in (S.open, S.bidding_closed):
        raise Conflict("定榜之后不能撤回揭榜申请")
    _decide(session, bid, to=BidStatus.withdrawn, sources=LIVE)
    events.record(session, "bid.withdrawn", actor_id=by.id, engineer_id=bid.engineer_id, challenge_id=challenge.id,
                  organisation_id=challenge.company_id, center_id=challenge.center_id, subject=("bid", bid.id))
    return bid


def shortlist(session: Session, *, challenge: Challenge, bids: list[Bid], by: User) -> list[Bid]:
    """赛马: several bidders build a proof in parallel before one wins."""
    policy.require(policy.can_manage_bids(by, challenge), "只有发榜企业可以设定入围")
    if challenge.scheme != Scheme.contest:
        raise Conflict("只有赛马制榜单可以设定入围方案")
    if challenge.status not in (S.open, S.bidding_closed):
        raise Conflict(f"榜单当前为“{lifecycle.label(challenge.status)}”，不能设定入围")
    for bid in bids:
        if bid.challenge_id != challenge.id:
            raise Invalid("揭榜申请不属于该榜单", field="bid_ids")
        _decide(session, bid, to=BidStatus.shortlisted, sources=(BidStatus.submitted,))
        events.record(session, "bid.shortlisted", actor_id=by.id, engineer_id=bid.engineer_id,
                      challenge_id=challenge.id, organisation_id=challenge.company_id, center_id=challenge.center_id,
                      subject=("bid", bid.id))
    return bids


def reject_bid(session: Session, *, bid: Bid, challenge: Challenge, by: User, reason: str | None) -> Bid:
    """The firm turns one bid down with a reason."""
    policy.require(policy.can_manage_bids(by, challenge), "只有发榜企业可以处理揭榜申请")
    if bid.challenge_id != challenge.id:
        raise NotFound("揭榜申请不属于该榜单")
    return _reject(session, bid=bid, challenge=challenge, by=by, reason=reason)


def _reject(session: Session, *, bid: Bid, challenge: Challenge, by: User, reason: str | None) -> Bid:
    _decide(session, bid, to=BidStatus.rejected, sources=LIVE, reason=reason or DEFAULT_LOSS_REASON)
    events.record(session, "bid.rejected", actor_id=by.id, engineer_id=bid.engineer_id,
                  challenge_id=challenge.id, organisation_id=challenge.company_id, center_id=challenge.center_id,
                  subject=("bid", bid.id), data={"reason": bid.reason})
    return bid


def reject_live_bids(session: Session, *, challenge: Challenge, by: User, reason: str | None) -> list[Bid]:
    """Every bid still waiting gets a decision and a reason (losers are never left hanging).
    Part of an award or a cancellation whose caller has already asked the policy."""
    live = session.exec(select(Bid).where(Bid.challenge_id == challenge.id, col(Bid.status).in_(LIVE))
                        .order_by(Bid.id)).all()
    return [_reject(session, bid=bid, challenge=challenge, by=by, reason=reason) for bid in live]


def pool_center_id(session: Session, engineer_id: int) -> int | None:
    """The engineer's active pool center (the earliest joined, when several)."""
    return session.exec(select(PoolMembership.center_id).where(PoolMembership.engineer_id == engineer_id,
                                                               PoolMembership.status == "active")
                        .order_by(PoolMembership.id)).first()


def award(session: Session, *, challenge: Challenge, bid: Bid, by: User, contract_kind: str = ContractKind.development,
          service_type: str = ServiceType.rnd, reason: str | None = None, note: str | None = None) -> Collaboration:
    """定榜: one winning bid (single or contest) → the collaboration; the others get the reason."""
    if challenge.scheme == Scheme.split:
        raise Conflict("分包协作榜单请一次选定各部分的揭榜方及分成比例")
    return award_split(session, challenge=challenge, parts=[(bid, None)], by=by, contract_kind=contract_kind,
                       service_type=service_type, reason=reason, note=note)


def award_split(session: Session, *, challenge: Challenge, parts: list[tuple[Bid, Decimal | None]], by: User,
                contract_kind: str = ContractKind.development, service_type: str = ServiceType.rnd,
                reason: str | None = None, note: str | None = None) -> Collaboration:
    """Award one or more bids (split: each with its share); the first bid's engineer leads."""
    if not policy.can_manage_bids(by, challenge):
        raise Forbidden("只有发榜企业可以定榜")
    if not parts:
        raise Invalid("请至少选择一份揭榜申请", field="parts")
    if len({bid.id for bid, _ in parts}) != len(parts):
        raise Invalid("同一份揭榜申请不能重复选择", field="parts")
    if len(parts) > 1 and challenge.scheme != Scheme.split:
        raise Conflict(f"{Scheme.label_of(challenge.scheme)}榜单只能选定一份揭榜申请，分包协作榜单才能分别定榜")
    shares = [share for _, share in parts if share is not None]
    if shares and sum(shares) > 100:
        raise Invalid(f"分成比例合计 {sum(shares)}% 超过 100%", field="parts")
    for bid, _ in parts:
        if bid.challenge_id != challenge.id:
            raise NotFound("揭榜申请不属于该榜单")
        if bid.status not in LIVE:
            raise Conflict(f"该揭榜申请已{'撤回' if bid.status == BidStatus.withdrawn else '处理'}，不能定榜")
        if challenge.scheme == Scheme.contest and bid.status != BidStatus.shortlisted and _has_shortlist(session, challenge):
            raise Conflict("赛马制榜单只能从入围方案中定榜")
    lead_bid = parts[0][0]
    session.refresh(challenge)  # a fresh read lets the losers of a race stop before queueing for the write lock
    lifecycle.settle_deadline(session, challenge=challenge, today=today())
    lifecycle.check_move(challenge.status, S.awarded)
    collaboration = Collaboration(
        challenge_id=challenge.id, bid_id=lead_bid.id, lead_engineer_id=lead_bid.engineer_id,
        center_id=pool_center_id(session, lead_bid.engineer_id) or challenge.center_id, status=CollabStatus.in_progress,
        contract_kind=ContractKind(contract_kind).value, service_type=ServiceType(service_type).value,
        amount=sum((bid.price or Decimal(0) for bid, _ in parts), Decimal(0)) if any(b.price for b, _ in parts) else challenge.budget,
        note=note, started_at=now(),
    )
    # the race is decided here: only one request moves the challenge to awarded
    previous = challenge.status
    lifecycle.transition(session, challenge=challenge, to=S.awarded, actor_id=by.id, record=False)
    session.add(collaboration)
    session.flush()
    lifecycle.record_change(session, challenge=challenge, previous=previous, actor_id=by.id,
                            collaboration=collaboration,
                            data={"bids": [bid.id for bid, _ in parts], "amount": str(collaboration.amount or ""),
                                  "contract_kind": collaboration.contract_kind,
                                  "service_type": collaboration.service_type})
    members: dict[int, CollaborationMember] = {}
    for bid, share in parts:
        _decide(session, bid, to=BidStatus.awarded, sources=LIVE)
        role = "lead" if bid is lead_bid else "member"
        members.setdefault(bid.engineer_id, CollaborationMember(collaboration_id=collaboration.id,
                                                                engineer_id=bid.engineer_id, role=role,
                                                                share_pct=share))
        for team_member in session.exec(select(BidMember).where(BidMember.bid_id == bid.id)).all():
            members.setdefault(team_member.engineer_id, CollaborationMember(
                collaboration_id=collaboration.id, engineer_id=team_member.engineer_id, role="member"))
    session.add_all(members.values())
    session.flush()
    reject_live_bids(session, challenge=challenge, by=by, reason=reason)
    return collaboration


def _has_shortlist(session: Session, challenge: Challenge) -> bool:
    return session.exec(select(Bid.id).where(Bid.challenge_id == challenge.id,
                                             Bid.status == BidStatus.shortlisted)).first() is not None


def challenge_of(session: Session, bid: Bid) -> Challenge:
    challenge = session.get(Challenge, bid.challenge_id)
    assert challenge is not None
    return challenge


def bids_of(session: Session, challenge: Challenge) -> list[Bid]:
    return list(session.exec(select(Bid).where(Bid.challenge_id == challenge.id).order_by(Bid.id)).all())


def bids_visible_to(session: Session, challenge: Challenge, user: User) -> list[Bid]:
    """The firm and hosting center see all bids; an engineer sees its own."""
    if policy.can_see_bids(user, challenge):
        return bids_of(session, challenge)
    return list(session.exec(select(Bid).where(Bid.challenge_id == challenge.id,
                                               or_(Bid.engineer_id == user.engineer_id)).order_by(Bid.id)).all())


def bids_by_ids(session: Session, *, challenge: Challenge, bid_ids: list[int]) -> list[Bid]:
    """The bids of this challenge, in the order asked; an unknown id is a 404."""
    chosen = []
    for bid_id in bid_ids:
        bid = session.get(Bid, bid_id)
        if bid is None or bid.challenge_id != challenge.id:
            raise NotFound(f"揭榜申请 {bid_id} 不属于该榜单")
        chosen.append(bid)
    return chosen
