"""Notifications for the demo users, derived from the events that concern them."""

from __future__ import annotations

from sqlmodel import Session, select

from core.eventlog import EVENT_KINDS, Event
from marketplace.inbox.models import Notification
from seed.accounts import DEMO_CENTER_KEY
from seed.people import World

PER_USER = 24
WATCH = {
    "sme": {"bid.created", "collaboration.delivered", "milestone.submitted", "consultation.answered",
            "consultation.routed"},
    "engineer": {"invitation.sent", "bid.awarded", "bid.rejected", "milestone.accepted", "payment.recorded",
                 "rating.created", "consultation.best_answer", "collaboration.rejected"},
    "center": {"pool.joined", "booking.created", "challenge.published", "collaboration.disputed"},
    "city": {"challenge.published", "training.held", "project.recorded"},
}


def build_notifications(session: Session, world: World) -> None:
    wanted_kinds = set().union(*WATCH.values())
    events = session.exec(select(Event).where(Event.kind.in_(wanted_kinds)).order_by(Event.at, Event.id)).all()
    demo_firm = world.firms[DEMO_CENTER_KEY][0].id
    demo_engineer = world.demo["engineer"].engineer_id
    city_centers = {c.id for c in world.centers.values() if c.city == world.demo["city"].region}
    center_id = world.centers[DEMO_CENTER_KEY].id
    concerns = {
        "sme": lambda e: e.organisation_id == demo_firm,
        "engineer": lambda e: e.engineer_id == demo_engineer,
        "center": lambda e: e.center_id == center_id,
        "city": lambda e: e.center_id in city_centers,
    }
    titles = {c.id: c.title for c in world.challenges}
    links = {c.id: f"/{'consultations' if c.kind == 'consultation' else 'challenges'}/{c.id}" for c in world.challenges}
    rows = []
    for role, wanted in WATCH.items():
        mine = [e for e in events if e.kind in wanted and concerns[role](e)][-PER_USER:]
        for k, e in enumerate(mine):
            subject = titles.get(e.challenge_id, "")
            rows.append(Notification(
                user_id=world.demo[role].id, kind=e.kind, title=f"{EVENT_KINDS[e.kind]}：{subject}" if subject
                else EVENT_KINDS[e.kind], body=_body(e), link=links.get(e.challenge_id),
                event_id=e.id, created_at=e.at, read_at=e.at if k < len(mine) - 6 else None))
    expert = world.demo["expert"]
    for center in world.centers.values():
        if center.external_id in ("XC-CSGJ", "XC-ZZGD"):
            rows.append(Notification(user_id=expert.id, kind="review.assigned",
                                     title=f"待评分：{center.name}2026年度评估",
                                     body="请对“运营团队与管理”“工程师薪资机制”等需专家判断的指标打分。",
                                     created_at=world.gen.now))
    session.add_all(rows)
    session.flush()


def _body(event: Event) -> str | None:
    data = event.data or {}
    if "price" in data:
        return f"报价{float(data['price']) / 10000:.1f}万元"
    if "amount" in data and data["amount"] not in (None, "None"):
        return f"金额{float(data['amount']) / 10000:.1f}万元"
    if "reason" in data:
        return str(data["reason"])
    return None
