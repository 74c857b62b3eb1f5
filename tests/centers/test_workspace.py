"""The operator's workspace: profile, pool, roster import, records and bookings feed the indicators."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from sqlmodel import select

from centers.indicators.engine import compute_indicators
from centers.models import Resource
from talent.models import PoolMembership
from tests.factories import make_center, make_engineer, make_user
from tests.helpers import login


def _csrf(client) -> str:
    return client.get("/center").text.split('name="csrf-token" content="')[1].split('"')[0]


def _line(session, center, line_id, year=2026):
    return next(line for line in compute_indicators(session, center=center, year=year)["lines"] if line["id"] == line_id)


def test_profile_edit_feeds_line_1_1(client, session):
    center = make_center(session)
    login(client, make_user(session, role="center", center=center))
    token = _csrf(client)
    response = client.post("/center/profile", data={"csrf_token": token, "site_area_m2": "1200", "lab_area_m2": "350",
                                                    "platform": "智能液压共性技术平台", "host_name": "湖南某某大学"},
                           follow_redirects=False)
    assert response.status_code == 303
    assert center.platform == "智能液压共性技术平台"
    assert _line(session, center, "1.1")["figures"]["site_area_m2"] == 1200
    bad = client.post("/center/profile", data={"csrf_token": token, "site_area_m2": "-5"})
    assert bad.status_code == 422


def test_invite_approve_remove(client, session):
    center = make_center(session)
    engineer = make_engineer(session, external_id="E-WS-1")
    login(client, make_user(session, role="center", center=center))
    token = _csrf(client)
    client.post("/center/pool/invite", data={"csrf_token": token, "engineer": "E-WS-1", "engagement": "双聘"})
    membership = session.exec(select(PoolMembership).where(PoolMembership.engineer_id == engineer.id)).one()
    assert membership.status == "invited"
    client.post(f"/center/pool/{membership.id}/approve", data={"csrf_token": token})
    assert membership.status == "active" and membership.joined_on is not None
    client.post(f"/center/pool/{membership.id}/remove", data={"csrf_token": token})
    assert membership.status == "removed"


def test_other_centers_membership_is_404(client, session):
    center, other = make_center(session), make_center(session)
    engineer = make_engineer(session)
    row = PoolMembership(center_id=other.id, engineer_id=engineer.id, status="invited")
    session.add(row)
    session.flush()
    login(client, make_user(session, role="center", center=center))
    assert client.post(f"/center/pool/{row.id}/approve", data={"csrf_token": _csrf(client)}).status_code == 404


def test_roster_import_csv_and_xlsx(client, session):
    center = make_center(session)
    login(client, make_user(session, role="center", center=center))
    token = _csrf(client)
    csv_text = "编号,姓名,聘用方式,职称,人才层次,长期合作\nR-1,赵工,全职,高级工程师,省级,是\nR-2,钱工,柔性引进,工程师,,否\n"
    response = client.post("/center/pool/import", data={"csrf_token": token},
                           files={"file": ("roster.csv", csv_text.encode("utf-8-sig"), "text/csv")})
    assert response.status_code in (200, 303)
    book = Workbook()
    book.active.append(["编号", "姓名", "聘用方式"])
    book.active.append(["R-3", "孙工", "顾问"])
    data = io.BytesIO()
    book.save(data)
    client.post("/center/pool/import", data={"csrf_token": token},
                files={"file": ("roster.xlsx", data.getvalue(), "application/octet-stream")})
    figures = _line(session, center, "2.1", year=date.today().year)["figures"]
    assert figures["pool_size"] == 3 and figures["talent_provincial"] == 1
    assert figures["by_engagement"] == {"全职": 1, "柔性引进": 1, "顾问": 1}
    bad = client.post("/center/pool/import", data={"csrf_token": token},
                      files={"file": ("bad.csv", "编号,姓名,聘用方式\nR-9,,全职\n".encode(), "text/csv")})
    assert bad.status_code == 422 and "姓名必填" in bad.text


def test_recorded_training_and_standard_count(client, session):
    center = make_center(session)
    login(client, make_user(session, role="center", center=center))
    token = _csrf(client)
    assert client.get("/center?kind=standard").status_code == 200
    ok = client.post("/center/records/training", data={"csrf_token": token, "title": "PLC 编程培训", "kind": "培训",
                                                        "starts_on": "2026-04-10", "hours": "8", "hosted": "1"})
    assert ok.status_code in (200, 303)
    client.post("/center/records/standard", data={"csrf_token": token, "title": "液压阀试验方法", "level": "行业标准",
                                                  "role": "牵头", "published_on": "2026-06-01", "code": "JB/T 1-2026"})
    assert _line(session, center, "3.1")["figures"]["trainings"] == 1
    standards = _line(session, center, "4.3")
    assert standards["figures"]["standards"] == 1 and standards["suggested"] == 3
    missing = client.post("/center/records/project", data={"csrf_token": token, "title": "缺少级别"})
    assert missing.status_code == 422
    assert client.post("/center/records/nothing", data={"csrf_token": token}).status_code == 404


def test_booking_calendar_and_overlap(client, session):
    center = make_center(session)
    resource = Resource(center_id=center.id, name="五轴加工中心", hours_per_year=100)
    session.add(resource)
    session.flush()
    firm_user = make_user(session, role="sme")
    login(client, firm_user)
    token = client.get("/centers").text.split('name="csrf-token" content="')[1].split('"')[0]
    form = {"csrf_token": token, "day": "2026-05-06", "start_hour": "9", "hours": "10", "purpose": "叶轮试切"}
    assert client.post(f"/resources/{resource.id}/bookings", data=form, follow_redirects=False).status_code == 303
    clash = client.post(f"/resources/{resource.id}/bookings", data={**form, "start_hour": "12"})
    assert clash.status_code == 409
    page = client.get(f"/resources/{resource.id}/calendar?month=2026-05")
    assert page.status_code == 200 and "叶轮试切" in page.text
    sharing = _line(session, center, "4.5")["figures"]
    assert sharing["bookings"] == 1 and sharing["used_hours"] == 10.0 and sharing["utilisation"] == 0.1
    assert sharing["external_users"] == 1


def test_workspace_needs_an_operator(client, session):
    login(client, make_user(session, role="sme"))
    assert client.get("/center").status_code == 403
