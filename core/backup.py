"""Backup and restore of the whole database: SQLite's online backup API, or pg_dump/pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from core.errors import Invalid


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    parsed = make_url(url)
    args = ["-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres",
            "-d", parsed.database or "postgres"]
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise Invalid(f"找不到 {tool}，请安装 PostgreSQL 客户端 (postgresql-client)")
    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        raise Invalid(f"{tool} 失败: {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else result.returncode}")


def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database to `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = Path(parsed.database or "")
        if not source.exists():
            raise Invalid(f"数据库文件不存在: {source}")
        partial = target.with_suffix(target.suffix + ".partial")
        with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
            src.backup(dst)  # online: consistent even while the app writes
        partial.replace(target)
        return target
    args, env = _pg_args(url)
    partial = target.with_suffix(target.suffix + ".partial")
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), *args], env)
    partial.replace(target)
    return target


def restore(url: str, source: Path) -> None:
    """Replace the database's contents with a backup made by `backup`."""
    source = Path(source)
    if not source.exists():
        raise Invalid(f"备份文件不存在: {source}")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise Invalid("备份文件已损坏（SQLite 完整性检查未通过）")
        target = Path(parsed.database or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return
    args, env = _pg_args(url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(source)], env)
