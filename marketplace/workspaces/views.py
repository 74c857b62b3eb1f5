"""What the firm's and the engineer's workspaces show: plain context dicts."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from accounts.models import Organisation, User
from core.errors import NotFound
from marketplace.challenges import forms as page_forms
from marketplace.challenges.models import Bid, BidStatus, Challenge
from marketplace.execution.models import (
    Collaboration,
    CollaborationMember,
    Milestone,
    ShareAgreement,
    WorkLog,
)
from talent.models import Engineer

FIRM_GROUPS = [
    ("draft", "草稿", {"draft"}),
    ("open", "揭榜中", {"open", "bidding_closed", "answered"}),
    ("working", "攻关中", {"awarded", "in_progress", "delivered"}),
    ("done", "已完成", {"accepted", "closed", "resolved"}),
    ("ended", "已撤榜或过期", {"cancelled", "expired"}),
]
ACTIVE_COLLAB = ("in_progress", "delivered", "disputed")


def my_engineer(session: Session, user: User) -> Engineer:
    engineer = session.get(Engineer, user.engineer_id)
    if engineer is None:
        raise NotFound("工程师档案不存在")
    return engineer


def profile_form(engineer: Engineer) -> page_forms.FormResult:
    return page_forms.FormResult(raw={
        "name": engineer.name, "title": engineer.title or "", "region": engineer.region or "",
        "skills": "、".join(engineer.skills), "fields": "、".join(engineer.fields), "bio": engineer.bio or "",
        "capacity": str(engineer.capacity), "available": "1" if engineer.available else "",
    })


def firm_home(session: Session, organisation_id: int) -> dict:
    challenges = session.exec(select(Challenge).where(Challenge.company_id == organisation_id)
                              .order_by(col(Challenge.created_at).desc())).all()
    ids = [c.id for c in challenges]
    bid_counts = dict(session.exec(select(Bid.challenge_id, func.count()).where(col(Bid.challenge_id).in_(ids),
                                   Bid.status != BidStatus.withdrawn).group_by(Bid.challenge_id)).all()) if ids else {}
    collabs = {c.challenge_id: c for c in session.exec(select(Collaboration)
                                                        .where(col(Collaboration.challenge_id).in_(ids))).all()} if ids else {}
    groups = []
    for key, label, states in FIRM_GROUPS:
        items = [(c, bid_counts.get(c.id, 0), collabs.get(c.id)) for c in challenges if c.status in states]
        groups.append((key, label, items))
    pending = session.exec(
        select(Milestone, Collaboration, Challenge)
        .join(Collaboration, Collaboration.id == Milestone.collaboration_id)
        .join(Challenge, Challenge.id == Collaboration.challenge_id)
        .where(Challenge.company_id == organisation_id, Milestone.status == "submitted")
    ).all() if ids else []
    counts = {key: len(items) for key, _, items in groups}
    counts["to_review"] = len(pending) + sum(1 for c in collabs.values() if c.status == "delivered")
    return {"groups": groups, "pending_milestones": pending, "counts": counts,
            "org": session.get(Organisation, organisation_id)}


def engineer_home(session: Session, engineer: Engineer) -> dict:
    bids = session.exec(select(Bid, Challenge).join(Challenge, Challenge.id == Bid.challenge_id)
                        .where(Bid.engineer_id == engineer.id).order_by(col(Bid.created_at).desc())).all()
    mine = select(CollaborationMember.collaboration_id).where(CollaborationMember.engineer_id == engineer.id)
    collabs = session.exec(select(Collaboration, Challenge).join(Challenge, Challenge.id == Collaboration.challenge_id)
                           .where((Collaboration.lead_engineer_id == engineer.id) | col(Collaboration.id).in_(mine))
                           .order_by(col(Collaboration.started_at).desc())).all()
    rows = []
    for collab, challenge in collabs:
        milestones = session.exec(select(Milestone).where(Milestone.collaboration_id == collab.id)
                                  .order_by(Milestone.seq)).all()
        hours = session.exec(select(func.coalesce(func.sum(WorkLog.hours), 0)).where(
            WorkLog.collaboration_id == collab.id, WorkLog.engineer_id == engineer.id)).one()
        rows.append((collab, challenge, milestones, Decimal(hours)))
    shares = session.exec(select(ShareAgreement, Challenge)
                          .join(Collaboration, Collaboration.id == ShareAgreement.collaboration_id)
                          .join(Challenge, Challenge.id == Collaboration.challenge_id)
                          .where(ShareAgreement.engineer_id == engineer.id)).all()
    return {
        "engineer": engineer, "bids": bids, "collaborations": rows, "shares": shares,
        "active_count": sum(1 for c, *_ in rows if c.status in ACTIVE_COLLAB),
        "reward_total": sum((s.amount or Decimal(0) for s, _ in shares), Decimal(0)),
        "flash": None,
    }
