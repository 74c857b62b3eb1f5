"""`xiechuang sweep`: persist what the app computes on read (deadlines, auto-accept), log it and tell those concerned."""

from __future__ import annotations

import json

import typer

from core.db import session_scope
from marketplace.flows import sweep_flow


def register(app: typer.Typer) -> None:
    @app.command("sweep")
    def sweep_command() -> None:
        """记录到期事件：过期/揭榜截止的榜单、自动验收的里程碑，并通知相关企业与工程师。"""
        with session_scope() as session:
            counts = sweep_flow(session)
        typer.echo(json.dumps(counts, ensure_ascii=False))
