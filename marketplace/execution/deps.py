"""Load-or-404 dependencies for a collaboration and its milestones and deliverables (API and pages).

Each is visible to the parties of its collaboration (former members keep read access).
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Depends
from sqlmodel import Session

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import User
from core.db import SessionDep
from core.errors import NotFound
from marketplace.challenges.models import Challenge
from marketplace.execution import service as execution
from marketplace.execution.models import Collaboration, Deliverable, Milestone

Part = TypeVar("Part", Milestone, Deliverable)


def _visible(session: Session, collaboration_id: int, user: User) -> Collaboration:
    collaboration = session.get(Collaboration, collaboration_id)
    if collaboration is None or not policy.can_see_collaboration(
            user, collaboration, session.get(Challenge, collaboration.challenge_id), execution.ever_member_ids(session, collaboration)):
        raise NotFound("协作不存在")
    return collaboration


def collaboration_or_404(collaboration_id: int, session: SessionDep, user: CurrentUser) -> Collaboration:
    return _visible(session, collaboration_id, user)


def _part(session: Session, model: type[Part], row_id: int, user: User, missing: str) -> Part:
    """A milestone or deliverable: as visible as its collaboration."""
    part = session.get(model, row_id)
    if part is None:
        raise NotFound(missing)
    _visible(session, part.collaboration_id, user)
    return part


def milestone_or_404(milestone_id: int, session: SessionDep, user: CurrentUser) -> Milestone:
    return _part(session, Milestone, milestone_id, user, "里程碑不存在")


def deliverable_or_404(deliverable_id: int, session: SessionDep, user: CurrentUser) -> Deliverable:
    return _part(session, Deliverable, deliverable_id, user, "交付物不存在")


CollaborationDep = Annotated[Collaboration, Depends(collaboration_or_404)]
MilestoneDep = Annotated[Milestone, Depends(milestone_or_404)]
DeliverableDep = Annotated[Deliverable, Depends(deliverable_or_404)]
