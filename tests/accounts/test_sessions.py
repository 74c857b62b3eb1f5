"""Sessions end for real: logout, a password change or reset and deactivation end the copies of a cookie too."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlmodel import select

from accounts.models import UserSession
from tests.factories import PASSWORD, make_user
from tests.helpers import api_headers, csrf_from, login

NEW_PASSWORD = "Lotus-harbour-5308-kite"


@contextmanager
def browser(app, session) -> Iterator[TestClient]:
    """Another browser (its own cookie jar) on the same app and test transaction."""
    with TestClient(app, raise_server_exceptions=False) as other:
        other.event_hooks["response"].append(lambda _response: session.expire_all())
        yield other


def _me(client, headers: dict | None = None) -> int:
    return client.get("/api/v1/me", headers=headers or {}).status_code


class TestLogout:
    def test_a_cookie_copied_before_logout_no_longer_signs_in(self, app, client, session):
        make_user(session, role="sme", username="copied")
        token = login(client, "copied")
        stolen = client.cookies.get("xc_session")
        assert client.get("/firm", follow_redirects=False).status_code == 200
        assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
        with browser(app, session) as thief:
            thief.cookies.set("xc_session", stolen)
            assert _me(thief) == 401
            page = thief.get("/firm", follow_redirects=False)
            assert page.status_code == 303 and page.headers["location"].startswith("/login")

    def test_the_cookie_holds_no_user_id_and_the_table_no_token(self, client, session):
        user = make_user(session, username="opaque")
        login(client, user)
        rows = session.exec(select(UserSession).where(UserSession.user_id == user.id)).all()
        assert len(rows) == 1 and len(rows[0].id) == 64  # a sha256, not the token the browser holds
        assert rows[0].revoked_at is None and rows[0].expires_at > rows[0].created_at


class TestPasswordChange:
    def test_api_change_ends_every_other_session_and_token(self, app, client, session):
        make_user(session, role="sme", username="changer")
        old_token = api_headers(client, "changer")
        csrf = login(client, "changer")
        with browser(app, session) as laptop:
            login(laptop, "changer")
            assert _me(laptop) == 200 and _me(client, old_token) == 200
            done = client.post("/api/v1/me/password", json={"current": PASSWORD, "new": NEW_PASSWORD},
                               headers={"X-CSRF-Token": csrf})
            assert done.status_code == 204, done.text
            assert _me(laptop) == 401  # the other browser
            assert _me(laptop, old_token) == 401  # the token issued before
            assert _me(client) == 200  # this browser got a fresh session
        refused = client.post("/api/v1/auth/token", data={"username": "changer", "password": PASSWORD})
        assert refused.status_code == 401
        assert client.post("/api/v1/auth/token", data={"username": "changer", "password": NEW_PASSWORD}).status_code == 200

    def test_a_bearer_caller_changes_it_and_needs_a_new_token(self, client, session):
        make_user(session, username="bearer-changer")
        heads = api_headers(client, "bearer-changer")
        done = client.post("/api/v1/me/password", json={"current": PASSWORD, "new": NEW_PASSWORD}, headers=heads)
        assert done.status_code == 204
        assert _me(client, heads) == 401

    def test_wrong_current_or_weak_new_is_422_naming_the_field_and_changes_nothing(self, client, session):
        make_user(session, username="careful")
        heads = api_headers(client, "careful")
        wrong = client.post("/api/v1/me/password", json={"current": "not-my-password-1", "new": NEW_PASSWORD},
                            headers=heads)
        assert wrong.status_code == 422 and wrong.json()["field"] == "current" and "当前密码" in wrong.json()["detail"]
        weak = client.post("/api/v1/me/password", json={"current": PASSWORD, "new": "password1"}, headers=heads)
        assert weak.status_code == 422 and weak.json()["field"] == "new" and "密码" in weak.json()["detail"]
        assert _me(client, heads) == 200  # nothing changed: the token still works
        assert client.post("/api/v1/auth/token", data={"username": "careful", "password": PASSWORD}).status_code == 200

    def test_without_a_session_it_is_401(self, client):
        assert client.post("/api/v1/me/password", json={"current": "a", "new": "b"}).status_code == 401

    def test_the_page_changes_it_and_signs_out_the_other_browser(self, app, client, session):
        make_user(session, role="sme", username="pager")
        login(client, "pager")
        form = client.get("/account/password")
        assert form.status_code == 200 and "修改密码" in form.text and 'href="/account/password"' in form.text
        csrf = csrf_from(form.text)
        with browser(app, session) as phone:
            login(phone, "pager")
            mismatch = client.post("/account/password", data={"csrf_token": csrf, "current": PASSWORD,
                                                              "new": NEW_PASSWORD, "confirm": "other"})
            assert mismatch.status_code == 422 and "两次输入的新密码不一致" in mismatch.text
            weak = client.post("/account/password", data={"csrf_token": csrf, "current": PASSWORD,
                                                          "new": "aaaaaaa1", "confirm": "aaaaaaa1"})
            assert weak.status_code == 422 and "密码至少需要10位" in weak.text
            assert _me(phone) == 200
            done = client.post("/account/password", data={"csrf_token": csrf, "current": PASSWORD,
                                                          "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
            assert done.status_code == 200 and "密码已修改" in done.text
            assert _me(phone) == 401
            assert _me(client) == 200

    def test_the_page_refuses_a_post_without_csrf(self, client, session):
        make_user(session, username="no-csrf-change")
        login(client, "no-csrf-change")
        refused = client.post("/account/password", data={"current": PASSWORD, "new": NEW_PASSWORD,
                                                         "confirm": NEW_PASSWORD})
        assert refused.status_code == 403


class TestAdministrator:
    def test_deactivation_ends_sessions_and_reactivation_does_not_revive_them(self, app, client, session):
        target = make_user(session, role="sme", username="to-deactivate")
        token = api_headers(client, target)
        with browser(app, session) as victim:
            login(victim, target)
            csrf = login(client, make_user(session, role="admin"))
            for action in ("deactivate", "activate"):
                client.post(f"/admin/users/{target.id}/{action}", data={"csrf_token": csrf})
            assert _me(victim) == 401 and _me(victim, token) == 401

    def test_a_reset_ends_sessions_and_tokens_and_refuses_a_weak_password(self, app, client, session):
        target = make_user(session, role="sme", username="forgetful")
        token = api_headers(client, target)
        with browser(app, session) as victim:
            login(victim, target)
            csrf = login(client, make_user(session, role="admin"))
            weak = client.post(f"/admin/users/{target.id}/password", data={"csrf_token": csrf, "password": "password12"})
            assert weak.status_code == 422 and "密码太容易被猜到" in weak.text
            assert _me(victim) == 200
            done = client.post(f"/admin/users/{target.id}/password", data={"csrf_token": csrf,
                                                                         "password": NEW_PASSWORD})
            assert done.status_code == 200
            assert _me(victim) == 401 and _me(victim, token) == 401
        assert client.post("/api/v1/auth/token", data={"username": "forgetful", "password": NEW_PASSWORD}).status_code == 200
        assert "重置密码" in client.get("/admin/audit").text
