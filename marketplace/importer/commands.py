"""`xiechuang import engineers|challenges FILE [--skip-invalid]` (CONTRACT.md "Import records")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from core.db import session_scope
from marketplace.importer.files import read_records
from marketplace.importer.service import apply_import, plan_import

import_app = typer.Typer(help="导入工程师或榜单（.jsonl / .csv / .xlsx）", no_args_is_help=True)

FileArg = Annotated[Path, typer.Argument(help="文件路径：.jsonl、.csv（UTF-8 或 GB18030）或 .xlsx")]
SkipOption = Annotated[bool, typer.Option("--skip-invalid", help="跳过无效记录，只导入有效记录")]


def run_import(kind: str, path: Path, skip_invalid: bool) -> None:
    """Validate everything first; print one line per bad record; write all or nothing."""
    raw = read_records(path)
    with session_scope() as session:
        plan = plan_import(session, kind=kind, raw=raw)
        for line in plan.report():
            typer.echo(line, err=True)
        if plan.errors and not skip_invalid:
            raise typer.Exit(1)  # nothing was written: the session has only read
        result = apply_import(session, plan=plan, skip_invalid=skip_invalid)
    typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))


@import_app.command("engineers")
def import_engineers(file: FileArg, skip_invalid: SkipOption = False) -> None:
    """Import engineers (upsert on external_id) and their center pools."""
    run_import("engineers", file, skip_invalid)


@import_app.command("challenges")
def import_challenges(file: FileArg, skip_invalid: SkipOption = False) -> None:
    """Import challenges and consultations (upsert on external_id); they open for bids."""
    run_import("challenges", file, skip_invalid)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
