"""Public home page."""

from __future__ import annotations

from fastapi import APIRouter, Request

from accounts.deps import OptionalUser
from core.db import SessionDep
from core.templating import render
from web import home

router = APIRouter(include_in_schema=False)


@router.get("/")
def index(request: Request, session: SessionDep, user: OptionalUser):
    return render(request, "home.html", home.home_context(session))
