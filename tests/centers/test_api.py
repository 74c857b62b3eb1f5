"""The indicator API: who may read it, the body it returns, expert scores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.centers.factories import assigned_expert, at, published
from tests.factories import PASSWORD, make_center, make_user


def _auth(client, user) -> dict:
    response = client.post("/api/v1/auth/token", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class TestIndicatorsApi:
    def test_operator_reads_contract_body_by_external_id(self, client, session):
        center = make_center(session)
        center.external_id = "CT-API-1"
        published(session, center=center, when=at(2026, 3, 3))
        operator = make_user(session, role="center", center=center)
        response = client.get("/api/v1/centers/CT-API-1/indicators?year=2026", headers=_auth(client, operator))
        assert response.status_code == 200
        body = response.json()
        assert set(body) >= {"center", "year", "total", "bonus", "veto", "lines"}
        line = next(line for line in body["lines"] if line["id"] == "2.3")
        assert line["name"] == "协同平台建设" and line["max"] == 4
        assert line["figures"]["challenges_published"] == 1
        assert set(line) >= {"figures", "evidence", "suggested", "expert", "score", "basis"}
        assert body["lines"][-1]["id"] == "bonus"

    def test_city_bureau_of_its_city_province_and_expert_may_read(self, client, session):
        center = make_center(session, city="湘潭市")
        for user in (make_user(session, role="city", region="湘潭市"), make_user(session, role="province"),
                     make_user(session, role="expert")):
            assert client.get(f"/api/v1/centers/{center.id}/indicators?year=2026",
                              headers=_auth(client, user)).status_code == 200

    def test_another_citys_bureau_gets_403(self, client, session):
        center = make_center(session, city="湘潭市")
        bureau = make_user(session, role="city", region="长沙市")
        response = client.get(f"/api/v1/centers/{center.id}/indicators?year=2026", headers=_auth(client, bureau))
        assert response.status_code == 403

    def test_firm_and_other_operator_get_403(self, client, session):
        center, other = make_center(session), make_center(session)
        for user in (make_user(session, role="sme"), make_user(session, role="center", center=other)):
            assert client.get(f"/api/v1/centers/{center.id}/indicators",
                              headers=_auth(client, user)).status_code == 403

    def test_no_token_is_401_and_unknown_center_404(self, client, session):
        center = make_center(session)
        assert client.get(f"/api/v1/centers/{center.id}/indicators?year=2026").status_code == 401
        admin = make_user(session, role="admin")
        assert client.get("/api/v1/centers/999999/indicators", headers=_auth(client, admin)).status_code == 404

    def test_bad_year_is_422(self, client, session):
        center = make_center(session)
        admin = make_user(session, role="admin")
        response = client.get(f"/api/v1/centers/{center.id}/indicators?year=abc", headers=_auth(client, admin))
        assert response.status_code == 422 and response.json()["field"] == "year"

    def test_public_list(self, client, session):
        center = make_center(session, city="岳阳市", cluster="石化")
        response = client.get("/api/v1/centers?city=岳阳市")
        assert response.status_code == 200
        assert center.name in [c["name"] for c in response.json()]


class TestExpertScoresApi:
    def test_expert_score_replaces_and_overrides(self, client, session):
        center = make_center(session)
        expert = assigned_expert(session, center)
        headers = _auth(client, expert)
        url = f"/api/v1/centers/{center.id}/expert-scores"
        assert client.post(url, json={"year": 2026, "scores": [{"line_id": "4.3", "score": 2}]},
                           headers=headers).status_code == 201
        assert client.post(url, json={"year": 2026, "scores": [{"line_id": "4.3", "score": 3, "comment": "牵头行业标准"}]},
                           headers=headers).status_code == 201
        body = client.get(f"/api/v1/centers/{center.id}/indicators?year=2026", headers=headers).json()
        line = next(line for line in body["lines"] if line["id"] == "4.3")
        assert line["expert"] == 3.0 and line["score"] == 3.0 and line["basis"] == "expert"

    def test_score_above_maximum_or_unknown_line_is_422(self, client, session):
        center = make_center(session)
        headers = _auth(client, assigned_expert(session, center))
        url = f"/api/v1/centers/{center.id}/expert-scores"
        over = client.post(url, json={"year": 2026, "scores": [{"line_id": "4.4", "score": 3}]}, headers=headers)
        assert over.status_code == 422 and over.json()["field"] == "score"
        unknown = client.post(url, json={"year": 2026, "scores": [{"line_id": "9.9", "score": 1}]}, headers=headers)
        assert unknown.status_code == 422

    def test_only_experts_score(self, client, session):
        center = make_center(session)
        operator = make_user(session, role="center", center=center)
        response = client.post(f"/api/v1/centers/{center.id}/expert-scores",
                               json={"year": 2026, "scores": [{"line_id": "1.1", "score": 5}]},
                               headers=_auth(client, operator))
        assert response.status_code == 403


def test_cli_prints_contract_json(tmp_path: Path):
    """`xiechuang indicators CENTER --year Y --json` on a scratch SQLite database."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "XIECHUANG_DATABASE_URL": url}
    script = (
        "from core.migrate import upgrade; upgrade(%r)\n"
        "from core.db import session_scope, build_engine\n"
        "from tests.factories import make_center\n"
        "with session_scope(build_engine(%r)) as s:\n"
        "    c = make_center(s, name='命令行测试中心'); c.external_id = 'CLI-1'\n" % (url, url)
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=root)
    cli = [sys.executable, "-c", "from web.cli import main; main()"]
    done = subprocess.run([*cli, "indicators", "CLI-1", "--year", "2026", "--json"], env=env, cwd=root,
                          capture_output=True, text=True, check=True)
    body = json.loads(done.stdout)
    assert body["center"] == "命令行测试中心" and body["year"] == 2026 and len(body["lines"]) == 15
    missing = subprocess.run([*cli, "indicators", "没有这个中心", "--year", "2026"], env=env, cwd=root,
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "不存在" in missing.stderr and "Traceback" not in missing.stderr


def test_hostile_ids_and_nul_are_client_errors(client, session):
    admin = make_user(session, role="admin")
    headers = _auth(client, admin)
    assert client.get("/api/v1/centers/99999999999999999999/indicators", headers=headers).status_code == 404
    assert client.get("/api/v1/centers/%00x/indicators", headers=headers).status_code in (404, 422)
    assert client.get("/api/v1/centers?city=%00").status_code == 422
    center = make_center(session)
    expert = _auth(client, assigned_expert(session, center))
    body = {"year": 2026, "scores": [{"line_id": "1.1", "score": 1, "comment": "a\x00b"}]}
    assert client.post(f"/api/v1/centers/{center.id}/expert-scores", json=body, headers=expert).status_code == 422
