"""What a firm sees when it asks for engineers: order, reasons, synonyms, diversity, bad input."""

from __future__ import annotations

import re
import socket
import time

import pytest
from sqlmodel import select

from core.errors import Invalid
from core.settings import get_settings
from marketplace.challenges.schemas import ChallengeUpdate
from marketplace.challenges.service import update_challenge
from matching import service
from matching.fusion import NO_DIVERSITY
from talent.models import Engineer
from tests.factories import make_challenge, make_org, make_user
from tests.matching.conftest import add_engineer

CJK = re.compile(r"[\u4e00-\u9fff]")


def _challenge(session, *, title, description, skills, fields=("工程机械",), **kw):
    ch = make_challenge(session, title=title, skills=list(skills), **kw)
    ch.description = description
    ch.fields = list(fields)
    session.add(ch)
    session.flush()
    return ch


class TestContract:
    def test_shape_order_and_reasons(self, session, pool):
        ch = _challenge(session, title="挖掘机主阀内泄", description="主控阀高温下内泄量超标，压力波动大，需要优化阀芯与密封。",
                        skills=["液压"])
        body = service.match_challenge(session, challenge=ch, top=5)
        assert set(body) >= {"challenge", "matches"}
        assert body["challenge"] == ch.id
        assert 1 <= len(body["matches"]) <= 5
        scores = [m["score"] for m in body["matches"]]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)
        first = body["matches"][0]
        assert first["engineer"] == "M-HYD"
        assert set(first) == {"engineer", "score", "reasons"}
        assert first["reasons"] and all(CJK.search(r) for r in first["reasons"])
        assert any(r.startswith("技能: ") and "液压" in r for r in first["reasons"])

    def test_rank_engineers_returns_ids_scores_reasons(self, session, pool):
        ch = _challenge(session, title="储能电站电池SOC误差大", description="电池管理系统荷电状态估算误差超过5%，均衡效率低。",
                        skills=["BMS"], fields=["先进储能材料"])
        ranked = service.rank_engineers(session, challenge=ch, top=3)
        assert ranked[0][0] == pool["M-BMS"].id
        assert isinstance(ranked[0][1], float) and isinstance(ranked[0][2], list)

    def test_skill_synonym_finds_the_engineer(self, session, pool):
        # The firm writes "PLC"; the engineer wrote "可编程逻辑控制器" and never "PLC".
        ch = _challenge(session, title="PLC 程序改造", description="老产线的 PLC 程序需要重写，增加故障自诊断。",
                        skills=["PLC"])
        body = service.match_challenge(session, challenge=ch, top=3)
        assert body["matches"][0]["engineer"] == "M-PLC"
        assert any("可编程逻辑控制器" in r for r in body["matches"][0]["reasons"])

    def test_cae_synonym(self, session, pool):
        ch = _challenge(session, title="臂架CAE分析", description="泵车臂架需要做 CAE 计算，找出开裂位置并减重。", skills=["CAE"])
        assert service.match_challenge(session, challenge=ch, top=3)["matches"][0]["engineer"] == "M-CAE"

    def test_region_reason(self, session, pool):
        ch = _challenge(session, title="挖掘机主阀内泄", description="多路阀内泄。", skills=["液压"])
        reasons = service.match_challenge(session, challenge=ch, top=1)["matches"][0]["reasons"]
        assert "同在长沙市" in reasons

    def test_top_is_validated(self, session, pool):
        ch = _challenge(session, title="液压", description="液压阀", skills=["液压"])

        with pytest.raises(Invalid):
            service.match_challenge(session, challenge=ch, top=0)


class TestDiversity:
    def test_top_k_spreads_over_centers(self, session, pool):
        a = pool["_centers"]["cm"]
        b = pool["_centers"]["rail"]
        for n in range(4):
            add_engineer(session, ext=f"D-A{n}", name=f"甲{n}", skills=["液压系统", "多路阀", "电液比例控制"],
                         bio="挖掘机多路阀液压系统设计与内泄治理。", fields=["工程机械"], center=a)
        add_engineer(session, ext="D-B0", name="乙0", skills=["液压系统"], bio="液压系统设计。",
                     fields=["工程机械"], region="株洲市", center=b)
        ch = _challenge(session, title="多路阀内泄", description="挖掘机多路阀液压系统内泄，电液比例控制不稳。",
                        skills=["液压", "电液比例控制"])
        plain = service.rank_engineers(session, challenge=ch, top=4, diversity=NO_DIVERSITY)
        diverse = service.rank_engineers(session, challenge=ch, top=4)
        ext = {e.id: e.external_id for e in session.exec(select(Engineer)).all()}
        assert "D-B0" not in [ext[i] for i, _, _ in plain]
        assert "D-B0" in [ext[i] for i, _, _ in diverse]
        scores = [s for _, s, _ in diverse]
        assert scores == sorted(scores, reverse=True)


class TestBadInput:
    def test_empty_text_answers_no_match_with_reason(self, session, pool):
        ch = _challenge(session, title="  ", description="   ", skills=[" "], fields=[])
        ch.kpis = None
        body = service.match_challenge(session, challenge=ch)
        assert body["matches"] == []
        assert "无法匹配" in body["note"]

    @pytest.mark.parametrize("text", ["🔧🔧🔧 液压 🚜", "挖掘機液壓閥內洩", "hydraulic valve leakage", "123456 789"])
    def test_odd_texts_rank_without_error(self, session, pool, text):
        ch = _challenge(session, title=text, description=text, skills=[])
        body = service.match_challenge(session, challenge=ch, top=3)
        assert isinstance(body["matches"], list)

    def test_traditional_characters_find_the_hydraulic_engineer(self, session, pool):
        ch = _challenge(session, title="液壓系統內洩", description="挖掘機多路閥液壓系統壓力波動。", skills=["液壓"])
        assert service.match_challenge(session, challenge=ch, top=1)["matches"][0]["engineer"] == "M-HYD"

    def test_huge_description_is_fast(self, session, pool):
        service.match_challenge(session, challenge=_challenge(session, title="预热", description="液压", skills=[]), top=1)
        ch = _challenge(session, title="液压", description="液压阀内泄，" * 10_000, skills=["液压"])
        started = time.perf_counter()
        body = service.match_challenge(session, challenge=ch, top=3)
        assert body["matches"][0]["engineer"] == "M-HYD"
        assert time.perf_counter() - started < 20  # generous: the cores are shared


def test_matching_needs_no_network(session, pool, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    ch = _challenge(session, title="SOC 误差", description="BMS 荷电状态估算不准。", skills=["BMS"],
                    fields=["先进储能材料"])
    assert service.match_challenge(session, challenge=ch, top=2)["matches"][0]["engineer"] == "M-BMS"


def test_reverse_feed_lists_open_challenges_and_hides_invite_only_details(session, pool):
    org = make_org(session)
    public = _challenge(session, title="多路阀内泄治理", description="挖掘机多路阀内泄。", skills=["液压"], company=org)
    secret = _challenge(session, title="绝密液压项目", description="新型电液比例多路阀样机。", skills=["液压"],
                        company=org, visibility="invite")
    _challenge(session, title="已关闭的液压榜", description="液压阀。", skills=["液压"], company=org, status="closed")
    body = service.match_engineer(session, engineer=pool["M-HYD"], top=10)
    got = {m["challenge"]: m for m in body["matches"]}
    assert set(got) == {public.id, secret.id}
    assert got[secret.id]["reasons"] == ["邀约制榜单：签署保密协议后可查看详情"]
    assert not any("液压" in r or "多路阀" in r for r in got[secret.id]["reasons"])


class TestRecentMatches:
    """With match_cache_seconds on, a repeated request reuses the list, but never across an edit of the
    challenge or a change in the engineer index."""

    @pytest.fixture(autouse=True)
    def cached(self, monkeypatch):
        monkeypatch.setattr(get_settings(), "match_cache_seconds", 60)

    def test_repeat_reuses_and_callers_cannot_spoil_it(self, session, pool):
        ch = _challenge(session, title="挖掘机主阀内泄", description="主控阀内泄量超标。", skills=["液压"])
        first = service.match_challenge(session, challenge=ch, top=3)
        first["matches"].clear()
        again = service.match_challenge(session, challenge=ch, top=3)
        assert again["matches"][0]["engineer"] == "M-HYD"
        assert service.match_challenge(session, challenge=ch, top=1)["matches"][0]["engineer"] == "M-HYD"

    def test_a_new_engineer_and_an_edit_are_seen_at_once(self, session, pool):
        ch = _challenge(session, title="储能电站电池SOC误差大", description="荷电状态估算误差超过5%。", skills=["BMS"],
                        fields=["先进储能材料"])
        assert service.match_challenge(session, challenge=ch, top=3)["matches"][0]["engineer"] == "M-BMS"
        add_engineer(session, ext="M-SOC", name="吴估算", skills=["电池管理系统", "SOC估算", "卡尔曼滤波"],
                     bio="储能电池荷电状态估算误差控制在2%以内，扩展卡尔曼滤波与电池管理系统均衡策略。",
                     fields=["先进储能材料"])
        engineers = [m["engineer"] for m in service.match_challenge(session, challenge=ch, top=3)["matches"]]
        assert "M-SOC" in engineers
        # two edits within one second share an updated_at: the list must still follow the text
        update_challenge(session, challenge=ch, by=make_user(session, role="admin"),
                         data=ChallengeUpdate(title="泵车臂架开裂", description="臂架焊缝开裂，需要有限元分析与结构优化。",
                                              skills=["有限元分析"], fields=["工程机械"]))
        session.flush()
        assert service.match_challenge(session, challenge=ch, top=3)["matches"][0]["engineer"] == "M-CAE"
