"""Passwords, tokens and the credit-code check, as a user meets them (sign-in delays: test_login.py)."""

from __future__ import annotations

import pytest

from core.creditcode import validate_credit_code
from tests.factories import PASSWORD, make_user


class TestToken:
    def test_password_gives_a_token_that_opens_the_api(self, client, session):
        user = make_user(session, role="sme", username="firm-token")
        response = client.post("/api/v1/auth/token", data={"username": "firm-token", "password": PASSWORD})
        assert response.status_code == 200
        token = response.json()["access_token"]
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
        assert me.json()["id"] == user.id

    def test_wrong_password_is_401(self, client, session):
        make_user(session, username="firm-wrong")
        response = client.post("/api/v1/auth/token", data={"username": "firm-wrong", "password": "nope12345"})
        assert response.status_code == 401

    def test_no_token_is_401(self, client):
        assert client.get("/api/v1/me").status_code == 401

    def test_forged_token_is_401(self, client):
        assert client.get("/api/v1/me", headers={"Authorization": "Bearer abc.def"}).status_code == 401

    def test_password_is_hashed_with_argon2(self, session):
        user = make_user(session, username="hash-check")
        assert user.password_hash.startswith("$argon2")
        assert PASSWORD not in user.password_hash


class TestLoginPage:
    def test_login_sets_session_and_logout_needs_csrf(self, client, session):
        make_user(session, role="sme", username="page-user")
        page = client.get("/login")
        assert page.status_code == 200 and "登录" in page.text
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        done = client.post("/login", data={"username": "page-user", "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
        assert done.status_code == 303
        assert client.get("/api/v1/me").json()["username"] == "page-user"
        refused = client.post("/logout", data={}, follow_redirects=False)
        assert refused.status_code == 403

    def test_login_without_csrf_is_refused(self, client, session):
        make_user(session, username="nocsrf")
        response = client.post("/login", data={"username": "nocsrf", "password": PASSWORD})
        assert response.status_code == 403


class TestCreditCode:
    def test_known_valid_code(self):
        assert validate_credit_code("91430100ma4l3b5k2c") == "91430100MA4L3B5K2C"

    @pytest.mark.parametrize("code,reason", [
        ("91430100MA4L3B5K2D", "校验位"),
        ("91430100MA4L3B5K2", "18位"),
        ("91430100MA4L3B5KIC", "非法字符"),
    ])
    def test_bad_codes_say_why(self, code, reason):
        with pytest.raises(ValueError, match=reason):
            validate_credit_code(code)


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_home_page_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "揭榜" in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'self'")

