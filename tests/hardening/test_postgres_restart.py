"""Restart PostgreSQL while the app serves: it answers again within 5 s and no
acknowledged write is lost. Runs only in the PostgreSQL pass (it restarts the
local server)."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import TEST_URL
from tests.factories import PASSWORD
from tests.scratch import scratch_database
from tests.servers import cli, running_app

pytestmark = pytest.mark.skipif(
    not TEST_URL.startswith("postgresql") or shutil.which("pg_ctlcluster") is None,
    reason="needs the local PostgreSQL server (PostgreSQL pass only)",
)


def restart_postgres() -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "--mode=fast"],
                   check=True, capture_output=True, timeout=60)


def test_app_recovers_after_a_database_restart(tmp_path):
    with scratch_database("restart") as url:
        cli(url, tmp_path, "db", "upgrade")
        cli(url, tmp_path, "user", "create", "--username", "firm", "--password", PASSWORD, "--role", "sme",
            "--org", "重启测试机械有限公司")
        with running_app(url, tmp_path) as base, httpx.Client(base_url=base, timeout=5) as http:
            token = http.post("/api/v1/auth/token", data={"username": "firm", "password": PASSWORD}).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            acknowledged = []
            for n in range(5):
                reply = http.post("/api/v1/challenges", headers=headers, json={
                    "external_id": f"R{n}", "title": f"重启前榜单{n}", "description": "数控机床主轴热变形补偿"})
                assert reply.status_code == 201, reply.text
                acknowledged.append(f"R{n}")

            restart_postgres()
            started = time.monotonic()
            while True:
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() - started < 5, "app did not answer within 5 s of the restart"
                time.sleep(0.1)
            recovered_in = time.monotonic() - started

            after = http.post("/api/v1/challenges", headers=headers, json={
                "external_id": "R-after", "title": "重启后榜单", "description": "液压缸内泄检测"})
            assert after.status_code == 201, after.text
            for external_id in [*acknowledged, "R-after"]:
                assert http.get(f"/api/v1/challenges/{external_id}", headers=headers).status_code == 200
            print(f"recovered in {recovered_in:.2f} s")
