"""What a collaboration's workspace shows: a plain context dict."""

from __future__ import annotations

from sqlmodel import Session, col, select

from accounts import policy
from accounts.models import Organisation, User
from core.clock import now
from core.eventlog import EVENT_KINDS, Event
from marketplace.challenges.models import Challenge
from marketplace.execution import service as execution
from marketplace.execution.models import (
    Collaboration,
    CollaborationMember,
    Deliverable,
    Milestone,
    Rating,
    WorkLog,
)
from marketplace.execution.schemas import CollaborationPublic, MemberPublic
from marketplace.files.models import StoredFile
from talent.models import Engineer


def collaboration(session: Session, collaboration: Collaboration, user: User) -> dict:
    challenge = execution.challenge_of(session, collaboration)
    team = session.exec(select(Engineer, CollaborationMember)
                        .join(CollaborationMember, CollaborationMember.engineer_id == Engineer.id)
                        .where(CollaborationMember.collaboration_id == collaboration.id)).all()
    lead = session.get(Engineer, collaboration.lead_engineer_id)
    events = session.exec(select(Event).where(Event.collaboration_id == collaboration.id)
                          .order_by(col(Event.at), col(Event.id))).all()
    ratings = session.exec(select(Rating).where(Rating.collaboration_id == collaboration.id)).all()
    files = session.exec(select(Deliverable, StoredFile).outerjoin(StoredFile, StoredFile.id == Deliverable.file_id)
                         .where(Deliverable.collaboration_id == collaboration.id)
                         .order_by(col(Deliverable.created_at).desc())).all()
    is_firm = policy.can_accept(user, challenge)
    return {
        "collab": collaboration, "challenge": challenge, "lead": lead, "team": team,
        "company": session.get(Organisation, challenge.company_id),
        "milestones": session.exec(select(Milestone).where(Milestone.collaboration_id == collaboration.id)
                                   .order_by(Milestone.seq)).all(),
        "worklogs": session.exec(select(WorkLog, Engineer).join(Engineer, Engineer.id == WorkLog.engineer_id)
                                 .where(WorkLog.collaboration_id == collaboration.id)
                                 .order_by(col(WorkLog.day).desc())).all(),
        "deliverables": files, "events": events, "event_labels": EVENT_KINDS,
        "is_firm": is_firm, "is_lead": policy.is_lead(user, collaboration),
        "is_member": policy.is_team_member(user, execution.ever_member_ids(session, collaboration)),
        "rated": any(r.rater_id == user.id for r in ratings), "ratings": ratings,
        "today": now().date().isoformat(),
        "flash": None, "ms_error": None, "wl_form": None, "rating_form": None,
    }


def collaboration_public(session: Session, collaboration: Collaboration) -> CollaborationPublic:
    """The collaboration with its members and the challenge's status, for the API."""
    challenge = session.get(Challenge, collaboration.challenge_id)
    view = CollaborationPublic.model_validate(collaboration, from_attributes=True)
    view.challenge_status = challenge.status if challenge else None
    view.members = [MemberPublic(engineer_id=m.engineer_id, role=m.role, share_pct=m.share_pct, active=m.active)
                    for m in execution.members(session, collaboration)]
    return view
