"""Jinja2 with named blocks (jinja2-fragments): one helper renders a page or a partial."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block

from core.clock import to_china
from core.csrf import csrf_token
from core.settings import get_settings

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"


def yuan(value: Any, *, wan: bool = False) -> str:
    """¥1,200,000.00, or 120万元 where people expect it."""
    if value is None or value == "":
        return "面议"
    amount = Decimal(str(value))
    if wan:
        w = amount / Decimal(10000)
        text = f"{w:,.2f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    return f"¥{amount:,.2f}"


def cn_date(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = to_china(value)
        return f"{value.year}年{value.month}月{value.day}日 {value.hour:02d}:{value.minute:02d}"
    return f"{value.year}年{value.month}月{value.day}日"


def cn_day(value: date | datetime | None) -> str:
    if isinstance(value, datetime):
        value = to_china(value).date()
    return cn_date(value)


@lru_cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # outside development templates do not change under a running process: skip the stat per render
        auto_reload=get_settings().mode == "development",
    )
    env.filters["yuan"] = yuan
    env.filters["wan"] = lambda v: yuan(v, wan=True)
    env.filters["cn_date"] = cn_date
    env.filters["cn_day"] = cn_day
    return env


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render the page, or only `block` when htmx asks for a partial.

    The app that serves the request gives the context every page shares (its navigation) as
    `app.state.page_context`: one per app, so creating the app again does not add it twice."""
    ctx: dict[str, Any] = {"request": request, "csrf_token": csrf_token(request)}
    page_context = getattr(request.app.state, "page_context", None)
    if page_context is not None:
        ctx.update(page_context(request))
    ctx.update(context or {})
    env = environment()
    if block and request.headers.get("hx-request") and not request.headers.get("hx-boosted"):
        html = render_block(env, template, block, ctx)
    else:
        html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code, headers=headers)
