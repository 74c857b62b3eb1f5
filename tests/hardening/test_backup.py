"""`xiechuang backup` and `xiechuang restore` round-trip on the backend under test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from core.db import build_engine
from tests.factories import PASSWORD
from tests.scratch import scratch_database

CLI = [sys.executable, "-c", "from web.cli import main; main()"]


def xiechuang(url: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XIECHUANG_DATABASE_URL": url, "XIECHUANG_VAR_DIR": str(tmp / "var"),
           "XIECHUANG_MODE": "development"}
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=120)


def usernames(url: str) -> set[str]:
    engine = build_engine(url)
    with engine.connect() as conn:
        names = {row[0] for row in conn.execute(text("SELECT username FROM app_user"))}
    engine.dispose()
    return names


def test_backup_then_restore_brings_back_the_saved_state(tmp_path):
    with scratch_database("backup") as url:
        assert xiechuang(url, tmp_path, "db", "upgrade").returncode == 0
        made = xiechuang(url, tmp_path, "user", "create", "--username", "before", "--password", PASSWORD,
                         "--role", "sme", "--org", "备份测试有限公司")
        assert made.returncode == 0, made.stderr
        dump = tmp_path / "backup.bin"
        done = xiechuang(url, tmp_path, "backup", str(dump))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["bytes"] > 0
        xiechuang(url, tmp_path, "user", "create", "--username", "after", "--password", PASSWORD,
                  "--role", "province")
        assert usernames(url) == {"before", "after"}
        restored = xiechuang(url, tmp_path, "restore", str(dump))
        assert restored.returncode == 0, restored.stderr
        assert usernames(url) == {"before"}


def test_restore_of_a_missing_file_is_a_one_line_error(tmp_path):
    with scratch_database("restore") as url:
        result = xiechuang(url, tmp_path, "restore", str(tmp_path / "nope.bin"))
        assert result.returncode == 1
        assert "备份文件不存在" in result.stderr
        assert "Traceback" not in result.stderr
