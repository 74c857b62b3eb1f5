"""The `xiechuang` command line (CONTRACT.md). Commands are thin: parse, call a service, print."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from centers import commands as center_commands
from core.backup import backup, restore
from core.db import session_scope
from core.errors import AppError
from core.migrate import upgrade
from core.settings import get_settings
from marketplace import commands as marketplace_commands
from matching import commands as matching_commands
from seed.accounts import DEMO_ACCOUNTS
from seed.load import load_demo
from talent.flows import create_user_account

app = typer.Typer(help="协创 Xiechuang: 工程师协同创新平台", no_args_is_help=True, add_completion=False,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库", no_args_is_help=True)
seed_app = typer.Typer(help="演示数据", no_args_is_help=True)
user_app = typer.Typer(help="用户", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(seed_app, name="seed")
app.add_typer(user_app, name="user")



def fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def emit(obj) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, default=str))


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or migrate the schema (Alembic)."""
    upgrade(get_settings().database_url, revision)
    typer.echo("数据库已迁移到最新版本")


@seed_app.command("demo")
def seed_demo() -> None:
    """Load the demo data set; running it twice changes nothing."""
    with session_scope() as session:
        counts = load_demo(session)
    emit(counts)


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Option("--username")],
    password: Annotated[str, typer.Option("--password")],
    role: Annotated[str, typer.Option("--role")],
    org: Annotated[Optional[str], typer.Option("--org", help="企业名称（不存在则创建）")] = None,
    center: Annotated[Optional[str], typer.Option("--center", help="所运营中心的名称或外部编号")] = None,
    engineer: Annotated[Optional[str], typer.Option("--engineer", help="关联的工程师外部编号")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="市州工信局所在城市")] = None,
    display_name: Annotated[str, typer.Option("--name")] = "",
) -> None:
    """Create a user with a role (and its organisation, center, engineer or city)."""
    with session_scope() as session:
        user = create_user_account(session, username=username, password=password, role=role, org=org,
                                   center=center, engineer=engineer, region=region, display_name=display_name)
        emit({"id": user.id, "username": user.username, "role": user.role})


@app.command("backup")
def backup_cmd(target: Annotated[str, typer.Argument(help="备份文件路径")]) -> None:
    """Back up the database (SQLite online backup, or pg_dump)."""
    path = backup(get_settings().database_url, Path(target))
    emit({"backup": str(path), "bytes": path.stat().st_size})


@app.command("restore")
def restore_cmd(source: Annotated[str, typer.Argument(help="备份文件路径")]) -> None:
    """Restore the database from a backup (stop the app first)."""
    restore(get_settings().database_url, Path(source))
    emit({"restored": source})


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    workers: Annotated[int, typer.Option("--workers")] = 1,
    reload: Annotated[bool, typer.Option("--reload")] = False,
) -> None:
    """Run the web app."""
    # lazy: the server is imported only by `serve`
    import uvicorn


    settings = get_settings()
    settings.resolved_secret()
    if settings.mode == "development":
        _print_demo_accounts()
    uvicorn.run("web.main:app", host=host, port=port, workers=workers, reload=reload, proxy_headers=True)


def _print_demo_accounts() -> None:
    typer.echo("演示账号（仅开发模式显示）：")
    for username, password, role, label in DEMO_ACCOUNTS:
        typer.echo(f"  {label:<8} 用户名 {username:<16} 密码 {password}")


# Domains add their own commands (match, index, eval, indicators, import, sweep, notify).
for commands in (marketplace_commands, matching_commands, center_commands):
    commands.register(app)


def main() -> None:
    try:
        app(standalone_mode=True)
    except AppError as exc:
        where = f"{exc.field}: " if exc.field else ""
        typer.echo(f"错误: {where}{exc.message}", err=True)
        sys.exit(1)
    except (OSError, ValueError) as exc:
        typer.echo(f"错误: {exc}", err=True)
        sys.exit(1)
