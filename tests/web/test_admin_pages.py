"""Admin pages: only role admin; create and deactivate users; the audit log shows it."""

from __future__ import annotations

from sqlmodel import select

from accounts.models import Organisation, User
from tests.factories import PASSWORD, make_user
from tests.helpers import login


def test_admin_pages_refuse_other_roles(client, session):
    assert client.get("/admin", follow_redirects=False).status_code == 303  # to the login page
    login(client, make_user(session, role="sme"))
    for path in ("/admin", "/admin/users", "/admin/organisations", "/admin/audit"):
        assert client.get(path).status_code == 403


def test_admin_creates_and_deactivates_a_user(client, session):
    admin = make_user(session, role="admin")
    token = login(client, admin)
    for path in ("/admin", "/admin/users", "/admin/organisations", "/admin/audit"):
        page = client.get(path)
        assert page.status_code == 200 and "平台管理" in page.text
    resp = client.post("/admin/users", data={"csrf_token": token, "username": "firm_new_1", "password": PASSWORD,
                                             "role": "sme", "org": "新建测试机械有限公司", "display_name": "刘经理"},
                       follow_redirects=False)
    assert resp.status_code == 303
    created = session.query(User).filter_by(username="firm_new_1").one()
    assert created.organisation_id is not None
    resp = client.post(f"/admin/users/{created.id}/deactivate", data={"csrf_token": token}, follow_redirects=False)
    assert resp.status_code == 303
    session.refresh(created)
    assert created.is_active is False
    audit = client.get("/admin/audit").text
    assert "创建账号" in audit and "停用账号" in audit and "firm_new_1" in audit


def test_admin_form_errors_are_in_chinese_next_to_the_field(client, session):
    token = login(client, make_user(session, role="admin"))
    resp = client.post("/admin/users", data={"csrf_token": token, "username": "x_firm", "password": "short",
                                             "role": "sme", "org": "某企业"})
    assert resp.status_code == 422
    assert 'id="e-password"' in resp.text and "密码至少需要10位" in resp.text
    assert session.exec(select(Organisation).where(Organisation.name == "某企业")).first() is None  # nothing half-made
    resp = client.post("/admin/users", data={"csrf_token": token, "username": "x_center", "password": PASSWORD,
                                             "role": "sme"})
    assert 'id="e-org"' in resp.text


def test_post_without_csrf_token_is_refused(client, session):
    admin = make_user(session, role="admin")
    login(client, admin)
    target = make_user(session, role="engineer")
    resp = client.post(f"/admin/users/{target.id}/deactivate", data={})
    assert resp.status_code == 403 and "CSRF" in resp.text
    session.refresh(target)
    assert target.is_active
