"""`xiechuang sweep`: persist what the app computes on read (deadlines, auto-accept) and log it."""

from __future__ import annotations

import json
from datetime import date

import typer
from sqlmodel import Session, col, select

from core.clock import now, today
from core.db import session_scope
from marketplace.challenges import lifecycle
from marketplace.challenges.models import Challenge, ChallengeKind, ChallengeStatus
from marketplace.execution import service as execution


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


def register(app: typer.Typer) -> None:
    @app.command("sweep")
    def sweep_command() -> None:
        """记录到期事件：过期/揭榜截止的榜单、自动验收的里程碑。"""
        with session_scope() as session:
            counts = sweep(session)
        typer.echo(json.dumps(counts, ensure_ascii=False))
