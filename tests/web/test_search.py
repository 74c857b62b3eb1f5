"""The search box finds what a person typed, in Chinese, on both databases.

Assertions look only at the rows each test creates, so rows other tests left
behind cannot change the outcome.
"""

from __future__ import annotations

from decimal import Decimal

from marketplace.challenges.search import HallQuery, search_challenges, search_engineers
from talent.models import PoolMembership
from tests.factories import make_center, make_challenge, make_engineer


def found(page, *objects) -> set[int]:
    """Which of `objects` the page contains."""
    wanted = {o.id for o in objects}
    return {item.id for item in page.items} & wanted


def hall(session, **kwargs):
    return search_challenges(session, HallQuery(**kwargs))


def test_trigram_and_short_terms_find_chinese_text(session):
    valve = make_challenge(session, title="装载机转向阀抖动", skills=["液压", "振动"])
    lathe = make_challenge(session, title="数控机床热变形补偿", skills=["CNC", "热误差建模"])
    assert found(hall(session, q="转向阀"), valve, lathe) == {valve.id}
    assert found(hall(session, q="热变形"), valve, lathe) == {lathe.id}
    # two characters: below the trigram length, answered by LIKE
    assert found(hall(session, q="机床"), valve, lathe) == {lathe.id}
    # skills are searchable although stored as JSON
    assert found(hall(session, q="热误差建模"), valve, lathe) == {lathe.id}
    assert found(hall(session, q="cnc"), valve, lathe) == {lathe.id}
    # every term must match
    assert found(hall(session, q="机床 振动"), valve, lathe) == set()
    assert found(hall(session, q="转向阀 振动"), valve, lathe) == {valve.id}


def test_search_follows_updates_and_hides_drafts(session):
    challenge = make_challenge(session, title="焊接机器人路径规划")
    draft = make_challenge(session, title="焊接草稿榜单", status="draft")
    assert found(hall(session, q="焊接"), challenge, draft) == {challenge.id}
    challenge.title = "喷涂机器人路径规划"
    session.add(challenge)
    session.flush()
    assert found(hall(session, q="焊接机器人"), challenge) == set()
    assert found(hall(session, q="喷涂机器人"), challenge) == {challenge.id}


def test_filters_combine(session):
    high = make_challenge(session, title="高预算电池热管理", budget=Decimal("800000"))
    low = make_challenge(session, title="低预算电池热管理", budget=Decimal("50000"))
    assert found(hall(session, q="电池热管理", budget_min=Decimal("100000")), high, low) == {high.id}
    assert found(hall(session, q="电池热管理", field="工程机械", region="长沙市"), high, low) == {high.id, low.id}
    assert found(hall(session, q="电池热管理", field="生物医药"), high, low) == set()
    assert found(hall(session, q="电池热管理", kind="consultation"), high, low) == set()


def test_engineer_directory_by_center_and_skill(session):
    center = make_center(session)
    inside = make_engineer(session, name="李工", skills=["轨道交通牵引", "变流器"])
    outside = make_engineer(session, name="王工", skills=["轨道交通牵引"])
    session.add(PoolMembership(center_id=center.id, engineer_id=inside.id))
    session.flush()
    assert found(search_engineers(session, q="牵引", center_id=center.id), inside, outside) == {inside.id}
    assert found(search_engineers(session, skill="轨道交通牵引"), inside, outside) == {inside.id, outside.id}
    assert found(search_engineers(session, q="变流器"), inside, outside) == {inside.id}
