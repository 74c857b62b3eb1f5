"""Figures from the marketplace: 2.3 协同平台建设 and the innovation services of 4.2.

A center's year counts the challenges it hosts (Challenge.center_id) and the work of
its pool's engineers (Collaboration.center_id, lead or member engineers in the pool,
bids and answers by pool engineers) in that calendar year (China time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import exists, func, or_
from sqlmodel import Session, select

from accounts.models import Organisation
from centers.indicators.evidence import Evidence
from centers.indicators.scope import Scope
from core.eventlog import Event
from marketplace.challenges.models import Bid, Challenge
from marketplace.consultations.models import Answer
from marketplace.execution.models import (
    Collaboration,
    CollaborationMember,
    ContractKind,
    WorkLog,
)
from talent.models import Engineer

SERVICE_TYPES = ("研发设计", "技术改造", "技术转移与交易")
CONTRACT_KINDS = tuple(kind.value for kind in ContractKind)


@dataclass
class CollabRow:
    collaboration: Collaboration
    challenge: Challenge
    lead: Engineer
    firm: Organisation


def in_year(column, scope: Scope):
    return (column >= scope.start) & (column < scope.end)


def _pool_member_collabs(scope: Scope):
    return select(CollaborationMember.collaboration_id).where(
        CollaborationMember.engineer_id.in_(scope.pool_ids))  # type: ignore[attr-defined]


def collaborations(session: Session, scope: Scope) -> list[CollabRow]:
    """Collaborations of the center started or accepted in the year."""
    stmt = (
        select(Collaboration, Challenge, Engineer, Organisation)
        .join(Challenge, Challenge.id == Collaboration.challenge_id)
        .join(Engineer, Engineer.id == Collaboration.lead_engineer_id)
        .join(Organisation, Organisation.id == Challenge.company_id)
        .where(
            or_(in_year(Collaboration.started_at, scope), in_year(Collaboration.accepted_at, scope)),
            or_(
                Challenge.center_id == scope.center_id,
                Collaboration.center_id == scope.center_id,
                Collaboration.lead_engineer_id.in_(scope.pool_ids),  # type: ignore[attr-defined]
                Collaboration.id.in_(_pool_member_collabs(scope)),  # type: ignore[union-attr]
            ),
        )
        .order_by(Collaboration.started_at, Collaboration.id)
    )
    return [CollabRow(*row) for row in session.exec(stmt).all()]


def _within(moment: datetime | None, scope: Scope) -> bool:
    return moment is not None and scope.start <= _aware(moment) < scope.end


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def started(rows: list[CollabRow], scope: Scope) -> list[CollabRow]:
    return [r for r in rows if _within(r.collaboration.started_at, scope)]


def accepted(rows: list[CollabRow], scope: Scope) -> list[CollabRow]:
    return [r for r in rows if _within(r.collaboration.accepted_at, scope)]


def _distinct_challenges(rows: list[CollabRow]) -> list[CollabRow]:
    seen: dict[int, CollabRow] = {}
    for row in rows:
        if row.challenge.kind == "challenge":
            seen.setdefault(row.challenge.id, row)  # type: ignore[arg-type]
    return list(seen.values())


def first_touch(session: Session, scope: Scope, kind: str, model, engineer_column) -> list:
    """Challenges of a kind touched (bid on, answered) in the year, hosted or by a pool engineer; first touch."""
    first = func.min(model.created_at)
    return list(session.exec(
        select(Challenge.id, Challenge.title, first)
        .join(model, model.challenge_id == Challenge.id)
        .where(Challenge.kind == kind, in_year(model.created_at, scope),
               or_(Challenge.center_id == scope.center_id, engineer_column.in_(scope.pool_ids)))
        .group_by(Challenge.id, Challenge.title).order_by(first)
    ).all())


def platform_figures(session: Session, scope: Scope, collabs: list[CollabRow]) -> tuple[dict, Evidence]:
    """2.3 协同平台建设: the 揭榜挂帅 and 在线问诊 activity of the year."""
    ev = Evidence()
    published = session.exec(
        select(Challenge).where(Challenge.center_id == scope.center_id, Challenge.kind == "challenge",
                                in_year(Challenge.published_at, scope)).order_by(Challenge.published_at)
    ).all()
    ev.extend("challenges_published", "challenge", list(published), when=lambda c: c.published_at)

    bid_on = first_touch(session, scope, "challenge", Bid, Bid.engineer_id)
    for challenge_id, title, first_bid in bid_on:
        ev.add("challenges_bid_on", "challenge", challenge_id, title, first_bid)

    awarded = _distinct_challenges(started(collabs, scope))
    for row in awarded:
        ev.add("challenges_awarded", "challenge", row.challenge.id, row.challenge.title,
               row.collaboration.started_at, collaboration=row.collaboration.id, engineer=row.lead.name)
    completed = _distinct_challenges(accepted(collabs, scope))
    for row in completed:
        ev.add("challenges_completed", "challenge", row.challenge.id, row.challenge.title,
               row.collaboration.accepted_at, collaboration=row.collaboration.id, firm=row.firm.name)

    answered = first_touch(session, scope, "consultation", Answer, Answer.engineer_id)
    for challenge_id, title, first_answer in answered:
        ev.add("consultations_answered", "consultation", challenge_id, title, first_answer)

    cross_org = cross_region = 0
    for row in started(collabs, scope):
        collab, lead, firm = row.collaboration, row.lead, row.firm
        if lead.employer_id != firm.id:
            cross_org += 1
            ev.add("cross_org_pairings", "collaboration", collab.id, f"{lead.name} ↔ {firm.name}：{row.challenge.title}",
                   collab.started_at)
        firm_region = firm.region or row.challenge.region
        if lead.region and firm_region and lead.region != firm_region:
            cross_region += 1
            ev.add("cross_region_pairings", "collaboration", collab.id,
                   f"{lead.name}（{lead.region}）↔ {firm.name}（{firm_region}）", collab.started_at)

    active = _active_engineers(session, scope, collabs)
    for engineer_id, name in active:
        ev.add("active_engineers", "engineer", engineer_id, name)

    figures = {
        "challenges_published": len(published),
        "challenges_bid_on": len(bid_on),
        "challenges_awarded": len(awarded),
        "challenges_completed": len(completed),
        "consultations_answered": len(answered),
        "cross_org_pairings": cross_org,
        "cross_region_pairings": cross_region,
        "active_engineers": len(active),
    }
    return figures, ev


def _active_engineers(session: Session, scope: Scope, collabs: list[CollabRow]) -> list[tuple[int, str]]:
    """Pool engineers who bid, answered, worked on a collaboration or appear in the log this year."""
    pool = scope.pool_ids
    if not pool:
        return []
    ids: set[int] = set()
    ids.update(session.exec(select(Bid.engineer_id).where(
        Bid.engineer_id.in_(pool), in_year(Bid.created_at, scope)).distinct()).all())  # type: ignore[attr-defined]
    ids.update(session.exec(select(Answer.engineer_id).where(
        Answer.engineer_id.in_(pool), in_year(Answer.created_at, scope)).distinct()).all())  # type: ignore[union-attr]
    ids.update(session.exec(select(WorkLog.engineer_id).where(
        WorkLog.engineer_id.in_(pool), WorkLog.day >= scope.first_day,  # type: ignore[attr-defined]
        WorkLog.day <= scope.last_day).distinct()).all())
    ids.update(r.lead.id for r in collabs if r.lead.id in pool)  # type: ignore[misc]
    quiet = pool - ids
    if quiet:  # only for the rest, ask the log: one indexed probe per engineer, stopping at the first event
        logged = exists().where(Event.engineer_id == Engineer.id, in_year(Event.at, scope))
        ids.update(session.exec(select(Engineer.id).where(Engineer.id.in_(quiet), logged)).all())  # type: ignore[union-attr]
    ids.discard(None)  # type: ignore[arg-type]
    if not ids:
        return []
    return list(session.exec(select(Engineer.id, Engineer.name).where(
        Engineer.id.in_(ids)).order_by(Engineer.id)).all())  # type: ignore[union-attr]


def innovation_services(scope: Scope, collabs: list[CollabRow], ev: Evidence) -> dict:
    """4.2 (second row): collaborations accepted in the year, by service type and contract kind."""
    by_type = {name: 0 for name in SERVICE_TYPES}
    by_kind = {name: 0 for name in CONTRACT_KINDS}
    amount = Decimal("0")
    firms: dict[int, str] = {}
    done = accepted(collabs, scope)
    for row in done:
        collab = row.collaboration
        by_type[collab.service_type] = by_type.get(collab.service_type, 0) + 1
        by_kind[collab.contract_kind] = by_kind.get(collab.contract_kind, 0) + 1
        amount += collab.amount or Decimal("0")
        firms.setdefault(row.firm.id, row.firm.name)  # type: ignore[arg-type]
        ev.add("services_total", "collaboration", collab.id, row.challenge.title, collab.accepted_at,
               service_type=collab.service_type, contract_kind=collab.contract_kind,
               amount=float(collab.amount) if collab.amount is not None else None, firm=row.firm.name)
    for firm_id, name in firms.items():
        ev.add("firms_served", "organisation", firm_id, name)
    return {
        "services_total": len(done),
        "services_by_type": by_type,
        "contracts_by_kind": by_kind,
        "contract_amount": float(amount),
        "firms_served": len(firms),
    }
