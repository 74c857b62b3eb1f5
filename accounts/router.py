"""JSON API: tokens, the current user and their password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from pydantic import BaseModel, Field

from accounts import login as login_service
from accounts import service
from accounts.deps import SESSION_KEY, CurrentUser, client_ip, known_users, remember_device, sign_in
from accounts.models import UserPublic
from core.db import SessionDep
from core.errors import AppError

router = APIRouter(prefix="/api/v1", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class PasswordChange(BaseModel):
    current: str = Field(max_length=1024)
    new: str = Field(max_length=1024)


@router.post("/auth/token", response_model=Token,
             responses={401: {"description": "用户名或密码错误，或尝试过于频繁"}, 403: {"description": "账号已停用"}})
def issue_token(request: Request, response: Response, session: SessionDep, username: Annotated[str, Form()],
                password: Annotated[str, Form()]) -> Token:
    try:
        user = login_service.authenticate(session, username=username, password=password, ip=client_ip(request),
                                          known_users=known_users(request))
    except AppError:
        session.commit()  # the failure must survive the error response
        raise
    remember_device(request, response, user)
    return Token(access_token=service.issue_token(user))


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/me/password", status_code=204, responses={422: {"description": "当前密码不正确或新密码太弱"}})
def change_password(request: Request, session: SessionDep, user: CurrentUser, body: PasswordChange) -> Response:
    """Every session and token of the user ends; a caller signed in by cookie gets a fresh session."""
    service.change_password(session, user=user, current=body.current, new=body.new)
    if not request.headers.get("authorization") and SESSION_KEY in request.session:
        sign_in(request, session, user)
    return Response(status_code=204)
