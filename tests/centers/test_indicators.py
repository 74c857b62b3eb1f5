"""A center's year built record by record: every figure equals the hand count, evidence lists those records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from centers.indicators import engine
from centers.indicators.engine import compute_indicators
from centers.indicators.rubric import LINES
from centers.models import (
    ExpertScore,
    Honour,
    Incident,
    LocalSupport,
    Project,
    Training,
)
from core.settings import get_settings
from marketplace.challenges import service as challenges
from marketplace.challenges.schemas import ChallengeCreate
from tests.centers.factories import (
    answer,
    at,
    bid,
    collaboration,
    firm,
    join_pool,
    published,
)
from tests.factories import make_center, make_engineer, make_user


def _line(result: dict, line_id: str) -> dict:
    return next(line for line in result["lines"] if line["id"] == line_id)


def _ids(line: dict, figure: str) -> set:
    return {item["id"] for item in line["evidence"] if item["figure"] == figure}


class TestScenarioYear:
    def test_platform_and_innovation_figures_equal_hand_count(self, session):
        center, other = make_center(session), make_center(session)
        e1 = join_pool(session, center, engagement="全职", long_term=True, name="李工")
        e1.talent_level = "国家级"
        e2 = join_pool(session, center, engagement="兼职", joined_on=date(2026, 3, 1), recruited=True,
                       region="株洲市", name="王工")
        e2.talent_level = "省级"
        join_pool(session, center, status="removed", joined_on=date(2024, 1, 1), left_on=date(2025, 6, 1), name="离库工程师")
        join_pool(session, center, status="invited", name="受邀工程师")
        outsider = make_engineer(session, name="外部工程师")
        changsha = firm(session)
        outsider.employer_id = changsha.id
        session.add_all([e1, e2, outsider])

        old = published(session, center=center, when=at(2025, 11, 1), title="往年榜单")
        c1 = published(session, center=center, when=at(2026, 2, 1), company=changsha, title="榜一")
        c2 = published(session, center=center, when=at(2026, 3, 1), company=changsha, title="榜二")
        cx = published(session, center=other, when=at(2026, 3, 5), title="他中心榜单")
        bid(session, c1, e1, when=at(2026, 2, 10))
        bid(session, c2, outsider, when=at(2026, 3, 10))
        bid(session, cx, e2, when=at(2026, 3, 12))
        bid(session, old, outsider, when=at(2025, 12, 1))
        k1 = collaboration(session, c1, e1, started=at(2026, 4, 1), accepted=at(2026, 9, 1), amount=Decimal("250000"))
        kx = collaboration(session, cx, e2, started=at(2026, 5, 1), contract_kind="技术服务")
        collaboration(session, c2, outsider, started=at(2026, 6, 1), accepted=at(2027, 1, 5))

        q1 = published(session, center=center, when=at(2026, 1, 20), kind="consultation", title="问诊一")
        q2 = published(session, center=None, when=at(2026, 1, 21), kind="consultation", title="问诊二")
        q3 = published(session, center=None, when=at(2026, 1, 22), kind="consultation", title="问诊三")
        q4 = published(session, center=None, when=at(2025, 1, 22), kind="consultation", title="问诊四")
        answer(session, q1, outsider, when=at(2026, 2, 2))
        answer(session, q2, e1, when=at(2026, 2, 3))
        answer(session, q3, outsider, when=at(2026, 2, 4))
        answer(session, q4, e1, when=at(2025, 2, 4))

        result = compute_indicators(session, center=center, year=2026)
        platform = _line(result, "2.3")
        assert platform["max"] == 4
        assert platform["figures"] == {
            "challenges_published": 2, "challenges_bid_on": 3, "challenges_awarded": 3, "challenges_completed": 1,
            "consultations_answered": 2, "cross_org_pairings": 2, "cross_region_pairings": 1, "active_engineers": 2,
        }
        assert _ids(platform, "challenges_published") == {c1.id, c2.id}
        assert _ids(platform, "challenges_bid_on") == {c1.id, c2.id, cx.id}
        assert _ids(platform, "challenges_completed") == {c1.id}
        assert _ids(platform, "consultations_answered") == {q1.id, q2.id}
        assert _ids(platform, "cross_org_pairings") == {k1.id, kx.id}
        assert _ids(platform, "cross_region_pairings") == {kx.id}
        assert _ids(platform, "active_engineers") == {e1.id, e2.id}

        innovation = _line(result, "4.2")
        assert innovation["max"] == 14
        figures = innovation["figures"]
        assert figures["services_total"] == 1
        assert figures["contracts_by_kind"] == {"技术开发": 1, "技术转让": 0, "技术咨询": 0, "技术服务": 0}
        assert figures["services_by_type"]["研发设计"] == 1 and figures["services_by_type"]["技术改造"] == 0
        assert figures["contract_amount"] == 250000.0
        assert figures["firms_served"] == 1
        assert _ids(innovation, "firms_served") == {changsha.id}

        talent = _line(result, "2.1")
        assert talent["figures"]["pool_size"] == 2
        assert talent["figures"]["by_engagement"] == {"全职": 1, "兼职": 1}
        assert talent["figures"]["talent_national"] == 1 and talent["figures"]["talent_provincial"] == 1
        assert talent["parts"]["高层次人才"] == 4.0
        recruitment = _line(result, "2.2")
        assert recruitment["figures"] == {"long_term_partners": 1, "new_members": 1, "recruitment_rules": 0}

    def test_projects_undertaken_in_the_year(self, session):
        center = make_center(session)
        running = Project(center_id=center.id, title="国家重点研发计划课题", level="国家级", role="牵头",
                          started_on=date(2025, 6, 1), amount=Decimal("3000000"))
        new = Project(center_id=center.id, title="省重大专项", level="省级", role="参与", started_on=date(2026, 2, 1))
        ended = Project(center_id=center.id, title="已结题省级项目", level="省级", started_on=date(2024, 1, 1),
                        ended_on=date(2025, 12, 31))
        city = Project(center_id=center.id, title="市级项目", level="市级", started_on=date(2026, 2, 1))
        session.add_all([running, new, ended, city])
        session.flush()
        line = _line(compute_indicators(session, center=center, year=2026), "4.2")
        assert line["figures"]["national_projects"] == 1
        assert line["figures"]["provincial_projects"] == 1
        assert _ids(line, "national_projects") | _ids(line, "provincial_projects") == {running.id, new.id}
        assert line["parts"]["重大项目"] == 3 + 1


class TestFiguresMove:
    def test_publishing_a_hosted_challenge_adds_one(self, session):
        center = make_center(session)
        before = _line(compute_indicators(session, center=center, year=2026), "2.3")["figures"]["challenges_published"]
        published(session, center=center, when=at(2026, 5, 5))
        after = _line(compute_indicators(session, center=center, year=2026), "2.3")["figures"]["challenges_published"]
        assert after == before + 1

    def test_accepted_collaboration_by_pool_engineer_counts_everywhere(self, session):
        center = make_center(session)
        engineer = join_pool(session, center)
        before = compute_indicators(session, center=center, year=2026)
        challenge = published(session, center=None, when=at(2026, 1, 5))
        collaboration(session, challenge, engineer, started=at(2026, 2, 1), accepted=at(2026, 7, 1),
                      amount=Decimal("180000.50"))
        after = compute_indicators(session, center=center, year=2026)
        p0, p1 = _line(before, "2.3")["figures"], _line(after, "2.3")["figures"]
        i0, i1 = _line(before, "4.2")["figures"], _line(after, "4.2")["figures"]
        assert p1["challenges_completed"] == p0["challenges_completed"] + 1
        assert p1["challenges_awarded"] == p0["challenges_awarded"] + 1
        assert i1["contracts_by_kind"]["技术开发"] == i0["contracts_by_kind"]["技术开发"] + 1
        assert i1["contract_amount"] == i0["contract_amount"] + 180000.50
        assert i1["firms_served"] == i0["firms_served"] + 1

    def test_other_year_does_not_count(self, session):
        center = make_center(session)
        published(session, center=center, when=at(2025, 12, 31))
        assert _line(compute_indicators(session, center=center, year=2026), "2.3")["figures"]["challenges_published"] == 0
        assert _line(compute_indicators(session, center=center, year=2025), "2.3")["figures"]["challenges_published"] == 1

    def test_trainings_attendance_and_events(self, session):
        center = make_center(session)
        session.add_all([
            Training(center_id=center.id, title="液压系统培训", kind="培训", starts_on=date(2026, 4, 1), hours=Decimal("16")),
            Training(center_id=center.id, title="智能制造交流会", kind="交流", level="省级", starts_on=date(2026, 5, 1)),
            Training(center_id=center.id, title="往年培训", kind="培训", starts_on=date(2025, 4, 1)),
        ])
        session.flush()
        figures = _line(compute_indicators(session, center=center, year=2026), "3.1")["figures"]
        assert figures["trainings"] == 1 and figures["training_hours"] == 16.0
        assert figures["exchanges_and_competitions"] == 1 and figures["provincial_or_national_events"] == 1


class TestScores:
    def test_every_line_present_with_maximums_of_the_table(self, session):
        result = compute_indicators(session, center=make_center(session), year=2026)
        assert [line["id"] for line in result["lines"]] == [line.line_id for line in LINES]
        assert sum(line["max"] for line in result["lines"] if line["id"] != "bonus") == 100
        for line in result["lines"]:
            assert 0 <= line["suggested"] <= line["max"]
            assert line["basis"] == "auto" and line["expert"] is None

    def test_bonus_is_capped_at_ten(self, session):
        center = make_center(session)
        session.add_all([Honour(center_id=center.id, title=f"国家级荣誉{i}", level="国家级", awarded_on=date(2026, 3, i + 1))
                         for i in range(3)])
        session.add(LocalSupport(center_id=center.id, year=2026, level="市州", description="运营经费补助",
                                 amount=Decimal("2000000")))
        session.flush()
        bonus = _line(compute_indicators(session, center=center, year=2026), "bonus")
        assert bonus["parts"]["荣誉表彰"] == 9 and bonus["parts"]["地方支持"] == 3
        assert bonus["suggested"] == 10 and bonus["score"] == 10

    def test_severe_incident_vetoes(self, session):
        center = make_center(session)
        session.add(Incident(center_id=center.id, happened_on=date(2026, 8, 1), kind="安全事故",
                             description="实验室火灾", severe=True))
        session.add(Incident(center_id=center.id, happened_on=date(2026, 8, 2), kind="质量事故",
                             description="轻微问题", severe=False))
        session.flush()
        result = compute_indicators(session, center=center, year=2026)
        assert result["veto"] is True and result["result"] == "不合格"
        assert len(result["veto_evidence"]) == 1
        assert compute_indicators(session, center=center, year=2025)["veto"] is False

    def test_expert_mean_overrides_suggested(self, session):
        center = make_center(session)
        published(session, center=center, when=at(2026, 5, 5))
        a, b = make_user(session, role="expert"), make_user(session, role="expert")
        session.add_all([ExpertScore(center_id=center.id, year=2026, line_id="2.3", expert_id=a.id, score=Decimal("3")),
                         ExpertScore(center_id=center.id, year=2026, line_id="2.3", expert_id=b.id, score=Decimal("4"))])
        session.flush()
        result = compute_indicators(session, center=center, year=2026)
        line = _line(result, "2.3")
        assert line["suggested"] == 1.0 and line["expert"] == 3.5 and line["score"] == 3.5
        assert line["basis"] == "mixed"
        assert result["total"] == 3.5


class TestCachedTable:
    """With the reuse of computed tables switched on (as in production), the figures still move at once."""

    def test_publishing_through_the_product_moves_the_cached_table(self, session, monkeypatch):
        monkeypatch.setattr(get_settings(), "indicator_cache_seconds", 120)
        center = make_center(session)
        owner = make_user(session, role="sme")
        first = compute_indicators(session, center=center, year=2026)
        assert compute_indicators(session, center=center, year=2026) == first  # reused, equal
        _line(first, "2.3")["figures"]["challenges_published"] = 99  # a caller scribbling on its copy
        assert _line(compute_indicators(session, center=center, year=2026), "2.3")["figures"][
            "challenges_published"] == _line(compute_indicators(session, center=center, year=2026), "2.3")[
            "figures"]["challenges_published"] != 99

        before = _line(compute_indicators(session, center=center, year=2026), "2.3")["figures"]["challenges_published"]
        challenges.create_challenge(session, by=owner, data=ChallengeCreate(  # posted open: published now
            title="注塑件翘曲变形攻关", description="PP 注塑件冷却后翘曲超差，需优化模具冷却与工艺参数。",
            center=str(center.id), deadline=date(2026, 12, 31), budget=Decimal("200000")))
        after = _line(compute_indicators(session, center=center, year=2026), "2.3")["figures"]["challenges_published"]
        assert after == before + 1

    def test_a_table_may_lag_the_log_by_the_lag_setting_and_no_more(self, session, monkeypatch):
        monkeypatch.setattr(get_settings(), "indicator_cache_seconds", 120)
        monkeypatch.setattr(get_settings(), "indicator_lag_seconds", 60)
        center = make_center(session)
        owner = make_user(session, role="sme")

        def published() -> int:
            return _line(compute_indicators(session, center=center, year=2026), "2.3")["figures"]["challenges_published"]

        try:
            before = published()
            challenges.create_challenge(session, by=owner, data=ChallengeCreate(
                title="注塑件翘曲变形攻关", description="PP 注塑件冷却后翘曲超差，需优化模具冷却与工艺参数。",
                center=str(center.id), deadline=date(2026, 12, 31), budget=Decimal("200000")))
            assert published() == before  # within the lag: the table computed a moment ago
            monkeypatch.setattr(get_settings(), "indicator_lag_seconds", 0)
            engine._latest_lines.clear()  # as if the lag had passed
            assert published() == before + 1  # the log moved: computed again
        finally:
            engine._latest_lines.clear()
            engine._recent_lines.clear()
