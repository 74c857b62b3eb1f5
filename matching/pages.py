"""htmx partial 推荐工程师 for a challenge page, and the 为你推荐 feed for a signed-in engineer."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from accounts import policy
from accounts.deps import CurrentUser
from core.db import SessionDep
from core.templating import render
from marketplace.challenges.deps import ChallengeDep
from matching import allocation, service

router = APIRouter(include_in_schema=False)


@router.get("/challenges/{challenge_id}/recommended", response_class=HTMLResponse)
def recommended_engineers(request: Request, challenge: ChallengeDep, user: CurrentUser, session: SessionDep,
                          top: int = 8) -> HTMLResponse:
    """The firm, its hosting center and government see who the matcher suggests."""
    policy.require(policy.can_edit_challenge(user, challenge) or policy.is_government(user))
    top = min(max(top, 1), 20)
    ranked = service.rank_engineers(session, challenge=challenge, top=top)
    items = service.engineer_cards(session, ranked)
    team = allocation.suggest_team(session, challenge=challenge) if items else None
    return render(request, "matching/recommended.html", {"challenge": challenge, "items": items, "team": team},
                  block="recommended")


@router.get("/engineer/recommended", response_class=HTMLResponse)
def engineer_feed(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    policy.require(policy.can_bid(user), "仅工程师账号可查看为你推荐")
    engineer = service.get_engineer_for(session, user)
    items = service.challenge_cards(session, engineer=engineer)
    return render(request, "matching/feed.html", {"engineer": engineer, "items": items, "note": None}, block="feed")
