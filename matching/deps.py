"""Load-or-404 dependencies for the matching routes."""

from __future__ import annotations

from sqlmodel import select

from accounts.deps import CurrentUser
from core.db import SessionDep
from marketplace.challenges.models import Challenge, NdaAcceptance
from marketplace.service import get_challenge
from talent.models import Engineer, PoolMembership
from talent.service import get_engineer


def challenge_or_404(challenge_id: str, session: SessionDep) -> Challenge:
    return get_challenge(session, challenge_id)


def engineer_or_404(engineer_id: str, session: SessionDep) -> Engineer:
    return get_engineer(session, engineer_id)


def nda_signed(challenge_id: str, user: CurrentUser, session: SessionDep) -> bool:
    challenge = get_challenge(session, challenge_id)
    if challenge.visibility != "invite":
        return False
    return session.exec(select(NdaAcceptance.id).where(NdaAcceptance.challenge_id == challenge.id,
                                                       NdaAcceptance.user_id == user.id)).first() is not None


def engineer_center_ids(engineer_id: str, session: SessionDep) -> set[int]:
    engineer = get_engineer(session, engineer_id)
    return set(session.exec(select(PoolMembership.center_id).where(PoolMembership.engineer_id == engineer.id,
                                                                    PoolMembership.status == "active")).all())
