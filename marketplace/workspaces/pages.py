"""Workspaces: the firm's (/firm) and the engineer's (/engineer, profile, bids).

A collaboration's workspace is in collaboration_pages; its routes are included here.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import User
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import NotFound
from core.templating import render
from marketplace.challenges import bids, flows
from marketplace.challenges import forms as page_forms
from marketplace.challenges.models import Bid
from marketplace.execution.pages import router as collaboration_router
from marketplace.workspaces import views
from talent import service as talent

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
router.include_router(collaboration_router)


# ---------------------------------------------------------------- loaders

async def firm_user(user: CurrentUser) -> User:
    policy.require(policy.is_role(user, "sme") and user.organisation_id is not None, "企业工作台仅对企业用户开放")
    return user


async def engineer_user(user: CurrentUser) -> User:
    policy.require(policy.can_bid(user), "工程师工作台仅对共享工程师开放")
    return user


FirmDep = Annotated[User, Depends(firm_user)]
EngineerUserDep = Annotated[User, Depends(engineer_user)]


def own_bid(bid_id: int, session: SessionDep, user: EngineerUserDep) -> Bid:
    bid = session.get(Bid, bid_id)
    if bid is None or not policy.can_withdraw_bid(user, bid):
        raise NotFound("揭榜申请不存在")
    return bid


# ---------------------------------------------------------------- firm

@router.get("/firm")
def firm_home(request: Request, session: SessionDep, user: FirmDep):
    return render(request, "marketplace/firm_home.html", views.firm_home(session, user.organisation_id))


# ---------------------------------------------------------------- engineer

@router.get("/engineer")
def engineer_home(request: Request, session: SessionDep, user: EngineerUserDep):
    return render(request, "marketplace/engineer_home.html", views.engineer_home(session, views.my_engineer(session, user)))


@router.get("/engineer/profile")
def engineer_profile_form(request: Request, session: SessionDep, user: EngineerUserDep):
    engineer = views.my_engineer(session, user)
    return render(request, "marketplace/engineer_profile.html", {"engineer": engineer, "form": views.profile_form(engineer),
                                                                 "saved": request.query_params.get("saved") == "1"})


@router.post("/engineer/profile")
async def engineer_profile_save(request: Request, session: SessionDep, user: EngineerUserDep):
    engineer = views.my_engineer(session, user)
    form = page_forms.parse_profile(await request.form())
    if not form.ok:
        return render(request, "marketplace/engineer_profile.html", {"engineer": engineer, "form": form, "saved": False},
                      status_code=422)
    talent.update_profile(session, engineer=engineer, values=form.values)
    return RedirectResponse("/engineer/profile?saved=1", status_code=303)


@router.post("/bids/{bid_id:int}/withdraw")
def bid_withdraw(request: Request, session: SessionDep, user: EngineerUserDep, bid: Annotated[Bid, Depends(own_bid)]):
    flows.withdraw_flow(session, bid=bid, challenge=bids.challenge_of(session, bid), by=user)
    if request.headers.get("hx-request"):
        ctx = views.engineer_home(session, views.my_engineer(session, user))
        ctx["flash"] = "已撤回揭榜申请。"
        return render(request, "marketplace/engineer_home.html", ctx, block="my_bids")
    return RedirectResponse("/engineer", status_code=303)
