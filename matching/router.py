"""JSON API: matches for a challenge, recommendations for an engineer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from accounts import policy
from accounts.deps import CurrentUser
from core.db import SessionDep
from core.errors import NotFound
from marketplace.challenges.models import Challenge
from matching import service
from matching.deps import (
    challenge_or_404,
    engineer_center_ids,
    engineer_or_404,
    nda_signed,
)
from talent.models import Engineer

router = APIRouter(prefix="/api/v1", tags=["matching"])

Top = Annotated[int, Query(ge=1, le=service.MAX_TOP, description="返回条数")]


@router.get("/challenges/{challenge_id}/matches")
def challenge_matches(challenge: Annotated[Challenge, Depends(challenge_or_404)], user: CurrentUser,
                      signed: Annotated[bool, Depends(nda_signed)], session: SessionDep, top: Top = 10) -> dict:
    """Ranked engineers for a challenge (same body as `xiechuang match --json`)."""
    if not policy.can_see_challenge(user, challenge):
        raise NotFound(f"榜单“{challenge.id}”不存在")
    policy.require(policy.can_see_challenge_details(user, challenge, nda_signed=signed), "签署保密协议后方可查看该榜单")
    return service.match_challenge(session, challenge=challenge, top=top)


@router.get("/engineers/{engineer_id}/recommendations")
def engineer_recommendations(engineer: Annotated[Engineer, Depends(engineer_or_404)], user: CurrentUser,
                             center_ids: Annotated[set[int], Depends(engineer_center_ids)], session: SessionDep,
                             top: Top = 10) -> dict:
    """Open challenges for an engineer: the engineer, the engineer's centers and admins."""
    policy.require(policy.can_see_engineer_private(user, engineer, center_ids))
    return service.match_engineer(session, engineer=engineer, top=top)
