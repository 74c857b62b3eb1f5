"""Control characters, invisible-only text and absurd dates are refused everywhere, with a named field;
a huge invalid request gets a small 422."""

from __future__ import annotations

from sqlmodel import func, select

from centers.models import Training
from core.clock import today
from marketplace.challenges.models import Bid, Challenge
from marketplace.execution.models import WorkLog
from talent.models import Engineer
from tests.factories import make_center, make_engineer, make_user
from tests.helpers import api_headers, login, post_challenge


def _count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


class TestApiText:
    def test_challenge_title_and_description(self, client, people):
        h = people["h"]
        for body in ({"title": "液压\x00阀泄漏"}, {"title": "\u200b\u200b\u200b"}, {"description": "高温\x07工况下内泄量超标"},
                     {"region": "长沙\n市"}):
            response = client.post("/api/v1/challenges", headers=h["firm"], json={
                "external_id": "C-CLEAN", "title": "挖掘机主阀内泄攻关", "description": "高温工况下内泄量超标", **body})
            assert response.status_code == 422, body
            assert response.json()["field"] == next(iter(body)) and "字符" in response.json()["detail"]
        assert client.get("/api/v1/challenges/C-CLEAN", headers=h["firm"]).status_code == 404

    def test_bid_proposal(self, client, session, people):
        h = people["h"]
        challenge = post_challenge(client, h)
        response = client.post(f"/api/v1/challenges/{challenge['id']}/bids", headers=h["eng0"],
                               json={"proposal": "方案\x1b[31m红字"})
        assert response.status_code == 422 and response.json()["field"] == "proposal"
        assert _count(session, Bid) == 0
        # a proposal may keep its line breaks and tabs
        ok = client.post(f"/api/v1/challenges/{challenge['id']}/bids", headers=h["eng0"],
                         json={"proposal": "第一阶段：仿真\r\n第二阶段：\t试验"})
        assert ok.status_code == 201


class TestWorkLogDates:
    def _collaboration(self, client, people) -> str:
        h = people["h"]
        challenge = post_challenge(client, h)
        bid = client.post(f"/api/v1/challenges/{challenge['id']}/bids", headers=h["eng0"],
                          json={"proposal": "分三阶段完成"}).json()
        collab = client.post(f"/api/v1/bids/{bid['id']}/award", headers=h["firm"]).json()
        return f"/api/v1/collaborations/{collab['id']}/worklogs"

    def test_1900_and_future_are_refused(self, client, session, people):
        url = self._collaboration(client, people)
        for day in ("1900-01-01", "1999-12-31", "2999-01-01"):
            response = client.post(url, headers=people["h"]["eng0"], json={"day": day, "hours": 4})
            assert response.status_code == 422 and response.json()["field"] == "day", day
        assert _count(session, WorkLog) == 0
        assert client.post(url, headers=people["h"]["eng0"], json={"day": str(today()), "hours": 4}).status_code == 201


class TestPagesAndImports:
    def test_center_record_with_control_character(self, client, session):
        center = make_center(session)
        token = login(client, make_user(session, role="center", center=center))
        response = client.post("/center/records/training", data={"csrf_token": token, "title": "PLC\x00编程培训",
                                                                 "kind": "培训", "starts_on": "2026-04-10"})
        assert response.status_code == 422 and _count(session, Training) == 0
        old = client.post("/center/records/training", data={"csrf_token": token, "title": "PLC 编程培训",
                                                            "kind": "培训", "starts_on": "1900-01-01"})
        assert old.status_code == 422 and _count(session, Training) == 0

    def test_engineer_profile_with_invisible_name(self, client, session):
        engineer = make_engineer(session, name="郑工")
        token = login(client, make_user(session, role="engineer", engineer=engineer))
        response = client.post("/engineer/profile", data={"csrf_token": token, "name": "\u200b\u200b", "skills": "液压",
                                                          "capacity": "2", "bio": "简介\x00"})
        assert response.status_code == 422 and "不可见字符" in response.text
        session.refresh(engineer)
        assert engineer.name == "郑工"

    def test_roster_row_with_control_character(self, client, session):
        token = login(client, make_user(session, role="center", center=make_center(session)))
        response = client.post("/center/pool/import", data={"csrf_token": token}, files={
            "file": ("r.csv", "编号,姓名\nR-CTL,赵\x1b工\nR-LONG," .encode() + "长" .encode() * 61 + b"\n", "text/csv")})
        assert response.status_code == 422 and "name" in response.text
        assert session.exec(select(Engineer).where(Engineer.external_id.in_(["R-CTL", "R-LONG"]))).all() == []


class TestHugeInvalidRequest:
    def test_422_body_is_capped(self, client, session):
        headers = api_headers(client, make_user(session, role="sme"))
        extra = {f"k{i:07d}" + "x" * 80: 0 for i in range(100_000)}  # ~10 MB of unknown keys
        response = client.post("/api/v1/challenges", headers=headers, json={"title": "挖掘机主阀内泄攻关", **extra})
        assert response.status_code == 422
        assert len(response.content) < 10_000, len(response.content)
        body = response.json()
        assert len(body["errors"]) == 20 and all(len(e["field"]) <= 100 for e in body["errors"])
        assert _count(session, Challenge) == 0
