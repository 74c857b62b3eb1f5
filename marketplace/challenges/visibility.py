"""Who may read a challenge's details: the public, or for invite-only ones the invited and the NDA signers."""

from __future__ import annotations

from sqlmodel import Session, select

from accounts import policy
from accounts.models import User
from marketplace.challenges.models import (
    Challenge,
    Invitation,
    NdaAcceptance,
)


def nda_signed(session: Session, challenge: Challenge, user: User | None) -> bool:
    if user is None:
        return False
    return session.exec(select(NdaAcceptance.id).where(NdaAcceptance.challenge_id == challenge.id,
                                                       NdaAcceptance.user_id == user.id)).first() is not None


def details_allowed(session: Session, challenge: Challenge, user: User | None) -> bool:
    if challenge.visibility != "invite":
        return policy.can_see_challenge_details(user, challenge)
    invited = bool(user and user.engineer_id and session.exec(
        select(Invitation.id).where(Invitation.challenge_id == challenge.id,
                                    Invitation.engineer_id == user.engineer_id)).first())
    return policy.can_see_challenge_details(user, challenge, nda_signed=nda_signed(session, challenge, user),
                                            invited=invited)
