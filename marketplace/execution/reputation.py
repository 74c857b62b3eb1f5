"""市场评价: ratings both ways and an engineer's reputation with its basis."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from accounts import policy
from accounts.models import User
from core import eventlog as events
from core.clock import now
from core.errors import Conflict, Forbidden, Invalid
from marketplace.challenges import lifecycle
from marketplace.challenges.models import Challenge
from marketplace.execution.models import Collaboration, CollaborationMember, CollabStatus, Rating
from marketplace.execution.schemas import RatingIn
from marketplace.execution.service import member_ids
from talent.models import Engineer

RATEABLE = (CollabStatus.accepted, CollabStatus.closed, CollabStatus.stopped)
TREND_WINDOW = timedelta(days=183)  # "last 6 months" against everything before


def rate(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User, data: RatingIn,
         engineer: Engineer | None = None) -> Rating:
    """The firm rates an engineer of the collaboration (the lead by default); the lead rates the firm."""
    overall = data.overall_score()
    if policy.owns_challenge(by, challenge):
        target = engineer.id if engineer else collaboration.lead_engineer_id
        if engineer and engineer.id not in member_ids(session, collaboration) | _former(session, collaboration):
            raise Invalid("该工程师不是此协作的成员", field="engineer")
        direction, values = "firm_to_engineer", {"engineer_id": target, "organisation_id": challenge.company_id}
    elif policy.is_team_member(by, member_ids(session, collaboration)):
        direction, values = "engineer_to_firm", {"engineer_id": by.engineer_id, "organisation_id": challenge.company_id}
    else:
        raise Forbidden("只有协作双方可以评价")
    if overall is None:
        raise Invalid("请给出 1-5 分的总体评价", field="rating")
    if collaboration.status not in RATEABLE:
        raise Conflict("验收通过（或停工）之后才能评价")
    duplicate = session.exec(select(Rating.id).where(Rating.collaboration_id == collaboration.id,
                                                     Rating.rater_id == by.id, Rating.direction == direction,
                                                     Rating.engineer_id == values["engineer_id"])).first()
    if duplicate:
        raise Conflict("您已评价过此协作")
    rating = Rating(collaboration_id=collaboration.id, challenge_id=challenge.id, rater_id=by.id, direction=direction,
                    overall=overall, quality=data.quality, timeliness=data.timeliness,
                    communication=data.communication, comment=data.comment, **values)
    session.add(rating)
    session.flush()
    scope = lifecycle.event_scope(challenge, collaboration)
    scope["engineer_id"] = values["engineer_id"]
    events.record(session, "rating.created", actor_id=by.id, subject=("rating", rating.id),
                  data={"direction": direction, "overall": overall}, **scope)
    return rating


def _former(session: Session, collaboration: Collaboration) -> set[int]:
    return set(session.exec(select(CollaborationMember.engineer_id).where(
        CollaborationMember.collaboration_id == collaboration.id)).all())


def _avg(values: list[int | None]) -> float | None:
    nums = [v for v in values if v is not None]
    return round(sum(nums) / len(nums), 2) if nums else None


def engineer_reputation(session: Session, *, engineer: Engineer) -> dict:
    """Averages per aspect with the number of ratings, the trend and the accepted deliveries behind them."""
    return engineer_reputations(session, engineers=[engineer])[engineer.id]  # type: ignore[index]


def engineer_reputations(session: Session, *, engineers: list[Engineer]) -> dict[int, dict]:
    """engineer_reputation for many engineers in two queries, by engineer id."""
    ids = list({e.id for e in engineers})
    ratings: dict[int, list[Rating]] = {engineer_id: [] for engineer_id in ids}  # type: ignore[misc]
    for rating in session.exec(select(Rating).where(col(Rating.engineer_id).in_(ids),
                                                    Rating.direction == "firm_to_engineer")
                               .order_by(col(Rating.created_at), col(Rating.id))).all():
        ratings[rating.engineer_id].append(rating)  # type: ignore[index]
    accepted = dict(session.exec(select(Collaboration.lead_engineer_id, func.count()).where(
        col(Collaboration.lead_engineer_id).in_(ids), col(Collaboration.accepted_at).is_not(None))
        .group_by(Collaboration.lead_engineer_id)).all()) if ids else {}
    cutoff = now() - TREND_WINDOW
    return {engineer_id: _reputation(engineer_id, ratings[engineer_id], int(accepted.get(engineer_id, 0)), cutoff)
            for engineer_id in ids}


def _reputation(engineer_id: int, ratings: list[Rating], accepted: int, cutoff: datetime) -> dict:
    def recent(rating: Rating) -> bool:
        at = rating.created_at if rating.created_at.tzinfo else rating.created_at.replace(tzinfo=cutoff.tzinfo)
        return at >= cutoff

    last6 = [r.overall for r in ratings if recent(r)]
    before = [r.overall for r in ratings if not recent(r)]
    recent_avg, before_avg = _avg(last6), _avg(before)
    if recent_avg is None or before_avg is None:
        trend = None
        trend_basis = "近6个月或更早的评价不足，无法比较"
    else:
        diff = recent_avg - before_avg
        trend = "上升" if diff > 0.2 else "下降" if diff < -0.2 else "平稳"
        trend_basis = f"近6个月 {len(last6)} 条平均 {recent_avg}，此前 {len(before)} 条平均 {before_avg}"
    return {
        "engineer_id": engineer_id,
        "count": len(ratings),
        "overall": _avg([r.overall for r in ratings]),
        "quality": _avg([r.quality for r in ratings]),
        "timeliness": _avg([r.timeliness for r in ratings]),
        "communication": _avg([r.communication for r in ratings]),
        "trend": trend,
        "trend_basis": trend_basis,
        "recent_count": len(last6), "recent_average": recent_avg,
        "earlier_count": len(before), "earlier_average": before_avg,
        "accepted_deliveries": accepted,
        "recent_comments": [r.comment for r in reversed(ratings) if r.comment][:3],
        "basis": f"基于 {len(ratings)} 条企业评价、{accepted} 次验收通过的交付" if ratings or accepted
        else "暂无评价与验收记录",
    }


def ratings_of(session: Session, collaboration: Collaboration) -> list[Rating]:
    return list(session.exec(select(Rating).where(Rating.collaboration_id == collaboration.id).order_by(Rating.id)).all())
