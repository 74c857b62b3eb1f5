"""What the hall, challenge, bid comparison and engineer pages show: plain context dicts."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlencode

from sqlmodel import Session, col, select

from accounts import policy
from accounts.models import Organisation, User
from core.clock import today
from marketplace.challenges import forms as page_forms
from marketplace.challenges import lifecycle, search
from marketplace.challenges.models import Bid, BidMember, BidStatus, Challenge, Scheme, Visibility
from marketplace.challenges.visibility import details_allowed, hidden_ids
from marketplace.execution.models import Collaboration, ContractKind, ServiceType
from marketplace.execution.reputation import engineer_reputations
from marketplace.ranker import RankEngineers
from talent.models import Center, Engineer, PoolMembership

log = logging.getLogger(__name__)
MATCH_SCORE_TOP = 100  # bids from engineers ranked lower show no match score


def base_query(params: Mapping[str, str]) -> str:
    """The current filters as a query string prefix, for the pager's links."""
    kept = {k: v for k, v in params.items() if k != "page" and v}
    return urlencode(kept) + ("&" if kept else "")


# ---------------------------------------------------------------- the hall and a challenge

def hall(session: Session, *, query, params: Mapping[str, str], user: User | None) -> dict:
    """The hall for this user: invite-only challenges they may not read show neither budget nor description."""
    page = search.search_challenges(session, query, viewer=user)
    return {
        "query": query, "page": page, "hidden": hidden_ids(session, page.items, user),
        "raw": {k: params.get(k, "") for k in ("budget_min", "budget_max", "deadline_from", "deadline_to")},
        "base_query": base_query(params), "statuses": search.HALL_STATUSES, "regions": search.HUNAN_CITIES,
        "field_options": search.hall_field_options(session),
    }


def my_bid(session: Session, challenge: Challenge, user: User | None) -> Bid | None:
    if user is None or user.engineer_id is None:
        return None
    return session.exec(select(Bid).where(Bid.challenge_id == challenge.id, Bid.engineer_id == user.engineer_id,
                                          Bid.status != BidStatus.withdrawn)).first()


def collaboration_for(session: Session, challenge: Challenge) -> Collaboration | None:
    return session.exec(select(Collaboration).where(Collaboration.challenge_id == challenge.id)
                        .order_by(col(Collaboration.id).desc())).first()


def detail(session: Session, *, user: User | None, challenge: Challenge, bid: Bid | None,
           bid_form: page_forms.FormResult | None = None) -> dict:
    """The challenge page: what this user may see and do, with their own bid or the bid form."""
    details_visible = details_allowed(session, challenge, user)
    actions: list[tuple[str, str]] = []
    if policy.can_see_bids(user, challenge):
        actions.append((f"/challenges/{challenge.id}/bids", "查看与比较揭榜申请"))
    collaboration = collaboration_for(session, challenge)
    if collaboration is not None and (policy.owns_challenge(user, challenge) or policy.is_lead(user, collaboration)
                                      or policy.is_admin(user) or policy.hosts_challenge(user, challenge)):
        actions.append((f"/collaborations/{collaboration.id}", "进入协作空间"))
    shown_status = lifecycle.status_on(session, challenge, today())
    can_bid_now = (policy.can_bid(user) and details_visible and challenge.kind == "challenge"
                   and shown_status == "open")
    recommended = f"/challenges/{challenge.id}/recommended"
    show_recommended = policy.can_edit_challenge(user, challenge) or policy.is_government(user)
    return {
        "challenge": challenge,
        "shown_status": shown_status,
        "can_cancel": policy.can_edit_challenge(user, challenge) and challenge.status in ("draft", "open",
                                                                                           "bidding_closed"),
        "company": session.get(Organisation, challenge.company_id),
        "center": session.get(Center, challenge.center_id) if challenge.center_id else None,
        "details_visible": details_visible,
        "nda_form": policy.can_bid(user) and challenge.visibility == "invite" and not details_visible,
        "actions": actions,
        "can_publish": challenge.status == "draft" and policy.can_edit_challenge(user, challenge),
        "my_bid": bid,
        "bid_form": (bid_form or page_forms.FormResult()) if can_bid_now and bid is None else None,
        "bid_closed_note": _bid_note(user, challenge),
        "recommended_url": recommended if show_recommended else None,
    }


def _bid_note(user: User | None, challenge: Challenge) -> str | None:
    if challenge.kind != "challenge" or policy.can_edit_challenge(user, challenge):
        return None
    if challenge.status != "open":
        return "本榜单已不再接受揭榜申请。"
    if user is None:
        return "共享工程师登录后可提交揭榜申请。"
    return None


def challenge_form(session: Session, form: page_forms.FormResult) -> dict:
    return {
        "form": form,
        "regions": [("", "请选择")] + [(c, c) for c in search.HUNAN_CITIES],
        "schemes": list(Scheme.labels().items()),
        "visibilities": list(Visibility.labels().items()),
        "centers": [("", "不委托")] + [(str(c.id), c.name) for c in search.center_options(session)],
    }


# ---------------------------------------------------------------- engineers

def engineer_directory(session: Session, *, q: str, skill: str, center_id: int | None, page_no: int,
                       params: Mapping[str, str]) -> dict:
    page = search.search_engineers(session, q=q, center_id=center_id, skill=skill, page=page_no)
    return {"page": page, "q": q, "skill": skill, "center_id": center_id, "centers": search.center_options(session),
            "base_query": base_query(params)}


def engineer_profile(session: Session, *, user: User | None, engineer: Engineer) -> dict:
    pools = session.exec(select(Center, PoolMembership).join(PoolMembership, PoolMembership.center_id == Center.id)
                         .where(PoolMembership.engineer_id == engineer.id, PoolMembership.status == "active")).all()
    employer = session.get(Organisation, engineer.employer_id) if engineer.employer_id else None
    private = policy.can_see_engineer_private(user, engineer, {c.id for c, _ in pools})
    return {
        "engineer": engineer, "pools": pools, "employer": employer, "private": private,
        "rep": engineer_reputations(session, engineers=[engineer])[engineer.id],  # type: ignore[index]
        "is_me": policy.is_role(user, "engineer") and user.engineer_id == engineer.id,
    }


# ---------------------------------------------------------------- the firm compares bids

def bid_rows(session: Session, challenge: Challenge, rank: RankEngineers | None) -> list[dict]:
    """Every live bid with its engineer, team, reputation and match score, side by side.

    A constant number of queries however many bids: the teams of all bids in one,
    the reputations of all their engineers in two.
    """
    bids = session.exec(select(Bid, Engineer).join(Engineer, Engineer.id == Bid.engineer_id)
                        .where(Bid.challenge_id == challenge.id, Bid.status != BidStatus.withdrawn)
                        .order_by(col(Bid.created_at))).all()
    teams: dict[int, list[Engineer]] = {bid.id: [] for bid, _ in bids}  # type: ignore[misc]
    leads = {bid.id: engineer.id for bid, engineer in bids}
    for bid_id, member in session.exec(select(BidMember.bid_id, Engineer)
                                       .join(Engineer, Engineer.id == BidMember.engineer_id)
                                       .where(col(BidMember.bid_id).in_(list(teams)))
                                       .order_by(col(Engineer.id))).all() if teams else []:
        if member.id != leads[bid_id]:
            teams[bid_id].append(member)
    reputations = engineer_reputations(session, engineers=[engineer for _, engineer in bids])
    scores = match_scores(session, challenge, rank)
    return [{"bid": bid, "engineer": engineer, "team": teams[bid.id], "rep": reputations[engineer.id],  # type: ignore[index]
             "score": scores.get(engineer.id)} for bid, engineer in bids]  # type: ignore[arg-type]


def match_scores(session: Session, challenge: Challenge, rank: RankEngineers | None) -> dict[int, float]:
    """The matcher's score per engineer, when the app has a matcher."""
    if rank is None:
        return {}
    try:
        ranked = rank(session, challenge=challenge, top=MATCH_SCORE_TOP)
    except Exception:  # noqa: BLE001 - a matcher failure must not take the comparison page down
        log.exception("matching failed for challenge %s", challenge.id)
        return {}
    return {engineer_id: float(score) for engineer_id, score, _ in ranked}


def bids(session: Session, *, user: User, challenge: Challenge, rank: RankEngineers | None, **extra) -> dict:
    return {
        "challenge": challenge, "rows": bid_rows(session, challenge, rank),
        "can_decide": policy.can_manage_bids(user, challenge) and challenge.status in ("open", "bidding_closed"),
        "contract_kinds": [k.value for k in ContractKind], "service_types": [t.value for t in ServiceType],
        "collab": collaboration_for(session, challenge), "flash": None, "error": None, **extra,
    }
