"""Workflows across the marketplace's sub-domains, run from the CLI: the sweep."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from core.clock import now, today
from marketplace.challenges import lifecycle
from marketplace.challenges.models import Challenge, ChallengeKind, ChallengeStatus
from marketplace.execution import service as execution
from marketplace.inbox.service import notify_appended


def sweep(session: Session, *, on: date | None = None) -> dict:
    """Expire or close bidding on challenges past their deadline; auto-accept due milestones."""
    day = on or today()
    due = session.exec(select(Challenge).where(Challenge.status == ChallengeStatus.open,
                                               Challenge.kind == ChallengeKind.challenge,
                                               col(Challenge.deadline).is_not(None), Challenge.deadline < day)
                       .order_by(Challenge.id)).all()
    counts = {"expired": 0, "bidding_closed": 0, "milestones_auto_accepted": 0}
    for challenge in due:
        lifecycle.settle_deadline(session, challenge=challenge, today=day)
        if challenge.status in counts:
            counts[challenge.status] += 1
    counts["milestones_auto_accepted"] = len(execution.auto_accept_due(session, at=now()))
    return counts


def sweep_flow(session: Session, *, on: date | None = None) -> dict:
    """`xiechuang sweep`: the firm learns its challenge expired or stopped taking bids, the engineers that a
    milestone was accepted for want of a check; like any action in the app."""
    counts = sweep(session, on=on)
    notify_appended(session)
    return counts
