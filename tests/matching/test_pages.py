"""The 推荐工程师 partial and the 为你推荐 feed, as a signed-in person sees them."""

from __future__ import annotations

from tests.factories import make_challenge, make_org, make_user
from tests.helpers import api_headers


def test_firm_sees_recommended_engineers_partial(client, session, pool):
    org = make_org(session)
    make_user(session, role="sme", username="p-firm", organisation=org)
    ch = make_challenge(session, company=org, title="多路阀内泄", skills=["液压", "PLC"])
    r = client.get(f"/challenges/{ch.id}/recommended", headers={**api_headers(client, "p-firm"), "HX-Request": "true"})
    assert r.status_code == 200
    assert "推荐工程师" in r.text and "李液压" in r.text and "技能: " in r.text
    assert "<html" not in r.text.lower()  # a fragment for htmx


def test_engineer_cannot_see_who_else_is_recommended(client, session, pool):
    ch = make_challenge(session, title="多路阀内泄", skills=["液压"])
    make_user(session, role="engineer", username="p-eng", engineer=pool["M-PLC"])
    assert client.get(f"/challenges/{ch.id}/recommended", headers=api_headers(client, "p-eng")).status_code == 403


def test_engineer_feed_page(client, session, pool):
    make_challenge(session, title="多路阀内泄治理", skills=["液压"])
    make_challenge(session, title="绝密阀门项目", skills=["液压"], visibility="invite")
    make_user(session, role="engineer", username="p-eng2", engineer=pool["M-HYD"])
    r = client.get("/engineer/recommended", headers=api_headers(client, "p-eng2"))
    assert r.status_code == 200
    assert "为你推荐" in r.text and "多路阀内泄治理" in r.text
    assert "绝密阀门项目" not in r.text and "邀约制榜单" in r.text
