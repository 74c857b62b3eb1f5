"""Marketplace commands: `import …`, `notify digest|send` and `sweep` (persist deadlines and auto-acceptance, tell those concerned)."""

from __future__ import annotations

import json

import typer

from core.db import session_scope
from marketplace.flows import sweep_flow
from marketplace.importer import commands as importer_commands
from marketplace.inbox.mailer import deliver_pending
from marketplace.inbox.service import build_digests

notify_app = typer.Typer(help="通知与邮件", no_args_is_help=True)


def emit(obj: dict) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False))


@notify_app.command("digest")
def notify_digest() -> None:
    """Send each daily-digest user one e-mail with the unread items since the last digest."""
    with session_scope() as session:
        emit(build_digests(session))


@notify_app.command("send")
def notify_send() -> None:
    """Retry unsent outbox e-mails through SMTP (when XIECHUANG_SMTP_HOST is set)."""
    with session_scope() as session:
        emit(deliver_pending(session))


def sweep() -> None:
    """记录到期事件：过期/揭榜截止的榜单、自动验收的里程碑，并通知相关企业与工程师。"""
    with session_scope() as session:
        emit(sweep_flow(session))


def register(app: typer.Typer) -> None:
    importer_commands.register(app)
    app.add_typer(notify_app, name="notify")
    app.command("sweep")(sweep)
