"""The full 揭榜挂帅 journey through the API, with exactly one log event per step, in order."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from accounts.service import issue_token
from core.clock import today
from core.eventlog import Event
from tests.factories import make_center, make_engineer, make_org, make_user

DEADLINE = str(today() + timedelta(days=15))


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user)}"}


def test_post_three_bids_award_milestones_deliver_reject_redeliver_accept_ratings_shares(client, session):
    center = make_center(session)
    firm = make_user(session, role="sme", organisation=make_org(session))
    engineers = [make_user(session, role="engineer", engineer=make_engineer(session, name=f"工程师{i}"))
                 for i in range(3)]
    session.commit()
    f, e = bearer(firm), [bearer(u) for u in engineers]

    def ok(response, code=200):
        assert response.status_code == code, response.text
        return response.json()

    c = ok(client.post("/api/v1/challenges", headers=f, json={
        "title": "盾构机主轴承密封寿命提升", "description": "主轴承密封在高水压下寿命不足 2000 小时",
        "kpis": "寿命≥5000小时", "budget": 500000, "deadline": DEADLINE, "center": center.name,
        "solver_conditions": "具备密封仿真与台架试验能力", "ip_terms": "双方共有"}), 201)
    bid_ids = [ok(client.post(f"/api/v1/challenges/{c['id']}/bids", headers=e[i],
                              json={"proposal": f"方案{i}", "price": 300000 + i * 10000, "schedule_days": 120}), 201)["id"]
               for i in range(3)]
    k = ok(client.post(f"/api/v1/bids/{bid_ids[1]}/award", headers=f, json={"reason": "综合评审未入选"}))
    base = f"/api/v1/collaborations/{k['id']}"
    m1 = ok(client.post(f"{base}/milestones", headers=f, json={"title": "密封结构仿真", "amount": 100000}), 201)
    m2 = ok(client.post(f"{base}/milestones", headers=e[1], json={"title": "台架试验", "amount": 200000}), 201)
    for m in (m1, m2):
        ok(client.post(f"/api/v1/milestones/{m['id']}/submit", headers=e[1]))
        ok(client.post(f"/api/v1/milestones/{m['id']}/accept", headers=f))
    ok(client.post(f"{base}/deliver", headers=e[1], json={"note": "台架试验 3000 小时"}))
    ok(client.post(f"{base}/reject", headers=f, json={"reason": "寿命未达 5000 小时"}))
    ok(client.post(f"{base}/deliver", headers=e[1], json={"note": "改进后 5200 小时"}))
    done = ok(client.post(f"{base}/accept", headers=f, json={"rating": 5, "quality": 5, "timeliness": 4,
                                                             "communication": 5, "comment": "超出预期"}))
    assert done["status"] == "accepted" and done["challenge_status"] == "accepted"
    ok(client.post(f"{base}/ratings", headers=e[1], json={"rating": 5, "comment": "企业试验条件完备"}), 201)
    ok(client.post(f"{base}/shares", headers=f, json={"kind": "项目奖励", "total_amount": 100000, "lines": [
        {"party_kind": "engineer", "engineer_id": engineers[1].engineer_id, "percent": 70},
        {"party_kind": "center", "center_id": center.id, "percent": 10}]}), 201)
    ok(client.post(f"/api/v1/challenges/{c['id']}/transition", headers=f, json={"status": "closed"}))

    log = session.exec(select(Event).where(Event.challenge_id == c["id"]).order_by(col(Event.id))).all()
    assert [ev.kind for ev in log] == [
        "challenge.created", "challenge.published",
        "bid.created", "bid.created", "bid.created",
        "challenge.awarded", "bid.rejected", "bid.rejected",
        "collaboration.started", "milestone.created", "milestone.created",
        "milestone.submitted", "milestone.accepted", "milestone.submitted", "milestone.accepted",
        "collaboration.delivered", "collaboration.rejected", "collaboration.delivered", "collaboration.accepted",
        "rating.created", "rating.created", "share.recorded", "challenge.closed",
    ]
    assert all(ev.organisation_id == firm.organisation_id and ev.center_id == center.id for ev in log)
    after_award = log[5:]
    assert all(ev.collaboration_id == k["id"] for ev in after_award if not ev.kind.startswith("bid."))
    losers = [ev for ev in log if ev.kind == "bid.rejected"]
    assert {ev.engineer_id for ev in losers} == {engineers[0].engineer_id, engineers[2].engineer_id}
    assert all(ev.data["reason"] == "综合评审未入选" for ev in losers)


def test_contest_with_two_finalists(client, session):
    firm = make_user(session, role="sme", organisation=make_org(session))
    engineers = [make_user(session, role="engineer", engineer=make_engineer(session, name=f"赛马{i}")) for i in range(3)]
    session.commit()
    f, e = bearer(firm), [bearer(u) for u in engineers]
    c = client.post("/api/v1/challenges", headers=f, json={"title": "焊缝缺陷视觉检测", "scheme": "contest",
                                                          "description": "以样机检出率比拼", "deadline": DEADLINE}).json()
    ids = [client.post(f"/api/v1/challenges/{c['id']}/bids", headers=e[i], json={"proposal": f"视觉方案{i}"}).json()["id"]
           for i in range(3)]
    finalists = client.post(f"/api/v1/challenges/{c['id']}/shortlist", headers=f, json={"bid_ids": ids[:2]})
    assert [b["status"] for b in finalists.json()] == ["shortlisted", "shortlisted"]
    assert client.post(f"/api/v1/bids/{ids[2]}/award", headers=f).status_code == 409
    assert client.post(f"/api/v1/bids/{ids[0]}/award", headers=f,
                       json={"reason": "样机检出率 92%，低于中选方案的 97%"}).status_code == 200
    runner_up = client.get(f"/api/v1/bids/{ids[1]}", headers=e[1]).json()
    assert runner_up["status"] == "rejected" and "97%" in runner_up["reason"]
    assert client.get(f"/api/v1/bids/{ids[2]}", headers=e[2]).json()["status"] == "rejected"
