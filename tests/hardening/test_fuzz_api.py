"""Schemathesis against /openapi.json: every operation, no 5xx, responses match the schema.

The app runs as a real server on a scratch database with a firm, an engineer and
a few objects; the schemathesis CLI calls every operation with the firm's token
(its pytest plugin does not yet run under pytest 9, the CLI does the same work).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from tests.scratch import scratch_database
from tests.servers import cli, running_app

PASSWORD = "Xc-river-7421-lamp"  # passes the strength policy
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


def test_every_operation_survives_fuzzing(tmp_path):
    with scratch_database("fuzz") as url:
        cli(url, tmp_path, "db", "upgrade")
        cli(url, tmp_path, "user", "create", "--username", "fuzz-firm", "--password", PASSWORD, "--role", "sme",
            "--org", "模糊测试机械有限公司")
        cli(url, tmp_path, "user", "create", "--username", "fuzz-eng", "--password", PASSWORD,
            "--role", "engineer", "--engineer", "E-FUZZ")
        with running_app(url, tmp_path) as base:
            token = httpx.post(f"{base}/api/v1/auth/token",
                               data={"username": "fuzz-firm", "password": PASSWORD}).json()["access_token"]
            httpx.post(f"{base}/api/v1/challenges", headers={"Authorization": f"Bearer {token}"}, json={
                "external_id": "FZ1", "title": "数控机床主轴热变形补偿", "description": "主轴温升导致定位误差超差"})
            st = Path(sys.executable).with_name("schemathesis")
            result = subprocess.run(
                [str(st), "run", f"{base}/openapi.json", "--checks", CHECKS, "--max-examples", "20",
                 "--seed", "2026", "--generation-deterministic", "-H", f"Authorization: Bearer {token}",
                 "--no-color"],
                capture_output=True, text=True, timeout=900,
            )
            report = result.stdout[-40000:]
            print(report)
            assert result.returncode == 0, report
