"""在线问诊 pages: the list, the question form, the thread with answer, best-answer and 转为揭榜."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from accounts import policy
from accounts.deps import CurrentUser
from accounts.models import User
from core.csrf import verify_csrf
from core.db import SessionDep
from core.errors import AppError, Forbidden, Invalid
from core.lookup import MAX_ID
from core.templating import render
from marketplace.challenges.forms import FormResult
from marketplace.consultations import flows, views
from marketplace.consultations.deps import ConsultationDep
from marketplace.consultations.service import (
    AnswerCreate,
    ConsultationCreate,
)
from marketplace.execution.schemas import RatingIn
from marketplace.ranker import RankerDep

router = APIRouter(include_in_schema=False, dependencies=[Depends(verify_csrf)])
DETAIL = "marketplace/consultation_detail.html"


IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


async def asker(user: CurrentUser) -> User:
    """The question form is shown only to those who may ask."""
    policy.require(policy.can_ask_consultation(user), "只有企业用户可以发起在线问诊")
    return user


AskerDep = Annotated[User, Depends(asker)]


def _form_values(form) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}


@router.get("/consultations")
def consultation_list(request: Request, session: SessionDep, user: CurrentUser, mine: bool = False,
                      status: str | None = None, page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    return render(request, "marketplace/consultation_list.html",
                  views.listing(session, user=user, mine=mine, status=status, page=page), block="results")


@router.get("/consultations/new")
def consultation_new(request: Request, user: AskerDep) -> HTMLResponse:
    return render(request, "marketplace/consultation_form.html", {"form": FormResult()})


@router.post("/consultations/new")
async def consultation_create(request: Request, session: SessionDep, user: AskerDep, rank: RankerDep) -> Response:
    form = FormResult(raw=_form_values(await request.form()))
    try:
        data = ConsultationCreate(**{k: form.raw.get(k, "") for k in ("title", "description", "fields", "skills")},
                                  region=form.raw.get("region") or None)
        consultation = flows.ask_flow(session, by=user, data=data, rank=rank)
    except (ValidationError, AppError) as exc:
        return render(request, "marketplace/consultation_form.html", {"form": form.fail(exc)}, status_code=422)
    return RedirectResponse(f"/consultations/{consultation.id}?asked=1", status_code=303)


@router.get("/consultations/{consultation_id}")
def consultation_detail(request: Request, consultation: ConsultationDep, session: SessionDep, user: CurrentUser,
                        asked: bool = False, resolved: bool = False) -> HTMLResponse:
    notice = "问题已发布，并已推送给最匹配的工程师" if asked else ("已采纳最佳答复，感谢评价" if resolved else None)
    return render(request, DETAIL, views.detail(session, consultation, user, notice=notice))


@router.post("/consultations/{consultation_id}/answers")
async def consultation_answer(request: Request, consultation: ConsultationDep, session: SessionDep,
                              user: CurrentUser) -> Response:
    form = FormResult(raw=_form_values(await request.form()))
    htmx = bool(request.headers.get("hx-request"))
    try:
        parent = form.raw.get("parent_id") or None
        data = AnswerCreate(body=form.raw.get("body", ""), parent_id=parent)
        flows.answer_flow(session, consultation=consultation, by=user, data=data)
    except Forbidden:
        raise
    except (ValidationError, AppError) as exc:
        ctx = views.detail(session, consultation, user, answer_form=form.fail(exc))
        return render(request, DETAIL, ctx, block="thread", status_code=200 if htmx else 422)
    if htmx:
        return render(request, DETAIL, views.detail(session, consultation, user), block="thread")
    return RedirectResponse(f"/consultations/{consultation.id}#thread", status_code=303)


@router.post("/consultations/{consultation_id}/answers/{answer_id}/best")
async def consultation_best(request: Request, answer_id: IdPath, consultation: ConsultationDep, session: SessionDep,
                            user: CurrentUser) -> Response:
    form = _form_values(await request.form())
    try:
        rating = RatingIn(overall=form["rating"], comment=form.get("comment") or None) if form.get("rating") else None
    except ValidationError:
        raise Invalid("评分应为 1 到 5 星", field="rating") from None
    flows.best_answer_flow(session, consultation=consultation, answer_id=answer_id, by=user, rating=rating)
    return RedirectResponse(f"/consultations/{consultation.id}?resolved=1", status_code=303)


@router.post("/consultations/{consultation_id}/escalate")
def consultation_escalate(consultation: ConsultationDep, session: SessionDep, user: CurrentUser) -> Response:
    draft = flows.escalate_flow(session, consultation=consultation, by=user)
    return RedirectResponse(f"/challenges/{draft.id}", status_code=303)
