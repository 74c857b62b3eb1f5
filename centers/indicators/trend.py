"""Monthly trend of the 2.3 and 4.2 figures, this year beside last year."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from centers.indicators import marketplace_figures as market
from centers.indicators.scope import build_scope
from core.clock import to_china
from marketplace.challenges.models import Bid, Challenge
from marketplace.consultations.models import Answer
from talent.models import Center

TREND_FIGURES = {
    "challenges_published": "发布榜单",
    "challenges_bid_on": "被揭榜",
    "challenges_awarded": "定榜",
    "challenges_completed": "验收完成",
    "consultations_answered": "问诊解答",
    "services_total": "创新服务",
    "contract_amount": "合同金额（万元）",
}


def _month(moment: datetime) -> int:
    return to_china(moment).month - 1


def monthly(session: Session, center: Center, year: int) -> dict[str, list[float]]:
    """Twelve monthly values per figure (amounts in 万元) for one year."""
    scope = build_scope(session, center, year)
    series = {name: [0.0] * 12 for name in TREND_FIGURES}
    for moment in session.exec(select(Challenge.published_at).where(
            Challenge.center_id == scope.center_id, Challenge.kind == "challenge",
            market.in_year(Challenge.published_at, scope))).all():
        series["challenges_published"][_month(moment)] += 1
    for _, _, first in market.first_touch(session, scope, "challenge", Bid, Bid.engineer_id):
        series["challenges_bid_on"][_month(first)] += 1
    for _, _, first in market.first_touch(session, scope, "consultation", Answer, Answer.engineer_id):
        series["consultations_answered"][_month(first)] += 1
    collabs = market.collaborations(session, scope)
    seen_started: set[int] = set()
    for row in market.started(collabs, scope):
        if row.challenge.kind == "challenge" and row.challenge.id not in seen_started:
            seen_started.add(row.challenge.id)  # type: ignore[arg-type]
            series["challenges_awarded"][_month(row.collaboration.started_at)] += 1
    seen_done: set[int] = set()
    for row in market.accepted(collabs, scope):
        month = _month(row.collaboration.accepted_at)  # type: ignore[arg-type]
        series["services_total"][month] += 1
        series["contract_amount"][month] += round(float(row.collaboration.amount or 0) / 10000, 2)
        if row.challenge.kind == "challenge" and row.challenge.id not in seen_done:
            seen_done.add(row.challenge.id)  # type: ignore[arg-type]
            series["challenges_completed"][month] += 1
    return series
