"""What follows a step of awarded work: the service does it, then whoever its events concern is told
(the firm, the engineers on the collaboration, the center's operators; never the actor)."""

from __future__ import annotations

from sqlmodel import Session

from accounts.models import User
from marketplace.challenges.models import Challenge
from marketplace.execution import money, oversight, reputation
from marketplace.execution import service as execution
from marketplace.execution.models import Collaboration, Deliverable, Milestone, Payment, Rating, ShareAgreement, WorkLog
from marketplace.execution.schemas import (
    MilestoneCreate,
    PaymentCreate,
    RatingIn,
    ShareAgreementIn,
    WorkLogCreate,
)
from marketplace.inbox.service import notify_appended
from talent.models import Engineer

# ---------------------------------------------------------------- delivery and acceptance


def deliver_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
                 note: str | None = None) -> Collaboration:
    """Hand the work over for 车间验题: the firm is told."""
    execution.deliver(session, collaboration=collaboration, challenge=challenge, by=by, note=note)
    notify_appended(session)
    return collaboration


def accept_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
                rating: RatingIn | None = None) -> Collaboration:
    """车间验题 passed and, when the firm scored it, 市场评价 in the same step: the engineers are told."""
    execution.accept_delivery(session, collaboration=collaboration, challenge=challenge, by=by)
    if rating is not None:
        reputation.rate(session, collaboration=collaboration, challenge=challenge, by=by, data=rating)
    notify_appended(session)
    return collaboration


def reject_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
                reason: str) -> Collaboration:
    execution.reject_delivery(session, collaboration=collaboration, challenge=challenge, by=by, reason=reason)
    notify_appended(session)
    return collaboration


def rate_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User, data: RatingIn,
              engineer: Engineer | None = None) -> Rating:
    rating = reputation.rate(session, collaboration=collaboration, challenge=challenge, by=by, data=data,
                             engineer=engineer)
    notify_appended(session)
    return rating


# ---------------------------------------------------------------- the center's oversight

def dispute_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
                 reason: str) -> Collaboration:
    """提请中心调解: the other party and the center's operators are told."""
    oversight.raise_dispute(session, collaboration=collaboration, challenge=challenge, by=by, reason=reason)
    notify_appended(session)
    return collaboration


def resolve_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User, outcome: str,
                 note: str) -> Collaboration:
    oversight.resolve_dispute(session, collaboration=collaboration, challenge=challenge, by=by, outcome=outcome,
                              note=note)
    notify_appended(session)
    return collaboration


def stop_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
              reason: str) -> Collaboration:
    oversight.stop_work(session, collaboration=collaboration, challenge=challenge, by=by, reason=reason)
    notify_appended(session)
    return collaboration


def resume_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User) -> Collaboration:
    oversight.resume_work(session, collaboration=collaboration, challenge=challenge, by=by)
    notify_appended(session)
    return collaboration


def reassign_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, engineer: Engineer,
                  by: User, reason: str) -> Collaboration:
    """更换挂帅工程师: the new lead is among those told."""
    oversight.reassign_lead(session, collaboration=collaboration, challenge=challenge, engineer=engineer, by=by,
                            reason=reason)
    notify_appended(session)
    return collaboration


# ---------------------------------------------------------------- milestones

def add_milestone_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: MilestoneCreate,
                       by: User) -> Milestone:
    milestone = execution.add_milestone(session, collaboration=collaboration, challenge=challenge, data=data, by=by)
    notify_appended(session)
    return milestone


def submit_milestone_flow(session: Session, *, milestone: Milestone, collaboration: Collaboration,
                          challenge: Challenge, by: User) -> Milestone:
    """The firm is told a milestone awaits its check."""
    execution.submit_milestone(session, milestone=milestone, collaboration=collaboration, challenge=challenge, by=by)
    notify_appended(session)
    return milestone


def accept_milestone_flow(session: Session, *, milestone: Milestone, collaboration: Collaboration,
                          challenge: Challenge, by: User) -> Milestone:
    execution.accept_milestone(session, milestone=milestone, collaboration=collaboration, challenge=challenge, by=by)
    notify_appended(session)
    return milestone


def reject_milestone_flow(session: Session, *, milestone: Milestone, collaboration: Collaboration,
                          challenge: Challenge, by: User, reason: str) -> Milestone:
    execution.reject_milestone(session, milestone=milestone, collaboration=collaboration, challenge=challenge, by=by,
                               reason=reason)
    notify_appended(session)
    return milestone


# ---------------------------------------------------------------- work logs, files, money

def worklog_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: WorkLogCreate,
                 by: User) -> WorkLog:
    worklog = execution.add_worklog(session, collaboration=collaboration, challenge=challenge, data=data, by=by)
    notify_appended(session)
    return worklog


def upload_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: bytes,
                filename: str | None, by: User, note: str | None = None,
                milestone: Milestone | None = None) -> Deliverable:
    deliverable = execution.upload_deliverable(session, collaboration=collaboration, challenge=challenge, data=data,
                                               filename=filename, by=by, note=note, milestone=milestone)
    notify_appended(session)
    return deliverable


def contract_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, by: User,
                  contract_kind: str | None = None, service_type: str | None = None) -> Collaboration:
    money.set_contract(session, collaboration=collaboration, challenge=challenge, by=by, contract_kind=contract_kind,
                       service_type=service_type)
    notify_appended(session)
    return collaboration


def payment_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: PaymentCreate,
                 by: User) -> Payment:
    payment = money.record_payment(session, collaboration=collaboration, challenge=challenge, data=data, by=by)
    notify_appended(session)
    return payment


def shares_flow(session: Session, *, collaboration: Collaboration, challenge: Challenge, data: ShareAgreementIn,
                by: User) -> list[ShareAgreement]:
    rows = money.record_shares(session, collaboration=collaboration, challenge=challenge, data=data, by=by)
    notify_appended(session)
    return rows
