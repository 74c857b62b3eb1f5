"""JSON API: matches for a challenge, recommendations for an engineer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from accounts import policy
from accounts.deps import CurrentUser, current_user
from core.concurrency import queued
from core.db import SessionDep
from marketplace.challenges.deps import ChallengeDep
from marketplace.challenges.visibility import details_allowed
from matching import service
from matching.deps import engineer_center_ids, engineer_or_404
from talent.models import Engineer

router = APIRouter(prefix="/api/v1", tags=["matching"], dependencies=[Depends(current_user)])

Top = Annotated[int, Query(ge=1, le=service.MAX_TOP, description="返回条数")]


@router.get("/challenges/{challenge_id}/matches")
@queued
def challenge_matches(challenge: ChallengeDep, user: CurrentUser, session: SessionDep, top: Top = 10) -> dict:
    """Ranked engineers for a challenge (same body as `xiechuang match --json`)."""
    policy.require(details_allowed(session, challenge, user), "签署保密协议后方可查看该榜单")
    return service.match_challenge(session, challenge=challenge, top=top)


@router.get("/engineers/{engineer_id}/recommendations")
def engineer_recommendations(engineer: Annotated[Engineer, Depends(engineer_or_404)], user: CurrentUser,
                             center_ids: Annotated[set[int], Depends(engineer_center_ids)], session: SessionDep,
                             top: Top = 10) -> dict:
    """Open challenges for an engineer: the engineer, the engineer's centers and admins."""
    policy.require(policy.can_see_engineer_private(user, engineer, center_ids))
    return service.match_engineer(session, engineer=engineer, top=top)
