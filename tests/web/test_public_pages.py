"""Public pages: the hall with search and filters, challenge detail, engineer directory."""

from __future__ import annotations

from decimal import Decimal

from tests.factories import make_challenge, make_engineer, make_user
from tests.helpers import login


def test_hall_lists_published_challenges_with_chinese_money_and_dates(client, session):
    make_challenge(session, title="装载机转向阀抖动", budget=Decimal("1200000"))
    make_challenge(session, title="草稿不应出现", status="draft")
    page = client.get("/challenges")
    assert page.status_code == 200
    assert "揭榜大厅" in page.text and "装载机转向阀抖动" in page.text
    assert "120万元" in page.text and "年" in page.text
    assert "草稿不应出现" not in page.text


def test_hall_search_answers_htmx_with_only_the_results(client, session):
    make_challenge(session, title="装载机转向阀抖动")
    make_challenge(session, title="数控机床热变形补偿")
    partial = client.get("/challenges", params={"q": "热变形"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "数控机床热变形补偿" in partial.text and "装载机转向阀抖动" not in partial.text
    assert "<html" not in partial.text  # a fragment, not the page
    full = client.get("/challenges", params={"q": "热变形"})
    assert "<html" in full.text and 'value="热变形"' in full.text


def test_hall_bad_filter_is_reported_not_a_server_error(client, session):
    page = client.get("/challenges", params={"budget_min": "很多", "deadline_to": "明天", "page": "-3"})
    assert page.status_code == 200
    assert "最低预算应为数字" in page.text


def test_hall_paginates(client, session):
    for i in range(12):
        make_challenge(session, title=f"分页测试榜单{i:02d}")
    first = client.get("/challenges", params={"q": "分页测试"})
    assert "第 1 / 2 页" in first.text and "下一页" in first.text
    second = client.get("/challenges", params={"q": "分页测试", "page": "2"})
    assert "第 2 / 2 页" in second.text


def test_challenge_detail_shows_the_notice(client, session):
    challenge = make_challenge(session, title="装载机转向阀抖动")
    page = client.get(f"/challenges/{challenge.id}")
    assert page.status_code == 200
    for text in ("主要技术难题", "核心指标", "内泄量≤5 mL/min", "产权归属", "揭榜方条件", "30万元"):
        assert text in page.text
    assert client.get("/challenges/999999").status_code == 404


def test_draft_is_private_to_its_firm(client, session):
    draft = make_challenge(session, title="未发布草稿", status="draft")
    assert client.get(f"/challenges/{draft.id}").status_code == 404


def test_invite_only_needs_nda_before_details(client, session):
    challenge = make_challenge(session, title="定向邀请榜单", visibility="invite")
    anonymous = client.get(f"/challenges/{challenge.id}")
    assert "定向邀请" in anonymous.text and "内泄量≤5 mL/min" not in anonymous.text
    engineer = make_user(session, role="engineer")
    login(client, engineer)
    page = client.get(f"/challenges/{challenge.id}")
    assert "签署保密协议" in page.text and "内泄量≤5 mL/min" not in page.text


def test_engineer_directory_and_profile(client, session):
    engineer = make_engineer(session, name="赵工", skills=["激光熔覆", "再制造"])
    listing = client.get("/engineers", params={"q": "激光熔覆"})
    assert listing.status_code == 200 and "赵工" in listing.text
    profile = client.get(f"/engineers/{engineer.id}")
    assert profile.status_code == 200
    assert "市场评价" in profile.text and "暂无评价" in profile.text and "激光熔覆" in profile.text
