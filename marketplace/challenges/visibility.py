"""Who may read a challenge's details: the public, or for invite-only ones the invited and the NDA signers."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true
from sqlmodel import Session, col, select

from accounts import policy
from accounts.models import Role, User
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


def details_visible_clause(user: User | None) -> ColumnElement[bool]:
    """SQL for policy.can_see_challenge_details on invite-only challenges: who reads the hidden details."""
    if policy.is_government(user):
        return true()
    if policy.is_role(user, Role.sme) and user.organisation_id is not None:  # type: ignore[union-attr]
        return Challenge.company_id == user.organisation_id  # type: ignore[union-attr,return-value]
    if policy.is_role(user, Role.center) and user.center_id is not None:  # type: ignore[union-attr]
        return Challenge.center_id == user.center_id  # type: ignore[union-attr,return-value]
    if policy.is_role(user, Role.engineer):
        signed = select(NdaAcceptance.challenge_id).where(NdaAcceptance.user_id == user.id)  # type: ignore[union-attr]
        return col(Challenge.id).in_(signed)
    return false()


def hidden_ids(session: Session, challenges: list[Challenge], user: User | None) -> set[int]:
    """The invite-only challenges among these whose budget and description this user may not see (one query)."""
    invite = [c.id for c in challenges if c.visibility == "invite"]
    if not invite:
        return set()
    visible = session.exec(select(Challenge.id).where(col(Challenge.id).in_(invite),
                                                      details_visible_clause(user))).all()
    return set(invite) - set(visible)  # type: ignore[arg-type]
