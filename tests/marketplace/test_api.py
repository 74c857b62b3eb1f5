"""The JSON API per CONTRACT.md: the happy path and its 401/403/404/422 answers."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from core.clock import today
from core.eventlog import Event
from marketplace.execution.models import Collaboration
from marketplace.inbox.service import unread_count
from tests.helpers import post_challenge

DEADLINE = str(today() + timedelta(days=20))


class TestContractJourney:
    def test_post_bid_award_deliver_accept(self, client, session, people):
        h = people["h"]
        challenge = post_challenge(client, h, center=people["center"].name)
        assert challenge["status"] == "open" and challenge["id"] and challenge["fields"] == ["工程机械", "液压"]
        assert challenge["company"] == "湖南星沙液压件有限公司"
        assert client.get(f"/api/v1/challenges/{challenge['external_id']}", headers=h["eng0"]).json()["id"] == \
            challenge["id"]
        bid_ids = []
        for i in range(3):
            r = client.post(f"/api/v1/challenges/{challenge['id']}/bids", headers=h[f"eng{i}"],
                            json={"proposal": f"方案{i}：优化阀芯配合间隙", "price": 200000 + i})
            assert r.status_code == 201, r.text
            bid_ids.append(r.json()["id"])
        r = client.post(f"/api/v1/bids/{bid_ids[0]}/award", headers=h["firm"])
        assert r.status_code == 200, r.text
        collab = r.json()
        assert collab["id"] and collab["lead_engineer_id"] == people["engineers"][0].engineer_id
        assert client.post(f"/api/v1/bids/{bid_ids[1]}/award", headers=h["firm"]).status_code == 409
        loser = client.get(f"/api/v1/bids/{bid_ids[2]}", headers=h["eng2"]).json()
        assert loser["status"] == "rejected" and loser["reason"]
        r = client.post(f"/api/v1/collaborations/{collab['id']}/deliver", headers=h["eng0"], json={"note": "已完成台架试验"})
        assert r.status_code == 200 and r.json()["status"] == "delivered"
        r = client.post(f"/api/v1/collaborations/{collab['id']}/accept", headers=h["firm"],
                        json={"rating": 5, "comment": "指标达成"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "accepted" and r.json()["challenge_status"] == "accepted"
        ratings = client.get(f"/api/v1/collaborations/{collab['id']}/ratings", headers=h["eng0"]).json()
        assert [x["overall"] for x in ratings] == [5]
        rep = client.get(f"/api/v1/engineers/{people['engineers'][0].engineer_id}/reputation", headers=h["firm"]).json()
        assert rep["count"] == 1 and rep["accepted_deliveries"] == 1
        got = list(session.exec(select(Event.kind).where(Event.challenge_id == challenge["id"])
                                .order_by(col(Event.id))).all())
        assert got == ["challenge.created", "challenge.published", "bid.created", "bid.created", "bid.created",
                       "challenge.awarded", "bid.rejected", "bid.rejected", "collaboration.started",
                       "collaboration.delivered", "collaboration.accepted", "rating.created"]
        awarded = session.exec(select(Event).where(Event.challenge_id == challenge["id"],
                                                   Event.kind == "challenge.awarded")).one()
        assert awarded.collaboration_id == collab["id"] and awarded.center_id == people["center"].id
        assert awarded.organisation_id == people["firm"].organisation_id
        closed = client.post(f"/api/v1/challenges/{challenge['id']}/transition", headers=h["firm"],
                             json={"status": "closed"})
        assert closed.status_code == 200 and closed.json()["status"] == "closed"

    def test_milestones_worklogs_payments_shares_via_api(self, client, people):
        h = people["h"]
        challenge = post_challenge(client, h)
        bid = client.post(f"/api/v1/challenges/{challenge['id']}/bids", headers=h["eng0"],
                          json={"proposal": "分三阶段完成", "price": 90000}).json()
        collab = client.post(f"/api/v1/bids/{bid['id']}/award", headers=h["firm"],
                             json={"contract_kind": "技术服务", "service_type": "检验检测"}).json()
        assert (collab["contract_kind"], collab["service_type"]) == ("技术服务", "检验检测")
        base = f"/api/v1/collaborations/{collab['id']}"
        ms = client.post(f"{base}/milestones", headers=h["firm"],
                         json={"title": "仿真报告", "amount": 30000, "due_date": DEADLINE})
        assert ms.status_code == 201, ms.text
        ms_id = ms.json()["id"]
        assert client.post(f"/api/v1/milestones/{ms_id}/submit", headers=h["eng0"]).json()["status"] == "submitted"
        r = client.post(f"/api/v1/milestones/{ms_id}/reject", headers=h["firm"], json={"reason": "边界条件不对"})
        assert r.json()["status"] == "rejected"
        client.post(f"/api/v1/milestones/{ms_id}/submit", headers=h["eng0"])
        assert client.post(f"/api/v1/milestones/{ms_id}/accept", headers=h["firm"]).json()["status"] == "accepted"
        assert client.post(f"{base}/worklogs", headers=h["eng0"],
                           json={"day": str(today()), "hours": 4, "note": "建模"}).status_code == 201
        assert client.post(f"{base}/payments", headers=h["firm"],
                           json={"amount": 30000, "paid_on": str(today()), "milestone_id": ms_id}).status_code == 201
        r = client.post(f"{base}/shares", headers=h["firm"], json={"kind": "知识产权入股分成", "lines": [
            {"party_kind": "engineer", "engineer_id": people["engineers"][0].engineer_id, "percent": 70},
            {"party_kind": "firm", "organisation_id": people["firm"].organisation_id, "percent": 40}]})
        assert r.status_code == 422 and "100%" in r.json()["detail"]


class TestErrors:
    def test_anonymous_gets_401(self, client, people):
        for method, path in [("get", "/api/v1/challenges"), ("post", "/api/v1/challenges"),
                             ("post", "/api/v1/bids/1/award"), ("post", "/api/v1/collaborations/1/deliver")]:
            assert getattr(client, method)(path).status_code == 401, path

    def test_engineer_posting_gets_403(self, client, people):
        r = client.post("/api/v1/challenges", headers=people["h"]["eng0"],
                        json={"title": "工程师自己发榜", "description": "不应该被允许的发榜"})
        assert r.status_code == 403

    def test_bad_input_is_422_with_field(self, client, people):
        h = people["h"]
        r = client.post("/api/v1/challenges", headers=h["firm"], json={"title": "缺描述"})
        assert r.status_code == 422 and r.json()["field"].endswith("description")
        r = client.post("/api/v1/challenges", headers=h["firm"],
                        json={"title": "负预算", "description": "预算不能为负数的榜单", "budget": -1})
        assert r.status_code == 422 and r.json()["field"].endswith("budget")
        r = client.post("/api/v1/challenges", headers=h["firm"],
                        json={"title": "信用代码", "description": "信用代码校验位错误", "credit_code": "91430100MA4L3B5K2D"})
        assert r.status_code == 422 and r.json()["field"] == "credit_code"
        c = post_challenge(client, h)
        r = client.post(f"/api/v1/challenges/{c['id']}/bids", headers=h["eng0"], json={"proposal": "短", "price": "abc"})
        assert r.status_code == 422

    def test_other_firm_403_and_drafts_404(self, client, people):
        h = people["h"]
        c = post_challenge(client, h)
        assert client.patch(f"/api/v1/challenges/{c['id']}", headers=h["other_firm"],
                            json={"title": "改别人的榜"}).status_code == 403
        draft = post_challenge(client, h, status="draft")
        assert draft["status"] == "draft"
        assert client.get(f"/api/v1/challenges/{draft['id']}", headers=h["eng0"]).status_code == 404
        assert client.get(f"/api/v1/challenges/{draft['id']}", headers=h["other_firm"]).status_code == 404
        assert client.get(f"/api/v1/challenges/{draft['id']}", headers=h["firm"]).status_code == 200
        assert client.get("/api/v1/challenges/999999", headers=h["firm"]).status_code == 404
        r = client.post(f"/api/v1/challenges/{c['id']}/transition", headers=h["firm"], json={"status": "closed"})
        assert r.status_code == 409 and "不能变更" in r.json()["detail"]

    def test_invite_only_hides_details_until_nda(self, client, people):
        h = people["h"]
        c = post_challenge(client, h, visibility="invite")
        seen = client.get(f"/api/v1/challenges/{c['id']}", headers=h["eng0"]).json()
        assert seen["details_visible"] is False and seen["description"] is None and seen["kpis"] is None
        assert client.post(f"/api/v1/challenges/{c['id']}/bids", headers=h["eng0"],
                           json={"proposal": "未签保密协议的方案", "price": 1}).status_code == 403
        signed = client.post(f"/api/v1/challenges/{c['id']}/nda", headers=h["eng0"]).json()
        assert signed["details_visible"] is True and signed["kpis"] == "内泄量≤5 mL/min"


class TestFiles:
    def test_deliverables_only_for_parties_and_always_downloads(self, client, people):
        h = people["h"]
        c = post_challenge(client, h)
        bid = client.post(f"/api/v1/challenges/{c['id']}/bids", headers=h["eng0"],
                          json={"proposal": "交付一份报告", "price": 1000}).json()
        collab = client.post(f"/api/v1/bids/{bid['id']}/award", headers=h["firm"]).json()
        page = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
        r = client.post(f"/api/v1/collaborations/{collab['id']}/deliverables", headers=h["eng0"],
                        files={"file": ("report.html", page, "text/html")}, data={"note": "网页版报告"})
        assert r.status_code == 201, r.text
        d = r.json()
        url = f"/api/v1/deliverables/{d['id']}/download"
        got = client.get(url, headers=h["firm"])
        assert got.status_code == 200 and got.content == page
        assert got.headers["content-disposition"].startswith("attachment")
        assert got.headers["x-content-type-options"] == "nosniff"
        assert "text/html" not in got.headers["content-type"]
        assert client.get(url, headers=h["eng1"]).status_code == 404
        assert client.get(url, headers=h["other_firm"]).status_code == 404
        assert client.get(url).status_code == 401
        exe = client.post(f"/api/v1/collaborations/{collab['id']}/deliverables", headers=h["eng0"],
                          files={"file": ("tool.pdf", b"MZ\x90\x00" + b"\x00" * 64, "application/pdf")})
        assert exe.status_code == 422 and exe.json()["field"] == "file" and "可执行" in exe.json()["detail"]


class TestInbox:
    def test_each_step_reaches_the_other_party(self, client, session, people):
        h = people["h"]
        c = post_challenge(client, h)
        bid = client.post(f"/api/v1/challenges/{c['id']}/bids", headers=h["eng0"],
                          json={"proposal": "通知测试方案", "price": 10}).json()
        assert unread_count(session, user=people["firm"]) == 1  # an engineer bid on its challenge
        client.post(f"/api/v1/bids/{bid['id']}/award", headers=h["firm"])
        assert unread_count(session, user=people["engineers"][0]) == 1  # awarded
        assert unread_count(session, user=people["engineers"][1]) == 0
        r = client.post(f"/api/v1/challenges/{c['id']}/bids", headers=h["eng1"], json={"proposal": "太晚了的方案"})
        assert r.status_code == 409
        assert unread_count(session, user=people["firm"]) == 1  # a refused request notifies nobody
        collab_id = client.get(f"/api/v1/bids/{bid['id']}", headers=h["eng0"]).json()  # still visible to its author
        assert collab_id["status"] == "awarded"

        collab = session.exec(select(Collaboration).where(Collaboration.bid_id == bid["id"])).one()
        client.post(f"/api/v1/collaborations/{collab.id}/deliver", headers=h["eng0"], json={"note": "请验收"})
        assert unread_count(session, user=people["firm"]) == 3  # work started + delivered
