"""Small factories for a center's year: pool members, collaborations, answers, activities."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from sqlmodel import Session, select

from accounts.models import Organisation, User
from centers.models import Application, Review
from marketplace.challenges.models import Bid, Challenge
from marketplace.consultations.models import Answer
from marketplace.execution.models import Collaboration
from talent.models import Center, Engineer, PoolMembership
from tests.factories import make_challenge, make_engineer, make_org, make_user


def at(year: int, month: int = 6, day: int = 15) -> datetime:
    """Noon UTC on a day: well inside the China day of the same date."""
    return datetime(year, month, day, 4, 0, tzinfo=timezone.utc)


def join_pool(session: Session, center: Center, engineer: Engineer | None = None, *, engagement: str = "兼职",
              joined_on: date | None = date(2025, 1, 1), long_term: bool = False,
              recruited: bool = False, status: str = "active", left_on: date | None = None,
              **engineer_kwargs) -> Engineer:
    engineer = engineer or make_engineer(session, **engineer_kwargs)
    session.add(PoolMembership(center_id=center.id, engineer_id=engineer.id, engagement=engagement,
                               joined_on=joined_on, long_term=long_term, recruited_for_cluster=recruited,
                               status=status, left_on=left_on))
    session.flush()
    return engineer


def assigned_expert(session: Session, center: Center, *, year: int = 2026) -> User:
    """An expert the province assigned to the center's application under expert review for that year."""
    application = Application(center_id=center.id, year=year, status="expert_review")
    session.add(application)
    session.flush()
    expert = make_user(session, role="expert")
    session.add(Review(application_id=application.id, stage="expert", decision="assigned", reviewer_id=expert.id))
    session.flush()
    return expert


def published(session: Session, *, center: Center | None, when: datetime, company: Organisation | None = None,
              kind: str = "challenge", status: str = "open", title: str = "液压阀泄漏") -> Challenge:
    challenge = make_challenge(session, center=center, company=company, kind=kind, status=status, title=title)
    challenge.published_at = when
    challenge.created_at = when
    session.add(challenge)
    session.flush()
    return challenge


def bid(session: Session, challenge: Challenge, engineer: Engineer, *, when: datetime) -> Bid:
    row = Bid(challenge_id=challenge.id, engineer_id=engineer.id, proposal="采用新型密封结构", price=Decimal("200000"),
              created_at=when)
    session.add(row)
    session.flush()
    return row


def collaboration(session: Session, challenge: Challenge, lead: Engineer, *, started: datetime,
                  accepted: datetime | None = None, amount: Decimal | None = Decimal("250000"),
                  contract_kind: str = "技术开发", service_type: str = "研发设计",
                  center: Center | None = None) -> Collaboration:
    row = Collaboration(challenge_id=challenge.id, lead_engineer_id=lead.id, center_id=center.id if center else None,
                        amount=amount, contract_kind=contract_kind, service_type=service_type, started_at=started,
                        status="accepted" if accepted else "in_progress", accepted_at=accepted)
    session.add(row)
    challenge.status = "accepted" if accepted else "in_progress"
    challenge.awarded_at = started
    session.add(challenge)
    session.flush()
    return row


def answer(session: Session, consultation: Challenge, engineer: Engineer, *, when: datetime,
           author: User | None = None) -> Answer:
    author = author or session.exec(select(User).where(User.engineer_id == engineer.id)).first() \
        or make_user(session, role="engineer", engineer=engineer)
    row = Answer(challenge_id=consultation.id, author_id=author.id, engineer_id=engineer.id,
                 body="建议检查阀芯配合间隙并更换氟橡胶密封圈。", created_at=when)
    session.add(row)
    session.flush()
    return row


def firm(session: Session, *, region: str = "长沙市", name: str | None = None) -> Organisation:
    return make_org(session, region=region, name=name)
