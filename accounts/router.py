"""JSON API: tokens and the current user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel

from accounts import service
from accounts.deps import CurrentUser, client_ip
from accounts.models import UserPublic
from core.db import SessionDep
from core.errors import AppError

router = APIRouter(prefix="/api/v1", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/auth/token", response_model=Token, responses={401: {"description": "用户名或密码错误"}})
def issue_token(request: Request, session: SessionDep, username: Annotated[str, Form()], password: Annotated[str, Form()]) -> Token:
    try:
        user = service.authenticate(session, username=username, password=password, ip=client_ip(request))
    except AppError:
        session.commit()  # the failure count must survive the error response
        raise
    return Token(access_token=service.issue_token(user))


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)
