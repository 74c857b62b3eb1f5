"""Government views and the recognition workflow of 第八条, 第十二至十四条."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from centers import gov, recognition
from centers.indicators.engine import compute_indicators
from centers.models import Application, ExpertScore, Review
from core.errors import Conflict
from tests.centers.factories import assigned_expert, at, published
from tests.factories import make_center, make_challenge, make_engineer, make_user
from tests.helpers import login


def _token(client) -> str:
    return client.get("/centers").text.split('name="csrf-token" content="')[1].split('"')[0]


class TestRanking:
    def test_city_sees_its_city_ranked_by_total(self, client, session):
        weak = make_center(session, city="常德市")
        strong = make_center(session, city="常德市")
        elsewhere = make_center(session, city="郴州市")
        published(session, center=strong, when=at(2026, 3, 1))
        bureau = make_user(session, role="city", region="常德市")
        ranked = gov.ranking(session, user=bureau, year=2026)
        assert [r["center"].id for r in ranked["rows"]] == [strong.id, weak.id]
        login(client, bureau)
        page = client.get("/gov?year=2026")
        assert page.status_code == 200 and strong.name in page.text and elsewhere.name not in page.text

    def test_province_sees_all_and_firms_are_refused(self, client, session):
        a, b = make_center(session, city="常德市"), make_center(session, city="郴州市")
        rows = gov.ranking(session, user=make_user(session, role="province"), year=2026)["rows"]
        assert {a.id, b.id} <= {r["center"].id for r in rows}
        login(client, make_user(session, role="sme"))
        assert client.get("/gov").status_code == 403


def test_talent_map_highlights_gaps(client, session):
    make_engineer(session, fields=["储能材料"], region="益阳市")
    for _ in range(3):
        challenge = make_challenge(session, status="open")
        challenge.fields, challenge.region = ["储能材料"], "益阳市"
    result = gov.talent_map(session)
    cell = result["cells"][("储能材料", "益阳市")]
    assert cell["supply"] == 1 and cell["demand"] == 3 and cell["gap"]
    assert {"field": "储能材料", "city": "益阳市", "supply": 1, "demand": 3, "shortfall": 2} in result["gaps"]
    login(client, make_user(session, role="province"))
    page = client.get("/gov/talent-map")
    assert page.status_code == 200 and "缺口 2" in page.text


def passed_review(session, center, province):
    """A 2026 application the city recommended and the province passed (before the public notice)."""
    operator = make_user(session, role="center", center=center)
    application = recognition.submit(session, center=center, year=2026, plan="建设方案：共性技术平台与工程师库", by=operator)
    city = make_user(session, role="city", region=center.city)
    recognition.city_review(session, application=application, recommend=True, opinion="推荐", by=city)
    recognition.province_review(session, application=application, passed=True, comment="", by=province)
    return application


class TestRecognition:
    def test_full_workflow_through_the_pages(self, client, session):
        center = make_center(session, city="娄底市")
        center.status = "申报中"
        login(client, make_user(session, role="center", center=center))
        assert client.get("/center/application").status_code == 200
        client.post("/center/application", data={"csrf_token": _token(client), "plan": "围绕薄板深加工集群建设共性技术平台与共享工程师库"})
        application = recognition_app(session, center)
        assert application.status == "submitted"

        login(client, make_user(session, role="city", region="长沙市"))
        refused = client.post(f"/gov/applications/{application.id}/city", data={"csrf_token": _token(client), "decision": "recommend"})
        assert refused.status_code == 403
        login(client, make_user(session, role="city", region="娄底市"))
        client.post(f"/gov/applications/{application.id}/city",
                    data={"csrf_token": _token(client), "decision": "recommend", "comment": "同意推荐"})
        assert application.status == "city_recommended"

        login(client, make_user(session, role="province"))
        token = _token(client)
        client.post(f"/gov/applications/{application.id}/province", data={"csrf_token": token, "decision": "pass"})
        assert application.status == "expert_review"
        client.post(f"/gov/applications/{application.id}/notice", data={"csrf_token": token, "start": "2026-09-29"})
        assert application.status == "public_notice"
        assert (application.notice_starts_on, application.notice_ends_on) == (date(2026, 9, 29), date(2026, 10, 10))
        page = client.get("/gov/applications")
        assert page.status_code == 200 and "2026年10月10日" in page.text

        province = make_user(session, role="province")
        with pytest.raises(Conflict):
            recognition.decide(session, application=application, recognise=True, by=province, on=date(2026, 10, 10))
        recognition.decide(session, application=application, recognise=True, by=province, on=date(2026, 10, 12))
        assert center.status == "培育期" and center.recognised_on == date(2026, 10, 12)
        assert center.cultivation_ends_on == date(2027, 10, 12)
        assert len(session.exec(Review.__table__.select().where(Review.application_id == application.id)).all()) == 3

    def test_objection_blocks_recognition(self, session):
        center = make_center(session)
        province = make_user(session, role="province")
        application = passed_review(session, center, province)
        recognition.start_notice(session, application=application, start=date(2026, 6, 8), by=province)
        recognition.object_to(session, application=application, comment="材料不实", by=province)
        with pytest.raises(Conflict, match="异议"):
            recognition.decide(session, application=application, recognise=True, by=province, on=date(2026, 7, 1))

    def test_cultivation_failure_then_rectification_failure_revokes(self, session):
        center = make_center(session)
        center.status = "培育期"
        province = make_user(session, role="province")
        recognition.assess(session, center=center, passed=False, by=province)
        assert center.status == "整改期"
        recognition.assess(session, center=center, passed=False, by=province)
        assert center.status == "已撤销"
        with pytest.raises(Conflict):
            recognition.assess(session, center=center, passed=True, by=province)

    def test_two_idle_years_without_reports_propose_revocation(self, session):
        idle = make_center(session)
        idle.recognised_on = date(2023, 5, 1)
        busy = make_center(session)
        busy.recognised_on = date(2023, 5, 1)
        published(session, center=busy, when=at(2025, 3, 1))
        proposals = {p["center"].id: p["reasons"] for p in recognition.revocation_proposals(session, year=2026)}
        assert any("未开展实质性协同活动" in r for r in proposals[idle.id])
        assert any("未提交年度运行报告" in r for r in proposals[idle.id])


def recognition_app(session, center):
    return session.exec(select(Application).where(Application.center_id == center.id)).one()


def test_expert_form_saves_scores(client, session):
    center = make_center(session)
    expert = assigned_expert(session, center)
    login(client, expert)
    page = client.get(f"/expert/centers/{center.id}?year=2026")
    assert page.status_code == 200 and "协同平台建设" in page.text
    token = _token(client)
    done = client.post(f"/expert/centers/{center.id}?year=2026",
                       data={"csrf_token": token, "score_2.3": "3.5", "comment_2.3": "机制健全", "score_1.1": ""},
                       follow_redirects=False)
    assert done.status_code == 303
    row = session.exec(ExpertScore.__table__.select().where(ExpertScore.center_id == center.id)).one()
    assert row.line_id == "2.3" and float(row.score) == 3.5
    over = client.post(f"/expert/centers/{center.id}?year=2026", data={"csrf_token": token, "score_4.4": "5"})
    assert over.status_code == 422


def test_province_records_a_veto_event(client, session):
    center = make_center(session)
    login(client, make_user(session, role="province"))
    token = _token(client)
    response = client.post("/gov/incidents", data={"csrf_token": token, "center_id": str(center.id), "kind": "安全事故",
                                                   "happened_on": "2026-07-01", "description": "实验室爆燃", "severe": "1"},
                           follow_redirects=False)
    assert response.status_code == 303

    assert compute_indicators(session, center=center, year=2026)["veto"] is True
    bad = client.post("/gov/incidents", data={"csrf_token": token, "center_id": str(center.id), "kind": "其他",
                                              "happened_on": "2026-07-01", "description": "x"})
    assert bad.status_code == 422
    login(client, make_user(session, role="city", region=center.city))
    assert client.post("/gov/incidents", data={"csrf_token": _token(client), "center_id": str(center.id)}).status_code == 403


def test_province_assigns_an_expert_who_then_sees_the_application(client, session):
    center = make_center(session)
    province = make_user(session, role="province")
    application = passed_review(session, center, province)
    expert = make_user(session, role="expert")
    login(client, province)
    token = _token(client)
    assert client.post(f"/gov/applications/{application.id}/assign",
                       data={"csrf_token": token, "expert_id": str(expert.id)}, follow_redirects=False).status_code == 303
    again = client.post(f"/gov/applications/{application.id}/assign", data={"csrf_token": token, "expert_id": str(expert.id)})
    assert again.status_code == 409
    login(client, expert)
    home = client.get("/expert")
    assert f"/expert/centers/{center.id}?year=2026" in home.text


def test_each_step_has_its_own_route(client, session):
    center = make_center(session)
    center.status = "培育期"
    province = make_user(session, role="province")
    application = passed_review(session, center, province)
    recognition.start_notice(session, application=application, start=date(2026, 6, 8), by=province)
    login(client, province)
    token = _token(client)
    base = f"/gov/applications/{application.id}"
    assert client.post(f"{base}/objection", data={"csrf_token": token, "comment": "材料不实"},
                       follow_redirects=False).status_code == 303
    assert client.post(f"{base}/decide", data={"csrf_token": token, "decision": "reject"},
                       follow_redirects=False).status_code == 303
    assert application.status == "rejected"
    assert {r.decision for r in session.exec(select(Review).where(Review.application_id == application.id))} >= {
        "objection"}
    assert client.post(f"{base}/publish", data={"csrf_token": token}).status_code == 404
    client.post(f"/gov/centers/{center.id}/assess", data={"csrf_token": token, "decision": "fail"})
    assert center.status == "整改期"
    client.post(f"/gov/centers/{center.id}/revoke", data={"csrf_token": token, "comment": "连续两年未报告"})
    assert center.status == "已撤销"
