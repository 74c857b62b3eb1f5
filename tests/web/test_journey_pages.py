"""The whole 揭榜挂帅 journey through the HTML forms (TestClient), and the refusals along it."""

from __future__ import annotations

import re

from core.eventlog import Event
from marketplace.challenges import bids as bid_service
from marketplace.challenges.models import Bid, Challenge
from marketplace.challenges.schemas import BidCreate
from marketplace.execution import service as execution
from marketplace.execution.models import Collaboration, Milestone, Rating
from marketplace.inbox.models import Notification
from tests.factories import make_challenge, make_engineer, make_org, make_user
from tests.helpers import login

FUTURE = "2031-06-30"


def _post(client, url, token, data=None, **kwargs):
    return client.post(url, data={"csrf_token": token, **(data or {})}, follow_redirects=False, **kwargs)


def test_post_form_shows_chinese_errors_next_to_fields(client, session):
    token = login(client, make_user(session, role="sme"))
    resp = _post(client, "/challenges/new", token, {"title": "", "budget": "很多", "deadline": "2031/1/1", "publish": "1"})
    assert resp.status_code == 422
    assert 'id="e-title"' in resp.text and "请填写榜单名称" in resp.text
    assert 'id="e-budget"' in resp.text and "预算应为数字" in resp.text
    assert 'id="e-deadline"' in resp.text and "YYYY-MM-DD" in resp.text
    assert 'id="e-skills"' in resp.text
    assert 'aria-invalid="true"' in resp.text


def test_full_journey_through_the_pages(client, session):
    org = make_org(session)
    firm = make_user(session, role="sme", organisation=org)
    engineer = make_engineer(session, name="钱工", capacity=2)
    eng_user = make_user(session, role="engineer", engineer=engineer)

    token = login(client, firm)
    resp = _post(client, "/challenges/new", token, {
        "title": "回转支承早期失效分析", "description": "回转支承运行三个月出现点蚀，需要找出原因并给出改进方案。",
        "kpis": "寿命提升至5000小时", "ip_terms": "归企业所有", "skills": "轴承、失效分析", "fields": "工程机械",
        "budget": "45", "deadline": FUTURE, "region": "长沙市", "scheme": "single", "visibility": "public",
        "publish": "1"})
    assert resp.status_code == 303, resp.text
    challenge_id = int(resp.headers["location"].rsplit("/", 1)[1])
    challenge = session.get(Challenge, challenge_id)
    assert challenge.status == "open" and challenge.budget == 450000 and challenge.skills == ["轴承", "失效分析"]

    client.cookies.clear()
    token = login(client, eng_user)
    detail = client.get(f"/challenges/{challenge_id}")
    assert "揭榜申请" in detail.text and 'name="proposal"' in detail.text
    bad = _post(client, f"/challenges/{challenge_id}/bids", token, {"proposal": "", "price": "x"},
                headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "请填写揭榜方案" in bad.text and "<html" not in bad.text
    ok = _post(client, f"/challenges/{challenge_id}/bids", token,
               {"proposal": "金相分析与载荷谱测试，优化滚道热处理。", "price": "420000", "schedule_days": "90"},
               headers={"HX-Request": "true"})
    assert ok.status_code == 200 and "我的揭榜申请" in ok.text
    bid = session.query(Bid).filter_by(challenge_id=challenge_id).one()

    client.cookies.clear()
    token = login(client, firm)
    compare = client.get(f"/challenges/{challenge_id}/bids")
    assert "钱工" in compare.text and "¥420,000.00" in compare.text
    resp = _post(client, f"/bids/{bid.id}/award", token, {"contract_kind": "技术开发", "service_type": "研发设计"})
    assert resp.status_code == 303
    collab = session.query(Collaboration).filter_by(challenge_id=challenge_id).one()
    assert resp.headers["location"] == f"/collaborations/{collab.id}"
    assert _post(client, f"/bids/{bid.id}/award", token,
                 {"contract_kind": "技术开发", "service_type": "研发设计"}).status_code == 409

    client.cookies.clear()
    token = login(client, eng_user)
    assert _post(client, f"/collaborations/{collab.id}/milestones", token,
                 {"title": "失效分析报告", "amount": "200000", "due_date": FUTURE}).status_code == 303
    milestone = session.query(Milestone).filter_by(collaboration_id=collab.id).one()
    partial = _post(client, f"/milestones/{milestone.id}/submit", token, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "待验收" in partial.text
    assert _post(client, f"/collaborations/{collab.id}/worklogs", token,
                 {"day": "2026-11-28", "hours": "6.5", "note": "金相试样制备"}).status_code == 303
    assert _post(client, f"/collaborations/{collab.id}/worklogs", token,
                 {"day": "2026-11-28", "hours": "30"}).status_code == 422
    upload = _post(client, f"/collaborations/{collab.id}/deliverables", token, {"note": "报告"},
                   files={"file": ("报告.pdf", b"%PDF-1.4\n%test\n", "application/pdf")})
    assert upload.status_code == 303, upload.text
    work = client.get(f"/collaborations/{collab.id}")
    file_link = re.search(r'href="(/collaborations/\d+/files/\d+)"', work.text).group(1)
    download = client.get(file_link)
    assert download.status_code == 200 and download.headers["content-disposition"].startswith("attachment")
    assert _post(client, f"/collaborations/{collab.id}/deliver", token, {"note": "全部完成"}).status_code == 303

    client.cookies.clear()
    token = login(client, firm)
    assert _post(client, f"/milestones/{milestone.id}/accept", token).status_code == 303
    missing = _post(client, f"/collaborations/{collab.id}/accept", token, {"quality": "5"})
    assert missing.status_code == 422 and "请为及时性打分" in missing.text
    assert _post(client, f"/collaborations/{collab.id}/accept", token,
                 {"quality": "5", "timeliness": "4", "communication": "5", "comment": "分析透彻"}).status_code == 303
    session.refresh(collab)
    assert collab.status == "accepted"
    rating = session.query(Rating).filter_by(collaboration_id=collab.id).one()
    assert (rating.overall, rating.quality, rating.timeliness) == (5, 5, 4)
    profile = client.get(f"/engineers/{engineer.id}")
    assert "分析透彻" in profile.text and "1 条企业评价" in profile.text
    kinds = [e.kind for e in session.query(Event).filter_by(challenge_id=challenge_id).order_by(Event.id)]
    for kind in ("challenge.published", "bid.created", "challenge.awarded", "milestone.submitted", "worklog.added",
                 "deliverable.uploaded", "collaboration.delivered", "collaboration.accepted", "rating.created"):
        assert kind in kinds


def test_other_parties_cannot_act(client, session):
    challenge = make_challenge(session)
    bid = Bid(challenge_id=challenge.id, engineer_id=make_engineer(session).id, proposal="方案方案方案")
    session.add(bid)
    session.flush()
    token = login(client, make_user(session, role="sme"))  # a different firm
    assert _post(client, f"/bids/{bid.id}/award", token, {"contract_kind": "技术开发",
                                                          "service_type": "研发设计"}).status_code == 404
    assert _post(client, f"/bids/{bid.id}/reject", token, {"reason": "不合适"}).status_code == 404
    client.cookies.clear()
    token = login(client, make_user(session, role="engineer"))
    assert _post(client, f"/bids/{bid.id}/withdraw", token).status_code == 404
    assert _post(client, "/challenges/new", token, {"title": "工程师发榜"}).status_code == 403


def test_draft_then_publish_then_cancel(client, session):
    org = make_org(session)
    token = login(client, make_user(session, role="sme", organisation=org))
    resp = _post(client, "/challenges/new", token, {"title": "草稿后发布的榜单", "description": "先存草稿，再发布，最后撤榜。",
                                                    "kpis": "指标", "skills": "焊接", "publish": "0"})
    assert resp.status_code == 303
    challenge = session.get(Challenge, int(resp.headers["location"].rsplit("/", 1)[1]))
    assert challenge.status == "draft"
    page = client.get(f"/challenges/{challenge.id}")
    assert "发布榜单" in page.text and "草稿" in page.text
    assert _post(client, f"/challenges/{challenge.id}/publish", token).status_code == 303
    session.refresh(challenge)
    assert challenge.status == "open"
    assert _post(client, f"/challenges/{challenge.id}/cancel", token, {"reason": "需求调整"}).status_code == 303
    session.refresh(challenge)
    assert challenge.status == "cancelled"
    assert "已撤榜" in client.get(f"/challenges/{challenge.id}").text


def test_nda_opens_the_details_and_the_bid_form(client, session):
    challenge = make_challenge(session, title="定向保密榜单", visibility="invite")
    token = login(client, make_user(session, role="engineer"))
    page = client.get(f"/challenges/{challenge.id}")
    assert "签署保密协议" in page.text and 'name="proposal"' not in page.text
    assert _post(client, f"/challenges/{challenge.id}/nda", token, {"agree": "1"}).status_code == 303
    page = client.get(f"/challenges/{challenge.id}")
    assert "内泄量≤5 mL/min" in page.text and 'name="proposal"' in page.text


def test_reject_delivery_then_engineer_rates_the_firm(client, session):
    org = make_org(session)
    firm = make_user(session, role="sme", organisation=org)
    engineer = make_engineer(session, name="吴工")
    eng_user = make_user(session, role="engineer", engineer=engineer)
    challenge = make_challenge(session, company=org, title="退回再交付的榜单")
    bid = bid_service.submit_bid(session, challenge=challenge, data=BidCreate(proposal="方案说明文字"), by=eng_user)
    collab = bid_service.award(session, challenge=challenge, bid=bid, by=firm)
    execution.deliver(session, collaboration=collab, challenge=challenge, by=eng_user, note="第一次交付")

    token = login(client, firm)
    assert _post(client, f"/collaborations/{collab.id}/reject", token, {"reason": ""}).status_code == 422
    assert _post(client, f"/collaborations/{collab.id}/reject", token,
                 {"reason": "噪声指标未达标"}).status_code == 303
    session.refresh(collab)
    assert collab.status == "in_progress"
    execution.deliver(session, collaboration=collab, challenge=challenge, by=eng_user, note="第二次交付")
    assert _post(client, f"/collaborations/{collab.id}/accept", token,
                 {"quality": "4", "timeliness": "3", "communication": "5"}).status_code == 303

    client.cookies.clear()
    token = login(client, eng_user)
    page = client.get(f"/collaborations/{collab.id}")
    assert "评价发榜企业" in page.text and "对企业的需求描述" in page.text
    assert _post(client, f"/collaborations/{collab.id}/rate", token,
                 {"quality": "5", "timeliness": "5", "communication": "4", "comment": "需求清晰"}).status_code == 303
    rating = session.query(Rating).filter_by(collaboration_id=collab.id, direction="engineer_to_firm").one()
    assert rating.organisation_id == org.id and rating.comment == "需求清晰"
    page = client.get(f"/collaborations/{collab.id}")
    assert "工程师评企业" in page.text and "评价发榜企业" not in page.text


def test_a_bid_made_on_the_page_reaches_the_firms_inbox(client, session):
    org = make_org(session)
    firm = make_user(session, role="sme", organisation=org)
    challenge = make_challenge(session, company=org, title="减速机温升超标")
    eng_user = make_user(session, role="engineer", engineer=make_engineer(session, name="孙工"))
    token = login(client, eng_user)
    ok = _post(client, f"/challenges/{challenge.id}/bids", token,
               {"proposal": "热平衡计算后优化润滑油路。", "price": "80000", "schedule_days": "45"},
               headers={"HX-Request": "true"})
    assert ok.status_code == 200, ok.text
    inbox = session.query(Notification).filter_by(user_id=firm.id).all()
    assert inbox, "the firm was not notified of the bid"
    assert any("减速机温升超标" in (n.title + (n.body or "")) for n in inbox)
