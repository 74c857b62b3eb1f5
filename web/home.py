"""Figures and lists for the home page."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from marketplace.challenges.models import Challenge, ChallengeKind, ChallengeStatus
from marketplace.execution.models import Collaboration
from talent.models import Center, Engineer


def home_context(session: Session) -> dict:
    open_challenges = session.exec(
        select(Challenge)
        .where(Challenge.kind == ChallengeKind.challenge, Challenge.status == ChallengeStatus.open,
               Challenge.visibility == "public")
        .order_by(Challenge.published_at.desc())
        .limit(8)
    ).all()
    count = lambda stmt: session.exec(stmt).one()  # noqa: E731
    return {
        "open_challenges": open_challenges,
        "stats": {
            "centers": count(select(func.count()).select_from(Center)),
            "engineers": count(select(func.count()).select_from(Engineer)),
            "open": count(select(func.count()).select_from(Challenge).where(Challenge.status == ChallengeStatus.open)),
            "collaborations": count(select(func.count()).select_from(Collaboration)),
        },
    }
