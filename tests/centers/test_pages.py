"""Center pages: public list and profile, the dashboard and its drill-down."""

from __future__ import annotations

from tests.centers.factories import at, published
from tests.factories import make_center, make_user
from tests.helpers import login


def test_public_list_groups_by_cluster_and_filters_by_city(client, session):
    a = make_center(session, city="株洲市", cluster="轨道交通装备")
    b = make_center(session, city="长沙市", cluster="工程机械")
    page = client.get("/centers")
    assert page.status_code == 200 and a.name in page.text and "轨道交通装备" in page.text
    filtered = client.get("/centers?city=株洲市")
    assert a.name in filtered.text and b.name not in filtered.text


def test_public_profile(client, session):
    center = make_center(session)
    center.platform = "液压共性技术平台"
    session.flush()  # the request reads through its own session
    page = client.get(f"/centers/{center.id}")
    assert page.status_code == 200 and "液压共性技术平台" in page.text


def test_operator_dashboard_and_drill_down(client, session):
    center = make_center(session)
    challenge = published(session, center=center, when=at(2026, 3, 3), title="风电齿轮箱异响诊断")
    operator = make_user(session, role="center", center=center)
    login(client, operator)
    redirect = client.get("/center/indicators?year=2026", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == f"/centers/{center.id}/indicators?year=2026"
    page = client.get(f"/centers/{center.id}/indicators?year=2026")
    assert page.status_code == 200
    assert "协同平台建设" in page.text and 'data-chart="line"' in page.text and "<script>" not in page.text
    partial = client.get(f"/centers/{center.id}/indicators/2.3?year=2026", headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "风电齿轮箱异响诊断" in partial.text and "<html" not in partial.text
    assert f"/challenges/{challenge.id}" in partial.text


def test_dashboard_refuses_other_city_bureau(client, session):
    center = make_center(session, city="衡阳市")
    login(client, make_user(session, role="city", region="长沙市"))
    assert client.get(f"/centers/{center.id}/indicators").status_code == 403
