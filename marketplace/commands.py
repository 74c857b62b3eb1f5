"""Marketplace commands: `import …`, `notify …`, and `sweep` from helper A's module when present."""

from __future__ import annotations

import importlib
import json

import typer

from marketplace import importer_commands

OPTIONAL_COMMAND_MODULES = ["marketplace.sweep_commands"]
notify_app = typer.Typer(help="通知与邮件", no_args_is_help=True)


def emit(obj: dict) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False))


@notify_app.command("digest")
def notify_digest() -> None:
    """Send each daily-digest user one e-mail with the unread items since the last digest."""
    from core.db import session_scope
    from marketplace.notifications import build_digests

    with session_scope() as session:
        emit(build_digests(session))


@notify_app.command("send")
def notify_send() -> None:
    """Retry unsent outbox e-mails through SMTP (when XIECHUANG_SMTP_HOST is set)."""
    from core.db import session_scope
    from marketplace.mailer import deliver_pending

    with session_scope() as session:
        emit(deliver_pending(session))


def register(app: typer.Typer) -> None:
    importer_commands.register(app)
    app.add_typer(notify_app, name="notify")
    for name in OPTIONAL_COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(app)
