"""Firm and engineer workspaces: what each side sees, and who may not."""

from __future__ import annotations

from decimal import Decimal

from marketplace.challenges.models import Bid
from marketplace.execution.models import Collaboration, CollaborationMember, Milestone
from tests.factories import make_challenge, make_engineer, make_org, make_user
from tests.helpers import login


def _awarded(session, firm_org, engineer):
    challenge = make_challenge(session, company=firm_org, title="输送带跑偏自动纠偏", status="in_progress")
    bid = Bid(challenge_id=challenge.id, engineer_id=engineer.id, proposal="激光测偏+液压纠偏", price=Decimal("150000"),
              status="awarded")
    session.add(bid)
    session.flush()
    collab = Collaboration(challenge_id=challenge.id, bid_id=bid.id, lead_engineer_id=engineer.id,
                           amount=Decimal("150000"))
    session.add(collab)
    session.flush()
    session.add(CollaborationMember(collaboration_id=collab.id, engineer_id=engineer.id, role="lead"))
    session.add(Milestone(collaboration_id=collab.id, seq=1, title="方案设计", amount=Decimal("50000"), status="submitted"))
    session.flush()
    return challenge, bid, collab


def test_firm_workspace_groups_challenges_by_state(client, session):
    org = make_org(session)
    firm = make_user(session, role="sme", organisation=org)
    make_challenge(session, company=org, title="我的草稿榜单", status="draft")
    make_challenge(session, company=org, title="我的揭榜中榜单")
    make_challenge(session, title="别家企业的榜单")
    login(client, firm)
    page = client.get("/firm")
    assert page.status_code == 200
    assert "企业工作台" in page.text and "我的草稿榜单" in page.text and "我的揭榜中榜单" in page.text
    assert "别家企业的榜单" not in page.text
    assert "草稿" in page.text and "揭榜中" in page.text


def test_workspaces_are_role_bound(client, session):
    login(client, make_user(session, role="engineer"))
    assert client.get("/firm").status_code == 403
    assert client.get("/challenges/new").status_code == 403


def test_engineer_workspace_and_collaboration(client, session):
    org = make_org(session)
    engineer = make_engineer(session, name="孙工")
    user = make_user(session, role="engineer", engineer=engineer)
    challenge, bid, collab = _awarded(session, org, engineer)
    login(client, user)
    home = client.get("/engineer")
    assert home.status_code == 200
    assert "输送带跑偏自动纠偏" in home.text and "方案设计" in home.text and "挂帅" in home.text
    work = client.get(f"/collaborations/{collab.id}")
    assert work.status_code == 200
    assert "里程碑" in work.text and "工作日志" in work.text and "¥150,000.00" in work.text


def test_strangers_cannot_see_a_collaboration_or_the_bids(client, session):
    org = make_org(session)
    engineer = make_engineer(session)
    challenge, bid, collab = _awarded(session, org, engineer)
    login(client, make_user(session, role="sme"))  # another firm
    assert client.get(f"/collaborations/{collab.id}").status_code == 404
    assert client.get(f"/challenges/{challenge.id}/bids").status_code == 404
    client.cookies.clear()
    login(client, make_user(session, role="sme", organisation=org))
    bids = client.get(f"/challenges/{challenge.id}/bids")
    assert bids.status_code == 200 and "揭榜申请比较" in bids.text and "¥150,000.00" in bids.text
    work = client.get(f"/collaborations/{collab.id}")
    assert "验收通过" in work.text and "退回修改" in work.text  # the firm decides on the submitted milestone


def test_engineer_edits_profile_with_chinese_errors(client, session):
    engineer = make_engineer(session, name="周工")
    user = make_user(session, role="engineer", engineer=engineer)
    token = login(client, user)
    form = client.get("/engineer/profile")
    assert form.status_code == 200 and "我的档案与技能" in form.text
    bad = client.post("/engineer/profile", data={"csrf_token": token, "name": "", "skills": "", "capacity": "很多"})
    assert bad.status_code == 422
    assert "请填写姓名" in bad.text and "请至少填写一项技能" in bad.text and "应为整数" in bad.text
    ok = client.post("/engineer/profile", data={"csrf_token": token, "name": "周工", "skills": "注塑模具、CAE 仿真",
                                                "capacity": "3", "available": "1"}, follow_redirects=False)
    assert ok.status_code == 303
    session.refresh(engineer)
    assert engineer.skills == ["注塑模具", "CAE 仿真"] and engineer.capacity == 3
    assert client.post("/engineer/profile", data={"name": "x"}).status_code == 403  # no CSRF token
