"""The search box finds what a person typed, in Chinese, on both databases."""

from __future__ import annotations

from decimal import Decimal

from marketplace.search import HallQuery, search_challenges, search_engineers
from tests.factories import make_center, make_challenge, make_engineer


def titles(page) -> set[str]:
    return {c.title for c in page.items}


def test_trigram_and_short_terms_find_chinese_text(session):
    make_challenge(session, title="装载机转向阀抖动", skills=["液压", "振动"])
    make_challenge(session, title="数控机床热变形补偿", skills=["CNC", "热误差建模"])
    assert titles(search_challenges(session, HallQuery(q="转向阀"))) == {"装载机转向阀抖动"}
    assert titles(search_challenges(session, HallQuery(q="热变形"))) == {"数控机床热变形补偿"}
    # two characters: below the trigram length, answered by LIKE
    assert titles(search_challenges(session, HallQuery(q="机床"))) == {"数控机床热变形补偿"}
    # skills are searchable although stored as JSON
    assert titles(search_challenges(session, HallQuery(q="热误差建模"))) == {"数控机床热变形补偿"}
    assert titles(search_challenges(session, HallQuery(q="cnc"))) == {"数控机床热变形补偿"}
    # every term must match
    assert titles(search_challenges(session, HallQuery(q="机床 液压"))) == set()


def test_search_follows_updates_and_hides_drafts(session):
    challenge = make_challenge(session, title="焊接机器人路径规划")
    make_challenge(session, title="焊接草稿榜单", status="draft")
    assert titles(search_challenges(session, HallQuery(q="焊接"))) == {"焊接机器人路径规划"}
    challenge.title = "喷涂机器人路径规划"
    session.add(challenge)
    session.flush()
    assert titles(search_challenges(session, HallQuery(q="焊接机器人"))) == set()
    assert titles(search_challenges(session, HallQuery(q="喷涂机器人"))) == {"喷涂机器人路径规划"}


def test_filters_combine(session):
    make_challenge(session, title="高预算电池热管理", budget=Decimal("800000"))
    make_challenge(session, title="低预算电池热管理", budget=Decimal("50000"))
    page = search_challenges(session, HallQuery(q="电池热管理", budget_min=Decimal("100000")))
    assert titles(page) == {"高预算电池热管理"}
    page = search_challenges(session, HallQuery(q="电池热管理", field="工程机械", region="长沙市"))
    assert page.total == 2
    assert search_challenges(session, HallQuery(q="电池热管理", field="生物医药")).total == 0


def test_engineer_directory_by_center_and_skill(session):
    from centers.models import PoolMembership

    center = make_center(session)
    inside = make_engineer(session, name="李工", skills=["轨道交通牵引", "变流器"])
    make_engineer(session, name="王工", skills=["轨道交通牵引"])
    session.add(PoolMembership(center_id=center.id, engineer_id=inside.id))
    session.flush()
    names = lambda page: {e.name for e in page.items}  # noqa: E731
    assert names(search_engineers(session, q="牵引", center_id=center.id)) == {"李工"}
    assert {"李工", "王工"} <= names(search_engineers(session, skill="轨道交通牵引"))
    assert names(search_engineers(session, q="变流器")) == {"李工"}
