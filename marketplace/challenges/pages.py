"""Public marketplace pages: the 揭榜大厅, challenge detail, the engineer directory."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session, col, select

from accounts import policy
from accounts.deps import CurrentUser, OptionalUser
from accounts.models import Organisation, User
from core.clock import today
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError, Forbidden, NotFound
from core.templating import environment, render
from marketplace.challenges import bids, lifecycle, search
from marketplace.challenges import forms as page_forms
from marketplace.challenges import service as challenges
from marketplace.challenges.deps import BidDep, ChallengeDep
from marketplace.challenges.models import STATUS_LABELS, Bid, BidMember, BidStatus, Challenge
from marketplace.challenges.schemas import BidCreate, ChallengeCreate
from marketplace.challenges.visibility import details_allowed
from marketplace.execution.models import Collaboration, ContractKind, ServiceType
from marketplace.execution.reputation import engineer_reputation
from marketplace.flows import notify_new_events
from marketplace.ranker import RankEngineers, RankerDep
from talent.models import Center, Engineer, PoolMembership

log = logging.getLogger(__name__)
MATCH_SCORE_TOP = 100  # bids from engineers ranked lower show no match score
router = APIRouter(include_in_schema=False,
                   dependencies=[Depends(verify_csrf), Depends(notify_new_events, scope="function")])

SCHEME_LABELS = {"single": "单一挂帅", "contest": "赛马制", "split": "分包协作"}
BID_STATUS_LABELS = {"submitted": "已提交", "shortlisted": "入围", "withdrawn": "已撤回", "awarded": "中选", "rejected": "未中选"}
VISIBILITY_LABELS = {"public": "公开", "invite": "定向邀请（签署保密协议后可见详情）"}
COLLAB_STATUS_LABELS = {"disputed": "调解中", "stopped": "已停工"}
MILESTONE_LABELS = {"pending": "待提交", "submitted": "待验收", "accepted": "已验收", "rejected": "已退回", "disputed": "调解中"}
environment().globals.update(status_labels={**STATUS_LABELS, **BID_STATUS_LABELS, **COLLAB_STATUS_LABELS},
                             scheme_labels=SCHEME_LABELS, milestone_labels=MILESTONE_LABELS)


# ---------------------------------------------------------------- loaders

def engineer_or_404(engineer_id: int, session: SessionDep) -> Engineer:
    engineer = session.get(Engineer, engineer_id)
    if engineer is None:
        raise NotFound("工程师不存在")
    return engineer


EngineerDep = Annotated[Engineer, Depends(engineer_or_404)]


def my_bid(session: Session, challenge: Challenge, user: User | None) -> Bid | None:
    if user is None or user.engineer_id is None:
        return None
    return session.exec(select(Bid).where(Bid.challenge_id == challenge.id, Bid.engineer_id == user.engineer_id,
                                          Bid.status != BidStatus.withdrawn)).first()


def reputation(session: Session, engineer: Engineer) -> dict:
    """Reputation with its basis (count, per-aspect averages, trend, accepted deliveries)."""
    return engineer_reputation(session, engineer=engineer)


# ---------------------------------------------------------------- the hall

@router.get("/challenges")
def challenge_hall(request: Request, session: SessionDep, user: OptionalUser):
    params = request.query_params
    query = page_forms.parse_hall(params)
    page = search.search_challenges(session, query)
    kept = {k: v for k, v in params.items() if k != "page" and v}
    ctx = {
        "query": query, "page": page, "raw": {k: params.get(k, "") for k in
                                              ("budget_min", "budget_max", "deadline_from", "deadline_to")},
        "base_query": urlencode(kept) + ("&" if kept else ""),
        "statuses": search.HALL_STATUSES, "regions": search.HUNAN_CITIES,
        "field_options": search.hall_field_options(session),
    }
    block = None if request.headers.get("hx-history-restore-request") else "results"
    return render(request, "marketplace/challenge_list.html", ctx, block=block)


@router.get("/challenges/{challenge_id:int}")
def challenge_detail(request: Request, session: SessionDep, user: OptionalUser, challenge: ChallengeDep):
    details_visible = details_allowed(session, challenge, user)
    bid = my_bid(session, challenge, user)
    return render(request, "marketplace/challenge_detail.html",
                  detail_context(request, session, user, challenge, details_visible=details_visible, bid=bid))


def detail_context(request: Request, session: Session, user: User | None, challenge: Challenge, *,
                   details_visible: bool, bid: Bid | None, bid_form: page_forms.FormResult | None = None) -> dict:
    actions: list[tuple[str, str]] = []
    if policy.can_see_bids(user, challenge):
        actions.append((f"/challenges/{challenge.id}/bids", "查看与比较揭榜申请"))
    collaboration = _collaboration_for(session, challenge)
    if collaboration is not None and (policy.owns_challenge(user, challenge) or policy.is_lead(user, collaboration)
                                      or policy.is_admin(user) or policy.hosts_challenge(user, challenge)):
        actions.append((f"/collaborations/{collaboration.id}", "进入协作空间"))
    can_bid_now = (policy.can_bid(user) and details_visible and challenge.kind == "challenge"
                   and lifecycle.status_on(session, challenge, today()) == "open")
    recommended = f"/challenges/{challenge.id}/recommended"
    show_recommended = policy.can_edit_challenge(user, challenge) or policy.is_government(user)
    return {
        "challenge": challenge,
        "shown_status": lifecycle.status_on(session, challenge, today()),
        "can_cancel": policy.can_edit_challenge(user, challenge) and challenge.status in ("draft", "open",
                                                                                           "bidding_closed"),
        "company": session.get(Organisation, challenge.company_id),
        "center": session.get(Center, challenge.center_id) if challenge.center_id else None,
        "details_visible": details_visible,
        "nda_form": policy.can_bid(user) and challenge.visibility == "invite" and not details_visible,
        "actions": actions,
        "can_publish": challenge.status == "draft" and policy.can_edit_challenge(user, challenge),
        "my_bid": bid,
        "bid_form": (bid_form or page_forms.FormResult()) if can_bid_now and bid is None else None,
        "bid_closed_note": _bid_note(user, challenge),
        "recommended_url": recommended if show_recommended else None,
    }


def _bid_note(user: User | None, challenge: Challenge) -> str | None:
    if challenge.kind != "challenge" or policy.can_edit_challenge(user, challenge):
        return None
    if challenge.status != "open":
        return "本榜单已不再接受揭榜申请。"
    if user is None:
        return "共享工程师登录后可提交揭榜申请。"
    return None


def _collaboration_for(session: Session, challenge: Challenge):
    return session.exec(select(Collaboration).where(Collaboration.challenge_id == challenge.id)
                        .order_by(col(Collaboration.id).desc())).first()


# ---------------------------------------------------------------- engineers

@router.get("/engineers")
def engineer_directory(request: Request, session: SessionDep, user: OptionalUser):
    params = request.query_params
    q = params.get("q", "").strip()[:100]
    skill = params.get("skill", "").strip()[:40]
    center_raw = params.get("center", "")
    center_id = int(center_raw) if center_raw.isdigit() else None
    page_raw = params.get("page", "1")
    page_no = int(page_raw) if page_raw.isdigit() and 0 < int(page_raw) < 100000 else 1
    page = search.search_engineers(session, q=q, center_id=center_id, skill=skill, page=page_no)
    kept = {k: v for k, v in params.items() if k != "page" and v}
    ctx = {"page": page, "q": q, "skill": skill, "center_id": center_id, "centers": search.center_options(session),
           "base_query": urlencode(kept) + ("&" if kept else "")}
    block = None if request.headers.get("hx-history-restore-request") else "results"
    return render(request, "marketplace/engineer_list.html", ctx, block=block)


@router.get("/engineers/{engineer_id:int}")
def engineer_profile(request: Request, session: SessionDep, user: OptionalUser, engineer: EngineerDep):
    pools = session.exec(select(Center, PoolMembership).join(PoolMembership, PoolMembership.center_id == Center.id)
                         .where(PoolMembership.engineer_id == engineer.id, PoolMembership.status == "active")).all()
    employer = session.get(Organisation, engineer.employer_id) if engineer.employer_id else None
    private = policy.can_see_engineer_private(user, engineer, {c.id for c, _ in pools})
    return render(request, "marketplace/engineer_detail.html", {
        "engineer": engineer, "pools": pools, "employer": employer, "private": private,
        "rep": reputation(session, engineer), "is_me": policy.is_role(user, "engineer") and user.engineer_id == engineer.id,
    })


# ---------------------------------------------------------------- firm: post and compare

def _challenge_form_context(session: Session, form: page_forms.FormResult) -> dict:
    return {
        "form": form,
        "regions": [("", "请选择")] + [(c, c) for c in search.HUNAN_CITIES],
        "schemes": list(SCHEME_LABELS.items()),
        "visibilities": list(VISIBILITY_LABELS.items()),
        "centers": [("", "不委托")] + [(str(c.id), c.name) for c in search.center_options(session)],
    }


async def poster(user: OptionalUser) -> User:
    user = policy.require_user(user)
    policy.require(policy.can_post_challenge(user), "只有企业用户可以发布榜单")
    return user


PosterDep = Annotated[User, Depends(poster)]


@router.get("/challenges/new")
def challenge_new(request: Request, session: SessionDep, user: PosterDep):
    return render(request, "marketplace/challenge_form.html", _challenge_form_context(session, page_forms.FormResult()))


def bid_rows(session: Session, challenge: Challenge, rank: RankEngineers | None) -> list[dict]:
    """Every live bid with its engineer, team, reputation and match score, side by side."""
    bids = session.exec(select(Bid, Engineer).join(Engineer, Engineer.id == Bid.engineer_id)
                        .where(Bid.challenge_id == challenge.id, Bid.status != BidStatus.withdrawn)
                        .order_by(col(Bid.created_at))).all()
    scores = match_scores(session, challenge, rank)
    rows = []
    for bid, engineer in bids:
        team = session.exec(select(Engineer).join(BidMember, BidMember.engineer_id == Engineer.id)
                            .where(BidMember.bid_id == bid.id, BidMember.engineer_id != engineer.id)).all()
        rows.append({"bid": bid, "engineer": engineer, "team": team, "rep": reputation(session, engineer),
                     "score": scores.get(engineer.id)})
    return rows


def match_scores(session: Session, challenge: Challenge, rank: RankEngineers | None) -> dict[int, float]:
    """The matcher's score per engineer, when the app has a matcher."""
    if rank is None:
        return {}
    try:
        ranked = rank(session, challenge=challenge, top=MATCH_SCORE_TOP)
    except Exception:  # noqa: BLE001 - a matcher failure must not take the comparison page down
        log.exception("matching failed for challenge %s", challenge.id)
        return {}
    return {engineer_id: float(score) for engineer_id, score, _ in ranked}


def bids_context(session: Session, user: User, challenge: Challenge, rank: RankEngineers | None, **extra) -> dict:
    return {
        "challenge": challenge, "rows": bid_rows(session, challenge, rank),
        "can_decide": policy.can_manage_bids(user, challenge) and challenge.status in ("open", "bidding_closed"),
        "contract_kinds": [k.value for k in ContractKind], "service_types": [t.value for t in ServiceType],
        "collab": _collaboration_for(session, challenge), "flash": None, "error": None, **extra,
    }


def bids_viewer(challenge: Challenge, user: User | None) -> User:
    """The bids page (and its fragments) exists only for the firm and the hosting center."""
    user = policy.require_user(user)
    if not policy.can_see_bids(user, challenge):
        raise NotFound("榜单不存在或无权查看揭榜申请")
    return user


async def bid_manager(challenge: ChallengeDep, user: OptionalUser) -> User:
    return bids_viewer(challenge, user)


@router.get("/challenges/{challenge_id:int}/bids")
def challenge_bids(request: Request, session: SessionDep, challenge: ChallengeDep, rank: RankerDep,
                   user: Annotated[User, Depends(bid_manager)]):
    return render(request, "marketplace/challenge_bids.html", bids_context(session, user, challenge, rank))


@router.post("/challenges/new")
async def challenge_create(request: Request, session: SessionDep, user: PosterDep):
    form = page_forms.parse_challenge(await request.form())
    challenge = None
    if form.ok:
        values = {k: v for k, v in form.values.items() if k not in ("center_id", "publish")}
        try:
            data = ChallengeCreate(**values, center=str(form.values["center_id"]) if form.values["center_id"] else None,
                                   status="open" if form.values["publish"] else "draft")
            challenge = challenges.create_challenge(session, data=data, by=user)
        except (AppError, ValidationError) as exc:
            form.fail(exc)
    if challenge is None:
        return render(request, "marketplace/challenge_form.html", _challenge_form_context(session, form), status_code=422)
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)


@router.post("/challenges/{challenge_id:int}/publish")
def challenge_publish(session: SessionDep, challenge: ChallengeDep, user: CurrentUser):
    challenges.publish(session, challenge=challenge, by=user)
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)


@router.post("/challenges/{challenge_id:int}/nda")
async def challenge_nda(request: Request, session: SessionDep, challenge: ChallengeDep, user: OptionalUser):
    user = policy.require_user(user)
    if (await request.form()).get("agree") != "1":
        return RedirectResponse(f"/challenges/{challenge.id}#nda", status_code=303)
    challenges.accept_nda(session, challenge=challenge, by=user)
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)


@router.post("/challenges/{challenge_id:int}/bids")
async def challenge_bid(request: Request, session: SessionDep, challenge: ChallengeDep, user: OptionalUser):
    user = policy.require_user(user)
    form = page_forms.parse_bid(await request.form())
    bid = None
    if form.ok:
        values = {k: v for k, v in form.values.items() if k != "members"}
        try:
            data = BidCreate(**values, team=[{"engineer": ref} for ref in form.values["members"]])
            bid = bids.submit_bid(session, challenge=challenge, data=data, by=user)
        except Forbidden:
            raise
        except (AppError, ValidationError) as exc:
            form.fail(exc)
            if "team" in form.errors or any(k.startswith("team") for k in form.errors):
                form.errors["members"] = next(v for k, v in form.errors.items() if k.startswith("team"))
    details_visible = details_allowed(session, challenge, user)
    ctx = detail_context(request, session, user, challenge, details_visible=details_visible,
                         bid=bid, bid_form=None if bid else form)
    if bid is None:
        return render(request, "marketplace/challenge_detail.html", ctx, block="bid_section", status_code=422)
    if request.headers.get("hx-request"):
        return render(request, "marketplace/challenge_detail.html", ctx, block="bid_section")
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)


# ---------------------------------------------------------------- firm: decide on bids

def _decided(request: Request, session: Session, user: User, challenge: Challenge, rank: RankEngineers | None,
             flash: str):
    if request.headers.get("hx-request"):
        return render(request, "marketplace/challenge_bids.html", bids_context(session, user, challenge, rank, flash=flash),
                      block="bids")
    return RedirectResponse(f"/challenges/{challenge.id}/bids", status_code=303)


@router.post("/bids/{bid_id:int}/award")
async def bid_award(request: Request, session: SessionDep, bid: BidDep, user: CurrentUser, rank: RankerDep):
    challenge = session.get(Challenge, bid.challenge_id)
    form = page_forms.parse_award(await request.form())
    if not form.ok:
        bids_viewer(challenge, user)
        return render(request, "marketplace/challenge_bids.html",
                      bids_context(session, user, challenge, rank, error="；".join(form.errors.values())),
                      block="bids", status_code=422)
    collaboration = bids.award(session, challenge=challenge, bid=bid, by=user, **form.values)
    if request.headers.get("hx-request"):
        return render(request, "marketplace/challenge_bids.html",
                      bids_context(session, user, challenge, rank, flash="已选定挂帅工程师，协作空间已开启。"), block="bids")
    return RedirectResponse(f"/collaborations/{collaboration.id}", status_code=303)


@router.post("/bids/{bid_id:int}/reject")
async def bid_reject(request: Request, session: SessionDep, bid: BidDep, user: CurrentUser, rank: RankerDep):
    challenge = session.get(Challenge, bid.challenge_id)
    form = page_forms.parse_reason(await request.form(), label="不选原因")
    if not form.ok:
        bids_viewer(challenge, user)
        return render(request, "marketplace/challenge_bids.html",
                      bids_context(session, user, challenge, rank, error=form.errors["reason"]), block="bids", status_code=422)
    bids.reject_bid(session, bid=bid, challenge=challenge, by=user, reason=form.values["reason"])
    return _decided(request, session, user, challenge, rank, "已告知揭榜人未中选的原因。")


@router.post("/challenges/{challenge_id:int}/cancel")
async def challenge_cancel(request: Request, session: SessionDep, challenge: ChallengeDep, user: CurrentUser):
    form = page_forms.parse_reason(await request.form(), label="撤榜原因")
    if not form.ok:
        return RedirectResponse(f"/challenges/{challenge.id}#cancel", status_code=303)
    challenges.cancel(session, challenge=challenge, by=user, reason=form.values["reason"])
    return RedirectResponse(f"/challenges/{challenge.id}", status_code=303)
